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

from baraza.settings import Settings
from outbox.activity_access import ActivityFacts, Answer, decide
from storage.models import Activity
from tests.conftest import make_settings
from tests.inbox.signed import body_of, remote_peer
from tests.outbox.served import AS2, BASE, HTML, build_world, signed, walk


@pytest.fixture
def settings(any_db: str, tmp_path: Path) -> Settings:
    return make_settings(any_db, tmp_path)


@pytest.fixture
async def app(settings: Settings):
    from baraza.app import create_app

    application = create_app(settings, manage_database=False)
    async with application.test_app():
        yield application


async def test_every_id_dereferences(app, settings) -> None:
    world = await build_world(settings)
    client = app.test_client()
    found = await walk(client, world)
    assert not found.problems, "\n".join(found.problems)
    answers = {url: status for url, (status, _) in found.documents.items()}
    types = {d.get("formerType") or d.get("type") for _, d in found.documents.values()}
    assert {"Create", "Update", "Like", "Announce", "Delete", "Undo", "Accept", "Follow"} <= types
    assert {"Person", "Group", "Application", "Note", "Question", "Event"} <= types
    assert {"OrderedCollection", "OrderedCollectionPage"} <= types
    for status, doc in found.documents.values():
        assert "@context" in doc, doc.get("id")
        if status == 410:
            assert doc["type"] == "Tombstone", doc
    # What was deleted or undone is gone, and says so.
    assert answers[world["gone"].uri] == 410
    assert 410 in {answers[u] for u in answers if u.startswith(f"{BASE}/activities/")}
    assert world["secret"].uri not in answers  # no public document names the private post
    # The private space's activities exist and are hidden from everyone, members included.
    assert found.private_activities
    key_id = world["peer"].actor.key_id
    for uri in found.private_activities:
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
    assert f'<link rel="alternate" type="application/activity+json" href="{hello.uri}">' in text
    gone = await client.get(f"/@amina/{world['gone'].id}", headers=AS2)
    assert gone.status_code == 410 and (await gone.get_json())["type"] == "Tombstone"
    profile = await client.get("/@amina", headers=AS2)
    assert (await profile.get_json())["id"] == world["amina"].uri
    assert (
        (await client.get("/@amina", headers=HTML)).headers["Content-Type"].startswith("text/html")
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


async def test_post_url_answers_peers_with_logged_out_reading_off(app, settings) -> None:
    """Servers resolving a pasted link are not browsers: the instance setting that closes
    pages to logged-out readers leaves the AS2 answer open, as for the post's id."""
    from actors.accounts import create_member
    from outbox import actions
    from storage.settings_store import set_logged_out_reading

    client = app.test_client()
    amina = await create_member(settings, "amina")
    post = await actions.create_post(settings, amina, "<p>hello</p>")
    await set_logged_out_reading(False)
    as2 = await client.get(f"/@amina/{post.id}", headers=AS2)
    assert as2.status_code == 200 and (await as2.get_json())["id"] == post.uri
    assert (await client.get(f"/@amina/{post.id}", headers=HTML)).status_code == 401
    assert (await client.get("/@amina", headers=HTML)).status_code == 401
    assert (await client.get("/@amina", headers=AS2)).status_code == 200


async def test_hashtag_hrefs_answer(app, settings) -> None:
    """A Hashtag's href: a page for browsers, the public posts for servers, never a post of a
    private space, a followers-only one or a deleted one."""
    from actors.accounts import create_member, create_space
    from outbox import actions

    client = app.test_client()
    amina = await create_member(settings, "amina")
    casefiles = await create_space(settings, "casefiles", private=True, owner=amina)
    tag = [{"type": "Hashtag", "href": f"{BASE}/tags/rights", "name": "#Rights"}]
    shown = await actions.create_post(settings, amina, "<p>open #rights</p>", tags=tag)
    hidden = [
        await actions.create_post(
            settings, amina, "<p>CANARY-1 #rights</p>", tags=tag, space=casefiles
        ),
        await actions.create_post(
            settings, amina, "<p>CANARY-2 #rights</p>", tags=tag, visibility="private"
        ),
        await actions.create_post(settings, amina, "<p>CANARY-3 #rights</p>", tags=tag),
    ]
    await actions.delete_post(settings, amina, hidden[-1])
    await actions.create_post(settings, amina, "<p>rights, untagged</p>")
    doc = await (await client.get("/tags/Rights", headers=AS2)).get_json()
    assert doc["type"] == "OrderedCollection" and doc["id"] == f"{BASE}/tags/rights"
    assert doc["orderedItems"] == [shown.uri]
    page = await client.get("/tags/rights", headers=HTML)
    text = await page.get_data(as_text=True)
    assert page.status_code == 200 and "open #rights" in text and "CANARY" not in text
    assert (await client.get("/tags/not%20a%20tag", headers=AS2)).status_code == 404
