"""Mastodon's pagination: `max_id`, `since_id`, `min_id`, `limit`, and the `Link` header.

Clients page by id, never by offset, so a page stays stable while new statuses arrive.
`min_id` pages *forward* (the statuses immediately newer than it), `since_id` gives the newest
statuses newer than it; both answer newest-first. Everything here is pure: parsing the query,
deciding the bounds of a page, and writing the `Link` header from the ids a page holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from quart import Response, request
from tortoise.queryset import QuerySet

from baraza.responses import json_response
from federation.errors import Unprocessable
from storage.ids import MAX_BIGINT, parse_int

DEFAULT_LIMIT = 20
MAX_LIMIT = 40

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None
    limit: int = DEFAULT_LIMIT

    @property
    def ascending(self) -> bool:
        """With `min_id` the rows nearest above it are wanted: read upwards, answer reversed."""
        return self.min_id is not None

    @property
    def lower(self) -> int | None:
        """Exclusive lower bound on ids."""
        candidates = [v for v in (self.since_id, self.min_id) if v is not None]
        return max(candidates) if candidates else None

    def admits(self, key: int) -> bool:
        if self.max_id is not None and key >= self.max_id:
            return False
        lower = self.lower
        return lower is None or key > lower


def _id_param(args: Mapping[str, str], name: str) -> int | None:
    value = args.get(name)
    if value is None or value == "":
        return None
    number = parse_int(value, minimum=0, maximum=MAX_BIGINT)  # 0: "from the beginning"
    if number is None:
        raise Unprocessable(f"{name} must be a status id")
    return number


def parse_page(
    args: Mapping[str, str], *, default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT
) -> Page:
    """A page from query arguments; a limit out of range is clamped, as Mastodon does."""
    raw_limit = args.get("limit")
    limit = default
    if raw_limit not in (None, ""):
        parsed = parse_int(raw_limit, minimum=-MAX_BIGINT, maximum=MAX_BIGINT)
        if parsed is None:
            raise Unprocessable("limit must be a number")
        limit = parsed
    return Page(
        max_id=_id_param(args, "max_id"),
        since_id=_id_param(args, "since_id"),
        min_id=_id_param(args, "min_id"),
        limit=min(max(limit, 1), maximum),
    )


def select(items: Sequence[T], page: Page, key: Callable[[T], int]) -> list[T]:
    """The page out of candidate `items` (any order): admitted by the bounds, newest first."""
    admitted = sorted((i for i in items if page.admits(key(i))), key=key, reverse=True)
    if page.ascending:
        return list(reversed(sorted(admitted, key=key)[: page.limit]))
    return admitted[: page.limit]


def link_header(url: str, args: Mapping[str, str], ids: Sequence[int]) -> str | None:
    """`next` pages back from the oldest id shown, `prev` forward from the newest.

    Other query arguments (`only_media`, `types[]`, ...) are kept so the next page is the
    same filter; the paging arguments are replaced.
    """
    if not ids:
        return None
    kept = [(k, v) for k, v in _items(args) if k not in ("max_id", "since_id", "min_id")]
    newest, oldest = max(ids), min(ids)
    next_url = f"{url}?{urlencode([*kept, ('max_id', str(oldest))])}"
    prev_url = f"{url}?{urlencode([*kept, ('min_id', str(newest))])}"
    return f'<{next_url}>; rel="next", <{prev_url}>; rel="prev"'


def _items(args: Mapping[str, str]) -> list[tuple[str, str]]:
    """Every value of a multi-valued query (`types[]=a&types[]=b`), or a plain mapping's."""
    if hasattr(args, "getlist"):
        return [(k, v) for k in args for v in args.getlist(k)]  # type: ignore[attr-defined]
    return list(args.items())


def bounded(query: QuerySet, page: Page, field: str = "id") -> QuerySet:
    """The database side of `select`: the bounds, the order to read in, and the limit."""
    if page.max_id is not None:
        query = query.filter(**{f"{field}__lt": page.max_id})
    if page.lower is not None:
        query = query.filter(**{f"{field}__gt": page.lower})
    return query.order_by(field if page.ascending else f"-{field}").limit(page.limit)


def paged(entities: list[dict[str, Any]], ids: list[int]) -> Response:
    """A page of entities with Mastodon's `Link` header for the pages beside it."""
    headers = {}
    link = link_header(request.base_url, request.args, ids)
    if link:
        headers["Link"] = link
    return json_response(entities, headers=headers)
