"""`/api/v1/timelines`: home, public and tag, paged the way Mastodon pages them.

Each timeline reads a few more candidates than the page holds, drops what the viewer must not
get (muted or blocked authors, domains the viewer blocks, silenced domains on public
timelines, anything `may_see` refuses), and pages what is left by status id; boosts carry their
own time-ordered ids. Home also holds the public posts of the hashtags the member follows.
"""

from __future__ import annotations

import operator
from dataclasses import replace
from functools import reduce

from quart import Blueprint, Response, request
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from baraza.viewer import current_member
from clientapi.auth import require
from clientapi.pagination import Page, bounded, paged, parse_page, select
from clientapi.statuses.boost_ids import OVERFETCH, boost_status_id, boosts_in_page
from clientapi.statuses.status_entity import statuses
from federation.policy import load_policy, matches_domain
from outbox.account_actions import outside_limits
from outbox.domain_blocks import hidden_domain_accounts
from outbox.filtering import hidden_posts
from outbox.followed_tags import followed_tags, has_tag
from outbox.lists import exclusive_members, home_hides
from outbox.viewing import visible_posts
from storage.models import Actor, Announce, Block, Follow, Mute, Post

blueprint = Blueprint("clientapi_timelines", __name__)

Item = Post | Announce


def item_key(item: Item) -> int:
    if isinstance(item, Announce):
        return boost_status_id(item.created_at, item.id)
    return item.id


async def hidden_accounts(viewer: Actor | None) -> set[int]:
    """Accounts the viewer muted or blocked, and those who blocked the viewer."""
    if viewer is None:
        return set()
    hidden = set(await Mute.filter(actor=viewer).values_list("target_id", flat=True))
    hidden |= set(await Block.filter(actor=viewer).values_list("target_id", flat=True))
    hidden |= set(await Block.filter(target=viewer).values_list("actor_id", flat=True))
    hidden |= await hidden_domain_accounts(viewer)  # the viewer's own domain blocks
    return hidden


async def posts_in_page(query: QuerySet, page: Page, viewer: Actor | None) -> list[Post]:
    wider = replace(page, limit=page.limit * OVERFETCH)
    return await visible_posts(await bounded(query.filter(deleted_at=None), wider), viewer)


def without(items: list[Item], hidden: set[int]) -> list[Item]:
    def shown(item: Item) -> bool:
        if item.actor_id in hidden:
            return False
        return not (isinstance(item, Announce) and item.post.actor_id in hidden)

    return [i for i in items if shown(i)]


async def respond(
    items: list[Item], page: Page, viewer: Actor | None, context: str | None = None
) -> Response:
    """The page of `items`; in a filter `context`, what the viewer's `hide` filters drop is
    dropped first (`outbox.content_filters`), so the page is still full."""
    if context is not None and viewer is not None:
        posts = [i if isinstance(i, Post) else i.post for i in items]
        hidden = await hidden_posts(posts, viewer, context)
        items = [i for i in items if (i.id if isinstance(i, Post) else i.post.id) not in hidden]
    chosen = select(items, page, key=item_key)
    return paged(await statuses(chosen, viewer), [item_key(i) for i in chosen])


@blueprint.get("/api/v1/timelines/home")
async def home() -> Response:
    caller = await require("read:statuses")
    member = caller.account
    assert member is not None
    page = parse_page(request.args)
    return await respond(await home_items(member, page), page, member, "home")


