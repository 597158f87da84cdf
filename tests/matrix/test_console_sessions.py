"""The confidentiality matrix on the admin console's pages, through browser sessions with
two-factor on: a moderator (the matrix's outsider, given the role) reaches the dashboard and
reports and nothing there shows what the table hides from them; the members, federation, audit
and mail pages are 403 to them; an admin reaches every page; members and strangers get 404."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from actors import two_factor
from baraza.webapp.session import COOKIE, create_session
from tests.matrix.doors import HTML, ROUTES
from tests.matrix.expected import BY_NAME
from tests.matrix.test_matrix import _echo_free, hidden_canaries, world  # noqa: F401
from tests.matrix.world import World

pytestmark = pytest.mark.asyncio(loop_scope="module")
ADMIN_ONLY = (
    "/admin/members",
    "/admin/spaces",
    "/admin/federation",
    "/admin/audit",
    "/admin/mail",
    "/admin/jobs",
)


async def _session(built: World, name: str, *, moderator: bool = False) -> dict[str, Any]:
    member = built.people[built.usernames[name]]
    if moderator:
        member.is_moderator = True
        await member.save(update_fields=["is_moderator"])
    row = await two_factor.start_setup(member)
    if row.enabled_at is None:
        assert await two_factor.confirm_setup(member, pyotp.TOTP(row.secret).now())
    _row, cookie = await create_session(member, pending=False)
    return {"Cookie": f"{COOKIE}={cookie}", "Accept": HTML}


def _console_calls(built: World, name: str) -> list[Any]:
    calls = []
    for (rule, _method), doors in ROUTES.items():
        if not rule.startswith("/admin"):
            continue
        for door in doors:
            if door.fill is None:
                continue
            calls.extend(c for c in door.fill(built, None, name) if c.method == "GET")
    return calls


async def test_the_console_shows_moderators_nothing_the_table_hides(world: World) -> None:  # noqa: F811
    headers = await _session(world, "outsider", moderator=True)
    hidden = hidden_canaries(world, BY_NAME["outsider"])
    calls = _console_calls(world, "outsider")
    assert len(calls) >= 6
    opened = 0
    failures = []
    for call in calls:
        response = await world.client.get(call.path, headers=headers)
        body = (await response.get_data()).decode("utf-8", "replace")
        if call.path.startswith(ADMIN_ONLY):
            assert response.status_code == 403, call.path
        opened += response.status_code == 200
        text = _echo_free(body, call)
        leaked = sorted({k for c, k in hidden.items() if c in text})
        if leaked:
            failures.append(f"{call.path}: shows {leaked}")
    assert not failures, "\n".join(failures)
    assert opened >= 2  # the dashboard and the report queue did open


async def test_admins_open_every_console_page_and_members_none(world: World) -> None:  # noqa: F811
    admin = await _session(world, "admin")
    plain = world.people[world.usernames["space member"]]
    _row, cookie = await create_session(plain, pending=False)
    member = {"Cookie": f"{COOKIE}={cookie}", "Accept": HTML}
    for call in _console_calls(world, "admin"):
        as_admin = await world.client.get(call.path, headers=admin)
        assert as_admin.status_code in (200, 404), call.path
        if "/1" not in call.path:
            assert as_admin.status_code == 200, call.path
        as_member = await world.client.get(call.path, headers=member)
        assert as_member.status_code == 404, call.path
