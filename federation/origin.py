"""Whether the signer of an inbound activity may say what it says.

A valid HTTP signature proves only that some key's owner sent these bytes. Without the checks
here, any account on any server could sign a `Create` of a note "by" someone else, `Update`
another server's actor to change its key, or `Delete` posts it doesn't own. The rule that
makes federation safe is *same origin*: an actor speaks for itself, and for objects on its own
host. The inbox runs `check_origin` after the signature verifies and before any handler.

What this cannot decide without storage is left to handlers, and said where: whether a
deleted object really belongs to the actor, whether an Undo'ne activity exists, whether an
Accept answers a Follow we sent.

Refusals of real traffic, on purpose: Lemmy moderators on one instance act on another's
community directly (`Update` of the community `Group`, `Delete` of a member's comment). Both
reach us again wrapped in the community's own `Announce`, which is accepted (and its embedded
object refetched), so refusing the direct copy loses nothing and keeps the rule simple.
"""

from __future__ import annotations

import enum
from typing import Any

from federation.activities import ACTOR_TYPES, Incoming, same_host
from federation.errors import BadSignature, Refused

__all__ = ["ACTOR_TYPES", "EmbeddedTrust", "check_origin"]


class EmbeddedTrust(enum.Enum):
    """What a handler may do with `activity.object` once `check_origin` has passed."""

    NONE = "none"
    """Nothing is embedded: the object is an id (look it up, or fetch it from its origin)."""

    TRUSTED = "trusted"
    """The embedded object is the actor's own and was checked: use it as sent."""

    UNTRUSTED = "untrusted"
    """The embedded object is someone else's (a boosted post, our own Follow, a reported
    note): use only its id, and refetch from its origin or read our copy for anything else."""


def check_origin(activity: Incoming, signer_actor_id: str) -> EmbeddedTrust:
    """Refuse an activity its signer may not send; say how far its embedded object is trusted.

    `signer_actor_id` is the owner of the key that signed the request. Raises `BadSignature`
    (401) when that owner is not the activity's actor, `Refused` (403) when the activity
    speaks for something on another host.

    By type:
    - `Create`/`Update`: the object lives on the actor's host and is attributed to the actor
      (Lemmy/Mobilizon/PeerTube list the group too: the actor need only be among them). An
      `Update` of an actor must be the actor updating itself.
    - `Delete`: the object (or tombstone) is on the actor's host; ownership is the handler's.
    - `Undo`: an embedded inner activity is the actor's own (same actor, id on its host).
    - `Accept`/`Reject` of a `Follow`: the followed party must be the accepting actor; the
      Follow itself is usually ours, so its host is not checked and it is `UNTRUSTED`.
    - `Announce`: boosts anything from anywhere, so its embedded object is `UNTRUSTED`.
    - `Flag`, and every other type: no object rule (instance actors report others' posts);
      an embedded object is `UNTRUSTED`.
    """
    if activity.actor != signer_actor_id:
        raise BadSignature("signature does not belong to the activity's actor")
    if activity.id is not None and not same_host(activity.id, activity.actor):
        raise Refused("activity id is not on the actor's host")
    embedded = activity.object if isinstance(activity.object, dict) else None
    if activity.type in ("Create", "Update"):
        _check_authored(activity, embedded)
    elif activity.type == "Delete":
        _check_object_host(activity)
    elif activity.type == "Undo" and embedded is not None:
        _check_inner_is_own(activity.actor, embedded)
    elif activity.type in ("Accept", "Reject") and embedded is not None:
        _check_follow_is_of_actor(activity.actor, embedded)
        return EmbeddedTrust.UNTRUSTED
    else:
        return EmbeddedTrust.NONE if embedded is None else EmbeddedTrust.UNTRUSTED
    return EmbeddedTrust.NONE if embedded is None else EmbeddedTrust.TRUSTED


def _check_authored(activity: Incoming, embedded: dict[str, Any] | None) -> None:
    _check_object_host(activity)
    if embedded is None:
        return  # by reference: the handler fetches it from its (now checked) origin
    if activity.type == "Update" and activity.object_type in ACTOR_TYPES:
        if activity.object_id != activity.actor:
            raise Refused("an actor may only update itself")
        return
    if activity.actor not in _ids(embedded.get("attributedTo")):
        raise Refused("object is not attributed to the activity's actor")


def _check_object_host(activity: Incoming) -> None:
    if activity.object_id is None:
        raise Refused(f"{activity.type} names no object id")
    if not same_host(activity.object_id, activity.actor):
        raise Refused(f"{activity.type} of an object on another host than the actor's")


def _check_inner_is_own(actor: str, inner: dict[str, Any]) -> None:
    """An actor can only undo what it did itself; the handler checks the activity exists.

    Some peers leave the inner `actor` out; the inner id, on the actor's host, then suffices.
    """
    inner_actors = _ids(inner.get("actor"))
    if inner_actors and actor not in inner_actors:
        raise Refused("Undo of an activity by another actor")
    inner_id = inner.get("id")
    if not isinstance(inner_id, str):
        if not inner_actors:
            raise Refused("Undo of an activity that names neither its actor nor its id")
    elif not same_host(inner_id, actor):
        raise Refused("Undo of an activity whose id is on another host")


def _check_follow_is_of_actor(actor: str, inner: dict[str, Any]) -> None:
    """Only the followed party may accept or reject a follow of it."""
    inner_type = inner.get("type")
    if inner_type != "Follow" and not (isinstance(inner_type, list) and "Follow" in inner_type):
        return
    followed = _ids(inner.get("object"))
    if followed and actor not in followed:
        raise Refused("Accept or Reject of a Follow of another actor")


def _ids(value: object) -> tuple[str, ...]:
    """Ids from the shapes peers use: an id, an embedded object, or a list of either.

    The embedded object was already validated by `parse_activity`, so this only collects.
    """
    items = value if isinstance(value, list) else [value]
    found = (item.get("id") if isinstance(item, dict) else item for item in items)
    return tuple(i for i in found if isinstance(i, str))
