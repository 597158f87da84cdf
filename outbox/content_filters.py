"""Content filters (Mastodon's filters v2) as one pure decision: a status, a member's filters and
the context it is read in give hide, or the results a `warn` shows (Mastodon's FilterResult).

A filter applies in the contexts it names (home — which also covers lists —, notifications,
public, thread, account) until it expires. It matches a status by keyword (in the content,
the content warning, poll options and media descriptions; `whole_word` keywords only at word
boundaries, all case-insensitively) or by naming the status itself (or the status a boost
carries). A `hide` match in the context drops the status; `warn` keeps it with the results.
Every door asks `decide` (through `outbox.filtering`), so a timeline, a notification and a
stream event read in the same context agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from html import unescape

CONTEXTS = ("home", "notifications", "public", "thread", "account")
ACTIONS = ("warn", "hide")


@dataclass(frozen=True)
class Keyword:
    id: int
    keyword: str
    whole_word: bool


@dataclass(frozen=True)
class Rule:
    """One filter as the decision needs it."""

    id: int
    title: str
    context: frozenset[str]
    action: str
    expires_at: datetime | None
    keywords: tuple[Keyword, ...] = ()
    status_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Filterable:
    """What a status offers to be matched: its ids (its own and a boosted one's) and text."""

    ids: frozenset[int]
    text: str


@dataclass(frozen=True)
class Match:
    rule: Rule
    keyword_matches: tuple[str, ...]
    status_matches: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    hidden: bool
    results: tuple[Match, ...]


_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w")


def status_text(content: str, spoiler: str, options: list[str], descriptions: list[str]) -> str:
    """Pure: the text keywords are looked for in, markup removed and entities decoded."""
    body = unescape(_TAG.sub(" ", content))
    return "\n\n".join(part for part in (spoiler, body, *options, *descriptions) if part)


def keyword_pattern(keyword: str, whole_word: bool) -> re.Pattern[str]:
    """A whole-word keyword is bounded only on a side where it begins or ends with a word
    character (so `#tag` or `c++` still match), as Mastodon builds it."""
    escaped = re.escape(keyword)
    if whole_word:
        start = r"\b" if _WORD.match(keyword[:1]) else ""
        end = r"\b" if _WORD.match(keyword[-1:]) else ""
        escaped = f"{start}{escaped}{end}"
    return re.compile(escaped, re.IGNORECASE)


def active(rule: Rule, now: datetime) -> bool:
    return rule.expires_at is None or rule.expires_at > now


def matches(status: Filterable, rules: list[Rule], now: datetime) -> list[Match]:
    """Pure: every active filter the status matches, whatever its context."""
    out = []
    for rule in rules:
        if not active(rule, now):
            continue
        words = tuple(
            k.keyword
            for k in rule.keywords
            if keyword_pattern(k.keyword, k.whole_word).search(status.text)
        )
        named = tuple(str(i) for i in sorted(status.ids & rule.status_ids))
        if words or named:
            out.append(Match(rule, words, named))
    return out


def decide(status: Filterable, rules: list[Rule], context: str | None, now: datetime) -> Outcome:
    """Pure: the status read in `context` (None: no context, e.g. one status by id) is hidden
    when a `hide` filter of that context matches; the results are every match, as Mastodon
    returns them (apps read each result's context to decide on their warning)."""
    found = matches(status, rules, now)
    hidden = context is not None and any(
        m.rule.action == "hide" and context in m.rule.context for m in found
    )
    return Outcome(hidden, tuple(found))
