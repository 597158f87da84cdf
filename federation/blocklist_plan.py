"""What a blocklist import would change, as a plan: computed by a pure function, shown as a
preview, and written exactly as shown.

The plan is a function of the file and the blocks in force, so a digest of it names "what the
admin saw". Applying recomputes the plan inside the write transaction and refuses (with the
new plan) when the digest differs: blocks changed by someone else between the preview and
"Apply" are never overwritten blindly. The CLI's import writes through `write_plan` too, so
every door imports the same way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from federation.domain_blocks import BlockRequest, apply_suspension, audit
from storage.models import DomainBlock

PUBLIC_FIELDS = ("severity", "reject_media", "reject_reports", "public_comment", "obfuscate")
"""What a Mastodon blocklist CSV carries; a block's private comment is never overwritten."""
_BATCH = 500

Current = Mapping[str, Mapping[str, object]]
"""The blocks in force: domain -> their `PUBLIC_FIELDS`."""
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class LineError:
    """A line of the file that cannot be imported, and why (shown in the preview)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class Change:
    """An existing block the file would alter: its public fields before and after."""

    domain: str
    before: Mapping[str, object]
    after: BlockRequest

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f for f in PUBLIC_FIELDS if self.before.get(f) != getattr(self.after, f))

    @property
    def severity_changed(self) -> bool:
        return "severity" in self.fields


@dataclass(frozen=True)
class ImportPlan:
    added: tuple[BlockRequest, ...]
    changed: tuple[Change, ...]
    unchanged: tuple[str, ...]
    skipped: tuple[LineError, ...]

    @property
    def total(self) -> int:
        return len(self.added) + len(self.changed) + len(self.unchanged)

    @property
    def newly_suspended(self) -> list[str]:
        """Domains this plan suspends that were not suspended before: their effects run once."""
        found = [r.domain for r in self.added if r.severity == "suspend"]
        found += [
            c.domain
            for c in self.changed
            if c.after.severity == "suspend" and c.before.get("severity") != "suspend"
        ]
        return found

    def digest(self) -> str:
        """Names this exact plan: equal digests, equal writes (skipped lines included, since
        the admin saw them too)."""
        body = {
            "added": [[r.domain, *(getattr(r, f) for f in PUBLIC_FIELDS)] for r in self.added],
            "changed": [
                [c.domain, *(c.before.get(f) for f in PUBLIC_FIELDS)]
                + [getattr(c.after, f) for f in PUBLIC_FIELDS]
                for c in self.changed
            ],
            "unchanged": list(self.unchanged),
            "skipped": [[e.line, e.message] for e in self.skipped],
        }
        raw = json.dumps(body, separators=(",", ":"), sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(raw.encode()).hexdigest()


def plan_import(
    requests: Sequence[BlockRequest], errors: Sequence[LineError], current: Current
) -> ImportPlan:
    """Pure: what importing `requests` (the file's valid lines, in order) does to `current`.

    A domain not blocked yet is added; a blocked one whose public fields differ is changed
    (a severity change is flagged, since it is the one that matters most); the rest are
    unchanged. Invalid lines (`errors`) are skipped, with their reasons.
    """
    added: list[BlockRequest] = []
    changed: list[Change] = []
    unchanged: list[str] = []
    for request in requests:
        before = current.get(request.domain)
        if before is None:
            added.append(request)
        elif any(before.get(f) != getattr(request, f) for f in PUBLIC_FIELDS):
            changed.append(Change(request.domain, dict(before), request))
        else:
            unchanged.append(request.domain)
    return ImportPlan(tuple(added), tuple(changed), tuple(unchanged), tuple(errors))


def facts(blocks: Iterable[DomainBlock]) -> dict[str, dict[str, object]]:
    return {b.domain: {f: getattr(b, f) for f in PUBLIC_FIELDS} for b in blocks}


async def current_blocks() -> dict[str, dict[str, object]]:
    return facts(await DomainBlock.all())


class PlanChanged(Exception):
    """The blocks changed since the preview: `plan` is what the file would do now."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__("the blocks changed since the preview")
        self.plan = plan


async def write_plan(
    who: str, plan: ImportPlan, *, source: str = "", progress: Progress | None = None
) -> dict[str, int]:
    """Write `plan` in one transaction (bulk inserts, one suspension pass for every newly
    suspended domain) with its audit entry; the suspension's effect counts are returned."""
    total = plan.total
    done = 0
    effects: dict[str, int] = {}
    async with in_transaction():
        rows = [
            DomainBlock(
                domain=r.domain,
                private_comment=f"imported {source}".strip(),
                **{f: getattr(r, f) for f in PUBLIC_FIELDS},
            )
            for r in plan.added
        ]
        for start in range(0, len(rows), _BATCH):
            batch = rows[start : start + _BATCH]
            await DomainBlock.bulk_create(batch)
            done += len(batch)
            if progress:
                progress(done, total)
        for change in plan.changed:
            values = {f: getattr(change.after, f) for f in PUBLIC_FIELDS}
            await DomainBlock.filter(domain=change.domain).update(**values)
            done += 1
            if progress and done % 200 == 0:
                progress(done, total)
        if plan.newly_suspended:
            effects = await apply_suspension(plan.newly_suspended)
        await audit(
            who,
            "domain_block.import",
            source,
            f"added {len(plan.added)}, updated {len(plan.changed)}, "
            f"unchanged {len(plan.unchanged)}, skipped {len(plan.skipped)}",
        )
    if progress:
        progress(total, total)
    return effects


async def apply_previewed(
    who: str,
    requests: Sequence[BlockRequest],
    errors: Sequence[LineError],
    digest: str,
    *,
    source: str = "",
    progress: Progress | None = None,
) -> tuple[ImportPlan, dict[str, int]]:
    """Apply the plan the admin previewed, or raise `PlanChanged` with the plan as it now is.

    The plan is recomputed inside the transaction that writes it, so the comparison and the
    write see the same blocks.
    """
    try:
        async with in_transaction():
            plan = plan_import(requests, errors, await current_blocks())
            if plan.digest() != digest:
                raise PlanChanged(plan)
            effects = await write_plan(who, plan, source=source, progress=progress)
    except IntegrityError:
        # Another admin blocked one of the new domains between our read and our insert.
        raise PlanChanged(plan_import(requests, errors, await current_blocks())) from None
    return plan, effects
