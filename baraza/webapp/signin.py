"""Signing in and out of the web app, and the language switch.

Sign-in is limited per account and per address (`BARAZA_SIGNIN_RATE`, default 10 tries in
15 minutes each): a password guesser spread over many addresses still hits the account's
budget, and one address cannot walk through many accounts. A member with two-factor gets a
half-way session after the password and a full one only after the code.
"""

from __future__ import annotations

import os
from urllib.parse import quote

from quart import Blueprint, Quart, Response, current_app, request

from actors import two_factor
from actors.passwords import check_password
from baraza.i18n import LANGUAGES, N_, _
from baraza.webapp.csrf import check_csrf
from baraza.webapp.render import local_path, render_page, see_other
from baraza.webapp.session import (
    COOKIE,
    clear_session_cookie,
    close_session,
    confirm_second_factor,
    current_session,
    open_session,
    set_session_cookie,
    signed_in_member,
)
from federation.rate_limits import Rate, RateLimiter, parse_rate
from storage.models import Actor

blueprint = Blueprint("web_sessions", __name__)

LIMITER = "baraza_signin_limiter"
LANGUAGE_COOKIE = "baraza_lang"
WRONG = N_("That name and password do not match.")
TOO_MANY = N_("Too many attempts. Wait a few minutes and try again.")
WRONG_CODE = N_("That code is not right. Try again, or use a recovery code.")


async def _limited(username: str) -> bool:
    """Counts one try for the account and for the address; True when either is spent."""
    limiter = current_app.extensions.get(LIMITER)
    if limiter is None:
        return False
    by_account = await limiter.check(f"account:{username.lower()}")
    by_address = await limiter.check(f"address:{request.remote_addr or 'unknown'}")
    return not (by_account.allowed and by_address.allowed)


async def _sign_in_form(error: str | None = None, status: int = 200) -> Response:
    return await render_page(
        "web/sign_in.html",
        status=status,
        error=_(error) if error else None,
        next=local_path(request.args.get("next")),
    )


@blueprint.get("/sign-in")
async def sign_in_page() -> Response:
    if await signed_in_member() is not None:
        return see_other(local_path(request.args.get("next")))
    return await _sign_in_form()


@blueprint.post("/sign-in")
async def sign_in_submit() -> Response:
    await check_csrf()
    form = await request.form
    username = form.get("username", "").strip().lstrip("@")[:64]
    password = form.get("password", "")[:1024]
    if await _limited(username):
        return await _sign_in_form(TOO_MANY, 429)
    account = (
        await Actor.get_or_none(
            local=True,
            type="Person",
            local_username=username,
            suspended_at=None,
            disabled_at=None,  # sign-in disabled by an admin (outbox/account_actions.py)
        )
        if username
        else None
    )
    if account is None or not await check_password(account.password_hash, password):
        return await _sign_in_form(WRONG, 401)
    pending = await two_factor.is_enabled(account)
    _row, cookie = await open_session(account, pending=pending)
    target = local_path(form.get("next"))
    response = see_other(f"/sign-in/code?next={quote(target)}" if pending else target)
    set_session_cookie(response, cookie)
    return response


@blueprint.get("/sign-in/code")
async def code_page() -> Response:
    row = await current_session()
    if row is None or not row.second_factor_pending:
        return see_other("/sign-in")
    return await render_page(
        "web/sign_in_code.html", error=None, next=local_path(request.args.get("next"))
    )


@blueprint.post("/sign-in/code")
async def code_submit() -> Response:
    await check_csrf()
    row = await current_session()
    if row is None or not row.second_factor_pending:
        return see_other("/sign-in")
    form = await request.form
    target = local_path(form.get("next"))
    if await _limited(row.account.local_username or ""):
        return await render_page(
            "web/sign_in_code.html", status=429, error=_(TOO_MANY), next=target
        )
    if not await two_factor.accept_code(row.account, form.get("code", "")):
        return await render_page(
            "web/sign_in_code.html", status=401, error=_(WRONG_CODE), next=target
        )
    _full, cookie = await confirm_second_factor(row)
    response = see_other(target)
    set_session_cookie(response, cookie)
    return response


@blueprint.post("/sign-out")
async def sign_out() -> Response:
    await check_csrf()
    row = await current_session()
    if row is not None:
        await close_session(row)
        from baraza.webapp.editor_link import revoke_editor_tokens

        await revoke_editor_tokens(row.account)
    response = see_other("/sign-in", notice=N_("You are signed out."))
    clear_session_cookie(response)
    return response


@blueprint.post("/language")
async def switch_language() -> Response:
    """The switch in every page's header: a cookie for anyone, and the member's interface
    language when signed in (the same field the settings page and the API change)."""
    await check_csrf()
    form = await request.form
    language = form.get("language", "")
    if language not in LANGUAGES:
        return see_other(local_path(form.get("next")))
    member = await signed_in_member()
    if member is not None:
        from outbox.account_settings import set_interface_language

        await set_interface_language(member, language)
    response = see_other(local_path(form.get("next")))
    response.set_cookie(
        LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="Lax", httponly=True, path="/"
    )
    return response


def install_signin_limit(app: Quart) -> None:
    """One budget per instance (all its processes): `BARAZA_SIGNIN_RATE`, `off` to disable."""
    rate = parse_rate(os.environ.get("BARAZA_SIGNIN_RATE"), Rate(10, 900.0))
    app.extensions[LIMITER] = RateLimiter(rate, name="signin") if rate else None


__all__ = ["COOKIE", "LANGUAGE_COOKIE", "blueprint", "install_signin_limit"]
