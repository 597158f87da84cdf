"""Mastodon.py, the real client library, against live `baraza serve` processes: register an
app, sign in through the consent page as a browser would, the password grant, profile edits,
and following a member of a second instance until its Accept arrives."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import aiohttp
import pytest
from mastodon import Mastodon

from tests.conftest import one_engine
from tests.e2e.conftest import engine, make_instance  # noqa: F401  (fixtures)
from tests.e2e.peek import eventually

PASSWORD = "a long and secret passphrase"
SCOPES = ["read", "write", "follow"]


async def sign_in_through_the_page(url: str, username: str, password: str) -> str:
    """What the member's browser does: load the page, fill in the form, read the code."""
    jar = aiohttp.CookieJar(unsafe=True)  # the instances live on bare IP addresses
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        async with http.get(url) as page:
            assert page.status == 200
            html = await page.text()
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
        fields.update(username=username, password=password, decision="approve")
        action = url.split("?", 1)[0]
        async with http.post(action, data=fields, allow_redirects=False) as answer:
            assert answer.status == 200, await answer.text()
            match = re.search(r'<code id="code">([^<]+)</code>', await answer.text())
    assert match
    return match.group(1)


@pytest.mark.parametrize("engine", one_engine("sqlite"))
async def test_mastodon_py_signs_in_edits_profile_and_follows_remote(make_instance: Any) -> None:  # noqa: F811
    a = await make_instance("127.0.0.2")
    b = await make_instance("127.0.0.3")
    await asyncio.to_thread(
        a.cli, "member", "add", "amina", "--password-stdin", stdin=PASSWORD + "\n"
    )
    await asyncio.to_thread(b.cli, "member", "add", "bruno")

    client_id, client_secret = await asyncio.to_thread(
        Mastodon.create_app, "Baraza test", scopes=SCOPES, api_base_url=a.base_url
    )
    app = Mastodon(
        client_id=client_id,
        client_secret=client_secret,
        api_base_url=a.base_url,
        version_check_mode="created",
    )
    assert await asyncio.to_thread(app.retrieve_mastodon_version) == "4.3.0"

    # The authorization-code flow, with the out-of-band page showing the code.
    url = await asyncio.to_thread(app.auth_request_url, scopes=SCOPES, allow_http=True)
    code = await sign_in_through_the_page(url, "amina", PASSWORD)
    await asyncio.to_thread(app.log_in, code=code, scopes=SCOPES, allow_http=True)
    me = await asyncio.to_thread(app.account_verify_credentials)
    assert me["acct"] == "amina"

    # The password grant, for CLI clients that still use it.
    cli = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=a.base_url)
    await asyncio.to_thread(
        cli.log_in, username="amina", password=PASSWORD, scopes=SCOPES, allow_http=True
    )
    edited = await asyncio.to_thread(
        cli.account_update_credentials, note="Human-rights lawyer", display_name="Amina"
    )
    assert "Human-rights lawyer" in edited["note"] and edited["display_name"] == "Amina"
    assert (await asyncio.to_thread(app.account_lookup, "amina"))["display_name"] == "Amina"

    # Follow bruno on the second instance: resolved by WebFinger, accepted over federation.
    handle = f"bruno@{b.domain}"
    found = await asyncio.to_thread(app.account_search, handle, resolve=True)
    assert [acct["acct"] for acct in found] == [handle]
    bruno = await asyncio.to_thread(app.account_lookup, handle)
    relation = await asyncio.to_thread(app.account_follow, bruno["id"])
    assert relation["following"] or relation["requested"]

    async def following() -> bool:
        rels = await asyncio.to_thread(app.account_relationships, bruno["id"])
        return bool(rels[0]["following"])

    await eventually(following, "the remote Accept marks the follow as following")
    followers = await asyncio.to_thread(app.account_following, me["id"])
    assert [acct["acct"] for acct in followers] == [handle]
