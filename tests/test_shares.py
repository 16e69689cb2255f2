"""Cutting work into contiguous shares (tei_edition.shares)."""

from __future__ import annotations

import pytest

from tei_edition import shares


@pytest.mark.parametrize("cut", [shares.even, shares.tapering])
@pytest.mark.parametrize("count", [1, 2, 3, 8, 24, 500])
@pytest.mark.parametrize("length", [0, 1, 2, 7, 113, 1000])
def test_shares_are_contiguous_in_order_and_cover_everything_once(cut, count, length):
    items = list(range(length))
    found = cut(items, count)
    assert [item for share in found for item in share] == items
    assert all(share for share in found)
    assert len(found) <= max(1, min(count, length)) if length else found == []


def test_even_shares_differ_by_at_most_one_item():
    assert [len(share) for share in shares.even(list(range(10)), 4)] == [3, 2, 3, 2]


def test_even_shares_follow_the_sizes_given():
    # one large file and nine small ones: the large one is a share of its own
    found = shares.even(["big", *"abcdefghi"], 2, [900, *[100] * 9])
    assert found == [["big"], list("abcdefghi")]


def test_tapering_shares_get_smaller():
    sizes = [len(share) for share in shares.tapering(list(range(1200)), 24)]
    assert len(sizes) == 24
    assert sizes[0] == 3 * sizes[-1] and sizes[8] == 2 * sizes[-1]
    assert sizes == sorted(sizes, reverse=True)


def test_tapering_by_bytes_cuts_where_the_bytes_fall():
    # the first share is half the bytes: the large file's middle falls in it; the small ones after
    # it are the last share, the second share is left empty and dropped
    assert shares.tapering(["a", "huge", "b", "c"], 3, [10, 10_000, 10, 10]) == [["a", "huge"], ["b", "c"]]
