"""The confidentiality matrix (issue 13): every door, every viewer, every object.

Doors come from the app's URL map, classified in `tests.matrix.doors.ROUTES` (a route with no
row fails), plus the streaming sockets (WebSocket and SSE), the co-editing socket and the
Letter's feeds. Viewers and the one table of expected answers are in `tests.matrix.expected`;
the objects, each with its canary, in `tests.matrix.world`, built once per engine.

"hidden" means: a refusal (401, 403 or 404) and the canary nowhere in the body or headers;
for lists, the canary absent; for sockets, no frame carrying it. Every answer to a viewer is
also searched for the canary of every object hidden from that viewer, whatever the door.
"visible" means the answer shows the object (or, for a token that lacks `read` or no longer
counts, refuses it outright). Failing cells are collected and reported together, grouped by
door, so one run shows every leak.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import orjson
import pytest
import pytest_asyncio

from clientapi.scopes import anonymous_access
from tests.conftest import ENGINES, _drop_postgres_database, fresh_database_url, make_settings
from tests.matrix.doors import HTML, ROUTES, Call, Door
from tests.matrix.expected import (
    ANONYMOUS,
    BY_NAME,
    HIDDEN,
    NO_SPACE,
    PLACES,
    PRIVATE_SPACE,
    VIEWERS,
    VISIBILITIES,
    VISIBLE,
    Kind,
    Viewer,
    Who,
    expected,
)
from tests.matrix.world import FULL, HASHTAG, Thing, World, build_world, canary

pytestmark = pytest.mark.asyncio(loop_scope="module")

REFUSED = (401, 403, 404)
POSTS_ONLY = frozenset({Kind.POST})


# --- the world, once per engine ---------------------------------------------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=ENGINES)
async def world(request: pytest.FixtureRequest, tmp_path_factory: Any) -> AsyncIterator[World]:
    from baraza.app import create_app
    from federation.client import FetchError
    from storage.database import close_database, open_database

    tmp = tmp_path_factory.mktemp(f"matrix-{request.param}")
    url, pg_name = await fresh_database_url(request.param, tmp)
    await open_database(url)
    try:
        settings = make_settings(url, tmp)
        app = create_app(settings, manage_database=False)
        async with app.test_app():
            services = app.extensions["baraza"]

            async def offline(method: str, url: str, **kwargs: object) -> None:
                raise FetchError("offline in tests", url)

            services.http.request = offline  # nothing leaves the machine
            limits = app.extensions["baraza_limits"]
            limits.token = limits.address = None  # thousands of requests from one client
            yield await build_world(settings, app.test_client())
    finally:
        await close_database()
        if pg_name:
            await _drop_postgres_database(pg_name)


# --- asking a door ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    text: str  # body and headers, with what the request itself said taken out
    body: str  # the body as sent


def _echo_free(text: str, call: Call) -> str:
    """A body that repeats the caller's own URL tells them nothing: take it out first."""
    parts = urlsplit(call.path)
    echoes = {call.path, unquote(call.path), parts.path, unquote(parts.path)}
    echoes |= {v for _, v in parse_qsl(parts.query) if len(v) > 3}
    for echo in sorted(echoes, key=len, reverse=True):
        text = text.replace(echo, "")
    return text


def _signed(path: str, accept: str | None) -> dict[str, str]:
    """An HTTP-signed GET by the cached remote actor, its Accept header among those signed."""
    from federation.keys import load_private_key
    from federation.signatures import sign_request
    from tests.inbox.signed import _KEYS

    headers = {"Accept": accept or "application/activity+json", "Host": "testserver.example"}
    headers.update(
        sign_request(
            "GET",
            "https://testserver.example" + path,
            headers,
            load_private_key(_KEYS.private_pem),
            "https://remote.example/users/rita#main-key",
        )
    )
    return headers


