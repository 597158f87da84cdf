"""Where each local thing lives. One place builds every local URL, so routes and documents agree."""

from __future__ import annotations

from dataclasses import dataclass

from baraza.settings import Settings

INSTANCE_ACTOR_NAME = "instance.actor"


@dataclass(frozen=True)
class ActorUrls:
    id: str
    inbox: str
    outbox: str
    followers: str
    following: str
    moderators: str
    profile: str
    key_id: str


def actor_path(kind: str, name: str) -> str:
    """Members live under /users/, spaces under /spaces/, the instance actor at /actor."""
    if kind == "Application":
        return "/actor"
    if kind == "Group":
        return f"/spaces/{name}"
    return f"/users/{name}"


def actor_urls(settings: Settings, kind: str, name: str) -> ActorUrls:
    base = settings.url(actor_path(kind, name))
    profile = settings.url(f"/@{name}") if kind != "Application" else settings.base_url + "/"
    return ActorUrls(
        id=base,
        inbox=f"{base}/inbox",
        outbox=f"{base}/outbox",
        followers=f"{base}/followers",
        following=f"{base}/following",
        moderators=f"{base}/moderators",
        profile=profile,
        key_id=f"{base}#main-key",
    )


def shared_inbox(settings: Settings) -> str:
    return settings.url("/inbox")


def post_url(settings: Settings, author: str, post_id: int) -> str:
    return settings.url(f"/users/{author}/statuses/{post_id}")


def activity_url(settings: Settings, activity_id: int) -> str:
    return settings.url(f"/activities/{activity_id}")
