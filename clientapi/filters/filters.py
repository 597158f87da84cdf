"""`/api/v2/filters`: a member's content filters, their keywords and statuses (Mastodon's
filters v2). Parsing and rendering only: `outbox.member_filters` keeps them and
`outbox.content_filters` decides what they do."""

from __future__ import annotations

import re
from typing import Any

from quart import Blueprint, Response, request

from actors.documents import iso
from baraza.responses import json_response
from clientapi.auth import require_member
from clientapi.params import MAX_BIGINT, Params, id_or_404, number, request_params, row_id
from federation.errors import Unprocessable
from outbox import member_filters as store
from outbox.member_filters import MAX_EXPIRES_IN, FilterShape, KeywordChange
from storage.models import ContentFilter, FilterKeyword, FilterStatus

blueprint = Blueprint("clientapi_filters", __name__)

TRUE = ("1", "true", "on", "yes")


def keyword_entity(row: FilterKeyword) -> dict[str, Any]:
    return {"id": str(row.id), "keyword": row.keyword, "whole_word": row.whole_word}


def status_filter_entity(row: FilterStatus) -> dict[str, Any]:
    return {"id": str(row.id), "status_id": str(row.post_id)}  # type: ignore[attr-defined]


def filter_entity(
    row: ContentFilter,
    keywords: list[FilterKeyword] | None = None,
    statuses: list[FilterStatus] | None = None,
) -> dict[str, Any]:
    """Mastodon's Filter; with its keywords and statuses where the filters API answers, without
    them inside a status's FilterResult (as Mastodon renders it there)."""
    entity: dict[str, Any] = {
        "id": str(row.id),
        "title": row.title,
        "context": list(row.context),
        "expires_at": iso(row.expires_at),
        "filter_action": row.action,
    }
    if keywords is not None:
        entity["keywords"] = [keyword_entity(k) for k in keywords]
    if statuses is not None:
        entity["statuses"] = [status_filter_entity(s) for s in statuses]
    return entity


async def full_entity(row: ContentFilter) -> dict[str, Any]:
    keywords = await FilterKeyword.filter(content_filter=row).order_by("id")
    statuses = await FilterStatus.filter(content_filter=row).order_by("id")
    return filter_entity(row, list(keywords), list(statuses))


def _bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in TRUE


def _text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Unprocessable(f"{name} must be a string")
    text = str(value)
    if "\x00" in text:
        raise Unprocessable(f"{name} contains a NUL character")
    return text


_INDEXED = re.compile(r"^keywords_attributes\[([0-9]{0,6})\]\[(\w+)\]$", re.ASCII)


def _keyword_changes(
    params: Params, form_fields: dict[str, list[str]]
) -> tuple[KeywordChange, ...]:
    """`keywords_attributes` as JSON objects, or as form fields `keywords_attributes[][keyword]`
    (entries in the order sent) or `keywords_attributes[0][keyword]` (by index)."""
    entries: list[dict[str, Any]] = []
    sent = params.getlist("keywords_attributes")
    if sent:
        entries = [e for e in sent if isinstance(e, dict)]
        if len(entries) != len(sent):
            raise Unprocessable("keywords_attributes must be a list of objects")
    else:
        by_index: dict[str, dict[str, Any]] = {}
        unnumbered: dict[str, list[Any]] = {}
        for key, values in form_fields.items():
            found = _INDEXED.match(key)
            if found is None:
                continue
            index, name = found.groups()
            if index:
                by_index.setdefault(index, {})[name] = values[-1]
            else:
                unnumbered[name] = values
        entries = [by_index[i] for i in sorted(by_index, key=int)]
        longest = max((len(v) for v in unnumbered.values()), default=0)
        for i in range(longest):
            entries.append({k: v[i] for k, v in unnumbered.items() if i < len(v)})
    changes = []
    for entry in entries:
        raw_id = entry.get("id")
        entry_id = row_id(raw_id, FilterKeyword) if raw_id not in (None, "") else None
        if raw_id not in (None, "") and entry_id is None:
            raise Unprocessable("keywords_attributes id must be an id")
        changes.append(
            KeywordChange(
                keyword=_text(entry.get("keyword"), "keyword"),
                whole_word=_bool(entry.get("whole_word")),
                id=entry_id,
                destroy=bool(_bool(entry.get("_destroy"))),
            )
        )
    return tuple(changes)


async def _shape() -> FilterShape:
    params = await request_params()
    context = params.getlist("context")
    if any(not isinstance(c, str) for c in context):
        raise Unprocessable("context must be a list of strings")
    expires_given = "expires_in" in params
    raw_expiry = params.get("expires_in")
    expires_in = (
        None
        if raw_expiry in (None, "")
        else number(raw_expiry, "expires_in", default=0, minimum=1, maximum=MAX_EXPIRES_IN)
    )
    return FilterShape(
        title=_text(params.get("title"), "title"),
        context=tuple(context) if "context" in params else None,
        action=_text(params.get("filter_action"), "filter_action"),
        expires_in=expires_in,
        expires_given=expires_given,
        keywords=_keyword_changes(params, await _form_fields()),
    )


