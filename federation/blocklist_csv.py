"""Mastodon's domain blocklist CSV: parsing (pure, with line numbers), export, and import.

The format is the one Mastodon's admin interface exports and imports:

    #domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate

Import runs in one transaction: a malformed line aborts everything (unless the admin asks to
skip invalid lines), so a half-applied blocklist never leaves the instance in a state nobody
chose. It is idempotent (a second import of the same file changes nothing) and batched: one
query per table for reading, bulk inserts, and one pass of suspension effects for all newly
suspended domains, so thousands of lines take seconds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tortoise.transactions import in_transaction

from federation.domain_blocks import (
    BlockRequest,
    DomainError,
    apply_suspension,
    audit,
    normalize_domain,
    normalize_severity,
)
from storage.models import DomainBlock

HEADER = [
    "#domain",
    "#severity",
    "#reject_media",
    "#reject_reports",
    "#public_comment",
    "#obfuscate",
]
_TRUE = {"true", "1", "yes", "t"}
_FALSE = {"false", "0", "no", "f", ""}


@dataclass(frozen=True)
class LineError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class Parsed:
    blocks: list[BlockRequest] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)


def _bool(value: str, name: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise DomainError(f"{name} must be true or false, not {value!r}")


def _columns(header: list[str]) -> dict[str, int] | None:
    """Column positions from a header row, or None when the first row is data."""
    names = [h.strip().lower().lstrip("#") for h in header]
    if "domain" not in names:
        return None
    return {name: i for i, name in enumerate(names)}


def parse_blocklist(text: str) -> Parsed:
    """Pure: the block requests in `text` and every malformed line, numbered from 1.

    Accepts Mastodon's header (any column order) or a headerless file of the same column
    order; a plain list of domains, one a line, is read as suspensions, as Mastodon does.
    A domain listed twice is an error on the later line: the file would contradict itself.
    """
    parsed = Parsed()
    seen: dict[str, int] = {}
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    columns: dict[str, int] = {name.lstrip("#"): i for i, name in enumerate(HEADER)}
    for index, row in enumerate(reader):
        number = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue
        if index == 0 and (found := _columns(row)) is not None:
            columns = found
            continue
        try:
            request = _request(row, columns)
        except DomainError as exc:
            parsed.errors.append(LineError(number, str(exc)))
            continue
        if request.domain in seen:
            parsed.errors.append(
                LineError(number, f"{request.domain} already listed on line {seen[request.domain]}")
            )
            continue
        seen[request.domain] = number
        parsed.blocks.append(request)
    return parsed


def _request(row: list[str], columns: dict[str, int]) -> BlockRequest:
    def cell(name: str) -> str:
        i = columns.get(name)
        return row[i] if i is not None and i < len(row) else ""

    if len(row) > len(columns):
        raise DomainError(f"{len(row)} columns, expected at most {len(columns)}")
    domain = normalize_domain(cell("domain"))
    severity_text = cell("severity").strip() or "suspend"
    severity, media = normalize_severity(severity_text)
    return BlockRequest(
        domain=domain,
        severity=severity,
        reject_media=media or _bool(cell("reject_media"), "reject_media"),
        reject_reports=_bool(cell("reject_reports"), "reject_reports"),
        public_comment=cell("public_comment").strip(),
        obfuscate=_bool(cell("obfuscate"), "obfuscate"),
    )


def export_blocklist(blocks: Iterable[DomainBlock]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for block in blocks:
        writer.writerow(
            [
                block.domain,
                block.severity,
                str(block.reject_media).lower(),
                str(block.reject_reports).lower(),
                block.public_comment,
                str(block.obfuscate).lower(),
            ]
        )
    return out.getvalue()


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int
    skipped: list[LineError]
    effects: dict[str, int]


class ImportRefused(DomainError):
    """The file has malformed lines and the admin did not ask to skip them."""

    def __init__(self, errors: list[LineError]) -> None:
        shown = "; ".join(str(e) for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(f"{len(errors)} malformed line(s), nothing imported: {shown}{more}")
        self.errors = errors


Progress = Callable[[int, int], None]


def _public_fields(request: BlockRequest) -> dict[str, object]:
    """What the CSV carries; private comments written by an admin here are never overwritten."""
    values = request.fields()
    values.pop("private_comment")
    return values


async def import_blocklist(
    who: str,
    text: str,
    *,
    source: str = "",
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    parsed = parse_blocklist(text)
    if parsed.errors and not skip_invalid:
        raise ImportRefused(parsed.errors)
    total = len(parsed.blocks)
    existing = {b.domain: b for b in await DomainBlock.all()}
    new_rows: list[DomainBlock] = []
    changed: list[DomainBlock] = []
    for request in parsed.blocks:
        values = _public_fields(request)
        row = existing.get(request.domain)
        if row is None:
            new_rows.append(
                DomainBlock(
                    domain=request.domain, private_comment=f"imported {source}".strip(), **values
                )
            )
        elif any(getattr(row, k) != v for k, v in values.items()):
            row.update_from_dict(values)
            changed.append(row)
    newly_suspended = [r.domain for r in new_rows if r.severity == "suspend"]
    newly_suspended += [r.domain for r in changed if r.severity == "suspend"]
    effects: dict[str, int] = {}
    if not dry_run:
        async with in_transaction():
            done = 0
            for start in range(0, len(new_rows), 500):
                batch = new_rows[start : start + 500]
                await DomainBlock.bulk_create(batch)
                done += len(batch)
                if progress:
                    progress(done, total)
            for row in changed:
                await row.save()
                done += 1
                if progress and done % 200 == 0:
                    progress(done, total)
            if newly_suspended:
                effects = await apply_suspension(newly_suspended)
            await audit(
                who,
                "domain_block.import",
                source,
                f"added {len(new_rows)}, updated {len(changed)}, "
                f"unchanged {total - len(new_rows) - len(changed)}, skipped {len(parsed.errors)}",
            )
    if progress:
        progress(total, total)
    return ImportResult(
        added=len(new_rows),
        updated=len(changed),
        unchanged=total - len(new_rows) - len(changed),
        skipped=parsed.errors,
        effects=effects,
    )
