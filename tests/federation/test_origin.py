"""Same-origin checks: an actor speaks for itself and for objects on its own host."""

from __future__ import annotations

from typing import Any

import pytest

from federation.activities import PUBLIC, parse_activity
from federation.errors import BadSignature, FederationError, Refused
from federation.origin import EmbeddedTrust, check_origin

ALICE = "https://a.example/users/alice"
ALICE_NOTE = "https://a.example/notes/1"
BOB = "https://b.example/users/bob"
BOB_NOTE = "https://b.example/notes/9"
GROUP = "https://c.example/c/main"


def act(type_: str, obj: object, *, actor: str = ALICE, id_: str | None = None) -> dict[str, Any]:
    host = actor.split("/")[2]
    return {
        "id": id_ or f"https://{host}/activities/{type_.lower()}/1",
        "type": type_,
        "actor": actor,
        "object": obj,
        "to": [PUBLIC],
    }


def note(id_: str = ALICE_NOTE, attributed: object = ALICE) -> dict[str, Any]:
    return {"id": id_, "type": "Note", "attributedTo": attributed, "content": "hi"}


def person(id_: str) -> dict[str, Any]:
    return {"id": id_, "type": "Person", "inbox": f"{id_}/inbox"}


# (activity, signer, expected trust, why)
ALLOWED = [
    (act("Create", note()), ALICE, EmbeddedTrust.TRUSTED, "an actor creating its own note"),
    (act("Create", ALICE_NOTE), ALICE, EmbeddedTrust.NONE, "by reference: fetched from its origin"),
    (act("Update", note()), ALICE, EmbeddedTrust.TRUSTED, "an actor editing its own note"),
    (act("Update", person(ALICE)), ALICE, EmbeddedTrust.TRUSTED, "an actor updating its profile"),
    (
        act("Create", note(attributed=[{"type": "Person", "id": ALICE}, GROUP])),
        ALICE,
        EmbeddedTrust.TRUSTED,
        "Lemmy/Mobilizon attributedTo list with the group",
    ),
    (
        act("Announce", act("Create", note(BOB_NOTE, BOB), actor=BOB), actor=GROUP),
        GROUP,
        EmbeddedTrust.UNTRUSTED,
        "a community announcing a Create from another host: refetch, don't trust",
    ),
    (act("Announce", BOB_NOTE), ALICE, EmbeddedTrust.NONE, "boosting a foreign post by id"),
    (act("Delete", ALICE), ALICE, EmbeddedTrust.NONE, "Mastodon deleting its own actor"),
    (
        act("Delete", {"id": ALICE_NOTE, "type": "Tombstone"}),
        ALICE,
        EmbeddedTrust.TRUSTED,
        "deleting an own note via a tombstone",
    ),
    (
        act(
            "Undo",
            {"id": "https://a.example/likes/1", "type": "Like", "actor": ALICE, "object": BOB_NOTE},
        ),
        ALICE,
        EmbeddedTrust.TRUSTED,
        "undoing an own like of a foreign note",
    ),
    (
        act("Undo", {"id": "https://a.example/follows/1", "type": "Follow"}),
        ALICE,
        EmbeddedTrust.TRUSTED,
        "inner actor left out: the inner id on the actor's host suffices",
    ),
    (
        act(
            "Accept",
            {"id": "https://b.example/follows/1", "type": "Follow", "actor": BOB, "object": ALICE},
        ),
        ALICE,
        EmbeddedTrust.UNTRUSTED,
        "accepting our follow: no host check on the inner Follow, matched by id",
    ),
    (act("Reject", "https://b.example/follows/1"), ALICE, EmbeddedTrust.NONE, "rejecting by id"),
    (
        act("Flag", [BOB, BOB_NOTE], actor="https://a.example/actor"),
        "https://a.example/actor",
        EmbeddedTrust.NONE,
        "an instance actor reporting foreign posts",
    ),
    (
        act("Like", note(BOB_NOTE, BOB)),
        ALICE,
        EmbeddedTrust.UNTRUSTED,
        "a like embedding the liked note",
    ),
    (act("Follow", BOB), ALICE, EmbeddedTrust.NONE, "following someone elsewhere"),
    ({**act("Create", note()), "id": None}, ALICE, EmbeddedTrust.TRUSTED, "no activity id"),
]


