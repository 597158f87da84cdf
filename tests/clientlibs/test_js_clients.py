"""Issue 16's "done when": masto.js (Elk, Phanpy) and megalodon (Whalebird) against a real
`baraza serve`, on SQLite and PostgreSQL.

`tests/clientlibs/js/drive.mjs` signs in through the OAuth pages as a person would, makes each
app's start-up calls, opens the secondary screens (lists, filters, pins, grouped
notifications), subscribes to every stream type and watches updates, notifications,
conversations and deletes arrive, and subscribes to Web Push with keys it made, decrypting
the pushed mention with npm's http_ece. It prints one JSON line per step; each step is a
case here, so a failure names the step and the library.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import one_engine
from tests.e2e.conftest import engine, make_instance  # noqa: F401 - fixtures

JS = Path(__file__).parent / "js"
NODE = shutil.which("node")
PASSWORD = "correct horse battery staple"

pytestmark = pytest.mark.skipif(
    NODE is None or shutil.which("npm") is None,
    reason="needs node and npm (`make clientlibs` installs the libraries)",
)


def _installed() -> None:
    """`make clientlibs` installs them; a direct pytest run installs them here from the lock."""
    if (
        not (JS / "node_modules" / "masto").is_dir()
        or not (JS / "node_modules" / "megalodon").is_dir()
    ):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=JS, check=True)


def _drive(base_url: str, other_token: str) -> list[dict]:
    env = {
        "PATH": str(Path(NODE or "node").parent),
        "BASE_URL": base_url,
        "MEMBER": "bilal",
        "PASSWORD": PASSWORD,
        "OTHER_TOKEN": other_token,
    }
    result = subprocess.run(
        [NODE or "node", "drive.mjs"], cwd=JS, env=env, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    steps = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert steps, f"the harness printed no step: {result.stdout}\n{result.stderr}"
    return steps


@pytest.mark.parametrize("engine", one_engine("sqlite"))
async def test_masto_js_and_megalodon_drive_baraza(make_instance) -> None:  # noqa: F811
    await asyncio.to_thread(_installed)
    instance = await make_instance("127.0.0.2")
    await asyncio.to_thread(instance.cli, "member", "add", "bilal", "--password-stdin",
                            stdin=PASSWORD + "\n")  # fmt: skip
    await asyncio.to_thread(instance.cli, "member", "add", "amina")
    other = await asyncio.to_thread(instance.token, "amina")
    steps = await asyncio.to_thread(_drive, instance.base_url, other)
    failed = [f"{s['lib']}: {s['step']}: {s['detail']}" for s in steps if not s["ok"]]
    names = {(s["lib"], s["step"]) for s in steps}
    assert ("megalodon", "detector") in names and ("masto.js", "push subscription: "
            "encrypted mention decrypts") in names, "the harness stopped early"  # fmt: skip
    assert not failed, "\n".join(failed) + "\n" + instance.log()[-3000:]
