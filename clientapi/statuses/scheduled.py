"""Scheduled statuses: `scheduled_at` on `POST /api/v1/statuses`, and
`GET/PUT/DELETE /api/v1/scheduled_statuses(/:id)` (Mastodon 2.7).

A scheduled post is checked exactly as a post made now (`read_draft`: text, visibility, reply
target, media, poll) and its text rendered now, so nothing is refused at its time that was
accepted today; `outbox.scheduled` keeps it and the worker publishes it through
`create_post`. Until then only its author sees it, here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from quart import Blueprint, Response, request

from actors.documents import iso
from baraza.responses import json_response
from baraza.services import settings
from clientapi.auth import require_member
from clientapi.pagination import bounded, link_header, parse_page
from clientapi.params import Params, body_params, id_or_404
from clientapi.statuses.posting import Draft, compose_html, media_document
from clientapi.statuses.status_entity import attachment_entity, media_url
from federation.errors import NotFound, Unprocessable
from outbox import scheduled
from storage.models import Actor, MediaAttachment, ScheduledStatus

blueprint = Blueprint("scheduled_statuses", __name__)


def parse_time(value: object) -> datetime:
    """An ISO 8601 date-time as apps send it (`2030-01-01T10:00:00.000Z`); 422 otherwise."""
    if not isinstance(value, str) or not value.strip():
        raise Unprocessable("Validation failed: scheduled_at must be an ISO 8601 date and time")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise Unprocessable(
            "Validation failed: scheduled_at must be an ISO 8601 date and time"
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _poll_shown(params: Params) -> dict[str, Any] | None:
    nested = params.get("poll")
    source = nested if isinstance(nested, dict) else None

    def field(name: str) -> Any:
        if source is not None:
            return source.get(name)
        return params.getlist(f"poll[{name}]") if name == "options" else params.get(f"poll[{name}]")

    options = field("options")
    if not options:
        return None
    return {
        "options": [str(o) for o in (options if isinstance(options, list) else [options])],
        "expires_in": str(field("expires_in") or ""),
        "multiple": bool(field("multiple") in (True, "true", "1", "on")),
        "hide_totals": bool(field("hide_totals") in (True, "true", "1", "on")),
    }


async def schedule_draft(member: Actor, draft: Draft, params: Params) -> dict[str, Any]:
    """The draft, checked, kept for `scheduled_at`; Mastodon's ScheduledStatus entity."""
    when = parse_time(params.get("scheduled_at"))
    content, mentions, tags = await compose_html(draft.text, member)
    prepared = {
        "content": content,
        "visibility": draft.visibility,
        "mention_ids": [m.id for m in mentions],
        "in_reply_to_id": draft.in_reply_to.id if draft.in_reply_to else None,
        "summary": draft.spoiler_text,
        "sensitive": draft.sensitive or bool(draft.spoiler_text),
        "language": draft.language,
        "tags": tags,
        "attachments": [media_document(m, media_url(m.sha256)) for m in draft.media],
        "source": draft.text,
        "poll": draft.poll,
    }
    shown = {
        "text": draft.text,
        "poll": _poll_shown(params) if draft.poll else None,
        "media_ids": [str(m.id) for m in draft.media] or None,
        "sensitive": draft.sensitive,
        "spoiler_text": draft.spoiler_text or None,
        "visibility": draft.visibility,
        "in_reply_to_id": str(draft.in_reply_to.id) if draft.in_reply_to else None,
        "language": draft.language,
        "application_id": None,
        "scheduled_at": None,
        "idempotency": None,
        "with_rate_limit": False,
    }
    record = await scheduled.schedule(member, when, shown, prepared, [m.id for m in draft.media])
    return await scheduled_entity(record)


async def scheduled_entity(record: ScheduledStatus) -> dict[str, Any]:
    media = await MediaAttachment.filter(id__in=list(record.media_ids or [])).order_by("id")
    return {
        "id": str(record.id),
        "scheduled_at": iso(record.scheduled_at),
        "params": dict(record.params.get("shown") or {}),
        "media_attachments": [attachment_entity(m) for m in media],
    }


async def _own(member: Actor, scheduled_id: str) -> ScheduledStatus:
    record = await ScheduledStatus.get_or_none(
        id=id_or_404(scheduled_id, ScheduledStatus), actor=member
    )
    if record is None:
        raise NotFound("Record not found")
    return record


@blueprint.get("/api/v1/scheduled_statuses")
async def list_scheduled() -> Response:
    member = await require_member("read:statuses")
    page = parse_page(request.args, default=20, maximum=40)
    rows = await bounded(ScheduledStatus.filter(actor=member), page)
    if page.ascending:
        rows = list(reversed(rows))
    response = json_response([await scheduled_entity(r) for r in rows])
    url = settings().url("/api/v1/scheduled_statuses")
    link = link_header(url, request.args, [r.id for r in rows])
    if link:
        response.headers["Link"] = link
    return response


@blueprint.get("/api/v1/scheduled_statuses/<scheduled_id>")
async def show_scheduled(scheduled_id: str) -> Response:
    member = await require_member("read:statuses")
    return json_response(await scheduled_entity(await _own(member, scheduled_id)))


@blueprint.put("/api/v1/scheduled_statuses/<scheduled_id>")
async def update_scheduled(scheduled_id: str) -> Response:
    member = await require_member("write:statuses")
    record = await _own(member, scheduled_id)
    when = (await body_params()).get("scheduled_at") or request.args.get("scheduled_at")
    if when is not None:
        record = await scheduled.reschedule(record, parse_time(when))
    return json_response(await scheduled_entity(record))


@blueprint.delete("/api/v1/scheduled_statuses/<scheduled_id>")
async def delete_scheduled(scheduled_id: str) -> Response:
    member = await require_member("write:statuses")
    await scheduled.cancel(await _own(member, scheduled_id))
    return json_response({})
