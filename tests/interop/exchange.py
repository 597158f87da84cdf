"""The exchange every independent peer goes through with a real `baraza serve`: follow both
ways, posts both ways, a reply, likes, boosts, edits, deletes, a poll vote, a public space's
posts, and undo. Each step waits until the receiving side holds the result: Baraza's database,
or the activities the peer verified and recorded (with what it fetched, signed, about each).
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import aiohttp

from tests.e2e.peek import c2s, scalar
from tests.interop.peers import PUBLIC, Peer, api, local_id, wait_for


def _of(
    entries: list[dict[str, Any]],
    kind: str,
    actor: str | None = None,
    object: str | None = None,
    in_reply_to: str | None = None,
) -> list[dict[str, Any]]:
    """Recorded activities of `kind` by `actor`, about `object`, replying to `in_reply_to`."""
    out = []
    for entry in entries:
        activity = entry["activity"]
        inner = activity.get("object")
        inner = inner if isinstance(inner, dict) else {"id": inner}
        if activity.get("type") != kind:
            continue
        if actor is not None and _id(activity.get("actor")) != actor:
            continue
        if object is not None and inner.get("id") != object:
            continue
        if in_reply_to is not None and _id(inner.get("inReplyTo")) != in_reply_to:
            continue
        out.append(entry)
    return out


def _id(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else value


async def exchange(baraza: Any, peer: Peer, style: str) -> None:
    """`style` is the signature style Baraza knocks with first; the peer must accept it."""
    await asyncio.to_thread(baraza.cli, "member", "add", "amina")
    await asyncio.to_thread(baraza.cli, "space", "add", "rights", "--public", "--owner", "amina")
    token = await asyncio.to_thread(baraza.token, "amina")
    amina = f"{baraza.base_url}/users/amina"
    space = f"{baraza.base_url}/spaces/rights"
    fred = peer.actor

    def logs() -> str:
        return f"--- baraza ---\n{baraza.log()[-4000:]}\n--- fedify ---\n{peer.log()[-4000:]}"

    async with aiohttp.ClientSession() as http:

        async def seen(kind: str, **match: Any) -> list[dict[str, Any]]:
            return _of(await peer.received(http), kind, **match)  # type: ignore[arg-type]

        async def count(sql: str, *args: Any) -> int:
            return int(await scalar(baraza, sql, *args) or 0)

        # Baraza follows Fedify: Fedify verifies the Follow and answers Accept.
        found = await api(http, baraza, token, "GET", f"/api/v2/search?q={fred}&resolve=true")
        fred_id = found["accounts"][0]["id"]
        await api(http, baraza, token, "POST", f"/api/v1/accounts/{fred_id}/follow")
        await wait_for(lambda: seen("Follow", actor=amina), "Fedify receives the Follow", logs)
        await wait_for(
            lambda: count(
                "SELECT COUNT(*) FROM follows f JOIN actors t ON t.id = f.target_id "
                "WHERE t.uri = ? AND f.accepted",
                fred,
            ),
            "Baraza records Fedify's Accept",
            logs,
        )

        # Fedify follows Baraza: Baraza verifies it and answers Accept, which Fedify verifies.
        follow_id = f"{peer.base_url}/follows/{uuid.uuid4()}"
        await peer.send(http, amina, {"id": follow_id, "type": "Follow", "object": amina})
        await wait_for(lambda: seen("Accept", actor=amina), "Fedify receives Baraza's Accept", logs)

        # Fedify posts; Baraza stores it (amina follows fred).
        note_id = f"{peer.base_url}/notes/{uuid.uuid4()}"
        note = {
            "id": note_id,
            "type": "Note",
            "attributedTo": fred,
            "content": "<p>Hearing on Tuesday</p>",
            "to": [PUBLIC],
            "cc": [f"{fred}/followers"],
            "published": "2026-11-29T10:00:00Z",
        }
        await peer.send(
            http,
            amina,
            {"id": f"{note_id}/create", "type": "Create", "object": note, "to": [PUBLIC]},
            note=note,
        )
        await wait_for(
            lambda: count("SELECT COUNT(*) FROM posts WHERE uri = ?", note_id),
            "Baraza stores Fedify's post",
            logs,
        )
        assert "Hearing on Tuesday" in await scalar(
            baraza, "SELECT content FROM posts WHERE uri = ?", note_id
        )
        fred_note = await local_id(baraza, note_id)

        # Baraza replies, likes and boosts it: Fedify verifies each, and fetches the reply.
        reply = await api(
            http,
            baraza,
            token,
            "POST",
            "/api/v1/statuses",
            {"status": "We will be there", "in_reply_to_id": fred_note, "visibility": "public"},
        )
        created = await wait_for(
            lambda: seen("Create", in_reply_to=note_id), "Fedify receives the reply", logs
        )
        assert created[0]["object"] and created[0]["object"]["id"] == reply["uri"], (
            f"Fedify could not fetch the reply: {created[0]}"
        )
        await api(http, baraza, token, "POST", f"/api/v1/statuses/{fred_note}/favourite")
        await api(http, baraza, token, "POST", f"/api/v1/statuses/{fred_note}/reblog")
        await wait_for(lambda: seen("Like", object=note_id), "Fedify receives the Like", logs)
        await wait_for(lambda: seen("Announce", object=note_id), "Fedify receives the boost", logs)

        # Baraza posts a poll; Fedify votes; Baraza counts the vote.
        poll = await api(
            http,
            baraza,
            token,
            "POST",
            "/api/v1/statuses",
            {
                "status": "Which day?",
                "visibility": "public",
                "poll": {"options": ["Monday", "Tuesday"], "expires_in": 3600},
            },
        )
        question = await wait_for(
            lambda: seen("Create", object=poll["uri"]), "Fedify receives the poll", logs
        )
        assert question[0]["activity"]["object"]["type"] == "Question", question
        await peer.send(
            http,
            amina,
            {
                "id": f"{peer.base_url}/votes/{uuid.uuid4()}/create",
                "type": "Create",
                "to": [amina],
                "object": {
                    "id": f"{peer.base_url}/votes/{uuid.uuid4()}",
                    "type": "Note",
                    "attributedTo": fred,
                    "name": "Tuesday",
                    "inReplyTo": poll["uri"],
                    "to": [amina],
                },
            },
        )

        async def tuesday_votes() -> int:
            status = await api(http, baraza, token, "GET", f"/api/v1/statuses/{poll['id']}")
            return status["poll"]["options"][1]["votes_count"]

        await wait_for(tuesday_votes, "Baraza counts Fedify's vote", logs)

        # Fedify likes and boosts amina's post; Baraza counts both.
        sent = {
            kind: f"{peer.base_url}/{kind.lower()}s/{uuid.uuid4()}" for kind in ("Like", "Announce")
        }
        for kind in ("Like", "Announce"):
            await peer.send(
                http,
                amina,
                {
                    "id": sent[kind],
                    "type": kind,
                    "object": poll["uri"],
                    "to": [PUBLIC, amina] if kind == "Announce" else [amina],
                },
            )
        for table in ("likes", "announces"):
            await wait_for(
                lambda table=table: count(
                    f"SELECT COUNT(*) FROM {table} n JOIN posts p ON p.id = n.post_id "
                    "WHERE p.uri = ?",
                    poll["uri"],
                ),
                f"Baraza stores Fedify's {table[:-1]}",
                logs,
            )

        # The peer posts a poll; Baraza stores it and amina's vote reaches the peer.
        question_id = f"{peer.base_url}/notes/{uuid.uuid4()}"
        question = {
            "id": question_id,
            "type": "Question",
            "attributedTo": fred,
            "content": "<p>Where should we meet?</p>",
            "oneOf": [
                {
                    "type": "Note",
                    "name": "Office",
                    "replies": {"type": "Collection", "totalItems": 0},
                },
                {
                    "type": "Note",
                    "name": "Court",
                    "replies": {"type": "Collection", "totalItems": 0},
                },
            ],
            "endTime": "2099-01-01T00:00:00Z",
            "to": [PUBLIC],
            "cc": [f"{fred}/followers"],
            "published": "2026-11-29T11:00:00Z",
        }
        await peer.send(
            http,
            amina,
            {"id": f"{question_id}/create", "type": "Create", "object": question, "to": [PUBLIC]},
            note=question,
        )
        await wait_for(
            lambda: count("SELECT COUNT(*) FROM posts WHERE uri = ?", question_id),
            "Baraza stores the peer's poll",
            logs,
        )
        peer_poll = await api(
            http, baraza, token, "GET", f"/api/v1/statuses/{await local_id(baraza, question_id)}"
        )
        await api(
            http,
            baraza,
            token,
            "POST",
            f"/api/v1/polls/{peer_poll['poll']['id']}/votes",
            {"choices": [1]},
        )
        vote = await wait_for(
            lambda: seen("Create", in_reply_to=question_id), "the peer receives amina's vote", logs
        )
        assert vote[0]["activity"]["object"].get("name") == "Court", vote

        # Edits both ways.
        edited = {**note, "content": "<p>Hearing moved to Wednesday</p>"}
        await peer.send(
            http,
            amina,
            {"id": f"{note_id}/update/1", "type": "Update", "object": edited, "to": [PUBLIC]},
            note=edited,
        )
        await wait_for(
            lambda: _contains(baraza, note_id, "Wednesday"), "Baraza applies Fedify's edit", logs
        )
        await api(
            http,
            baraza,
            token,
            "PUT",
            f"/api/v1/statuses/{reply['id']}",
            {"status": "We will be there on Wednesday"},
        )
        await wait_for(
            lambda: seen("Update", object=reply["uri"]), "Fedify receives Baraza's edit", logs
        )

        # The public space: Fedify joins it, hears its posts, and posts to it.
        join_id = f"{peer.base_url}/follows/{uuid.uuid4()}"
        await peer.send(http, space, {"id": join_id, "type": "Follow", "object": space})
        await wait_for(lambda: seen("Accept", actor=space), "the space accepts Fedify", logs)
        in_space = await c2s(
            http,
            baraza,
            "amina",
            token,
            {"type": "Note", "content": "<p>Space meeting at noon</p>", "to": [PUBLIC, space]},
        )
        await wait_for(
            lambda: seen("Announce", actor=space, object=in_space["id"]),
            "the space announces amina's post to Fedify",
            logs,
        )
        space_note_id = f"{peer.base_url}/notes/{uuid.uuid4()}"
        space_note = {
            "id": space_note_id,
            "type": "Note",
            "attributedTo": fred,
            "content": "<p>From the partner NGO</p>",
            "to": [PUBLIC, space],
            "audience": space,
        }
        await peer.send(
            http,
            space,
            {
                "id": f"{space_note_id}/create",
                "type": "Create",
                "object": space_note,
                "to": [PUBLIC, space],
            },
            note=space_note,
        )
        await wait_for(
            lambda: count(
                "SELECT COUNT(*) FROM posts p JOIN actors s ON s.id = p.space_id "
                "WHERE p.uri = ? AND s.uri = ?",
                space_note_id,
                space,
            ),
            "Baraza stores Fedify's post in the space",
            logs,
        )
        await wait_for(
            lambda: count(
                "SELECT COUNT(*) FROM announces n JOIN actors x ON x.id = n.actor_id "
                "JOIN posts p ON p.id = n.post_id WHERE x.uri = ? AND p.uri = ?",
                space,
                space_note_id,
            ),
            "the space announces Fedify's post (to its other members: not back to its author)",
            logs,
        )

        # Deletes and undos both ways.
        await peer.send(
            http,
            amina,
            {
                "id": f"{note_id}/delete",
                "type": "Delete",
                "object": {"id": note_id, "type": "Tombstone"},
                "to": [PUBLIC],
            },
        )
        await wait_for(
            lambda: count(
                "SELECT COUNT(*) FROM posts WHERE uri = ? AND deleted_at IS NOT NULL", note_id
            ),
            "Baraza deletes Fedify's post",
            logs,
        )
        await api(http, baraza, token, "DELETE", f"/api/v1/statuses/{reply['id']}")
        await wait_for(
            lambda: seen("Delete", object=reply["uri"]), "Fedify receives the Delete", logs
        )
        for kind, table in (("Like", "likes"), ("Announce", "announces")):
            await peer.send(
                http,
                amina,
                {
                    "id": f"{sent[kind]}/undo",
                    "type": "Undo",
                    "object": {
                        "id": sent[kind],
                        "type": kind,
                        "actor": fred,
                        "object": poll["uri"],
                    },
                },
            )
            await wait_for(
                lambda table=table: _none_left(baraza, table, poll["uri"]),
                f"Baraza undoes Fedify's {kind}",
                logs,
            )
        await api(http, baraza, token, "POST", f"/api/v1/accounts/{fred_id}/unfollow")
        await wait_for(lambda: seen("Undo", actor=amina), "Fedify receives the Undo", logs)

        # Baraza remembers the style the peer accepted: its first knock, or the other one.
        host = peer.base_url.split("/")[2]
        stored = await scalar(baraza, "SELECT signature_style FROM hosts WHERE domain = ?", host)
        other = "cavage" if style == "rfc9421" else "rfc9421"
        assert stored == (other if style in peer.refuses_styles else style), logs()


async def _none_left(baraza: Any, table: str, uri: str) -> bool:
    return not await scalar(
        baraza,
        f"SELECT COUNT(*) FROM {table} n JOIN posts p ON p.id = n.post_id WHERE p.uri = ?",
        uri,
    )


async def _contains(baraza: Any, uri: str, text: str) -> bool:
    content = await scalar(baraza, "SELECT content FROM posts WHERE uri = ?", uri)
    return text in (content or "")
