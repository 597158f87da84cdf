"""Posting from the web app: the compose form publishes through the API's draft and
`create_post` (content warning, language, visibility, a space chosen by `spaces.destination`,
attachments, a poll); the forms on a post and a profile call the core's actions; every form is
refused without its CSRF token, and acting on a post or space one may not see is a 404."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from werkzeug.datastructures import FileStorage

from actors.accounts import create_member, create_space, join_space
from outbox import actions
from storage.models import Announce, Bookmark, Follow, Like, MediaAttachment, Post
from tests.webapp.browser import HTML, page, sign_in, submit, token

PNG = Path(__file__).resolve().parents[2] / "baraza" / "static" / "avatar.png"


@pytest.fixture
async def people(web_app: Any, web_settings: Any) -> dict[str, Any]:
    s = web_settings
    amina = await create_member(s, "amina", password="amina password")
    carla = await create_member(s, "carla", password="carla password")
    omar = await create_member(s, "omar", password="omar password")
    climate = await create_space(s, "climate", private=False, owner=amina)
    casefile = await create_space(s, "casefile", private=True, owner=amina)
    await join_space(climate, carla)
    await join_space(casefile, carla)
    secret = await actions.create_post(s, amina, "<p>casefile notes</p>", space=casefile)
    public = await actions.create_post(s, amina, "<p>a public word</p>")
    return {
        "amina": amina,
        "carla": carla,
        "omar": omar,
        "climate": climate,
        "casefile": casefile,
        "secret": secret,
        "public": public,
    }


async def test_compose_publishes_with_warning_language_and_visibility(browser, people) -> None:
    await sign_in(browser, "carla", "carla password")
    response = await submit(
        browser,
        "/compose",
        {
            "status": "Guten Morgen an alle hier",
            "spoiler_text": "long read",
            "language": "de",
            "visibility": "unlisted",
        },
        from_page="/compose",
    )
    assert response.status_code == 303
    post = await Post.get(actor=people["carla"])
    assert response.headers["Location"] == f"/@carla/{post.id}"
    assert (post.summary, post.language, post.visibility) == ("long read", "de", "unlisted")
    assert post.sensitive and "Guten Morgen" in post.content
    status, html = await page(browser, f"/@carla/{post.id}")
    assert status == 200 and "long read" in html and "<details" in html


async def test_compose_posts_into_a_private_space_only_members_read(
    browser, people, web_app
) -> None:
    await sign_in(browser, "carla", "carla password")
    _status, html = await page(browser, "/compose")
    assert f'value="{people["casefile"].id}"' in html and f'value="{people["climate"].id}"' in html
    response = await submit(
        browser,
        "/compose",
        {"status": "witness list is ready", "space": str(people["casefile"].id)},
        from_page="/compose",
    )
    assert response.status_code == 303
    post = await Post.get(actor=people["carla"])
    assert post.space_id == people["casefile"].id and post.visibility == "space"
    status, _html = await page(browser, f"/@carla/{post.id}")
    assert status == 200
    # An outsider's browser: the post does not exist.
    other = web_app.test_client()
    await sign_in(other, "omar", "omar password")
    status, html = await page(other, f"/@carla/{post.id}")
    assert status == 404 and "witness list" not in html


async def test_a_public_space_takes_only_open_posts(browser, people) -> None:
    await sign_in(browser, "carla", "carla password")
    space = str(people["climate"].id)
    response = await submit(
        browser,
        "/compose",
        {"status": "for my followers", "space": space, "visibility": "private"},
        from_page="/compose",
    )
    assert response.status_code == 422
    assert "for my followers" in await response.get_data(as_text=True)  # kept for a retry
    assert not await Post.exists(actor=people["carla"])
    response = await submit(
        browser, "/compose", {"status": "hello climate", "space": space}, from_page="/compose"
    )
    post = await Post.get(actor=people["carla"])
    assert response.status_code == 303 and post.space_id == people["climate"].id
    # The space announces it, as a post by mention would be.
    assert await Announce.exists(actor=people["climate"], post=post)


async def test_a_space_the_member_is_not_in_is_refused(browser, people) -> None:
    await sign_in(browser, "omar", "omar password")
    response = await submit(
        browser,
        "/compose",
        {"status": "sneaking in", "space": str(people["casefile"].id)},
        from_page="/compose",
    )
    assert response.status_code == 422
    assert not await Post.exists(actor=people["omar"])


async def test_compose_attaches_a_picture_and_makes_a_poll(browser, people, web_app) -> None:
    await sign_in(browser, "carla", "carla password")
    csrf = await token(browser, "/compose")
    response = await browser.post(
        "/compose",
        form={"csrf_token": csrf, "status": "our banner", "description": "a green banner"},
        files={"file": FileStorage(PNG.open("rb"), filename="banner.png")},
        headers=HTML,
    )
    assert response.status_code == 303
    post = await Post.get(actor=people["carla"])
    media = await MediaAttachment.get(post_id=post.id)
    assert media.content_type == "image/png" and media.description == "a green banner"
    assert post.attachments and post.attachments[0]["mediaType"] == "image/png"
    _status, html = await page(browser, f"/@carla/{post.id}")
    assert 'alt="a green banner"' in html
    fields = [
        ("csrf_token", csrf),
        ("status", "which day?"),
        ("poll[options][]", "Monday"),
        ("poll[options][]", "Friday"),
        ("poll[options][]", ""),
        ("poll[expires_in]", "86400"),
    ]
    response = await browser.post(
        "/compose",
        data=urlencode(fields),
        headers={**HTML, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 303, await response.get_data(as_text=True)
    poll = await Post.get(actor=people["carla"], type="Question")
    assert [o["title"] for o in poll.poll["options"]] == ["Monday", "Friday"]
    # Another member votes through the page's form.
    other = web_app.test_client()
    await sign_in(other, "amina", "amina password")
    response = await submit(
        other, f"/posts/{poll.id}/vote", {"choice": "1"}, from_page=f"/@carla/{poll.id}"
    )
    assert response.status_code == 303
    await poll.refresh_from_db()
    assert [o["votes"] for o in poll.poll["options"]] == [0, 1]


async def test_actions_on_a_post_call_the_core(browser, people) -> None:
    await sign_in(browser, "carla", "carla password")
    public = people["public"]
    origin = f"/@amina/{public.id}"
    for act in ("like", "boost", "bookmark"):
        response = await submit(browser, f"/posts/{public.id}/{act}", {}, from_page=origin)
        assert response.status_code == 303, act
    carla = people["carla"]
    assert await Like.exists(actor=carla, post=public)
    assert await Announce.exists(actor=carla, post=public)
    assert await Bookmark.exists(actor=carla, post=public)
    _status, html = await page(browser, origin)
    assert 'aria-pressed="true"' in html and f'action="/posts/{public.id}/unlike"' in html
    for act in ("unlike", "unboost", "unbookmark"):
        await submit(browser, f"/posts/{public.id}/{act}", {}, from_page=origin)
    assert not await Like.exists(actor=carla, post=public)
    assert not await Announce.exists(actor=carla, post=public)
    assert not await Bookmark.exists(actor=carla, post=public)
    # Someone else's post cannot be deleted; one's own can.
    response = await submit(browser, f"/posts/{public.id}/delete", {}, from_page=origin)
    assert response.status_code in (403, 404, 422)
    await public.refresh_from_db()
    assert public.deleted_at is None
    await submit(browser, "/compose", {"status": "typo"}, from_page="/compose")
    mine = await Post.get(actor=carla)
    response = await submit(browser, f"/posts/{mine.id}/delete", {}, from_page=f"/@carla/{mine.id}")
    assert response.status_code == 303
    await mine.refresh_from_db()
    assert mine.deleted_at is not None


async def test_a_hidden_post_or_space_is_404_to_an_outsiders_forms(browser, people) -> None:
    await sign_in(browser, "omar", "omar password")
    secret = people["secret"]
    for act in ("like", "boost", "bookmark", "delete", "vote"):
        response = await submit(browser, f"/posts/{secret.id}/{act}", {}, from_page="/")
        assert response.status_code == 404, act
    assert not await Like.exists(post=secret)
    response = await submit(browser, f"/accounts/{people['casefile'].id}/follow", {}, from_page="/")
    assert response.status_code == 404
    assert not await Follow.exists(follower=people["omar"], target=people["casefile"])
    response = await submit(
        browser, "/compose", {"status": "x", "in_reply_to_id": str(secret.id)}, from_page="/compose"
    )
    assert response.status_code == 404


async def test_follow_a_person_and_join_a_public_space(browser, people) -> None:
    await sign_in(browser, "omar", "omar password")
    response = await submit(
        browser, f"/accounts/{people['amina'].id}/follow", {"next": "/@amina"}, from_page="/@amina"
    )
    assert response.status_code == 303 and response.headers["Location"] == "/@amina"
    assert await Follow.exists(follower=people["omar"], target=people["amina"], accepted=True)
    _status, html = await page(browser, "/@amina")
    assert f'action="/accounts/{people["amina"].id}/unfollow"' in html
    await submit(browser, f"/accounts/{people['climate'].id}/follow", {}, from_page="/@climate")
    assert await Follow.exists(follower=people["omar"], target=people["climate"], accepted=True)
    await submit(browser, f"/accounts/{people['amina'].id}/unfollow", {}, from_page="/@amina")
    assert not await Follow.exists(follower=people["omar"], target=people["amina"])


async def test_every_form_is_refused_without_its_token(browser, people) -> None:
    await sign_in(browser, "carla", "carla password")
    public = people["public"]
    for path, form in (
        ("/compose", {"status": "forged"}),
        (f"/posts/{public.id}/like", {}),
        (f"/posts/{public.id}/vote", {"choice": "0"}),
        (f"/accounts/{people['amina'].id}/follow", {}),
    ):
        response = await browser.post(path, form=form, headers=HTML)
        assert response.status_code == 403, path
        response = await browser.post(path, form={**form, "csrf_token": "x" * 40}, headers=HTML)
        assert response.status_code == 403, path
    assert not await Post.exists(actor=people["carla"])
    assert not await Like.exists(post=public)
    assert not await Follow.exists(follower=people["carla"], target=people["amina"])


async def test_a_logged_out_browser_cannot_post(browser, people) -> None:
    response = await submit(browser, "/compose", {"status": "anonymous"})
    assert response.status_code == 303 and response.headers["Location"].startswith("/sign-in")
    assert not await Post.exists(content__icontains="anonymous")
