"""Pure decisions for Web Push: which alerts a subscription holds, whether a notification is
pushed to it, and the payload Mastodon's apps expect. No I/O; table-tested.

Mastodon's rules: a subscription lists an alert per notification type (all off unless the app
turns them on) and a `policy` over who may cause a push: `all`, `followed` (accounts the
member follows), `follower` (accounts that follow the member), `none`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ALERTS = (
    "mention",
    "status",
    "reblog",
    "follow",
    "follow_request",
    "favourite",
    "poll",
    "update",
    "admin.sign_up",
    "admin.report",
)
POLICIES = ("all", "followed", "follower", "none")
BODY_CHARACTERS = 140

TRUE = frozenset({"true", "1", "on", "yes"})


def parse_alerts(raw: object, base: Mapping[str, bool] | None = None) -> dict[str, bool]:
    """`data[alerts][TYPE]` from a form or JSON, over `base` (the current alerts on update).

    Unknown types are dropped; a value that is not a boolean or a boolean-like string is
    false, as Rails reads it."""
    alerts = {name: bool((base or {}).get(name, False)) for name in ALERTS}
    if isinstance(raw, Mapping):
        for name, value in raw.items():
            if name in alerts:
                alerts[name] = value is True or (isinstance(value, str) and value.lower() in TRUE)
    return alerts


@dataclass(frozen=True)
class Relation:
    """Between the member and the account that caused the notification."""

    member_follows_account: bool
    account_follows_member: bool


def wants_push(alerts: Mapping[str, bool], policy: str, type: str, relation: Relation) -> bool:
    if not alerts.get(type, False):
        return False
    if policy == "all":
        return True
    if policy == "followed":
        return relation.member_follows_account
    if policy == "follower":
        return relation.account_follows_member
    return False  # none, or anything unknown


TITLES = {
    "mention": "{name} mentioned you",
    "status": "{name} just posted",
    "reblog": "{name} boosted your post",
    "follow": "{name} followed you",
    "follow_request": "{name} wants to follow you",
    "favourite": "{name} favourited your post",
    "poll": "A poll has ended",
    "update": "{name} edited a post",
}


def payload(
    *,
    notification_id: int,
    type: str,
    access_token: str,
    locale: str,
    icon: str,
    account_name: str,
    account_acct: str,
    post_text: str | None,
) -> dict[str, Any]:
    """The JSON Mastodon's push worker sends (Web::NotificationSerializer's fields)."""
    title = TITLES.get(type, "{name}").format(name=account_name or account_acct)
    text = post_text if post_text else f"@{account_acct}"
    if len(text) > BODY_CHARACTERS:
        text = text[: BODY_CHARACTERS - 1].rstrip() + "…"
    return {
        "access_token": access_token,
        "preferred_locale": locale,
        "notification_id": str(notification_id),
        "notification_type": type,
        "icon": icon,
        "title": title,
        "body": text,
    }
