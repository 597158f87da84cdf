"""OAuth 2 endpoints through the Quart test client: registration, consent, every grant, revoke."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from actors.accounts import create_member
from baraza.settings import Settings
from clientapi.oauth.oauth_logic import OOB, s256_challenge
from clientapi.tokens import issue_token
from storage.models import AccessToken, AuthorizationCode, OAuthApp

PASSWORD = "correct horse battery staple"
VERIFIER = "v" * 50


async def register(client: Any, **overrides: Any) -> dict[str, Any]:
    form = {
        "client_name": "Test app",
        "redirect_uris": f"https://app.example/cb\n{OOB}",
        "scopes": "read write follow",
        **overrides,
    }
    response = await client.post("/api/v1/apps", form=form)
    assert response.status_code == 200, await response.get_data(as_text=True)
    return await response.get_json()


@pytest.fixture
async def member(settings: Settings) -> Any:
    return await create_member(settings, "amina", password=PASSWORD)


async def consent(
    client: Any, app: dict[str, Any], *, redirect_uri: str = OOB, **extra: str
) -> Any:
    """GET the page like a browser, then POST its form back with the cookie it set."""
    query = {
        "client_id": app["client_id"],
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": "read write",
        **extra,
    }
    page = await client.get("/oauth/authorize", query_string=query)
    assert page.status_code == 200
    html = await page.get_data(as_text=True)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    fields.update(username="amina", password=PASSWORD, decision="approve")
    return await client.post("/oauth/authorize", form=fields)


async def code_from_oob(response: Any) -> str:
    html = await response.get_data(as_text=True)
    match = re.search(r'<code id="code">([^<]+)</code>', html)
    assert match, html
    return match.group(1)


async def test_register_app_returns_secret_once_and_stores_its_hash(client: Any) -> None:
    app = await register(client)
    assert app["name"] == "Test app"
    assert app["scopes"] == ["read", "write", "follow"]
    assert app["redirect_uris"] == ["https://app.example/cb", OOB]
    row = await OAuthApp.get(client_id=app["client_id"])
    assert app["client_secret"] not in row.client_secret_hash
    assert len(row.client_secret_hash) == 64


async def test_register_app_accepts_json_with_a_list_of_uris(client: Any) -> None:
    response = await client.post(
        "/api/v1/apps",
        json={"client_name": "Elk", "redirect_uris": ["https://elk.example/cb"], "scopes": "read"},
    )
    assert response.status_code == 200
    assert (await response.get_json())["redirect_uri"] == "https://elk.example/cb"


@pytest.mark.parametrize(
    "form",
    [
        {"redirect_uris": OOB},
        {"client_name": "x", "redirect_uris": "javascript:alert(1)"},
        {"client_name": "x"},
        {"client_name": "x", "redirect_uris": OOB, "scopes": "read everything"},
    ],
)
async def test_register_app_refuses_bad_input_and_stores_nothing(
    client: Any, form: dict[str, str]
) -> None:
    response = await client.post("/api/v1/apps", form=form)
    assert response.status_code == 422
    assert (await response.get_json())["error"]
    assert await OAuthApp.all().count() == 0


async def test_code_flow_with_pkce_s256_and_oob(client: Any, member: Any) -> None:
    app = await register(client)
    response = await consent(
        client, app, code_challenge=s256_challenge(VERIFIER), code_challenge_method="S256"
    )
    assert response.status_code == 200
    code = await code_from_oob(response)
    stored = await AuthorizationCode.get()
    assert code not in stored.code_hash
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        "redirect_uri": OOB,
    }
    wrong = await client.post("/oauth/token", form={**form, "code_verifier": "w" * 50})
    assert wrong.status_code == 400
    assert (await wrong.get_json())["error"] == "invalid_grant"
    good = await client.post("/oauth/token", form={**form, "code_verifier": VERIFIER})
    assert good.status_code == 200
    body = await good.get_json()
    assert body["token_type"] == "Bearer" and body["scope"] == "read write"
    me = await client.get(
        "/api/v1/apps/verify_credentials",
        headers={"Authorization": f"Bearer {body['access_token']}"},
    )
    assert (await me.get_json())["name"] == "Test app"
    again = await client.post("/oauth/token", form={**form, "code_verifier": VERIFIER})
    assert again.status_code == 400, "a code is single-use"


async def test_public_client_redeems_pkce_code_without_secret(client: Any, member: Any) -> None:
    app = await register(client)
    response = await consent(client, app, code_challenge=VERIFIER, code_challenge_method="plain")
    code = await code_from_oob(response)
    answer = await client.post(
        "/oauth/token",
        json={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app["client_id"],
            "redirect_uri": OOB,
            "code_verifier": VERIFIER,
        },
    )
    assert answer.status_code == 200


async def test_code_without_pkce_needs_the_client_secret(client: Any, member: Any) -> None:
    app = await register(client)
    code = await code_from_oob(await consent(client, app))
    form = {"grant_type": "authorization_code", "code": code, "client_id": app["client_id"]}
    response = await client.post("/oauth/token", form=form)
    assert response.status_code == 401
    assert (await response.get_json())["error"] == "invalid_client"


async def test_redirect_uri_flow_carries_code_and_state(client: Any, member: Any) -> None:
    app = await register(client)
    response = await consent(client, app, redirect_uri="https://app.example/cb", state="xyz")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc == "app.example"
    query = parse_qs(location.query)
    assert query["state"] == ["xyz"] and query["code"]


async def test_consent_page_is_escaped_and_scriptless(client: Any) -> None:
    app = await register(client, client_name="<script>alert(1)</script>")
    page = await client.get(
        "/oauth/authorize",
        query_string={"client_id": app["client_id"], "redirect_uri": OOB, "state": '"><b>'},
    )
    html = await page.get_data(as_text=True)
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert "&#34;&gt;&lt;b&gt;" in html or "&quot;&gt;&lt;b&gt;" in html
    assert "script-src" not in page.headers["Content-Security-Policy"]


async def test_consent_without_csrf_cookie_is_refused(client: Any, member: Any) -> None:
    app = await register(client)
    form = {
        "client_id": app["client_id"],
        "redirect_uri": OOB,
        "scope": "read",
        "csrf": "forged",
        "username": "amina",
        "password": PASSWORD,
        "decision": "approve",
    }
    response = await client.post("/oauth/authorize", form=form)
    assert response.status_code == 403
    assert await AuthorizationCode.all().count() == 0


async def test_wrong_password_shows_the_form_again(client: Any, member: Any) -> None:
    app = await register(client)
    page = await client.get(
        "/oauth/authorize", query_string={"client_id": app["client_id"], "redirect_uri": OOB}
    )
    html = await page.get_data(as_text=True)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    fields.update(username="amina", password="nope", decision="approve")
    response = await client.post("/oauth/authorize", form=fields)
    assert response.status_code == 401
    assert "Wrong user name or password" in await response.get_data(as_text=True)
    assert await AuthorizationCode.all().count() == 0


@pytest.mark.parametrize(
    "query",
    [
        {"client_id": "nope", "redirect_uri": OOB},
        {"redirect_uri": "https://evil.example/cb"},
        {"redirect_uri": OOB, "scope": "admin:write"},
        {"redirect_uri": OOB, "response_type": "token"},
    ],
)
async def test_bad_authorize_requests_show_an_error_page(
    client: Any, query: dict[str, str]
) -> None:
    app = await register(client)
    page = await client.get(
        "/oauth/authorize", query_string={"client_id": app["client_id"], **query}
    )
    assert page.status_code == 400
    assert "Location" not in page.headers


async def test_deny_redirects_with_access_denied(client: Any, member: Any) -> None:
    app = await register(client)
    query = {"client_id": app["client_id"], "redirect_uri": "https://app.example/cb"}
    page = await client.get("/oauth/authorize", query_string=query)
    html = await page.get_data(as_text=True)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    response = await client.post("/oauth/authorize", form={**fields, "decision": "deny"})
    assert response.status_code == 302
    assert "error=access_denied" in response.headers["Location"]


async def test_password_grant_and_refresh_rotate_tokens(client: Any, member: Any) -> None:
    app = await register(client)
    creds = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
    bad = await client.post(
        "/oauth/token",
        form={**creds, "grant_type": "password", "username": "amina", "password": "x"},
    )
    assert bad.status_code == 400
    assert await AccessToken.all().count() == 0
    response = await client.post(
        "/oauth/token",
        form={**creds, "grant_type": "password", "username": "amina", "password": PASSWORD,
              "scope": "read write"},
    )  # fmt: skip
    first = await response.get_json()
    assert first["scope"] == "read write"
    refreshed = await client.post(
        "/oauth/token",
        form={**creds, "grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
    )
    second = await refreshed.get_json()
    assert second["access_token"] != first["access_token"]
    old = await client.get(
        "/api/v1/apps/verify_credentials",
        headers={"Authorization": f"Bearer {first['access_token']}"},
    )
    assert old.status_code == 401, "the refreshed-away token is revoked"
    reused = await client.post(
        "/oauth/token",
        form={**creds, "grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
    )
    assert reused.status_code == 400


async def test_client_credentials_with_basic_auth_and_scope_limits(client: Any) -> None:
    import base64

    app = await register(client, scopes="read")
    basic = base64.b64encode(f"{app['client_id']}:{app['client_secret']}".encode()).decode()
    headers = {"Authorization": f"Basic {basic}"}
    response = await client.post(
        "/oauth/token", form={"grant_type": "client_credentials"}, headers=headers
    )
    assert response.status_code == 200
    assert (await response.get_json())["scope"] == "read"
    wider = await client.post(
        "/oauth/token",
        form={"grant_type": "client_credentials", "scope": "write"},
        headers=headers,
    )
    assert wider.status_code == 400
    assert (await wider.get_json())["error"] == "invalid_scope"
    assert await AccessToken.all().count() == 1


async def test_token_endpoint_refuses_unknown_grants_and_clients(client: Any) -> None:
    app = await register(client)
    unknown = await client.post("/oauth/token", form={"grant_type": "implicit"})
    assert (await unknown.get_json())["error"] == "unsupported_grant_type"
    bad_secret = await client.post(
        "/oauth/token",
        form={"grant_type": "client_credentials", "client_id": app["client_id"],
              "client_secret": "wrong"},
    )  # fmt: skip
    assert bad_secret.status_code == 401
    assert await AccessToken.all().count() == 0


async def test_revoke_makes_the_token_useless(client: Any) -> None:
    app = await register(client)
    creds = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
    token = (
        await (
            await client.post("/oauth/token", form={**creds, "grant_type": "client_credentials"})
        ).get_json()
    )["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/apps/verify_credentials", headers=headers)).status_code == 200
    other = await register(client)
    foreign = await client.post(
        "/oauth/revoke",
        form={"client_id": other["client_id"], "client_secret": other["client_secret"],
              "token": token},
    )  # fmt: skip
    assert foreign.status_code == 403
    response = await client.post("/oauth/revoke", form={**creds, "token": token})
    assert response.status_code == 200
    assert (await client.get("/api/v1/apps/verify_credentials", headers=headers)).status_code == 401


async def test_verify_app_credentials_needs_a_token(client: Any, member: Any) -> None:
    assert (await client.get("/api/v1/apps/verify_credentials")).status_code == 401
    token, _ = await issue_token(member, "read")
    response = await client.get(
        "/api/v1/apps/verify_credentials", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401, "a CLI token belongs to no app"


async def test_server_metadata_lists_endpoints(client: Any) -> None:
    doc = await (await client.get("/.well-known/oauth-authorization-server")).get_json()
    assert doc["token_endpoint"].endswith("/oauth/token")
    assert "S256" in doc["code_challenge_methods_supported"]
    assert "password" in doc["grant_types_supported"]
