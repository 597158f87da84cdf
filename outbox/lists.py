"""A member's lists: the rules (what a list is, which replies its timeline shows, whose posts
leave the home timeline) as pure functions, and the changes as core actions.

A list holds only accounts its owner follows (Mastodon's rule): adding anyone else is refused,
and an unfollow takes the account out of every list of the follower (`unfollowed`), so a list
never shows the posts of someone the owner no longer follows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from baraza.ids import new_id
from federation.errors import NotFound, Unprocessable
from outbox.commit import action
from storage.ids import parse_id
from storage.models import Actor, Follow, ListAccount, MemberList, Post

REPLIES_POLICIES = ("followed", "list", "none")
MAX_TITLE = 255


@dataclass(frozen=True)
class ListShape:
    title: str
    replies_policy: str
    exclusive: bool


def list_shape(
    title: object, replies_policy: object, exclusive: object, current: ListShape | None = None
) -> ListShape:
    """Pure: a list's fields from what an app sent (None keeps the current value), or 422."""
    if title is None and current is not None:
        title = current.title
    if not isinstance(title, str) or not title.strip():
        raise Unprocessable("Validation failed: Title can't be blank")
    if len(title) > MAX_TITLE:
        raise Unprocessable(f"Validation failed: Title is longer than {MAX_TITLE} characters")
    if replies_policy is None:
        replies_policy = current.replies_policy if current is not None else "list"
    if replies_policy not in REPLIES_POLICIES:
        raise Unprocessable("replies_policy must be one of followed, list, none")
    if exclusive is None:
        exclusive = current.exclusive if current is not None else False
    return ListShape(title.strip(), str(replies_policy), bool(exclusive))


def list_shows(
    policy: str,
    *,
    author_id: int,
    reply_to_account_id: int | None,
    is_reply: bool,
    owner_id: int,
    members: frozenset[int],
    followed: frozenset[int],
) -> bool:
    """Pure: does a list's timeline show this post of one of its members? Table-tested.

    Posts that reply to no one, to their own author (threads) or to the list's owner always
    show; other replies by `replies_policy`: `followed` shows replies to anyone the owner
    follows, `list` replies to the list's members, `none` no other replies. A reply whose
    parent is not stored here (`reply_to_account_id` None) names no one the rules can admit."""
    if not is_reply or reply_to_account_id in (author_id, owner_id):
        return True
    if reply_to_account_id is None:
        return False
    if policy == "followed":
        return reply_to_account_id in followed
    if policy == "list":
        return reply_to_account_id in members
    return False


def home_hides(author_id: int, owner_id: int, exclusive_members: frozenset[int]) -> bool:
    """Pure: members of the owner's exclusive lists are read in those lists, not at home."""
    return author_id != owner_id and author_id in exclusive_members


async def exclusive_members(owner: Actor) -> frozenset[int]:
    return frozenset(
        await ListAccount.filter(member_list__owner=owner, member_list__exclusive=True).values_list(
            "account_id", flat=True
        )
    )


async def own_list(owner: Actor, list_id: int | None) -> MemberList:
    """The owner's list, or 404: another member's list is as absent as a missing one."""
    found = await MemberList.get_or_none(id=list_id, owner=owner) if list_id else None
    if found is None:
        raise NotFound("Record not found")
    return found


async def create_list(owner: Actor, shape: ListShape) -> MemberList:
    async with action():
        return await MemberList.create(
            id=new_id(),
            owner=owner,
            title=shape.title,
            replies_policy=shape.replies_policy,
            exclusive=shape.exclusive,
        )


async def update_list(row: MemberList, shape: ListShape) -> MemberList:
    async with action():
        row.title, row.replies_policy, row.exclusive = (
            shape.title,
            shape.replies_policy,
            shape.exclusive,
        )
        await row.save(update_fields=["title", "replies_policy", "exclusive"])
    return row


async def delete_list(row: MemberList) -> None:
    async with action():
        await row.delete()


async def add_accounts(row: MemberList, owner: Actor, account_ids: Iterable[int]) -> None:
    """Every account must exist and be followed (accepted) by the owner; else nothing is added."""
    wanted = list(dict.fromkeys(account_ids))
    if not wanted:
        raise Unprocessable("account_ids must name at least one account")
    async with action():
        known = set(await Actor.filter(id__in=wanted).values_list("id", flat=True))
        if len(known) != len(wanted):
            raise NotFound("Record not found")
        followed = set(
            await Follow.filter(follower=owner, accepted=True, target_id__in=wanted).values_list(
                "target_id", flat=True
            )
        )
        if followed != known:
            raise Unprocessable("Validation failed: Account has not been followed")
        present = set(
            await ListAccount.filter(member_list=row, account_id__in=wanted).values_list(
                "account_id", flat=True
            )
        )
        for account_id in wanted:
            if account_id not in present:
                await ListAccount.create(member_list=row, account_id=account_id)


async def remove_accounts(row: MemberList, account_ids: Iterable[int]) -> None:
    async with action():
        await ListAccount.filter(member_list=row, account_id__in=list(account_ids)).delete()


async def unfollowed(follower: Actor, target: Actor) -> None:
    """The follow ended: the target leaves the follower's lists (Mastodon does the same)."""
    await ListAccount.filter(member_list__owner=follower, account=target).delete()


async def lists_showing(post: Post, owner: Actor) -> frozenset[int]:
    """The owner's lists whose timeline shows `post` (its author is a member, and the list's
    replies policy admits it): where the `list` stream sends it."""
    author_id = post.actor_id  # type: ignore[attr-defined]
    rows = await MemberList.filter(owner=owner, entries__account_id=author_id)
    if not rows:
        return frozenset()
    parent = (
        await Post.filter(uri=post.in_reply_to_uri).first().values_list("actor_id", flat=True)
        if post.in_reply_to_uri
        else None
    )
    followed = frozenset(
        await Follow.filter(follower=owner, accepted=True).values_list("target_id", flat=True)
    )
    shown = set()
    for row in rows:
        members = frozenset(
            await ListAccount.filter(member_list=row).values_list("account_id", flat=True)
        )
        if list_shows(
            row.replies_policy,
            author_id=author_id,
            reply_to_account_id=parent,  # type: ignore[arg-type]
            is_reply=post.in_reply_to_uri is not None,
            owner_id=owner.id,
            members=members,
            followed=followed,
        ):
            shown.add(row.id)
    return frozenset(shown)


async def owns_list(owner: Actor, list_id: str) -> bool:
    number = parse_id(list_id, MemberList)
    return number is not None and await MemberList.exists(id=number, owner=owner)
