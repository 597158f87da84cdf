"""Every refusal of the inbox gate: the right status, a JSON error, and nothing stored."""

from __future__ import annotations

import time

import pytest

from storage.models import Activity, DomainBlock
from tests.inbox.signed import body_of, remote_peer

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def note_create(actor: str, host: str, object_host: str | None = None) -> dict:
    object_host = object_host or host
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"https://{host}/activities/1",
        "type": "Create",
        "actor": actor,
        "to": [PUBLIC],
        "object": {
            "id": f"https://{object_host}/notes/1",
            "type": "Note",
            "attributedTo": actor,
            "content": "hi",
            "to": [PUBLIC],
        },
    }


async def _post(client, path: str, body: bytes, headers: dict) -> tuple[int, dict]:
    response = await client.post(path, data=body, headers=headers)
    return response.status_code, await response.get_json()


async def _assert_refused(client, path, body, headers, status, reason_part) -> None:
    code, payload = await _post(client, path, body, headers)
    assert code == status, payload
    assert reason_part in payload["error"], payload
    assert await Activity.filter(local=False).count() == 0


async def test_oversized_body_is_413(app, client) -> None:
    peer = await remote_peer()
    body = b'{"x": "' + b"a" * (1024 * 1024 + 10) + b'"}'
    await _assert_refused(client, "/inbox", body, peer.signed_headers("/inbox", body), 413, "large")


async def test_wrong_content_type_is_415(app, client) -> None:
    peer = await remote_peer()
    body = body_of(note_create(peer.uri, peer.host))
    headers = peer.signed_headers("/inbox", body, content_type="text/plain")
    await _assert_refused(client, "/inbox", body, headers, 415, "activity+json")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "object"),
        (b"[" * 5000 + b"]" * 5000, "JSON"),
        (b'{"type": "Create"}', "actor"),
        (b'{"actor": "https://remote.example/users/rita"}', "type"),
    ],
)
async def test_malformed_json_is_400(app, client, body: bytes, reason: str) -> None:
    peer = await remote_peer()
    await _assert_refused(client, "/inbox", body, peer.signed_headers("/inbox", body), 400, reason)


async def test_missing_signature_is_401(app, client) -> None:
    await remote_peer()
    body = body_of(note_create("https://remote.example/users/rita", "remote.example"))
    headers = {"Content-Type": "application/activity+json"}
    await _assert_refused(client, "/inbox", body, headers, 401, "signature")


async def test_tampered_body_is_401(app, client) -> None:
    peer = await remote_peer()
    body = body_of(note_create(peer.uri, peer.host))
    headers = peer.signed_headers("/inbox", body)
    tampered = body.replace(b"hi", b"ho")
    await _assert_refused(client, "/inbox", tampered, headers, 401, "Digest")


async def test_stale_signature_is_401(app, client) -> None:
    peer = await remote_peer()
    body = body_of(note_create(peer.uri, peer.host))
    headers = peer.signed_headers("/inbox", body, now=time.time() - 13 * 3600)
    await _assert_refused(client, "/inbox", body, headers, 401, "old")


async def test_signature_for_another_path_is_401(app, client) -> None:
    peer = await remote_peer()
    body = body_of(note_create(peer.uri, peer.host))
    headers = peer.signed_headers("/users/someone/inbox", body)
    await _assert_refused(client, "/inbox", body, headers, 401, "signature")


async def test_key_owner_must_be_the_actor(app, client) -> None:
    peer = await remote_peer()
    await remote_peer(name="other")
    body = body_of(note_create("https://remote.example/users/other", peer.host))
    await _assert_refused(client, "/inbox", body, peer.signed_headers("/inbox", body), 401, "actor")


async def test_suspended_domain_is_403_before_any_key_fetch(app, client) -> None:
    peer = await remote_peer(host="hostile.example")
    await DomainBlock.create(domain="hostile.example", severity="suspend")
    body = body_of(note_create(peer.uri, peer.host))
    await _assert_refused(
        client, "/inbox", body, peer.signed_headers("/inbox", body), 403, "federate"
    )


async def test_subdomain_of_suspended_domain_is_403(app, client) -> None:
    peer = await remote_peer(host="social.hostile.example")
    await DomainBlock.create(domain="hostile.example", severity="suspend")
    body = body_of(note_create(peer.uri, peer.host))
    await _assert_refused(
        client, "/inbox", body, peer.signed_headers("/inbox", body), 403, "federate"
    )


async def test_object_on_another_host_is_403(app, client) -> None:
    peer = await remote_peer()
    body = body_of(note_create(peer.uri, peer.host, object_host="victim.example"))
    await _assert_refused(client, "/inbox", body, peer.signed_headers("/inbox", body), 403, "host")


async def test_unknown_inbox_is_404(app, client) -> None:
    peer = await remote_peer()
    body = body_of(note_create(peer.uri, peer.host))
    path = "/users/nobody/inbox"
    await _assert_refused(client, path, body, peer.signed_headers(path, body), 404, "no such")


async def test_replay_answers_202_and_changes_nothing(app, client) -> None:
    peer = await remote_peer()
    body = body_of(note_create(peer.uri, peer.host))
    code, _ = await _post(client, "/inbox", body, peer.signed_headers("/inbox", body))
    assert code == 202
    assert await Activity.filter(local=False).count() == 1
    code, _ = await _post(client, "/inbox", body, peer.signed_headers("/inbox", body))
    assert code == 202
    assert await Activity.filter(local=False).count() == 1


async def test_unknown_type_is_accepted_and_ignored(app, client) -> None:
    from inbox import processor

    peer = await remote_peer()
    doc = {
        "id": f"https://{peer.host}/x/1",
        "type": "Wiggle",
        "actor": peer.uri,
        "object": "https://testserver.example/users/x",
    }
    body = body_of(doc)
    code, _ = await _post(client, "/inbox", body, peer.signed_headers("/inbox", body))
    assert code == 202
    await processor.drain()
    row = await Activity.get(uri=doc["id"])
    assert row.state == "handled"
