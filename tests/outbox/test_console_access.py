"""The admin console's gate as a table: every role against every page, with and without
two-factor. A broken rule (a moderator on the member list, a member anywhere, staff without
two-factor) changes a cell and fails here."""

from __future__ import annotations

import pytest

from outbox.console_access import (
    PAGES,
    RESOLUTIONS,
    console_gate,
    resolution_gate,
    resolutions_for,
)

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
    assert set(PAGES) == {
        *("dashboard", "reports", "members", "spaces", "federation", "audit", "mail")
    }
    assert [page for page in PAGES if console_gate("moderator", page, True) == "open"] == [
        "dashboard",
        "reports",
    ]
    assert all(console_gate("admin", page, True) == "open" for page in PAGES)


# (role, resolution, target_local, expected, why)
RESOLUTION_TABLE = [
    ("admin", "block_domain", False, "open", "an admin blocks a remote account's domain"),
    ("moderator", "block_domain", False, "forbidden", "a whole domain is an admin's decision"),
    ("admin", "block_domain", True, "not_applicable", "this server's own domain"),
    ("admin", "block_domain", None, "not_applicable", "no account left to take a domain from"),
    ("moderator", "suspend", False, "open", "moderators suspend accounts"),
    ("moderator", "limit", True, "open", "and limit them"),
    ("moderator", "suspend", None, "not_applicable", "no account to suspend"),
    ("moderator", "remove_posts", True, "open", "moderators remove posts"),
    ("moderator", "remove_posts", None, "open", "posts outlive their author's row"),
    ("moderator", "dismiss", None, "open", "dismissing always applies"),
    ("admin", "delete_everything", False, "unknown", "not a resolution"),
    ("member", "dismiss", False, "forbidden", "members resolve nothing"),
    (None, "dismiss", False, "forbidden", "nor do strangers"),
]


@pytest.mark.parametrize(("role", "resolution", "local", "expected", "why"), RESOLUTION_TABLE)
def test_the_resolution_gate(
    role: str | None, resolution: str, local: bool | None, expected: str, why: str
) -> None:
    assert resolution_gate(role, resolution, local) == expected, why  # type: ignore[arg-type]


def test_what_a_report_page_offers() -> None:
    assert resolutions_for("admin", False) == list(RESOLUTIONS)
    assert "block_domain" not in resolutions_for("moderator", False)
    assert resolutions_for("moderator", None) == ["dismiss", "remove_posts"]
    assert resolutions_for("member", False) == []
