"""Every route in the URL map, walked with hostile ids, numbers and bodies: never a 500.

The walk is built from `app.url_map`, so a route added tomorrow is walked tomorrow without
anyone remembering to list it. Each variable part of each rule gets every hostile id while the
other parts hold real ids (so the hostile one is what reaches the handler); every method that
takes a body gets every hostile body; every GET gets hostile paging numbers. Each case runs as
an anonymous caller, a member and an admin in turn (rotating, so the run stays about a minute
per engine). The answer must be below 500, and a 4xx from the API must be JSON naming `error`.

The cases are a fixed table, not random draws: a failure names the exact request to replay.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import orjson
import pytest
from quart import Quart
from quart.testing.connections import WebsocketResponseError

from actors.accounts import create_member, create_space, join_space
from clientapi.tokens import issue_token
from federation.client import FetchError
from tests.conftest import make_settings

HOSTILE_IDS = [
    "²",  # isdigit() but not int()
    "١٢٣",  # Arabic-Indic digits: int() takes them, no column should
    "9223372036854775808",  # 2**63: one past BIGINT
    "2147483648",  # 2**31: one past INTEGER (actors, reports on PostgreSQL)
    "-1",
    "0",
    "9" * 10_000,
    "1.5",
    "../",
    "%00",
    "",
    "x",
]
EVERY_CALLER = {"²", "9223372036854775808", "2147483648"}  # the findings: tried by every caller
HOSTILE_QUERY = {
    "limit": "²",
    "max_id": "9223372036854775808",
    "since_id": "-1",
    "min_id": "١٢٣",
    "offset": "9" * 400,
    "version": "²",
    "expires_in": "1e9",
    "id[]": "x",
    "page": "99999999999999999999",
    "acct": "x" * 300 + "@" + "y" * 300,
    "resource": "acct:" + "x" * 300 + "@testserver.example",
    "q": "x" * 600,
    "account_id": "²",
    "id": "9223372036854775808",
    "client_id": "x" * 300,
    "redirect_uri": "http://[::1",
    "type": "x" * 300,
    "resolve": "maybe",
}
SOCKET_QUERY = {"stream": "hashtag", "tag": "x" * 600, "list": "²", "access_token": "x" * 600}
NUL_QUERY = {"q": "a\x00b", "acct": "\x00", "max_id": "1\x00"}  # PostgreSQL refuses NUL in text
WRONG_TYPES: list[Any] = [
    *(None, [], {}, "²", 9223372036854775808, -1, 1.5, True, "x" * 70_000, "x" * 600),
]
_FIELDS = [
    *("status", "in_reply_to_id", "media_ids", "poll", "expires_in", "choices", "name"),
    *("start_time", "end_time", "location", "content", "type", "to", "cc", "object", "id"),
    *("account_id", "status_ids", "limit", "domain", "severity", "description", "focus"),
    *("answer", "title", "document_id", "grant_type", "client_id", "redirect_uris", "scope"),
    *("display_name", "note", "fields_attributes", "source", "visibility", "text", "lang"),
    *("spoiler_text", "sensitive", "language", "comment", "forward", "category", "rule_ids"),
]


def _wrong_type_bodies() -> list[dict[str, Any]]:
    """One object per wrong type, every known field holding it (rotated so types mix)."""
    bodies = []
    for shift in range(len(WRONG_TYPES)):
        bodies.append(
            {name: WRONG_TYPES[(i + shift) % len(WRONG_TYPES)] for i, name in enumerate(_FIELDS)}
        )
    return bodies


def _deep(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


BAD_URLS = ["http://[::1", "http://[zz]/", "https://", "javascript:alert(1)", "http://a:99999/"]
HOSTILE_BODIES: list[tuple[str, bytes]] = [
    ("application/json", _deep(5_000)),
    ("application/json", b"[" * 5_000 + b"]" * 5_000),
    ("application/json", _deep(100)),
    ("application/json", b"[]"),
    ("application/json", b'"a string"'),
    ("application/json", b"42"),
    ("application/json", b"null"),
    ("application/json", b"{"),
    ("application/json", b"\xff\xfe{}"),
    ("application/json", b'{"status": "\xff"}'),
    ("application/json", b'{"a": 1e999}'),
    ("application/activity+json", _deep(5_000)),
    ("application/activity+json", b'{"type": "Note", "to": "x", "cc": 5, "content": "hi"}'),
    ("application/activity+json", b'{"type": "Create", "object": {"type": "Note", "to": 7}}'),
    *(("application/json", orjson.dumps(body)) for body in _wrong_type_bodies()),
    *(("application/json", orjson.dumps({name: url for name in _FIELDS})) for url in BAD_URLS),
    ("application/json", orjson.dumps({name: "a\x00b" for name in _FIELDS})),
    ("application/x-www-form-urlencoded", urlencode({f: "a\x00b" for f in _FIELDS}).encode()),
    ("application/x-www-form-urlencoded", b"status=%FF%FE&limit=%C2%B2&expires_in=-1"),
    ("application/x-www-form-urlencoded", urlencode({f: "²" for f in _FIELDS}).encode()),
    ("application/x-www-form-urlencoded", urlencode({"location": "http://[::1"}).encode()),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data\r\n\r\n--x--"),
    ("text/plain", b"\x00\x01\x02"),
    ("", b"junk"),
]
_TALK = {"name": "clinic", "start_time": "2030-01-01T10:00:00Z"}
_LONG_URL = "https://remote.example/" + "x" * 600
# A valid body with one field wrong, per endpoint, so the wrong field is what gets parsed
# (a body wrong everywhere is refused at its first field and never reaches the others).
ONE_WRONG_FIELD: dict[str, list[dict[str, Any]]] = {
    "space_library_api.create_event": [
        {**_TALK, "location": url} for url in [*BAD_URLS, _LONG_URL, "http://a\x00b/"]
    ]
    + [{**_TALK, "end_time": "2030-01-01T09:00:00+99:00"}, {**_TALK, "start_time": "²"}],
    "c2s.c2s_outbox": [
        {"type": "Note", "content": "hi", "to": "x", "cc": 5},
        {"type": "Note", "content": "hi", "to": [_LONG_URL], "inReplyTo": _LONG_URL},
        {"type": "Create", "object": {"type": "Note", "content": "hi", "to": 7}},
        {"type": "Like", "object": _LONG_URL},
        {"type": "Like", "object": "http://[::1"},
        {"type": "Follow", "object": _LONG_URL},
        {"type": "Follow", "object": "http://[::1"},
        {"type": "Undo", "object": {"type": "Like", "object": _LONG_URL}},
        {"type": "Delete", "object": _LONG_URL},
    ],
    "clientapi_statuses.create_status": [
        {"status": "hi", "in_reply_to_id": "9223372036854775808"},
        {"status": "hi", "in_reply_to_id": "²"},
        {"status": "hi", "media_ids": ["²"]},
        {"status": "hi", "media_ids": ["9223372036854775808"]},
        {"status": "hi", "poll": {"options": ["a", "b"], "expires_in": "²"}},
        {"status": "hi", "poll": {"options": ["a", "b"], "expires_in": 10**30}},
        {"status": "hi", "poll": {"options": "ab", "expires_in": 600}},
        {"status": "hi", "scheduled_at": "²"},
        {"status": "hi", "quote_id": "9223372036854775808"},
    ],
    "polls.vote_on_poll": [
        {"choices": ["²"]},
        {"choices": [9223372036854775808]},
        {"choices": "0"},
        {"choices": [-1]},
    ],
    "clientapi_reports.create_report": [
        {"account_id": "2147483648"},
        {"account_id": "²", "status_ids": ["9223372036854775808"]},
    ],
    "accounts.update_credentials": [
        {"fields_attributes": {"0": {"name": "x" * 600, "value": 5}}},
        {"source": {"language": "x" * 600}},
    ],
    "clientapi_admin.create_domain_block": [{"domain": "x" * 600}, {"domain": "http://[::1"}],
    "clientapi_admin.create_domain_allow": [{"domain": "x" * 600}],
    "clientapi_admin.account_action": [{"type": "x" * 600}, {"type": ["suspend"]}],
    "clientapi_media.update_media": [{"focus": "²,²"}, {"description": "x" * 600_000}],
    "space_library_api.answer_event": [{"answer": ["accept"]}, {"answer": "x" * 600}],
    "instance.save_markers": [{"home": {"last_read_id": "9" * 40}}],
    "oauth.create_app": [
        {"client_name": "x", "redirect_uris": "http://[::1"},
        {"client_name": "x", "redirect_uris": ["http://[::1", 5]},
        {"client_name": ["x"], "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": 5},
        {
            "client_name": "x",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "website": "http://[::1",
        },
    ],
    "oauth.token_endpoint": [  # CLIENT_ID and CLIENT_SECRET are a registered app's
        {"grant_type": "password", "client_id": "CLIENT_ID", "client_secret": "CLIENT_SECRET"}
        | {"username": ["alice"], "password": {}},
        {"grant_type": "password", "client_id": "CLIENT_ID", "client_secret": "CLIENT_SECRET"}
        | {"username": "x" * 600, "password": "p", "scope": ["read"]},
        {"grant_type": "authorization_code", "client_id": "CLIENT_ID"}
        | {"client_secret": "CLIENT_SECRET", "code": ["a"], "redirect_uri": "http://[::1"},
        {"grant_type": "refresh_token", "client_id": "CLIENT_ID"}
        | {"client_secret": "CLIENT_SECRET", "refresh_token": 5},
        {"grant_type": "client_credentials", "client_id": "x" * 100, "client_secret": 5},
    ],
    "oauth.revoke_endpoint": [
        {"client_id": "CLIENT_ID", "client_secret": "CLIENT_SECRET", "token": ["t"]},
        {"client_id": "x" * 100, "client_secret": "y", "token": "t"},
    ],
}
_BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
_API_PREFIXES = ("/api/", "/oauth/")
_HTML_PAGES = ("/oauth/authorize",)  # the consent page a person sees: its errors are HTML
# Endpoints that call a service outside (none runs in tests): 503 "unavailable" is their answer
_OUTSIDE = {"clientapi_translate.translate_status"}


@dataclass
class World:
    """Real ids for every variable part, and the three callers."""

    app: Quart
    valid: dict[str, str]
    viewers: list[tuple[str, dict[str, str]]]
    failures: list[str] = field(default_factory=list)
    requests: int = 0


@pytest.fixture
async def world(
    any_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[World]:
    from baraza.app import create_app

    settings = make_settings(any_db, tmp_path)
    app = create_app(settings, manage_database=False)
    async with app.test_app():
        services = app.extensions["baraza"]

        async def offline(method: str, url: str, **kwargs: object) -> None:
            raise FetchError("offline in tests", url)

        monkeypatch.setattr(services.http, "request", offline)
        limits = app.extensions["baraza_limits"]
        limits.token = limits.address = None  # one client hammering: rate limits not under test
        yield await _populate(app, settings)


async def _populate(app: Quart, settings: Any) -> World:
    """A member, an admin, a space with a document, a Talk, a poll, media and a report."""
    client = app.test_client()
    alice = await create_member(settings, "alice")
    root = await create_member(settings, "root")
    root.is_admin = True
    await root.save()
    member_token, _ = await issue_token(alice, "read write follow push")
    admin_token, _ = await issue_token(root, "read write follow push admin:read admin:write")
    member = {"Authorization": f"Bearer {member_token}"}
    admin = {"Authorization": f"Bearer {admin_token}"}
    space = await create_space(settings, "commons", private=False, owner=alice)
    await join_space(space, alice)

    async def call(method: str, path: str, **kwargs: Any) -> Any:
        headers = admin if "admin" in path else member
        response = await client.open(path, method=method, headers=headers, **kwargs)
        assert response.status_code < 300, (path, await response.get_data())
        return await response.get_json()

    status = await call(
        "POST",
        "/api/v1/statuses",
        json={"status": "hello @root", "poll": {"options": ["a", "b"], "expires_in": 3600}},
    )
    document = await call(
        "POST",
        f"/api/v1/spaces/{space.id}/documents",
        form={"title": "notes"},
        files={"file": _file(b"plain notes\n", "notes.txt", "text/plain")},
    )
    talk = await call(
        "POST",
        f"/api/v1/spaces/{space.id}/events",
        json={"name": "clinic", "start_time": "2030-01-01T10:00:00Z"},
    )
    media = await call("POST", "/api/v2/media", files={"file": _file(_PNG, "dot.png", "image/png")})
    block = await call("POST", "/api/v1/admin/domain_blocks", json={"domain": "bad.example"})
    allow = await call("POST", "/api/v1/admin/domain_allows", json={"domain": "good.example"})
    report = await call("POST", "/api/v1/reports", json={"account_id": str(root.id)})
    oauth_app = await call(
        "POST",
        "/api/v1/apps",
        json={"client_name": "fuzz", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
    )
    from storage.models import Notification

    notification = await Notification.filter(recipient=root).first()
    valid = {
        "CLIENT_ID": oauth_app["client_id"],
        "CLIENT_SECRET": oauth_app["client_secret"],
        "name": "alice",
        "account_id": str(root.id),
        "status_id": status["id"],
        "post_id": status["id"],
        "poll_id": status["poll"]["id"],
        "space_id": str(space.id),
        "doc_id": document["id"],
        "event_id": talk["id"],
        "media_id": media["id"],
        "sha": Path(media["url"]).name,
        "block_id": block["id"],
        "allow_id": allow["id"],
        "report_id": report["id"],
        "notification_id": str(notification.id) if notification else "1",
        "hashtag": "tag",
        "token": "x",
        "filename": "x",
        "action": "resolve",
    }
    viewers = [("anonymous", {}), ("member", member), ("admin", admin)]
    return World(app, valid, viewers)


_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _file(data: bytes, name: str, content_type: str) -> Any:
    from io import BytesIO

    from werkzeug.datastructures import FileStorage

    return FileStorage(BytesIO(data), filename=name, content_type=content_type)


def _valid_part(world: World, rule: Any, name: str) -> str:
    converter = rule._converters.get(name)
    items = getattr(converter, "items", None)
    if items:
        return sorted(items)[0]
    return world.valid.get(name, "1")


def _path(world: World, rule: Any, hostile: str | None = None, at: str | None = None) -> str:
    parts = []
    for is_dynamic, text in rule._trace:
        if not is_dynamic:
            parts.append(text)
        elif text == at and hostile is not None:
            parts.append(quote(hostile, safe="/%"))
        else:
            parts.append(quote(_valid_part(world, rule, text), safe=""))
    path = "".join(parts)
    return path[path.index("|") + 1 :] if "|" in path else path


async def _check(
    world: World, rule: Any, method: str, path: str, headers: dict[str, str], body: Any
) -> None:
    world.requests += 1
    client = world.app.test_client()
    response = await client.open(path, method=method, headers=headers, **body)
    what = f"{method} {path[:120]} {headers and 'token'} {str(body)[:120]}"
    if response.status_code >= 500 and not (
        response.status_code == 503 and rule.endpoint in _OUTSIDE
    ):
        world.failures.insert(0, f"{response.status_code} {what}")
        return
    json_api = path.startswith(_API_PREFIXES) and not path.startswith(_HTML_PAGES)
    if 400 <= response.status_code < 500 and json_api:
        try:
            payload = orjson.loads(await response.get_data())
        except orjson.JSONDecodeError:
            payload = None
        if not (isinstance(payload, dict) and isinstance(payload.get("error"), str)):
            world.failures.append(f"{response.status_code} without a JSON error: {what}")


async def _check_socket(world: World, path: str, headers: dict[str, str]) -> None:
    world.requests += 1
    client = world.app.test_client()
    try:
        async with client.websocket(path, headers=headers) as socket:
            await socket.send(b"\x00\x00\x01")
            try:
                await asyncio.wait_for(socket.receive(), 0.5)
            except TimeoutError:
                pass
    except WebsocketResponseError as refused:
        if refused.response.status_code >= 500:
            world.failures.append(f"{refused.response.status_code} websocket {path[:120]}")
    except Exception as crash:  # recorded: the test fails naming the socket and the error
        world.failures.append(f"{type(crash).__name__} websocket {path[:120]}: {crash}")


def _rules(world: World) -> list[tuple[Any, str]]:
    """(rule, method) pairs, DELETE last so the records others need live until the end."""
    pairs = [
        (rule, method)
        for rule in world.app.url_map.iter_rules()
        for method in sorted(rule.methods or ())
        if method not in ("HEAD", "OPTIONS") and rule.endpoint != "static"
    ]
    return sorted(pairs, key=lambda pair: pair[1] == "DELETE")


def _callers(world: World, case: int, position: int, value: object) -> list[dict[str, str]]:
    """Who sends this case: everyone for the key hostile ids, else one caller in rotation.

    The rotation starts one further along for each route, so across the walk every hostile
    value reaches every kind of caller.
    """
    if value in EVERY_CALLER:
        return [headers for _label, headers in world.viewers]
    return [world.viewers[(case + position) % len(world.viewers)][1]]


async def test_every_route_answers_hostile_input_without_a_500(world: World) -> None:
    case = 0
    for rule, method in _rules(world):
        sockets = getattr(rule, "websocket", False)
        for name in rule.arguments:
            case += 1
            for position, hostile in enumerate(HOSTILE_IDS):
                path = _path(world, rule, hostile, name)
                for headers in _callers(world, case, position, hostile):
                    if sockets:
                        await _check_socket(world, path, headers)
                    else:
                        await _check(world, rule, method, path, headers, {})
        if sockets:
            socket_queries = ({}, SOCKET_QUERY, NUL_QUERY)
            for _label, headers in world.viewers:
                for query in socket_queries:
                    await _check_socket(world, f"{_path(world, rule)}?{urlencode(query)}", headers)
            continue
        path = _path(world, rule)
        if method == "GET":
            for _label, headers in world.viewers:
                for query in (HOSTILE_QUERY, NUL_QUERY):
                    await _check(world, rule, method, f"{path}?{urlencode(query)}", headers, {})
        if method in _BODY_METHODS:
            case += 1
            for position, (content_type, raw) in enumerate(HOSTILE_BODIES):
                [headers] = _callers(world, case, position, None)
                sent = {**headers, "Content-Type": content_type} if content_type else headers
                await _check(world, rule, method, path, sent, {"data": raw})
            for body in ONE_WRONG_FIELD.get(rule.endpoint, []):
                body = {k: world.valid.get(str(v), v) for k, v in body.items()}
                for _label, headers in world.viewers[1:]:
                    await _check(world, rule, method, path, headers, {"json": body})
    assert not world.failures, f"{len(world.failures)} of {world.requests}:\n" + "\n".join(
        world.failures[:60]
    )
