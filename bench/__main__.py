"""`python -m bench [names...]`: run every benchmark (or the named ones), print each figure
and its ratio to the baseline measured in the same run, and write `bench/results/latest.json`.
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

ORDER = ["inbox_ingest", "reads", "fanout", "memory"]
RESULTS = Path(__file__).parent / "results"


def main(argv: list[str]) -> int:
    names = argv or ORDER
    unknown = [n for n in names if n not in ORDER]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {ORDER}")
        return 2
    context: dict[str, Any] = {}
    summary: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"nproc": os.cpu_count(), "python": platform.python_version()},
        "benchmarks": {},
    }
    failed = False
    for name in names:
        started = time.monotonic()
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        try:
            figures = module.run(context)
        except Exception as exc:  # one broken benchmark must not hide the rest
            print(f"   FAILED: {type(exc).__name__}: {exc}", flush=True)
            summary["benchmarks"][name] = {"error": f"{type(exc).__name__}: {exc}"}
            failed = True
            continue
        for figure in figures:
            print("   " + figure.line(), flush=True)
        seconds = round(time.monotonic() - started, 1)
        print(f"   ({seconds} s)", flush=True)
        summary["benchmarks"][name] = {
            "seconds": seconds,
            "figures": [f.as_json() for f in figures],
        }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(summary, indent=2))
    print(f"summary written to {RESULTS / 'latest.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
