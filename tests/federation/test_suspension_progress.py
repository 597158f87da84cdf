"""Suspending a domain with many cached actors reports its progress (the CLI draws it), ending
at (all, all), and the bar itself draws on stderr only for jobs worth waiting on."""

from __future__ import annotations

from pathlib import Path

import pytest

from baraza.progress_bar import ProgressBar
from federation.domain_blocks import BlockRequest, block_domain
from storage.models import Actor


@pytest.fixture
def settings_db(any_db: str) -> str:
    return any_db


async def test_domain_suspension_reports_progress(settings_db: str) -> None:
    total = 1203
    await Actor.bulk_create(
        [
            Actor(
                uri=f"https://hostile.example/users/u{n}",
                type="Person",
                username=f"u{n}",
                domain="hostile.example",
                inbox_url=f"https://hostile.example/users/u{n}/inbox",
                key_id=f"https://hostile.example/users/u{n}#key",
                public_key_pem="-",
            )
            for n in range(total)
        ]
    )
    seen: list[tuple[int, int]] = []
    await block_domain(
        "cli:root",
        BlockRequest(domain="hostile.example", severity="suspend"),
        progress=lambda done, all_: seen.append((done, all_)),
    )
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert len(seen) >= 3, "more than one step for a thousand actors"
    assert not await Actor.filter(domain="hostile.example").exists()


def test_progress_bar_draws_on_stderr_above_its_threshold(capsys, tmp_path: Path) -> None:
    with ProgressBar("short job", threshold=100) as bar:
        bar(0, 10)
        bar(10, 10)
    assert capsys.readouterr().err == ""
    with ProgressBar("long job", threshold=100) as bar:
        for done in range(0, 501, 100):
            bar(done, 500)
    captured = capsys.readouterr()
    assert "long job" in captured.err and "500/500" in captured.err
    assert captured.out == ""
