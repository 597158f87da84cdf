"""Every inbound shape we know of, from the inbox to the Mastodon API: each is rendered as its
sender meant it, or refused with a 4xx saying why — a table over other people's payloads.

The shapes come from two collections we did not write, read at run time: real peers'
activities and objects (`../shared/fixtures/peers/`, see its README) and the fediverse-pasture's
published inputs (PyPI `fediverse-pasture-inputs`: the variations on a Note that servers send,
each wrapped in the same Note skeleton the pasture's sender uses). Each goes through what the
inbox runs after a valid signature (`parse_activity`, `check_origin`, `store_remote_post`) and
what the API renders (`status`); then the rendering is checked against the sender's document:
a content warning is plain text, media keep their kind and URL, link attachments are links in
the text, a mention or hashtag shows once.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from baraza.ids import new_id
from clientapi.statuses.status_entity import status
from federation.activities import check_created_object, parse_activity
from federation.errors import FederationError
from federation.origin import check_origin
from inbox.ingest import POST_TYPES, store_remote_post
from storage.models import Actor
from tests.conftest import peer_fixtures_dir
from tests.inbox.signed import body_of, remote_peer

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
PASTURE_ACTOR = "http://pasture-one-actor/actor"
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
MEDIA_TYPES = {"Image": "image", "Video": "video", "Audio": "audio"}
# Objects that are not posts: the inbox answers 202 and keeps nothing, as Mastodon does
# (a ChatMessage is Pleroma's and Lemmy 0.19's one-to-one chat, not a status).
NOT_POSTS = {"Place", "Profile", "Relationship", "Tombstone", "Group", "Person", "ChatMessage"}
SCRIPT = re.compile(r"<script.*?</script>", re.IGNORECASE | re.DOTALL)


def _pasture_shapes() -> list[tuple[str, dict[str, Any]]]:
    try:
        from fediverse_pasture_inputs import available
    except ImportError:  # a test dependency (pyproject.toml); without it, this table is empty
        return []
    shapes = []
    for name, data in sorted(available.items()):
        for number, example in enumerate(data.examples):
            shapes.append((f"pasture/{name}/{number}", _pasture_create(name, number, example)))
    return shapes


def _pasture_create(name: str, number: int, example: dict[str, Any]) -> dict[str, Any]:
    """The pasture's sender: a Note skeleton, `content` "text", then the example over it."""
    note = {
        "type": "Note",
        "attributedTo": PASTURE_ACTOR,
        "to": [PUBLIC],
        "id": f"{PASTURE_ACTOR}/objects/{name}-{number}",
        "published": "2024-01-02T03:04:05Z",
        "content": "text",
        **example,
    }
    note = {k: v for k, v in note.items() if v is not None}
    context = note.pop("@context", None) or [
        "https://www.w3.org/ns/activitystreams",
        {"Hashtag": "as:Hashtag", "sensitive": "as:sensitive"},
    ]
    return {
        "@context": context,
        "id": f"{PASTURE_ACTOR}/activities/{name}-{number}",
        "type": "Create",
        "actor": PASTURE_ACTOR,
        "to": [PUBLIC],
        "object": note,
    }


def _peer_shapes() -> list[tuple[str, dict[str, Any]]]:
    root = peer_fixtures_dir()
    if root is None:
        return []
    shapes = []
    for path in sorted(root.glob("*/activities/**/*.json")):
        doc = orjson.loads(path.read_bytes())
        inner = doc.get("object")
        if doc.get("type") in ("Create", "Update") and isinstance(inner, dict):
            shapes.append((path.relative_to(root).as_posix(), doc))
    for path in sorted(root.glob("*/objects/*.json")):
        doc = orjson.loads(path.read_bytes())
        if doc.get("type") in POST_TYPES:
            author = doc.get("attributedTo")
            author = author[0] if isinstance(author, list) else author
            author = author.get("id") if isinstance(author, dict) else author
            shapes.append(
                (
                    path.relative_to(root).as_posix(),
                    {
                        "id": f"{doc['id']}#create",
                        "type": "Create",
                        "actor": author,
                        "object": doc,
                    },
                )
            )
    return shapes


SHAPES = _pasture_shapes() + _peer_shapes()


async def _actor(uri: str) -> Actor:
    existing = await Actor.get_or_none(uri=uri)
    if existing is not None:
        return existing
    return await Actor.create(
        uri=uri,
        type="Person",
        username=uri.rstrip("/").rsplit("/", 1)[-1][:60] or "someone",
        domain=uri.split("/")[2],
        inbox_url=f"{uri}/inbox",
        key_id=f"{uri}#main-key",
        public_key_pem="unused",
        followers_url=f"{uri}/followers",
        fetched_at=datetime.now(UTC),
        document={"id": uri},
    )


