"""Mastodon's FilterResult, the `filtered` of a status entity, rendered from a filter match."""

from __future__ import annotations

from typing import Any

from actors.documents import iso
from outbox.content_filters import Match, Outcome


def filter_result(match: Match) -> dict[str, Any]:
    rule = match.rule
    return {
        "filter": {
            "id": str(rule.id),
            "title": rule.title,
            "context": sorted(rule.context),
            "expires_at": iso(rule.expires_at),
            "filter_action": rule.action,
        },
        "keyword_matches": list(match.keyword_matches) or None,
        "status_matches": list(match.status_matches) or None,
    }


def filtered(outcome: Outcome | None) -> list[dict[str, Any]]:
    return [filter_result(m) for m in outcome.results] if outcome is not None else []
