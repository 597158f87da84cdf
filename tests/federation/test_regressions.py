"""Attacks the fediverse has actually seen, each kept as a named test so it cannot come back.

Every case is signed with a key we trust (the attacker is a real, reachable server), so what
stops it is the origin, visibility or parsing rule it names, not the signature check.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest

from actors.accounts import create_member
from federation.activities import PUBLIC
from federation.errors import Refused
from federation.remote_actors import actor_fields
from inbox import processor
from outbox.actions import create_post
from outbox.reading import remote_requester, subject_of
from outbox.visibility import ANONYMOUS, may_see
from storage.models import Activity, Actor, Announce, Post
from tests.inbox.signed import _KEYS, body_of, remote_peer

AS = "https://www.w3.org/ns/activitystreams"


async def _post(client, doc: dict, peer) -> tuple[int, dict]:
    body = body_of(doc)
    response = await client.post("/inbox", data=body, headers=peer.signed_headers("/inbox", body))
    return response.status_code, await response.get_json(force=True, silent=True)


async def _refused(client, doc: dict, peer, status: int, reason: str) -> None:
    code, payload = await _post(client, doc, peer)
    assert code == status, payload
    assert reason in payload["error"], payload
    assert await Activity.filter(local=False).count() == 0


def _create(actor: str, *, note_id: str, attributed_to: str) -> dict:
    host = urlsplit(actor).netloc
    return {
        "@context": AS,
        "id": f"https://{host}/activities/create-1",
        "type": "Create",
        "actor": actor,
        "to": [PUBLIC],
        "object": {
            "id": note_id,
            "type": "Note",
            "attributedTo": attributed_to,
            "content": "forged words",
            "to": [PUBLIC],
        },
    }


async def test_forged_actor_on_another_host_is_refused(app, client) -> None:
    """A server signs an activity claiming to be by someone on another server."""
    peer = await remote_peer()
    victim = "https://victim.example/users/vera"
    doc = _create(victim, note_id="https://victim.example/notes/1", attributed_to=victim)
    await _refused(client, doc, peer, 401, "actor")


async def test_forged_attributed_to_across_hosts_is_refused(app, client) -> None:
    """The actor is honest but the note is attributed to a victim elsewhere (impersonation)."""
    peer = await remote_peer()
    doc = _create(
        peer.uri,
        note_id="https://remote.example/notes/1",
        attributed_to="https://victim.example/users/vera",
    )
    await _refused(client, doc, peer, 403, "attributed")


async def test_forged_attributed_to_on_the_same_host_is_refused(app, client) -> None:
    """One account on a server may not author notes as another account there either."""
    peer = await remote_peer()
    doc = _create(
        peer.uri,
        note_id="https://remote.example/notes/1",
        attributed_to="https://remote.example/users/someone-else",
    )
    await _refused(client, doc, peer, 403, "attributed")


async def test_object_whose_id_is_on_another_host_is_refused(app, client) -> None:
    """A Create that would plant a note under another server's URL (and later shadow it)."""
    peer = await remote_peer()
    doc = _create(peer.uri, note_id="https://victim.example/notes/1", attributed_to=peer.uri)
    await _refused(client, doc, peer, 403, "host")


async def test_update_of_someone_elses_actor_is_refused(app, client) -> None:
    """An Update swapping another actor's key or inbox (account takeover by profile update)."""
    peer = await remote_peer()
    neighbour = await remote_peer(name="neighbour")
    doc = {
        "@context": AS,
        "id": "https://remote.example/activities/update-1",
        "type": "Update",
        "actor": peer.uri,
        "object": {
            "id": neighbour.uri,
            "type": "Person",
            "inbox": "https://remote.example/evil-inbox",
        },
    }
    await _refused(client, doc, peer, 403, "only update itself")
    stored = await Actor.get(uri=neighbour.uri)
    assert stored.inbox_url == f"{neighbour.uri}/inbox"


async def test_update_of_an_actor_on_another_host_is_refused(app, client) -> None:
    peer = await remote_peer()
    doc = {
        "@context": AS,
        "id": "https://remote.example/activities/update-2",
        "type": "Update",
        "actor": peer.uri,
        "object": {"id": "https://victim.example/users/vera", "type": "Person"},
    }
    await _refused(client, doc, peer, 403, "another host")


async def test_signature_by_one_actor_for_another_actors_activity_is_401(app, client) -> None:
    """The key's owner is not the activity's actor (the classic Mastodon key/actor mismatch)."""
    peer = await remote_peer()
    other = await remote_peer(name="other")
    doc = {
        "id": "https://remote.example/activities/like-1",
        "type": "Like",
        "actor": other.uri,
        "object": "https://testserver.example/users/x/statuses/1",
    }
    await _refused(client, doc, peer, 401, "actor")


def _actor_doc(actor_id: str, owner: str, key_id: str | None = None) -> dict:
    return {
        "id": actor_id,
        "type": "Person",
        "preferredUsername": "mallory",
        "inbox": f"{actor_id}/inbox",
        "publicKey": {
            "id": key_id or f"{actor_id}#main-key",
            "owner": owner,
            "publicKeyPem": _KEYS.public_pem,
        },
    }


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        (
            _actor_doc("https://remote.example/users/m", owner="https://remote.example/users/v"),
            "key owner mismatch",
        ),
        (
            _actor_doc("https://remote.example/users/m", owner="https://victim.example/users/v"),
            "key owner mismatch",
        ),
        (
            _actor_doc(
                "https://remote.example/users/m",
                owner="https://remote.example/users/m",
                key_id="https://victim.example/users/v#main-key",
            ),
            "not on its own host",
        ),
    ],
    ids=["owner-same-host", "owner-other-host", "key-id-other-host"],
)
def test_actor_document_whose_key_belongs_to_someone_else_is_refused(doc, reason) -> None:
    with pytest.raises(Refused, match=reason):
        actor_fields(doc, doc["id"])


