"""Memory: resident size of an idle `baraza serve`, and the largest seen after the benchmarks.

The "after" figure is taken by each server benchmark just before it stops its instance, so
it reflects that instance after thousands of requests (run `python -m bench` with all names,
or put `memory` last).
"""

from __future__ import annotations

import time
from typing import Any

from bench.processes import baraza, rss_mb
from bench.report import Figure

GOAL_MB = 120.0


def run(context: dict[str, Any]) -> list[Figure]:
    with baraza() as instance:
        time.sleep(2)  # let start-up work (instance actor, worker loop) settle
        idle = rss_mb(instance.process.pid)
    figures = [
        Figure(
            name="RSS of an idle baraza serve",
            value=idle,
            unit="MB",
            goal=f"< {GOAL_MB:g} MB",
            met=idle < GOAL_MB,
        )
    ]
    if "rss_after" in context:
        figures.append(
            Figure(
                name="RSS after the benchmarks (largest instance)",
                value=context["rss_after"],
                unit="MB",
                note="no goal; for comparison with the idle figure",
            )
        )
    return figures