async def ask(world: World, viewer: Viewer, call: Call) -> Answer:
    headers = world.headers(viewer.name)
    if viewer.who is Who.REMOTE and call.method == "GET":
        headers = _signed(call.path, call.accept)
    elif call.accept:
        headers["Accept"] = call.accept
    kwargs: dict[str, Any] = {}
    if call.json is not None:
        kwargs["json"] = call.json
    if call.form is not None:
        kwargs["form"] = call.form
    response = await world.client.open(call.path, method=call.method, headers=headers, **kwargs)
    body = (await response.get_data()).decode("utf-8", "replace")
    shown = body + "\n" + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    return Answer(response.status_code, _echo_free(shown, call), body)


def effective(door: Door, viewer: Viewer) -> Viewer:
    """Who the door takes the viewer to be: a door that ignores signatures sees anonymous."""
    if door.as_anonymous:
        return ANONYMOUS
    if viewer.who is Who.REMOTE and not door.signed:
        return ANONYMOUS
    return viewer


def hidden_canaries(world: World, viewer: Viewer) -> dict[str, str]:
    """canary -> object key, for every object the table hides from this viewer."""
    out = {}
    for thing in world.things:
        if thing.kind is Kind.COEDIT:
            continue  # its text is the document's current version: judged on the socket alone
        if expected(viewer, thing.kind, thing.visibility, thing.place) == HIDDEN:
            for c in thing.canaries:
                out[c] = thing.key
    return out


class Cells:
    """The failing cells of a run, grouped by door, reported together."""

    def __init__(self) -> None:
        self.failures: dict[str, list[str]] = defaultdict(list)
        self.count = 0

    def fail(self, door: str, message: str) -> None:
        self.failures[door].append(message)

    def report(self) -> str:
        lines = []
        for door in sorted(self.failures):
            lines.append(f"{door}:")
            lines.extend(f"    {m}" for m in self.failures[door])
        total = sum(len(v) for v in self.failures.values())
        return f"{total} failing cells of {self.count}:\n" + "\n".join(lines)


def judge(
    cells: Cells,
    label: str,
    door: Door,
    viewer: Viewer,
    call: Call,
    answer: Answer,
    hidden: dict[str, str],
    thing: Thing | None,
    verdict: str | None,
    access: str = "logged_out",
) -> None:
    """`access` is what the route lets a request without a token do (`token`: 401 it must
    be; `open`: it must answer; `logged_out`: it must answer while the instance allows it,
    `closed` once it does not)."""
    cells.count += 1
    where = f"{call.method} {call.path} as {viewer.name}"
    leaked = sorted({key for c, key in hidden.items() if c in answer.text})
    if leaked:
        cells.fail(label, f"{where} -> {answer.status} shows hidden {leaked}")
    tokenless = viewer.who is not Who.LOCAL
    if tokenless and access in ("token", "closed") and answer.status != 401:
        cells.fail(label, f"{where} -> {answer.status}, not 401 without a token ({access})")
        return
    if thing is None or verdict is None:
        return
    shows = any(c in answer.text for c in thing.canaries)
    if verdict == HIDDEN:
        if not door.listing and answer.status not in REFUSED:
            cells.fail(label, f"{where} -> {answer.status} for hidden {thing.key} (not refused)")
        return
    if not door.shows or door.write:
        return
    if viewer.refusable and answer.status in (401, 403):
        return  # a token without `read`, revoked or suspended may be refused outright
    if tokenless and access in ("token", "closed"):
        return  # a route that needs a token (or logged-out reading turned off): 401 above
    if not (200 <= answer.status < 300 and shows):
        cells.fail(label, f"{where} -> {answer.status}, does not show visible {thing.key}")


# --- the HTTP doors ---------------------------------------------------------------------------


def route_access(world: World, call: Call, logged_out: bool) -> str:
    """What the scope table lets a request without a token do on this route (see `judge`)."""
    endpoint = world.endpoint(call.method, call.path)
    access = anonymous_access(call.method, endpoint, html=call.accept == HTML)
    return "closed" if access == "logged_out" and not logged_out else access


