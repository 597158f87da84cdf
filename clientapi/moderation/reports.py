"""`POST /api/v1/reports`: a member reports an account (and some of its posts) to the admins,
optionally forwarding it, anonymously, to the account's own server."""

from __future__ import annotations

from quart import Blueprint, Response

from actors.documents import iso
from actors.existence import may_know
from baraza.responses import json_response
from baraza.services import settings
from clientapi.accounts.account_entity import account
from clientapi.auth import require_member
from clientapi.params import MAX_INT, request_params, row_id
from federation.errors import NotFound, Unprocessable
from outbox.reports import ReportError, file_report
from outbox.viewing import visible_post
from storage.models import Actor

blueprint = Blueprint("clientapi_reports", __name__)
MAX_COMMENT = 1000
MAX_STATUSES = 20


@blueprint.post("/api/v1/reports")
async def create_report() -> Response:
    member = await require_member("write:reports")
    params = await request_params()
    account_id = params.text("account_id")
    number = row_id(account_id, MAX_INT)
    target = await Actor.get_or_none(id=number) if number is not None else None
    if target is None or target.type == "Application" or not await may_know(target, member):
        raise NotFound("Record not found")  # a private space answers as an unused id
    comment = params.text("comment")
    if len(comment) > MAX_COMMENT:
        raise Unprocessable(f"comment is longer than {MAX_COMMENT} characters")
    raw_ids = [str(v) for v in params.getlist("status_ids")]
    if len(raw_ids) > MAX_STATUSES:
        raise Unprocessable(f"at most {MAX_STATUSES} statuses per report")
    # Only posts the reporter may see can be attached: no probing of hidden posts by id.
    posts = [await visible_post(i, member) for i in raw_ids]
    try:
        report = await file_report(
            settings(),
            member,
            target,
            status_ids=[p.id for p in posts],
            comment=comment,
            forward=params.flag("forward"),
        )
    except ReportError as exc:
        raise Unprocessable(str(exc)) from exc
    return json_response(
        {
            "id": str(report.id),
            "action_taken": False,
            "action_taken_at": None,
            "category": params.text("category", "other") or "other",
            "comment": report.comment,
            "forwarded": params.flag("forward") and not target.local,
            "created_at": iso(report.created_at),
            "status_ids": [str(p.id) for p in posts],
            "rule_ids": [],
            "target_account": await account(target),
        }
    )
