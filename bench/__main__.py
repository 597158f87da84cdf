"""`python -m bench [names...]`: run every benchmark (or the named ones), print each figure
and its ratio to the baseline measured in the same run, on SQLite and (with
BARAZA_TEST_POSTGRES_URL set) PostgreSQL, and write `bench/results/latest.json`.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from bench.processes import ENGINE_VARIABLE

ORDER = ["inbox_ingest", "reads", "fanout", "memory"]
RESULTS = Path(__file__).parent / "results"


def engines() -> list[str]:
    """SQLite always; PostgreSQL too when BARAZA_TEST_POSTGRES_URL names a server."""
    return ["sqlite", *(["postgres"] if os.environ.get("BARAZA_TEST_POSTGRES_URL") else [])]


def run_all(names: list[str], engine: str) -> tuple[dict[str, Any], bool]:
    """Every named benchmark against instances on `engine`; its results and whether any failed."""
    os.environ[ENGINE_VARIABLE] = engine
    context: dict[str, Any] = {}
    results: dict[str, Any] = {}
    failed = False
    for name in names:
        started = time.monotonic()
        print(f"== {name} ({engine})", flush=True)
        module = importlib.import_module(f"bench.{name}")
        try:
            figures = module.run(context)
        except Exception as exc:  # one broken benchmark must not hide the rest
            print(f"   FAILED: {type(exc).__name__}: {exc}", flush=True)
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
            failed = True
            continue
        for figure in figures:
            print("   " + figure.line(), flush=True)
        seconds = round(time.monotonic() - started, 1)
        print(f"   ({seconds} s)", flush=True)
        results[name] = {"seconds": seconds, "figures": [f.as_json() for f in figures]}
    return results, failed


def main(argv: list[str]) -> int:
    names = argv or ORDER
    unknown = [n for n in names if n not in ORDER]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {ORDER}")
        return 2
    summary: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "loadavg": os.getloadavg(),
        },
        "engines": {},
    }
    failed = False
    for engine in engines():
        results, engine_failed = run_all(names, engine)
        summary["engines"][engine] = {"benchmarks": results}
        failed = failed or engine_failed
    summary["benchmarks"] = summary["engines"]["sqlite"]["benchmarks"]  # as before: SQLite's
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(summary, indent=2))
    print(f"summary written to {RESULTS / 'latest.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
