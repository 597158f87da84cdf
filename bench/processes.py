"""Starting and measuring the processes a benchmark talks to: Baraza, the baseline, the loader."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.e2e.instance import Instance, free_port


def rss_mb(pid: int) -> float:
    """Resident set size from /proc: what the kernel says the process holds in RAM."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmRSS for pid {pid}")


def wait_http(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answered
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer in {timeout}s")


@contextmanager
def baseline(host: str = "127.0.0.9") -> Iterator[str]:
    """The bare Quart app; yields its base URL."""
    port = free_port(host)
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.baseline_app", "--host", host, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://{host}:{port}/get", process)
        yield f"http://{host}:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def baraza(host: str = "127.0.0.2", **env: str) -> Iterator[Instance]:
    """A real `baraza serve` on a fresh database (SQLite, or PostgreSQL when the run asks)."""
    env.setdefault("BARAZA_INBOX_RATE", "off")  # a benchmark is a flood from one host
    # Rate limits would measure the limiter, not the server: a benchmark sender is one peer.
    env = {
        "BARAZA_INBOX_RATE": "off",
        "BARAZA_API_RATE": "off",
        "BARAZA_API_IP_RATE": "off",
        **env,
    }
    with tempfile.TemporaryDirectory(prefix="baraza-bench-") as tmp, _database(tmp) as url:
        instance = Instance(host=host, database_url=url, workdir=Path(tmp), extra_env=env)
        instance.start()
        profiler = _profile(instance)
        try:
            yield instance
        finally:
            if profiler is not None:
                profiler.send_signal(signal.SIGINT)
                profiler.wait(timeout=60)
            instance.stop()


ENGINE_VARIABLE = "BARAZA_BENCH_ENGINE"  # set by `python -m bench` for each engine it runs


@contextmanager
def _database(tmp: str) -> Iterator[str]:
    """An empty database for one instance: a file in `tmp` on SQLite, or on PostgreSQL a new
    database beside BARAZA_TEST_POSTGRES_URL's, dropped afterwards (`baraza init` fills it)."""
    if os.environ.get(ENGINE_VARIABLE, "sqlite") != "postgres":
        yield f"sqlite://{tmp}/bench.db"
        return
    admin = os.environ["BARAZA_TEST_POSTGRES_URL"]
    name = f"baraza_bench_{os.getpid()}_{Path(tmp).name[-8:].lower().replace('-', '_')}"
    asyncio.run(_admin(admin, f'CREATE DATABASE "{name}"'))
    try:
        yield f"{admin.rsplit('/', 1)[0]}/{name}"
    finally:
        asyncio.run(_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _profile(instance: Instance) -> subprocess.Popen | None:
    """With BARAZA_BENCH_PYSPY=DIR, record the server with py-spy (collapsed stacks) into DIR."""
    out = os.environ.get("BARAZA_BENCH_PYSPY")
    if not out or instance.process is None:
        return None
    Path(out).mkdir(parents=True, exist_ok=True)
    path = Path(out) / f"{instance.host}-{instance.port}.txt"
    py_spy = Path(sys.executable).parent / "py-spy"
    return subprocess.Popen(
        [
            str(py_spy),
            "record",
            "--format",
            "raw",
            "-r",
            "50",
            "-o",
            str(path),
            "-p",
            str(instance.process.pid),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def run_loader(spec: dict[str, Any], timeout: float = 300) -> list[dict[str, Any]]:
    """`bench.load` in its own process; one result per target."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(spec, fh)
        path = fh.name
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.load", path],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    finally:
        Path(path).unlink()
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed: {done.stderr[-2000:]}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def run_in_database(database_url: str, work: Any) -> Any:
    """Run `await work()` with the instance's database open in this process (for set-up)."""
    from storage.database import close_database, open_database

    async def go() -> Any:
        await open_database(database_url)
        try:
            return await work()
        finally:
            await close_database()

    return asyncio.run(go())
