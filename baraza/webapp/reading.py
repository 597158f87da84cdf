"""Reading in the web app: home, a profile, a post with its thread, notifications, search.

Every read goes through the functions the client API reads through: the home timeline's
`home_items`, `outbox.viewing` (`visible_post`, `visible_posts`), `actors.existence`
(`may_know`, `knowledge`), the thread walk of the statuses API, the notifications API's
`shown_posts` and the search API's queries. The reader is the browser's signed-in member,
else the member of an API token (the same URLs serve apps), else nobody; nobody reads only
while the instance allows logged-out reading, and is otherwise sent to the sign-in page.
"""

from __future__ import annotations

from quart import Blueprint, Response, has_request_context, request

from actors.accounts import local_actor
from actors.existence import knowledge, may_know, not_in_hidden_spaces
from baraza.i18n import N_
from baraza.webapp.cards import cards, profile_link
from baraza.webapp.render import SignInRequired, render_page, require_member
from baraza.webapp.session import session_viewer
from federation.errors import NotFound, Unauthorized
from outbox.viewing import visible_post, visible_posts
from storage.models import Actor, Follow, Notification, Post

blueprint = Blueprint("web_reading", __name__)
blueprint.add_app_template_global(profile_link, "profile_link")

PAGE = 20
NOTIFICATIONS_PAGE = 40


async def reader() -> Actor | None:
    """Who reads this page: the browser's member, else the member of an API token allowed to
    read statuses (the gate checked the route's own scope), else nobody."""
    member = (await session_viewer()).member
    if member is not None:
        return member
    from baraza.viewer import current_viewer

    return (await current_viewer()).member_for(("read:statuses",))


async def reader_or_sign_in(*, redirect: bool = False) -> Actor | None:
    """The reader; a logged-out browser only while logged-out reading is on. Otherwise the
    sign-in page is all it gets: a 401 (as the gate answers a browser without a session; an
    HTML 401 is a link to the sign-in page), or with `redirect` the sign-in page itself."""
    from storage.settings_store import logged_out_reading

    who = await reader()
    if who is None and not await logged_out_reading():
        if redirect:
            raise SignInRequired
        from clientapi.scopes import UNAUTHENTICATED

        raise Unauthorized(UNAUTHENTICATED)
    return who


def _older(items: list) -> str | None:  # type: ignore[type-arg]
    """The `max_id` of the next page, when this one was full."""
    if len(items) < PAGE:
        return None
    from clientapi.timelines.timelines import item_key

    return str(item_key(items[-1]))


async def home_page() -> Response:
    """`/`: a member's home (people and spaces followed); logged out, the public front page
    with this server's latest public posts, or the sign-in page when reading is closed."""
    from clientapi.pagination import parse_page, select
    from clientapi.timelines.timelines import home_items, item_key

    # The front page is the browser's: only its session says whose home it is.
    who = (await session_viewer()).member
    if who is None:
        await reader_or_sign_in(redirect=True)
        return await _front_page()
    page = parse_page({"max_id": request.args.get("max_id", "")}, default=PAGE)
    chosen = select(await home_items(who, page), page, key=item_key)[:PAGE]
    return await render_page(
        "web/home.html", cards=await cards(chosen, who), older=_older(chosen), front=False
    )


@blueprint.app_errorhandler(Unauthorized)
async def unauthorized(error: Unauthorized) -> Response:
    """A browser refused for want of a member gets a page pointing to the sign-in page (still
    a 401); an app gets the API's JSON error, as before."""
    from baraza.negotiation import wants_html
    from baraza.responses import error_response

    if (
        not has_request_context()
        or request.path.startswith("/api/")
        or not wants_html(request.headers.get("Accept"))
    ):
        return error_response(error.status, error.reason)  # a socket, an app, or the API
    from urllib.parse import quote

    from baraza.webapp.render import here

    return await render_page(
        "web/sign_in_first.html", status=401, sign_in=f"/sign-in?next={quote(here(), safe='/@')}"
    )


@blueprint.app_errorhandler(NotFound)
async def not_found(error: NotFound) -> Response:
    """On the web app's pages a browser gets a page saying so (the same for what does not
    exist and what it may not see); every other door keeps its JSON error."""
    from baraza.negotiation import wants_html
    from baraza.responses import error_response

    page = (
        (request.endpoint or "").startswith(("pages.", "web_")) if has_request_context() else False
    )
    if not page or not wants_html(request.headers.get("Accept")):
        return error_response(error.status, error.reason)
    return await render_page("web/not_found.html", status=404)


async def _front_page() -> Response:
    hidden = (await knowledge(None)).hidden
    candidates = (
        await Post.filter(
            not_in_hidden_spaces(hidden), local=True, visibility="public", deleted_at=None
        )
        .order_by("-id")
        .limit(PAGE * 2)
    )
    posts = (await visible_posts(candidates, None))[:PAGE]
    return await render_page(
        "web/home.html",
        cards=await cards(list(posts), None),
        older=None,
        front=True,
        members=await Actor.filter(local=True, type="Person", suspended_at=None).count(),
        spaces=await Actor.filter(local=True, type="Group", private=False).count(),
    )


