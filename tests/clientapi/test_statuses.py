"""Posting, reading, deleting and interacting with statuses through the Mastodon API."""

from __future__ import annotations

from clientapi.tokens import issue_token
from storage.models import Activity, Announce, IdempotentRequest, Like, Notification, Post
from tests.clientapi.helpers import member_with_token


async def test_post_status_renders_html_tags_and_mentions(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    await member_with_token(settings, "bruno")
    response = await client.post(
        "/api/v1/statuses",
        headers=auth,
        form={
            "status": "Hearing today @bruno #Justice\nsee https://example.org/x <b>",
            "language": "en",
        },
    )
    body = await response.get_json()
    assert response.status_code == 200, body
    assert body["account"]["username"] == "amina"
    assert body["visibility"] == "public"
    assert body["language"] == "en"
    assert "&lt;b&gt;" in body["content"]
    assert 'class="mention hashtag"' in body["content"]
    assert body["tags"] == [{"name": "Justice", "url": "https://testserver.example/tags/justice"}]
    assert [m["acct"] for m in body["mentions"]] == ["bruno"]
    post = await Post.get(id=int(body["id"]))
    assert {t["type"] for t in post.tags} == {"Mention", "Hashtag"}
    assert await Notification.filter(type="mention", recipient__username="bruno").count() == 1


async def test_private_visibility_is_stored_as_followers(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    response = await client.post(
        "/api/v1/statuses", headers=auth, json={"status": "only friends", "visibility": "private"}
    )
    body = await response.get_json()
    assert body["visibility"] == "private"
    assert (await Post.get(id=int(body["id"]))).visibility == "followers"


async def test_bad_input_is_422_and_stores_nothing(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    for form in (
        {"status": ""},
        {"status": "x", "visibility": "everyone"},
        {"status": "x", "language": "english"},
        {"status": "x", "media_ids[]": "12345"},
        {"status": "x" * 5001},
    ):
        response = await client.post("/api/v1/statuses", headers=auth, form=form)
        assert response.status_code == 422, form
        assert "error" in await response.get_json()
    assert await Post.all().count() == 0
    assert await Activity.all().count() == 0


async def test_auth_401_without_token_and_403_without_scope(client, settings) -> None:
    amina, _ = await member_with_token(settings, "amina")
    read_only, _ = await issue_token(amina, "read")
    assert (await client.post("/api/v1/statuses", form={"status": "x"})).status_code == 401
    response = await client.post(
        "/api/v1/statuses", form={"status": "x"}, headers={"Authorization": f"Bearer {read_only}"}
    )
    assert response.status_code == 403
    assert (await client.get("/api/v1/timelines/home")).status_code == 401
    # Reading a status is open logged out (Mastodon's default): an unknown one is a 404.
    assert (await client.get("/api/v1/statuses/1")).status_code == 404
    assert await Post.all().count() == 0


async def test_idempotency_key_returns_the_first_status(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    headers = {**auth, "Idempotency-Key": "abc"}
    first = await (
        await client.post("/api/v1/statuses", headers=headers, form={"status": "a"})
    ).get_json()
    second = await (
        await client.post("/api/v1/statuses", headers=headers, form={"status": "a"})
    ).get_json()
    assert first["id"] == second["id"]
    assert await Post.all().count() == 1
    assert await IdempotentRequest.all().count() == 1


async def test_followers_only_status_is_404_to_a_stranger(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    _, stranger = await member_with_token(settings, "carla")
    body = await (
        await client.post(
            "/api/v1/statuses", headers=auth, form={"status": "secret", "visibility": "private"}
        )
    ).get_json()
    assert (await client.get(f"/api/v1/statuses/{body['id']}", headers=auth)).status_code == 200
    assert (await client.get(f"/api/v1/statuses/{body['id']}", headers=stranger)).status_code == 404
    response = await client.post(f"/api/v1/statuses/{body['id']}/favourite", headers=stranger)
    assert response.status_code == 404
    assert await Like.all().count() == 0


async def test_favourite_reblog_bookmark_and_delete(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    _, bruno = await member_with_token(settings, "bruno")
    body = await (
        await client.post("/api/v1/statuses", headers=auth, form={"status": "news"})
    ).get_json()
    sid = body["id"]
    fav = await (await client.post(f"/api/v1/statuses/{sid}/favourite", headers=bruno)).get_json()
    assert fav["favourited"] is True and fav["favourites_count"] == 1
    boost = await (await client.post(f"/api/v1/statuses/{sid}/reblog", headers=bruno)).get_json()
    assert boost["reblog"]["id"] == sid and boost["reblog"]["reblogs_count"] == 1
    again = await (await client.get(f"/api/v1/statuses/{boost['id']}", headers=auth)).get_json()
    assert again["reblog"]["id"] == sid
    kinds = set(
        await Notification.filter(recipient__username="amina").values_list("type", flat=True)
    )
    assert kinds == {"favourite", "reblog"}
    marked = await (await client.post(f"/api/v1/statuses/{sid}/bookmark", headers=bruno)).get_json()
    assert marked["bookmarked"] is True
    listed = await (await client.get("/api/v1/bookmarks", headers=bruno)).get_json()
    assert [s["id"] for s in listed] == [sid]
    favs = await (await client.get("/api/v1/favourites", headers=bruno)).get_json()
    assert [s["id"] for s in favs] == [sid]
    who = await (await client.get(f"/api/v1/statuses/{sid}/favourited_by", headers=auth)).get_json()
    assert [a["username"] for a in who] == ["bruno"]
    undone = await (await client.post(f"/api/v1/statuses/{sid}/unreblog", headers=bruno)).get_json()
    assert undone["reblogged"] is False
    assert await Announce.all().count() == 0
    # bruno cannot delete amina's status; amina can, and gets the source text back.
    assert (await client.delete(f"/api/v1/statuses/{sid}", headers=bruno)).status_code == 403
    deleted = await (await client.delete(f"/api/v1/statuses/{sid}", headers=auth)).get_json()
    assert deleted["text"] == "news"
    assert (await client.get(f"/api/v1/statuses/{sid}", headers=auth)).status_code == 404


async def test_context_lists_ancestors_and_descendants(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    root = await (
        await client.post("/api/v1/statuses", headers=auth, form={"status": "root"})
    ).get_json()
    reply = await (
        await client.post(
            "/api/v1/statuses", headers=auth, form={"status": "reply", "in_reply_to_id": root["id"]}
        )
    ).get_json()
    assert reply["in_reply_to_id"] == root["id"]
    context = await (
        await client.get(f"/api/v1/statuses/{reply['id']}/context", headers=auth)
    ).get_json()
    assert [s["id"] for s in context["ancestors"]] == [root["id"]]
    context = await (
        await client.get(f"/api/v1/statuses/{root['id']}/context", headers=auth)
    ).get_json()
    assert [s["id"] for s in context["descendants"]] == [reply["id"]]
