"""The admin console's member list: this server's members (people, not spaces), searched by
name, newest first, with the state each is in, read in one place for the page to render."""

from __future__ import annotations

from tortoise.expressions import Q

from storage.models import Actor

LIMIT = 100


async def find_members(text: str = "", *, limit: int = LIMIT) -> list[Actor]:
    """Members whose handle or display name contains `text` (all when empty)."""
    rows = Actor.filter(local=True, type="Person")
    text = text.strip().lstrip("@")[:64]
    if text:
        rows = rows.filter(Q(local_username__icontains=text) | Q(display_name__icontains=text))
    return list(await rows.order_by("-id").limit(limit))


async def find_member(member_id: int) -> Actor | None:
    return await Actor.get_or_none(id=member_id, local=True, type="Person")