async def _http_doors(
    world: World,
    *,
    writes: bool,
    viewers: tuple[Viewer, ...] = VIEWERS,
    logged_out: bool = True,
) -> Cells:
    """Every classified door for every viewer; the viewers ask side by side, as clients do.
    `logged_out` is the instance setting the run expects (logged-out reading on or off)."""
    cells = Cells()

    async def one_viewer(viewer: Viewer) -> None:
        for (rule, method), doors in ROUTES.items():
            for door in doors:
                if door.fill is None or door.driven_by or door.write != writes:
                    continue
                label = f"{method} {rule}"
                seen = effective(door, viewer)
                hidden = hidden_canaries(world, seen)
                if not door.reads:
                    for call in door.fill(world, None, viewer.name):
                        answer = await ask(world, viewer, call)
                        access = route_access(world, call, logged_out)
                        judge(cells, label, door, viewer, call, answer, hidden, None, None, access)
                    continue
                for thing in world.things:
                    if thing.kind not in door.reads:
                        continue
                    verdict = expected(seen, thing.kind, thing.visibility, thing.place)
                    if door.write and verdict == VISIBLE:
                        continue  # a write where it is allowed is no confidentiality question
                    for call in door.fill(world, thing, viewer.name):
                        answer = await ask(world, viewer, call)
                        access = route_access(world, call, logged_out)
                        judge(
                            cells, label, door, viewer, call, answer, hidden, thing, verdict, access
                        )

    await asyncio.gather(*(one_viewer(v) for v in viewers))
    for messages in cells.failures.values():
        messages.sort()
    return cells


async def test_read_doors(world: World) -> None:
    cells = await _http_doors(world, writes=False)
    assert not cells.failures, cells.report()


async def test_read_doors_with_logged_out_reading_off(world: World) -> None:
    """An instance that turns logged-out reading off: every door that served the anonymous
    reader above is 401 to it now (the ActivityPub documents servers fetch excepted), and
    members read as before."""
    from storage.settings_store import set_logged_out_reading

    await set_logged_out_reading(False)
    try:
        tokenless = tuple(v for v in VIEWERS if v.who is not Who.LOCAL)
        cells = await _http_doors(
            world, writes=False, viewers=(*tokenless, BY_NAME["space member"]), logged_out=False
        )
    finally:
        await set_logged_out_reading(True)
    assert not cells.failures, cells.report()


async def test_letter_feeds(world: World) -> None:
    """A secret feed URL reads as the member it was issued to, while that member may read."""
    cells = Cells()
    space_thing = next(t for t in world.things if t.key == "space@private")
    door = Door(frozenset({Kind.FEED}))
    for holder, path in world.feeds.items():
        viewer = BY_NAME[holder]
        verdict = expected(viewer, Kind.SPACE, "public", PRIVATE_SPACE)
        call = Call(path)
        answer = await ask(world, ANONYMOUS, call)
        judge(
            cells,
            "GET /feeds/<token>.atom",
            door,
            replace(viewer, refusable=False),
            call,
            answer,
            hidden_canaries(world, viewer),
            space_thing,
            verdict,
        )
    forged = Call(f"/feeds/{world.people['carla'].id}-{world.private_space.id}-forged.atom")
    answer = await ask(world, ANONYMOUS, forged)
    judge(
        cells,
        "GET /feeds/<token>.atom",
        door,
        ANONYMOUS,
        forged,
        answer,
        hidden_canaries(world, ANONYMOUS),
        space_thing,
        HIDDEN,
    )
    assert not cells.failures, cells.report()


async def test_counts_leave_out_hidden_replies(world: World) -> None:
    """A public post's `replies_count` counts the reply inside the private space only for
    those who may see that reply: a count is a door too."""
    cells = Cells()
    parent = next(t for t in world.things if t.key == f"post:public@{NO_SPACE}")
    reply = next(t for t in world.things if t.key == f"reply@{PRIVATE_SPACE}")
    door = Door(POSTS_ONLY)
    for viewer in VIEWERS:
        call = Call(f"/api/v1/statuses/{parent.post_id}")
        seen = effective(door, viewer)
        answer = await ask(world, viewer, call)
        cells.count += 1
        if answer.status != 200:
            continue  # refused outright (no token, or one that cannot read): no count shown
        entity = orjson.loads(answer.body)
        counted = entity["replies_count"]
        owed = 1 if expected(seen, reply.kind, reply.visibility, reply.place) == VISIBLE else 0
        if counted != owed:
            cells.fail(
                "GET /api/v1/statuses/<status_id>",
                f"as {viewer.name}: replies_count {counted}, expected {owed} ({reply.key})",
            )
    assert not cells.failures, cells.report()


