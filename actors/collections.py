"""Paging of OrderedCollections (outbox, followers, following, moderators).

A collection answers with its size and a link to the first page; pages are numbered from 1
and link to their neighbours, as Mastodon's and GoToSocial's do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from actors.documents import AS_CONTEXT
from storage.ids import MAX_BIGINT, parse_int

PAGE_SIZE = 20
MAX_PAGE = 10_000


def parse_page(value: str | None) -> int | None:
    """`None` for the collection itself; a page number otherwise. Junk counts as page 1."""
    if value is None:
        return None
    page = parse_int(value, minimum=-MAX_BIGINT, maximum=MAX_BIGINT)  # non-ASCII digits: junk
    return 1 if page is None else min(max(page, 1), MAX_PAGE)


def collection(url: str, total: int) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": url,
        "type": "OrderedCollection",
        "totalItems": total,
    }
    if total:
        doc["first"] = f"{url}?page=1"
        doc["last"] = f"{url}?page={max(1, -(-total // PAGE_SIZE))}"
    else:
        doc["first"] = f"{url}?page=1"
    return doc


def collection_page(
    url: str, page: int, total: int, items: Sequence[Any], context: Any = AS_CONTEXT
) -> dict[str, Any]:
    """`context` covers the items' terms too: an outbox page carries whole posts."""
    doc: dict[str, Any] = {
        "@context": context,
        "id": f"{url}?page={page}",
        "type": "OrderedCollectionPage",
        "partOf": url,
        "totalItems": total,
        "orderedItems": list(items),
    }
    if page * PAGE_SIZE < total:
        doc["next"] = f"{url}?page={page + 1}"
    if page > 1:
        doc["prev"] = f"{url}?page={page - 1}"
    return doc
