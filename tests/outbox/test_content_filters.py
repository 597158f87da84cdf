"""The filter decision as a table: keywords (whole word or not), named statuses, contexts,
expiry and hide against warn."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from outbox.content_filters import Filterable, Keyword, Rule, decide, status_text

NOW = datetime(2030, 1, 1, tzinfo=UTC)


def rule(action="warn", context=("home",), words=(), statuses=(), expires=None, whole=True):
    return Rule(
        1,
        "t",
        frozenset(context),
        action,
        expires,
        tuple(Keyword(i, w, whole) for i, w in enumerate(words)),
        frozenset(statuses),
    )


TEXT = status_text(
    "<p>Meeting about the <b>Budget</b> &amp; c++ #Election</p>", "cw here", ["Yes"], ["a photo"]
)
STATUS = Filterable(frozenset({7}), TEXT)

# rule, context, hidden?, matched?, why
CASES = [
    (rule(words=("budget",)), "home", False, True, "warn keeps the status, with the result"),
    (rule("hide", words=("budget",)), "home", True, True, "hide drops it in its context"),
    (
        rule("hide", ("public",), words=("budget",)),
        "home",
        False,
        True,
        "hide in another context: kept, the result still told (apps read its context)",
    ),
    (rule("hide", words=("budget",)), None, False, True, "no context (one status by id): kept"),
    (rule(words=("budg",)), "home", False, False, "whole word: a part of a word is no match"),
    (rule(words=("budg",), whole=False), "home", False, True, "not whole word: any substring"),
    (rule(words=("BUDGET",)), "home", False, True, "case does not matter"),
    (rule(words=("c++",)), "home", False, True, "a keyword ending in punctuation still matches"),
    (rule(words=("#election",)), "home", False, True, "a hashtag keyword"),
    (rule(words=("cw",)), "home", False, True, "the content warning is searched"),
    (rule(words=("yes",)), "home", False, True, "poll options are searched"),
    (rule(words=("photo",)), "home", False, True, "media descriptions are searched"),
    (rule(words=("amp",)), "home", False, False, "entities are decoded, not words"),
    (rule("hide", statuses=(7,)), "home", True, True, "a named status"),
    (rule("hide", statuses=(8,)), "home", False, False, "another status"),
    (
        rule("hide", words=("budget",), expires=NOW - timedelta(seconds=1)),
        "home",
        False,
        False,
        "an expired filter applies nowhere",
    ),
    (
        rule("hide", words=("budget",), expires=NOW + timedelta(days=1)),
        "home",
        True,
        True,
        "not yet expired",
    ),
]


@pytest.mark.parametrize(("r", "context", "hidden", "matched", "why"), CASES)
def test_filter_decision(r, context, hidden, matched, why) -> None:
    outcome = decide(STATUS, [r], context, NOW)
    assert outcome.hidden is hidden, why
    assert bool(outcome.results) is matched, why


def test_results_say_what_matched() -> None:
    outcome = decide(STATUS, [rule(words=("budget", "nothing"), statuses=(7,))], "home", NOW)
    (match,) = outcome.results
    assert match.keyword_matches == ("budget",)
    assert match.status_matches == ("7",)
