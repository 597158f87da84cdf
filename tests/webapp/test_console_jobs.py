"""The console's job page: a suspension held mid-way shows its progress ("N of M", a progress
bar, a meta refresh) and then its result; a failed job shows the core's message, never a
traceback; a record that stopped moving shows as interrupted; moderators get 403, strangers
404, and an unknown job is 404."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from baraza.webapp import console_federation
from baraza.webapp.console_jobs import ERRORS
from federation.domain_blocks import BlockRequest, DomainError
from outbox.console_jobs import FAILED, PLAN_CHANGED, Progress, start_job, wait_for_jobs
from storage.settings_store import set_setting
from tests.webapp.browser import job_done, page, submit
from tests.webapp.test_console import _staff

FED = "/admin/federation"
SUSPEND = {"domain": "big.example", "severity": "suspend", "confirmed": "yes"}


def test_the_core_errors_are_marked_for_the_catalogs() -> None:
    assert set(ERRORS) == {PLAN_CHANGED, FAILED}


async def test_a_suspension_shows_its_progress_then_its_result(
    browser: Any, web_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _staff(browser, web_settings, "root", "admin")
    release = asyncio.Event()

    async def slow_block(who: str, request: BlockRequest, progress: Progress) -> tuple[Any, bool]:
        progress(1500, 4000)  # a suspension a third of the way through 4,000 cached actors
        await release.wait()
        progress(4000, 4000)
        return None, True

    monkeypatch.setattr(console_federation, "block_domain", slow_block)
    started = await submit(browser, f"{FED}/blocks", SUSPEND, from_page=FED)
    assert started.status_code == 303
    where = started.headers["Location"]
    for _ in range(50):  # the progress is written within about half a second
        status, html = await page(browser, where)
        assert status == 200 and 'data-state="running"' in html
        if "1500 of 4000" in html:
            break
        await asyncio.sleep(0.1)
    assert "1500 of 4000" in html and 'value="1500"' in html and 'max="4000"' in html
    assert '<meta http-equiv="refresh" content="1">' in html
    release.set()
    result = await job_done(browser, started)
    assert 'data-state="done"' in result and "The domain is blocked." in result
    assert "http-equiv" not in result


async def test_a_failed_job_shows_the_reason_not_a_traceback(
    browser: Any, web_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _staff(browser, web_settings, "root", "admin")

    async def refused(who: str, request: BlockRequest, progress: Progress) -> tuple[Any, bool]:
        raise DomainError("invalid domain")

    monkeypatch.setattr(console_federation, "block_domain", refused)
    html = await job_done(browser, await submit(browser, f"{FED}/blocks", SUSPEND, from_page=FED))
    assert 'data-state="failed"' in html and 'id="job-error">invalid domain<' in html

    async def broken(who: str, request: BlockRequest, progress: Progress) -> tuple[Any, bool]:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(console_federation, "block_domain", broken)
    html = await job_done(browser, await submit(browser, f"{FED}/blocks", SUSPEND, from_page=FED))
    assert 'data-state="failed"' in html and FAILED in html
    assert "secret internals" not in html and "Traceback" not in html


async def test_a_job_whose_process_died_shows_as_interrupted(browser: Any, web_settings: Any):
    await _staff(browser, web_settings, "root", "admin")
    moved = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    record = {"kind": "domain_block", "state": "running", "done": 10, "total": 99}
    await set_setting("job:dead", json.dumps(record | {"updated_at": moved}))
    status, html = await page(browser, "/admin/jobs/dead")
    assert status == 200 and 'data-state="interrupted"' in html and "http-equiv" not in html
    status, _html = await page(browser, "/admin/jobs/no-such-job")
    assert status == 404


async def test_job_pages_are_for_admins_only(browser: Any, web_settings: Any):
    async def work(progress: Progress) -> dict[str, object]:
        return {"domain": "x.example"}

    job_id = await start_job("domain_block", "root", work)
    await wait_for_jobs()
    status, html = await page(browser, f"/admin/jobs/{job_id}")
    assert status == 404 and "x.example" not in html
    await _staff(browser, web_settings, "mod", "moderator")
    status, html = await page(browser, f"/admin/jobs/{job_id}")
    assert status == 403 and "Admins only" in html and 'id="job"' not in html
