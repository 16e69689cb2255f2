"""Cut a list of work into contiguous shares, in order.

Every parallel path cuts its input the same way: shares are contiguous runs
of the (sorted) input, so results gathered share by share come back in input
order whatever the number of workers.  Two cuts:

* :func:`even`: shares of about the same size, for work dealt out once
  (each share compiles what it needs, so there is one per worker);
* :func:`tapering`: large shares first and small ones last, for work taken
  share by share by whichever worker is free: the small ones at the end let
  the workers run out of work at nearly the same time.

Sizes are the items' own (bytes of a file, say) when given, else one each.
This module imports nothing: the grammar-only validation cuts its files
before it forks, and every millisecond of that start is counted against Jing.
"""

from __future__ import annotations

# A tapering cut: the first third of the shares three times, the second third
# twice the size of the last.
_TAPER = (3, 2, 1)


def even(items: list, count: int, sizes: list | None = None) -> list[list]:
    """``items`` in at most ``count`` contiguous shares of about equal size."""
    return _cut(items, [1] * _count(items, count), sizes)


def tapering(items: list, count: int, sizes: list | None = None) -> list[list]:
    """``items`` in at most ``count`` contiguous shares, the later ones smaller (see the module text)."""
    count = _count(items, count)
    thirds = [_TAPER[min(2, 3 * n // count)] for n in range(count)]
    return _cut(items, thirds, sizes)


def _count(items: list, count: int) -> int:
    return max(1, min(count, len(items)))


def _cut(items: list, weights: list[int], sizes: list | None) -> list[list]:
    """Contiguous shares whose sizes follow ``weights``; an item goes to the share its middle falls in."""
    if not items:
        return []
    if sizes is None or not any(sizes):
        sizes = [1] * len(items)
    total, whole = sum(sizes), sum(weights)
    bounds, reached = [], 0
    for weight in weights:
        reached += weight
        bounds.append(total * reached / whole)
    out: list[list] = [[] for _ in weights]
    share, running = 0, 0
    for item, size in zip(items, sizes):
        middle = running + size / 2
        while share < len(bounds) - 1 and middle > bounds[share]:
            share += 1
        out[share].append(item)
        running += size
    return [chunk for chunk in out if chunk]
