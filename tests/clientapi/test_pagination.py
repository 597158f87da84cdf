"""Mastodon's pagination rules, as a table."""

from __future__ import annotations

import pytest

from clientapi.pagination import Page, link_header, parse_page, select
from federation.errors import Unprocessable

IDS = list(range(1, 11))


@pytest.mark.parametrize(
    ("page", "expected", "why"),
    [
        (Page(limit=3), [10, 9, 8], "newest first"),
        (Page(max_id=8, limit=3), [7, 6, 5], "max_id is exclusive, pages back"),
        (Page(since_id=7, limit=20), [10, 9, 8], "since_id: newer than it"),
        (Page(since_id=2, limit=2), [10, 9], "since_id gives the newest, not the nearest"),
        (Page(min_id=2, limit=2), [4, 3], "min_id gives the nearest above it, newest-first"),
        (Page(min_id=2, max_id=5, limit=10), [4, 3], "both bounds"),
        (Page(max_id=1), [], "nothing older"),
    ],
)
def test_select(page: Page, expected: list[int], why: str) -> None:
    assert select(IDS, page, key=lambda i: i) == expected, why


@pytest.mark.parametrize(
    ("args", "limit"),
    [({}, 20), ({"limit": "5"}, 5), ({"limit": "500"}, 40), ({"limit": "0"}, 1)],
)
def test_limit_defaults_and_is_clamped(args: dict[str, str], limit: int) -> None:
    assert parse_page(args).limit == limit


@pytest.mark.parametrize("args", [{"max_id": "abc"}, {"limit": "x"}, {"min_id": "-3"}])
def test_bad_paging_arguments_are_422(args: dict[str, str]) -> None:
    with pytest.raises(Unprocessable):
        parse_page(args)


def test_link_header_next_is_oldest_and_prev_is_newest() -> None:
    link = link_header(
        "https://h/api/v1/timelines/home", {"max_id": "99", "local": "true"}, [9, 7, 8]
    )
    assert link == (
        '<https://h/api/v1/timelines/home?local=true&max_id=7>; rel="next", '
        '<https://h/api/v1/timelines/home?local=true&min_id=9>; rel="prev"'
    )
    assert link_header("https://h/x", {}, []) is None
