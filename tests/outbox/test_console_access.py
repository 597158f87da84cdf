"""The admin console's gate as a table: every role against every page, with and without
two-factor. A broken rule (a moderator on the member list, a member anywhere, staff without
two-factor) changes a cell and fails here."""

from __future__ import annotations

import pytest

from outbox.console_access import PAGES, console_gate

MODERATION = {"dashboard", "reports"}


@pytest.mark.parametrize("page", [*PAGES, "nonsense"])
@pytest.mark.parametrize("two_factor", [True, False])
@pytest.mark.parametrize("role", ["admin", "moderator", "member", None])
def test_the_console_gate(role: str | None, page: str, two_factor: bool) -> None:
    if role in ("member", None) or page == "nonsense":
        expected = "not_found"
    elif role == "moderator" and page not in MODERATION:
        expected = "forbidden"
    elif not two_factor:
        expected = "two_factor"
    else:
        expected = "open"
    assert console_gate(role, page, two_factor) == expected  # type: ignore[arg-type]


def test_the_pages_and_what_moderators_reach() -> None:
    assert set(PAGES) == {"dashboard", "reports", "members", "federation", "audit"}
    assert [page for page in PAGES if console_gate("moderator", page, True) == "open"] == [
        "dashboard",
        "reports",
    ]
    assert all(console_gate("admin", page, True) == "open" for page in PAGES)
