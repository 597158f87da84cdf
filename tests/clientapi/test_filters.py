"""Filters v2 through the client API: CRUD with keywords and statuses, hide and warn applied
to the home, list and public timelines, and a filter naming only statuses its owner may see."""

from __future__ import annotations

from pathlib import Path

import pytest

from baraza.settings import Settings
from outbox import graph
from outbox.actions import create_post
from tests.clientapi.helpers import member_with_token
from tests.conftest import make_settings


@pytest.fixture
def settings(any_db: str, tmp_path: Path) -> Settings:
    """Every test here on SQLite and, when configured, on PostgreSQL."""
    return make_settings(any_db, tmp_path)


async def _ids(client, path, auth) -> list[str]:
    response = await client.get(path, headers=auth)
    assert response.status_code == 200
    return [s["id"] for s in await response.get_json()]


async def test_filter_crud_keywords_and_statuses(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    post = await create_post(settings, amina, "<p>x</p>")
    made = await client.post(
        "/api/v2/filters",
        headers=auth,
        json={
            "title": "Politics",
            "context": ["home", "public"],
            "filter_action": "hide",
            "expires_in": 3600,
            "keywords_attributes": [{"keyword": "budget", "whole_word": False}],
        },
    )
    entity = await made.get_json()
    assert made.status_code == 200, entity
    assert entity["title"] == "Politics"
    assert entity["context"] == ["home", "public"]
    assert entity["filter_action"] == "hide"
    assert entity["expires_at"] is not None
    assert [(k["keyword"], k["whole_word"]) for k in entity["keywords"]] == [("budget", False)]
    path = f"/api/v2/filters/{entity['id']}"

    # Forms as Mastodon.py and Tusky send them: keywords_attributes[][keyword].
    form = await client.post(
        "/api/v2/filters",
        headers=auth,
        form={
            "title": "Form",
            "context[]": "thread",
            "keywords_attributes[][keyword]": "one",
            "keywords_attributes[][whole_word]": "true",
        },
    )
    assert [k["keyword"] for k in (await form.get_json())["keywords"]] == ["one"]

    keyword_id = entity["keywords"][0]["id"]
    changed = await client.put(
        path,
        headers=auth,
        json={
            "title": "Economy",
            "filter_action": "warn",
            "keywords_attributes": [
                {"id": keyword_id, "_destroy": True},
                {"keyword": "tax"},
            ],
        },
    )
    body = await changed.get_json()
    assert body["title"] == "Economy" and body["filter_action"] == "warn"
    assert [(k["keyword"], k["whole_word"]) for k in body["keywords"]] == [("tax", True)]

    added = await (
        await client.post(f"{path}/keywords", headers=auth, json={"keyword": "levy"})
    ).get_json()
    kw_path = f"/api/v2/filters/keywords/{added['id']}"
    assert (await (await client.get(kw_path, headers=auth)).get_json())["keyword"] == "levy"
    await client.put(kw_path, headers=auth, json={"keyword": "duty", "whole_word": False})
    assert [
        k["keyword"] for k in await (await client.get(f"{path}/keywords", headers=auth)).get_json()
    ] == ["tax", "duty"]
    assert (await client.delete(kw_path, headers=auth)).status_code == 200
    assert (await client.get(kw_path, headers=auth)).status_code == 404

    status = await (
        await client.post(f"{path}/statuses", headers=auth, json={"status_id": str(post.id)})
    ).get_json()
    assert status["status_id"] == str(post.id)
    st_path = f"/api/v2/filters/statuses/{status['id']}"
    assert (await (await client.get(st_path, headers=auth)).get_json()) == status
    assert await (await client.get(f"{path}/statuses", headers=auth)).get_json() == [status]
    assert (await client.delete(st_path, headers=auth)).status_code == 200

    listed = await (await client.get("/api/v2/filters", headers=auth)).get_json()
    assert [f["title"] for f in listed] == ["Economy", "Form"]
    assert (await client.delete(path, headers=auth)).status_code == 200
    assert (await client.get(path, headers=auth)).status_code == 404

    for bad in (
        {"title": "", "context": ["home"]},
        {"title": "x", "context": []},
        {"title": "x", "context": ["everywhere"]},
        {"title": "x", "context": ["home"], "filter_action": "explode"},
        {"title": "x", "context": ["home"], "expires_in": "soon"},
        {"title": "x", "context": ["home"], "keywords_attributes": [{"keyword": ""}]},
    ):
        assert (await client.post("/api/v2/filters", headers=auth, json=bad)).status_code == 422, (
            bad
        )


async def test_filters_are_their_owners_and_name_only_visible_statuses(client, settings) -> None:
    _amina, auth = await member_with_token(settings, "amina")
    bruno, other = await member_with_token(settings, "bruno")
    secret = await create_post(settings, bruno, "<p>secret</p>", visibility="private")
    made = await (
        await client.post("/api/v2/filters", headers=auth, json={"title": "x", "context": ["home"]})
    ).get_json()
    path = f"/api/v2/filters/{made['id']}"
    assert (await client.get(path, headers=other)).status_code == 404
    assert (await client.delete(path, headers=other)).status_code == 404
    assert await (await client.get("/api/v2/filters", headers=other)).get_json() == []
    hidden = await client.post(f"{path}/statuses", headers=auth, json={"status_id": str(secret.id)})
    assert hidden.status_code == 404
    missing = await client.post(f"{path}/statuses", headers=auth, json={"status_id": "123"})
    assert missing.status_code == 404
    assert (await client.get("/api/v2/filters")).status_code == 401


async def test_hide_drops_and_warn_marks_in_their_contexts(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    bruno, _ = await member_with_token(settings, "bruno")
    await graph.follow(settings, amina, bruno)
    budget = await create_post(settings, bruno, "<p>The budget vote</p>")
    weather = await create_post(settings, bruno, "<p>Sunny weather</p>")
    plain = await create_post(settings, bruno, "<p>Hello</p>")
    made = await (
        await client.post(
            "/api/v2/filters",
            headers=auth,
            json={
                "title": "No budget",
                "context": ["home"],
                "filter_action": "hide",
                "keywords_attributes": [{"keyword": "budget"}],
            },
        )
    ).get_json()
    warn = await (
        await client.post(
            "/api/v2/filters",
            headers=auth,
            json={
                "title": "Weather",
                "context": ["home", "public"],
                "filter_action": "warn",
                "keywords_attributes": [{"keyword": "weather"}],
            },
        )
    ).get_json()
    home = await (await client.get("/api/v1/timelines/home", headers=auth)).get_json()
    assert [s["id"] for s in home] == [str(plain.id), str(weather.id)]
    warned = home[1]["filtered"]
    assert [r["filter"]["id"] for r in warned] == [warn["id"]]
    assert warned[0]["keyword_matches"] == ["weather"]
    assert warned[0]["filter"]["filter_action"] == "warn"
    assert home[0]["filtered"] == []

    # The home filter does not apply in public; the list timeline is `home`.
    public = await _ids(client, "/api/v1/timelines/public", auth)
    assert str(budget.id) in public
    lst = await (await client.post("/api/v1/lists", headers=auth, json={"title": "l"})).get_json()
    await client.post(
        f"/api/v1/lists/{lst['id']}/accounts", headers=auth, json={"account_ids": [str(bruno.id)]}
    )
    assert str(budget.id) not in await _ids(client, f"/api/v1/timelines/list/{lst['id']}", auth)

    # A status filter hides that status alone; a deleted filter hides nothing.
    await client.put(f"/api/v2/filters/{made['id']}", headers=auth, json={"context": ["public"]})
    assert str(budget.id) in await _ids(client, "/api/v1/timelines/home", auth)
    assert str(budget.id) not in await _ids(client, "/api/v1/timelines/public", auth)
    await client.delete(f"/api/v2/filters/{made['id']}", headers=auth)
    assert str(budget.id) in await _ids(client, "/api/v1/timelines/public", auth)


async def test_hide_in_the_account_and_thread_contexts(client, settings) -> None:
    _amina, auth = await member_with_token(settings, "amina")
    bruno, _ = await member_with_token(settings, "bruno")
    root = await create_post(settings, bruno, "<p>The ruling</p>")
    spoiler = await create_post(settings, bruno, "<p>spoiler ahead</p>", in_reply_to=root)
    kept = await create_post(settings, bruno, "<p>appeal next</p>", in_reply_to=root)
    await client.post(
        "/api/v2/filters",
        headers=auth,
        json={
            "title": "Spoilers",
            "context": ["thread", "account"],
            "filter_action": "hide",
            "keywords_attributes": [{"keyword": "spoiler"}],
        },
    )
    context = await (
        await client.get(f"/api/v1/statuses/{root.id}/context", headers=auth)
    ).get_json()
    assert [s["id"] for s in context["descendants"]] == [str(kept.id)]
    profile = await _ids(client, f"/api/v1/accounts/{bruno.id}/statuses", auth)
    assert str(spoiler.id) not in profile and str(kept.id) in profile
    # Read by someone without the filter, nothing is missing.
    _, other = await member_with_token(settings, "carla")
    context = await (
        await client.get(f"/api/v1/statuses/{root.id}/context", headers=other)
    ).get_json()
    assert len(context["descendants"]) == 2


async def test_v1_filters_are_keywords_of_v2_filters(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    made = await client.post(
        "/api/v1/filters",
        headers=auth,
        form={
            "phrase": "budget",
            "context[]": "home",
            "irreversible": "true",
            "whole_word": "false",
        },
    )
    v1 = await made.get_json()
    assert made.status_code == 200, v1
    assert {k: v1[k] for k in ("phrase", "context", "irreversible", "whole_word")} == {
        "phrase": "budget",
        "context": ["home"],
        "irreversible": True,
        "whole_word": False,
    }
    (v2,) = await (await client.get("/api/v2/filters", headers=auth)).get_json()
    assert v2["title"] == "budget" and v2["filter_action"] == "hide"
    assert [k["id"] for k in v2["keywords"]] == [v1["id"]]
    path = f"/api/v1/filters/{v1['id']}"
    changed = await client.put(
        path, headers=auth, json={"phrase": "tax", "context": ["public"], "irreversible": False}
    )
    assert (await changed.get_json())["phrase"] == "tax"
    listed = await (await client.get("/api/v1/filters", headers=auth)).get_json()
    assert [(f["phrase"], f["context"], f["irreversible"]) for f in listed] == [
        ("tax", ["public"], False)
    ]
    assert (
        await client.post("/api/v1/filters", headers=auth, json={"phrase": "x"})
    ).status_code == 422
    assert (await client.delete(path, headers=auth)).status_code == 200
    assert await (await client.get("/api/v2/filters", headers=auth)).get_json() == []
    assert (await client.get(path, headers=auth)).status_code == 404
