"""Reading the audit log: who did what to what, when, filtered for the CLI (`baraza audit`)
and the console.

Writing it is `federation.domain_blocks.audit`, called by each admin action itself
(`outbox/account_actions.py`, `outbox/suspension.py`, `outbox/reports.py`, the domain policy),
never by a door, so the CLI, the admin API and the console all leave the same trace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q

from storage.models import AuditEntry

AGE = re.compile(r"^(\d{1,6})([dhm])$")
UNITS = {"d": "days", "h": "hours", "m": "minutes"}


@dataclass(frozen=True)
class AuditQuery:
    who: str | None = None
    # An action (`account.silence`) or its family (`account` matches `account.*`).
    action: str | None = None
    since: datetime | None = None
    limit: int = 100


def parse_since(text: str, now: datetime) -> datetime:
    """Pure: `7d`, `12h`, `30m` before `now`, or an ISO date or time (UTC when it names none)."""
    text = text.strip()
    age = AGE.match(text)
    if age:
        return now - timedelta(**{UNITS[age.group(2)]: int(age.group(1))})
    try:
        when = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"not a date, a time or an age such as 7d: {text[:40]!r}") from exc
    return when if when.tzinfo else when.replace(tzinfo=UTC)


async def entries(query: AuditQuery) -> list[AuditEntry]:
    """The latest `query.limit` matching entries, oldest first."""
    rows = AuditEntry.all()
    if query.who:
        rows = rows.filter(who=query.who)
    if query.action:
        wanted = query.action.strip().rstrip(".")
        rows = rows.filter(Q(action=wanted) | Q(action__startswith=f"{wanted}."))
    if query.since is not None:
        rows = rows.filter(created_at__gte=query.since)
    found = await rows.order_by("-id").limit(max(1, query.limit))
    return list(reversed(found))
