"""The settings page: profile (name, bio, avatar, languages) saved through the core action
that also tells followers, and the Letter's address and subscription where the Letter reads
them."""

from __future__ import annotations

import base64

from actors.accounts import create_member
from spaces.letter_mail import member_email, unsubscribed
from storage.models import Actor
from tests.webapp.browser import page, sign_in, submit

# A 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAcCBlCwAAAABJRU5ErkJggg=="
)


async def test_profile_languages_and_avatar_are_saved(browser, web_settings):
    import io

    from quart.datastructures import FileStorage

    await create_member(web_settings, "alice", password="correct horse")
    await sign_in(browser, "alice", "correct horse")
    _status, html = await page(browser, "/settings")
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    response = await browser.post(
        "/settings/profile",
        form={
            "csrf_token": token,
            "display_name": "Alice <b>A</b>",
            "bio": "Line one\n\nLine <two>",
            "ui_language": "de",
            "chosen_languages": "fr",
        },
        files={"avatar": FileStorage(io.BytesIO(PNG), filename="me.png", content_type="image/png")},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 303
    alice = await Actor.get(local_username="alice")
    assert alice.display_name == "Alice <b>A</b>"  # stored as typed, escaped when shown
    assert alice.summary == "<p>Line one</p><p>Line &lt;two&gt;</p>"
    assert alice.ui_language == "de" and alice.chosen_languages == ["fr"]
    assert alice.avatar_url and alice.avatar_url.startswith("https://testserver.example/avatars/")
    served = await browser.get(alice.avatar_url.removeprefix("https://testserver.example"))
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/png"
    _status, html = await page(browser, "/settings")
    assert 'lang="de"' in html and "Alice &lt;b&gt;A&lt;/b&gt;" in html


async def test_a_non_image_avatar_is_refused(browser, web_settings):
    import io

    from quart.datastructures import FileStorage

    await create_member(web_settings, "alice", password="correct horse")
    await sign_in(browser, "alice", "correct horse")
    _status, html = await page(browser, "/settings")
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    await browser.post(
        "/settings/profile",
        form={"csrf_token": token, "display_name": "A"},
        files={"avatar": FileStorage(io.BytesIO(b"<svg onload=x>"), filename="x.svg")},
        headers={"Accept": "text/html"},
    )
    assert (await Actor.get(local_username="alice")).avatar_url is None


async def test_letter_email_and_unsubscribe(browser, web_settings):
    await create_member(web_settings, "alice", password="correct horse")
    await sign_in(browser, "alice", "correct horse")
    await submit(
        browser,
        "/settings/letter",
        {"email": "alice@example.org", "subscribed": "1"},
        from_page="/settings",
    )
    alice = await Actor.get(local_username="alice")
    assert member_email(alice) == "alice@example.org" and not unsubscribed(alice)
    await submit(browser, "/settings/letter", {"email": "alice@example.org"}, from_page="/settings")
    assert unsubscribed(await Actor.get(local_username="alice"))
    bad = await submit(browser, "/settings/letter", {"email": "not mail"}, from_page="/settings")
    assert bad.status_code == 303
    assert member_email(await Actor.get(local_username="alice")) == "alice@example.org"
