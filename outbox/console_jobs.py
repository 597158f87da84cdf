"""Long console actions (a blocklist import's write, a suspension of a domain with thousands of
cached actors) run as jobs: a background task in the serving process, whose progress is kept in
the database so whichever web process answers the admin's next request can draw it.

The record is one row of the instance settings (`job:<id>`, JSON), written when the job starts,
at most every `WRITE_EVERY` seconds while it runs and once when it ends, never per row. Its
writer is a task of its own, started before the work enters its transaction, so progress is
committed (and visible) while the work's transaction is still open. A process that dies
mid-job leaves a record that stops moving; `shown_state` calls it interrupted.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from federation.blocklist_plan import PlanChanged
from federation.domain_blocks import DomainError
from storage.settings_store import get_setting, set_setting

log = logging.getLogger(__name__)

PREFIX = "job:"
WRITE_EVERY = 0.5
STALE_AFTER = timedelta(minutes=1)
STATES = ("running", "done", "failed", "interrupted")

Progress = Callable[[int, int], None]
Work = Callable[[Progress], Awaitable[Mapping[str, Any]]]

PLAN_CHANGED = "The blocks changed since the preview, so nothing was applied."
FAILED = "The job failed; the server log has the details."

_running: set[asyncio.Task[None]] = set()
"""Strong references: the event loop keeps only weak ones to its tasks."""


@dataclass(frozen=True)
class Job:
    """A job as its record says, with the state to show (see `shown_state`)."""

    id: str
    kind: str
    state: str
    done: int
    total: int
    result: dict[str, Any]
    error: str
    started_by: str
    started_at: str
    updated_at: str


def shown_state(record: Mapping[str, Any], now: datetime) -> str:
    """The state to show: a running record that has not moved for `STALE_AFTER` belongs to a
    process that died (a running job writes at least every `WRITE_EVERY` seconds while it
    makes progress and `HEARTBEAT` seconds when it does not), so it is interrupted."""
    state = str(record.get("state", ""))
    if state not in ("running", "done", "failed"):
        return "failed"
    if state != "running":
        return state
    try:
        moved = datetime.fromisoformat(str(record.get("updated_at", "")))
    except ValueError:
        return "interrupted"
    if moved.tzinfo is None:
        moved = moved.replace(tzinfo=UTC)
    return "interrupted" if now - moved > STALE_AFTER else "running"


def readable_error(exc: BaseException) -> str:
    """What the admin reads when a job fails: the core's own message for the refusals it
    explains (a bad domain, a plan that moved), a plain sentence for anything else."""
    if isinstance(exc, PlanChanged):
        return PLAN_CHANGED
    if isinstance(exc, DomainError):
        return str(exc)
    return FAILED


HEARTBEAT = 10.0
TICK = 0.1


def _now() -> str:
    return datetime.now(UTC).isoformat()


async def _write(job_id: str, record: dict[str, Any]) -> None:
    record["updated_at"] = _now()
    await set_setting(PREFIX + job_id, json.dumps(record))


async def start_job(kind: str, started_by: str, work: Work) -> str:
    """Record a new job and run `work(progress)` in the background; its id is returned at
    once. `work`'s result (JSON-able) is stored when it ends; an exception becomes a
    readable error."""
    job_id = secrets.token_urlsafe(12)
    record: dict[str, Any] = {
        "kind": kind,
        "state": "running",
        "done": 0,
        "total": 0,
        "result": {},
        "error": "",
        "started_by": started_by,
        "started_at": _now(),
    }
    await _write(job_id, record)
    latest = {"done": 0, "total": 0}

    def progress(done: int, total: int) -> None:
        latest["done"], latest["total"] = done, total

    finished = asyncio.Event()

    async def writer() -> None:
        loop = asyncio.get_running_loop()
        written = {"done": 0, "total": 0}  # what the record says
        last = loop.time()
        while not finished.is_set():
            await asyncio.sleep(TICK)
            if finished.is_set():
                return
            waited = loop.time() - last
            if (latest != written and waited >= WRITE_EVERY) or waited >= HEARTBEAT:
                written, last = dict(latest), loop.time()
                await _write(job_id, record | written)

    async def run() -> None:
        writing = asyncio.create_task(writer())
        try:
            result = await work(progress)
        except Exception as exc:  # every failure is recorded; the traceback goes to the log
            log.exception("console job %s (%s) failed", job_id, kind)
            final = record | latest | {"state": "failed", "error": readable_error(exc)}
        else:
            final = record | latest | {"state": "done", "result": dict(result)}
        finished.set()
        await writing
        await _write(job_id, final)

    task = asyncio.create_task(run())
    _running.add(task)
    task.add_done_callback(_running.discard)
    return job_id


def _job(job_id: str, record: Mapping[str, Any], now: datetime) -> Job:
    return Job(
        id=job_id,
        kind=str(record.get("kind", "")),
        state=shown_state(record, now),
        done=int(record.get("done", 0) or 0),
        total=int(record.get("total", 0) or 0),
        result=dict(record.get("result") or {}),
        error=str(record.get("error", "")),
        started_by=str(record.get("started_by", "")),
        started_at=str(record.get("started_at", "")),
        updated_at=str(record.get("updated_at", "")),
    )


async def read_job(job_id: str) -> Job | None:
    """The job as any process sees it, or None for an id that names no job."""
    if not job_id or len(job_id) > 64:
        return None
    raw = await get_setting(PREFIX + job_id, "")
    if not raw:
        return None
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    return _job(job_id, record, datetime.now(UTC))


async def wait_for_jobs() -> None:
    """Let the jobs of this process finish (tests, and a graceful shutdown)."""
    while _running:
        await asyncio.gather(*list(_running), return_exceptions=True)
