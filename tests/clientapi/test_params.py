"""The client API's one parameter parser, and the issue-13 findings it fixes (never a 500).

Each finding from the attack run is a row here: the request that used to answer 500 and the
4xx it answers now, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from actors.accounts import create_member, create_space, join_space
from clientapi.params import Params, id_list, id_or_404, number
from clientapi.tokens import issue_token
from federation.errors import NotFound, Unprocessable
from spaces.talks import parse_talk
from storage.models import Actor, Post
from tests.conftest import make_settings


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, 20), ("", 20), ("5", 5), (40, 40), ("0", None), ("41", None), ("²", None)],
)
def test_number_is_bounded_or_422(value: object, expected: int | None) -> None:
    if expected is None:
        with pytest.raises(Unprocessable, match="limit must be a whole number from 1 to 40"):
            number(value, "limit", default=20, minimum=1, maximum=40)
    else:
        assert number(value, "limit", default=20, minimum=1, maximum=40) == expected


def test_id_or_404_uses_the_column_of_the_model() -> None:
    assert id_or_404("2147483648", Post) == 2147483648
    for value in ("2147483648", "²", "١٢٣", "0", "-1", "9" * 10_000, "../"):
        with pytest.raises(NotFound):
            id_or_404(value, Actor)


def test_id_list_refuses_what_no_row_has() -> None:
    assert id_list(["1", 2], "ids") == [1, 2]
    for bad in (["²"], ["2147483648"], [True], "1", [None]):
        with pytest.raises(Unprocessable, match="ids must be a list of ids"):
            id_list(bad, "ids")  # type: ignore[arg-type]


def test_params_number_and_text() -> None:
    params = Params({"limit": ["²"], "q": [["x"]], "n": ["7"]})
    assert params.number("n", default=1, minimum=1, maximum=10) == 7
    with pytest.raises(Unprocessable):
        params.number("limit", default=1, minimum=1, maximum=10)
    with pytest.raises(Unprocessable, match="q must be a string"):
        params.text("q")


_TALK = {"name": "clinic", "start_time": "2030-01-01T10:00:00Z"}
_LONG_URL = "https://remote.example/" + "x" * 600  # wider than the uri columns


@pytest.mark.parametrize(
    ("location", "ok"),
    [
        ("https://meet.example/clinic", True),
        ("http://[::1", False),  # urlparse raised ValueError: a 500
        ("http://a:99999/", False),  # .port raised ValueError
        ("https://", False),
        ("javascript:alert(1)", False),
        ("https://user@meet.example/", False),
        (["https://meet.example/"], False),
        ("https://meet.example/" + "x" * 5000, False),
    ],
)
def test_talk_location_is_an_http_url_or_422(location: object, ok: bool) -> None:
    if ok:
        assert parse_talk({**_TALK, "location": location}).location == location
    else:
        with pytest.raises(Unprocessable, match="location must be an http"):
            parse_talk({**_TALK, "location": location})


@pytest.fixture
async def door(any_db: str, tmp_path: Path) -> AsyncIterator[dict[str, Any]]:
    from baraza.app import create_app

    settings = make_settings(any_db, tmp_path)
    app = create_app(settings, manage_database=False)
    async with app.test_app():
        alice = await create_member(settings, "alice")
        token, _ = await issue_token(alice, "read write follow")
        space = await create_space(settings, "commons", private=False, owner=alice)
        await join_space(space, alice)
        yield {
            "client": app.test_client(),
            "auth": {"Authorization": f"Bearer {token}"},
            "space": space.id,
        }


FINDINGS = [  # (method, path, json body or None, expected status): each was a 500
    ("GET", "/api/v1/statuses/%C2%B2", None, 404),  # ²: isdigit() but int() raises
    ("GET", "/api/v1/statuses/9223372036854775808", None, 404),
    ("POST", "/api/v1/statuses/9223372036854775808/favourite", None, 404),
    ("GET", "/api/v1/polls/9223372036854775808", None, 404),
    ("GET", "/api/v1/spaces/SPACE/events/9223372036854775808", None, 404),
    ("GET", "/api/v1/spaces/SPACE/events/%C2%B2", None, 404),
    ("GET", "/@alice/9223372036854775808", None, 404),
    ("GET", "/users/alice/statuses/9223372036854775808", None, 404),
    ("GET", "/users/alice/statuses/%D9%A1%D9%A2%D9%A3", None, 404),  # ١٢٣ matched <int:>
    ("GET", "/users/" + "9" * 10_000, None, 404),  # the name column's validator raised
    ("GET", "/api/v1/accounts/lookup?acct=" + "x" * 300, None, 404),
    ("GET", "/api/v1/timelines/tag/a%00b", None, 404),  # NUL: PostgreSQL refuses it
    ("GET", "/api/v1/accounts/search?q=a%00b", None, 400),
    ("POST", "/api/v1/statuses", {"status": "a\x00b"}, 400),
    ("POST", "/api/v1/spaces/SPACE/events", {**_TALK, "location": "http://[::1"}, 422),
    ("POST", "/users/alice/outbox", {"type": "Note", "content": "hi", "to": "x"}, 400),
    ("POST", "/users/alice/outbox", {"type": "Like", "object": _LONG_URL}, 404),
]


@pytest.mark.parametrize(("method", "path", "body", "status"), FINDINGS)
async def test_findings_answer_4xx_not_500(
    door: dict[str, Any], method: str, path: str, body: Any, status: int
) -> None:
    path = path.replace("SPACE", str(door["space"]))
    kwargs = {"json": body} if body is not None else {}
    response = await door["client"].open(path, method=method, headers=door["auth"], **kwargs)
    assert response.status_code == status, (await response.get_data())[:300]


async def test_deep_json_is_400_at_every_json_door(door: dict[str, Any]) -> None:
    deep = b'{"a":' * 5_000 + b"1" + b"}" * 5_000
    for path, kind in (
        ("/api/v1/statuses", "application/json"),
        ("/api/v1/apps", "application/json"),
        ("/users/alice/outbox", "application/activity+json"),
        ("/inbox", "application/activity+json"),
    ):
        response = await door["client"].post(
            path, data=deep, headers={**door["auth"], "Content-Type": kind}
        )
        assert response.status_code == 400, path
        assert "nested deeper" in (await response.get_json())["error"], path


@pytest.mark.parametrize(
    ("expires_in", "ok"),
    [
        (3600, True),
        ("3600", True),
        ("٣٦٠٠", False),  # int(str(...)) took Arabic-Indic digits
        ("1e4", False),
        (1.5, False),
        (True, False),
        ("9" * 5000, False),
        (299, False),
    ],
)
def test_poll_expires_in_is_one_bounded_number(expires_in: object, ok: bool) -> None:
    from datetime import UTC, datetime

    from outbox.polls import new_poll

    now = datetime(2030, 1, 1, tzinfo=UTC)
    if ok:
        assert new_poll(["a", "b"], expires_in, False, False, now)["options"]
    else:
        with pytest.raises(Unprocessable, match="expires_in must be 300 to"):
            new_poll(["a", "b"], expires_in, False, False, now)


@pytest.mark.parametrize(
    ("choices", "ok"),
    [([0], True), (["1"], True), (["١"], False), ([2], False), ([-1], False), ([True], False)],
)
def test_poll_choices_are_option_indexes(choices: list[object], ok: bool) -> None:
    from datetime import UTC, datetime

    from outbox.polls import new_poll, with_vote

    now = datetime(2030, 1, 1, tzinfo=UTC)
    poll = new_poll(["a", "b"], 3600, False, False, now)
    if ok:
        assert with_vote(poll, "https://testserver.example/users/v", choices, now)["voters"]
    else:
        with pytest.raises(Unprocessable, match="choices must be option indexes"):
            with_vote(poll, "https://testserver.example/users/v", choices, now)
