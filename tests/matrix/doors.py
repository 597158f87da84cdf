"""Every route of the app, classified: which object kind it reads and how its URL is filled.

`ROUTES` has one row per (rule, method) of `app.url_map`; a route missing here fails
`test_every_route_has_a_row`, so a new route must be classified before it ships. A row is one
or more `Door`s:

- reads a kind of object: `fill(world, thing, viewer)` gives the requests for one object
  (none when the object does not fit, e.g. a post door and a post outside any space);
- reads no single object (a list, a timeline, a count, a page about the caller): `reads` is
  empty and `fill(world, None, viewer)` gives the requests; its answers are still checked for
  every canary the viewer may not see;
- not exercised (`fill` is None): `why` says why it cannot show an object (it creates
  accounts, signs in, takes files...). The sockets and the secret feed are rows too:
  `driven_by` names the test in `test_matrix` that drives them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.matrix.expected import Kind
from tests.matrix.world import HASHTAG, HOST, Thing, World

AS2 = "application/activity+json"
HTML = "text/html"


@dataclass(frozen=True)
class Call:
    path: str
    method: str = "GET"
    accept: str | None = None
    form: dict[str, Any] | None = None
    json: dict[str, Any] | None = None


Fill = Callable[[World, Thing | None, str], list[Call]]


@dataclass(frozen=True)
class Door:
    reads: frozenset[Kind] = frozenset()
    fill: Fill | None = None
    signed: bool = False  # honours HTTP signatures: the remote signer is itself, not anonymous
    shows: bool = True  # a visible answer carries the object's canary
    as_anonymous: bool = False  # answers as an anonymous reader whoever asks
    write: bool = False  # a state change: exercised only where the object is hidden
    driven_by: str = ""  # a socket or the secret feed: the test in test_matrix that drives it
    listing: bool = False  # a list filtered per viewer: hidden means absent, not refused
    why: str = ""


POSTS = frozenset({Kind.POST, Kind.TALK})
SPACES = frozenset({Kind.SPACE})
NOT_OBJECT = "reads no object"


def _path(uri: str | None) -> str:
    assert uri is not None
    return uri.removeprefix(f"https://{HOST}")


def post(template: str, **call: Any) -> Fill:
    """A post door: `{id}` is the post's id, `{author}` its author's name."""

    def fill(world: World, thing: Thing | None, viewer: str) -> list[Call]:
        assert thing is not None
        return [Call(template.format(id=thing.post_id, author=thing.author), **call)]

    return fill


def space(*templates: str, **call: Any) -> Fill:
    """A space door: `{id}` its id, `{name}` its name."""

    def fill(world: World, thing: Thing | None, viewer: str) -> list[Call]:
        assert thing is not None and thing.space is not None
        s = thing.space
        return [Call(t.format(id=s.id, name=s.username), **call) for t in templates]

    return fill


def in_space(template: str, **call: Any) -> Fill:
    """A door under the object's space: `{space}` the space id, `{id}` the post id,
    `{doc}` the document id, `{version}` its version."""

    def fill(world: World, thing: Thing | None, viewer: str) -> list[Call]:
        assert thing is not None
        if thing.space is None:
            return []
        return [
            Call(
                template.format(
                    space=thing.space.id, id=thing.post_id, doc=thing.doc_id, version=thing.version
                ),
                **call,
            )
        ]

    return fill


def fixed(*paths: str, **call: Any) -> Fill:
    def fill(world: World, thing: Thing | None, viewer: str) -> list[Call]:
        return [Call(p, **call) for p in paths]

    return fill


def console_spaces(world: World, thing: Thing | None, viewer: str) -> list[Call]:
    """The admin console's page of each space, the private one too (admins only)."""
    return [
        Call(f"/admin/spaces/{space.id}", accept=HTML)
        for space in (world.public_space, world.private_space)
    ]


def as2_post(suffix: str = "", accept: str = AS2) -> Fill:
    def fill(world: World, thing: Thing | None, viewer: str) -> list[Call]:
        assert thing is not None
        return [Call(_path(thing.post_uri) + suffix, accept=accept)]

    return fill


def people_lists(world: World, thing: Thing | None, viewer: str) -> list[Call]:
    """Members' collections and account lists: they must not name a private space."""
    carla, amina = world.people["carla"], world.people["amina"]
    calls = [
        Call(f"/api/v1/accounts/{p.id}/{which}")
        for p in (carla, amina)
        for which in ("following", "followers")
    ]
    return calls


def author_statuses(world: World, thing: Thing | None, viewer: str) -> list[Call]:
    return [Call(f"/api/v1/accounts/{world.author.id}/statuses?limit=40")]


def notification_ids(world: World, thing: Thing | None, viewer: str) -> list[Call]:
    return [Call(f"/api/v1/notifications/{n}") for n in world.notification_ids]


def own_list(template: str) -> Fill:
    """The viewer's member's list of everyone they follow (carla's for a tokenless viewer)."""

    def fill(world: World, thing: Thing | None, viewer: str) -> list[Call]:
        list_id = world.lists[world.usernames.get(viewer, "carla")]
        return [Call(template.format(id=list_id) + "?limit=40")]

    return fill


def own_outbox(activity: str) -> Fill:
    """C2S: the viewer's own outbox (an outsider's when anonymous), acting on the post."""

    def fill(world: World, thing: Thing | None, viewer: str) -> list[Call]:
        assert thing is not None
        name = world.usernames.get(viewer, "dario")
        return [
            Call(
                f"/users/{name}/outbox",
                method="POST",
                json={
                    "@context": "https://www.w3.org/ns/activitystreams",
                    "type": activity,
                    "object": thing.post_uri,
                },
            )
        ]

    return fill


def media_file(world: World, thing: Thing | None, viewer: str) -> list[Call]:
    assert thing is not None
    return [Call(f"/media/{thing.sha}")]


def media_record(method: str) -> Fill:
    def fill(world: World, thing: Thing | None, viewer: str) -> list[Call]:
        assert thing is not None
        form = {"description": "changed"} if method == "PUT" else None
        return [Call(f"/api/v1/media/{thing.media_id}", method=method, form=form)]

    return fill


def poll(world: World, thing: Thing | None, viewer: str) -> list[Call]:
    assert thing is not None
    return [Call(f"/api/v1/polls/{thing.post_id}")] if thing.poll else []