async def _ingest(create: dict[str, Any], base_url: str) -> tuple[str, Any]:
    """("refused", error) for a 4xx, ("dropped", type) for a non-post, else ("stored", post)."""
    try:
        activity = parse_activity(create)
        check_created_object(activity)  # the inbox gate: a 400 to the sender, not a 202
        check_origin(activity, activity.actor)
        author = await _actor(activity.actor)
        inner = activity.object
        assert isinstance(inner, dict)
        for tag in _as_list(inner.get("tag")):
            href = tag.get("href") if isinstance(tag, dict) else None
            if tag.get("type") == "Mention" and isinstance(href, str) and href.startswith("http"):
                await _actor(href)
        post = await store_remote_post(inner, author, base_url, force=True)
    except FederationError as exc:
        return "refused", exc
    if post is None:
        return "dropped", inner.get("type")
    return "stored", post


def _as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _text(html: str) -> str:
    """What a reader sees of some HTML, independently of the server's own stripping."""
    return re.sub(r"\s+", " ", TAG.sub(" ", SCRIPT.sub("", html))).strip()


def _target(attachment: dict[str, Any]) -> tuple[str | None, str | None]:
    """The sender's link and media type, wherever they put them (url, a Link in url, href)."""
    url = attachment.get("url", attachment.get("href"))
    media_type = attachment.get("mediaType")
    if isinstance(url, list):
        url = url[0] if url else None
    if isinstance(url, dict):
        media_type = media_type or url.get("mediaType")
        url = url.get("href")
    return (url if isinstance(url, str) else None), media_type


def _check_rendering(sent: dict[str, Any], entity: dict[str, Any]) -> None:
    summary = sent.get("summary")
    if isinstance(summary, str) and _text(summary):
        assert entity["spoiler_text"], "a content warning went missing"
        assert not TAG.search(entity["spoiler_text"]), entity["spoiler_text"]
    media = {m["url"]: m for m in entity["media_attachments"]}
    assert all(m["url"] for m in entity["media_attachments"]), "media with url: null"
    for attachment in _as_list(sent.get("attachment")):
        if not isinstance(attachment, dict):
            continue
        url, media_type = _target(attachment)
        if url is None:
            continue
        major = (media_type or "").split("/")[0]
        kind = major if major in MEDIA_TYPES.values() else None
        if kind is None and not media_type:
            kind = MEDIA_TYPES.get(str(attachment.get("type")))
        if url.startswith(("http://", "https://")) and kind is not None:
            assert url in media, f"{url} is not shown"
            assert media[url]["type"] == kind, (url, media[url]["type"], kind)
        elif attachment.get("type") == "Link" or url.startswith("payto:"):
            assert url not in media, f"link {url} shown as media"
            assert f'href="{url}"' in entity["content"], f"link {url} is not in the text"
    ids = [m["id"] for m in entity["mentions"]]
    assert len(ids) == len(set(ids)), "a mention shows twice"
    names = [t["name"].lower() for t in entity["tags"]]
    assert len(names) == len(set(names)), "a hashtag shows twice"
    content = sent.get("content")
    if isinstance(content, str) and _text(content) and "<script" not in content:
        assert _text(entity["content"]), "the text went missing"


def test_both_collections_were_read() -> None:
    pasture = [n for n, _ in SHAPES if n.startswith("pasture/")]
    assert len(pasture) > 200 or not pasture, len(pasture)
    if not pasture:
        pytest.skip("fediverse-pasture-inputs is not installed (pip install -e '.[test]')")


@pytest.mark.parametrize("name", [n for n, _ in SHAPES])
async def test_inbound_shape_is_rendered_or_refused(app, settings, name: str) -> None:
    create = dict(SHAPES)[name]
    outcome, value = await _ingest(create, settings.base_url)
    if outcome == "refused":
        assert 400 <= value.status < 500 and value.reason, (name, value)
        return
    if outcome == "dropped":
        assert value in NOT_POSTS, f"{name}: a {value} was silently dropped"
        return
    async with app.app_context():
        entity = await status(value, None)
    _check_rendering(create["object"], entity)


