"""Resolving a report with what staff decided: dismiss it, remove the reported posts, limit or
suspend the reported account, or block its whole domain (severity suspend). Every door (today
the console's report page) calls `resolve_with`; the pure `console_access.resolution_gate`
says who may choose what, and the action and the report's resolution commit together, so a
report is never marked resolved by an action that did not happen.
"""

from __future__ import annotations

from baraza.settings import Settings
from federation.domain_blocks import BlockRequest, DomainError, block_domain
from outbox import reports as report_queue
from outbox.account_actions import Acting, apply
from outbox.commit import action
from outbox.console_access import resolution_gate
from outbox.post_removal import remove_post
from outbox.report_content import reported_posts
from storage.models import Actor, Report

ACCOUNT_KIND = {"limit": "silence", "suspend": "suspend"}


class ResolutionError(ValueError):
    """A resolution that cannot be taken: `forbidden` for the role, else a bad choice."""

    def __init__(self, message: str, *, forbidden: bool = False) -> None:
        super().__init__(message)
        self.forbidden = forbidden


async def resolve_with(settings: Settings, acting: Acting, report: Report, resolution: str) -> None:
    """Take `resolution` on `report` and mark it resolved, in one transaction. Account actions
    and post removals raise their own refusals (`AccountActionError`, `RemovalError`)."""
    target = await Actor.get_or_none(id=report.target_id) if report.target_id else None
    gate = resolution_gate(acting.role, resolution, None if target is None else target.local)
    if gate == "forbidden":
        raise ResolutionError(f"{resolution} is an admin's decision", forbidden=True)
    if gate == "unknown":
        raise ResolutionError("choose what to do")
    if gate == "not_applicable":
        raise ResolutionError(f"{resolution} does not apply to this report's account")
    reason = f"report {report.id}"
    async with action():
        if resolution in ACCOUNT_KIND:
            assert target is not None
            await apply(settings, acting, ACCOUNT_KIND[resolution], target, reason=reason)
        elif resolution == "block_domain":
            assert target is not None and target.domain
            try:
                request = BlockRequest(
                    domain=target.domain, severity="suspend", private_comment=reason
                )
                await block_domain(acting.who, request)
            except DomainError as exc:
                raise ResolutionError(str(exc)) from exc
        elif resolution == "remove_posts":
            for post in await reported_posts(report):
                await remove_post(settings, acting, post, reason)
        await report_queue.resolve(acting.who, report, resolution)
