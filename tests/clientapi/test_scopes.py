"""One scope table for every route, one gate that reads it, one viewer per request.

Issue 13's first finding: a token granted only `profile` (or only `write:media`) read a
member's private spaces — the space timeline, library downloads, Talks, media and post pages —
because some routes checked scopes and others only asked "which member is this?". The
regression tests below use exactly those tokens; a `read` token of the same member still
reads everything.

A token lacking the route's scope is 403 before the handler runs, for any id, existing or not:
the answer depends only on the token and the route, so it reveals nothing about the object
(the 404 of a hidden object is for viewers whose token does allow the read).
"""

from __future__ import annotations

import ast
import asyncio
import hashlib
import inspect
import io
import re
import textwrap
from pathlib import Path
from typing import Any

import orjson
import pytest
from quart.testing import WebsocketResponseError
from werkzeug.datastructures import FileStorage

from baraza.viewer import ANONYMOUS, Viewer
from clientapi.scopes import (
    C2S_WRITE_SCOPES,
    FORBIDDEN,
    PUBLIC,
    ROUTE_SCOPES,
    WEBSOCKET,
    allows,
    default_need,
    refusal,
    route_need,
    scope_satisfied,
)
from storage.models import AccessToken, Actor, MediaAttachment
from tests.conftest import make_settings

# --- the pure decisions ----------------------------------------------------------------------

SATISFIED = [
    # (granted, needed, expected, why)
    ("read", "read:statuses", True, "read covers every read:*"),
    ("read", "read", True, "exact"),
    ("read:statuses", "read:statuses", True, "exact granular"),
    ("read:statuses", "read", False, "granular does not cover the top scope"),
    ("read:statuses", "read:accounts", False, "one granular scope is not another"),
    ("write", "write:media", True, "write covers every write:*"),
    ("write", "read:statuses", False, "write does not read"),
    ("write:media", "read:statuses", False, "the finding: write:media reads nothing"),
    ("write:media", "write:statuses", False, "write:media does not post"),
    ("profile", "read:statuses", False, "the finding: profile reads no statuses"),
    ("profile", "read:accounts", False, "profile is not read:accounts"),
    ("profile", "profile", True, "profile is itself"),
    ("follow", "read:follows", True, "legacy follow covers relationships"),
    ("follow", "write:blocks", True, "legacy follow covers blocks"),
    ("follow", "read:statuses", False, "follow reads no statuses"),
    ("read write follow", "write:favourites", True, "the default grant"),
    ("admin:read", "admin:read:reports", True, "admin:read covers admin:read:*"),
    ("admin:read", "admin:write:reports", False, "admin:read does not write"),
    ("read", "admin:read:reports", False, "read is not admin"),
    ("read write", "admin:write:accounts", False, "write is not admin"),
    ("admin:write:accounts", "admin:write:accounts", True, "exact admin scope"),
    ("", "read:statuses", False, "no scopes"),
    ("push", "read:notifications", False, "push is only push"),
]


@pytest.mark.parametrize(("granted", "needed", "expected", "why"), SATISFIED)
def test_scope_satisfied(granted: str, needed: str, expected: bool, why: str) -> None:
    assert scope_satisfied(frozenset(granted.split()), needed) is expected, why


@pytest.mark.parametrize(
    ("granted", "need", "expected"),
    [
        ("", PUBLIC, True),
        ("profile", PUBLIC, True),
        ("profile", ("read:accounts", "profile"), True),
        ("read", ("read:accounts", "profile"), True),
        ("write:media", ("read:accounts", "profile"), False),
        ("read:statuses", ("read:statuses",), True),
    ],
)
def test_allows_any_of_the_need(granted: str, need: tuple[str, ...], expected: bool) -> None:
    assert allows(frozenset(granted.split()), need) is expected


@pytest.mark.parametrize(
    ("granted", "need", "expected"),
    [
        (None, ("read:statuses",), None),  # no valid token: the route decides (401 or public)
        (None, PUBLIC, None),
        (frozenset({"profile"}), ("read:statuses",), FORBIDDEN),
        (frozenset({"write:media"}), ("read:statuses",), FORBIDDEN),
        (frozenset({"read"}), ("read:statuses",), None),
        (frozenset({"profile"}), PUBLIC, None),
    ],
)
def test_refusal(granted: frozenset[str] | None, need: tuple[str, ...], expected: str | None):
    assert refusal(granted, need) == expected


