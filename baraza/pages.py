"""Server-rendered HTML: the home page, profiles and error pages. Escaped, no scripts."""

from __future__ import annotations

import re

from quart import Blueprint, Response, render_template, request

from baraza.i18n import N_, _
from baraza.negotiation import wants_html
from federation.errors import NotFound
from storage.models import Actor, Post

blueprint = Blueprint("pages", __name__)

# Reasons `baraza.app` gives for HTTP errors that reach a browser as a page.
HTTP_ERROR_PAGES = (N_("not found"), N_("method not allowed"), N_("request body too large"))


async def render_profile(actor: Actor) -> Response:
    """A profile for a browser: the web app's page, as the reader may see it."""
    from baraza.webapp.reading import profile_page as web_profile

    return await web_profile(actor)


async def render_error(status: int, message: str) -> Response:
    """`message` is an English msgid (marked with `N_` where written), shown translated."""
    html = await render_template("error.html", status=status, message=_(message))
    return Response(html, status=status, content_type="text/html; charset=utf-8")


@blueprint.get("/@<name>")
async def profile_page(name: str) -> Response:
    from actors.routes import _actor_answer, visible_actor

    if not wants_html(request.headers.get("Accept")):
        return await _actor_answer(await visible_actor(name, None))  # as Mastodon's
    from baraza.webapp.reading import known_local_actor, reader_or_sign_in

    return await render_profile(await known_local_actor(name, await reader_or_sign_in()))


@blueprint.get("/")
async def home_page() -> Response:
    """A member's home; logged out, the front page (or the sign-in page when the instance
    closed logged-out reading)."""
    from baraza.webapp.reading import home_page as web_home

    return await web_home()


async def render_post(post: Post) -> Response:
    """A post for a browser: the web app's thread page, as the reader may see it."""
    from baraza.webapp.reading import thread_page

    return await thread_page(post)


@blueprint.get("/@<name>/<int:post_id>")
async def post_page(name: str, post_id: int) -> Response:
    if not wants_html(request.headers.get("Accept")):
        # The URL a member pastes is the one peers resolve: answer AS2 unless HTML is
        # preferred, as the post's id does (`rel="alternate"` in the HTML names the id too).
        from outbox.routes import post_document

        return await post_document(name, post_id)
    from baraza.webapp.reading import reader_or_sign_in

    who = await reader_or_sign_in()
    if who is None:  # nobody signed in: anonymous, or a server that signed its GET
        from outbox.routes import visible_post as visible_to_requester

        post = await visible_to_requester(name, post_id)
    else:
        from outbox.viewing import visible_post

        post = await visible_post(post_id, who)
        author = await Actor.get(id=post.actor_id)
        if author.username != name or not author.local:
            raise NotFound("no such object")
    if post.deleted_at is not None:
        return await render_error(410, N_("this post was deleted"))
    return await render_post(post)


TAG_PAGE_SIZE = 20
_TAG_NAME = re.compile(r"\w{1,100}")


async def tagged_public_posts(name: str) -> list[Post]:
    """This server's latest public posts carrying `#name`: what anyone may see, never a post
    of a private space (the same facts NodeInfo's count uses)."""
    from actors.existence import knowledge, not_in_hidden_spaces

    query = Post.filter(
        not_in_hidden_spaces((await knowledge(None)).hidden),
        local=True,
        visibility="public",
        deleted_at=None,
        content__icontains=name,
    )
    found = []
    for post in await query.order_by("-id").limit(TAG_PAGE_SIZE * 5):
        names = {
            str(t.get("name", "")).lstrip("#").lower()
            for t in post.tags
            if isinstance(t, dict) and t.get("type") == "Hashtag"
        }
        if name in names:
            found.append(post)
    return found[:TAG_PAGE_SIZE]


@blueprint.get("/tags/<name>")
async def tag_page(name: str) -> Response:
    """The href of every Hashtag we send: a page for browsers, an `OrderedCollection` of the
    public posts for servers (as Mastodon answers at the same URL)."""
    from baraza.responses import as2_response
    from baraza.services import settings

    name = name.lower()
    if not _TAG_NAME.fullmatch(name):
        raise NotFound("no such tag")
    posts = await tagged_public_posts(name)
    url = settings().url(f"/tags/{name}")
    if not wants_html(request.headers.get("Accept")):
        from actors.documents import AS_CONTEXT

        return as2_response(
            {
                "@context": AS_CONTEXT,
                "id": url,
                "type": "OrderedCollection",
                "totalItems": len(posts),
                "orderedItems": [post.uri for post in posts],
            }
        )
    from baraza.webapp.reading import reader_or_sign_in

    await reader_or_sign_in()  # a browser reads only while logged-out reading is on
    html = await render_template("tag.html", name=name, posts=posts, url=url)
    return Response(html, content_type="text/html; charset=utf-8")
