"""The blocklist import's plan as a table: the file's lines against the blocks in force, and
what the preview lists (added, changed and whether the severity did, unchanged, skipped)."""

from __future__ import annotations

import pytest

from federation.blocklist_csv import LineError, parse_blocklist
from federation.blocklist_plan import ImportPlan, plan_import

HEAD = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"


def _block(severity: str = "suspend", comment: str = "", media: bool = False) -> dict:
    return {
        "severity": severity,
        "reject_media": media,
        "reject_reports": False,
        "public_comment": comment,
        "obfuscate": False,
    }


def _plan(text: str, current: dict) -> ImportPlan:
    parsed = parse_blocklist(HEAD + text)
    return plan_import(parsed.blocks, parsed.errors, current)


CASES = [
    # (file lines, blocks in force, added, changed (domain, severity changed), unchanged, why)
    ("a.example,suspend,false,false,,false\n", {}, ["a.example"], [], [], "new domain: added"),
    (
        "a.example,suspend,false,false,,false\n",
        {"a.example": _block()},
        [],
        [],
        ["a.example"],
        "same fields: unchanged (a second import changes nothing)",
    ),
    (
        "a.example,suspend,false,false,,false\n",
        {"a.example": _block("silence")},
        [],
        [("a.example", True)],
        [],
        "silence to suspend: a severity change",
    ),
    (
        "a.example,silence,false,false,spam,false\n",
        {"a.example": _block("silence", "old")},
        [],
        [("a.example", False)],
        [],
        "only the public comment differs: changed, severity kept",
    ),
    (
        "a.example,reject_media,false,false,,false\n",
        {"a.example": _block("noop")},
        [],
        [("a.example", False)],
        [],
        "reject-media is noop plus the media flag",
    ),
    (
        "b.example,silence,false,false,,false\nc.example,suspend,false,false,,false\n",
        {"z.example": _block()},
        ["b.example", "c.example"],
        [],
        [],
        "blocks not in the file are left alone (an import never lifts a block)",
    ),
]


@pytest.mark.parametrize(("text", "current", "added", "changed", "unchanged", "why"), CASES)
def test_the_plan(text, current, added, changed, unchanged, why):
    plan = _plan(text, current)
    assert [r.domain for r in plan.added] == added, why
    assert [(c.domain, c.severity_changed) for c in plan.changed] == changed, why
    assert list(plan.unchanged) == unchanged, why
    assert plan.skipped == (), why


def test_invalid_lines_are_skipped_with_their_reasons():
    plan = _plan(
        "ok.example,suspend,false,false,,false\n"
        "not a domain!,suspend,false,false,,false\n"
        "x.example,obliterate,false,false,,false\n"
        "ok.example,silence,false,false,,false\n",
        {},
    )
    assert [r.domain for r in plan.added] == ["ok.example"]
    assert [e.line for e in plan.skipped] == [3, 4, 5]
    assert "invalid domain" in plan.skipped[0].message
    assert "unknown severity" in plan.skipped[1].message
    assert "already listed on line 2" in plan.skipped[2].message


def test_newly_suspended_counts_only_domains_not_suspended_before():
    plan = _plan(
        "a.example,suspend,false,false,,false\n"
        "b.example,suspend,false,false,new words,false\n"
        "c.example,suspend,false,false,,false\n",
        {"b.example": _block(), "c.example": _block("silence")},
    )
    assert plan.newly_suspended == ["a.example", "c.example"]


def test_the_digest_names_the_plan_and_the_blocks_it_was_computed_against():
    text = "a.example,suspend,false,false,,false\n"
    first = _plan(text, {"a.example": _block("silence")})
    assert first.digest() == _plan(text, {"a.example": _block("silence")}).digest()
    # Someone lifted the silence in between: the same file is now another plan.
    assert first.digest() != _plan(text, {}).digest()
    # A block changed to what the file says: unchanged now, another plan again.
    assert first.digest() != _plan(text, {"a.example": _block()}).digest()
    # Skipped lines are part of what the admin saw.
    errors = (LineError(3, "x"),)
    parsed = parse_blocklist(HEAD + text)
    with_error = plan_import(parsed.blocks, errors, {"a.example": _block("silence")})
    assert with_error.digest() != first.digest()


async def test_a_block_added_by_someone_else_mid_apply_is_a_changed_plan(any_db, monkeypatch):
    """The read inside the write transaction missed a block another admin inserted before our
    bulk insert: the unique domain refuses it, nothing is written, and the new plan is shown."""
    from federation import blocklist_plan
    from storage.models import AuditEntry, DomainBlock

    await DomainBlock.create(domain="a.example", severity="silence")
    parsed = parse_blocklist(HEAD + "a.example,suspend,false,false,,false\nb.example\n")
    stale = plan_import(parsed.blocks, parsed.errors, {})
    real = blocklist_plan.current_blocks
    reads = iter([{}])

    async def first_read_stale() -> dict:
        return next(reads, None) or await real()

    monkeypatch.setattr(blocklist_plan, "current_blocks", first_read_stale)
    with pytest.raises(blocklist_plan.PlanChanged) as raised:
        await blocklist_plan.apply_previewed("root", parsed.blocks, parsed.errors, stale.digest())
    assert [c.domain for c in raised.value.plan.changed] == ["a.example"]
    assert [r.domain for r in raised.value.plan.added] == ["b.example"]
    assert await DomainBlock.all().count() == 1 and not await AuditEntry.exists()
