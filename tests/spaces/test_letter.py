"""The Letter: what each reader's digest holds, how it renders, its feeds and its tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from actors.accounts import create_member, create_space, join_space
from clientapi.tokens import issue_token
from outbox import actions
from spaces.letter import (
    NETWORK,
    Digest,
    DigestPost,
    build_digest,
    month_bounds,
    previous_period,
    render_html,
    render_text,
)
from spaces.letter_mail import compose, smtp_server
from spaces.letter_tokens import letter_secret, parse_feed_token, sign_member, verify_member
from storage.models import Actor, LibraryDocument

SECRET = b"k" * 32


@pytest.mark.parametrize(
    ("period", "since", "until", "why"),
    [
        ("2026-11", datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC), "mid"),
        ("2026-12", datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC), "year"),
    ],
)
def test_month_bounds(period: str, since: datetime, until: datetime, why: str) -> None:
    assert month_bounds(period) == (since, until), why


@pytest.mark.parametrize("bad", ["2026", "2026-13", "x-y", ""])
def test_month_bounds_refuses_non_months(bad: str) -> None:
    with pytest.raises(ValueError):
        month_bounds(bad)


@pytest.mark.parametrize(
    ("now", "expected", "why"),
    [
        (datetime(2026, 11, 25, tzinfo=UTC), "2026-10", "the month before"),
        (datetime(2027, 1, 3, tzinfo=UTC), "2026-12", "January looks back into last year"),
    ],
)
def test_previous_period(now: datetime, expected: str, why: str) -> None:
    assert previous_period(now) == expected, why


@pytest.mark.parametrize(
    ("url", "expected", "why"),
    [
        (None, None, "unset: email is off"),
        ("", None, "empty: email is off"),
        ("smtp://127.0.0.1:2525", ("127.0.0.1", 2525), "host and port"),
        ("smtp://mail.example", ("mail.example", 25), "default port"),
    ],
)
def test_smtp_server(url: str | None, expected: tuple[str, int] | None, why: str) -> None:
    server = smtp_server(url)
    assert (None if server is None else (server.host, server.port)) == expected, why


@pytest.mark.parametrize("bad", ["http://mail.example", "smtp://", "mail.example:25"])
def test_smtp_server_refuses_other_urls(bad: str) -> None:
    with pytest.raises(ValueError):
        smtp_server(bad)


@pytest.mark.parametrize(
    ("token", "expected", "why"),
    [
        (sign_member(SECRET, 7), 7, "our own signature"),
        (sign_member(SECRET, 7).replace("7.", "8.", 1), None, "another member's id"),
        (sign_member(b"other" * 8, 7), None, "signed with another secret"),
        ("7", None, "no signature"),
        ("x.abc", None, "not a number"),
        ("9" * 40 + ".abc", None, "absurdly long id"),
    ],
)
def test_unsubscribe_token_verification(token: str, expected: int | None, why: str) -> None:
    assert verify_member(SECRET, token) == expected, why


@pytest.mark.parametrize(
    ("token", "expected"),
    [("3-4-abc", (3, 4)), ("3-4-a-b", (3, 4)), ("3-abc", None), ("a-4-x", None), ("", None)],
)
def test_parse_feed_token(token: str, expected: tuple[int, int] | None) -> None:
    assert parse_feed_token(token) == expected


def _digest_with(excerpt: str) -> Digest:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    digest = Digest(scope=NETWORK, scope_name="", since=now, until=now + timedelta(days=30))
    digest.posts.append(DigestPost("https://x.example/1", "amina@x.example", excerpt, now))
    return digest


def test_html_is_escaped_and_text_is_in_the_readers_language() -> None:
    digest = _digest_with("<script>alert(1)</script>")
    html = render_html(digest, "fr", "https://x.example/letter/unsubscribe?token=1.a&b")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "La Lettre du réseau" in html
    assert "token=1.a&amp;b" in html
    assert 'dir="rtl"' in render_html(digest, "ar")
    text = render_text(digest, "de", "https://x.example/u")
    assert (
        "Der Brief des Netzwerks" in text and "Beiträge" in text and "https://x.example/u" in text
    )


def test_compose_sets_list_unsubscribe_headers(settings) -> None:
    message = compose(settings, "a@x.example", "subject", "text", "<p>html</p>", "https://u/1")
    assert message["List-Unsubscribe"] == "<https://u/1>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


async def _world(settings) -> dict[str, Actor]:
    amina = await create_member(settings, "amina")
    dario = await create_member(settings, "dario")
    casefile = await create_space(settings, "casefile", private=True, owner=amina)
    square = await create_space(settings, "square", private=False, owner=amina)
    await join_space(square, dario)
    await actions.create_post(settings, amina, "<p>CANARY secret</p>", space=casefile)
    await actions.create_post(settings, dario, "<p>PUBLIC hello</p>", space=square)
    await actions.create_post(
        settings,
        amina,
        "<p>talk</p>",
        space=casefile,
        post_type="Event",
        name="HIDDEN TALK",
        document={"startTime": "2099-01-01T10:00:00Z"},
    )
    await actions.create_post(
        settings,
        dario,
        "<p>talk</p>",
        space=square,
        post_type="Event",
        name="OPEN TALK",
        document={"startTime": "2099-02-01T10:00:00Z", "location": {"name": "Hall"}},
    )
    await LibraryDocument.create(
        id=900001, uri=f"{casefile.uri}/library/1", space=casefile, title="SECRET BRIEF"
    )
    return {"amina": amina, "dario": dario, "casefile": casefile, "square": square}


def _window() -> tuple[datetime, datetime]:
    now = datetime.now(UTC)
    return now - timedelta(days=1), now + timedelta(minutes=1)


async def test_each_reader_gets_only_what_they_may_see(app, settings) -> None:
    world = await _world(settings)
    since, until = _window()
    for_amina = render_text(await build_digest(world["amina"], NETWORK, since, until), "en")
    for_dario = render_text(await build_digest(world["dario"], NETWORK, since, until), "en")
    assert "CANARY" in for_amina and "SECRET BRIEF" in for_amina and "HIDDEN TALK" in for_amina
    assert "PUBLIC hello" in for_dario and "OPEN TALK" in for_dario and "Hall" in for_dario
    for secret in ("CANARY", "SECRET BRIEF", "HIDDEN TALK"):
        assert secret not in for_dario
    anonymous = await build_digest(None, world["casefile"], since, until)
    assert anonymous.empty
    past = await build_digest(world["amina"], NETWORK, since - timedelta(days=9), since)
    assert not past.posts and not past.documents  # posts of another period stay out


async def test_feeds_and_unsubscribe(app, client, settings) -> None:
    world = await _world(settings)
    token, _ = await issue_token(world["amina"])
    auth = {"Authorization": f"Bearer {token}"}

    public = await client.get("/spaces/square/letter.atom")
    assert public.status_code == 200
    body = await public.get_data(as_text=True)
    assert "PUBLIC hello" in body and "CANARY" not in body
    assert (await client.get("/spaces/casefile/letter.atom")).status_code == 404

    created = await client.post(f"/api/v1/spaces/{world['casefile'].id}/letter_feed", headers=auth)
    assert created.status_code == 200
    path = (await created.get_json())["url"].removeprefix(settings.base_url)
    secret_feed = await client.get(path)
    assert secret_feed.status_code == 200
    assert "CANARY" in await secret_feed.get_data(as_text=True)
    forged = path.replace(".atom", "x.atom")
    assert (await client.get(forged)).status_code == 404
    assert (await client.get("/feeds/nonsense.atom")).status_code == 404
    revoked = await client.post(
        f"/api/v1/spaces/{world['casefile'].id}/letter_feed/revoke", headers=auth
    )
    assert revoked.status_code == 200
    assert (await client.get(path)).status_code == 404

    dario_token, _ = await issue_token(world["dario"])
    outsider = await client.post(
        f"/api/v1/spaces/{world['casefile'].id}/letter_feed",
        headers={"Authorization": f"Bearer {dario_token}"},
    )
    assert outsider.status_code == 404

    assert (await client.get("/letter/unsubscribe")).status_code == 400
    assert (await client.get("/letter/unsubscribe?token=1.forged")).status_code == 404
    good = sign_member(await letter_secret(), world["dario"].id)
    assert (await client.post(f"/letter/unsubscribe?token={good}")).status_code == 200
    dario = await Actor.get(id=world["dario"].id)
    assert dario.document["letter_unsubscribed"] is True


async def test_worker_schedule_is_off_without_smtp(settings, monkeypatch) -> None:
    import asyncio

    from spaces.letter_mail import run_letter_schedule

    monkeypatch.delenv("BARAZA_SMTP_URL", raising=False)
    stop = asyncio.Event()
    await asyncio.wait_for(run_letter_schedule(settings, stop), timeout=2)
