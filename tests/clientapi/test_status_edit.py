"""Editing a status: the history keeps both versions and the edit federates as an `Update`."""

from __future__ import annotations

from clientapi.tokens import issue_token
from storage.models import Activity, Actor, Delivery, Follow, Like, Notification, Post
from tests.clientapi.helpers import member_with_token


async def remote_follower(member: Actor, domain: str = "remote.example") -> Actor:
    zed = await Actor.create(
        uri=f"https://{domain}/users/zed",
        type="Person",
        username="zed",
        domain=domain,
        inbox_url=f"https://{domain}/users/zed/inbox",
        shared_inbox_url=f"https://{domain}/inbox",
        key_id=f"https://{domain}/users/zed#main-key",
        public_key_pem="-",
    )
    await Follow.create(follower=zed, target=member, uri=f"https://{domain}/f/1", accepted=True)
    return zed


async def post(client, auth, text: str = "hearing at nine") -> str:
    response = await client.post("/api/v1/statuses", headers=auth, json={"status": text})
    assert response.status_code == 200
    return (await response.get_json())["id"]


async def test_edit_keeps_history_and_queues_update_for_remote_follower(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    await remote_follower(amina)
    status_id = await post(client, auth)
    response = await client.put(
        f"/api/v1/statuses/{status_id}",
        headers=auth,
        json={"status": "hearing moved to ten #Court", "spoiler_text": "schedule"},
    )
    body = await response.get_json()
    assert response.status_code == 200, body
    assert "ten" in body["content"]
    assert body["edited_at"] is not None
    assert body["spoiler_text"] == "schedule"
    assert body["sensitive"] is True
    assert body["tags"][0]["name"] == "Court"

    history = await (
        await client.get(f"/api/v1/statuses/{status_id}/history", headers=auth)
    ).get_json()
    assert len(history) == 2
    assert "nine" in history[0]["content"] and "ten" in history[1]["content"]
    assert history[1]["spoiler_text"] == "schedule"
    source = await (
        await client.get(f"/api/v1/statuses/{status_id}/source", headers=auth)
    ).get_json()
    assert source == {
        "id": status_id,
        "text": "hearing moved to ten #Court",
        "spoiler_text": "schedule",
    }

    update = await Activity.get(type="Update")
    assert update.document["object"]["id"] == (await Post.get(id=int(status_id))).uri
    assert "ten" in update.document["object"]["content"]
    assert update.document["object"]["updated"]
    deliveries = await Delivery.filter(activity=update).values_list("inbox_url", flat=True)
    assert deliveries == ["https://remote.example/inbox"]


async def test_those_who_favourited_hear_about_the_edit(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    bruno, bruno_auth = await member_with_token(settings, "bruno")
    status_id = await post(client, auth)
    await client.post(f"/api/v1/statuses/{status_id}/favourite", headers=bruno_auth)
    assert await Like.filter(actor=bruno).count() == 1
    await client.put(f"/api/v1/statuses/{status_id}", headers=auth, json={"status": "corrected"})
    note = await Notification.get(type="update")
    assert note.recipient_id == bruno.id and note.account_id == amina.id  # type: ignore[attr-defined]


async def test_bad_edit_is_422_and_changes_nothing(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    status_id = await post(client, auth)
    for body in (
        {"status": ""},
        {"status": "x" * 5001},
        {"status": "ok", "language": "english"},
        {"status": "ok", "media_ids": ["123"]},
        {"status": "ok", "spoiler_text": "w" * 1001},
    ):
        response = await client.put(f"/api/v1/statuses/{status_id}", headers=auth, json=body)
        assert response.status_code == 422, body
        assert "error" in await response.get_json()
    stored = await Post.get(id=int(status_id))
    assert "nine" in stored.content and stored.edited_at is None and len(stored.edits) == 1
    assert await Activity.filter(type="Update").count() == 0


async def test_only_the_author_edits_with_write_scope(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    _, other = await member_with_token(settings, "bruno")
    status_id = await post(client, auth)
    url = f"/api/v1/statuses/{status_id}"
    assert (await client.put(url, json={"status": "x"})).status_code == 401
    read_only, _ = await issue_token(amina, "read")
    response = await client.put(
        url, headers={"Authorization": f"Bearer {read_only}"}, json={"status": "x"}
    )
    assert response.status_code == 403
    assert (await client.put(url, headers=other, json={"status": "x"})).status_code == 403
    missing = await client.put("/api/v1/statuses/999", headers=auth, json={"status": "x"})
    assert missing.status_code == 404
    assert await Activity.filter(type="Update").count() == 0