# --- the sockets ------------------------------------------------------------------------------

LIVE = {  # members connected before the change that ends what they may see
    "live removed": Viewer("live removed", Who.LOCAL, reads=True, writes=True, follows=True),
    "live suspended": Viewer("live suspended", Who.LOCAL, refusable=True),
    "live revoked": Viewer("live revoked", Who.LOCAL, refusable=True),
}
STREAMS = ("user", "public", "public:local", "hashtag")
SSE_PATHS = ("user", f"hashtag?tag={HASHTAG}")  # the WebSocket subscribes to all four
LISTEN_SECONDS = 30.0  # for the owed connections; the others stop a grace period after them
GRACE_SECONDS = 1.0


def _owed(viewer: Viewer, label: str) -> bool:
    """Members who read follow the author and both spaces: their home stream carries every
    post they may see (the WebSocket subscribes to it; of the SSE paths, `user` is it)."""
    home = label.startswith("WebSocket") or label.endswith("/user")
    return viewer.member and viewer.reads and home


async def _live_members(world: World, suffix: str) -> dict[str, tuple[Any, str]]:
    """Three new full members of both spaces, following the author: (member, token) each."""
    from actors.accounts import create_member, join_space
    from clientapi.tokens import issue_token
    from storage.models import Follow

    out = {}
    for label, name in (
        ("live removed", "lena"),
        ("live suspended", "max"),
        ("live revoked", "nia"),
    ):
        member = await create_member(world.settings, f"{name}_{suffix}")
        for space in (world.public_space, world.private_space):
            await join_space(space, member)
        await Follow.get_or_create(
            follower=member, target=world.author, defaults={"accepted": True}
        )
        out[label] = (member, (await issue_token(member, FULL))[0])
    return out


async def _end_access(world: World, live: dict[str, tuple[Any, str]]) -> None:
    """Remove (as a moderator), suspend (by the admin API), revoke (as /oauth/revoke does)."""
    from clientapi.tokens import token_hash
    from spaces.moderation import remove_member
    from storage.models import AccessToken

    member, _ = live["live removed"]
    for space in (world.public_space, world.private_space):
        await remove_member(world.settings, world.author, space, member)
    member, _ = live["live suspended"]
    response = await world.client.post(
        f"/api/v1/admin/accounts/{member.id}/action",
        headers=world.headers("admin"),
        form={"type": "suspend", "text": "matrix"},
    )
    assert response.status_code == 200, await response.get_data()
    _, token = live["live revoked"]
    from datetime import UTC, datetime

    await AccessToken.filter(token_hash=token_hash(token)).update(revoked_at=datetime.now(UTC))


async def _publish_fresh(world: World) -> list[Thing]:
    """New posts of every visibility in every place (the action streams each one).

    The public post in no space goes out last and is returned first: every connection that
    may hear anything hears it, so it marks the end of what there is to hear."""
    from outbox.actions import create_post

    people = world.people
    order = [(v, p) for p in PLACES for v in VISIBILITIES]
    order.append(order.pop(0))
    fresh = []
    for visibility, place in order:
        text = canary(f"stream{visibility}{place.split()[0]}")
        await create_post(
            world.settings,
            world.author,
            f"<p>{text} #{HASHTAG}</p>",
            visibility=visibility,
            mentions=[people["carla"], people["sami"]] if visibility == "direct" else None,
            space=world.space(place),
            tags=[{"type": "Hashtag", "name": f"#{HASHTAG}"}],
        )
        fresh.append(
            Thing(f"stream-post:{visibility}@{place}", Kind.POST, visibility, place, (text,))
        )
    return [fresh[-1], *fresh[:-1]]