async def test_announce_of_a_private_local_post_does_not_reveal_it(app, client, settings) -> None:
    """Boosting a followers-only post must not turn it public (Mastodon's "boost leak")."""
    alice = await create_member(settings, "alice")
    private = await create_post(settings, alice, "<p>only followers</p>", visibility="followers")
    peer = await remote_peer()
    doc = {
        "@context": AS,
        "id": "https://remote.example/activities/announce-1",
        "type": "Announce",
        "actor": peer.uri,
        "to": [PUBLIC],
        "object": private.uri,
    }
    code, payload = await _post(client, doc, peer)
    assert code == 202, payload
    await processor.drain()
    row = await Activity.get(uri=doc["id"])
    # Refused by the one boost action (the booster may not see the post), recorded as such.
    assert (row.state, row.error) == ("failed", "Record not found")
    assert not await Announce.filter(post_id=private.id).exists()
    post = await Post.get(id=private.id)
    assert post.visibility == "followers"
    assert not may_see(subject_of(post, False), ANONYMOUS)
    assert not may_see(subject_of(post, False), await remote_requester(post, peer.actor))
    response = await client.get(
        urlsplit(private.uri).path, headers={"Accept": "application/activity+json"}
    )
    assert response.status_code in (401, 403, 404)
    assert b"only followers" not in await response.get_data()


@pytest.mark.parametrize(
    ("context", "reason"),
    [
        ([AS, {"actor": "as:object"}], "redefines 'actor'"),
        ([AS, {"id": "@type"}], "redefines 'id'"),
        ([AS, {"sneaky": "@id"}], "alias of @id"),
        ([AS, {"to": {"@id": "as:bcc"}}], "redefines 'to'"),
        ([AS, 42], "@context entries"),
    ],
    ids=["actor-as-object", "id-as-type", "alias-of-id", "to-as-bcc", "number"],
)
async def test_json_ld_context_tricks_are_refused(app, client, context, reason) -> None:
    """A context that makes our reading and a JSON-LD processor's differ is refused outright."""
    peer = await remote_peer()
    doc = {
        "@context": context,
        "id": "https://remote.example/activities/ctx-1",
        "type": "Like",
        "actor": peer.uri,
        "object": "https://remote.example/notes/1",
    }
    await _refused(client, doc, peer, 400, reason)


async def test_ordinary_extension_context_is_accepted(app, client) -> None:
    """Mastodon's own extensions must still pass: the refusal above is not a blanket one."""
    peer = await remote_peer()
    doc = {
        "@context": [
            AS,
            "https://w3id.org/security/v1",
            {"toot": "http://joinmastodon.org/ns#", "sensitive": "as:sensitive"},
        ],
        "id": "https://remote.example/activities/ctx-ok",
        "type": "Like",
        "actor": peer.uri,
        "object": "https://remote.example/notes/1",
    }
    code, payload = await _post(client, doc, peer)
    assert code == 202, payload


async def test_to_array_of_100000_entries_is_400(app, client) -> None:
    """Fan-out amplification: one activity addressed to everyone, sized to fit under 1 MiB."""
    peer = await remote_peer()
    doc = {
        "id": "https://remote.example/activities/huge-to",
        "type": "Like",
        "actor": peer.uri,
        "object": "https://remote.example/notes/1",
        "to": ["Public"] * 100_000,
    }
    await _refused(client, doc, peer, 400, "too many recipients")


async def test_ids_wider_than_the_database_columns_are_400(app, client) -> None:
    """Found by the inbox fuzzer: a 600-character id used to reach the database and 500."""
    peer = await remote_peer()
    doc = {
        "id": "https://remote.example/" + "a" * 600,
        "type": "Like",
        "actor": peer.uri,
        "object": "https://remote.example/notes/" + "b" * 600,
    }
    await _refused(client, doc, peer, 400, "longer than")


@pytest.mark.parametrize(
    "name",
    [
        "\u0430lice",  # Cyrillic small a
        "ａｌｉｃｅ",  # fullwidth
        "al\u0131ce",  # dotless i
        "alice\u200b",  # zero-width space
        "a\u0301lice",  # combining accent
    ],
    ids=["cyrillic-a", "fullwidth", "dotless-i", "zero-width", "combining"],
)
async def test_unicode_homoglyph_username_in_webfinger_is_404(app, client, settings, name) -> None:
    """A look-alike handle must not resolve to the real member (or to anything at all)."""
    await create_member(settings, "alice")
    real = await client.get("/.well-known/webfinger?resource=acct:alice@testserver.example")
    assert real.status_code == 200
    resource = quote(f"acct:{name}@testserver.example")
    response = await client.get(f"/.well-known/webfinger?resource={resource}")
    assert response.status_code == 404, await response.get_data()
    assert "error" in await response.get_json(force=True)
