"""Parsing Mastodon's blocklist CSV: each good form, and each malformed line with its number."""

from __future__ import annotations

import pytest

from federation.blocklist_csv import HEADER, export_blocklist, parse_blocklist
from federation.domain_blocks import BlockRequest
from storage.models import DomainBlock

HEAD = ",".join(HEADER) + "\n"


@pytest.mark.parametrize(
    ("text", "expected", "why"),
    [
        (
            HEAD + "spam.example,suspend,false,false,spam wave,false\n",
            [BlockRequest("spam.example", "suspend", public_comment="spam wave")],
            "Mastodon's export, one suspension",
        ),
        (
            HEAD + "loud.example,silence,true,true,,true\n",
            [BlockRequest("loud.example", "silence", True, True, obfuscate=True)],
            "every flag set",
        ),
        (
            HEAD + "pics.example,noop,true,false,,false\n",
            [BlockRequest("pics.example", "noop", reject_media=True)],
            "noop with reject_media is reject-media",
        ),
        (
            "#domain,#severity\nBad.Example.,limit\n",
            [BlockRequest("bad.example", "silence")],
            "short header, 'limit' means silence, name normalised",
        ),
        (
            "#severity,#domain\nsilence,x.example\n",
            [BlockRequest("x.example", "silence")],
            "columns in any order",
        ),
        (
            "one.example\ntwo.example\n",
            [BlockRequest("one.example", "suspend"), BlockRequest("two.example", "suspend")],
            "a plain list of domains suspends them",
        ),
        (
            HEAD + "\n\nok.example,suspend,,,,\n",
            [BlockRequest("ok.example", "suspend")],
            "blank lines and empty booleans are fine",
        ),
        (
            "\ufeff" + HEAD + '"quoted.example",suspend,false,false,"a, b",false\n',
            [BlockRequest("quoted.example", "suspend", public_comment="a, b")],
            "byte-order mark, quoted comma",
        ),
        (
            HEAD + "*.wild.example,suspend,false,false,,false\n",
            [BlockRequest("wild.example", "suspend")],
            "a wildcard prefix is the domain itself (blocks cover subdomains)",
        ),
    ],
)
def test_good_lines(text: str, expected: list[BlockRequest], why: str) -> None:
    parsed = parse_blocklist(text)
    assert parsed.errors == [], why
    assert parsed.blocks == expected, why


@pytest.mark.parametrize(
    ("text", "line", "message", "why"),
    [
        (HEAD + "ok.example,suspend\nbad domain,suspend\n", 3, "invalid domain", "space in name"),
        (HEAD + ",suspend,false,false,,false\n", 2, "empty domain", "no domain"),
        (HEAD + "x.example,obliterate,false,false,,false\n", 2, "unknown severity", "severity"),
        (HEAD + "x.example,suspend,maybe,false,,false\n", 2, "reject_media", "boolean"),
        (HEAD + "x.example,suspend,false,false,,false,extra\n", 2, "columns", "too many"),
        (HEAD + "a.example\nb.example\na.example\n", 4, "already listed on line 2", "duplicate"),
        (HEAD + "exa_mple..com,suspend\n", 2, "invalid domain", "empty label"),
    ],
)
def test_malformed_lines_are_reported_with_their_number(
    text: str, line: int, message: str, why: str
) -> None:
    parsed = parse_blocklist(text)
    assert len(parsed.errors) == 1, why
    assert parsed.errors[0].line == line, why
    assert message in parsed.errors[0].message, why
    assert str(parsed.errors[0]).startswith(f"line {line}: ")


def test_export_round_trips() -> None:
    rows = [
        DomainBlock(
            domain="a.example",
            severity="suspend",
            reject_media=False,
            reject_reports=True,
            public_comment="why, really",
            obfuscate=True,
        ),
        DomainBlock(
            domain="b.example",
            severity="noop",
            reject_media=True,
            reject_reports=False,
            public_comment="",
            obfuscate=False,
        ),
    ]
    text = export_blocklist(rows)
    assert text.splitlines()[0] == ",".join(HEADER)
    assert parse_blocklist(text).blocks == [
        BlockRequest(
            "a.example", "suspend", False, True, public_comment="why, really", obfuscate=True
        ),
        BlockRequest("b.example", "noop", reject_media=True),
    ]
