"""NodeInfo's active-member counts come from last-active marks written where members act:
sign-in, token use and posting; at most one write an hour per member."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from actors.accounts import create_member
from actors.last_active import RESOLUTION, mark_active, needs_mark
from baraza.settings import Settings
from clientapi.tokens import issue_token
from outbox import actions
from storage.models import Actor
from tests.conftest import make_settings

PASSWORD = "correct horse battery staple"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.fixture
def settings(any_db: str, tmp_path: Path) -> Settings:
    return make_settings(any_db, tmp_path)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Any]:
    from baraza.app import create_app

    application = create_app(settings, manage_database=False)
    async with application.test_app():
        yield application


async def usage(client: Any) -> dict[str, int]:
    doc = await (await client.get("/nodeinfo/2.1")).get_json()
    return doc["usage"]["users"]


async def last_active(member: Actor) -> datetime | None:
    return (await Actor.get(id=member.id)).last_active_at


@pytest.mark.parametrize(
    ("ago", "marks"),
    [(None, True), (timedelta(0), False), (RESOLUTION / 2, False), (RESOLUTION, True),
     (timedelta(days=3), True)],
)  # fmt: skip
def test_needs_mark(ago: timedelta | None, marks: bool) -> None:
    assert needs_mark(None if ago is None else NOW - ago, NOW) is marks


async def test_token_use_counts_a_member_active(app: Any, settings: Settings) -> None:
    client = app.test_client()
    member = await create_member(settings, "amina")
    await create_member(settings, "idle")
    assert await usage(client) == {"total": 2, "activeMonth": 0, "activeHalfyear": 0}
    token, _ = await issue_token(member)
    auth = {"Authorization": f"Bearer {token}"}
    answer = await client.get("/api/v1/accounts/verify_credentials", headers=auth)
    assert answer.status_code == 200
    assert await usage(client) == {"total": 2, "activeMonth": 1, "activeHalfyear": 1}
    first = await last_active(member)
    assert first is not None and datetime.now(UTC) - first < timedelta(minutes=1)
    # Within the hour: reads do not write again.
    await client.get("/api/v1/timelines/home", headers=auth)
    assert await last_active(member) == first
    # An hour later (moved back by hand): the next use writes a new mark.
    await Actor.filter(id=member.id).update(last_active_at=first - timedelta(hours=2))
    await client.get("/api/v1/timelines/home", headers=auth)
    assert await last_active(member) > first - timedelta(minutes=1)


async def test_month_and_halfyear_are_counted_from_the_mark(app: Any, settings: Settings) -> None:
    client = app.test_client()
    now = datetime.now(UTC)
    for name, ago in (("week", 7), ("season", 90), ("old", 200), ("never", None)):
        member = await create_member(settings, name)
        if ago is not None:
            await Actor.filter(id=member.id).update(last_active_at=now - timedelta(days=ago))
    suspended = await create_member(settings, "gone")
    await Actor.filter(id=suspended.id).update(last_active_at=now, suspended_at=now)
    assert await usage(client) == {"total": 4, "activeMonth": 1, "activeHalfyear": 2}


async def test_sign_in_marks_the_member(app: Any, settings: Settings) -> None:
    client = app.test_client()
    member = await create_member(settings, "amina", password=PASSWORD)
    registered = await (
        await client.post(
            "/api/v1/apps",
            form={"client_name": "t", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
        )
    ).get_json()
    creds = {"client_id": registered["client_id"], "client_secret": registered["client_secret"]}
    wrong = {**creds, "grant_type": "password", "username": "amina", "password": "nope"}
    assert (await client.post("/oauth/token", form=wrong)).status_code == 400
    assert await last_active(member) is None
    right = {**wrong, "password": PASSWORD}
    assert (await client.post("/oauth/token", form=right)).status_code == 200
    assert await last_active(member) is not None


async def test_posting_marks_the_member(app: Any, settings: Settings) -> None:
    member = await create_member(settings, "amina")
    await actions.create_post(settings, member, "<p>hello</p>")
    assert await last_active(member) is not None


async def test_only_local_people_are_marked(app: Any, settings: Settings) -> None:
    from actors.accounts import create_space

    owner = await create_member(settings, "owner")
    space = await create_space(settings, "room", private=False, owner=owner)
    assert await mark_active(space, NOW) is False
    assert await mark_active(owner, NOW) is True
    assert await mark_active(owner, NOW + RESOLUTION / 2) is False
    assert await last_active(owner) == NOW


async def test_a_web_session_marks_the_member(app: Any, settings: Settings) -> None:
    from baraza.webapp.session import COOKIE, create_session

    client = app.test_client()
    member = await create_member(settings, "amina")
    _, cookie = await create_session(member, pending=False)
    await client.get("/", headers={"Cookie": f"{COOKIE}={cookie}"})
    assert await last_active(member) is not None
