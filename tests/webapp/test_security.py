"""Two-factor sign-in set up from the page (the secret read back from the page, the code
computed by pyotp as an authenticator app does), recovery codes spent once, and revoking a
browser session or an app's token, only one's own."""

from __future__ import annotations

import re

import pyotp

from actors.accounts import create_member
from clientapi.tokens import find_token, issue_token
from outbox import account_security
from storage.models import AccessToken, WebSession
from tests.webapp.browser import HTML, page, sign_in, submit

SECURITY = "/settings/security"


async def _enable(browser) -> tuple[str, list[str]]:
    """Sets two-factor up as a member would; the secret and the recovery codes shown."""
    await submit(browser, f"{SECURITY}/two-factor/start", {}, from_page=SECURITY)
    _status, html = await page(browser, SECURITY)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', html)[1]
    assert "<svg" in html and "<img" not in html.split('class="qr"')[1][:200]
    response = await submit(
        browser,
        f"{SECURITY}/two-factor/confirm",
        {"code": pyotp.TOTP(secret).now()},
        from_page=SECURITY,
    )
    codes = re.findall(r"<li>([0-9a-f]{8}-[0-9a-f]{8})</li>", await response.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


async def test_two_factor_then_sign_in_needs_the_code(browser, web_settings):
    await create_member(web_settings, "alice", password="correct horse")
    await sign_in(browser, "alice", "correct horse")
    secret, _codes = await _enable(browser)
    await submit(browser, "/sign-out", {}, from_page=SECURITY)

    response = await sign_in(browser, "alice", "correct horse")
    assert response.headers["Location"].startswith("/sign-in/code")
    # Half-way: the password alone signs nobody in.
    assert (await browser.get("/settings", headers=HTML)).status_code == 303
    wrong = await submit(browser, "/sign-in/code", {"code": "000000"}, from_page="/sign-in/code")
    assert wrong.status_code == 401
    # The code used to confirm set-up is spent: wait for the next step's code.
    totp = pyotp.TOTP(secret)
    import time

    code = totp.at(time.time() + 30)
    right = await submit(browser, "/sign-in/code", {"code": code}, from_page="/sign-in/code")
    assert right.status_code == 303
    status, html = await page(browser, "/settings")
    assert status == 200 and "@alice" in html
    # The half-way session was replaced, not promoted.
    assert await WebSession.filter(second_factor_pending=True, revoked_at=None).count() == 0


async def test_a_recovery_code_signs_in_once(browser, web_settings):
    await create_member(web_settings, "alice", password="correct horse")
    await sign_in(browser, "alice", "correct horse")
    _secret, codes = await _enable(browser)
    for attempt in range(2):
        await submit(browser, "/sign-out", {}, from_page=SECURITY) if attempt == 0 else None
        await sign_in(browser, "alice", "correct horse")
        response = await submit(
            browser, "/sign-in/code", {"code": codes[0].upper()}, from_page="/sign-in/code"
        )
        assert response.status_code == (303 if attempt == 0 else 401)
        if attempt == 0:
            await submit(browser, "/sign-out", {}, from_page=SECURITY)


async def test_turning_two_factor_off_asks_for_the_password(browser, web_settings):
    await create_member(web_settings, "alice", password="correct horse")
    await sign_in(browser, "alice", "correct horse")
    await _enable(browser)
    await submit(browser, f"{SECURITY}/two-factor/off", {"password": "guess"}, from_page=SECURITY)
    _status, html = await page(browser, SECURITY)
    assert "Turn two-factor sign-in off" in html
    await submit(
        browser, f"{SECURITY}/two-factor/off", {"password": "correct horse"}, from_page=SECURITY
    )
    _status, html = await page(browser, SECURITY)
    assert "Set up two-factor sign-in" in html


async def test_sessions_and_apps_are_listed_and_revoked_only_by_their_owner(
    browser, web_app, web_settings
):
    alice = await create_member(web_settings, "alice", password="correct horse")
    bob = await create_member(web_settings, "bob", password="battery staple")
    token, _ = await issue_token(alice, "read write")
    bobs_token, _ = await issue_token(bob, "read")
    other = web_app.test_client()
    await sign_in(other, "alice", "correct horse")  # a second browser
    await sign_in(browser, "alice", "correct horse")
    _status, html = await page(browser, SECURITY)
    assert "This browser" in html and html.count("/revoke") == 2  # one other session, one app

    bob_row = await AccessToken.get(account=bob)
    refused = await submit(browser, f"{SECURITY}/apps/{bob_row.id}/revoke", {}, from_page=SECURITY)
    assert refused.status_code == 404 and await find_token(bobs_token) is not None

    closed: list[int] = []
    original = account_security.surface.token_revoked
    account_security.surface.token_revoked = closed.append  # type: ignore[assignment]
    try:
        row = await AccessToken.get(account=alice)
        done = await submit(browser, f"{SECURITY}/apps/{row.id}/revoke", {}, from_page=SECURITY)
    finally:
        account_security.surface.token_revoked = original  # type: ignore[assignment]
    assert done.status_code == 303 and closed == [row.id]
    assert await find_token(token) is None

    theirs = await WebSession.filter(account=alice, revoked_at=None).order_by("id").first()
    await submit(browser, f"{SECURITY}/sessions/{theirs.id}/revoke", {}, from_page=SECURITY)
    assert (await other.get("/settings", headers=HTML)).status_code == 303
    assert (await browser.get("/settings", headers=HTML)).status_code == 200


async def test_security_forms_refuse_without_the_token(browser, web_settings):
    await create_member(web_settings, "alice", password="correct horse")
    await sign_in(browser, "alice", "correct horse")
    response = await browser.post(f"{SECURITY}/two-factor/start", form={}, headers=HTML)
    assert response.status_code == 403


async def test_opening_the_editor_issues_a_token_that_signing_out_revokes(browser, web_settings):
    await create_member(web_settings, "alice", password="correct horse")
    await sign_in(browser, "alice", "correct horse")
    refused = await browser.post("/editor/open", form={"path": "/spaces/1/documents/2/edit"})
    assert refused.status_code == 403
    elsewhere = await submit(
        browser, "/editor/open", {"path": "https://evil.example/x"}, from_page=SECURITY
    )
    assert elsewhere.status_code == 404
    opened = await submit(
        browser, "/editor/open", {"path": "/spaces/1/documents/2/edit"}, from_page=SECURITY
    )
    location = opened.headers["Location"]
    assert opened.status_code == 303 and location.startswith("/spaces/1/documents/2/edit#token=")
    token = location.split("#token=")[1]
    row = await find_token(token)
    assert row is not None and row.scopes == "read write"
    _status, html = await page(browser, SECURITY)
    assert "Baraza web editor" in html  # listed with the apps, revocable there
    await submit(browser, "/sign-out", {}, from_page=SECURITY)
    assert await find_token(token) is None
