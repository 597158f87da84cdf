"""Flag: a report from another server, stored for the admins."""

from __future__ import annotations

from federation.activities import host_of
from federation.policy import load_policy, rejects_reports
from inbox.handlers.base import Context
from storage.models import Actor, Report


async def handle(ctx: Context) -> None:
    if rejects_reports(await load_policy(), ctx.actor.domain):
        return  # the admin chose not to hear reports from this domain
    ids = list(ctx.activity.object_ids) or (
        [ctx.activity.object_id] if ctx.activity.object_id else []
    )
    target = None
    statuses = []
    for uri in ids:
        actor = await Actor.get_or_none(uri=uri)
        if actor is not None and actor.local and target is None:
            target = actor
        elif ctx.is_local_uri(uri):
            statuses.append(uri)
    content = ctx.activity.raw.get("content")
    await Report.get_or_create(
        uri=ctx.activity.id,
        defaults={
            "reporter": ctx.actor,
            "origin_domain": host_of(ctx.actor.uri),
            "target": target,
            "status_uris": statuses,
            "comment": content if isinstance(content, str) else "",
        },
    )
