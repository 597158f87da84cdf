"""The confidentiality matrix, read through browser sessions: every web-app page the matrix
classifies, asked by members, an outsider, a removed and a suspended member and an admin
holding a session cookie (not a token) — the way the web app is really used. No answer may
carry the canary of an object the table hides from that viewer; and a space member's session
must show private-space content somewhere, or the check would prove nothing."""

from __future__ import annotations

from typing import Any

import pytest

from baraza.webapp.session import COOKIE, create_session
from tests.matrix.doors import HTML, ROUTES
from tests.matrix.expected import BY_NAME, PRIVATE_SPACE
from tests.matrix.test_matrix import _echo_free, hidden_canaries, world  # noqa: F401
from tests.matrix.world import World

SESSION_VIEWERS = ("space member", "outsider", "removed member", "suspended member", "admin")
WEB_BLUEPRINTS = ("web_", "pages.")

pytestmark = pytest.mark.asyncio(loop_scope="module")


def _web_page(built: World, method: str, path: str) -> bool:
    return method == "GET" and built.endpoint(method, path).startswith(WEB_BLUEPRINTS)


async def _cookies(built: World) -> dict[str, str]:
    out = {}
    for name in SESSION_VIEWERS:
        member = built.people[built.usernames[name]]
        _row, cookie = await create_session(member, pending=False)
        out[name] = cookie
    return out


async def test_sessions_never_see_what_the_table_hides(world: World) -> None:  # noqa: F811
    cookies = await _cookies(world)
    failures: list[str] = []
    private_shown = 0
    private = {c for t in world.things if t.place == PRIVATE_SPACE for c in t.canaries}
    for name in SESSION_VIEWERS:
        hidden = hidden_canaries(world, BY_NAME[name])
        headers: dict[str, Any] = {"Cookie": f"{COOKIE}={cookies[name]}", "Accept": HTML}
        for (rule, _method), doors in ROUTES.items():
            for door in doors:
                if door.fill is None or door.driven_by or door.write:
                    continue
                things = [t for t in world.things if t.kind in door.reads] or [None]
                for thing in things:
                    for call in door.fill(world, thing, name):
                        if call.method != "GET" or not _web_page(world, call.method, call.path):
                            continue
                        response = await world.client.get(call.path, headers=headers)
                        body = (await response.get_data()).decode("utf-8", "replace")
                        text = _echo_free(body, call)
                        leaked = sorted({k for c, k in hidden.items() if c in text})
                        if leaked:
                            failures.append(f"{rule} {call.path} as {name}: shows {leaked}")
                        if name == "space member":
                            private_shown += any(c in text for c in private)
    assert not failures, "\n".join(sorted(set(failures)))
    assert private_shown, "a member's session never saw private-space content: sessions unread"
