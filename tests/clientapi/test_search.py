"""`/api/v2/search`: accounts, visible statuses only, hashtags; private spaces stay hidden."""

from __future__ import annotations

import pytest

from actors.accounts import create_space, join_space
from clientapi.search.search import Query, classify
from clientapi.tokens import issue_token
from outbox.actions import create_post
from tests.clientapi.helpers import member_with_token

CLASSIFY = [
    ("bruno", Query("text", "bruno"), "a word"),
    ("@bruno", Query("text", "bruno"), "a local mention"),
    ("#Justice", Query("text", "Justice"), "a hashtag"),
    ("court ruling", Query("text", "court ruling"), "words"),
    ("bruno@ngo.example", Query("handle", "bruno@ngo.example", "bruno", "ngo.example"), "handle"),
    ("@bruno@NGO.example", Query("handle", "bruno@NGO.example", "bruno", "ngo.example"), "@handle"),
    ("https://ngo.example/users/bruno", Query("url", "https://ngo.example/users/bruno"), "URL"),
    ("http://127.0.0.3:8001/p/1", Query("url", "http://127.0.0.3:8001/p/1"), "http URL"),
]


@pytest.mark.parametrize(("q", "expected", "why"), CLASSIFY, ids=[c[2] for c in CLASSIFY])
def test_classify(q: str, expected: Query, why: str) -> None:
    assert classify(q) == expected, why


async def search(client, auth, **args) -> dict:
    response = await client.get("/api/v2/search", headers=auth, query_string=args)
    body = await response.get_json()
    assert response.status_code == 200, body
    return body


async def test_finds_local_accounts_by_username_and_display_name(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    bruno, _ = await member_with_token(settings, "bruno")
    bruno.display_name = "Bruno Okafor"
    await bruno.save()
    assert [a["acct"] for a in (await search(client, auth, q="brun"))["accounts"]] == ["bruno"]
    body = await search(client, auth, q="okafor", type="accounts")
    assert [a["acct"] for a in body["accounts"]] == ["bruno"]
    assert body["statuses"] == [] and body["hashtags"] == []


async def test_private_space_is_listed_only_to_its_members(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    _, stranger = await member_with_token(settings, "bruno")
    space = await create_space(settings, "casefiles", private=True)
    await join_space(space, amina)
    await create_space(settings, "casework_open", private=False)
    mine = [a["acct"] for a in (await search(client, auth, q="case"))["accounts"]]
    theirs = [a["acct"] for a in (await search(client, stranger, q="case"))["accounts"]]
    assert sorted(mine) == ["casefiles", "casework_open"]
    assert theirs == ["casework_open"]


async def test_statuses_only_those_the_viewer_may_see(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    _, stranger = await member_with_token(settings, "bruno")
    space = await create_space(settings, "casefiles", private=True)
    await join_space(space, amina)
    public = await create_post(settings, amina, "<p>verdict CANARY-7 public</p>")
    secret = await create_post(settings, amina, "<p>verdict CANARY-7 secret</p>", space=space)
    friends = await create_post(settings, amina, "<p>verdict CANARY-7 f</p>", visibility="private")

    mine = {s["id"] for s in (await search(client, auth, q="canary-7"))["statuses"]}
    assert mine == {str(public.id), str(secret.id), str(friends.id)}
    response = await client.get("/api/v2/search", headers=stranger, query_string={"q": "CANARY-7"})
    text = await response.get_data(as_text=True)
    assert str(public.id) in text
    assert "secret" not in text and str(secret.id) not in text and str(friends.id) not in text
    anonymous = await client.get("/api/v2/search", query_string={"q": "secret"})
    assert anonymous.status_code == 401  # the API needs a token (an app token will do)


async def test_hashtags_from_public_posts_only(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    space = await create_space(settings, "casefiles", private=True)
    await join_space(space, amina)
    await client.post("/api/v1/statuses", headers=auth, json={"status": "news #Justice"})
    await create_post(
        settings,
        amina,
        "<p>#JusticeLeak</p>",
        space=space,
        tags=[{"type": "Hashtag", "name": "#JusticeLeak", "href": "x"}],
    )
    body = await search(client, auth, q="#just", type="hashtags")
    assert [t["name"] for t in body["hashtags"]] == ["Justice"]
    assert body["hashtags"][0]["url"] == "https://testserver.example/tags/justice"


async def test_bad_input_is_422_and_scope_is_checked(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    for args in ({"q": ""}, {"q": "x", "type": "people"}, {"q": "x", "limit": "many"}):
        response = await client.get("/api/v2/search", headers=auth, query_string=args)
        assert response.status_code == 422, args
        assert "error" in await response.get_json()
    write_only, _ = await issue_token(amina, "write")
    response = await client.get(
        "/api/v2/search", headers={"Authorization": f"Bearer {write_only}"}, query_string={"q": "x"}
    )
    assert response.status_code == 403