@pytest.mark.parametrize(
    ("method", "endpoint", "expected"),
    [
        ("GET", "spaces_api.space_timeline", ("read:statuses",)),
        ("HEAD", "spaces_api.space_timeline", ("read:statuses",)),  # HEAD is GET
        ("OPTIONS", "spaces_api.space_timeline", PUBLIC),
        ("GET", "webfinger.webfinger", PUBLIC),
        ("POST", "c2s.c2s_outbox", C2S_WRITE_SCOPES),
        ("POST", "space_library_api.upload_document", ("write",)),
        (WEBSOCKET, "live_api.live", ("write",)),
        ("GET", None, ("read",)),  # unrouted: the safe default
        ("GET", "no.such_endpoint", ("read",)),
        ("DELETE", "no.such_endpoint", ("write",)),
    ],
)
def test_route_need(method: str, endpoint: str | None, expected: tuple[str, ...]) -> None:
    assert route_need(method, endpoint) == expected


def test_default_need_by_verb() -> None:
    assert default_need("GET") == ("read",)
    assert default_need(WEBSOCKET) == ("read",)
    assert default_need("PATCH") == ("write",)
    assert default_need("OPTIONS") == PUBLIC


@pytest.mark.parametrize(
    ("viewer", "kind"),
    [
        (ANONYMOUS, "anonymous"),
        (Viewer(member=Actor(is_admin=False), scopes=frozenset({"read"})), "member"),
        (Viewer(member=Actor(is_admin=True), scopes=frozenset({"read"})), "admin"),
        (Viewer(signer=Actor()), "remote"),
    ],
)
def test_viewer_kind(viewer: Viewer, kind: str) -> None:
    assert viewer.kind == kind


@pytest.mark.parametrize(
    ("scopes", "need", "gives_member"),
    [
        ("read", ("read:statuses",), True),
        ("profile", ("read:statuses",), False),
        ("write:media", ("read:statuses",), False),
        ("write:media", ("write:media",), True),
        ("profile", ("read:accounts", "profile"), True),
        ("profile", PUBLIC, True),
    ],
)
def test_member_only_when_the_scopes_allow(scopes: str, need: Any, gives_member: bool) -> None:
    member = Actor(is_admin=False)
    viewer = Viewer(member=member, token=AccessToken(), scopes=frozenset(scopes.split()))
    assert (viewer.member_for(need) is member) is gives_member


def test_viewer_without_token_has_no_scopes_to_lack() -> None:
    assert ANONYMOUS.may(("read:statuses",)) and ANONYMOUS.member_for(("read",)) is None


# --- every route has a row; literal checks in handlers agree with it --------------------------


@pytest.fixture(scope="module")
def bare_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The app's URL map needs no database."""
    from baraza.app import create_app

    tmp = tmp_path_factory.mktemp("scopes")
    return create_app(make_settings(f"sqlite://{tmp / 'unused.db'}", tmp), manage_database=False)


def _routes(app: Any) -> set[tuple[str, str]]:
    """Every (method, endpoint) the app serves, `WS` for WebSocket rules."""
    out = set()
    for rule in app.url_map.iter_rules():
        if rule.websocket:
            out.add((WEBSOCKET, rule.endpoint))
            continue
        for method in rule.methods or ():
            if method not in ("HEAD", "OPTIONS"):
                out.add((method, rule.endpoint))
    return out


def test_every_route_has_a_row_in_the_scope_table(bare_app: Any) -> None:
    missing = sorted(_routes(bare_app) - ROUTE_SCOPES.keys())
    assert not missing, f"routes without a row in clientapi/scopes.py: {missing}"


def test_no_row_for_a_route_that_does_not_exist(bare_app: Any) -> None:
    stale = sorted(ROUTE_SCOPES.keys() - _routes(bare_app))
    assert not stale, f"rows in clientapi/scopes.py for no route: {stale}"


def test_the_c2s_row_lets_in_every_scope_an_activity_may_need() -> None:
    """The gate must not refuse what `outbox.c2s` would allow for one kind of activity."""
    from outbox.c2s import SCOPES

    for scope in {*SCOPES.values(), "write"}:
        assert allows(frozenset({scope}), route_need("POST", "c2s.c2s_outbox")), scope
    assert not allows(frozenset({"read", "write:media", "profile"}), C2S_WRITE_SCOPES)


def test_both_hooks_are_registered(bare_app: Any) -> None:
    from baraza.viewer import enforce_route_scope

    assert enforce_route_scope in bare_app.before_request_funcs[None]
    assert enforce_route_scope in bare_app.before_websocket_funcs[None]


# A scope named in a call of the require family or of a helper that passes it on.
LITERAL = re.compile(
    r"\b(?:require\w*|_moderated_space)\((?:[^()\"]*,\s*)?\"((?:read|write|admin|profile)[^\"]*)\""
)


