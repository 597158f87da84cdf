"""Creating and finding local actors: members, spaces and the instance actor."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from actors.names import NAME_PATTERN, check_name
from actors.passwords import hash_password
from actors.urls import INSTANCE_ACTOR_NAME, actor_urls, shared_inbox
from baraza.settings import Settings
from federation.keys import generate_key_pair_async
from storage.models import Actor, Follow, SpaceRole


class AccountError(ValueError):
    """A request the CLI or API refuses with one clear line (duplicate, unknown name...)."""


async def _create_local_actor(
    settings: Settings,
    *,
    kind: str,
    name: str,
    display_name: str = "",
    **extra: object,
) -> Actor:
    urls = actor_urls(settings, kind, name)
    keys = await generate_key_pair_async()
    try:
        return await Actor.create(
            uri=urls.id,
            type=kind,
            username=name,
            domain=settings.host,
            local=True,
            local_username=name,
            display_name=display_name,
            url=urls.profile,
            inbox_url=urls.inbox,
            outbox_url=urls.outbox,
            followers_url=urls.followers,
            following_url=urls.following,
            shared_inbox_url=shared_inbox(settings),
            key_id=urls.key_id,
            public_key_pem=keys.public_pem,
            private_key_pem=keys.private_pem,
            **extra,
        )
    except IntegrityError as exc:
        raise AccountError(f"the name {name!r} is already taken") from exc


async def create_member(
    settings: Settings,
    name: str,
    *,
    display_name: str = "",
    password: str | None = None,
    admin: bool = False,
) -> Actor:
    check_name(name)
    if await Actor.filter(local_username=name).exists():
        raise AccountError(f"the name {name!r} is already taken")
    password_hash = await hash_password(password) if password else None
    return await _create_local_actor(
        settings,
        kind="Person",
        name=name,
        display_name=display_name or name,
        password_hash=password_hash,
        is_admin=admin,
    )


async def create_space(
    settings: Settings,
    name: str,
    *,
    private: bool,
    owner: Actor | None = None,
    display_name: str = "",
    summary: str = "",
) -> Actor:
    check_name(name)
    if await Actor.filter(local_username=name).exists():
        raise AccountError(f"the name {name!r} is already taken")
    async with in_transaction():
        space = await _create_local_actor(
            settings,
            kind="Group",
            name=name,
            display_name=display_name or name,
            summary=summary,
            private=private,
            manually_approves_followers=private,
            discoverable=not private,
        )
        if owner is not None:
            await SpaceRole.create(space=space, member=owner, role="owner")
            await Follow.create(follower=owner, target=space, accepted=True)
    return space


async def ensure_instance_actor(settings: Settings) -> Actor:
    """The Application actor that signs the server's own fetches; created once."""
    existing = await Actor.get_or_none(local_username=INSTANCE_ACTOR_NAME)
    if existing is not None:
        return existing
    return await _create_local_actor(
        settings,
        kind="Application",
        name=INSTANCE_ACTOR_NAME,
        display_name=settings.node_name,
        discoverable=False,
        manually_approves_followers=True,
    )


async def local_actor(name: str, *, kind: str | None = None) -> Actor | None:
    """The local actor of that name, or None; a path segment no name can be is simply None.

    Names come from URLs: a 10,000-character segment must not reach the query (the column's
    validator raises, a 500), so anything outside the name alphabet names nobody.
    """
    if not (NAME_PATTERN.fullmatch(name) or name == INSTANCE_ACTOR_NAME):
        return None
    query = Actor.filter(local_username=name, local=True)
    if kind is not None:
        query = query.filter(type=kind)
    return await query.first()


async def require_member(name: str) -> Actor:
    actor = await local_actor(name, kind="Person")
    if actor is None:
        raise AccountError(f"no member named {name!r}")
    return actor


async def require_space(name: str) -> Actor:
    actor = await local_actor(name, kind="Group")
    if actor is None:
        raise AccountError(f"no space named {name!r}")
    return actor


async def join_space(space: Actor, member: Actor) -> Follow:
    follow, created = await Follow.get_or_create(
        follower=member, target=space, defaults={"accepted": True}
    )
    if not created and not follow.accepted:
        follow.accepted = True
        await follow.save(update_fields=["accepted"])
    return follow


async def add_moderator(space: Actor, member: Actor) -> None:
    await join_space(space, member)
    await SpaceRole.get_or_create(space=space, member=member, defaults={"role": "moderator"})
