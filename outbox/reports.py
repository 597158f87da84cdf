"""Reports: filing them (members), forwarding them (as a `Flag` from the instance actor), and
the admin's queue (list, assign, resolve, reopen).

The assignee is the report's `assigned_to` column; every change is also in the audit log.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from actors.urls import INSTANCE_ACTOR_NAME
from baraza.ids import new_id
from baraza.settings import Settings
from federation.domain_blocks import audit
from outbox.commit import action
from storage.models import Activity, Actor, Post, Report


class ReportError(ValueError):
    """A report that cannot be filed or found."""


async def list_reports(
    *,
    resolved: bool | None = False,
    assigned_to_id: int | None = None,
    target_local: bool | None = None,
    domain: str | None = None,
    limit: int | None = None,
) -> list[Report]:
    """The queue, newest first: open or resolved, taken by one staff member, about this
    server's accounts or remote ones, about one remote domain."""
    query = Report.all().prefetch_related("reporter", "target", "assigned_to").order_by("-id")
    if resolved is True:
        query = query.filter(resolved_at__not_isnull=True)
    elif resolved is False:
        query = query.filter(resolved_at=None)
    if assigned_to_id is not None:
        query = query.filter(assigned_to_id=assigned_to_id)
    if target_local is not None:
        query = query.filter(target__local=target_local)
    if domain:
        query = query.filter(target__domain=domain.strip().lower())
    if limit is not None:
        query = query.limit(limit)
    return await query


async def get_report(report_id: int) -> Report:
    report = await Report.get_or_none(id=report_id).prefetch_related(
        "reporter", "target", "assigned_to"
    )
    if report is None:
        raise ReportError(f"no report {report_id}")
    return report


async def assignee(report: Report) -> Actor | None:
    if report.assigned_to_id is None:
        return None
    return await Actor.get_or_none(id=report.assigned_to_id)


async def assign(who: str, report: Report, to: Actor | None) -> None:
    """Assign the report to `to` (an admin or moderator taking it), or unassign it."""
    async with in_transaction():
        report.assigned_to = to  # type: ignore[assignment]
        await report.save(update_fields=["assigned_to_id"])
        if to is not None:
            await audit(who, "report.assign", f"report:{report.id}", to.uri)
        else:
            await audit(who, "report.unassign", f"report:{report.id}")


async def resolve(who: str, report: Report, reason: str = "") -> None:
    async with in_transaction():
        report.resolved_at = datetime.now(UTC)
        await report.save(update_fields=["resolved_at"])
        await audit(who, "report.resolve", f"report:{report.id}", reason)


async def reopen(who: str, report: Report) -> None:
    async with in_transaction():
        report.resolved_at = None
        await report.save(update_fields=["resolved_at"])
        await audit(who, "report.reopen", f"report:{report.id}")


async def file_report(
    settings: Settings,
    reporter: Actor,
    target: Actor,
    *,
    status_ids: list[int],
    comment: str,
    forward: bool,
) -> Report:
    """A member's report; with `forward`, the target's server gets an anonymous `Flag`.

    The Flag comes from the instance actor, never the member, so the reported person's admins
    learn what was reported but not who reported it (Mastodon's behaviour).
    """
    if target.id == reporter.id:
        raise ReportError("you cannot report yourself")
    from outbox.viewing import visible_posts

    posts = await Post.filter(id__in=status_ids, actor_id=target.id) if status_ids else []
    # A post the reporter may not see answers like one that does not exist (no probing).
    posts = await visible_posts(posts, reporter)
    if len(posts) != len(set(status_ids)):
        raise ReportError("status_ids must be posts by the reported account")
    async with action():
        report = await Report.create(
            reporter=reporter,
            target=target,
            status_uris=[p.uri for p in posts],
            comment=comment,
        )
        if forward and not target.local:
            await forward_report(settings, report, target, [p.uri for p in posts])
    return report


async def forward_report(
    settings: Settings, report: Report, target: Actor, status_uris: list[str]
) -> None:
    from outbox.documents import wrap_activity
    from outbox.publish import publish

    instance = await Actor.get_or_none(local_username=INSTANCE_ACTOR_NAME)
    if instance is None:
        raise ReportError("the instance actor is missing: run `baraza init`")
    activity_id = new_id()
    doc = wrap_activity(
        settings.url(f"/reports/{report.id}/flag/{activity_id}"),
        "Flag",
        instance,
        [target.uri, *status_uris],
        to=[target.uri],
        cc=[],
        extra={"content": report.comment},
    )
    await publish(settings, instance, doc, [target], activity_id=activity_id)


def _flag_prefix(settings: Settings, report: Report) -> str:
    return settings.url(f"/reports/{report.id}/flag/")


async def forwarded(settings: Settings, report: Report) -> bool:
    """Whether a `Flag` for this report went out, when it was filed or from the console."""
    return await Activity.filter(
        type="Flag", uri__startswith=_flag_prefix(settings, report)
    ).exists()


async def forward(settings: Settings, who: str, report: Report) -> None:
    """Staff send the report on to the reported account's server (the console's button); the
    Flag comes from the instance actor as when a member asks for it while reporting."""
    target = await Actor.get_or_none(id=report.target_id) if report.target_id else None
    if target is None or target.local:
        raise ReportError("only a report about a remote account can be forwarded")
    uris = [u for u in report.status_uris or [] if isinstance(u, str)]
    async with action():
        await forward_report(settings, report, target, uris)
        await audit(who, "report.forward", f"report:{report.id}", target.domain or "")
