"""More about the instance: its rules, its extended description and its weekly activity.

`GET /api/v1/instance/rules` (Mastodon 3.4), `/extended_description` (4.0) and `/activity`
(2.1.2), all public. Rules and the description are set by an admin from the CLI
(`outbox.instance_rules`). Activity counts local posts (outside private spaces, which must not
show even as a number), members signing in (an access token issued that week) and sign-ups,
for the last 12 weeks, newest first, each week starting on Monday 00:00 UTC as Mastodon's.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from quart import Blueprint, Response

from actors.documents import iso
from actors.existence import knowledge, not_in_hidden_spaces
from baraza.responses import json_response
from baraza.services import settings
from outbox.instance_rules import description, rules_in_order
from storage.models import AccessToken, Actor, Post

blueprint = Blueprint("instance_about", __name__)

WEEKS = 12


async def rule_entities() -> list[dict[str, Any]]:
    """Mastodon's Rule entities, in order (also the `rules` of the instance entities)."""
    return [{"id": str(r.id), "text": r.text, "hint": r.hint} for r in await rules_in_order()]


@blueprint.get("/api/v1/instance/rules")
async def rules() -> Response:
    return json_response(await rule_entities())


def paragraphs_html(text: str) -> str:
    """Plain text as HTML paragraphs (escaped), lines kept as breaks."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in parts)


@blueprint.get("/api/v1/instance/extended_description")
async def extended_description() -> Response:
    text, updated = await description()
    if not text:
        text = f"{settings().node_name}, a Baraza server."
    return json_response(
        {
            "updated_at": iso(updated or datetime(1970, 1, 1, tzinfo=UTC)),
            "content": paragraphs_html(text),
        }
    )


def week_starts(now: datetime, count: int = WEEKS) -> list[datetime]:
    """The Mondays 00:00 UTC that start this week and the `count - 1` before it, newest first."""
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=n) for n in range(count)]


@blueprint.get("/api/v1/instance/activity")
async def activity() -> Response:
    hidden = (await knowledge(None)).hidden
    out = []
    for start in week_starts(datetime.now(UTC)):
        end = start + timedelta(weeks=1)
        posts = await Post.filter(
            not_in_hidden_spaces(hidden),
            local=True,
            deleted_at=None,
            published__gte=start,
            published__lt=end,
        ).count()
        logins = len(
            set(
                await AccessToken.filter(
                    created_at__gte=start, created_at__lt=end, account__local=True
                ).values_list("account_id", flat=True)
            )
        )
        registrations = await Actor.filter(
            local=True, type="Person", created_at__gte=start, created_at__lt=end
        ).count()
        out.append(
            {
                "week": str(int(start.timestamp())),
                "statuses": str(posts),
                "logins": str(logins),
                "registrations": str(registrations),
            }
        )
    return json_response(out)
