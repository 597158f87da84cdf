"""Console jobs: the interrupted rule as a table; a job's progress visible in the database while
it runs (written by throttled writes, not per row), its result when done, a readable error when
it fails."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from federation.blocklist_plan import PlanChanged
from federation.domain_blocks import DomainError
from outbox import console_jobs
from outbox.console_jobs import (
    FAILED,
    PLAN_CHANGED,
    Progress,
    read_job,
    shown_state,
    start_job,
    wait_for_jobs,
)
from storage.models import DomainBlock

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("record", "state"),
    [
        ({"state": "running", "updated_at": NOW.isoformat()}, "running"),
        ({"state": "running", "updated_at": (NOW - timedelta(seconds=59)).isoformat()}, "running"),
        (
            {"state": "running", "updated_at": (NOW - timedelta(seconds=61)).isoformat()},
            "interrupted",
        ),
        ({"state": "running", "updated_at": "2026-11-29T11:50:00"}, "interrupted"),
        ({"state": "running", "updated_at": "yesterday"}, "interrupted"),
        ({"state": "running"}, "interrupted"),
        ({"state": "done", "updated_at": (NOW - timedelta(days=3)).isoformat()}, "done"),
        ({"state": "failed", "updated_at": (NOW - timedelta(days=3)).isoformat()}, "failed"),
        ({"state": "exploded"}, "failed"),
        ({}, "failed"),
    ],
)
def test_a_running_record_that_stopped_moving_is_interrupted(
    record: Mapping[str, Any], state: str
) -> None:
    assert shown_state(record, NOW) == state


async def test_progress_is_visible_while_the_job_runs(any_db: str) -> None:
    release = asyncio.Event()
    reported = asyncio.Event()
    writes: list[str] = []
    real_write = console_jobs._write

    async def counting_write(job_id: str, record: dict[str, Any]) -> None:
        writes.append(record["state"])
        await real_write(job_id, record)

    console_jobs._write = counting_write  # type: ignore[assignment]
    try:

        async def work(progress: Progress) -> dict[str, int]:
            for done in range(1, 1001):  # a thousand rows, far fewer writes
                progress(done, 2000)
            reported.set()
            await release.wait()
            progress(2000, 2000)
            return {"added": 2000}

        job_id = await start_job("test", "admin@here", work)
        await asyncio.wait_for(reported.wait(), 5)
        for _ in range(50):
            job = await read_job(job_id)
            assert job is not None and job.state == "running"
            if job.done == 1000:
                break
            await asyncio.sleep(0.1)
        assert (job.done, job.total, job.started_by, job.kind) == (1000, 2000, "admin@here", "test")
        release.set()
        await wait_for_jobs()
    finally:
        console_jobs._write = real_write  # type: ignore[assignment]
    job = await read_job(job_id)
    assert job is not None
    assert (job.state, job.done, job.total, job.result) == ("done", 2000, 2000, {"added": 2000})
    assert len(writes) < 10, writes  # start, a throttled write or two, the end


async def test_progress_is_committed_while_the_work_holds_its_transaction(any_db: str) -> None:
    """The real jobs write inside one transaction; their progress is written by a task that is
    outside it, so on PostgreSQL another connection reads it mid-way. (On SQLite the one
    connection is the transaction's until it ends: the record moves at the end.)"""
    release = asyncio.Event()

    async def work(progress: Progress) -> dict[str, int]:
        async with in_transaction():
            await DomainBlock.create(domain="a.example", severity="suspend")
            progress(5, 10)
            await release.wait()
        return {}

    job_id = await start_job("test", "admin@here", work)
    if any_db.startswith("postgres"):
        for _ in range(50):
            job = await read_job(job_id)
            if job is not None and job.done == 5:
                break
            await asyncio.sleep(0.1)
        assert job is not None and (job.state, job.done, job.total) == ("running", 5, 10)
    else:
        await asyncio.sleep(0.6)
    release.set()
    await wait_for_jobs()
    job = await read_job(job_id)
    assert job is not None and job.state == "done"


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (DomainError("That is not a domain name."), "That is not a domain name."),
        (PlanChanged(None), PLAN_CHANGED),  # type: ignore[arg-type]
        (RuntimeError("Traceback (most recent call last): secret"), FAILED),
    ],
)
async def test_a_failed_job_records_a_readable_error(db: str, error: Exception, shown: str) -> None:
    async def work(progress: Progress) -> dict[str, int]:
        progress(3, 10)
        raise error

    job_id = await start_job("test", "admin@here", work)
    await wait_for_jobs()
    job = await read_job(job_id)
    assert job is not None
    assert (job.state, job.error, job.done, job.total) == ("failed", shown, 3, 10)
    assert "Traceback" not in job.error


async def test_unknown_or_garbled_ids_are_no_job(db: str) -> None:
    assert await read_job("nope") is None
    assert await read_job("x" * 200) is None
    assert await read_job("") is None