async def known_local_actor(name: str, who: Actor | None) -> Actor:
    """A local actor this reader may know exists (a private space: its members only)."""
    actor = await local_actor(name)
    if actor is None or actor.suspended_at is not None or actor.type == "Application":
        raise NotFound("no such actor")
    if not await may_know(actor, who):
        raise NotFound("no such actor")
    return actor


async def profile_page(actor: Actor) -> Response:
    """A person's or a space's page: their posts this reader may see, and follow/join."""
    who = await reader_or_sign_in()
    if not await may_know(actor, who):
        raise NotFound("no such actor")
    if actor.type == "Group":
        query = Post.filter(space=actor, deleted_at=None)
    else:
        query = Post.filter(actor=actor, deleted_at=None)
    posts = (await visible_posts(await query.order_by("-id").limit(PAGE * 3), who))[:PAGE]
    follow = (
        await Follow.get_or_none(follower=who, target=actor)
        if who is not None and who.id != actor.id
        else None
    )
    return await render_page(
        "web/profile.html",
        actor=actor,
        cards=await cards(list(posts), who),
        followers=await Follow.filter(target=actor, accepted=True).count(),
        following=await Follow.filter(follower=actor, accepted=True).count(),
        follow=follow,
        is_self=who is not None and who.id == actor.id,
    )


async def _ancestors_and_replies(post: Post, who: Actor | None) -> tuple[list[Post], list[Post]]:
    from clientapi.statuses.statuses import _ancestors, _descendants
    from outbox.filtering import drop_hidden

    before = await drop_hidden(await _ancestors(post, who), who, "thread")
    after = await drop_hidden(await _descendants(post, who), who, "thread")
    return before, after


async def thread_page(post: Post) -> Response:
    """A post with the posts it answers and the replies to it, each as the reader may see."""
    who = await reader_or_sign_in()
    before, after = await _ancestors_and_replies(post, who)
    shown = await cards([*before, post, *after], who)
    return await render_page(
        "web/thread.html",
        ancestors=shown[: len(before)],
        focus=shown[len(before)],
        replies=shown[len(before) + 1 :],
    )


async def readable_post(post_id: int | str) -> Post:
    """The post for its page: as the reader may see it (404 otherwise, as the API)."""
    return await visible_post(post_id, await reader_or_sign_in())


@blueprint.get("/posts/<post_id>")
async def post_by_id(post_id: str) -> Response:
    """Any post the reader may see by its id here (a remote post has no `/@name/ID`)."""
    post = await readable_post(post_id)
    if post.deleted_at is not None:
        raise NotFound("this post was deleted")
    return await thread_page(post)


NOTIFICATION_TEXT = {
    "mention": N_("mentioned you"),
    "status": N_("posted"),
    "reblog": N_("boosted your post"),
    "follow": N_("followed you"),
    "follow_request": N_("asked to follow you"),
    "favourite": N_("liked your post"),
    "update": N_("edited a post"),
    "poll": N_("a poll ended"),
}


@blueprint.get("/notifications")
async def notifications_page() -> Response:
    """The member's notifications, newest first; those about a post they may no longer see
    (or that a filter hides) are left out, as the API leaves them out."""
    from clientapi.notifications.notifications import shown_posts

    member = await require_member()
    rows = (
        await Notification.filter(recipient=member, dismissed=False, filtered=False)
        .order_by("-id")
        .limit(NOTIFICATIONS_PAGE)
        .prefetch_related("account", "post")
    )
    visible = await shown_posts(rows, member)
    kept = [r for r in rows if r.post_id is None or r.post_id in visible]
    post_cards = {c.post.id: c for c in await cards(list(visible.values()), member)}
    entries = [
        {
            "row": r,
            "what": NOTIFICATION_TEXT.get(r.type, r.type),
            "who": r.account,
            "who_link": profile_link(r.account),
            "card": post_cards.get(r.post_id) if r.post_id else None,
        }
        for r in kept
    ]
    return await render_page("web/notifications.html", entries=entries)


@blueprint.get("/search")
async def search_page() -> Response:
    """People, spaces, posts and tags for the words typed; a handle or URL of another
    server is looked up there too (as the API's `resolve`). Members only, as in the API."""
    from clientapi.search.search import _accounts, _hashtags, _resolve, _statuses, classify

    member = await require_member()
    q = (request.args.get("q") or "").strip()[:512]
    accounts: list[Actor] = []
    posts: list[Post] = []
    tags: list[dict[str, object]] = []
    if q:
        query = classify(q)
        found_actor, found_post = await _resolve(query)
        known = await knowledge(member)
        accounts = await _accounts(query, known, PAGE, 0)
        if found_actor is not None and all(a.id != found_actor.id for a in accounts):
            accounts.insert(0, found_actor)
        accounts = known.visible(accounts)
        posts = await _statuses(query, member, PAGE, 0)
        if found_post is not None and all(p.id != found_post.id for p in posts):
            posts = [*await visible_posts([found_post], member), *posts]
        tags = await _hashtags(query, PAGE)
    following = set(
        await Follow.filter(follower=member, target_id__in=[a.id for a in accounts]).values_list(
            "target_id", flat=True
        )
    )
    return await render_page(
        "web/search.html",
        q=q,
        accounts=[(a, profile_link(a), a.id in following) for a in accounts],
        cards=await cards(list(posts), member),
        tags=tags,
    )
