"""OAuth 2 for Mastodon apps: app registration, the sign-in and consent page, tokens.

Secrets (client secrets, codes, tokens) are stored only as SHA-256 hashes and compared in
constant time. The consent form carries a CSRF token bound to a cookie by an HMAC keyed from
the instance's private key, so another site cannot make a signed-in browser approve an app.
The token endpoint answers errors in RFC 6749's shape (`error` + `error_description`), which
OAuth libraries parse; the app registration endpoint answers Mastodon's 422.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from quart import Blueprint, Response, redirect, render_template, request

from actors.accounts import local_actor
from actors.last_active import mark_active
from actors.passwords import check_password
from baraza.i18n import _
from baraza.responses import json_response
from baraza.services import services, settings
from clientapi.auth import current_caller
from clientapi.oauth import oauth_logic as logic
from clientapi.params import body_params, text
from clientapi.tokens import issue_token, token_hash
from federation.errors import FederationError, Unauthorized, Unprocessable
from outbox import push, surface
from outbox.push_keys import vapid_public_key
from storage.ids import fits_column
from storage.models import AccessToken, Actor, AuthorizationCode, OAuthApp

blueprint = Blueprint("oauth", __name__)

CODE_LIFETIME = timedelta(minutes=10)
CSRF_COOKIE = "baraza_oauth_csrf"
GRANT_TYPES = ("authorization_code", "client_credentials", "refresh_token", "password")


class OAuthError(FederationError):
    """An RFC 6749 error: `code` is the machine-readable `error`, `reason` the description."""

    def __init__(self, code: str, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.code = code
        self.status = status


@blueprint.errorhandler(OAuthError)
async def _oauth_error(error: OAuthError) -> Response:
    return json_response({"error": error.code, "error_description": error.reason}, error.status)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _secret_matches(stored_hash: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(stored_hash, _hash(given))


def application_entity(
    app: OAuthApp, *, client_secret: str | None = None, vapid_key: str = ""
) -> dict[str, Any]:
    uris = app.redirect_uris.split("\n")
    entity: dict[str, Any] = {
        "id": str(app.id),
        "name": app.name,
        "website": app.website,
        "scopes": app.scopes.split(),
        "redirect_uri": "\n".join(uris),
        "redirect_uris": uris,
        "vapid_key": vapid_key,  # the instance's Web Push key (`outbox.push_keys`)
    }
    if client_secret is not None:
        entity["client_id"] = app.client_id
        entity["client_secret"] = client_secret
        entity["client_secret_expires_at"] = 0
    return entity


@blueprint.post("/api/v1/apps")
async def create_app() -> Response:
    params = await body_params()
    name = (text(params, "client_name", max_length=255) or "").strip()
    if not name:
        raise Unprocessable("client_name is required")
    website = (text(params, "website", max_length=512) or "").strip() or None
    raw_uris = params.get("redirect_uris[]", params.get("redirect_uris"))
    if raw_uris is not None and not isinstance(raw_uris, str | list):
        raise Unprocessable("redirect_uris must be a string or a list")
    try:
        uris = logic.parse_redirect_uris(raw_uris)
        scopes_text = params.get("scopes")
        if scopes_text is not None and not isinstance(scopes_text, str):
            raise logic.OAuthInputError("scopes must be a space-separated string")
        scopes = logic.parse_scopes(scopes_text)
    except logic.OAuthInputError as exc:
        raise Unprocessable(str(exc)) from exc
    client_secret = secrets.token_urlsafe(32)
    app = await OAuthApp.create(
        name=name,
        website=website,
        client_id=secrets.token_urlsafe(24),
        client_secret_hash=_hash(client_secret),
        redirect_uris="\n".join(uris),
        scopes=" ".join(scopes),
    )
    return json_response(
        application_entity(app, client_secret=client_secret, vapid_key=await vapid_public_key())
    )


@blueprint.get("/api/v1/apps/verify_credentials")
async def verify_app() -> Response:
    caller = await current_caller()
    if caller is None:
        raise Unauthorized("The access token is invalid")
    app = await caller.token.app
    if app is None:
        raise Unauthorized("This access token was not issued to an application")
    return json_response(application_entity(app, vapid_key=await vapid_public_key()))


@blueprint.get("/.well-known/oauth-authorization-server")
async def server_metadata() -> Response:
    config = settings()
    return json_response(
        {
            "issuer": config.url("/"),
            "service_documentation": "https://docs.joinmastodon.org/",
            "authorization_endpoint": config.url("/oauth/authorize"),
            "token_endpoint": config.url("/oauth/token"),
            "revocation_endpoint": config.url("/oauth/revoke"),
            "app_registration_endpoint": config.url("/api/v1/apps"),
            "scopes_supported": sorted(logic.KNOWN_SCOPES),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "code_challenge_methods_supported": ["S256", "plain"],
            "grant_types_supported": list(GRANT_TYPES),
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
        }
    )


# --- the sign-in and consent page -----------------------------------------------------------


def _csrf_key() -> bytes:
    actor = services().instance_actor
    seed = actor.private_key_pem if actor is not None and actor.private_key_pem else ""
    return hashlib.sha256(b"baraza-oauth-csrf\0" + seed.encode()).digest()


def _csrf_token(nonce: str) -> str:
    return hmac.new(_csrf_key(), nonce.encode(), hashlib.sha256).hexdigest()


def _csrf_ok(nonce: str | None, token: str | None) -> bool:
    if not nonce or not token:
        return False
    return hmac.compare_digest(_csrf_token(nonce), token)


async def _authorize_request(params: dict[str, Any]) -> dict[str, Any]:
    """What the app asks for, checked against what it registered; errors shown on the page."""
    client_id = text(params, "client_id", max_length=128) or ""
    known = client_id and fits_column(OAuthApp, "client_id", client_id)
    app = await OAuthApp.get_or_none(client_id=client_id) if known else None
    if app is None:
        raise logic.OAuthInputError("unknown client_id")
    if (text(params, "response_type", max_length=32) or "code") != "code":
        raise logic.OAuthInputError("only response_type=code is supported")
    redirect_uri = logic.choose_redirect_uri(
        text(params, "redirect_uri", max_length=logic.MAX_URI_LENGTH),
        app.redirect_uris.split("\n"),
    )
    scopes = logic.parse_scopes(text(params, "scope", max_length=1000), default=app.scopes)
    if not logic.scopes_within(scopes, app.scopes.split()):
        raise logic.OAuthInputError("the app asks for scopes it did not register")
    challenge, method = logic.check_challenge_request(
        text(params, "code_challenge", max_length=200),
        text(params, "code_challenge_method", max_length=16),
    )
    return {
        "app": app,
        "client_id": app.client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(scopes),
        "scopes": scopes,
        "state": text(params, "state", max_length=1000) or "",
        "code_challenge": challenge or "",
        "code_challenge_method": method,
    }


async def _render_authorize(ask: dict[str, Any], *, error: str = "", status: int = 200) -> Response:
    nonce = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    html = await render_template(
        "oauth_authorize.html", ask=ask, csrf=_csrf_token(nonce), error=error
    )
    response = Response(html, status=status, content_type="text/html; charset=utf-8")
    response.set_cookie(
        CSRF_COOKIE,
        nonce,
        httponly=True,
        secure=settings().scheme == "https",
        samesite="Lax",
        path="/oauth",
        max_age=3600,
    )
    extra = logic.form_action_source(ask["redirect_uri"])
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self' https:; frame-ancestors 'none'; "
        f"base-uri 'none'; form-action 'self'{' ' + extra if extra else ''}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def _render_problem(message: str, status: int = 400) -> Response:
    html = await render_template("error.html", status=status, message=message)
    return Response(html, status=status, content_type="text/html; charset=utf-8")


@blueprint.get("/oauth/authorize")
async def authorize_page() -> Response:
    try:
        ask = await _authorize_request(dict(request.args))
    except (logic.OAuthInputError, FederationError) as exc:
        return await _render_problem(_("This sign-in link is not valid: %(reason)s", reason=exc))
    return await _render_authorize(ask)


async def _member_for(username: str, password: str) -> Actor | None:
    member = await local_actor(username.strip().lstrip("@"), kind="Person")
    if member is None or member.suspended_at is not None or member.disabled_at is not None:
        await check_password(None, password)
        return None
    if not await check_password(member.password_hash, password):
        return None
    await mark_active(member)
    return member


@blueprint.post("/oauth/authorize")
async def authorize_submit() -> Response:
    form = await request.form
    try:
        ask = await _authorize_request(dict(form))
    except (logic.OAuthInputError, FederationError) as exc:
        return await _render_problem(_("This sign-in request is not valid: %(reason)s", reason=exc))
    if not _csrf_ok(request.cookies.get(CSRF_COOKIE), form.get("csrf")):
        return await _render_problem(_("The form expired; go back to the app and try again."), 403)
    if form.get("decision") == "deny":
        return _finish(ask, {"error": "access_denied"}, denied=True)
    member = await _member_for(form.get("username", ""), form.get("password", ""))
    if member is None:
        return await _render_authorize(ask, error=_("Wrong user name or password."), status=401)
    code = secrets.token_urlsafe(32)
    await AuthorizationCode.create(
        code_hash=token_hash(code),
        app=ask["app"],
        account=member,
        redirect_uri=ask["redirect_uri"],
        scopes=ask["scope"],
        code_challenge=ask["code_challenge"] or None,
        code_challenge_method=ask["code_challenge_method"] or None,
        expires_at=datetime.now(UTC) + CODE_LIFETIME,
    )
    if ask["redirect_uri"] == logic.OOB:
        html = await render_template("oauth_code.html", code=code, app=ask["app"])
        response = Response(html, content_type="text/html; charset=utf-8")
        response.headers["Cache-Control"] = "no-store"
        return response
    return _finish(ask, {"code": code})


def _finish(ask: dict[str, Any], params: dict[str, str], *, denied: bool = False) -> Response:
    if ask["redirect_uri"] == logic.OOB:
        return Response("Access denied.", status=403, content_type="text/plain; charset=utf-8")
    params = {**params, "state": ask["state"] or None}  # type: ignore[dict-item]
    return redirect(logic.redirect_with(ask["redirect_uri"], params), 302)


# --- the token endpoint ----------------------------------------------------------------------


async def _client(params: dict[str, Any], *, secret_required: bool = True) -> OAuthApp:
    client_id = params.get("client_id")
    client_secret = params.get("client_secret")
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise OAuthError("invalid_client", "malformed Basic credentials", 401) from exc
        client_id, _, client_secret = decoded.partition(":")
    if not isinstance(client_id, str) or not client_id:
        raise OAuthError("invalid_client", "client_id is required", 401)
    fits = fits_column(OAuthApp, "client_id", client_id)
    app = await OAuthApp.get_or_none(client_id=client_id) if fits else None
    if app is None:
        raise OAuthError("invalid_client", "unknown client", 401)
    if secret_required or client_secret:
        if not isinstance(client_secret, str) or not _secret_matches(
            app.client_secret_hash, client_secret
        ):
            raise OAuthError("invalid_client", "client authentication failed", 401)
    return app


def _requested_scopes(params: dict[str, Any], default: str, allowed: list[str]) -> list[str]:
    scope = params.get("scope")
    if scope is not None and not isinstance(scope, str):
        raise OAuthError("invalid_scope", "scope must be a string")
    try:
        scopes = logic.parse_scopes(scope, default=default)
    except logic.OAuthInputError as exc:
        raise OAuthError("invalid_scope", str(exc)) from exc
    if not logic.scopes_within(scopes, allowed):
        raise OAuthError("invalid_scope", "the requested scope exceeds what was granted")
    return scopes


async def _token_answer(
    account: Actor | None, scopes: list[str], app: OAuthApp, *, with_refresh: bool
) -> Response:
    token, refresh = await issue_token(account, " ".join(scopes), app, with_refresh=with_refresh)
    body: dict[str, Any] = {
        "access_token": token,
        "token_type": "Bearer",
        "scope": " ".join(scopes),
        "created_at": int(datetime.now(UTC).timestamp()),
    }
    if refresh:
        body["refresh_token"] = refresh
    response = json_response(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post("/oauth/token")
async def token_endpoint() -> Response:
    try:
        params = await body_params()
    except Unprocessable as exc:
        raise OAuthError("invalid_request", exc.reason) from exc
    grant = params.get("grant_type")
    if grant not in GRANT_TYPES:
        raise OAuthError("unsupported_grant_type", f"grant_type must be one of {GRANT_TYPES}")
    if grant == "authorization_code":
        return await _grant_code(params)
    app = await _client(params)
    registered = app.scopes.split()
    if grant == "client_credentials":
        scopes = _requested_scopes(params, app.scopes, registered)
        return await _token_answer(None, scopes, app, with_refresh=False)
    if grant == "password":
        username, password = params.get("username"), params.get("password")
        if not isinstance(username, str) or not isinstance(password, str):
            raise OAuthError("invalid_request", "username and password are required")
        scopes = _requested_scopes(params, app.scopes, registered)
        member = await _member_for(username, password)
        if member is None:
            raise OAuthError("invalid_grant", "wrong user name or password")
        return await _token_answer(member, scopes, app, with_refresh=True)
    return await _grant_refresh(params, app)


async def _grant_code(params: dict[str, Any]) -> Response:
    code = params.get("code")
    verifier = params.get("code_verifier")
    if not isinstance(code, str) or not code:
        raise OAuthError("invalid_request", "code is required")
    if verifier is not None and not isinstance(verifier, str):
        raise OAuthError("invalid_request", "code_verifier must be a string")
    row = await AuthorizationCode.get_or_none(code_hash=token_hash(code)).prefetch_related(
        "app", "account"
    )
    # A public client (no secret) may redeem only a code bound to a PKCE challenge.
    app = await _client(params, secret_required=row is None or not row.code_challenge)
    if row is None or row.app_id != app.id or row.used or row.expires_at < datetime.now(UTC):
        raise OAuthError("invalid_grant", "the code is invalid, used or expired")
    redirect_uri = params.get("redirect_uri") or row.redirect_uri
    if redirect_uri != row.redirect_uri:
        raise OAuthError("invalid_grant", "redirect_uri does not match the authorization")
    if not logic.pkce_passes(row.code_challenge, row.code_challenge_method, verifier):
        raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
    if row.account.suspended_at is not None:
        raise OAuthError("invalid_grant", "the account is suspended")
    if row.account.disabled_at is not None:
        raise OAuthError("invalid_grant", "sign-in to this account is disabled")
    claimed = await AuthorizationCode.filter(id=row.id, used=False).update(used=True)
    if not claimed:
        raise OAuthError("invalid_grant", "the code is invalid, used or expired")
    return await _token_answer(row.account, row.scopes.split(), app, with_refresh=True)


async def _grant_refresh(params: dict[str, Any], app: OAuthApp) -> Response:
    refresh = params.get("refresh_token")
    if not isinstance(refresh, str) or not refresh:
        raise OAuthError("invalid_request", "refresh_token is required")
    digest = token_hash(refresh)
    old = await AccessToken.get_or_none(refresh_hash=digest, revoked_at=None).prefetch_related(
        "account"
    )
    if old is None or old.app_id != app.id or not hmac.compare_digest(old.refresh_hash, digest):
        raise OAuthError("invalid_grant", "the refresh token is invalid or revoked")
    scopes = _requested_scopes(params, old.scopes, old.scopes.split())
    revoked = await AccessToken.filter(id=old.id, revoked_at=None).update(
        revoked_at=datetime.now(UTC)
    )
    if not revoked:
        raise OAuthError("invalid_grant", "the refresh token is invalid or revoked")
    surface.token_revoked(old.id)
    return await _token_answer(old.account, scopes, app, with_refresh=True)


@blueprint.post("/oauth/revoke")
async def revoke_endpoint() -> Response:
    try:
        params = await body_params()
    except Unprocessable as exc:
        raise OAuthError("invalid_request", exc.reason) from exc
    app = await _client(params)
    token = params.get("token")
    if not isinstance(token, str) or not token:
        raise OAuthError("invalid_request", "token is required")
    digest = token_hash(token)
    row = await AccessToken.get_or_none(token_hash=digest)
    if row is None:
        row = await AccessToken.get_or_none(refresh_hash=digest)
    if row is not None and row.app_id != app.id:
        raise OAuthError("unauthorized_client", "the token belongs to another app", 403)
    if row is not None and row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        await row.save(update_fields=["revoked_at"])
        surface.token_revoked(row.id)  # open streams and co-editing sockets close now
        await push.token_revoked(row.id)  # its Web Push subscription ends with it
    # RFC 7009: an unknown token is answered like a revoked one.
    return json_response({})