async def _form_fields() -> dict[str, list[str]]:
    """Query and form fields by name, in the order sent (JSON bodies have none)."""
    fields: dict[str, list[str]] = {}
    sources = [request.args]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sources.append(await request.form)
    for source in sources:
        for key in source:
            if isinstance(key, str):  # a multipart part without a name has none
                fields.setdefault(key, []).extend(source.getlist(key))
    return fields


def _id(value: str) -> int:
    return id_or_404(value, MAX_BIGINT)


@blueprint.get("/api/v2/filters")
async def index() -> Response:
    member = await require_member("read:filters")
    rows = await ContentFilter.filter(owner=member).order_by("id")
    return json_response([await full_entity(r) for r in rows])


@blueprint.post("/api/v2/filters")
async def create() -> Response:
    member = await require_member("write:filters")
    return json_response(await full_entity(await store.create_filter(member, await _shape())))


@blueprint.get("/api/v2/filters/<filter_id>")
async def show(filter_id: str) -> Response:
    member = await require_member("read:filters")
    return json_response(await full_entity(await store.own_filter(member, _id(filter_id))))


@blueprint.put("/api/v2/filters/<filter_id>")
async def update(filter_id: str) -> Response:
    member = await require_member("write:filters")
    row = await store.own_filter(member, _id(filter_id))
    return json_response(await full_entity(await store.update_filter(row, await _shape())))


@blueprint.delete("/api/v2/filters/<filter_id>")
async def delete(filter_id: str) -> Response:
    member = await require_member("write:filters")
    await store.delete_filter(await store.own_filter(member, _id(filter_id)))
    return json_response({})


@blueprint.get("/api/v2/filters/<filter_id>/keywords")
async def keywords(filter_id: str) -> Response:
    member = await require_member("read:filters")
    row = await store.own_filter(member, _id(filter_id))
    rows = await FilterKeyword.filter(content_filter=row).order_by("id")
    return json_response([keyword_entity(k) for k in rows])


@blueprint.post("/api/v2/filters/<filter_id>/keywords")
async def add_keyword(filter_id: str) -> Response:
    member = await require_member("write:filters")
    row = await store.own_filter(member, _id(filter_id))
    params = await request_params()
    added = await store.add_keyword(
        row, _text(params.get("keyword"), "keyword"), _bool(params.get("whole_word"))
    )
    return json_response(keyword_entity(added))


@blueprint.get("/api/v2/filters/keywords/<keyword_id>")
async def show_keyword(keyword_id: str) -> Response:
    member = await require_member("read:filters")
    return json_response(keyword_entity(await store.own_keyword(member, _id(keyword_id))))


@blueprint.put("/api/v2/filters/keywords/<keyword_id>")
async def update_keyword(keyword_id: str) -> Response:
    member = await require_member("write:filters")
    row = await store.own_keyword(member, _id(keyword_id))
    params = await request_params()
    changed = await store.update_keyword(
        row, _text(params.get("keyword"), "keyword"), _bool(params.get("whole_word"))
    )
    return json_response(keyword_entity(changed))


@blueprint.delete("/api/v2/filters/keywords/<keyword_id>")
async def delete_keyword(keyword_id: str) -> Response:
    member = await require_member("write:filters")
    await store.delete_keyword(await store.own_keyword(member, _id(keyword_id)))
    return json_response({})


@blueprint.get("/api/v2/filters/<filter_id>/statuses")
async def statuses(filter_id: str) -> Response:
    member = await require_member("read:filters")
    row = await store.own_filter(member, _id(filter_id))
    rows = await FilterStatus.filter(content_filter=row).order_by("id")
    return json_response([status_filter_entity(s) for s in rows])


@blueprint.post("/api/v2/filters/<filter_id>/statuses")
async def add_status(filter_id: str) -> Response:
    member = await require_member("write:filters")
    row = await store.own_filter(member, _id(filter_id))
    params = await request_params()
    raw = params.get("status_id")
    if raw in (None, ""):
        raise Unprocessable("status_id is required")
    added = await store.add_status(row, member, row_id(raw, MAX_BIGINT))
    return json_response(status_filter_entity(added))


@blueprint.get("/api/v2/filters/statuses/<status_filter_id>")
async def show_status(status_filter_id: str) -> Response:
    member = await require_member("read:filters")
    return json_response(
        status_filter_entity(await store.own_status(member, _id(status_filter_id)))
    )


@blueprint.delete("/api/v2/filters/statuses/<status_filter_id>")
async def delete_status(status_filter_id: str) -> Response:
    member = await require_member("write:filters")
    await store.delete_status(await store.own_status(member, _id(status_filter_id)))
    return json_response({})