def _sources(view: Any) -> str:
    """A handler's source and that of the module-level helpers it calls (one level deep)."""
    view = inspect.unwrap(view)
    sources = [inspect.getsource(view)]
    for node in ast.walk(ast.parse(textwrap.dedent(sources[0]))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            helper = view.__globals__.get(node.func.id)
            if inspect.isfunction(helper) and helper.__module__ == view.__module__:
                sources.append(inspect.getsource(helper))
    return "\n".join(sources)


def test_the_literal_finder_sees_helpers() -> None:
    from clientapi.spaces import spaces

    assert LITERAL.findall(_sources(spaces.requests)) == ["read:follows"]
    assert LITERAL.findall('await _moderated_space(space_id, "write:follows")') == ["write:follows"]


def test_literal_scopes_in_handlers_agree_with_the_table(bare_app: Any) -> None:
    """A handler may still name its scope (belt and braces) only if the table says the same."""
    methods: dict[str, set[str]] = {}
    for method, endpoint in _routes(bare_app):
        methods.setdefault(endpoint, set()).add(method)
    disagree = []
    for endpoint, view in bare_app.view_functions.items():
        for scope in set(LITERAL.findall(_sources(view))):
            for method in methods.get(endpoint, ()):
                if ROUTE_SCOPES.get((method, endpoint)) != (scope,):
                    disagree.append((method, endpoint, scope, ROUTE_SCOPES.get((method, endpoint))))
    assert not disagree, disagree


# --- the finding: narrow tokens do not read a member's private space ----------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"1 0 obj\n<<>>\nendobj\n"
AS2 = "application/activity+json"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def world(any_db: str, tmp_path: Path) -> Any:
    """A private space, its owner's post with a picture, a document and a Talk; three tokens
    of the same member: `read`, `profile` only, `write:media` only."""
    from actors.accounts import create_member, create_space
    from baraza.app import create_app
    from clientapi.statuses.posting import media_document
    from clientapi.tokens import issue_token
    from outbox import actions

    settings = make_settings(any_db, tmp_path)
    application = create_app(settings, manage_database=False)
    async with application.test_app():
        client = application.test_client()
        owner = await create_member(settings, "owner")
        space = await create_space(settings, "casefile", private=True, owner=owner)
        tokens = {
            scope: (await issue_token(owner, scope))[0]
            for scope in ("read write follow", "read", "profile", "write:media")
        }
        full = bearer(tokens["read write follow"])
        uploaded = await client.post(
            "/api/v2/media",
            headers=full,
            files={
                "file": FileStorage(io.BytesIO(PNG), filename="x.png", content_type="image/png")
            },
        )
        assert uploaded.status_code == 200, await uploaded.get_data()
        media = await MediaAttachment.get(id=int((await uploaded.get_json())["id"]))
        post = await actions.create_post(
            settings,
            owner,
            "<p>privileged</p>",
            space=space,
            attachments=[media_document(media, settings.url(f"/media/{media.sha256}"))],
        )
        await MediaAttachment.filter(id=media.id).update(post_id=post.id)
        doc = await client.post(
            f"/api/v1/spaces/{space.id}/documents",
            headers=full,
            files={"file": FileStorage(io.BytesIO(PDF), filename="brief.pdf")},
            form={"title": "Brief"},
        )
        assert doc.status_code == 200, await doc.get_data()
        talk = await client.post(
            f"/api/v1/spaces/{space.id}/events",
            headers=full,
            json={"name": "Clinic", "start_time": "2030-01-01T10:00:00Z"},
        )
        assert talk.status_code == 200, await talk.get_data()
        s = f"/api/v1/spaces/{space.id}"
        doc_id, talk_id = (await doc.get_json())["id"], (await talk.get_json())["id"]
        doors = {
            "space timeline": ("GET", f"{s}/timeline", None),
            "space entity": ("GET", s, None),
            "members": ("GET", f"{s}/members", None),
            "library list": ("GET", f"{s}/documents", None),
            "library document": ("GET", f"{s}/documents/{doc_id}", None),
            "library download": ("GET", f"{s}/documents/{doc_id}/download", None),
            "talks": ("GET", f"{s}/events", None),
            "talk": ("GET", f"{s}/events/{talk_id}", None),
            "media file": ("GET", f"/media/{hashlib.sha256(PNG).hexdigest()}", None),
            "status entity": ("GET", f"/api/v1/statuses/{post.id}", None),
            "status context": ("GET", f"/api/v1/statuses/{post.id}/context", None),
            "post page (HTML)": ("GET", f"/@owner/{post.id}", "text/html"),
            "post object (AS2)": ("GET", f"/users/owner/statuses/{post.id}", AS2),
            "post activity (AS2)": ("GET", f"/users/owner/statuses/{post.id}/activity", AS2),
            "space actor (AS2)": ("GET", "/spaces/casefile", AS2),
        }
        yield client, tokens, doors


@pytest.mark.parametrize("narrow", ["profile", "write:media"])
async def test_a_narrow_token_reads_nothing_of_a_private_space(world: Any, narrow: str) -> None:
    client, tokens, doors = world
    for name, (method, path, accept) in doors.items():
        headers = bearer(tokens[narrow]) | ({"Accept": accept} if accept else {})
        response = await client.open(path, method=method, headers=headers)
        assert response.status_code == 403, (narrow, name, response.status_code)
        body = await response.get_data()
        assert b"privileged" not in body and b"Brief" not in body and b"Clinic" not in body
        if not accept:
            assert (await response.get_json()) == {"error": FORBIDDEN}, name


async def test_a_read_token_of_a_member_still_reads_all_of_it(world: Any) -> None:
    client, tokens, doors = world
    for name, (method, path, accept) in doors.items():
        headers = bearer(tokens["read"]) | ({"Accept": accept} if accept else {})
        response = await client.open(path, method=method, headers=headers)
        assert response.status_code == 200, (name, response.status_code)


async def test_without_a_token_the_private_space_is_still_hidden(world: Any) -> None:
    """404 as for a random id (401 on the API routes that need a token at all)."""
    client, _tokens, doors = world
    for name, (method, path, accept) in doors.items():
        headers = {"Accept": accept} if accept else {}
        response = await client.open(path, method=method, headers=headers)
        assert response.status_code in (401, 404), (name, response.status_code)


async def test_the_403_does_not_depend_on_the_object_existing(world: Any) -> None:
    client, tokens, _doors = world
    for path in ("/api/v1/spaces/999999/timeline", "/api/v1/statuses/999999", "/media/" + "0" * 64):
        response = await client.get(path, headers=bearer(tokens["profile"]))
        assert response.status_code == 403, path


async def test_revoked_and_suspended_tokens_are_anonymous(world: Any) -> None:
    """Not 403: such a token names nobody, so the request is anonymous (401 where a member is
    needed, the private space 404 as to anyone)."""
    from datetime import UTC, datetime

    from clientapi.tokens import find_token

    client, tokens, doors = world
    row = await find_token(tokens["read"])
    assert row is not None
    row.revoked_at = datetime.now(UTC)
    await row.save()
    timeline = doors["space timeline"][1]
    assert (await client.get(timeline, headers=bearer(tokens["read"]))).status_code == 404
    me = "/api/v1/accounts/verify_credentials"
    assert (await client.get(me, headers=bearer(tokens["read"]))).status_code == 401
    await Actor.filter(local_username="owner").update(suspended_at=datetime.now(UTC))
    full = bearer(tokens["read write follow"])
    assert (await client.get(timeline, headers=full)).status_code == 404
    assert (await client.get(me, headers=full)).status_code == 401


async def test_the_viewer_is_resolved_once_per_request(world: Any) -> None:
    from baraza.viewer import current_viewer, token_viewer

    client, tokens, _doors = world
    headers = bearer(tokens["read"])
    async with client.app.test_request_context("/api/v1/timelines/home", headers=headers):
        first = await token_viewer()
        assert first.kind == "member" and first.scopes == frozenset({"read"})
        assert await token_viewer() is first and await current_viewer() is first
    async with client.app.test_request_context("/api/v1/timelines/home"):
        assert await current_viewer() is ANONYMOUS


async def test_an_unrouted_path_is_404_and_a_wrong_method_405_whatever_the_token(world: Any):
    client, tokens, _doors = world
    headers = bearer(tokens["profile"])
    assert (await client.get("/api/v1/no/such/thing", headers=headers)).status_code == 404
    assert (await client.delete("/api/v1/timelines/home", headers=headers)).status_code == 405


async def test_profile_token_may_verify_credentials_and_nothing_else(world: Any) -> None:
    """Mastodon 4.3's `profile` scope exists for exactly this call."""
    client, tokens, _doors = world
    me = await client.get("/api/v1/accounts/verify_credentials", headers=bearer(tokens["profile"]))
    assert me.status_code == 200 and (await me.get_json())["username"] == "owner"
    home = await client.get("/api/v1/timelines/home", headers=bearer(tokens["profile"]))
    assert home.status_code == 403


async def test_the_sockets_are_gated_by_the_same_table(world: Any) -> None:
    """The co-editing socket needs `write`; a `read` token is refused before the upgrade."""
    client, tokens, doors = world
    live = doors["library document"][1] + "/live"
    for path, token in ((live, "read"), ("/api/v1/streaming?stream=user", "write:media")):
        with pytest.raises(WebsocketResponseError) as refused:
            async with client.websocket(path, headers=bearer(tokens[token])) as socket:
                await asyncio.wait_for(socket.receive(), 5)
        assert refused.value.response.status_code == 403, path
        assert orjson.loads(await refused.value.response.get_data()) == {"error": FORBIDDEN}
