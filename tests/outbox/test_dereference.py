"""Every id Baraza emits dereferences: a walk of every document it serves.

A small world does what members do (post, edit, like, boost, undo, delete, follow, post in
a public and a private space, answer a remote follow); then every local activity and every
actor, collection and page is fetched, and every local URL found in any of them is fetched in
turn, as a follower's server would (signed). Nothing may be 404; what is gone answers 410
with a Tombstone; what touches the private space answers 404 to everyone.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from actors.accounts import create_member, create_space
from baraza.negotiation import prefers_as2
from baraza.settings import Settings
from federation.keys import load_private_key
from federation.signatures import sign_request
from outbox import actions, graph, interactions
from outbox.activity_access import ActivityFacts, Answer, decide
from outbox.edits import edit_post
from outbox.profile import publish_profile_update
from outbox.replies import send_accept
from storage.models import Activity, Follow
from tests.conftest import make_settings
from tests.inbox.signed import _KEYS, body_of, remote_peer

BASE = "https://testserver.example"
AS2 = {"Accept": "application/activity+json"}
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
POST_ONLY = {"inbox", "sharedInbox"}
HTML_FIELDS = {"url"}


@pytest.fixture
def settings(any_db: str, tmp_path: Path) -> Settings:
    return make_settings(any_db, tmp_path)


@pytest.fixture
async def app(settings: Settings):
    from baraza.app import create_app

    application = create_app(settings, manage_database=False)
    async with application.test_app():
        yield application


def signed(path: str, key_id: str, accept: dict[str, str] = AS2) -> dict[str, str]:
    headers = {**accept, "Host": "testserver.example"}
    key = load_private_key(_KEYS.private_pem)
    headers.update(sign_request("GET", BASE + path, headers, key, key_id))
    return headers


def local_urls(doc: Any, key: str = "") -> list[tuple[str, str]]:
    """(field, url) for every string in `doc` naming something on this server."""
    if isinstance(doc, str):
        return [(key, doc)] if doc.startswith(BASE) else []
    if isinstance(doc, dict):
        return [found for k, v in doc.items() for found in local_urls(v, k)]
    if isinstance(doc, list):
        return [found for v in doc for found in local_urls(v, key)]
    return []


async def build_world(settings: Settings) -> dict[str, Any]:
    amina = await create_member(settings, "amina")
    carla = await create_member(settings, "carla")
    peer = await remote_peer(host="friends.example", name="fan")
    await Follow.create(follower=peer.actor, target=amina, accepted=True)
    await Follow.create(follower=carla, target=amina, accepted=True)
    follow_doc = {
        "id": "https://friends.example/follows/1",
        "type": "Follow",
        "actor": peer.uri,
        "object": amina.uri,
    }
    await send_accept(settings, amina, peer.actor, follow_doc)
    commons = await create_space(settings, "commons", private=False, owner=amina)
    casefiles = await create_space(settings, "casefiles", private=True, owner=amina)
    hello = await actions.create_post(settings, amina, "<p>hello world</p>")
    await edit_post(
        settings,
        amina,
        hello,
        content_html="<p>hello, world</p>",
        summary="",
        sensitive=False,
        language=None,
    )
    quiet = await actions.create_post(settings, amina, "<p>for followers</p>", visibility="private")
    await actions.create_post(settings, amina, "<p>unlisted</p>", visibility="unlisted")
    in_space = await actions.create_post(settings, amina, "<p>in commons</p>", space=commons)
    secret = await actions.create_post(settings, amina, "<p>CANARY-5521</p>", space=casefiles)
    await interactions.like(settings, carla, hello)
    await interactions.like(settings, carla, quiet)
    await interactions.like(settings, carla, in_space)
    await interactions.announce(settings, carla, hello)
    await interactions.like(settings, amina, secret)
    changed_mind = await actions.create_post(settings, amina, "<p>like me not</p>")
    await interactions.like(settings, carla, changed_mind)
    await interactions.unlike(settings, carla, changed_mind)
    gone = await actions.create_post(settings, amina, "<p>soon gone</p>")
    await interactions.like(settings, carla, gone)
    await actions.delete_post(settings, amina, gone)
    other = await remote_peer(host="elsewhere.example", name="ola")
    await graph.follow(settings, amina, other.actor)
    await graph.unfollow(settings, amina, other.actor)
    await publish_profile_update(settings, amina)
    return {
        "amina": amina,
        "peer": peer,
        "other": other,
        "commons": commons,
        "casefiles": casefiles,
        "hello": hello,
        "quiet": quiet,
        "secret": secret,
        "gone": gone,
        "in_space": in_space,
    }


async def test_every_id_dereferences(app, settings) -> None:
    world = await build_world(settings)
    client = app.test_client()
    key_id = world["peer"].actor.key_id
    private_uris = {world["secret"].uri, world["casefiles"].uri}
    private_activities = {
        a.uri
        for a in await Activity.filter(local=True)
        if a.object_uri in private_uris
        or a.actor_uri in private_uris
        or world["secret"].uri in str(a.document)
    }
    seeds = [
        a.uri for a in await Activity.filter(local=True) if a.uri not in private_activities
    ] + [
        f"{BASE}/users/amina",
        f"{BASE}/users/carla",
        f"{BASE}/spaces/commons",
        f"{BASE}/actor",
        f"{BASE}/users/amina/outbox?page=1",
        f"{BASE}/spaces/commons/outbox?page=1",
    ]
    # An activity addressed to one server is fetched as that server; the rest as a follower's.
    signer_for = {world["peer"].host: key_id, world["other"].host: world["other"].actor.key_id}
    addressee = {
        a.uri: next(
            (signer_for[h] for h in signer_for if h in str(a.document.get("to"))), key_id
        )
        for a in await Activity.filter(local=True)
    }
    queue = [("seed", url, "seed") for url in seeds]
    seen: set[str] = set()
    answers: dict[str, int] = {}
    types: set[str] = set()
    problems: list[str] = []
    while queue:
        field, url, found_in = queue.pop()
        target = url.split("#", 1)[0]
        if target in seen or field in POST_ONLY:
            continue
        seen.add(target)
        path = target.removeprefix(BASE)
        if field in HTML_FIELDS:
            response = await client.get(path, headers=signed(path, key_id, HTML))
            if response.status_code != 200:
                problems.append(f"{path} (HTML, from {found_in}) answered {response.status_code}")
            continue
        response = await client.get(path, headers=signed(path, addressee.get(target, key_id)))
        answers[target] = response.status_code
        if response.status_code not in (200, 410):
            status = response.status_code
            problems.append(f"{path} (from {found_in}, field {field}) answered {status}")
            continue
        doc = await response.get_json()
        if response.status_code == 410:
            assert doc["type"] == "Tombstone", path
        types.add(doc.get("formerType") or doc.get("type", ""))
        if "@context" not in doc:
            problems.append(f"{path} has no @context")
        queue.extend((k, u, path) for k, u in local_urls(doc))
        if isinstance(doc.get("first"), str):
            queue.append(("first", doc["first"], path))
    docs = {a.uri.removeprefix(BASE): a.document for a in await Activity.filter(local=True)}
    assert not problems, "\n".join(f"{p} {docs.get(p.split()[0])}" for p in problems)
    assert {"Create", "Update", "Like", "Announce", "Delete", "Undo", "Accept", "Follow"} <= types
    assert {"Person", "Group", "Application", "Note", "OrderedCollectionPage"} <= types
    # What was deleted or undone is gone, and says so.
    assert answers[world["gone"].uri] == 410
    assert 410 in {answers[u] for u in answers if u.startswith(f"{BASE}/activities/")}
    assert world["secret"].uri not in answers  # no public document names the private post
    # The private space's activities exist and are hidden from everyone, members included.
    assert private_activities
    for uri in private_activities:
        path = uri.removeprefix(BASE)
        assert (await client.get(path, headers=AS2)).status_code == 404, path
        assert (await client.get(path, headers=signed(path, key_id))).status_code == 404, path


async def test_space_outbox_lists_the_announces_it_delivered(app, settings) -> None:
    world = await build_world(settings)
    client = app.test_client()
    page = await (await client.get("/spaces/commons/outbox?page=1", headers=AS2)).get_json()
    announces = page["orderedItems"]
    assert announces and {a["type"] for a in announces} == {"Announce"}
    assert world["in_space"].uri in {a["object"] for a in announces}
    for item in announces:
        assert re.fullmatch(rf"{BASE}/activities/\d+", item["id"]), item["id"]
        served = await client.get(item["id"].removeprefix(BASE), headers=AS2)
        assert served.status_code == 200
        assert (await served.get_json())["object"] == item["object"]
    collection = await (await client.get("/spaces/commons/outbox", headers=AS2)).get_json()
    assert collection["totalItems"] == len(announces)
    # The private space's outbox is 404 to outsiders and empty to anyone who sees it.
    assert (await client.get("/spaces/casefiles/outbox", headers=AS2)).status_code == 404


async def test_activity_reads_follow_the_post(app, settings) -> None:
    world = await build_world(settings)
    client = app.test_client()
    stranger = await remote_peer(host="strangers.example", name="nosy")
    like_of_quiet = await Activity.get(type="Like", object_uri=world["quiet"].uri, local=True)
    path = like_of_quiet.uri.removeprefix(BASE)
    assert (await client.get(path, headers=AS2)).status_code == 404
    assert (await client.get(path, headers=signed(path, stranger.actor.key_id))).status_code == 404
    follower = await client.get(path, headers=signed(path, world["peer"].actor.key_id))
    assert follower.status_code == 200
    assert (await follower.get_json())["object"] == world["quiet"].uri
    accept = await Activity.get(type="Accept", local=True)
    path = accept.uri.removeprefix(BASE)
    assert (await client.get(path, headers=AS2)).status_code == 404
    assert (await client.get(path, headers=signed(path, stranger.actor.key_id))).status_code == 404
    assert (
        await client.get(path, headers=signed(path, world["peer"].actor.key_id))
    ).status_code == 200
    assert (await client.get("/activities/999999999", headers=AS2)).status_code == 404
    assert (await client.get("/activities/0", headers=AS2)).status_code == 404


async def test_post_url_negotiates(app, settings) -> None:
    world = await build_world(settings)
    client = app.test_client()
    hello = world["hello"]
    page_path = f"/@amina/{hello.id}"
    as2 = await client.get(page_path, headers=AS2)
    assert as2.status_code == 200
    assert as2.headers["Content-Type"].startswith("application/activity+json")
    assert (await as2.get_json())["id"] == hello.uri
    html = await client.get(page_path, headers=HTML)
    assert html.headers["Content-Type"].startswith("text/html")
    text = await html.get_data(as_text=True)
    assert (
        f'<link rel="alternate" type="application/activity+json" href="{hello.uri}">' in text
    )
    gone = await client.get(f"/@amina/{world['gone'].id}", headers=AS2)
    assert gone.status_code == 410 and (await gone.get_json())["type"] == "Tombstone"
    profile = await client.get("/@amina", headers=AS2)
    assert (await profile.get_json())["id"] == world["amina"].uri
    assert (await client.get("/@amina", headers=HTML)).headers["Content-Type"].startswith(
        "text/html"
    )


async def test_instance_actor_endpoints(app, settings) -> None:
    client = app.test_client()
    actor = await (await client.get("/actor", headers=AS2)).get_json()
    for name in ("outbox", "followers", "following"):
        doc = await (await client.get(actor[name].removeprefix(BASE), headers=AS2)).get_json()
        assert doc["type"] == "OrderedCollection" and doc["totalItems"] == 0
        first = await (await client.get(doc["first"].removeprefix(BASE), headers=AS2)).get_json()
        assert first["type"] == "OrderedCollectionPage" and first["orderedItems"] == []
    assert actor["inbox"] == f"{BASE}/actor/inbox"
    peer = await remote_peer()
    activity = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{peer.uri}/follows/9",
        "type": "Follow",
        "actor": peer.uri,
        "object": actor["id"],
    }
    body = body_of(activity)
    unsigned = await client.post(
        "/actor/inbox", data=body, headers={"Content-Type": "application/activity+json"}
    )
    assert unsigned.status_code == 401
    headers = peer.signed_headers("/actor/inbox", body)
    accepted = await client.post("/actor/inbox", data=body, headers=headers)
    assert accepted.status_code == 202
    assert await Activity.exists(uri=activity["id"])


def _facts(**changes: Any) -> ActivityFacts:
    base = dict(
        kind="Like",
        touches_private_space=False,
        posts=1,
        posts_visible=True,
        posts_deleted=False,
        public=False,
        addressed_or_own=False,
        undone=False,
    )
    return ActivityFacts(**{**base, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("facts", "answer"),
    [
        (_facts(), Answer.SHOW),
        (_facts(posts_visible=False, public=True, addressed_or_own=True), Answer.HIDDEN),
        (_facts(touches_private_space=True, public=True), Answer.HIDDEN),
        (_facts(undone=True), Answer.GONE),
        (_facts(undone=True, posts_visible=False), Answer.HIDDEN),
        (_facts(posts_deleted=True), Answer.GONE),
        (_facts(kind="Delete", posts_deleted=True), Answer.SHOW),
        (_facts(kind="Accept", posts=0), Answer.HIDDEN),
        (_facts(kind="Accept", posts=0, addressed_or_own=True), Answer.SHOW),
        (_facts(kind="Update", posts=0, public=True), Answer.SHOW),
        (_facts(kind="Follow", posts=0, public=True, undone=True), Answer.GONE),
        (_facts(kind="Flag", posts=2, posts_visible=True), Answer.HIDDEN),
    ],
)
def test_decide(facts: ActivityFacts, answer: Answer) -> None:
    assert decide(facts) is answer


@pytest.mark.parametrize(
    ("accept", "as2"),
    [
        ("application/activity+json", True),
        ('application/ld+json; profile="https://www.w3.org/ns/activitystreams"', True),
        ("text/html,application/xhtml+xml,*/*;q=0.8", False),
        ("*/*", False),
        ("", False),
        (None, False),
        ("application/activity+json;q=0", False),
        ("text/html;q=0.5, application/activity+json", True),
    ],
)
def test_prefers_as2(accept: str | None, as2: bool) -> None:
    assert prefers_as2(accept) is as2
