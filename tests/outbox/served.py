"""A small world of everything members do, and a walk of every document Baraza serves for it.

Shared by the dereferencing test (every id answers) and the JSON-LD test (every document's
context covers its terms): both look at the same documents, found the way a peer finds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from actors.accounts import create_member, create_space
from baraza.settings import Settings
from federation.activities import PUBLIC
from federation.keys import load_private_key
from federation.signatures import sign_request
from outbox import actions, graph, interactions
from outbox.edits import edit_post
from outbox.polls import new_poll
from outbox.profile import publish_profile_update
from outbox.replies import send_accept
from spaces.talks import Talk, publish_talk
from storage.models import Activity, Follow
from tests.inbox.signed import _KEYS, remote_peer

BASE = "https://testserver.example"
AS2 = {"Accept": "application/activity+json"}
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
POST_ONLY = {"inbox", "sharedInbox"}
HTML_FIELDS = {"url", "href"}


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
    hello = await actions.create_post(
        settings,
        amina,
        '<p>hello <a href="https://friends.example/@fan">@fan</a> #rights</p>',
        mentions=[peer.actor],
        summary="a content warning",
        sensitive=True,
        tags=[
            {"type": "Hashtag", "href": f"{BASE}/tags/rights", "name": "#rights"},
            {"type": "Mention", "href": peer.uri, "name": "@fan@friends.example"},
        ],
        attachments=[
            {
                "type": "Document",
                "mediaType": "application/pdf",
                "url": f"{BASE}/@amina",
                "name": "a report",
            }
        ],
    )
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
    now = datetime.now(UTC)
    await actions.create_post(
        settings,
        amina,
        "<p>which day?</p>",
        post_type="Question",
        poll=new_poll(["monday", "friday"], 3600, False, False, now),
    )
    in_space = await actions.create_post(settings, amina, "<p>in commons</p>", space=commons)
    talk = Talk("A talk", "about rights", now + timedelta(days=2), None, "https://meet.example/x")
    await publish_talk(settings, amina, commons, talk)
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


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@dataclass
class Walk:
    """What the walk met: AS2 documents by URL, statuses, and what did not answer."""

    documents: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    private_activities: set[str] = field(default_factory=set)


async def walk(client: Any, world: dict[str, Any]) -> Walk:
    """Fetch every local activity, actor and collection, then every local URL found in them,
    signed as the server each activity was addressed to (a follower's otherwise)."""
    result = Walk()
    key_id = world["peer"].actor.key_id
    private_uris = {world["secret"].uri, world["casefiles"].uri}
    activities = await Activity.filter(local=True)
    result.private_activities = {
        a.uri
        for a in activities
        if a.object_uri in private_uris
        or a.actor_uri in private_uris
        or world["secret"].uri in str(a.document)
    }
    seeds = [a.uri for a in activities if a.uri not in result.private_activities] + [
        f"{BASE}/users/amina",
        f"{BASE}/users/carla",
        f"{BASE}/spaces/commons",
        f"{BASE}/spaces/commons/moderators",
        f"{BASE}/actor",
        f"{BASE}/users/amina/outbox?page=1",
        f"{BASE}/spaces/commons/outbox?page=1",
    ]
    signer_for = {world["peer"].host: key_id, world["other"].host: world["other"].actor.key_id}
    addressee = {
        a.uri: next((signer_for[h] for h in signer_for if h in str(a.document.get("to"))), key_id)
        for a in activities
    }
    queue = [("seed", url, "seed") for url in seeds]
    seen: set[str] = set()
    not_public: set[str] = set()
    while queue:
        name, url, found_in = queue.pop()
        target = url.split("#", 1)[0]
        if target in seen or name in POST_ONLY:
            continue
        seen.add(target)
        path = target.removeprefix(BASE)
        if name in HTML_FIELDS:
            if found_in in not_public:
                continue  # a followers-only post's page is for members in a browser session
            response = await client.get(path, headers=signed(path, key_id, HTML))
            if response.status_code != 200:
                status = response.status_code
                result.problems.append(f"{path} (HTML, from {found_in}) answered {status}")
            continue
        response = await client.get(path, headers=signed(path, addressee.get(target, key_id)))
        if response.status_code not in (200, 410):
            status = response.status_code
            result.problems.append(f"{path} (from {found_in}, field {name}) answered {status}")
            continue
        doc = await response.get_json()
        result.documents[target] = (response.status_code, doc)
        audience = [*_list(doc.get("to")), *_list(doc.get("cc"))]
        if doc.get("to") is not None and not any(a == PUBLIC for a in audience):
            not_public.add(path)
        queue.extend((k, u, path) for k, u in local_urls(doc))
    return result
