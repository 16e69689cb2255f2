"""Dates as TEI writes them in ``att.datable.w3c``: parse, check, normalise.

``@when``, ``@from``, ``@to``, ``@notBefore`` and ``@notAfter`` take the W3C
XML Schema forms: ``gYear`` (1950, -0044), ``gYearMonth`` (1950-06),
``date`` (1950-06-25), ``dateTime`` (1950-06-25T04:00:00, with an optional
zone), plus ``gMonthDay`` (--06-25), ``gMonth`` (--06), ``gDay`` (---25) and
``time``.  Years have four or more digits and may be negative (BCE, with
astronomical numbering as XSD 1.1 and ISO 8601 do: 0000 is 1 BCE).

Each value is read into a :class:`DateValue`, which knows its precision and
the first and last instant it covers, so ranges can be compared and a whole
corpus sorted chronologically, BCE included.  Values without a year (gMonth,
gDay, time) are valid but cannot be placed on a timeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DATE_ATTRIBUTES = ("when", "from", "to", "notBefore", "notAfter")

_ZONE = r"(?P<zone>Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?"
_TIME = r"(?P<hour>[01]\d|2[0-4]):(?P<minute>[0-5]\d):(?P<second>[0-5]\d)(?:\.\d+)?"
_YEAR = r"(?P<year>-?(?:[1-9]\d{4,}|\d{4}))"

_FORMS = (
    ("day", re.compile(rf"{_YEAR}-(?P<month>\d\d)-(?P<day>\d\d){_ZONE}")),
    ("time", re.compile(rf"{_YEAR}-(?P<month>\d\d)-(?P<day>\d\d)T{_TIME}{_ZONE}")),
    ("month", re.compile(rf"{_YEAR}-(?P<month>\d\d){_ZONE}")),
    ("year", re.compile(rf"{_YEAR}{_ZONE}")),
    ("month-day", re.compile(rf"--(?P<month>\d\d)-(?P<day>\d\d){_ZONE}")),
    ("month-only", re.compile(rf"--(?P<month>\d\d){_ZONE}")),
    ("day-only", re.compile(rf"---(?P<day>\d\d){_ZONE}")),
    ("clock", re.compile(rf"{_TIME}{_ZONE}")),
)


class DateError(ValueError):
    """A value that is not a W3C date; ``str()`` says what is wrong."""


@dataclass(frozen=True, order=True)
class DateValue:
    """One parsed value.  Ordered by the instant it starts at."""

    start: tuple = field(compare=True)
    end: tuple = field(compare=False)
    text: str = field(compare=False)
    precision: str = field(compare=False)  # year, month, day, time; or month-day, month-only, day-only, clock
    year: int | None = field(compare=False, default=None)
    month: int | None = field(compare=False, default=None)
    day: int | None = field(compare=False, default=None)

    @property
    def on_timeline(self) -> bool:
        return self.year is not None


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in_month(year: int | None, month: int) -> int:
    if month != 2:
        return _MONTH_DAYS[month - 1]
    if year is None:
        return 29
    year = year % 400 or 400  # Gregorian leap rules repeat every 400 years (BCE years included)
    return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28


def parse(value: str) -> DateValue:
    """Read one W3C date value or raise :class:`DateError` saying why not."""
    text = value
    value = value.strip()
    if value != text or not value:
        raise DateError(f"{text!r} is not a date: no spaces allowed" if value else "empty date value")
    for precision, pattern in _FORMS:
        found = pattern.fullmatch(value)
        if found is None:
            continue
        parts = found.groupdict()
        year = int(parts["year"]) if parts.get("year") else None
        if parts.get("year", "") and parts["year"].lstrip("-").startswith("0") and len(parts["year"].lstrip("-")) > 4:
            raise DateError(f"{value!r}: a year of more than four digits has no leading zero")
        month = int(parts["month"]) if parts.get("month") else None
        day = int(parts["day"]) if parts.get("day") else None
        if month is not None and not 1 <= month <= 12:
            raise DateError(f"{value!r}: month {month:02d} does not exist")
        if day is not None:
            last = _days_in_month(year, month) if month else 31
            if not 1 <= day <= last:
                raise DateError(f"{value!r}: day {day:02d} does not exist in that month")
        if parts.get("hour") == "24" and (parts["minute"], parts["second"]) != ("00", "00"):
            raise DateError(f"{value!r}: 24:00:00 is the only time with hour 24")
        start, end = _span(precision, year, month, day, parts)
        return DateValue(start, end, value, precision, year, month, day)
    raise DateError(f"{value!r} is not an ISO 8601 / W3C date (expected e.g. 1950, 1950-06, 1950-06-25)")


def _span(precision, year, month, day, parts):
    """First and last instant as sortable tuples (year, month, day, seconds)."""
    seconds = 0
    if parts.get("hour"):
        seconds = int(parts["hour"]) * 3600 + int(parts["minute"]) * 60 + int(parts["second"])
    y = year if year is not None else 0
    if precision == "year":
        return (y, 1, 1, 0), (y, 12, 31, 86400)
    if precision in ("month", "month-only"):
        return (y, month, 1, 0), (y, month, _days_in_month(year, month), 86400)
    if precision in ("day", "month-day"):
        return (y, month, day, 0), (y, month, day, 86400)
    if precision == "time":
        return (y, month, day, seconds), (y, month, day, seconds)
    if precision == "day-only":
        return (y, 1, day, 0), (y, 1, day, 86400)
    return (0, 1, 1, seconds), (0, 1, 1, seconds)  # clock


@dataclass(frozen=True)
class NormalisedDate:
    """What one element's dating attributes say, normalised.

    ``attributes`` keeps the valid values by attribute name; ``start`` and
    ``end`` bound the time covered (None when open or unknown); ``is_range``
    is true for from/to and notBefore/notAfter.
    """

    attributes: dict
    start: DateValue | None
    end: DateValue | None
    is_range: bool
    precision: str | None

    @property
    def sort_key(self) -> tuple:
        point = self.start or self.end
        return point.start if point is not None else (float("inf"),)


def problems(attributes) -> list[tuple[str, str]]:
    """Everything wrong with an element's dating attributes: (attribute, message)."""
    found = []
    values = {}
    for name in DATE_ATTRIBUTES:
        raw = attributes.get(name)
        if raw is None:
            continue
        try:
            values[name] = parse(raw)
        except DateError as error:
            found.append((name, f"@{name}: {error}"))
    if "when" in attributes and any(name in attributes for name in DATE_ATTRIBUTES[1:]):
        others = ", ".join(f"@{n}" for n in DATE_ATTRIBUTES[1:] if n in attributes)
        found.append(("when", f"@when cannot be combined with {others}"))
    for low, high in (("from", "to"), ("notBefore", "notAfter")):
        a, b = values.get(low), values.get(high)
        if a and b and a.on_timeline and b.on_timeline and a.start > b.end:
            found.append((low, f"@{low} ({a.text}) is after @{high} ({b.text})"))
    return found


def normalise(attributes) -> NormalisedDate | None:
    """The normalised reading of an element's dating attributes, or None.

    Invalid values are left out (``problems`` reports them).
    """
    values = {}
    for name in DATE_ATTRIBUTES:
        raw = attributes.get(name)
        if raw is not None:
            try:
                values[name] = parse(raw)
            except DateError:
                pass
    if not values:
        return None
    if "when" in values:
        when = values["when"]
        return NormalisedDate({"when": when.text}, when, when, False, when.precision)
    start = values.get("from") or values.get("notBefore")
    end = values.get("to") or values.get("notAfter")
    precision = (start or end).precision
    return NormalisedDate({k: v.text for k, v in values.items()}, start, end, True, precision)
