"""Who may open which page of the admin console (`/admin`): one pure rule, table-tested in
tests/outbox/test_console_access.py, that every console page asks before it reads anything.

Admins reach every page; moderators the moderation parts only (the dashboard's moderation
figures, the reports), so a member list or the federation policy is a 403 to them; anyone else
(a plain member, a logged-out visitor) is told nothing exists there (404). Both staff roles must
have two-factor on before any page opens: without it they are shown how to set it up.
"""

from __future__ import annotations

from typing import Literal

from outbox.account_actions import Role

Page = Literal["dashboard", "reports", "members", "federation", "audit"]
PAGES: tuple[Page, ...] = ("dashboard", "reports", "members", "federation", "audit")
Gate = Literal["open", "not_found", "forbidden", "two_factor"]
MODERATOR_PAGES: frozenset[str] = frozenset({"dashboard", "reports"})


def console_gate(role: Role | None, page: str, two_factor_on: bool) -> Gate:
    """Pure: what a visitor of `role` (None when logged out) meets on console `page`."""
    if role not in ("admin", "moderator") or page not in PAGES:
        return "not_found"
    if role == "moderator" and page not in MODERATOR_PAGES:
        return "forbidden"
    if not two_factor_on:
        return "two_factor"
    return "open"
