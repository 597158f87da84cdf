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

from federation.blocklist_plan import LineError, current_blocks, plan_import, write_plan
from federation.domain_blocks import (
    BlockRequest,
    DomainError,
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


async def import_blocklist(
    who: str,
    text: str,
    *,
    source: str = "",
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """The CLI's and the admin API's import: the plan of `federation.blocklist_plan`, written
    at once (the console previews it first)."""
    parsed = parse_blocklist(text)
    if parsed.errors and not skip_invalid:
        raise ImportRefused(parsed.errors)
    plan = plan_import(parsed.blocks, parsed.errors, await current_blocks())
    effects: dict[str, int] = {}
    if not dry_run:
        effects = await write_plan(who, plan, source=source, progress=progress)
    elif progress:
        progress(plan.total, plan.total)
    return ImportResult(
        added=len(plan.added),
        updated=len(plan.changed),
        unchanged=len(plan.unchanged),
        skipped=parsed.errors,
        effects=effects,
    )
