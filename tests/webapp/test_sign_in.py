"""Signing in and out of the web app: a session cookie with the right flags, stored hashed,
refused without the form's CSRF token, limited per account and address, and a session that
gives the same member a token gives."""

from __future__ import annotations

import hashlib

from actors.accounts import create_member
from baraza.webapp import signin
from federation.rate_limits import Rate, RateLimiter
from storage.models import WebSession
from tests.webapp.browser import HTML, page, sign_in, submit


async def test_sign_in_sets_a_hardened_cookie_stored_only_as_a_hash(browser, web_settings):
    await create_member(web_settings, "alice", password="correct horse")
    response = await sign_in(browser, "alice", "correct horse")
    cookie = next(
        v
        for k, v in response.headers.items(lower=True)
        if k == "set-cookie" and "baraza_session" in v
    )
    flags = cookie.lower()
    assert "httponly" in flags and "samesite=lax" in flags and "secure" in flags
    value = cookie.split(";")[0].split("=", 1)[1]
    selector, verifier = value.split(".")
    row = await WebSession.get(selector=selector)
    assert row.verifier_hash == hashlib.sha256(verifier.encode()).hexdigest()
    assert verifier not in (row.verifier_hash, row.selector, row.csrf_token)
    assert not row.second_factor_pending


async def test_signed_in_page_names_the_member_and_sign_out_ends_the_session(browser, web_settings):
    await create_member(web_settings, "alice", password="correct horse")
    await sign_in(browser, "alice", "correct horse")
    status, html = await page(browser, "/settings")
    assert status == 200 and "@alice" in html
    status, _html = await page(browser, "/sign-in?next=/settings")
    assert status == 303  # already signed in: sent on
    response = await submit(browser, "/sign-out", {}, from_page="/settings")
    assert response.status_code == 303
    assert (await WebSession.get()).revoked_at is not None
    response = await browser.get("/settings", headers=HTML)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in?next=/settings")


async def test_a_page_needing_a_member_sends_a_stranger_to_sign_in(browser, web_settings):
    response = await browser.get("/settings", headers=HTML)
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in?next=/settings"
    status, html = await page(browser, "/sign-in?next=/settings")
    assert status == 200 and 'name="next" value="/settings"' in html
    assert 'lang="en" dir="ltr"' in html and '<main id="main"' in html


async def test_the_language_switch_turns_the_page_arabic_right_to_left(browser, web_settings):
    await create_member(web_settings, "alice", password="correct horse")
    response = await submit(browser, "/language", {"language": "ar", "next": "/sign-in"})
    assert response.status_code == 303
    _status, html = await page(browser, "/sign-in")
    assert 'lang="ar" dir="rtl"' in html
    await sign_in(browser, "alice", "correct horse")
    from storage.models import Actor

    # Signed in, the switch also sets the member's interface language (as the API's field).
    await submit(
        browser, "/language", {"language": "fr", "next": "/settings"}, from_page="/settings"
    )
    assert (await Actor.get(local_username="alice")).ui_language == "fr"
    _status, html = await page(browser, "/settings")
    assert 'lang="fr" dir="ltr"' in html


async def test_pages_carry_their_own_strict_policy(browser, web_settings):
    response = await browser.get("/sign-in", headers=HTML)
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'") and "script-src 'self'" in policy
    assert "unsafe" not in policy and "form-action 'self'" in policy


async def test_wrong_password_is_refused_without_saying_which_part_was_wrong(browser, web_settings):
    await create_member(web_settings, "alice", password="correct horse")
    wrong = await submit(browser, "/sign-in", {"username": "alice", "password": "nope"})
    nobody = await submit(browser, "/sign-in", {"username": "nobody", "password": "nope"})
    assert wrong.status_code == nobody.status_code == 401
    assert "do not match" in await wrong.get_data(as_text=True)
    assert await WebSession.all().count() == 0


async def test_a_form_without_the_csrf_token_is_refused(browser, web_settings):
    await create_member(web_settings, "alice", password="correct horse")
    await page(browser, "/sign-in")  # the browser holds its token cookie ...
    response = await browser.post(
        "/sign-in", form={"username": "alice", "password": "correct horse"}, headers=HTML
    )
    assert response.status_code == 403  # ... but the form does not carry it
    forged = await browser.post(
        "/sign-in",
        form={"username": "alice", "password": "correct horse", "csrf_token": "x" * 43},
        headers=HTML,
    )
    assert forged.status_code == 403
    assert await WebSession.all().count() == 0


async def test_sign_in_is_limited_per_account(browser, web_app, web_settings):
    await create_member(web_settings, "alice", password="correct horse")
    web_app.extensions[signin.LIMITER] = RateLimiter(Rate(3, 900.0))
    for _ in range(3):
        response = await submit(browser, "/sign-in", {"username": "alice", "password": "no"})
        assert response.status_code == 401
    response = await submit(browser, "/sign-in", {"username": "alice", "password": "correct horse"})
    assert response.status_code == 429
    assert await WebSession.all().count() == 0
