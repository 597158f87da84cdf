"""No secret reaches a log: a full two-instance run, then a grep for key material and tokens.

Logs are where secrets leak in practice: a debug line that prints a request, an exception
that carries a header, a CLI that echoes what it was given. Servers run at the default (INFO)
level, as in production; every private key, token, client secret and password used in the
run must be absent from both servers' logs and from the CLI's output (a token is printed
only by `member token`, whose job that is). Tokens and passwords are stored hashed.
"""

from __future__ import annotations

import asyncio
import hashlib
import subprocess

import aiohttp
import pytest

from tests.conftest import one_engine
from tests.e2e.instance import Instance
from tests.e2e.peek import c2s, eventually, query, scalar

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
PASSWORD = "correct horse battery staple 7f3a"


def _key_lines(pem: str) -> list[str]:
    """The base64 lines of a PEM body: any one of them in a log is a leak."""
    return [line for line in pem.splitlines() if line and not line.startswith("-----")]


async def _app_and_password_tokens(
    http: aiohttp.ClientSession, instance: Instance, username: str
) -> list[str]:
    """An app, a password grant (and a failed one), a refresh: the secrets of a real login."""
    async with http.post(
        f"{instance.base_url}/api/v1/apps",
        json={"client_name": "t", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read"},
    ) as response:
        app = await response.json()
        assert response.status == 200, app
    credentials = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
    async with http.post(
        f"{instance.base_url}/oauth/token",
        data={**credentials, "grant_type": "password", "username": username, "password": "nope"},
    ) as response:
        assert response.status in (400, 401), await response.text()
    async with http.post(
        f"{instance.base_url}/oauth/token",
        data={
            **credentials,
            "grant_type": "password",
            "username": username,
            "password": PASSWORD,
            "scope": "read",
        },
    ) as response:
        granted = await response.json()
        assert response.status == 200, granted
    async with http.post(
        f"{instance.base_url}/oauth/token",
        data={
            **credentials,
            "grant_type": "refresh_token",
            "refresh_token": granted["refresh_token"],
        },
    ) as response:
        refreshed = await response.json()
        assert response.status == 200, refreshed
    async with http.get(
        f"{instance.base_url}/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {refreshed['access_token']}"},
    ) as response:
        assert response.status == 200, await response.text()
    return [
        app["client_secret"],
        granted["access_token"],
        granted["refresh_token"],
        refreshed["access_token"],
        refreshed["refresh_token"],
    ]


# On PostgreSQL: the one engine whose database URL could carry a password too.
@pytest.mark.parametrize("engine", one_engine("postgres"))
async def test_full_run_logs_no_key_token_or_password(make_instance) -> None:
    a = await make_instance("127.0.0.2")
    b = await make_instance("127.0.0.3")
    outputs: list[subprocess.CompletedProcess] = []

    def cli(instance: Instance, *args: str, stdin: str | None = None) -> str:
        result = instance.cli(*args, stdin=stdin)
        outputs.append(result)
        return result.stdout

    await asyncio.to_thread(cli, a, "member", "add", "amina")
    await asyncio.to_thread(cli, b, "member", "add", "bruno")
    await asyncio.to_thread(
        cli, a, "member", "add", "chidi", "--password-stdin", stdin=PASSWORD + "\n"
    )
    # `member token` exists to print a token: its stdout is the one place one may appear.
    amina_token = await asyncio.to_thread(a.token, "amina")
    bruno_token = await asyncio.to_thread(b.token, "bruno")
    bruno = f"{b.base_url}/users/bruno"

    async with aiohttp.ClientSession() as http:
        await c2s(http, a, "amina", amina_token, {"type": "Follow", "object": bruno})

        async def accepted() -> bool:
            sql = (
                "SELECT f.accepted FROM follows f JOIN actors t ON t.id = f.target_id "
                "WHERE t.uri = ?"
            )
            return bool(await scalar(a, sql, bruno))

        await eventually(accepted, "A records the Follow as accepted")
        post = (
            await c2s(
                http,
                b,
                "bruno",
                bruno_token,
                {"type": "Note", "content": "<p>Witness list</p>", "to": [PUBLIC]},
            )
        )["id"]

        async def a_has_post() -> bool:
            return await scalar(a, "SELECT COUNT(*) FROM posts WHERE uri = ?", post) == 1

        await eventually(a_has_post, "A stores bruno's post")
        await c2s(http, a, "amina", amina_token, {"type": "Like", "object": post})

        async def liked() -> bool:
            return await scalar(b, "SELECT COUNT(*) FROM likes") == 1

        await eventually(liked, "B records amina's like")
        oauth_secrets = await _app_and_password_tokens(http, a, "chidi")
        async with http.get(  # a refused token is logged by nobody either
            f"{a.base_url}/api/v1/timelines/home",
            headers={"Authorization": f"Bearer {amina_token}x"},
        ) as response:
            assert response.status == 401

    tokens = [amina_token, bruno_token, *oauth_secrets]
    keys = [pem for a_or_b in (a, b) for (pem,) in await _private_keys(a_or_b)]
    assert len(keys) >= 2 and all("PRIVATE KEY" in pem for pem in keys)
    secrets = [
        "PRIVATE KEY",
        PASSWORD,
        *tokens,
        *(line for pem in keys for line in _key_lines(pem)),
    ]
    texts = {
        f"log of {a.domain}": a.log(),
        f"log of {b.domain}": b.log(),
        **{
            f"output of baraza {' '.join(out.args[3:])}": out.stdout + out.stderr for out in outputs
        },
    }
    assert "INFO" in texts[f"log of {a.domain}"], "the servers log at INFO: the grep sees it"
    for where, text in texts.items():
        for secret in secrets:
            assert secret not in text, f"a secret ({secret[:12]}…) appears in the {where}"

    _, access, refresh, access2, refresh2 = oauth_secrets
    for column, token in (
        ("token_hash", amina_token),
        ("token_hash", access),
        ("token_hash", access2),
        ("refresh_hash", refresh),
        ("refresh_hash", refresh2),
    ):
        digest = hashlib.sha256(token.encode()).hexdigest()
        sql = f"SELECT COUNT(*) FROM access_tokens WHERE {column} = ?"
        assert await scalar(a, sql, digest) == 1, f"{column} holds the token's SHA-256"
    for instance in (a, b):
        stored = str(await query(instance, "SELECT * FROM access_tokens"))
        assert not [t for t in tokens if t in stored], "a raw token is stored"
    hashes = await query(a, "SELECT password_hash FROM actors WHERE local_username = ?", "chidi")
    assert hashes[0][0].startswith("$argon2id$")
    assert PASSWORD not in hashes[0][0]


async def _private_keys(instance: Instance) -> list[tuple]:
    return await query(
        instance, "SELECT private_key_pem FROM actors WHERE private_key_pem IS NOT NULL"
    )
