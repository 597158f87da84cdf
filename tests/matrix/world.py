"""The matrix's world: members, spaces and one object of each kind, each with its own canary.

Built once per engine through the core's actions and the API's own doors (uploads, feed
URLs, suspension, token revocation), so the state is the one a real instance would be in.
Every object carries a canary string unique to it; a viewer's response must never contain
the canary of an object the table hides from that viewer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from actors.accounts import create_member, create_space, join_space
from baraza.settings import Settings
from clientapi.tokens import issue_token
from outbox.actions import create_post
from outbox.lists import ListShape, add_accounts, create_list
from spaces.library import Upload, add_document
from spaces.moderation import remove_member
from spaces.talks import Talk, publish_talk
from storage.models import Actor, Follow, MediaAttachment, Notification, OAuthApp, Post
from tests.inbox.signed import remote_peer
from tests.matrix.expected import (
    NO_SPACE,
    PLACES,
    PRIVATE_SPACE,
    PUBLIC_SPACE,
    VISIBILITIES,
    Kind,
)

HOST = "testserver.example"
HASHTAG = "matrixtag"
FULL = "read write follow push"


def canary(label: str) -> str:
    return f"CANARY{label.upper().replace(' ', '').replace('-', '')}{uuid.uuid4().hex[:12]}"


@dataclass
class Thing:
    """One object of the world and what fills a URL from it."""

    key: str
    kind: Kind
    visibility: str
    place: str
    canaries: tuple[str, ...]
    space: Actor | None = None
    post_id: int | None = None
    author: str = "amina"
    post_uri: str | None = None
    doc_id: int | None = None
    version: int | None = None
    sha: str | None = None
    media_id: int | None = None
    poll: bool = False


@dataclass
class World:
    settings: Settings
    client: Any
    author: Actor
    public_space: Actor
    private_space: Actor
    people: dict[str, Actor]
    remote: Any  # tests.inbox.signed.RemotePeer
    tokens: dict[str, str | None]  # viewer name -> bearer token (None: no token)
    feeds: dict[str, str]  # viewer name -> secret Letter feed path it holds
    things: list[Thing] = field(default_factory=list)
    usernames: dict[str, str] = field(default_factory=dict)  # viewer name -> its member's name
    notification_ids: list[int] = field(default_factory=list)  # carla's, for by-id reads
    lists: dict[str, int] = field(default_factory=dict)  # member name -> a list of all they follow

    def space(self, place: str) -> Actor | None:
        return {NO_SPACE: None, PUBLIC_SPACE: self.public_space, PRIVATE_SPACE: self.private_space}[
            place
        ]

    def headers(self, viewer: str) -> dict[str, str]:
        token = self.tokens.get(viewer)
        return {"Authorization": f"Bearer {token}"} if token else {}

    @cached_property
    def routes(self) -> Any:
        """The app's URL map bound to its host: which endpoint a call reaches, to ask the
        scope table what that route lets a request without a token do."""
        return self.client.app.url_map.bind(HOST)

    def endpoint(self, method: str, path: str) -> str:
        endpoint, _ = self.routes.match(urlsplit(path).path, method=method)
        return str(endpoint)


def _pdf(text: str) -> bytes:
    return b"%PDF-1.4\n% " + text.encode() + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def _api(client: Any, method: str, path: str, token: str, **kw: Any) -> Any:
    response = await client.open(
        path, method=method, headers={"Authorization": f"Bearer {token}"}, **kw
    )
    body = await response.get_json(force=True, silent=True)
    assert response.status_code == 200, (path, response.status_code, body)
    return body


async def _upload_media(client: Any, token: str, label: str) -> tuple[str, MediaAttachment]:
    text = canary(label)
    from quart.datastructures import FileStorage

    upload = FileStorage(stream=__import__("io").BytesIO(_pdf(text)), filename="brief.pdf")
    entity = await _api(
        client,
        "POST",
        "/api/v2/media",
        token,
        files={"file": upload},
        form={"description": f"alt {text}"},
    )
    return text, await MediaAttachment.get(id=int(entity["id"]))


async def build_world(settings: Settings, client: Any) -> World:
    amina = await create_member(settings, "amina")
    people = {
        name: await create_member(settings, name, admin=name == "ada")
        for name in ("carla", "dario", "rosa", "sami", "ada")
    }
    people["amina"] = amina
    remote = await remote_peer(host="remote.example", name="rita")
    public_space = await create_space(
        settings, "agora", private=False, owner=amina, display_name=f"Agora {canary('pubspace')}"
    )
    private_name = f"cf_{uuid.uuid4().hex[:12]}"
    private_label = canary("privspace")
    private_space = await create_space(
        settings,
        private_name,
        private=True,
        owner=amina,
        display_name=f"Casefile {private_label}",
        summary=f"<p>{private_label}</p>",
    )
    for name in ("carla", "rosa", "sami"):
        for space in (public_space, private_space):
            await join_space(space, people[name])
    # rita's server follows the public space, and the private one as it would had the space
    # been public when she joined: a remote follower is still no member of a private space.
    await join_space(public_space, remote.actor)
    await Follow.create(follower=remote.actor, target=private_space, accepted=True)
    for follower in (people["carla"], people["sami"], remote.actor):
        await Follow.create(follower=follower, target=amina, accepted=True)

    tokens: dict[str, str | None] = {"anonymous": None, "remote signer": None}
    amina_token, _ = await issue_token(amina, FULL)
    for viewer, scopes in {
        "scope:profile": "profile",
        "scope:write:media": "write:media",
        "scope:read": "read",
        "scope:read write": "read write",
        "space member": FULL,
    }.items():
        tokens[viewer] = (await issue_token(people["carla"], scopes))[0]
    tokens["outsider"] = (await issue_token(people["dario"], FULL))[0]
    tokens["removed member"] = (await issue_token(people["rosa"], FULL))[0]
    tokens["suspended member"] = (await issue_token(people["sami"], FULL))[0]
    tokens["admin"] = (await issue_token(people["ada"], f"{FULL} admin:read admin:write"))[0]

    world = World(
        settings=settings,
        client=client,
        author=amina,
        public_space=public_space,
        private_space=private_space,
        people=people,
        remote=remote,
        tokens=tokens,
        feeds={},
    )
    world.things.append(
        Thing("space@public", Kind.SPACE, "public", PUBLIC_SPACE, (), space=public_space)
    )
    world.things.append(
        Thing(
            "space@private",
            Kind.SPACE,
            "public",
            PRIVATE_SPACE,
            (private_label, private_name),
            space=private_space,
        )
    )
    public_space_label = public_space.display_name.split()[-1]
    world.things[0].canaries = (public_space_label,)

    # Posts of every visibility in every place; media on some, a poll on some.
    media_on = {("public", NO_SPACE), ("private", NO_SPACE), ("public", PRIVATE_SPACE)}
    polls_on = {("public", NO_SPACE), ("public", PRIVATE_SPACE), ("direct", PRIVATE_SPACE)}
    hashtag = [{"type": "Hashtag", "name": f"#{HASHTAG}", "href": settings.url(f"/tags/{HASHTAG}")}]
    for place in PLACES:
        for visibility in VISIBILITIES:
            key = f"post:{visibility}@{place}"
            text = canary(f"{visibility}{place.split()[0]}")
            attachments, media = [], None
            if (visibility, place) in media_on:
                media_text, media = await _upload_media(client, amina_token, "media")
                attachments = [
                    {
                        "type": "Document",
                        "mediaType": media.content_type,
                        "url": settings.url(f"/media/{media.sha256}"),
                        "name": media.description,
                    }
                ]
            poll = None
            if (visibility, place) in polls_on:
                now = datetime.now(UTC)
                poll = {
                    "options": [{"title": f"yes {text}", "votes": 0}, {"title": "no", "votes": 0}],
                    "multiple": False,
                    "hide_totals": False,
                    "expires_at": now.replace(year=now.year + 1).isoformat(),
                    "voters": [],
                }
            post = await create_post(
                settings,
                amina,
                f"<p>{text} #{HASHTAG}</p>",
                visibility=visibility,
                mentions=[people["carla"], people["sami"]] if visibility == "direct" else None,
                space=world.space(place),
                tags=hashtag,
                attachments=attachments,
                poll=poll,
            )
            world.things.append(
                Thing(
                    key,
                    Kind.POST,
                    visibility,
                    place,
                    (text,),
                    space=world.space(place),
                    post_id=post.id,
                    post_uri=post.uri,
                    poll=poll is not None,
                )
            )
            if media is not None:
                await MediaAttachment.filter(id=media.id).update(post_id=post.id)
                for kind in (Kind.MEDIA, Kind.MEDIA_RECORD):
                    world.things.append(
                        Thing(
                            f"{kind.value}:{visibility}@{place}",
                            kind,
                            visibility,
                            place,
                            # The file's canary is also in its post; the record is judged by
                            # its answer alone (owner only), not by a canary of its own.
                            (media_text,) if kind is Kind.MEDIA else (),
                            space=world.space(place),
                            post_id=post.id,
                            sha=media.sha256,
                            media_id=media.id,
                        )
                    )

    # A member's reply inside the private space to the author's public post: the public
    # post's thread must not carry it to anyone outside the space.
    parent = next(t for t in world.things if t.key == f"post:public@{NO_SPACE}")
    reply_text = canary("privatereply")
    reply = await create_post(
        settings,
        people["carla"],
        f"<p>{reply_text}</p>",
        in_reply_to=await Post.get(id=parent.post_id),
        space=private_space,
    )
    world.things.append(
        Thing(
            f"reply@{PRIVATE_SPACE}",
            Kind.POST,
            "public",
            PRIVATE_SPACE,
            (reply_text,),
            space=private_space,
            post_id=reply.id,
            post_uri=reply.uri,
            author="carla",
        )
    )

    # Library documents with two versions, Talks and the co-edited documents, in both spaces.
    for place in (PUBLIC_SPACE, PRIVATE_SPACE):
        space = world.space(place)
        assert space is not None
        where = place.split()[0]
        title, first, second = canary(f"doc{where}"), canary(f"v1{where}"), canary(f"v2{where}")
        document, _ = await add_document(
            settings, amina, space, Upload(f"draft {first}\n".encode(), "notes.txt", title)
        )
        await add_document(
            settings,
            amina,
            space,
            Upload(f"final {second}\n".encode(), "notes.txt"),
            document_id=document.id,
        )
        world.things.append(
            Thing(
                f"document@{place}",
                Kind.DOCUMENT,
                "public",
                place,
                (title,),
                space=space,
                doc_id=document.id,
            )
        )
        for number, text in ((1, first), (2, second)):
            world.things.append(
                Thing(
                    f"version{number}@{place}",
                    Kind.VERSION,
                    "public",
                    place,
                    (text,),
                    space=space,
                    doc_id=document.id,
                    version=number,
                )
            )
        world.things.append(
            Thing(
                f"co-edit@{place}",
                Kind.COEDIT,
                "public",
                place,
                (second,),
                space=space,
                doc_id=document.id,
            )
        )
        talk_text = canary(f"talk{where}")
        talk = await publish_talk(
            settings,
            amina,
            space,
            Talk(
                name=f"Talk {talk_text}",
                content=f"Agenda {talk_text}",
                start=datetime(2030, 5, 1, 10, tzinfo=UTC),
                end=datetime(2030, 5, 1, 11, tzinfo=UTC),
                location=f"https://meet.example/{talk_text}",
            ),
        )
        world.things.append(
            Thing(
                f"talk@{place}",
                Kind.TALK,
                "public",
                place,
                (talk_text,),
                space=space,
                post_id=talk.id,
                post_uri=talk.uri,
            )
        )

    # Secret Letter feed URLs, issued through the door while each holder was still a member.
    async def feed(token: str) -> str:
        body = await _api(client, "POST", f"/api/v1/spaces/{private_space.id}/letter_feed", token)
        return str(body["url"]).removeprefix(settings.url(""))

    revoked_feed = await feed(tokens["space member"] or "")
    await _api(
        client,
        "POST",
        f"/api/v1/spaces/{private_space.id}/letter_feed/revoke",
        tokens["space member"] or "",
    )
    world.feeds = {
        "revoked token": revoked_feed,
        "space member": await feed(tokens["space member"] or ""),
        "removed member": await feed(tokens["removed member"] or ""),
        "suspended member": await feed(tokens["suspended member"] or ""),
    }

    # Then the changes: rosa removed from both spaces, sami suspended, one of carla's tokens
    # revoked; each through the door an operator or moderator would use.
    for space in (public_space, private_space):
        await remove_member(settings, amina, space, people["rosa"])
    await _api(
        client,
        "POST",
        f"/api/v1/admin/accounts/{people['sami'].id}/action",
        tokens["admin"] or "",
        form={"type": "suspend", "text": "matrix"},
    )
    app = await _api(
        client,
        "POST",
        "/api/v1/apps",
        amina_token,
        form={
            "client_name": "matrix",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": FULL,
        },
    )
    oauth_app = await OAuthApp.get(client_id=app["client_id"])
    revoked, _ = await issue_token(people["carla"], FULL, app=oauth_app)
    await _api(
        client,
        "POST",
        "/oauth/revoke",
        amina_token,
        form={
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "token": revoked,
        },
    )
    tokens["revoked token"] = revoked
    world.tokens["amina"] = amina_token
    world.usernames = {
        **{v: "carla" for v in ("scope:profile", "scope:write:media", "scope:read")},
        **{v: "carla" for v in ("scope:read write", "space member", "revoked token")},
        "outsider": "dario",
        "removed member": "rosa",
        "suspended member": "sami",
        "admin": "ada",
    }
    world.notification_ids = list(
        await Notification.filter(recipient=people["carla"]).values_list("id", flat=True)
    )
    assert world.notification_ids, "the direct posts mention carla: she has notifications"
    # Each member's list of everyone they follow: its timeline is read like home.
    for name in {*world.usernames.values(), "amina"}:
        member = people.get(name) or amina
        followed = await Follow.filter(follower=member, accepted=True).values_list(
            "target_id", flat=True
        )
        member_list = await create_list(member, ListShape("everyone", "followed", False))
        if followed:
            await add_accounts(member_list, member, followed)
        world.lists[name] = member_list.id
    return world
