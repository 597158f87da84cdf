"""Home, public and tag timelines: who sees what, and Mastodon's paging over them."""

from __future__ import annotations

from actors.accounts import create_space, join_space
from storage.models import Actor, DomainBlock, Follow, Mute, Post
from tests.clientapi.helpers import member_with_token


async def _post(client, auth, text: str, **extra: str) -> dict:
    response = await client.post("/api/v1/statuses", headers=auth, form={"status": text, **extra})
    assert response.status_code == 200, await response.get_json()
    return await response.get_json()


async def _remote(name: str, domain: str) -> Actor:
    return await Actor.create(
        uri=f"https://{domain}/users/{name}",
        type="Person",
        username=name,
        domain=domain,
        inbox_url=f"https://{domain}/users/{name}/inbox",
        key_id=f"https://{domain}/users/{name}#main-key",
        public_key_pem="x",
    )


async def _remote_post(author: Actor, text: str, post_id: int) -> Post:
    from datetime import UTC, datetime

    return await Post.create(
        id=post_id,
        uri=f"{author.uri}/statuses/{post_id}",
        actor=author,
        content=f"<p>{text}</p>",
        visibility="public",
        to=["https://www.w3.org/ns/activitystreams#Public"],
        published=datetime.now(UTC),
    )


async def test_home_has_own_followed_and_boosts_but_not_strangers(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    bruno, bruno_auth = await member_with_token(settings, "bruno")
    _, carla_auth = await member_with_token(settings, "carla")
    await Follow.create(follower=amina, target=bruno, accepted=True)
    mine = await _post(client, auth, "mine")
    his = await _post(client, bruno_auth, "his")
    hers = await _post(client, carla_auth, "stranger")
    await client.post(f"/api/v1/statuses/{hers['id']}/reblog", headers=bruno_auth)
    home = await (await client.get("/api/v1/timelines/home", headers=auth)).get_json()
    assert [s["content"] for s in home] == [
        "",
        his["content"],
        mine["content"],
    ]
    assert home[0]["reblog"]["id"] == hers["id"]
    await Mute.create(actor=amina, target=bruno)
    home = await (await client.get("/api/v1/timelines/home", headers=auth)).get_json()
    assert [s["id"] for s in home] == [mine["id"]]


async def test_home_pages_with_link_header(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    ids = [(await _post(client, auth, f"n{i}"))["id"] for i in range(5)]
    first = await client.get("/api/v1/timelines/home?limit=2", headers=auth)
    assert [s["id"] for s in await first.get_json()] == ids[:2:-1][:2]
    link = first.headers["Link"]
    assert f"max_id={ids[3]}" in link and f"min_id={ids[4]}" in link
    older = await (
        await client.get(f"/api/v1/timelines/home?limit=2&max_id={ids[3]}", headers=auth)
    ).get_json()
    assert [s["id"] for s in older] == [ids[2], ids[1]]
    newer = await (
        await client.get(f"/api/v1/timelines/home?limit=2&min_id={ids[0]}", headers=auth)
    ).get_json()
    assert [s["id"] for s in newer] == [ids[2], ids[1]]


async def test_private_space_posts_reach_members_home_never_public(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    _, bruno_auth = await member_with_token(settings, "bruno")
    space = await create_space(settings, "casefiles", private=True)
    await join_space(space, amina)
    from outbox.actions import create_post

    post = await create_post(settings, amina, "<p>CANARY-42</p>", space=space)
    home = await (await client.get("/api/v1/timelines/home", headers=auth)).get_json()
    assert [s["id"] for s in home] == [str(post.id)]
    for path in ("/api/v1/timelines/public", "/api/v1/timelines/home"):
        body = await (await client.get(path, headers=bruno_auth)).get_data(as_text=True)
        assert "CANARY-42" not in body
    assert (await client.get(f"/api/v1/statuses/{post.id}", headers=bruno_auth)).status_code == 404


async def test_public_timeline_hides_silenced_domains_local_and_remote_filters(
    client, settings
) -> None:
    _, auth = await member_with_token(settings, "amina")
    local = await _post(client, auth, "local news")
    await _post(client, auth, "quiet", visibility="unlisted")
    loud = await _remote("loud", "social.spam.example")
    calm = await _remote("calm", "partner.example")
    await _remote_post(loud, "buy now", 10)
    fine = await _remote_post(calm, "partner news", 11)
    await DomainBlock.create(domain="spam.example", severity="silence")
    public = await (await client.get("/api/v1/timelines/public", headers=auth)).get_json()
    assert {s["id"] for s in public} == {local["id"], str(fine.id)}
    remote = await (
        await client.get("/api/v1/timelines/public?remote=true", headers=auth)
    ).get_json()
    assert [s["id"] for s in remote] == [str(fine.id)]
    only_local = await (
        await client.get("/api/v1/timelines/public?local=true", headers=auth)
    ).get_json()
    assert [s["id"] for s in only_local] == [local["id"]]


async def test_tag_timeline(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    tagged = await _post(client, auth, "trial #Justice")
    await _post(client, auth, "justice without the tag")
    body = await (await client.get("/api/v1/timelines/tag/justice", headers=auth)).get_json()
    assert [s["id"] for s in body] == [tagged["id"]]
