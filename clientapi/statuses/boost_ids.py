"""Status ids for boosts: a boost is a status in Mastodon's API, with an id that sorts by time.

Boosts are `Announce` rows whose own id is a plain counter, so their status id is derived:
the millisecond of the boost in the high bits (as `baraza.ids.new_id` does for posts) and the
row id's low 16 bits, so boosts and posts interleave correctly in one paginated timeline.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.queryset import QuerySet

from clientapi.pagination import Page
from outbox.viewing import visible_posts
from storage.models import Actor, Announce

LOW_BITS = 16
LOW_MASK = (1 << LOW_BITS) - 1


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def boost_status_id(created_at: datetime, announce_id: int) -> int:
    ms = int(aware(created_at).timestamp() * 1000)
    return (ms << LOW_BITS) | (announce_id & LOW_MASK)


def moment_of(status_id: int) -> datetime:
    """The earliest instant a status with this id can have been created."""
    return datetime.fromtimestamp((status_id >> LOW_BITS) / 1000, tz=UTC)


def window(lower_id: int | None, upper_id: int | None) -> dict[str, datetime]:
    """A `created_at` filter that contains every boost whose status id lies in the bounds."""
    bounds: dict[str, datetime] = {}
    if lower_id is not None:
        bounds["created_at__gte"] = moment_of(lower_id)
    if upper_id is not None:
        bounds["created_at__lt"] = moment_of(upper_id) + timedelta(milliseconds=1)
    return bounds


async def find_boost(status_id: int) -> Announce | None:
    candidates = await Announce.filter(**window(status_id, status_id)).prefetch_related(
        "actor", "post"
    )
    for candidate in candidates:
        if boost_status_id(candidate.created_at, candidate.id) == status_id:
            return candidate
    return None


OVERFETCH = 3  # a page's candidates fetched before visibility and mutes thin them out


async def boosts_in_page(query: QuerySet, page: Page, viewer: Actor | None) -> list[Announce]:
    """Boosts whose status ids fall in the page, newest (or with min_id, oldest) first."""
    order = "created_at" if page.ascending else "-created_at"
    rows = (
        await query.filter(**window(page.lower, page.max_id), post__deleted_at=None)
        .order_by(order)
        .limit(page.limit * OVERFETCH)
        .prefetch_related("post")
    )
    rows = [r for r in rows if page.admits(boost_status_id(r.created_at, r.id))]
    visible = {p.id for p in await visible_posts([r.post for r in rows], viewer)}
    return [r for r in rows if r.post.id in visible]
