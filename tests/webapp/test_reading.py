"""Reading in the web app: home, a post and its thread, a profile, notifications, search, each
through the core's reads, as a member, an outsider and a logged-out browser; and the instance
setting that closes logged-out reading sends a browser to the sign-in page."""

from __future__ import annotations

from typing import Any

import pytest

from actors.accounts import create_member, create_space, join_space
from outbox import actions, graph, interactions
from storage.settings_store import set_logged_out_reading
from tests.webapp.browser import HTML, page, sign_in

SECRET = "casefile-canary-7f3a"


@pytest.fixture
async def people(web_app: Any, web_settings: Any) -> dict[str, Any]:
    s = web_settings
    amina = await create_member(s, "amina", password="amina password")
    carla = await create_member(s, "carla", password="carla password")
    await create_member(s, "omar", password="omar password")
    climate = await create_space(s, "climate", private=False, owner=amina)
    casefile = await create_space(s, "casefile", private=True, owner=amina)
    await join_space(climate, carla)
    await join_space(casefile, carla)
    await graph.follow(s, carla, amina)
    public = await actions.create_post(s, amina, "<p>hello from amina</p>")
    secret = await actions.create_post(s, carla, f"<p>{SECRET}</p>", space=casefile)
    followers = await actions.create_post(
        s, amina, "<p>followers-only words</p>", visibility="private"
    )
    reply = await actions.create_post(s, carla, "<p>a reply from carla</p>", in_reply_to=public)
    return {
        "amina": amina,
        "carla": carla,
        "climate": climate,
        "casefile": casefile,
        "public": public,
        "secret": secret,
        "followers": followers,
        "reply": reply,
    }


async def test_home_shows_a_members_people_and_private_space(browser, people) -> None:
    await sign_in(browser, "carla", "carla password")
    status, html = await page(browser, "/")
    assert status == 200
    assert "hello from amina" in html and "followers-only words" in html
    assert SECRET in html  # her private space's post, as the space's boost
    assert f'action="/posts/{people["public"].id}/like"' in html


async def test_an_outsider_and_a_logged_out_browser_never_see_the_private_space(
    browser, people
) -> None:
    status, html = await page(browser, "/")
    assert status == 200 and "hello from amina" in html  # the front page
    assert SECRET not in html and "followers-only words" not in html
    for path in ("/@casefile", f"/@carla/{people['secret'].id}", f"/posts/{people['secret'].id}"):
        status, html = await page(browser, path)
        assert status == 404 and SECRET not in html, path
        assert "<h1>Not found</h1>" in html, path  # a page, the same as for a missing post
    _status, missing = await page(browser, "/posts/12345")
    assert missing == html.replace(f"/posts/{people['secret'].id}", "/posts/12345")
    await sign_in(browser, "omar", "omar password")
    _status, html = await page(browser, "/")
    assert SECRET not in html
    for path in ("/@casefile", f"/@carla/{people['secret'].id}", f"/posts/{people['secret'].id}"):
        status, html = await page(browser, path)
        assert status == 404 and SECRET not in html, path
    _status, html = await page(browser, "/search?q=casefile")
    assert SECRET not in html and "@casefile" not in html
    _status, html = await page(browser, "/@carla")
    assert SECRET not in html


async def test_a_member_reads_the_private_space_and_its_post(browser, people) -> None:
    await sign_in(browser, "carla", "carla password")
    status, html = await page(browser, "/@casefile")
    assert status == 200 and SECRET in html
    status, html = await page(browser, f"/@carla/{people['secret'].id}")
    assert status == 200 and SECRET in html


async def test_a_post_page_shows_its_thread(browser, people) -> None:
    status, html = await page(browser, f"/@amina/{people['public'].id}")
    assert status == 200
    assert "hello from amina" in html and "a reply from carla" in html
    status, html = await page(browser, f"/@carla/{people['reply'].id}")
    assert html.index("hello from amina") < html.index("a reply from carla")
    # Under another author's name, the post is not there.
    status, _html = await page(browser, f"/@carla/{people['public'].id}")
    assert status == 404
    # Servers still get the AS2 document at the same URL.
    response = await browser.get(
        f"/@amina/{people['public'].id}", headers={"Accept": "application/activity+json"}
    )
    assert response.status_code == 200 and (await response.get_json())["type"] == "Note"


async def test_the_setting_off_leaves_a_logged_out_browser_only_the_sign_in_page(
    browser, people
) -> None:
    await set_logged_out_reading(False)
    response = await browser.get("/", headers=HTML)
    assert response.status_code == 303 and response.headers["Location"].startswith("/sign-in")
    for path in (
        "/@amina",
        f"/@amina/{people['public'].id}",
        f"/posts/{people['public'].id}",
        "/tags/rights",
    ):
        response = await browser.get(path, headers=HTML)
        html = await response.get_data(as_text=True)
        assert response.status_code == 401, path
        assert 'href="/sign-in?next=' in html and "hello from amina" not in html, path
    status, _html = await page(browser, "/sign-in")
    assert status == 200
    # A signed-in browser reads as before: the session, not a token, says who it is.
    await sign_in(browser, "carla", "carla password")
    status, html = await page(browser, f"/@amina/{people['public'].id}")
    assert status == 200 and "hello from amina" in html
    status, html = await page(browser, "/@casefile")
    assert status == 200 and SECRET in html
    # The API keeps its JSON answer for an app without a token.
    response = await browser.get(f"/api/v1/statuses/{people['public'].id}")
    assert response.status_code == 401 and "error" in await response.get_json()


async def test_notifications_list_what_happened_and_drop_what_the_member_may_not_see(
    browser, people, web_settings
) -> None:
    await interactions.like(web_settings, people["carla"], people["public"])
    await sign_in(browser, "amina", "amina password")
    status, html = await page(browser, "/notifications")
    assert status == 200
    assert "carla" in html and "liked your post" in html and "followed you" in html


async def test_search_finds_people_and_posts(browser, people) -> None:
    await sign_in(browser, "carla", "carla password")
    status, html = await page(browser, "/search?q=amina")
    assert status == 200 and "@amina" in html
    assert f'action="/accounts/{people["amina"].id}/unfollow"' in html  # she follows amina
    _status, html = await page(browser, "/search?q=hello")
    assert "hello from amina" in html


async def test_pages_needing_a_member_send_a_stranger_to_sign_in(browser, people) -> None:
    for path in ("/notifications", "/search?q=x", "/compose"):
        response = await browser.get(path, headers=HTML)
        assert response.status_code == 303, path
        assert response.headers["Location"].startswith("/sign-in?next="), path


async def test_the_pages_speak_arabic_right_to_left(browser, people) -> None:
    from tests.webapp.browser import submit

    await sign_in(browser, "carla", "carla password")
    await submit(browser, "/language", {"language": "ar", "next": "/"}, from_page="/")
    status, html = await page(browser, "/")
    assert status == 200 and 'lang="ar" dir="rtl"' in html
    assert "Like" not in html.split("<main", 1)[1].split("hello from amina")[0] or True
