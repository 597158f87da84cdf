"""Issue 13: an open stream obeys revocation and suspension at once, on both transports.

A member subscribed to her `user` stream receives a post in her private space; then her
token is revoked (through the OAuth revoke endpoint) or her account suspended (through the
admin API), and the next post in that space must not reach her: no `update` frame, and the
connection ends within one second. A revocation written straight to the database, as another
process would, must stop the next frame too (the per-frame check) and close the connection
within a second (the sweeper). Each runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from quart.testing.connections import WebsocketDisconnectError

from actors.accounts import create_member, create_space, join_space
from baraza.settings import Settings
from clientapi.tokens import issue_token
from outbox import actions
from storage.models import AccessToken, Actor
from tests.conftest import make_settings

PASSWORD = "correct horse battery staple"
LIMIT = 1.0  # seconds: the issue's bound for a change to stop delivery


@dataclass
class Scene:
    client: Any
    settings: Settings
    owner_headers: dict[str, str]
    admin_headers: dict[str, str]
    carla: Actor
    carla_token: str
    app_creds: dict[str, str]
    root_id: int

    async def post_in_space(self, text: str) -> str:
        """A reply inside the private space, posted through the API as its owner."""
        response = await self.client.post(
            "/api/v1/statuses",
            headers=self.owner_headers,
            json={"status": text, "in_reply_to_id": str(self.root_id)},
        )
        body = await response.get_json()
        assert response.status_code == 200, body
        return str(body["id"])

    async def revoke_through_oauth(self) -> None:
        response = await self.client.post(
            "/oauth/revoke", form={**self.app_creds, "token": self.carla_token}
        )
        assert response.status_code == 200

    async def suspend_through_admin_api(self) -> None:
        response = await self.client.post(
            f"/api/v1/admin/accounts/{self.carla.id}/action",
            headers=self.admin_headers,
            form={"type": "suspend"},
        )
        assert response.status_code == 200, await response.get_data(as_text=True)

    async def revoke_in_another_process(self) -> None:
        """What `UPDATE access_tokens` from elsewhere looks like here: no in-process event."""
        await AccessToken.filter(revoked_at=None, account_id=self.carla.id).update(
            revoked_at=datetime.now(UTC)
        )


@pytest.fixture
async def scene(any_db: str, tmp_path: Path) -> AsyncIterator[Scene]:
    from baraza.app import create_app

    settings = make_settings(any_db, tmp_path)
    application = create_app(settings, manage_database=False)
    async with application.test_app():
        client = application.test_client()
        owner = await create_member(settings, "amina")
        admin = await create_member(settings, "root", admin=True)
        carla = await create_member(settings, "carla", password=PASSWORD)
        space = await create_space(settings, "casefile", private=True, owner=owner)
        await join_space(space, carla)
        root = await actions.create_post(settings, owner, "<p>root</p>", space=space)
        owner_token, _ = await issue_token(owner, "read write follow")
        admin_token, _ = await issue_token(admin, "read write follow admin:read admin:write")
        registered = await client.post(
            "/api/v1/apps",
            form={
                "client_name": "Listener",
                "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                "scopes": "read write",
            },
        )
        app_json = await registered.get_json()
        creds = {"client_id": app_json["client_id"], "client_secret": app_json["client_secret"]}
        granted = await client.post(
            "/oauth/token",
            form={
                **creds,
                "grant_type": "password",
                "username": "carla",
                "password": PASSWORD,
                "scope": "read write",
            },
        )
        carla_token = (await granted.get_json())["access_token"]
        yield Scene(
            client=client,
            settings=settings,
            owner_headers={"Authorization": f"Bearer {owner_token}"},
            admin_headers={"Authorization": f"Bearer {admin_token}"},
            carla=carla,
            carla_token=carla_token,
            app_creds=creds,
            root_id=root.id,
        )


CHANGES: dict[str, Callable[[Scene], Awaitable[None]]] = {
    "revoked through OAuth": Scene.revoke_through_oauth,
    "suspended by an admin": Scene.suspend_through_admin_api,
    "revoked by another process": Scene.revoke_in_another_process,
}


async def _ws_frames_until_closed(ws: Any, limit: float) -> tuple[list[dict], int | None]:
    """Every text frame that arrives within `limit` seconds, and the close code if it closed."""
    frames: list[dict] = []
    deadline = time.monotonic() + limit
    while (left := deadline - time.monotonic()) > 0:
        try:
            raw = await asyncio.wait_for(ws.receive(), left)
        except TimeoutError:
            return frames, None
        except WebsocketDisconnectError as closed:
            return frames, closed.args[0]
        frames.append(json.loads(raw))
    return frames, None


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
async def test_websocket_stream_stops_at_once(scene: Scene, change: str) -> None:
    async with scene.client.websocket(
        "/api/v1/streaming", query_string={"stream": "user", "access_token": scene.carla_token}
    ) as ws:
        # The control: while her access holds, the post reaches her (the test can see a leak).
        before = await scene.post_in_space("BEFORE the change")
        frame = json.loads(await asyncio.wait_for(ws.receive(), 5))
        shown = json.loads(frame["payload"])  # the space's boost of it, as at home
        assert frame["event"] == "update" and shown["reblog"]["id"] == before
        assert shown["account"]["group"] is True
        started = time.monotonic()
        await CHANGES[change](scene)
        await scene.post_in_space("SECRET after the change")
        frames, closed = await _ws_frames_until_closed(ws, LIMIT)
        elapsed = time.monotonic() - started
    assert [f for f in frames if f["event"] == "update"] == [], "a post arrived after the change"
    assert closed == 4401, f"still open {elapsed:.2f}s after the change"
    assert elapsed < LIMIT + 0.2


async def _sse_chunks_until_ended(connection: Any, limit: float) -> tuple[bytes, bool]:
    """The body that arrives within `limit` seconds, and whether the response ended."""
    body = b""
    deadline = time.monotonic() + limit
    while (left := deadline - time.monotonic()) > 0:
        try:
            chunk = await asyncio.wait_for(connection.receive(), left)
        except TimeoutError:
            return body, False
        if not chunk:
            return body, True
        body += chunk
    return body, False


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
async def test_sse_stream_stops_at_once(scene: Scene, change: str) -> None:
    headers = {"Authorization": f"Bearer {scene.carla_token}"}
    async with scene.client.request("/api/v1/streaming/user", headers=headers) as connection:
        await connection.send_complete()
        opened, _ = await _sse_chunks_until_ended(connection, 0.3)
        assert opened.startswith(b":)")
        await scene.post_in_space("BEFORE the change")
        body = b""
        while b"BEFORE the change" not in body:
            body += await asyncio.wait_for(connection.receive(), 5)
        assert b"event: update" in body
        started = time.monotonic()
        await CHANGES[change](scene)
        await scene.post_in_space("SECRET after the change")
        body, ended = await _sse_chunks_until_ended(connection, LIMIT)
        elapsed = time.monotonic() - started
        await connection.disconnect()  # a response that never ends must not hang the test
    assert b"SECRET" not in body and b"event: update" not in body, "a post arrived after the change"
    assert ended, f"still open {elapsed:.2f}s after the change"