async def home_items(member: Actor, page: Page) -> list[Item]:
    """The candidates of one page of the member's home (the API's and the web app's home):
    their own posts, the people they follow, the tags they follow, and their spaces' posts
    as the spaces' boosts; what they muted or blocked is already left out.

    The followed accounts are named to the database as subqueries, not as lists of ids: with
    a thousand followed, building `IN (…1,000 ids…)` twice through the ORM was most of the
    request's time (cProfile, docs/performance.md), more than running the queries."""
    exclusive = await exclusive_members(member)  # read in their exclusive lists instead
    followed = Follow.filter(follower_id=member.id, accepted=True)
    people = followed.filter(target__type__not="Group")
    boosters = followed
    hidden = [a for a in exclusive if home_hides(a, member.id, exclusive)]
    if hidden:
        people = people.exclude(target_id__in=hidden)
        boosters = followed.filter(Q(target__type="Group") | ~Q(target_id__in=hidden))
    # Their own posts are read apart: `actor_id IN (follows) OR actor_id = me` made SQLite
    # merge two index scans and ran ten times slower than either (docs/performance.md).
    wider = replace(page, limit=page.limit * OVERFETCH)
    own = await bounded(Post.filter(actor_id=member.id, deleted_at=None), wider)
    candidates = {p.id: p for p in [*await followed_posts(people, page), *own]}
    items: list[Item] = list(await visible_posts(candidates.values(), member))
    shown_ids = {p.id for p in items}
    tagged = await followed_tag_posts(member, page)
    items.extend(p for p in tagged if p.id not in shown_ids)
    # A space's posts arrive as the space's boosts (`spaces.relay`), as Mastodon shows a
    # group's: a post already shown from its followed author is not shown twice.
    boosts = await boosts_in_page(
        Announce.filter(actor_id__in=Subquery(boosters.values("target_id"))), page, member
    )
    shown = {p.id for p in items}
    items.extend(b for b in boosts if b.post.id not in shown)
    return without(items, await hidden_accounts(member))


def followed_posts(people: QuerySet, page: Page) -> QuerySet:
    """The page's candidate posts by `people` (follows, as a subquery): the ids are chosen in
    a subquery that reads only the (actor_id, deleted_at, id) index, so rows are fetched for
    the page alone, not for every post of every followed author below `max_id` (plans in
    docs/performance.md)."""
    wider = replace(page, limit=page.limit * OVERFETCH)
    authors = Subquery(people.values("target_id"))
    ids = bounded(Post.filter(actor_id__in=authors, deleted_at=None), wider).values("id")
    return Post.filter(id__in=Subquery(ids))


async def followed_tag_posts(member: Actor, page: Page) -> list[Post]:
    """Public posts carrying a hashtag the member follows (Mastodon 4.0), for their home."""
    names = set(await followed_tags(member))
    if not names:
        return []
    match = reduce(operator.or_, (Q(content__icontains=n) for n in sorted(names)))
    query = Post.filter(match, visibility="public").filter(
        Q(space_id=None) | Q(space__private=False)
    )
    return [p for p in await posts_in_page(query, page, member) if has_tag(p, names)]


async def _public_items(query: QuerySet, page: Page, viewer: Actor | None) -> list[Item]:
    policy = await load_policy()
    query = query.filter(visibility="public").filter(Q(space_id=None) | Q(space__private=False))
    if viewer is not None and viewer.chosen_languages:  # Mastodon: unlabelled posts still show
        query = query.filter(Q(language__in=viewer.chosen_languages) | Q(language=None))
    posts = await posts_in_page(query.prefetch_related("actor"), page, viewer)
    posts = [
        p for p in posts if p.actor.local or not matches_domain(p.actor.domain, policy.silenced)
    ]
    posts = await outside_limits(posts, viewer)  # limited (silenced) accounts
    if request.args.get("only_media", "").lower() in ("1", "true"):
        posts = [p for p in posts if p.attachments]
    return without(list(posts), await hidden_accounts(viewer))


@blueprint.get("/api/v1/timelines/public")
async def public() -> Response:
    who = await current_member()
    page = parse_page(request.args)
    query = Post.all()
    if request.args.get("local", "").lower() in ("1", "true"):
        query = query.filter(local=True)
    elif request.args.get("remote", "").lower() in ("1", "true"):
        query = query.filter(local=False)
    return await respond(await _public_items(query, page, who), page, who, "public")


@blueprint.get("/api/v1/timelines/tag/<hashtag>")
async def tag(hashtag: str) -> Response:
    who = await current_member()
    page = parse_page(request.args)
    name = hashtag.lstrip("#").lower()
    query = Post.filter(content__icontains=name)
    if request.args.get("local", "").lower() in ("1", "true"):
        query = query.filter(local=True)
    items = [
        p
        for p in await _public_items(query, page, who)
        if any(
            isinstance(t, dict)
            and t.get("type") == "Hashtag"
            and str(t.get("name", "")).lstrip("#").lower() == name
            for t in p.tags
        )
    ]
    return await respond(items, page, who, "public")
