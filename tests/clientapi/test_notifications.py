"""Notifications: made by local and inbound events, filtered, dismissed, never about the unseen."""

from __future__ import annotations

from clientapi.tokens import issue_token
from outbox.actions import create_post
from outbox.surface import notify
from storage.models import Notification
from tests.clientapi.helpers import member_with_token


async def test_list_filter_dismiss_and_clear(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    bruno, _ = await member_with_token(settings, "bruno")
    post = await create_post(settings, amina, "<p>hi</p>")
    fav = await notify(amina, "favourite", bruno, post)
    follow = await notify(amina, "follow", bruno)
    assert await notify(amina, "follow", amina) is None  # never about oneself
    body = await (await client.get("/api/v1/notifications", headers=auth)).get_json()
    assert [n["type"] for n in body] == ["follow", "favourite"]
    assert body[1]["status"]["id"] == str(post.id)
    only = await (
        await client.get("/api/v1/notifications?types[]=favourite", headers=auth)
    ).get_json()
    assert [n["id"] for n in only] == [str(fav.id)]
    excluded = await (
        await client.get("/api/v1/notifications?exclude_types[]=favourite", headers=auth)
    ).get_json()
    assert [n["id"] for n in excluded] == [str(follow.id)]
    bad = await client.get("/api/v1/notifications?types[]=nonsense", headers=auth)
    assert bad.status_code == 422
    one = await client.get(f"/api/v1/notifications/{fav.id}", headers=auth)
    assert (await one.get_json())["type"] == "favourite"
    assert (
        await client.post(f"/api/v1/notifications/{fav.id}/dismiss", headers=auth)
    ).status_code == 200
    assert (await client.get(f"/api/v1/notifications/{fav.id}", headers=auth)).status_code == 404
    await client.post("/api/v1/notifications/clear", headers=auth)
    assert await (await client.get("/api/v1/notifications", headers=auth)).get_json() == []


async def test_no_notification_about_a_post_the_member_may_not_see(settings) -> None:
    amina, _ = await member_with_token(settings, "amina")
    bruno, _ = await member_with_token(settings, "bruno")
    secret = await create_post(settings, bruno, "<p>x</p>", visibility="private")
    assert await notify(amina, "mention", bruno, secret) is None
    assert await Notification.all().count() == 0


async def test_notifications_need_a_token_and_the_scope(client, settings) -> None:
    amina, _ = await member_with_token(settings, "amina")
    write_only, _ = await issue_token(amina, "write")
    assert (await client.get("/api/v1/notifications")).status_code == 401
    response = await client.get(
        "/api/v1/notifications", headers={"Authorization": f"Bearer {write_only}"}
    )
    assert response.status_code == 403
