"""`/api/v1/filters`: the filters API older apps still call, as Mastodon keeps it since 4.0.

A v1 filter is one keyword of a v2 filter (its id is the keyword's): `phrase` is the keyword,
`irreversible` means the filter hides. Creating one makes a v2 filter titled by the phrase
holding that keyword, so both APIs show the same filters and one decision applies them.
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response

from actors.documents import iso
from baraza.responses import json_response
from clientapi.auth import require_member
from clientapi.params import MAX_BIGINT, Params, id_or_404, number, request_params
from federation.errors import Unprocessable
from outbox import member_filters as store
from outbox.member_filters import MAX_EXPIRES_IN, FilterShape, KeywordChange
from storage.models import ContentFilter, FilterKeyword

blueprint = Blueprint("clientapi_filters_v1", __name__)

TRUE = ("1", "true", "on", "yes")


def v1_entity(keyword: FilterKeyword, row: ContentFilter) -> dict[str, Any]:
    return {
        "id": str(keyword.id),
        "phrase": keyword.keyword,
        "context": list(row.context),
        "whole_word": keyword.whole_word,
        "expires_at": iso(row.expires_at),
        "irreversible": row.action == "hide",
    }


def _bool(params: Params, name: str) -> bool | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    return value if isinstance(value, bool) else str(value).strip().lower() in TRUE


async def _shape(params: Params, *, creating: bool) -> tuple[FilterShape, str | None]:
    phrase = params.get("phrase")
    if phrase is not None and not isinstance(phrase, str):
        raise Unprocessable("phrase must be a string")
    context = params.getlist("context")
    if any(not isinstance(c, str) for c in context):
        raise Unprocessable("context must be a list of strings")
    irreversible = _bool(params, "irreversible")
    raw_expiry = params.get("expires_in")
    expires_in = (
        None
        if raw_expiry in (None, "")
        else number(raw_expiry, "expires_in", default=0, minimum=1, maximum=MAX_EXPIRES_IN)
    )
    keywords = (KeywordChange(phrase, _bool(params, "whole_word")),) if creating else ()
    shape = FilterShape(
        title=phrase if creating else None,
        context=tuple(context) if context or creating else None,
        action=None if irreversible is None else ("hide" if irreversible else "warn"),
        expires_in=expires_in,
        expires_given="expires_in" in params,
        keywords=keywords,
    )
    return shape, phrase


@blueprint.get("/api/v1/filters")
async def index() -> Response:
    member = await require_member("read:filters")
    keywords = await FilterKeyword.filter(content_filter__owner=member).order_by("id")
    rows = {r.id: r for r in await ContentFilter.filter(owner=member)}
    return json_response(
        [v1_entity(k, rows[k.content_filter_id]) for k in keywords]  # type: ignore[attr-defined]
    )


@blueprint.post("/api/v1/filters")
async def create() -> Response:
    member = await require_member("write:filters")
    shape, _ = await _shape(await request_params(), creating=True)
    row = await store.create_filter(member, shape)
    keyword = await FilterKeyword.filter(content_filter=row).first()
    assert keyword is not None  # the shape held exactly one keyword
    return json_response(v1_entity(keyword, row))


async def _keyword(member: Any, filter_id: str) -> tuple[FilterKeyword, ContentFilter]:
    keyword = await store.own_keyword(member, id_or_404(filter_id, MAX_BIGINT))
    row = await ContentFilter.get(id=keyword.content_filter_id)  # type: ignore[attr-defined]
    return keyword, row


@blueprint.get("/api/v1/filters/<filter_id>")
async def show(filter_id: str) -> Response:
    member = await require_member("read:filters")
    return json_response(v1_entity(*await _keyword(member, filter_id)))


@blueprint.put("/api/v1/filters/<filter_id>")
async def update(filter_id: str) -> Response:
    member = await require_member("write:filters")
    keyword, row = await _keyword(member, filter_id)
    params = await request_params()
    shape, phrase = await _shape(params, creating=False)
    row = await store.update_filter(row, shape)
    keyword = await store.update_keyword(keyword, phrase, _bool(params, "whole_word"))
    return json_response(v1_entity(keyword, row))


@blueprint.delete("/api/v1/filters/<filter_id>")
async def delete(filter_id: str) -> Response:
    """The keyword goes; a filter left with nothing to match goes with it."""
    member = await require_member("write:filters")
    keyword, row = await _keyword(member, filter_id)
    await store.delete_keyword(keyword)
    if not await FilterKeyword.exists(content_filter=row) and not await row.statuses.all().exists():
        await store.delete_filter(row)
    return json_response({})
