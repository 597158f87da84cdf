"""Polls: posting one, its entity, voting locally and from another server, and federation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from baraza.ids import new_id
from federation.activities import parse_activity
from federation.errors import Unprocessable
from inbox.handlers import dispatch
from outbox.documents import object_document
from outbox.polls import new_poll, with_vote
from storage.models import Activity, Actor, Post
from tests.clientapi.helpers import member_with_token
from tests.inbox.signed import remote_peer

NOW = datetime(2030, 1, 1, tzinfo=UTC)
POLL_FORM = {"status": "Which day?", "poll[options][]": ["Monday", "Tuesday"]}


async def _post_poll(client, auth, **extra) -> dict:
    body = {"status": "Which day?", "poll": {"options": ["Monday", "Tuesday"], "expires_in": 3600}}
    body["poll"].update(extra)
    response = await client.post("/api/v1/statuses", headers=auth, json=body)
    assert response.status_code == 200, await response.get_json()
    return await response.get_json()


async def test_status_with_poll_has_poll_entity(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    response = await client.post(
        "/api/v1/statuses",
        headers=auth,
        form=list(
            [
                *[("poll[options][]", o) for o in POLL_FORM["poll[options][]"]],
                ("status", POLL_FORM["status"]),
                ("poll[expires_in]", "600"),
                ("poll[multiple]", "true"),
            ]
        ),
    )
    body = await response.get_json()
    assert response.status_code == 200, body
    poll = body["poll"]
    assert poll["id"] == body["id"]
    assert poll["multiple"] is True and poll["expired"] is False
    assert poll["options"] == [
        {"title": "Monday", "votes_count": 0},
        {"title": "Tuesday", "votes_count": 0},
    ]
    assert poll["votes_count"] == 0 and poll["voters_count"] == 0
    assert poll["emojis"] == [] and poll["own_votes"] == [] and poll["voted"] is True
    assert poll["expires_at"].endswith("Z")
    assert (await Post.get(id=int(body["id"]))).type == "Question"


@pytest.mark.parametrize(
    "options,expires_in",
    [
        (["only"], "600"),
        (["a", "b", "c", "d", "e"], "600"),
        (["a", "x" * 51], "600"),
        (["a", "b"], "10"),
        (["a", "b"], str(31 * 24 * 3600)),
        (["a", "b"], "soon"),
        (["a", "a"], "600"),
    ],
)
async def test_invalid_poll_is_422_and_stores_nothing(client, settings, options, expires_in):
    _, auth = await member_with_token(settings, "amina")
    response = await client.post(
        "/api/v1/statuses",
        headers=auth,
        form=list(
            [("status", "q"), ("poll[expires_in]", expires_in)]
            + [("poll[options][]", o) for o in options]
        ),
    )
    assert response.status_code == 422
    assert "error" in await response.get_json()
    assert await Post.all().count() == 0
    assert await Activity.all().count() == 0


async def test_vote_counts_and_twice_is_422(client, settings) -> None:
    _, author = await member_with_token(settings, "amina")
    _, voter = await member_with_token(settings, "bruno")
    status = await _post_poll(client, author)
    url = f"/api/v1/polls/{status['id']}/votes"
    response = await client.post(url, headers=voter, form={"choices[]": "1"})
    poll = await response.get_json()
    assert response.status_code == 200, poll
    assert [o["votes_count"] for o in poll["options"]] == [0, 1]
    assert poll["voted"] is True and poll["own_votes"] == [1] and poll["voters_count"] == 1
    again = await client.post(url, headers=voter, form={"choices[]": "0"})
    assert again.status_code == 422
    shown = await (await client.get(f"/api/v1/polls/{status['id']}", headers=author)).get_json()
    assert [o["votes_count"] for o in shown["options"]] == [0, 1]


async def test_own_poll_bad_choices_and_single_choice_are_422(client, settings) -> None:
    _, author = await member_with_token(settings, "amina")
    _, voter = await member_with_token(settings, "bruno")
    status = await _post_poll(client, author)
    url = f"/api/v1/polls/{status['id']}/votes"
    own = await client.post(url, headers=author, form={"choices[]": "0"})
    assert own.status_code == 422
    for choices in (["0", "1"], ["7"], ["x"], []):
        form = list([("choices[]", c) for c in choices])
        response = await client.post(url, headers=voter, form=form)
        assert response.status_code == 422, choices
    post = await Post.get(id=int(status["id"]))
    assert post.poll["votes"] == {}


async def test_multiple_choice_poll_takes_several(client, settings) -> None:
    _, author = await member_with_token(settings, "amina")
    _, voter = await member_with_token(settings, "bruno")
    status = await _post_poll(client, author, multiple=True)
    response = await client.post(
        f"/api/v1/polls/{status['id']}/votes", headers=voter, json={"choices": [0, 1]}
    )
    poll = await response.get_json()
    assert response.status_code == 200, poll
    assert poll["votes_count"] == 2 and poll["voters_count"] == 1


async def test_auth_on_votes(client, settings) -> None:
    _, author = await member_with_token(settings, "amina")
    _, reader = await member_with_token(settings, "bruno", scopes="read")
    status = await _post_poll(client, author)
    url = f"/api/v1/polls/{status['id']}/votes"
    assert (await client.post(url, form={"choices[]": "0"})).status_code == 401
    assert (await client.post(url, headers=reader, form={"choices[]": "0"})).status_code == 403
    assert (await client.get("/api/v1/polls/12345", headers=author)).status_code == 404


@pytest.mark.parametrize(
    "poll,choices,why",
    [
        (new_poll(["a", "b"], 600, False, False, NOW), [0, 1], "single choice"),
        (new_poll(["a", "b"], 600, False, False, NOW), [2], "out of range"),
        (new_poll(["a", "b"], 600, True, False, NOW), [1, 1], "duplicate"),
        (new_poll(["a", "b"], 300, False, False, datetime(2020, 1, 1, tzinfo=UTC)), [0], "ended"),
    ],
)
def test_with_vote_refuses(poll: dict, choices: list, why: str) -> None:
    with pytest.raises(Unprocessable):
        with_vote(poll, "https://x.example/u", choices, NOW)


async def test_remote_vote_through_inbox_counts_once(app, client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    status = await _post_poll(client, auth)
    post = await Post.get(id=int(status["id"]))
    peer = await remote_peer()
    for n in (1, 2):
        doc = {
            "id": f"https://remote.example/votes/{n}",
            "type": "Create",
            "actor": peer.uri,
            "object": {
                "id": f"https://remote.example/votes/{n}#note",
                "type": "Note",
                "name": "Tuesday",
                "inReplyTo": post.uri,
                "attributedTo": peer.uri,
                "to": [],
            },
        }
        row = await Activity.create(
            id=new_id(), uri=doc["id"], type="Create", actor_uri=peer.uri, document=doc
        )
        await dispatch(app.extensions["baraza"], row, parse_activity(doc))
    post = await Post.get(id=post.id)
    assert [o["votes"] for o in post.poll["options"]] == [0, 1]
    assert post.poll["voters"] == [peer.uri]
    assert not await Post.filter(uri="https://remote.example/votes/1#note").exists()
    author = await Actor.get(id=post.actor_id)
    doc = object_document(post, author)
    assert doc["type"] == "Question"
    assert [o["replies"]["totalItems"] for o in doc["oneOf"]] == [0, 1]
    assert doc["endTime"] == post.poll["expires_at"]


async def test_multiple_poll_federates_as_any_of(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    status = await _post_poll(client, auth, multiple=True)
    post = await Post.get(id=int(status["id"])).prefetch_related("actor")
    doc = object_document(post, post.actor)
    assert [o["name"] for o in doc["anyOf"]] == ["Monday", "Tuesday"] and "oneOf" not in doc


async def test_remote_poll_update_keeps_local_voters(app, settings) -> None:
    from baraza.ids import new_id
    from federation.activities import parse_activity
    from inbox.handlers import dispatch
    from storage.models import Activity, Post
    from tests.inbox.signed import remote_peer

    peer = await remote_peer(host="polls.example", name="asker")
    question = {
        "id": "https://polls.example/q/1",
        "type": "Question",
        "attributedTo": peer.uri,
        "content": "which?",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "oneOf": [
            {"type": "Note", "name": "a", "replies": {"totalItems": 1}},
            {"type": "Note", "name": "b", "replies": {"totalItems": 0}},
        ],
    }
    from inbox.ingest import store_remote_post

    post = await store_remote_post(question, peer.actor, settings.base_url, force=True)
    assert post is not None and post.poll["options"][0]["votes"] == 1
    post.poll = {
        **post.poll,
        "voters": ["https://testserver.example/users/me"],
        "votes": {"https://testserver.example/users/me": [0]},
    }
    await post.save(update_fields=["poll"])
    updated = {
        **question,
        "oneOf": [
            {"type": "Note", "name": "a", "replies": {"totalItems": 5}},
            {"type": "Note", "name": "b", "replies": {"totalItems": 2}},
        ],
    }
    doc = {
        "id": "https://polls.example/u/1",
        "type": "Update",
        "actor": peer.uri,
        "object": updated,
    }
    row = await Activity.create(
        id=new_id(), uri=doc["id"], type="Update", actor_uri=peer.uri, document=doc
    )
    await dispatch(app.extensions["baraza"], row, parse_activity(doc))
    post = await Post.get(uri=question["id"])
    assert [o["votes"] for o in post.poll["options"]] == [5, 2]
    assert post.poll["voters"] == ["https://testserver.example/users/me"]
