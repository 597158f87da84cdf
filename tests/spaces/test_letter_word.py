"""Issue 19: the Letter keeps its word.

Each test failed before its fix: Atom entry ids were built from titles (spaces in them, one id
for two documents of the same title); a Letter for a past month listed Talks announced after
it; the period's end was shown as the next month's first day; a GET of the unsubscribe link
(which mail scanners follow) unsubscribed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import feedparser

from actors.accounts import create_member, create_space
from outbox import actions
from spaces.letter import (
    NETWORK,
    Digest,
    build_digest,
    month_bounds,
    render_html,
    render_text,
    subject_line,
)
from spaces.letter_tokens import letter_secret, sign_member
from storage.models import Actor, LibraryDocument

ATOM = "{http://www.w3.org/2005/Atom}"


def _entries(feed: str) -> tuple[ET.Element, list[ET.Element]]:
    root = ET.fromstring(feed.encode())
    return root, root.findall(f"{ATOM}entry")


def _is_uri(value: str) -> bool:
    """An absolute IRI as RFC 4287 wants an id: a scheme, no whitespace."""
    parts = urlsplit(value)
    return bool(parts.scheme) and not any(c.isspace() for c in value) and ":" in value


async def test_atom_entries_have_stable_unique_uri_ids(app, client, settings) -> None:
    owner = await create_member(settings, "amina")
    await create_space(settings, "square", private=False, owner=owner)
    square = await Actor.get(local_username="square")
    for number in (1, 2):  # two documents with the same title, with a space in it
        await LibraryDocument.create(
            id=910000 + number,
            uri=f"{square.uri}/library/{number}",
            space=square,
            title="Meeting minutes",
        )
    await actions.create_post(settings, owner, "<p>news</p>", space=square)

    bodies = []
    for _ in range(2):
        response = await client.get("/spaces/square/letter.atom")
        assert response.status_code == 200
        bodies.append(await response.get_data(as_text=True))
    feed, entries = _entries(bodies[0])
    ids = [entry.findtext(f"{ATOM}id") or "" for entry in entries]
    assert len(entries) == 3
    assert all(_is_uri(i) for i in ids), ids
    assert len(set(ids)) == len(ids), f"two entries share an id: {ids}"
    assert {f"{square.uri}/library/1", f"{square.uri}/library/2"} <= set(ids)
    assert ids == [e.findtext(f"{ATOM}id") for e in _entries(bodies[1])[1]], "ids changed"
    # An Atom reader we did not write sees a well-formed feed with the same entries and ids.
    parsed = feedparser.parse(bodies[0])
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [entry.id for entry in parsed.entries] == ids
    assert parsed.feed.author == "square"
    # RFC 4287 4.1.1 and 4.1.2: an author for the feed (or every entry); each entry with a
    # link or a content.
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    for entry in entries:
        assert entry.find(f"{ATOM}link") is not None or entry.find(f"{ATOM}content") is not None
        assert entry.findtext(f"{ATOM}title") and entry.findtext(f"{ATOM}updated")


async def test_a_past_letter_lists_no_talk_announced_after_it(app, settings) -> None:
    owner = await create_member(settings, "amina")
    square = await create_space(settings, "square", private=False, owner=owner)
    await actions.create_post(
        settings,
        owner,
        "<p>talk</p>",
        space=square,
        post_type="Event",
        name="LATER TALK",
        document={"startTime": "2099-03-01T10:00:00Z"},
    )
    now = datetime.now(UTC)
    last_month = await build_digest(owner, NETWORK, now - timedelta(days=40), now - timedelta(1))
    assert not last_month.talks, "a Talk announced after the period is in its Letter"
    this_month = await build_digest(owner, NETWORK, now - timedelta(days=1), now)
    assert [t.title for t in this_month.talks] == ["LATER TALK"]


def test_the_period_end_is_shown_inclusively() -> None:
    since, until = month_bounds("2026-11")
    digest = Digest(scope=NETWORK, scope_name="", since=since, until=until)
    for shown in (render_text(digest, "en"), render_html(digest, "en"), subject_line(digest, "en")):
        assert "2026-11-30" in shown
        assert "2026-12-01" not in shown
    since, until = month_bounds("2026-12")  # across a year
    assert Digest(NETWORK, "", since, until).last_day.isoformat() == "2026-12-31"


async def test_unsubscribe_get_only_confirms_and_one_click_post_unsubscribes(
    app, client, settings
) -> None:
    member = await create_member(settings, "dario")
    token = sign_member(await letter_secret(), member.id)
    url = f"/letter/unsubscribe?token={token}"

    page = await client.get(url)
    assert page.status_code == 200
    html = await page.get_data(as_text=True)
    assert 'method="post"' in html and f"token={token}" in html
    assert not ((await Actor.get(id=member.id)).document or {}).get("letter_unsubscribed"), (
        "a GET (a mail scanner following the link) unsubscribed"
    )

    # RFC 8058: the mail client POSTs this body to the List-Unsubscribe URL.
    done = await client.post(
        url,
        data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert done.status_code == 200
    assert (await Actor.get(id=member.id)).document["letter_unsubscribed"] is True
    assert (await client.post("/letter/unsubscribe?token=1.forged")).status_code == 404


def test_preview_of_a_past_month_shows_that_month_only(tmp_path) -> None:
    from tests.baraza.test_cli import run

    assert run(tmp_path, "init").returncode == 0
    shown = run(tmp_path, "letter", "preview", "--network", "--period", "2020-02")
    assert shown.returncode == 0, shown.stderr
    assert "From 2020-02-01 to 2020-02-29" in shown.stdout
    for bad in (("--period", "2020-13"), ("--period", "2020-02", "--since", "2020-01-01")):
        refused = run(tmp_path, "letter", "preview", "--network", *bad)
        assert refused.returncode != 0 and len(refused.stderr.strip().splitlines()) == 1
