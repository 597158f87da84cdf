"""The door of every admin-console page: ask `outbox.console_access.console_gate` and answer
what it says (404 page, 403 page, the two-factor page), so no console page has a rule of its
own. `enter(page)` returns the signed-in staff member the page may serve."""

from __future__ import annotations

from quart import Response, abort

from actors import two_factor
from baraza.webapp.render import render_page
from baraza.webapp.session import session_viewer
from outbox.account_actions import Acting, role_of
from outbox.console_access import Page, console_gate
from storage.models import Actor


class ConsoleClosed(Exception):
    """Raised by `enter` with the page the visitor gets instead (403 or two-factor)."""

    def __init__(self, response: Response) -> None:
        super().__init__("console page closed")
        self.response = response


async def enter(page: Page) -> Actor:
    """The staff member this console `page` may serve; anyone else gets what the rule says."""
    member = (await session_viewer()).member
    role = role_of(member) if member is not None else None
    staff = member is not None and role != "member"
    gate = console_gate(role, page, staff and await two_factor.is_enabled(member))  # type: ignore[arg-type]
    if gate == "not_found":
        abort(404)
    if gate == "forbidden":
        raise ConsoleClosed(await render_page("web/admin/forbidden.html", status=403))
    if gate == "two_factor":
        raise ConsoleClosed(await render_page("web/admin/two_factor.html", status=403))
    assert member is not None
    return member


def acting(member: Actor) -> Acting:
    """The member as the account actions' rule weighs them (the audit log names their acct)."""
    return Acting(who=member.acct, role=role_of(member), actor_id=member.id)