async def _drain_ws(
    connection: Any, until: float, sentinel: str = "", frames: list[str] | None = None
) -> list[str]:
    """Frames until the deadline, or until one carries the sentinel (the last post sent);
    kept in `frames` as they come, so a listener cut short still tells what it heard."""
    frames = [] if frames is None else frames
    loop = asyncio.get_running_loop()
    while (left := until - loop.time()) > 0:
        try:
            frame = await asyncio.wait_for(connection.receive(), left)
        except TimeoutError:
            break
        except Exception as exc:  # refused or closed: what it said counts as a frame
            response = getattr(exc, "response", None)
            if response is not None:
                frames.append((await response.get_data()).decode("utf-8", "replace"))
            break
        frames.append(frame if isinstance(frame, str) else frame.decode("utf-8", "replace"))
        if sentinel and sentinel in frames[-1]:
            break
    return frames


async def _drain_sse(
    connection: Any, until: float, sentinel: str = "", frames: list[str] | None = None
) -> list[str]:
    frames = [] if frames is None else frames
    loop = asyncio.get_running_loop()
    while (left := until - loop.time()) > 0:
        try:
            chunk = await asyncio.wait_for(connection.receive(), left)
        except TimeoutError:
            break
        except Exception:  # the stream ended
            break
        frames.append(chunk.decode("utf-8", "replace"))
        if sentinel and sentinel in frames[-1]:
            break
    return frames


async def test_streaming_sockets(world: World) -> None:
    """WebSocket and SSE: no frame carries a post hidden from the connection's viewer, also
    after the viewer is removed, suspended or their token revoked while connected."""
    live = await _live_members(world, "stream")
    viewers = [v for v in VIEWERS if v.who is not Who.REMOTE]
    tokens = {v.name: world.tokens.get(v.name) for v in viewers}
    tokens.update({label: token for label, (_, token) in live.items()})
    everyone = [*viewers, *LIVE.values()]
    async with contextlib.AsyncExitStack() as stack:
        sockets: list[tuple[Viewer, str, Any]] = []
        for viewer in everyone:
            token = tokens[viewer.name]
            query = f"?access_token={token}" if token else ""
            ws = await stack.enter_async_context(
                world.client.websocket(f"/api/v1/streaming{query}")
            )
            for stream in STREAMS:
                await ws.send_json({"type": "subscribe", "stream": stream, "tag": HASHTAG})
            sockets.append((viewer, "WebSocket /api/v1/streaming", ws))
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            for path in SSE_PATHS:
                sse = await stack.enter_async_context(
                    world.client.request(f"/api/v1/streaming/{path}", headers=headers)
                )
                await sse.send_complete()
                sockets.append((viewer, f"SSE /api/v1/streaming/{path}", sse))
        await asyncio.sleep(0.2)  # every connection subscribed
        await _end_access(world, live)
        fresh = await _publish_fresh(world)
        # Each connection renders every event for its own viewer, so a busy machine takes a
        # while: the owed connections listen until the last post (public, in no space)
        # arrives; the others as long, and a grace second more, since all render in step.
        sentinel = fresh[0].canaries[0]
        until = asyncio.get_running_loop().time() + LISTEN_SECONDS
        heard: list[list[str]] = [[] for _ in sockets]
        tasks = [
            asyncio.create_task(
                (_drain_ws if label.startswith("WebSocket") else _drain_sse)(
                    conn, until, sentinel, heard[i]
                )
            )
            for i, (_, label, conn) in enumerate(sockets)
        ]
        await asyncio.gather(*(t for t, s in zip(tasks, sockets, strict=True) if _owed(*s[:2])))
        await asyncio.sleep(GRACE_SECONDS)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for _, _, conn in sockets:
            with contextlib.suppress(Exception):
                await conn.disconnect()
    cells = Cells()
    for (viewer, label, _), frames in zip(sockets, heard, strict=True):
        text = "\n".join(frames)
        owed = _owed(viewer, label)
        for thing in fresh:
            cells.count += 1
            verdict = expected(viewer, thing.kind, thing.visibility, thing.place)
            shows = any(c in text for c in thing.canaries)
            if shows and verdict == HIDDEN:
                cells.fail(label, f"as {viewer.name}: a frame carries hidden {thing.key}")
            if owed and verdict == VISIBLE and not shows:
                cells.fail(label, f"as {viewer.name}: no frame carries visible {thing.key}")
    assert not cells.failures, cells.report()


