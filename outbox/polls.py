"""Polls as values: what a valid poll is, what a vote does to one, how a `Question` reads.

Pure functions, table-tested: the vote action (`outbox.votes`), the object documents and the
inbox all read polls through them, so none of them needs the others.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from actors.documents import iso
from federation.errors import Unprocessable
from storage.ids import parse_int

MIN_OPTIONS = 2
MAX_OPTIONS = 4
MAX_OPTION_CHARS = 50
MIN_EXPIRES = 300
MAX_EXPIRES = 30 * 24 * 3600


def new_poll(
    options: list[str], expires_in: Any, multiple: bool, hide_totals: bool, now: datetime
) -> dict[str, Any]:
    """The stored poll for a new status, or 422 saying which rule it breaks."""
    titles = [str(o).strip() for o in options]
    if not MIN_OPTIONS <= len(titles) <= MAX_OPTIONS:
        raise Unprocessable(
            f"Validation failed: a poll needs {MIN_OPTIONS} to {MAX_OPTIONS} options"
        )
    if any(not t or len(t) > MAX_OPTION_CHARS for t in titles):
        raise Unprocessable(
            f"Validation failed: poll options must be 1 to {MAX_OPTION_CHARS} characters"
        )
    if len(set(titles)) != len(titles):
        raise Unprocessable("Validation failed: poll options must be different")
    seconds = parse_int(expires_in, minimum=MIN_EXPIRES, maximum=MAX_EXPIRES)
    if seconds is None:  # not plain decimal digits ("1e9", "²", 1.5, true) or out of range
        raise Unprocessable(
            f"Validation failed: poll expires_in must be {MIN_EXPIRES} to {MAX_EXPIRES} seconds"
        )
    return {
        "options": [{"title": t, "votes": 0} for t in titles],
        "multiple": multiple,
        "hide_totals": hide_totals,
        "expires_at": iso(now + timedelta(seconds=seconds)),
        "voters": [],
        "votes": {},
    }


def expired(poll: dict[str, Any], now: datetime) -> bool:
    ends = poll.get("expires_at")
    if not isinstance(ends, str):
        return False
    try:
        return datetime.fromisoformat(ends.replace("Z", "+00:00")) <= now
    except ValueError:
        return False


def with_vote(
    poll: dict[str, Any], voter_uri: str, choices: list[Any], now: datetime
) -> dict[str, Any]:
    """`poll` after `voter_uri` chose `choices` (option indexes), or 422 when it may not."""
    if expired(poll, now):
        raise Unprocessable("Validation failed: The poll has already ended")
    if voter_uri in poll.get("votes", {}):
        raise Unprocessable("Validation failed: You have already voted on this poll")
    options = poll.get("options", [])
    parsed = [parse_int(c, minimum=0, maximum=len(options) - 1) for c in choices]
    picked = [c for c in parsed if c is not None]
    if not picked or len(picked) != len(parsed):
        raise Unprocessable("Validation failed: choices must be option indexes")
    if len(set(picked)) != len(picked) or (len(picked) > 1 and not poll.get("multiple")):
        raise Unprocessable("Validation failed: this poll takes one choice")
    updated = {**poll, "options": [dict(o) for o in options]}
    for index in picked:
        updated["options"][index]["votes"] = int(updated["options"][index].get("votes", 0)) + 1
    updated["voters"] = [*poll.get("voters", []), voter_uri]
    updated["votes"] = {**poll.get("votes", {}), voter_uri: picked}
    return updated


def question_fields(poll: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The `Question` properties of a poll post, as Mastodon publishes them."""
    key = "anyOf" if poll.get("multiple") else "oneOf"
    fields: dict[str, Any] = {
        key: [
            {
                "type": "Note",
                "name": o.get("title", ""),
                "replies": {"type": "Collection", "totalItems": int(o.get("votes", 0))},
            }
            for o in poll.get("options", [])
        ],
        "endTime": poll.get("expires_at"),
        "votersCount": voters_count(poll),
    }
    if expired(poll, now):
        fields["closed"] = poll.get("expires_at")
    return fields


def voters_count(poll: dict[str, Any]) -> int:
    return max(len(poll.get("voters", [])), int(poll.get("voters_count", 0) or 0))


def remote_poll(doc: dict[str, Any]) -> dict[str, Any] | None:
    """A remote `Question`'s options and counts, kept so members here can see and vote."""
    multiple = isinstance(doc.get("anyOf"), list)
    raw = doc.get("anyOf") if multiple else doc.get("oneOf")
    if doc.get("type") != "Question" or not isinstance(raw, list):
        return None
    options = []
    for item in raw[:20]:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        replies = item.get("replies")
        total = replies.get("totalItems") if isinstance(replies, dict) else 0
        votes = total if isinstance(total, int) and total >= 0 else 0
        options.append({"title": item["name"][:200], "votes": votes})
    ends = doc.get("endTime") or doc.get("closed")
    count = doc.get("votersCount")
    return {
        "options": options,
        "multiple": multiple,
        "hide_totals": False,
        "expires_at": ends if isinstance(ends, str) else None,
        "voters": [],
        "votes": {},
        "voters_count": count if isinstance(count, int) and count >= 0 else 0,
    }


def is_vote(obj: dict[str, Any]) -> bool:
    """Mastodon's vote shape: a `Note` with a `name`, an `inReplyTo` and no content."""
    return (
        obj.get("type") == "Note"
        and isinstance(obj.get("name"), str)
        and isinstance(obj.get("inReplyTo"), str)
        and not obj.get("content")
    )
