"""The directory of spaces: the public spaces anyone may find, join or read (logged out too,
while the instance allows it). A private space is never listed, to anyone: its members find
it among their own spaces, and nobody else may learn that it exists (`actors.existence`)."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.queryset import QuerySet

from storage.models import Actor

ORDERS = {"new": "-id", "alpha": "local_username"}


@dataclass(frozen=True)
class Listing:
    """What decides whether an actor is listed."""

    is_group: bool
    local: bool
    private: bool
    suspended: bool


def listed(actor: Listing) -> bool:
    """Local public spaces that are not suspended; nothing else is a space of this instance."""
    return actor.is_group and actor.local and not actor.private and not actor.suspended


def directory(order: str = "new") -> QuerySet[Actor]:
    """The query for `listed`, newest first (or by name with `alpha`)."""
    query = Actor.filter(type="Group", local=True, private=False, suspended_at=None)
    return query.order_by(ORDERS.get(order, ORDERS["new"]), "id")
