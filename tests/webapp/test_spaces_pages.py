"""The web app's spaces: the directory, a space's page, joining and leaving, requests, the
library, Talks and their calendars. Each page is read as a logged-out browser, an outsider and
a member; each form is refused without its CSRF token; a private space's posts, members and
documents never reach anyone else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from icalendar import Calendar

from actors.accounts import create_member, create_space
from federation.errors import NotFound
from outbox.actions import create_post
from spaces import membership
from storage.models import EventParticipation, Follow, LibraryDocument, LibraryVersion, Post
from storage.settings_store import set_logged_out_reading
from tests.webapp.browser import HTML, page, sign_in, token

PASSWORD = "correct horse"


@pytest.fixture
async def world(web_settings: Any) -> dict[str, Any]:
    owner = await create_member(web_settings, "olga", password=PASSWORD)
    member = await create_member(web_settings, "mina", password=PASSWORD)
    outsider = await create_member(web_settings, "omar", password=PASSWORD)
    open_space = await create_space(
        web_settings, "garden", private=False, owner=owner, summary="<p>Gardeners meet here</p>"
    )
    closed = await create_space(web_settings, "casework", private=True, owner=owner)
    await Follow.create(follower=member, target=closed, accepted=True)
    await create_post(web_settings, owner, "<p>tomato-canary</p>", space=open_space)
    await create_post(web_settings, owner, "<p>secret-canary</p>", space=closed)
    return {
        "owner": owner,
        "member": member,
        "outsider": outsider,
        "open": open_space,
        "closed": closed,
    }


async def form_post(
    client: Any, path: str, form: dict[str, Any], *, from_page: str, files: Any = None
) -> Any:
    data = {"csrf_token": await token(client, from_page), **form}
    return await client.post(path, form=data, files=files, headers=HTML)


async def test_directory_lists_public_spaces_only_and_my_private_ones_to_me(browser, world):
    status, html = await page(browser, "/spaces")
    assert status == 200 and "@garden" in html and "casework" not in html
    await sign_in(browser, "omar", PASSWORD)
    _status, html = await page(browser, "/spaces")
    assert "@garden" in html and "casework" not in html
    await browser.post("/sign-out")  # refused without a token: still signed in
    _status, html = await page(browser, "/spaces?page=x&order=alpha")
    assert "@garden" in html


async def test_directory_shows_a_member_their_private_space(browser, world):
    await sign_in(browser, "mina", PASSWORD)
    status, html = await page(browser, "/spaces")
    assert status == 200 and "@casework" in html and "@garden" in html


async def test_a_public_space_reads_logged_out_a_private_one_only_for_members(browser, world):
    open_id, closed_id = world["open"].id, world["closed"].id
    status, html = await page(browser, f"/space/{open_id}")
    assert status == 200 and "tomato-canary" in html and "Gardeners meet here" in html
    assert "@olga" in html  # members and roles are shown
    for path in (f"/space/{closed_id}", f"/space/{closed_id}/library", f"/space/{closed_id}/talks"):
        status, html = await page(browser, path)
        assert status == 404 and "secret-canary" not in html and "casework" not in html
    await sign_in(browser, "omar", PASSWORD)
    status, html = await page(browser, f"/space/{closed_id}")
    assert status == 404 and "secret-canary" not in html


async def test_a_member_reads_the_private_space(web_app, world):
    client = web_app.test_client()
    await sign_in(client, "mina", PASSWORD)
    status, html = await page(client, f"/space/{world['closed'].id}")
    assert status == 200 and "secret-canary" in html and "@mina" in html and "@olga" in html


async def test_logged_out_reading_off_sends_a_stranger_to_sign_in(browser, world):
    await set_logged_out_reading(False)
    try:
        for path in (
            "/spaces",
            f"/space/{world['open'].id}",
            f"/space/{world['open'].id}/calendar.ics",
        ):
            response = await browser.get(path, headers=HTML)
            assert response.status_code == 303, path
            assert response.headers["Location"].startswith("/sign-in?next=")
        await sign_in(browser, "omar", PASSWORD)
        status, html = await page(browser, f"/space/{world['open'].id}")
        assert status == 200 and "tomato-canary" in html
    finally:
        await set_logged_out_reading(True)


async def test_join_and_leave_need_the_form_token(browser, world):
    space = world["open"]
    await sign_in(browser, "omar", PASSWORD)
    refused = await browser.post(f"/space/{space.id}/join", form={}, headers=HTML)
    assert refused.status_code == 403
    assert not await Follow.exists(follower=world["outsider"], target=space)
    joined = await form_post(browser, f"/space/{space.id}/join", {}, from_page=f"/space/{space.id}")
    assert joined.status_code == 303
    assert await Follow.exists(follower=world["outsider"], target=space, accepted=True)
    _status, html = await page(browser, f"/space/{space.id}")
    assert "You joined the space." in html and f'action="/space/{space.id}/leave"' in html
    refused = await browser.post(
        f"/space/{space.id}/leave", form={"csrf_token": "forged"}, headers=HTML
    )
    assert refused.status_code == 403
    left = await form_post(browser, f"/space/{space.id}/leave", {}, from_page=f"/space/{space.id}")
    assert left.status_code == 303
    assert not await Follow.exists(follower=world["outsider"], target=space)


async def test_a_stranger_is_sent_to_sign_in_to_join(browser, world):
    response = await form_post(browser, f"/space/{world['open'].id}/join", {}, from_page="/sign-in")
    assert response.status_code == 303 and response.headers["Location"].startswith("/sign-in")


async def test_a_moderator_answers_a_request_to_join_the_private_space(
    browser, world, web_settings
):
    closed = world["closed"]
    with pytest.raises(NotFound):  # an outsider's request answers as an unused id does
        await membership.join(web_settings, world["outsider"], closed)
    await sign_in(browser, "mina", PASSWORD)  # a member, not a moderator: no requests shown
    _status, html = await page(browser, f"/space/{closed.id}")
    assert "@omar" not in html
    path = f"/space/{closed.id}/requests/{world['outsider'].id}/approve"
    refused = await form_post(browser, path, {}, from_page=f"/space/{closed.id}")
    assert refused.status_code == 403


async def test_the_owner_approves_a_request(web_app, world, web_settings):
    closed = world["closed"]
    with pytest.raises(NotFound):
        await membership.join(web_settings, world["outsider"], closed)
    client = web_app.test_client()
    await sign_in(client, "olga", PASSWORD)
    status, html = await page(client, f"/space/{closed.id}")
    assert status == 200 and "@omar" in html and "Requests to join" in html
    path = f"/space/{closed.id}/requests/{world['outsider'].id}/approve"
    assert (await client.post(path, form={}, headers=HTML)).status_code == 403
    answered = await form_post(client, path, {}, from_page=f"/space/{closed.id}")
    assert answered.status_code == 303
    assert await Follow.exists(follower=world["outsider"], target=closed, accepted=True)


def _file(name: str, data: bytes, kind: str = "text/plain") -> dict[str, Any]:
    from io import BytesIO

    from quart.datastructures import FileStorage

    return {"file": FileStorage(BytesIO(data), filename=name, content_type=kind)}


async def test_library_upload_new_version_download_and_editor_link(web_app, world):
    closed = world["closed"]
    client = web_app.test_client()
    await sign_in(client, "mina", PASSWORD)
    library = f"/space/{closed.id}/library"
    refused = await client.post(library, form={}, files=_file("notes.txt", b"hello"), headers=HTML)
    assert refused.status_code == 403
    sent = await form_post(
        client,
        library,
        {"title": "Case notes"},
        from_page=library,
        files=_file("notes.txt", b"first draft"),
    )
    assert sent.status_code == 303
    doc = await LibraryDocument.get(space=closed)
    assert doc.title == "Case notes"
    status, html = await page(client, library)
    assert status == 200 and "Case notes" in html
    assert f"/spaces/{closed.id}/documents/{doc.id}/edit" in html  # text: the live editor
    again = await form_post(
        client,
        f"{library}/{doc.id}/versions",
        {},
        from_page=f"{library}/{doc.id}",
        files=_file("notes.txt", b"second draft"),
    )
    assert again.status_code == 303
    assert await LibraryVersion.filter(document=doc).count() == 2
    first = await client.get(f"{library}/{doc.id}/download?version=1")
    assert first.status_code == 200 and await first.get_data() == b"first draft"
    latest = await client.get(f"{library}/{doc.id}/download")
    assert await latest.get_data() == b"second draft"
    assert latest.headers["Cache-Control"] == "private, no-store"
    # An executable named like a PDF is refused by the library's own check.
    bad = await form_post(
        client,
        library,
        {},
        from_page=library,
        files=_file("x.pdf", b"MZ\x90\x00" + b"\x00" * 64, "application/pdf"),
    )
    assert bad.status_code == 303
    _status, html = await page(client, library)
    assert "This file type is not accepted" in html
    assert await LibraryDocument.filter(space=closed).count() == 1
    # Nobody else downloads it: logged out or an outsider.
    stranger = web_app.test_client()
    for path in (f"{library}/{doc.id}", f"{library}/{doc.id}/download?version=1"):
        response = await stranger.get(path, headers=HTML)
        assert response.status_code == 404
        assert b"first draft" not in await response.get_data()
    await sign_in(stranger, "omar", PASSWORD)
    response = await stranger.get(f"{library}/{doc.id}/download", headers=HTML)
    assert response.status_code == 404


async def test_an_outsider_cannot_add_to_a_public_library(browser, world):
    space = world["open"]
    await sign_in(browser, "omar", PASSWORD)
    library = f"/space/{space.id}/library"
    status, html = await page(browser, library)
    assert status == 200 and 'type="file"' not in html
    sent = await form_post(browser, library, {}, from_page=library, files=_file("a.txt", b"x"))
    assert sent.status_code == 303
    assert not await LibraryDocument.exists(space=space)


async def test_talks_create_rsvp_and_calendars(web_app, world):
    closed = world["closed"]
    client = web_app.test_client()
    await sign_in(client, "mina", PASSWORD)
    talks = f"/space/{closed.id}/talks"
    form = {
        "name": "Monthly casework Talk",
        "content": "Bring your questions",
        "start_date": "2026-12-03",
        "start_time": "18:00",
        "end_time": "19:30",
        "offset": "+01:00",
        "location": "https://meet.example/room",
    }
    assert (await client.post(talks, form=form, headers=HTML)).status_code == 403
    created = await form_post(client, talks, form, from_page=talks)
    assert created.status_code == 303
    talk = await Post.get(space=closed, type="Event")
    assert talk.document["startTime"] == "2026-12-03T18:00:00+01:00"
    status, html = await page(client, f"{talks}/{talk.id}")
    assert status == 200 and "Monthly casework Talk" in html and "https://meet.example/room" in html
    answered = await form_post(
        client, f"{talks}/{talk.id}/answer", {"answer": "accept"}, from_page=f"{talks}/{talk.id}"
    )
    assert answered.status_code == 303
    assert (await EventParticipation.get(post=talk, actor=world["member"])).state == "accept"
    bad = await form_post(
        client, f"{talks}/{talk.id}/answer", {"answer": "perhaps"}, from_page=f"{talks}/{talk.id}"
    )
    assert bad.status_code == 422
    # The .ics file and the space's feed, read back by a calendar parser.
    for path in (f"{talks}/{talk.id}/talk.ics", f"/space/{closed.id}/calendar.ics"):
        response = await client.get(path)
        assert response.status_code == 200 and response.content_type.startswith("text/calendar")
        events = Calendar.from_ical(await response.get_data()).walk("VEVENT")
        assert [str(e["summary"]) for e in events] == ["Monthly casework Talk"]
        # The same instants, written in UTC so every calendar app places them right.
        assert events[0].decoded("dtstart").isoformat() == "2026-12-03T17:00:00+00:00"
        assert events[0].decoded("dtend").isoformat() == "2026-12-03T18:30:00+00:00"
        assert b"DTSTART:20261203T170000Z" in await response.get_data()
        assert str(events[0]["uid"]) == talk.uri
    # Logged out and outsiders: neither the Talk, its file nor the feed.
    stranger = web_app.test_client()
    for path in (
        f"{talks}/{talk.id}",
        f"{talks}/{talk.id}/talk.ics",
        f"/space/{closed.id}/calendar.ics",
    ):
        response = await stranger.get(path, headers=HTML)
        assert response.status_code == 404 and b"casework" not in await response.get_data()


async def test_a_talk_form_with_a_bad_field_says_which(web_app, world):
    space = world["open"]
    client = web_app.test_client()
    await sign_in(client, "olga", PASSWORD)
    talks = f"/space/{space.id}/talks"
    sent = await form_post(
        client,
        talks,
        {"name": "Seeds", "start_date": "2026-12-03", "start_time": "10:00", "location": "ftp://x"},
        from_page=talks,
    )
    assert sent.status_code == 303
    _status, html = await page(client, talks)
    assert "must be a link" in html and not await Post.exists(space=space, type="Event")


@pytest.mark.parametrize("language", ["ar", "de", "fr", "pt"])
async def test_the_space_pages_are_translated(browser, world, language):
    response = await browser.get(
        f"/space/{world['open'].id}/talks", headers={**HTML, "Accept-Language": language}
    )
    html = await response.get_data(as_text=True)
    assert response.status_code == 200 and f'lang="{language}"' in html
    assert ">Library<" not in html and "No Talks yet." not in html and "Public space" not in html


async def test_the_space_calendar_reads_in_another_parser(web_app, world, web_settings):
    """vobject (a reader we did not write, nor icalendar's authors) reads the feed of a public
    space logged out: each Talk once, at the instant it was set, its link and place."""
    import vobject

    from spaces.talks import Talk, publish_talk

    space = world["open"]
    start = datetime(2026, 12, 5, 9, 30, tzinfo=timezone(timedelta(hours=-3)))
    talk = Talk("Seed swap", "Bring seeds", start, None, "https://meet.example/seeds")
    post = await publish_talk(web_settings, world["owner"], space, talk)
    response = await web_app.test_client().get(f"/space/{space.id}/calendar.ics")
    assert response.status_code == 200
    parsed = vobject.readOne((await response.get_data()).decode())
    events = parsed.contents["vevent"]
    assert len(events) == 1
    event = events[0]
    assert event.summary.value == "Seed swap"
    assert event.dtstart.value == start
    assert event.location.value == "https://meet.example/seeds"
    assert event.url.value.endswith(f"/space/{space.id}/talks/{post.id}")
    assert event.uid.value == post.uri


def test_a_talk_without_a_valid_start_is_left_out_of_calendars():
    from spaces.calendar import calendar, talk_from_post

    now = datetime.now(UTC)
    assert talk_from_post("u", "n", "", {"startTime": "soon"}, "https://x", now) is None
    assert talk_from_post("u", "n", "", {"startTime": "2026-01-01T10:00"}, "https://x", now) is None
    assert talk_from_post("u", "n", "", None, "https://x", now) is None
    kept = talk_from_post("u", "n", "", {"startTime": "2026-01-01T10:00Z"}, "https://x", now)
    assert kept is not None and b"DTSTART:20260101T100000Z" in calendar("s", [kept])
