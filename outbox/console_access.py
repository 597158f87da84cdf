"""Who may open which page of the admin console (`/admin`): one pure rule, table-tested in
tests/outbox/test_console_access.py, that every console page asks before it reads anything.

Admins reach every page; moderators the moderation parts only (the dashboard's moderation
figures, the reports), so a member list or the federation policy is a 403 to them; anyone else
(a plain member, a logged-out visitor) is told nothing exists there (404). Both staff roles must
have two-factor on before any page opens: without it they are shown how to set it up.

A second rule, `resolution_gate`, says how staff may resolve a report: moderators remove posts,
limit and suspend accounts, but blocking a whole domain is an admin's (table-tested there too).
"""

from __future__ import annotations

from typing import Literal

from outbox.account_actions import Role

Page = Literal["dashboard", "reports", "members", "spaces", "federation", "audit", "mail"]
PAGES: tuple[Page, ...] = (
    "dashboard",
    "reports",
    "members",
    "spaces",
    "federation",
    "audit",
    "mail",
)
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


# How a report can be resolved from its page; blocking the target's whole domain is an
# admin's decision (it cuts off every account there), the rest is moderation.
Resolution = Literal["dismiss", "limit", "suspend", "remove_posts", "block_domain"]
RESOLUTIONS: tuple[Resolution, ...] = (
    "dismiss",
    "remove_posts",
    "limit",
    "suspend",
    "block_domain",
)
ADMIN_RESOLUTIONS: frozenset[str] = frozenset({"block_domain"})
ACCOUNT_RESOLUTIONS: frozenset[str] = frozenset({"limit", "suspend"})
ResolutionGate = Literal["open", "forbidden", "unknown", "not_applicable"]


def resolution_gate(
    role: Role | None, resolution: str, target_local: bool | None
) -> ResolutionGate:
    """Pure: may staff of `role` resolve a report this way? `target_local` is whether the
    reported account is this server's (None when the report names no account any more).
    Forbidden is a 403; unknown and not_applicable are a form that cannot be taken as sent."""
    if role not in ("admin", "moderator"):
        return "forbidden"
    if resolution not in RESOLUTIONS:
        return "unknown"
    if resolution in ADMIN_RESOLUTIONS and role != "admin":
        return "forbidden"
    if resolution in ACCOUNT_RESOLUTIONS and target_local is None:
        return "not_applicable"
    if resolution == "block_domain" and target_local is not False:
        return "not_applicable"  # this server's own domain, or no account to take it from
    return "open"


def resolutions_for(role: Role | None, target_local: bool | None) -> list[Resolution]:
    """Pure: the choices a report's page offers `role` (a moderator never sees the block)."""
    return [r for r in RESOLUTIONS if resolution_gate(role, r, target_local) == "open"]