async def _coedit_connect(world: World, thing: Thing, token: str | None) -> Any:
    query = f"?access_token={token}" if token else ""
    assert thing.space is not None
    path = f"/api/v1/spaces/{thing.space.id}/documents/{thing.doc_id}/live{query}"
    return world.client.websocket(path)


async def test_coediting_socket(world: World) -> None:
    """The live document reaches members with a write token only, and stops reaching a member
    the moment they are removed, suspended or their token revoked."""
    from pycrdt import Doc, Text

    from spaces.yjs_protocol import SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE, parse_message, sync_message

    cells = Cells()
    label = "WebSocket /api/v1/spaces/<space_id>/documents/<doc_id>/live"
    for thing in (t for t in world.things if t.kind is Kind.COEDIT):
        for viewer in VIEWERS:
            verdict = expected(viewer, thing.kind, thing.visibility, thing.place)
            token = world.tokens.get(viewer.name)
            async with await _coedit_connect(world, thing, token) as ws:
                await ws.send(sync_message(SYNC_STEP1, Doc().get_state()))
                until = asyncio.get_running_loop().time() + 0.5
                text = "\n".join(await _drain_ws(ws, until))
                accepted = ws.accepted
            cells.count += 1
            shows = any(c in text for c in thing.canaries)
            where = f"as {viewer.name} on {thing.key}"
            if verdict == HIDDEN and (shows or accepted):
                cells.fail(label, f"{where}: accepted={accepted}, shows={shows} (hidden)")
            if verdict == VISIBLE and not shows:
                cells.fail(label, f"{where}: does not show the visible document")

    # Connected first, then access ends; a member's next edit must not reach them.
    live = await _live_members(world, "coedit")
    thing = next(t for t in world.things if t.key == f"co-edit@{PRIVATE_SPACE}")
    async with contextlib.AsyncExitStack() as stack:
        watchers = {}
        for name, (_, token) in live.items():
            ws = await stack.enter_async_context(await _coedit_connect(world, thing, token))
            await ws.send(sync_message(SYNC_STEP1, Doc().get_state()))
            watchers[name] = ws
        editor = await stack.enter_async_context(
            await _coedit_connect(world, thing, world.tokens["space member"])
        )
        await editor.send(sync_message(SYNC_STEP1, Doc().get_state()))
        local = Doc()
        text = local.get("content", type=Text)
        for _ in range(10):  # the server's step 2 carries the whole document
            frame = await asyncio.wait_for(editor.receive(), 5)
            message = parse_message(frame)
            if message.sub == SYNC_STEP2:
                local.apply_update(message.payload)
                break
        version = next(t for t in world.things if t.key == f"version2@{PRIVATE_SPACE}")
        for name, ws in watchers.items():  # what they were owed while members
            owed = await _drain_ws(ws, asyncio.get_running_loop().time() + 2.0, version.canaries[0])
            assert any(version.canaries[0] in f for f in owed), f"{name} never saw the document"
        await _end_access(world, live)
        secret = canary("coeditlive")
        before = local.get_state()
        text += f" {secret}"
        await editor.send(sync_message(SYNC_UPDATE, local.get_update(before)))
        until = asyncio.get_running_loop().time() + 1.0
        heard = await asyncio.gather(*(_drain_ws(ws, until) for ws in watchers.values()))
    for name, frames in zip(watchers, heard, strict=True):
        cells.count += 1
        if any(secret in f for f in frames):
            cells.fail(label, f"as {name}: a frame carries an edit made after access ended")
    assert not cells.failures, cells.report()


async def test_write_doors_refuse_hidden_objects(world: World) -> None:
    """Acting on an object the viewer may not see answers like a missing one and shows nothing.

    Last, because a write that wrongly succeeds changes the world."""
    cells = await _http_doors(world, writes=True)
    assert not cells.failures, cells.report()
