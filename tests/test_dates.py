"""W3C date values: which parse, which don't, and how ranges compare."""

import pytest

from tei_edition.dates import DateError, normalise, parse, problems


@pytest.mark.parametrize(
    "value, precision",
    [
        ("1950", "year"),
        ("1950-06", "month"),
        ("1950-06-25", "day"),
        ("1950-06-25T04:00:00", "time"),
        ("1950-06-25T04:00:00+09:00", "time"),
        ("-0044", "year"),
        ("-0044-03-15", "day"),
        ("0000", "year"),
        ("12345", "year"),
        ("2000-02-29", "day"),
        ("--06-25", "month-day"),
    ],
)
def test_valid_values(value, precision):
    assert parse(value).precision == precision


@pytest.mark.parametrize(
    "value, message",
    [
        ("1950-13", "'1950-13': month 13 does not exist"),
        ("1900-02-29", "'1900-02-29': day 29 does not exist in that month"),
        ("June 1950", "'June 1950' is not an ISO 8601 / W3C date (expected e.g. 1950, 1950-06, 1950-06-25)"),
        ("50", "'50' is not an ISO 8601 / W3C date (expected e.g. 1950, 1950-06, 1950-06-25)"),
        ("1950-6-25", "'1950-6-25' is not an ISO 8601 / W3C date (expected e.g. 1950, 1950-06, 1950-06-25)"),
        (" 1950", "' 1950' is not a date: no spaces allowed"),
    ],
)
def test_invalid_values_say_why(value, message):
    with pytest.raises(DateError) as caught:
        parse(value)
    assert str(caught.value) == message


def test_bce_sorts_before_ce():
    values = sorted(parse(v) for v in ["1950", "-0044", "0001", "-0500-03"])
    assert [v.text for v in values] == ["-0500-03", "-0044", "0001", "1950"]


def test_range_order_is_checked():
    assert problems({"from": "1953", "to": "1950"}) == [("from", "@from (1953) is after @to (1950)")]
    assert problems({"from": "1950-06", "to": "1950"}) == []  # 1950 ends after June 1950 starts
    assert problems({"notBefore": "1939", "notAfter": "1940"}) == []


def test_when_with_range_is_a_problem():
    assert problems({"when": "1950", "to": "1953"}) == [("when", "@when cannot be combined with @to")]


def test_normalise_range():
    date = normalise({"from": "1950", "to": "1953"})
    assert date.is_range and date.start.text == "1950" and date.end.text == "1953"
    assert date.attributes == {"from": "1950", "to": "1953"}
    assert normalise({"when": "1950-06-25"}).precision == "day"
    assert normalise({}) is None