# Each rule on its own, with shapes of our own: what the table above checks in bulk.
ACTOR = "https://peer.example/users/ana"
CASES = [
    # (the Note's extra fields, what the status must show, why)
    (
        {"summary": "<p>CW: <b>violence</b> &amp; threats</p>"},
        {"spoiler_text": "CW: violence & threats"},
        "a content warning is plain text: apps print spoiler_text as it is",
    ),
    (
        {"attachment": [{"type": "Image", "url": "https://peer.example/a"}]},
        {"media": [("image", "https://peer.example/a")]},
        "no mediaType: the AS type says Image",
    ),
    (
        {
            "attachment": [
                {
                    "type": "Document",
                    "url": {
                        "type": "Link",
                        "href": "https://peer.example/v",
                        "mediaType": "video/mp4",
                    },
                }
            ]
        },
        {"media": [("video", "https://peer.example/v")]},
        "the mediaType sits on the Link inside url (PeerTube-style)",
    ),
    (
        {"attachment": [{"type": "Document", "url": "https://peer.example/a.mp3"}]},
        {"media": [("audio", "https://peer.example/a.mp3")]},
        "no mediaType, a Document: the file name says audio",
    ),
    (
        {
            "attachment": [
                {
                    "type": "Document",
                    "url": "https://peer.example/r.pdf",
                    "mediaType": "application/pdf",
                }
            ]
        },
        {"media": [("unknown", "https://peer.example/r.pdf")]},
        "a file to download, as Mastodon's `unknown`",
    ),
    (
        {
            "attachment": [
                {"type": "Link", "name": "Donate", "href": "payto://iban/DE75512108001245126199"},
                {"type": "Link", "href": "https://ngo.example/report"},
            ]
        },
        {
            "media": [],
            "links": ["payto://iban/DE75512108001245126199", "https://ngo.example/report"],
        },
        "link attachments are links in the text, never media with url: null",
    ),
    (
        {"attachment": [{"type": "Image", "url": "data:image/png;base64,AAAA"}]},
        {"media": []},
        "a data: URL is not fetched nor shown",
    ),
    (
        {
            "tag": [
                {"type": "Mention", "href": "https://peer.example/users/bo", "name": "@bo"},
                {"type": "Mention", "href": "https://peer.example/users/bo", "name": "@bo@peer"},
                {"type": "Hashtag", "name": "#Rights", "href": "https://peer.example/t/r"},
                {"type": "Hashtag", "name": "#rights", "href": "https://peer.example/t/r"},
            ]
        },
        {"mentions": 1, "tags": ["Rights"]},
        "the same mention or hashtag listed twice shows once",
    ),
]


@pytest.mark.parametrize(("extra", "expected", "why"), CASES, ids=[c[2] for c in CASES])
async def test_rendering_rule(app, settings, extra: dict, expected: dict, why: str) -> None:
    note = {
        "type": "Note",
        "id": f"{ACTOR}/notes/{new_id()}",
        "attributedTo": ACTOR,
        "to": [PUBLIC],
        "content": "<p>text</p>",
        **extra,
    }
    outcome, post = await _ingest(
        {"id": f"{note['id']}/create", "type": "Create", "actor": ACTOR, "object": note},
        settings.base_url,
    )
    assert outcome == "stored", (why, post)
    async with app.app_context():
        entity = await status(post, None)
    if "spoiler_text" in expected:
        assert entity["spoiler_text"] == expected["spoiler_text"], why
    if "media" in expected:
        shown = [(m["type"], m["url"]) for m in entity["media_attachments"]]
        assert shown == expected["media"], why
    for link in expected.get("links", []):
        assert f'href="{link}"' in entity["content"], why
    if "mentions" in expected:
        assert len(entity["mentions"]) == expected["mentions"], why
    if "tags" in expected:
        assert [t["name"] for t in entity["tags"]] == expected["tags"], why


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"type": None}, "missing type"),
        ({"id": None}, "object has no id"),
        ({"content": ["a", "list"]}, "content must be a string"),
    ],
)
async def test_inbox_answers_why_it_refuses_a_created_object(
    app, client, changes: dict, reason: str
) -> None:
    """The sender hears why (400 with the reason) instead of a 202 followed by silence."""
    peer = await remote_peer()
    note = {
        "id": f"{peer.uri}/notes/1",
        "type": "Note",
        "attributedTo": peer.uri,
        "content": "<p>text</p>",
        "to": [PUBLIC],
        **changes,
    }
    create = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{peer.uri}/activities/1",
        "type": "Create",
        "actor": peer.uri,
        "to": [PUBLIC],
        "object": {k: v for k, v in note.items() if v is not None},
    }
    body = body_of(create)
    response = await client.post("/inbox", data=body, headers=peer.signed_headers("/inbox", body))
    assert response.status_code == 400
    assert reason in (await response.get_json())["error"]
