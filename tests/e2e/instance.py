"""Real `baraza` processes on loopback addresses, for end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


def free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@dataclass
class Instance:
    """One Baraza instance: its own database, its own address, a real `baraza serve` process."""

    host: str
    database_url: str
    workdir: Path
    port: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    def __post_init__(self) -> None:
        if not self.port:
            self.port = free_port(self.host)
        self.log_path = self.workdir / f"baraza-{self.host}-{self.port}.log"

    @property
    def domain(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"http://{self.domain}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            BARAZA_DOMAIN=self.domain,
            BARAZA_SCHEME="http",
            BARAZA_DATABASE_URL=self.database_url,
            BARAZA_DATA_DIR=str(self.workdir),
            BARAZA_ALLOW_PRIVATE_ADDRESSES="1",
        )
        env.update(self.extra_env)
        return env

    def cli(
        self, *args: str, stdin: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "baraza", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            input=stdin,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"baraza {' '.join(args)} failed: {result.stderr}")
        return result

    def token(self, member: str) -> str:
        return self.cli("member", "token", member).stdout.strip().splitlines()[-1]

    def start(self) -> Instance:
        self.cli("init")
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "baraza",
                "serve",
                "--host",
                self.host,
                "--port",
                str(self.port),
            ],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"baraza serve exited: {self.log()}")
            try:
                # The NodeInfo links, not the document: its usage counts are cached for a
                # minute, and a probe before the test adds its members would fix them at 0.
                with urllib.request.urlopen(f"{self.base_url}/.well-known/nodeinfo", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        raise AssertionError(f"baraza serve did not answer in {timeout}s: {self.log()}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, as in a crash."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
