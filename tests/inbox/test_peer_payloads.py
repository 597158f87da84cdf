"""Real peers' activities, fed to the handlers below the signature check: each is handled, or
refused with a clear reason, and none raises anything else.

The actors they name are cached here first (as a verified signature would have left them), and
the HTTP client has a resolver that refuses every name, so a handler that wants to fetch
something gets a clean `FetchError` and no request leaves this machine.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from aiohttp.abc import AbstractResolver

from actors.accounts import create_member
from baraza.ids import new_id
from baraza.services import Services
from federation.activities import parse_activity
from federation.client import ClientSettings, FetchError, HttpClient
from federation.errors import FederationError
from federation.origin import check_origin
from inbox.handlers import dispatch
from storage.models import Activity, Actor, Follow, Like, Post
from tests.conftest import peer_fixtures_dir

ROOT = peer_fixtures_dir()
if ROOT is None:
    pytest.skip(
        "peer fixtures not found (../shared/fixtures/peers or BARAZA_PEER_FIXTURES)",
        allow_module_level=True,
    )
assert ROOT is not None
FILES = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("*/activities/**/*.json"))
UNPARSEABLE = {"mastodon/activities/private_message.json"}
CROSS_HOST_MODERATION = {
    "lemmy/activities/community/update_community.json",
    "lemmy/activities/deletion/remove_note.json",
}


class NoDns(AbstractResolver):
    """Refuses every lookup: these fixtures name real hosts that tests must never contact."""

    async def resolve(self, host: str, port: int = 0, family: int = 0) -> list:
        raise OSError(f"no lookups in tests ({host})")

    async def close(self) -> None:
        return None


async def _cache_actor(uri: str) -> Actor:
    existing = await Actor.get_or_none(uri=uri)
    if existing is not None:
        return existing
    host = uri.split("/")[2]
    return await Actor.create(
        uri=uri,
        type="Person",
        username=uri.rstrip("/").rsplit("/", 1)[-1][:60],
        domain=host,
        inbox_url=f"{uri}/inbox",
        key_id=f"{uri}#main-key",
        public_key_pem="unused",
        followers_url=f"{uri}/followers",
        fetched_at=datetime.now(UTC),
        document={"id": uri},
    )


@pytest.fixture
async def services(settings) -> Services:
    svc = Services(settings)
    svc.http = HttpClient(
        ClientSettings(user_agent="test", allow_private_addresses=False), resolver=NoDns()
    )
    await svc.http.start()
    from actors.accounts import ensure_instance_actor

    svc.instance_actor = await ensure_instance_actor(settings)
    yield svc
    await svc.http.close()


async def _run(services: Services, relative: str) -> str:
    doc = orjson.loads((ROOT / relative).read_bytes())
    activity = parse_activity(doc)
    check_origin(activity, activity.actor)
    await _cache_actor(activity.actor)
    row = await Activity.create(
        id=new_id(),
        uri=activity.id or relative,
        type=activity.type,
        actor_uri=activity.actor,
        document=doc,
    )
    try:
        await dispatch(services, row, activity)
    except (FederationError, FetchError) as exc:
        assert exc.reason, relative
        return f"refused: {exc.reason}"
    return "handled"


@pytest.mark.parametrize(
    "relative", [f for f in FILES if f not in UNPARSEABLE and f not in CROSS_HOST_MODERATION]
)
async def test_real_payload_is_handled_or_refused_cleanly(app, services, relative: str) -> None:
    outcome = await _run(services, relative)
    assert outcome == "handled" or outcome.startswith("refused: ")


async def test_mastodon_note_from_a_followed_author_is_stored(app, services, settings) -> None:
    doc = orjson.loads((ROOT / "mastodon/activities/create_note.json").read_bytes())
    author = await _cache_actor(parse_activity(doc).actor)
    member = await create_member(settings, "reader")
    await Follow.create(follower=member, target=author, accepted=True)
    assert await _run(services, "mastodon/activities/create_note.json") == "handled"
    post = await Post.get(uri=doc["object"]["id"])
    assert post.actor_id == author.id
    assert "<script" not in post.content


async def test_mastodon_like_of_a_local_post_is_counted(app, services, settings) -> None:
    doc = orjson.loads((ROOT / "mastodon/activities/like_page.json").read_bytes())
    member = await create_member(settings, "writer")
    await Post.create(
        id=new_id(),
        uri=doc["object"] if isinstance(doc["object"], str) else doc["object"]["id"],
        actor=member,
        local=True,
        content="x",
        published=datetime.now(UTC),
    )
    assert await _run(services, "mastodon/activities/like_page.json") == "handled"
    assert await Like.all().count() == 1


def test_fixture_list_is_not_empty() -> None:
    assert len(FILES) > 50, Path(ROOT)