def vote(world: World, thing: Thing | None, viewer: str) -> list[Call]:
    assert thing is not None
    if not thing.poll:
        return []
    return [Call(f"/api/v1/polls/{thing.post_id}/votes", method="POST", json={"choices": [0]})]


def document_list(world: World, thing: Thing | None, viewer: str) -> list[Call]:
    assert thing is not None and thing.space is not None
    return [Call(f"/api/v1/spaces/{thing.space.id}/documents")]


def document(template: str, **call: Any) -> Fill:
    def fill(world: World, thing: Thing | None, viewer: str) -> list[Call]:
        assert thing is not None and thing.space is not None
        return [Call(template.format(space=thing.space.id, doc=thing.doc_id), **call)]

    return fill


def version_export(world: World, thing: Thing | None, viewer: str) -> list[Call]:
    assert thing is not None and thing.space is not None
    base = f"/api/v1/spaces/{thing.space.id}/documents/{thing.doc_id}/export"
    return [Call(f"{base}?format=docx&version={thing.version}")]


def version_download(world: World, thing: Thing | None, viewer: str) -> list[Call]:
    assert thing is not None and thing.space is not None
    base = f"/api/v1/spaces/{thing.space.id}/documents/{thing.doc_id}/download"
    return [Call(f"{base}?version={thing.version}")] + ([Call(base)] if thing.version == 2 else [])


def talk_list(world: World, thing: Thing | None, viewer: str) -> list[Call]:
    assert thing is not None and thing.space is not None
    return [Call(f"/api/v1/spaces/{thing.space.id}/events")]


def talk(template: str, **call: Any) -> Fill:
    def fill(world: World, thing: Thing | None, viewer: str) -> list[Call]:
        assert thing is not None and thing.space is not None
        return [Call(template.format(space=thing.space.id, id=thing.post_id), **call)]

    return fill


def reply_to(world: World, thing: Thing | None, viewer: str) -> list[Call]:
    assert thing is not None
    return [
        Call(
            "/api/v1/statuses",
            method="POST",
            json={"status": "a reply", "in_reply_to_id": str(thing.post_id)},
        )
    ]


def report(world: World, thing: Thing | None, viewer: str) -> list[Call]:
    assert thing is not None
    return [
        Call(
            "/api/v1/reports",
            method="POST",
            json={"account_id": str(world.author.id), "status_ids": [str(thing.post_id)]},
        )
    ]


def member_action(world: World, thing: Thing | None, viewer: str) -> list[Call]:
    assert thing is not None and thing.space is not None
    carla = world.people["carla"].id
    return [Call(f"/api/v1/spaces/{thing.space.id}/members/{carla}/remove", method="POST")]


def request_action(action: str) -> Fill:
    def fill(world: World, thing: Thing | None, viewer: str) -> list[Call]:
        assert thing is not None and thing.space is not None
        dario = world.people["dario"].id
        path = f"/api/v1/spaces/{thing.space.id}/requests/{dario}/{action}"
        return [Call(path, method="POST")]

    return fill


def search_uris(world: World, thing: Thing | None, viewer: str) -> list[Call]:
    """Search by a post's own URL: found only where the viewer may see it."""
    from urllib.parse import quote

    return [
        Call(f"/api/v2/search?q={quote(t.post_uri)}&resolve=true")
        for t in world.things
        if t.post_uri and t.kind in POSTS
    ]


def relationships(world: World, thing: Thing | None, viewer: str) -> list[Call]:
    ids = "&".join(f"id[]={s.id}" for s in (world.public_space, world.private_space))
    return [Call(f"/api/v1/accounts/relationships?{ids}")]


def webfinger(world: World, thing: Thing | None, viewer: str) -> list[Call]:
    assert thing is not None and thing.space is not None
    from urllib.parse import quote

    s = thing.space
    return [
        Call(f"/.well-known/webfinger?resource=acct:{s.username}@{HOST}"),
        Call(f"/.well-known/webfinger?resource={quote(s.uri)}"),
    ]


def timelines(world: World, thing: Thing | None, viewer: str) -> list[Call]:
    return [
        Call("/api/v1/timelines/home?limit=40"),
        Call("/api/v1/timelines/public?limit=40"),
        Call("/api/v1/timelines/public?local=true&limit=40"),
    ]


def searches(world: World, thing: Thing | None, viewer: str) -> list[Call]:
    return [
        Call(f"/api/v2/search?q={HASHTAG}"),
        Call("/api/v2/search?q=Casefile"),
        Call("/api/v2/search?q=cf_&type=accounts"),
        Call(f"/api/v2/search?q=%23{HASHTAG}&type=hashtags"),
    ]


W = {"write": True}
# The web app's spaces pages: the session is their only viewer (see their rows).
WEB: dict[str, Any] = {"as_anonymous": True, "listing": True, "shows": False}

