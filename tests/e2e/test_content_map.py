"""A post's language crosses instances in `contentMap` and comes back out of the client API."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from tests.baraza.language_corpus import CORPUS
from tests.conftest import one_engine
from tests.e2e.peek import c2s, eventually, scalar


async def _status(http, instance, token: str, form: dict[str, str]) -> dict:
    async with http.post(
        f"{instance.base_url}/api/v1/statuses",
        data=form,
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        body = await response.json(content_type=None)
        assert response.status == 200, body
        return body


async def _language_on(instance, uri: str) -> str | None:
    return await scalar(instance, "SELECT language FROM posts WHERE uri = ?", uri)


@pytest.mark.parametrize("engine", one_engine("postgres"))
async def test_content_map_round_trips_between_instances(make_instance) -> None:
    a = await make_instance("127.0.0.2")
    b = await make_instance("127.0.0.3")
    await asyncio.to_thread(a.cli, "member", "add", "amina")
    await asyncio.to_thread(b.cli, "member", "add", "bruno")
    amina_token = await asyncio.to_thread(a.token, "amina")
    bruno_token = await asyncio.to_thread(b.token, "bruno")
    amina = f"{a.base_url}/users/amina"
    bruno = f"{b.base_url}/users/bruno"

    async with aiohttp.ClientSession() as http:
        await c2s(http, a, "amina", amina_token, {"type": "Follow", "object": bruno})
        await c2s(http, b, "bruno", bruno_token, {"type": "Follow", "object": amina})

        async def both_follow() -> bool:
            accepted = "SELECT COUNT(*) FROM follows WHERE accepted"
            return await scalar(a, accepted) == 2 and await scalar(b, accepted) == 2

        await eventually(both_follow, "both follows accepted, as seen on both sides")

        # explicit language, against the text: kept, sent, stored as sent
        german = await _status(http, b, bruno_token, {"status": CORPUS["fr"][0], "language": "de"})
        # no language: detected on A, sent in contentMap, not re-detected on B
        french = await _status(http, a, amina_token, {"status": CORPUS["fr"][2]})
        assert (german["language"], french["language"]) == ("de", "fr")

        async def arrived() -> bool:
            return await _language_on(a, german["uri"]) is not None and (
                await _language_on(b, french["uri"]) is not None
            )

        await eventually(arrived, "each post reaches the other instance")
        assert await _language_on(a, german["uri"]) == "de"
        assert await _language_on(b, french["uri"]) == "fr"

        async with http.get(
            french["uri"], headers={"Accept": "application/activity+json"}
        ) as response:
            note = await response.json(content_type=None)
        assert note["contentMap"] == {"fr": note["content"]}