@pytest.mark.parametrize(("doc", "signer", "trust", "why"), ALLOWED, ids=[c[3] for c in ALLOWED])
def test_check_origin_allows(
    doc: dict[str, Any], signer: str, trust: EmbeddedTrust, why: str
) -> None:
    doc = {k: v for k, v in doc.items() if v is not None}
    assert check_origin(parse_activity(doc), signer) is trust, why


# (activity, signer, error type, reason substring, why)
REFUSED = [
    (act("Create", note()), BOB, BadSignature, "does not belong", "key owner is not the actor"),
    (
        act("Create", note(), actor=ALICE),
        "https://a.example/users/mallory",
        BadSignature,
        "does not belong",
        "key of another account on the same host",
    ),
    (
        act("Create", note(), id_="https://b.example/activities/1"),
        ALICE,
        Refused,
        "activity id is not on the actor's host",
        "activity id on another host",
    ),
    (
        act("Create", note(BOB_NOTE, ALICE)),
        ALICE,
        Refused,
        "another host",
        "creating an object with an id on another host",
    ),
    (act("Create", BOB_NOTE), ALICE, Refused, "another host", "by reference, on another host"),
    (
        act("Create", note(attributed=BOB)),
        ALICE,
        Refused,
        "not attributed",
        "attributedTo someone else",
    ),
    (
        act("Create", note(attributed="https://a.example/users/carol")),
        ALICE,
        Refused,
        "not attributed",
        "attributedTo a neighbour on the same host",
    ),
    (act("Create", note(attributed=None)), ALICE, Refused, "not attributed", "no attributedTo"),
    (
        act("Create", {"type": "Note", "attributedTo": ALICE}),
        ALICE,
        Refused,
        "no object id",
        "transient object",
    ),
    (act("Update", person(BOB)), ALICE, Refused, "another host", "Update of someone else's actor"),
    (
        act("Update", person("https://a.example/users/carol")),
        ALICE,
        Refused,
        "only update itself",
        "Update of a neighbour's actor on the same host",
    ),
    (
        act("Update", note(BOB_NOTE, BOB), actor=BOB),
        ALICE,
        BadSignature,
        "does not belong",
        "forged actor",
    ),
    (act("Delete", BOB_NOTE), ALICE, Refused, "another host", "deleting a foreign note"),
    (act("Delete", BOB), ALICE, Refused, "another host", "deleting a foreign actor"),
    (
        act("Delete", {"id": BOB_NOTE, "type": "Tombstone"}),
        ALICE,
        Refused,
        "another host",
        "foreign tombstone",
    ),
    (
        act(
            "Undo",
            {"id": "https://b.example/likes/1", "type": "Like", "actor": BOB, "object": ALICE_NOTE},
        ),
        ALICE,
        Refused,
        "by another actor",
        "undoing someone else's like",
    ),
    (
        act("Undo", {"id": "https://b.example/likes/1", "type": "Like", "actor": ALICE}),
        ALICE,
        Refused,
        "id is on another host",
        "undoing an activity whose id is elsewhere",
    ),
    (act("Undo", {"type": "Like"}), ALICE, Refused, "neither", "an Undo of nothing identifiable"),
    (
        act(
            "Accept",
            {"id": "https://a.example/follows/1", "type": "Follow", "actor": ALICE, "object": BOB},
        ),
        "https://c.example/users/carol",
        BadSignature,
        "does not belong",
        "accept signed by a third party",
    ),
    (
        act(
            "Accept",
            {"id": "https://a.example/follows/1", "type": "Follow", "actor": ALICE, "object": BOB},
            actor=GROUP,
        ),
        GROUP,
        Refused,
        "Follow of another actor",
        "accepting a follow of someone else",
    ),
]


@pytest.mark.parametrize(
    ("doc", "signer", "error", "reason", "why"), REFUSED, ids=[c[4] for c in REFUSED]
)
def test_check_origin_refuses(
    doc: dict[str, Any], signer: str, error: type[FederationError], reason: str, why: str
) -> None:
    doc = {k: v for k, v in doc.items() if v is not None}
    with pytest.raises(error, match=reason) as caught:
        check_origin(parse_activity(doc), signer)
    assert caught.value.status == (401 if error is BadSignature else 403), why