ROUTES: dict[tuple[str, str], tuple[Door, ...]] = {
    # --- pages, discovery and metadata: no object, but the answers are checked all the same
    ("/", "GET"): (Door(fill=fixed("/", accept=HTML)),),
    ("/.well-known/host-meta", "GET"): (Door(fill=fixed("/.well-known/host-meta")),),
    ("/.well-known/host-meta.json", "GET"): (Door(fill=fixed("/.well-known/host-meta.json")),),
    ("/.well-known/nodeinfo", "GET"): (Door(fill=fixed("/.well-known/nodeinfo")),),
    ("/.well-known/oauth-authorization-server", "GET"): (
        Door(fill=fixed("/.well-known/oauth-authorization-server")),
    ),
    ("/.well-known/webfinger", "GET"): (Door(SPACES, webfinger, signed=True, shows=False),),
    ("/nodeinfo/<any('2.0', '2.1'):version>", "GET"): (
        Door(fill=fixed("/nodeinfo/2.0", "/nodeinfo/2.1")),
    ),
    ("/actor", "GET"): (Door(fill=fixed("/actor", accept=AS2)),),
    ("/actor/<any(followers, following, outbox):which>", "GET"): (
        Door(fill=fixed("/actor/outbox", "/actor/followers?page=1", accept=AS2)),
    ),
    ("/actor/inbox", "POST"): (Door(why="server-to-server writes: tests/inbox"),),
    ("/metrics", "GET"): (Door(fill=fixed("/metrics")),),
    ("/static/<path:filename>", "GET"): (Door(why="the app's own files: " + NOT_OBJECT),),
    # --- actors and their collections (AS2 and HTML)
    ("/users/<name>", "GET"): (
        Door(fill=fixed("/users/amina", "/users/carla", accept=AS2), signed=True),
    ),
    ("/spaces/<name>", "GET"): (
        Door(SPACES, space("/spaces/{name}", accept=AS2), signed=True),
        Door(SPACES, space("/spaces/{name}", accept=HTML), signed=True),
    ),
    ("/@<name>", "GET"): (
        Door(SPACES, space("/@{name}", accept=HTML), signed=True),
        Door(fill=fixed("/@amina", "/@carla", accept=HTML), signed=True),
    ),
    ("/<any(users, spaces):prefix>/<name>/<any(followers, following, outbox):which>", "GET"): (
        Door(
            SPACES,
            space(
                "/spaces/{name}/followers",
                "/spaces/{name}/followers?page=1",
                "/spaces/{name}/outbox",
                "/spaces/{name}/outbox?page=1",
                accept=AS2,
            ),
            signed=True,
            shows=False,
        ),
        Door(
            fill=fixed(
                *(
                    f"/users/{n}/{w}{p}"
                    for n in ("carla", "amina")
                    for w in ("following", "followers", "outbox")
                    for p in ("", "?page=1")
                ),
                accept=AS2,
            ),
            signed=True,
        ),
    ),
    ("/users/<name>/collections/featured", "GET"): (
        Door(
            fill=fixed(
                "/users/amina/collections/featured", "/users/carla/collections/featured", accept=AS2
            ),
            signed=True,
        ),
    ),
    ("/spaces/<name>/moderators", "GET"): (
        Door(SPACES, space("/spaces/{name}/moderators", accept=AS2), signed=True, shows=False),
    ),
    ("/<any(users, spaces):prefix>/<name>/inbox", "POST"): (
        Door(why="server-to-server writes: tests/inbox"),
    ),
    ("/inbox", "POST"): (Door(why="server-to-server writes: tests/inbox"),),
    # --- posts as AS2 and HTML
    ("/users/<name>/statuses/<int:post_id>", "GET"): (
        Door(POSTS, as2_post(), signed=True),
        Door(POSTS, as2_post(accept=HTML), signed=True),
    ),
    ("/users/<name>/statuses/<int:post_id>/activity", "GET"): (
        Door(POSTS, as2_post("/activity"), signed=True),
    ),
    ("/@<name>/<int:post_id>", "GET"): (
        Door(POSTS, post("/@{author}/{id}", accept=HTML), signed=True),
        Door(POSTS, post("/@{author}/{id}", accept=AS2), signed=True),
    ),
    ("/tags/<name>", "GET"): (
        Door(fill=fixed(f"/tags/{HASHTAG}", accept=HTML), listing=True),
        Door(fill=fixed(f"/tags/{HASHTAG}", accept=AS2), listing=True),
    ),
    ("/activities/<int:activity_id>", "GET"): (
        Door(
            why="an activity's id is made at random when it is sent; tests/outbox/"
            "test_dereference.py walks every one as followers, strangers and anonymous readers, "
            "and finds those touching a private space 404 to everyone, members included"
        ),
    ),
    ("/users/<name>/outbox", "POST"): (
        Door(POSTS, own_outbox("Like"), **W),
        Door(POSTS, own_outbox("Announce"), **W),
    ),
    # --- the Mastodon API: accounts
    ("/api/v1/accounts/<account_id>", "GET"): (Door(SPACES, space("/api/v1/accounts/{id}")),),
    ("/api/v1/accounts/<account_id>/statuses", "GET"): (
        Door(SPACES, space("/api/v1/accounts/{id}/statuses"), shows=False),
        Door(fill=author_statuses),
    ),
    ("/api/v1/accounts/<account_id>/followers", "GET"): (
        Door(SPACES, space("/api/v1/accounts/{id}/followers"), shows=False),
        Door(fill=people_lists),
    ),
    ("/api/v1/accounts/<account_id>/following", "GET"): (
        Door(SPACES, space("/api/v1/accounts/{id}/following"), shows=False),
        Door(fill=people_lists),
    ),
    ("/api/v1/accounts/lookup", "GET"): (
        Door(SPACES, space("/api/v1/accounts/lookup?acct={name}")),
    ),
    ("/api/v1/accounts/relationships", "GET"): (Door(fill=relationships),),
    ("/api/v1/accounts/search", "GET"): (
        Door(fill=fixed("/api/v1/accounts/search?q=cf_", "/api/v1/accounts/search?q=Casefile")),
    ),
    ("/api/v1/accounts/verify_credentials", "GET"): (
        Door(fill=fixed("/api/v1/accounts/verify_credentials")),
    ),
    ("/api/v1/accounts/update_credentials", "PATCH"): (Door(why="edits the caller's profile"),),
    ("/api/v1/accounts/update_credentials", "POST"): (Door(why="edits the caller's profile"),),
    **{
        (f"/api/v1/accounts/<account_id>/{action}", "POST"): (
            Door(SPACES, space(f"/api/v1/accounts/{{id}}/{action}", method="POST"), **W),
        )
        for action in ("follow", "unfollow", "block", "unblock", "mute", "unmute")
    },
    ("/api/v1/accounts", "GET"): (Door(SPACES, space("/api/v1/accounts?id[]={id}"), listing=True),),
    ("/api/v1/accounts/familiar_followers", "GET"): (
        # Names the account by id only: it must answer, and show nothing it may not.
        Door(
            SPACES,
            space("/api/v1/accounts/familiar_followers?id[]={id}"),
            listing=True,
            shows=False,
        ),
    ),
    ("/api/v1/blocks", "GET"): (Door(fill=fixed("/api/v1/blocks")),),
    ("/api/v1/mutes", "GET"): (Door(fill=fixed("/api/v1/mutes")),),
    ("/api/v1/domain_blocks", "GET"): (Door(fill=fixed("/api/v1/domain_blocks")),),
    ("/api/v1/domain_blocks", "POST"): (Door(why="the caller's own domain blocks: " + NOT_OBJECT),),
    ("/api/v1/domain_blocks", "DELETE"): (
        Door(why="the caller's own domain blocks: " + NOT_OBJECT),
    ),
    ("/api/v1/tags/<name>", "GET"): (Door(fill=fixed(f"/api/v1/tags/{HASHTAG}")),),
    ("/api/v1/tags/<name>/follow", "POST"): (
        Door(why="the caller's own followed tags: " + NOT_OBJECT),
    ),
    ("/api/v1/tags/<name>/unfollow", "POST"): (
        Door(why="the caller's own followed tags: " + NOT_OBJECT),
    ),
    ("/api/v1/follow_requests", "GET"): (Door(fill=fixed("/api/v1/follow_requests")),),
    ("/api/v1/follow_requests/<account_id>/authorize", "POST"): (
        Door(why="answers the caller's own follow requests: " + NOT_OBJECT),
    ),
    ("/api/v1/follow_requests/<account_id>/reject", "POST"): (
        Door(why="answers the caller's own follow requests: " + NOT_OBJECT),
    ),
    # --- statuses
    ("/api/v1/statuses", "POST"): (Door(POSTS, reply_to, **W),),
    ("/api/v1/statuses/<status_id>", "GET"): (Door(POSTS, post("/api/v1/statuses/{id}")),),
    ("/api/v1/statuses/<status_id>", "PUT"): (
        Door(POSTS, post("/api/v1/statuses/{id}", method="PUT", json={"status": "edited"}), **W),
    ),
    ("/api/v1/statuses/<status_id>", "DELETE"): (
        Door(POSTS, post("/api/v1/statuses/{id}", method="DELETE"), **W),
    ),
    ("/api/v1/statuses/<status_id>/context", "GET"): (
        Door(POSTS, post("/api/v1/statuses/{id}/context"), shows=False),
    ),
    ("/api/v1/statuses/<status_id>/history", "GET"): (
        Door(POSTS, post("/api/v1/statuses/{id}/history")),
    ),
    ("/api/v1/statuses/<status_id>/source", "GET"): (
        Door(POSTS, post("/api/v1/statuses/{id}/source"), shows=False),
    ),
    ("/api/v1/statuses/<status_id>/favourited_by", "GET"): (
        Door(POSTS, post("/api/v1/statuses/{id}/favourited_by"), shows=False),
    ),
    ("/api/v1/statuses/<status_id>/reblogged_by", "GET"): (
        Door(POSTS, post("/api/v1/statuses/{id}/reblogged_by"), shows=False),
    ),
    **{
        (f"/api/v1/statuses/<status_id>/{action}", "POST"): (
            Door(POSTS, post(f"/api/v1/statuses/{{id}}/{action}", method="POST"), **W),
        )
        for action in (
            "bookmark",
            "unbookmark",
            "favourite",
            "unfavourite",
            "reblog",
            "unreblog",
            "translate",
        )
    },
    ("/api/v1/polls/<poll_id>", "GET"): (Door(POSTS, poll),),
    ("/api/v1/polls/<poll_id>/votes", "POST"): (Door(POSTS, vote, **W),),
    ("/api/v1/reports", "POST"): (Door(POSTS, report, **W),),
    **{
        (f"/api/v1/statuses/<status_id>/{action}", "POST"): (
            Door(POSTS, post(f"/api/v1/statuses/{{id}}/{action}", method="POST"), **W),
        )
        for action in ("pin", "unpin", "mute", "unmute")
    },
    ("/api/v1/statuses", "GET"): (
        Door(POSTS, post("/api/v1/statuses?id[]={id}&id[]=1"), listing=True),
    ),
    ("/api/v1/scheduled_statuses", "GET"): (Door(fill=fixed("/api/v1/scheduled_statuses")),),
    **{
        ("/api/v1/scheduled_statuses/<scheduled_id>", method): (
            Door(why="the caller's own scheduled posts: " + NOT_OBJECT),
        )
        for method in ("GET", "PUT", "DELETE")
    },
    ("/api/v1/conversations", "GET"): (Door(fill=fixed("/api/v1/conversations?limit=40")),),
    ("/api/v1/conversations/", "GET"): (Door(fill=fixed("/api/v1/conversations/?limit=40")),),
    ("/api/v1/conversations/<conversation_id>/read", "POST"): (
        Door(why="the caller's own conversations: " + NOT_OBJECT),
    ),
    ("/api/v1/conversations/<conversation_id>", "DELETE"): (
        Door(why="the caller's own conversations: " + NOT_OBJECT),
    ),
    ("/api/v1/bookmarks", "GET"): (Door(fill=fixed("/api/v1/bookmarks")),),
    ("/api/v1/favourites", "GET"): (Door(fill=fixed("/api/v1/favourites")),),
    # --- timelines, search, notifications
    ("/api/v1/timelines/home", "GET"): (Door(fill=timelines),),
    ("/api/v1/timelines/public", "GET"): (Door(fill=timelines),),
    ("/api/v1/timelines/tag/<hashtag>", "GET"): (
        Door(fill=fixed(f"/api/v1/timelines/tag/{HASHTAG}?limit=40")),
    ),
    ("/api/v2/search", "GET"): (Door(fill=searches), Door(fill=search_uris)),
    ("/api/v1/notifications", "GET"): (Door(fill=fixed("/api/v1/notifications?limit=40")),),
    ("/api/v1/notifications/<notification_id>", "GET"): (Door(fill=notification_ids),),
    ("/api/v1/notifications/<notification_id>/dismiss", "POST"): (
        Door(why="dismisses the caller's own notification: " + NOT_OBJECT),
    ),
    ("/api/v1/notifications/clear", "POST"): (
        Door(why="clears the caller's own notifications: " + NOT_OBJECT),
    ),
    **{
        (path, "GET"): (Door(fill=fixed(path)),)
        for path in (
            "/api/v2/notifications",
            "/api/v2/notifications/unread_count",
            "/api/v1/notifications/unread_count",
            "/api/v2/notifications/policy",
            "/api/v1/notifications/policy",
            "/api/v1/notifications/requests",
            "/api/v1/notifications/requests/merged",
        )
    },
    **{
        key: (Door(why="the caller's own notification group, request or policy: " + NOT_OBJECT),)
        for key in (
            ("/api/v2/notifications/<group_key_>", "GET"),
            ("/api/v2/notifications/<group_key_>/accounts", "GET"),
            ("/api/v2/notifications/<group_key_>/dismiss", "POST"),
            ("/api/v2/notifications/policy", "PATCH"),
            ("/api/v1/notifications/policy", "PATCH"),
            ("/api/v1/notifications/requests/<request_id>", "GET"),
            ("/api/v1/notifications/requests/<request_id>/accept", "POST"),
            ("/api/v1/notifications/requests/<request_id>/dismiss", "POST"),
            ("/api/v1/notifications/requests/accept", "POST"),
            ("/api/v1/notifications/requests/dismiss", "POST"),
        )
    },
    # --- lists and filters: the caller's own records, by id
    **{
        key: (Door(why="the caller's own list or filter: " + NOT_OBJECT),)
        for key in (
            ("/api/v1/lists", "POST"),
            ("/api/v1/lists/<list_id>", "GET"),
            ("/api/v1/lists/<list_id>", "PUT"),
            ("/api/v1/lists/<list_id>", "DELETE"),
            ("/api/v1/lists/<list_id>/accounts", "POST"),
            ("/api/v1/lists/<list_id>/accounts", "DELETE"),
            ("/api/v1/accounts/<account_id>/lists", "GET"),
            ("/api/v2/filters", "POST"),
            ("/api/v1/filters", "POST"),
            ("/api/v1/filters/<filter_id>", "GET"),
            ("/api/v1/filters/<filter_id>", "PUT"),
            ("/api/v1/filters/<filter_id>", "DELETE"),
            ("/api/v2/filters/<filter_id>", "GET"),
            ("/api/v2/filters/<filter_id>", "PUT"),
            ("/api/v2/filters/<filter_id>", "DELETE"),
            ("/api/v2/filters/<filter_id>/keywords", "GET"),
            ("/api/v2/filters/<filter_id>/keywords", "POST"),
            ("/api/v2/filters/keywords/<keyword_id>", "GET"),
            ("/api/v2/filters/keywords/<keyword_id>", "PUT"),
            ("/api/v2/filters/keywords/<keyword_id>", "DELETE"),
            ("/api/v2/filters/<filter_id>/statuses", "GET"),
            ("/api/v2/filters/<filter_id>/statuses", "POST"),
            ("/api/v2/filters/statuses/<status_filter_id>", "GET"),
            ("/api/v2/filters/statuses/<status_filter_id>", "DELETE"),
        )
    },
    ("/api/v1/timelines/list/<list_id>", "GET"): (
        Door(fill=own_list("/api/v1/timelines/list/{id}")),
    ),
    ("/api/v1/lists/<list_id>/accounts", "GET"): (
        Door(fill=own_list("/api/v1/lists/{id}/accounts")),
    ),
    # --- Web Push: the caller's own subscription, on its own token
    ("/api/v1/push/subscription", "GET"): (Door(fill=fixed("/api/v1/push/subscription")),),
    ("/api/v1/push/subscription", "POST"): (
        Door(why="subscribes the caller's token to Web Push: " + NOT_OBJECT),
    ),
    ("/api/v1/push/subscription", "PUT"): (
        Door(why="changes the caller's own push alerts: " + NOT_OBJECT),
    ),
    ("/api/v1/push/subscription", "DELETE"): (
        Door(why="ends the caller's own push subscription: " + NOT_OBJECT),
    ),
    # --- media
    ("/api/v1/media", "POST"): (Door(why="uploads a new file: " + NOT_OBJECT),),
    ("/api/v2/media", "POST"): (Door(why="uploads a new file: " + NOT_OBJECT),),
    ("/api/v1/media/<media_id>", "GET"): (
        Door(frozenset({Kind.MEDIA_RECORD}), media_record("GET")),
    ),
    ("/api/v1/media/<media_id>", "PUT"): (
        Door(frozenset({Kind.MEDIA_RECORD}), media_record("PUT"), **W),
    ),
    ("/media/<sha>", "GET"): (Door(frozenset({Kind.MEDIA}), media_file),),
    # --- spaces
    ("/api/v1/spaces", "GET"): (Door(fill=fixed("/api/v1/spaces")),),
    ("/api/v1/spaces/directory", "GET"): (
        Door(fill=fixed("/api/v1/spaces/directory", "/api/v1/spaces/directory?order=alpha")),
    ),
    ("/api/v1/spaces/<space_id>", "GET"): (Door(SPACES, space("/api/v1/spaces/{id}")),),
    ("/api/v1/spaces/<space_id>/timeline", "GET"): (
        Door(POSTS, in_space("/api/v1/spaces/{space}/timeline?limit=40"), listing=True),
        Door(SPACES, space("/api/v1/spaces/{id}/timeline"), shows=False),
    ),
    ("/api/v1/spaces/<space_id>/members", "GET"): (
        Door(SPACES, space("/api/v1/spaces/{id}/members"), shows=False),
    ),
    ("/api/v1/spaces/<space_id>/requests", "GET"): (
        Door(SPACES, space("/api/v1/spaces/{id}/requests"), shows=False),
    ),
    ("/api/v1/spaces/<space_id>/join", "POST"): (
        Door(SPACES, space("/api/v1/spaces/{id}/join", method="POST"), **W),
    ),
    ("/api/v1/spaces/<space_id>/leave", "POST"): (
        Door(SPACES, space("/api/v1/spaces/{id}/leave", method="POST"), **W),
    ),
    ("/api/v1/spaces/<space_id>/requests/<account_id>/approve", "POST"): (
        Door(SPACES, request_action("approve"), **W),
    ),
    ("/api/v1/spaces/<space_id>/requests/<account_id>/reject", "POST"): (
        Door(SPACES, request_action("reject"), **W),
    ),
    ("/api/v1/spaces/<space_id>/members/<account_id>/<any(remove, ban):action>", "POST"): (
        Door(SPACES, member_action, **W),
    ),
    ("/api/v1/spaces/<space_id>/statuses/<status_id>/remove", "POST"): (
        Door(POSTS, in_space("/api/v1/spaces/{space}/statuses/{id}/remove", method="POST"), **W),
    ),
    ("/api/v1/spaces/<space_id>/documents", "GET"): (
        Door(frozenset({Kind.DOCUMENT}), document_list, listing=True),
    ),
    ("/api/v1/spaces/<space_id>/documents", "POST"): (
        Door(SPACES, space("/api/v1/spaces/{id}/documents", method="POST"), **W),
    ),
    ("/api/v1/spaces/<space_id>/documents/<doc_id>", "GET"): (
        Door(frozenset({Kind.DOCUMENT}), document("/api/v1/spaces/{space}/documents/{doc}")),
    ),
    ("/api/v1/spaces/<space_id>/documents/<doc_id>/download", "GET"): (
        Door(frozenset({Kind.VERSION}), version_download),
    ),
    ("/api/v1/spaces/<space_id>/documents/<doc_id>/save", "POST"): (
        Door(
            frozenset({Kind.COEDIT}),
            document("/api/v1/spaces/{space}/documents/{doc}/save", method="POST"),
            **W,
        ),
    ),
    ("/api/v1/spaces/<space_id>/documents/<doc_id>/diff", "GET"): (
        Door(
            frozenset({Kind.VERSION}),
            document("/api/v1/spaces/{space}/documents/{doc}/diff?from=1&to=2"),
        ),
    ),
    ("/api/v1/spaces/<space_id>/documents/<doc_id>/export", "GET"): (
        # A DOCX is zipped: the canary is not in its bytes, so only who may have it is checked.
        Door(frozenset({Kind.VERSION}), version_export, shows=False),
    ),
    ("/api/v1/spaces/<space_id>/documents/<doc_id>/versions/<number>/restore", "POST"): (
        Door(
            frozenset({Kind.COEDIT}),
            document("/api/v1/spaces/{space}/documents/{doc}/versions/1/restore", method="POST"),
            **W,
        ),
    ),
    ("/api/v1/spaces/<space_id>/documents/<doc_id>/live", "GET"): (
        Door(frozenset({Kind.COEDIT}), driven_by="test_coediting_socket"),
    ),
    ("/spaces/<int:space_id>/documents/<int:doc_id>/edit", "GET"): (
        # The page is the same for everyone and names nothing; the socket decides.
        Door(fill=fixed("/spaces/1/documents/1/edit", accept=HTML)),
    ),
    ("/api/v1/spaces/<space_id>/events", "GET"): (
        Door(frozenset({Kind.TALK}), talk_list, listing=True),
    ),
    ("/api/v1/spaces/<space_id>/events", "POST"): (
        Door(
            SPACES,
            space(
                "/api/v1/spaces/{id}/events",
                method="POST",
                json={"name": "x", "start_time": "2031-01-01T10:00:00Z"},
            ),
            **W,
        ),
    ),
    ("/api/v1/spaces/<space_id>/events/<event_id>", "GET"): (
        Door(frozenset({Kind.TALK}), talk("/api/v1/spaces/{space}/events/{id}")),
    ),
    ("/api/v1/spaces/<space_id>/events/<event_id>/answer", "POST"): (
        Door(
            frozenset({Kind.TALK}),
            talk(
                "/api/v1/spaces/{space}/events/{id}/answer",
                method="POST",
                json={"answer": "accept"},
            ),
            **W,
        ),
    ),
    # --- the Letter
    ("/spaces/<name>/letter.atom", "GET"): (
        Door(SPACES, space("/spaces/{name}/letter.atom"), as_anonymous=True),
    ),
    ("/feeds/<token>.atom", "GET"): (Door(frozenset({Kind.FEED}), driven_by="test_letter_feeds"),),
    ("/api/v1/spaces/<space_id>/letter_feed", "POST"): (
        Door(SPACES, space("/api/v1/spaces/{id}/letter_feed", method="POST"), **W),
    ),
    ("/api/v1/spaces/<space_id>/letter_feed/revoke", "POST"): (
        Door(SPACES, space("/api/v1/spaces/{id}/letter_feed/revoke", method="POST"), **W),
    ),
    ("/letter/unsubscribe", "GET"): (Door(why="a signed e-mail link: " + NOT_OBJECT),),
    ("/letter/unsubscribe", "POST"): (Door(why="a signed e-mail link: " + NOT_OBJECT),),
    # --- streaming
    ("/api/v1/streaming", "GET"): (Door(POSTS, driven_by="test_streaming_sockets"),),
    ("/api/v1/streaming/<path:which>", "GET"): (Door(POSTS, driven_by="test_streaming_sockets"),),
    ("/api/v1/streaming/health", "GET"): (Door(fill=fixed("/api/v1/streaming/health")),),
    # --- instance metadata and the caller's own settings
    **{
        (path, "GET"): (Door(fill=fixed(path)),)
        for path in (
            "/api/v1/announcements",
            "/api/v1/custom_emojis",
            "/api/v1/filters",
            "/api/v2/filters",
            "/api/v1/followed_tags",
            "/api/v1/instance",
            "/api/v1/instance/",
            "/api/v2/instance",
            "/api/v2/instance/",
            "/api/v1/instance/domain_blocks",
            "/api/v1/instance/rules",
            "/api/v1/instance/extended_description",
            "/api/v1/instance/activity",
            "/api/v1/instance/peers",
            "/api/v1/instance/translation_languages",
            "/api/v1/lists",
            "/api/v1/markers",
            "/api/v1/preferences",
            "/api/v1/trends",
            "/api/v1/trends/links",
            "/api/v1/trends/statuses",
            "/api/v1/trends/tags",
            "/api/v1/apps/verify_credentials",
        )
    },
    ("/api/v1/markers", "POST"): (Door(why="saves the caller's reading position"),),
    # --- OAuth: signing in and tokens
    ("/api/v1/apps", "POST"): (Door(why="registers an app: " + NOT_OBJECT),),
    ("/oauth/authorize", "GET"): (Door(why="the sign-in page: " + NOT_OBJECT),),
    ("/oauth/authorize", "POST"): (Door(why="signs in: " + NOT_OBJECT),),
    ("/oauth/token", "POST"): (Door(why="issues tokens: " + NOT_OBJECT),),
    ("/oauth/revoke", "POST"): (Door(why="revokes tokens: " + NOT_OBJECT),),
    # --- the web app's sign-in (a browser session, not a token)
    ("/sign-in", "GET"): (Door(fill=fixed("/sign-in", accept=HTML)),),
    ("/sign-in", "POST"): (Door(why="signs in: " + NOT_OBJECT),),
    ("/sign-in/code", "GET"): (Door(fill=fixed("/sign-in/code", accept=HTML)),),
    ("/sign-in/code", "POST"): (Door(why="signs in with a second factor: " + NOT_OBJECT),),
    ("/sign-out", "POST"): (Door(why="signs out: " + NOT_OBJECT),),
    ("/language", "POST"): (Door(why="chooses the interface language: " + NOT_OBJECT),),
    ("/settings", "GET"): (Door(fill=fixed("/settings", accept=HTML)),),
    # --- the web app's reading and posting (a browser session; a token's member reads too)
    ("/posts/<post_id>", "GET"): (Door(POSTS, post("/posts/{id}", accept=HTML)),),
    ("/notifications", "GET"): (Door(fill=fixed("/notifications", accept=HTML)),),
    ("/search", "GET"): (Door(fill=fixed(f"/search?q={HASHTAG}", accept=HTML)),),
    ("/compose", "GET"): (Door(fill=fixed("/compose", accept=HTML)),),
    ("/compose", "POST"): (
        Door(why="publishes through create_post: tests/webapp/test_posting.py"),
    ),
    (
        "/posts/<post_id>/<any(like, unlike, boost, unboost, bookmark, unbookmark, delete):act>",
        "POST",
    ): (Door(why="a session's forms: a hidden post is 404, tests/webapp/test_posting.py"),),
    ("/posts/<post_id>/vote", "POST"): (
        Door(why="a session's forms: a hidden poll is 404, tests/webapp/test_posting.py"),
    ),
    ("/accounts/<account_id>/<any(follow, unfollow):act>", "POST"): (
        Door(why="a session's forms: a hidden space is 404, tests/webapp/test_posting.py"),
    ),
    ("/settings/profile", "POST"): (Door(why="changes the caller's own profile"),),
    ("/settings/letter", "POST"): (Door(why="changes the caller's own Letter address"),),
    ("/settings/security", "GET"): (Door(fill=fixed("/settings/security", accept=HTML)),),
    ("/settings/security/two-factor/start", "POST"): (Door(why="the caller's own account"),),
    ("/settings/security/two-factor/confirm", "POST"): (Door(why="the caller's own account"),),
    ("/settings/security/two-factor/off", "POST"): (Door(why="the caller's own account"),),
    ("/settings/security/sessions/<session_id>/revoke", "POST"): (
        Door(why="the caller's own sessions only: tests/webapp/test_security.py"),
    ),
    ("/settings/security/apps/<token_id>/revoke", "POST"): (
        Door(why="the caller's own tokens only: tests/webapp/test_security.py"),
    ),
    ("/avatars/<sha>", "GET"): (Door(why="public avatars by hash: " + NOT_OBJECT),),
    ("/invite/<code>", "GET"): (Door(why="an invitation by its secret code: " + NOT_OBJECT),),
    ("/invite/<code>", "POST"): (Door(why="creates an account: " + NOT_OBJECT),),
    ("/settings/invitations", "GET"): (Door(fill=fixed("/settings/invitations", accept=HTML)),),
    ("/settings/invitations", "POST"): (Door(why="creates an invitation: " + NOT_OBJECT),),
    ("/settings/invitations/<invitation_id>/revoke", "POST"): (
        Door(why="withdraws the caller's own invitation: " + NOT_OBJECT),
    ),
    ("/editor/open", "POST"): (
        Door(why="issues the caller a token for the editor; the socket checks access"),
    ),
    # --- the web app's spaces: read through the browser session only, so every viewer here
    # (holding a token, not a session) reads as a logged-out browser; with logged-out reading
    # off they are sent to sign in (303), hence listing: nothing hidden may appear. Members'
    # and outsiders' sessions, and the 404s: tests/webapp/test_spaces_pages.py.
    ("/spaces", "GET"): (Door(fill=fixed("/spaces", "/spaces?order=alpha", accept=HTML), **WEB),),
    ("/space/<space_id>", "GET"): (Door(SPACES, space("/space/{id}", accept=HTML), **WEB),),
    ("/space/<space_id>/library", "GET"): (
        Door(SPACES, space("/space/{id}/library", accept=HTML), **WEB),
    ),
    ("/space/<space_id>/library/<doc_id>", "GET"): (
        Door(
            frozenset({Kind.DOCUMENT}),
            document("/space/{space}/library/{doc}", accept=HTML),
            **WEB,
        ),
    ),
    ("/space/<space_id>/library/<doc_id>/download", "GET"): (
        Door(
            frozenset({Kind.VERSION}),
            document("/space/{space}/library/{doc}/download", accept=HTML),
            **WEB,
        ),
    ),
    ("/space/<space_id>/talks", "GET"): (
        Door(SPACES, space("/space/{id}/talks", accept=HTML), **WEB),
    ),
    ("/space/<space_id>/talks/<talk_id>", "GET"): (
        Door(frozenset({Kind.TALK}), talk("/space/{space}/talks/{id}", accept=HTML), **WEB),
    ),
    ("/space/<space_id>/talks/<talk_id>/talk.ics", "GET"): (
        Door(frozenset({Kind.TALK}), talk("/space/{space}/talks/{id}/talk.ics"), **WEB),
    ),
    ("/space/<space_id>/calendar.ics", "GET"): (
        Door(SPACES, space("/space/{id}/calendar.ics"), **WEB),
    ),
    ("/space/<space_id>/join", "POST"): (
        Door(why="a session's form: a hidden space is 404, tests/webapp/test_spaces_pages.py"),
    ),
    ("/space/<space_id>/leave", "POST"): (
        Door(why="a session's form: a hidden space is 404, tests/webapp/test_spaces_pages.py"),
    ),
    ("/space/<space_id>/requests/<account_id>/<any(approve, reject):answer>", "POST"): (
        Door(why="a moderator's form: tests/webapp/test_spaces_pages.py"),
    ),
    ("/space/<space_id>/library", "POST"): (
        Door(why="uploads through add_document: tests/webapp/test_spaces_pages.py"),
    ),
    ("/space/<space_id>/library/<doc_id>/versions", "POST"): (
        Door(why="uploads through add_document: tests/webapp/test_spaces_pages.py"),
    ),
    ("/space/<space_id>/talks", "POST"): (
        Door(why="publishes through publish_talk: tests/webapp/test_spaces_pages.py"),
    ),
    ("/space/<space_id>/talks/<talk_id>/answer", "POST"): (
        Door(why="answers through spaces.talks.answer: tests/webapp/test_spaces_pages.py"),
    ),
    # --- the admin console: 404 to anyone but staff (a token is no session, so every viewer
    # here reads as a stranger); staff sessions and the moderator's 403s:
    # tests/webapp/test_console.py and tests/matrix/test_web_sessions.py.
    **{
        ("/admin", "GET"): (Door(fill=fixed("/admin", accept=HTML), **WEB),),
        ("/admin/audit", "GET"): (Door(fill=fixed("/admin/audit", accept=HTML), **WEB),),
        ("/admin/reports", "GET"): (
            Door(
                fill=fixed(
                    "/admin/reports",
                    "/admin/reports?state=resolved",
                    "/admin/reports?where=remote&mine=1",
                    "/admin/reports?where=local&domain=example.org",
                    accept=HTML,
                ),
                **WEB,
            ),
        ),
        ("/admin/reports/<report_id>", "GET"): (
            Door(fill=fixed("/admin/reports/1", accept=HTML), **WEB),
        ),
        ("/admin/reports/<report_id>/assign", "POST"): (
            Door(why="a staff form: tests/webapp/test_console.py"),
        ),
        ("/admin/reports/<report_id>/resolve", "POST"): (
            Door(why="resolves through resolve_with: tests/webapp/test_console_reports.py"),
        ),
        ("/admin/reports/<report_id>/forward", "POST"): (
            Door(why="a Flag from the instance actor: tests/webapp/test_console_reports.py"),
        ),
        ("/admin/mail", "GET"): (Door(fill=fixed("/admin/mail", accept=HTML), **WEB),),
        ("/admin/mail/test", "POST"): (
            Door(why="sends a test message: tests/webapp/test_console_reports.py"),
        ),
        ("/admin/federation", "GET"): (Door(fill=fixed("/admin/federation", accept=HTML), **WEB),),
        ("/admin/federation/blocks", "POST"): (
            Door(why="blocks through block_domain: tests/webapp/test_console.py"),
        ),
        ("/admin/federation/blocks/remove", "POST"): (
            Door(why="lifts through unblock_domain: tests/webapp/test_console.py"),
        ),
        ("/admin/federation/import", "POST"): (
            Door(why="previews a blocklist CSV: tests/webapp/test_console_federation.py"),
        ),
        ("/admin/federation/import/<int:upload_id>/apply", "POST"): (
            Door(why="applies the previewed plan: tests/webapp/test_console_federation.py"),
        ),
        ("/admin/federation/export", "GET"): (
            Door(fill=fixed("/admin/federation/export", accept=HTML), **WEB),
        ),
        ("/admin/federation/instances", "GET"): (
            Door(
                fill=fixed(
                    "/admin/federation/instances", "/admin/federation/instances?q=a", accept=HTML
                ),
                **WEB,
            ),
        ),
        ("/admin/federation/instances/<domain>", "GET"): (
            Door(fill=fixed("/admin/federation/instances/remote.example", accept=HTML), **WEB),
        ),
        ("/admin/federation/instances/<domain>/refresh", "POST"): (
            Door(why="fetches NodeInfo: tests/webapp/test_console_federation.py"),
        ),
        ("/admin/jobs/<job_id>", "GET"): (Door(fill=fixed("/admin/jobs/1", accept=HTML), **WEB),),
        ("/admin/members", "GET"): (
            Door(fill=fixed("/admin/members", "/admin/members?q=a", accept=HTML), **WEB),
        ),
        ("/admin/members/<member_id>", "GET"): (
            Door(fill=fixed("/admin/members/1", accept=HTML), **WEB),
        ),
        ("/admin/members/<member_id>/action", "POST"): (
            Door(why="acts through account_actions.apply: tests/webapp/test_console.py"),
        ),
        ("/admin/members/invite", "POST"): (Door(why="creates an invitation: " + NOT_OBJECT),),
        ("/admin/spaces", "GET"): (
            Door(fill=fixed("/admin/spaces", "/admin/spaces?q=a", accept=HTML), **WEB),
        ),
        ("/admin/spaces", "POST"): (
            Door(why="creates a space: tests/webapp/test_console_spaces.py"),
        ),
        ("/admin/spaces/<space_id>", "GET"): (Door(fill=console_spaces, **WEB),),
        ("/admin/spaces/<space_id>/action", "POST"): (
            Door(why="acts through spaces.administration: tests/webapp/test_console_spaces.py"),
        ),
    },
    # --- the admin API: admin records, no post or space content
    **{
        key: (Door(fill=fixed(key[0])),)
        for key in (
            ("/api/v1/admin/domain_allows", "GET"),
            ("/api/v1/admin/domain_blocks", "GET"),
            ("/api/v1/admin/reports", "GET"),
        )
    },
    **{
        key: (Door(why="an admin record by id: " + NOT_OBJECT),)
        for key in (
            ("/api/v1/admin/domain_allows/<allow_id>", "GET"),
            ("/api/v1/admin/domain_blocks/<block_id>", "GET"),
            ("/api/v1/admin/reports/<report_id>", "GET"),
        )
    },
    **{
        key: (Door(why="an admin action: " + NOT_OBJECT),)
        for key in (
            ("/api/v1/admin/accounts/<account_id>/action", "POST"),
            ("/api/v1/admin/accounts/<account_id>/<reversal>", "POST"),
            ("/api/v1/admin/domain_allows", "POST"),
            ("/api/v1/admin/domain_allows/<allow_id>", "DELETE"),
            ("/api/v1/admin/domain_blocks", "POST"),
            ("/api/v1/admin/domain_blocks/<block_id>", "PUT"),
            ("/api/v1/admin/domain_blocks/<block_id>", "DELETE"),
            ("/api/v1/admin/reports/<report_id>/<action>", "POST"),
        )
    },
}
