"""The instance's identity (domain and scheme) is fixed at `baraza init`: later commands read it
from the database, and a flag or variable that disagrees is a one-line error, never a silent
re-identification. Real `baraza` processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from baraza.settings import (
    Claim,
    Identity,
    IdentityClaims,
    IdentityMismatch,
    identity_claims,
    settle_identity,
)
from tests.conftest import ENGINES, REPO, _drop_postgres_database, fresh_database_url
from tests.e2e.instance import free_port

HTTP_LOCAL = Identity(domain="localhost:8000", scheme="http")
DEFAULT = Identity(domain="localhost:8000", scheme="https")


def env_claim(var: str, value: str) -> Claim:
    return Claim(value, var)


# stored, claims, expected identity (or the error's words), why
SETTLE_CASES = [
    (None, IdentityClaims(), DEFAULT, "a new database with nothing given takes the defaults"),
    (
        None,
        IdentityClaims(
            domain=env_claim("BARAZA_DOMAIN", "social.example"),
            scheme=env_claim("BARAZA_SCHEME", "http"),
        ),
        Identity("social.example", "http"),
        "a new database takes what it is given",
    ),
    (
        None,
        IdentityClaims(scheme=env_claim("BARAZA_SCHEME", "http")),
        HTTP_LOCAL,
        "what is not given comes from the defaults",
    ),
    (HTTP_LOCAL, IdentityClaims(), HTTP_LOCAL, "nothing given: the stored identity is used"),
    (
        HTTP_LOCAL,
        IdentityClaims(
            domain=env_claim("BARAZA_DOMAIN", "localhost:8000"),
            scheme=env_claim("BARAZA_SCHEME", "http"),
        ),
        HTTP_LOCAL,
        "the same identity given again is fine",
    ),
    (
        HTTP_LOCAL,
        IdentityClaims(domain=env_claim("BARAZA_DOMAIN", "LOCALHOST:8000")),
        HTTP_LOCAL,
        "host names compare without case; the stored spelling is kept",
    ),
    (
        HTTP_LOCAL,
        IdentityClaims(scheme=env_claim("BARAZA_SCHEME", "https")),
        "BARAZA_SCHEME=https was given; leave it out or use BARAZA_SCHEME=http",
        "another scheme is refused and the fix is named",
    ),
    (
        HTTP_LOCAL,
        IdentityClaims(domain=Claim("other.example", "--domain")),
        "belongs to http://localhost:8000",
        "another domain is refused, naming what is stored",
    ),
    (
        HTTP_LOCAL,
        IdentityClaims(
            domain=env_claim("BARAZA_DOMAIN", "other.example"),
            scheme=env_claim("BARAZA_SCHEME", "https"),
        ),
        "BARAZA_DOMAIN=other.example and BARAZA_SCHEME=https were given; leave them out",
        "both wrong: both named in one line",
    ),
    (
        None,
        IdentityClaims(scheme=env_claim("BARAZA_SCHEME", "ftp")),
        "BARAZA_SCHEME=ftp is not a scheme",
        "a scheme that is neither http nor https is refused even on a new database",
    ),
    (
        None,
        IdentityClaims(domain=env_claim("BARAZA_DOMAIN", "https://social.example")),
        "is not a domain",
        "a URL where a domain belongs is refused before it becomes every id's prefix",
    ),
]


@pytest.mark.parametrize(
    ("stored", "claims", "expected", "why"), SETTLE_CASES, ids=[c[3] for c in SETTLE_CASES]
)
def test_settle_identity(
    stored: Identity | None, claims: IdentityClaims, expected: Identity | str, why: str
) -> None:
    if isinstance(expected, Identity):
        assert settle_identity(stored, claims, DEFAULT) == expected, why
        return
    with pytest.raises(IdentityMismatch) as error:
        settle_identity(stored, claims, DEFAULT)
    assert expected in str(error.value), why
    assert "\n" not in str(error.value)


def test_flags_win_over_the_environment_and_empty_variables_are_not_given() -> None:
    env = {"BARAZA_DOMAIN": "env.example", "BARAZA_SCHEME": ""}
    assert identity_claims(env) == IdentityClaims(domain=Claim("env.example", "BARAZA_DOMAIN"))
    assert identity_claims(env, domain_flag="flag.example", scheme_flag="http") == IdentityClaims(
        domain=Claim("flag.example", "--domain"), scheme=Claim("http", "--scheme")
    )


Baraza = Callable[..., subprocess.CompletedProcess]


@pytest.fixture(params=ENGINES)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated database with no identity and no actors yet, as `baraza init` finds it."""
    url, pg_name = await fresh_database_url(request.param, tmp_path)
    try:
        yield url
    finally:
        if pg_name:
            await _drop_postgres_database(pg_name)


@pytest.fixture
def baraza(database_url: str, tmp_path: Path) -> Baraza:
    """`baraza ARGS` in a terminal that has the database's URL and, unless told, no identity:
    the second terminal of the README's tour."""

    def run(*args: str, **identity: str) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k not in ("BARAZA_DOMAIN", "BARAZA_SCHEME")}
        env.update(BARAZA_DATABASE_URL=database_url, BARAZA_DATA_DIR=str(tmp_path), **identity)
        return subprocess.run(
            [sys.executable, "-m", "baraza", *args],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


def one_line_error(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("baraza: ") and result.stderr.count("\n") == 1
    for word in words:
        assert word in result.stderr


def init_http_localhost(baraza: Baraza) -> None:
    result = baraza("init", BARAZA_DOMAIN="localhost:8000", BARAZA_SCHEME="http")
    assert result.returncode == 0, result.stderr
    assert "http://localhost:8000" in result.stdout


def test_member_added_in_a_second_terminal_gets_the_instances_ids(baraza: Baraza) -> None:
    init_http_localhost(baraza)
    result = baraza("member", "add", "amina")
    assert result.returncode == 0, result.stderr
    assert "(http://localhost:8000/users/amina)" in result.stdout
    space = baraza("space", "add", "climate", "--public", "--owner", "amina")
    assert "(http://localhost:8000/" in space.stdout, space.stderr


def test_a_disagreeing_scheme_is_refused_and_creates_nothing(baraza: Baraza) -> None:
    init_http_localhost(baraza)
    refused = baraza("member", "add", "amina", BARAZA_SCHEME="https")
    one_line_error(refused, "http://localhost:8000", "BARAZA_SCHEME=https")
    assert "amina" not in baraza("member", "list").stdout
    flagged = baraza("--domain", "elsewhere.example", "member", "add", "amina")
    one_line_error(flagged, "--domain=elsewhere.example")
    assert "amina" not in baraza("member", "list").stdout


def test_init_is_idempotent_and_refuses_another_identity(baraza: Baraza) -> None:
    init_http_localhost(baraza)
    init_http_localhost(baraza)
    assert baraza("init").returncode == 0, "nothing given: the stored identity"
    one_line_error(
        baraza("init", BARAZA_DOMAIN="social.example", BARAZA_SCHEME="https"),
        "belongs to http://localhost:8000",
        "BARAZA_DOMAIN=social.example and BARAZA_SCHEME=https",
    )


def test_serve_with_another_domain_is_refused(baraza: Baraza) -> None:
    init_http_localhost(baraza)
    result = baraza("serve", "--port", "1", BARAZA_DOMAIN="127.0.0.2:8000")
    one_line_error(result, "belongs to http://localhost:8000", "BARAZA_DOMAIN=127.0.0.2:8000")


def test_serve_without_identity_in_the_environment_serves_the_stored_one(
    database_url: str, tmp_path: Path
) -> None:
    """Domain and scheme come from the database, so the served ids carry them."""
    env = {k: v for k, v in os.environ.items() if k not in ("BARAZA_DOMAIN", "BARAZA_SCHEME")}
    env.update(BARAZA_DATABASE_URL=database_url, BARAZA_DATA_DIR=str(tmp_path))
    baraza = [sys.executable, "-m", "baraza"]
    init = {**env, "BARAZA_DOMAIN": "127.0.0.2:8123", "BARAZA_SCHEME": "http"}
    subprocess.run([*baraza, "init"], env=init, cwd=REPO, check=True, timeout=120)
    port = free_port("127.0.0.2")
    server = subprocess.Popen(
        [*baraza, "serve", "--host", "127.0.0.2", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        document = _get_json(f"http://127.0.0.2:{port}/actor", server)
        assert document["id"] == "http://127.0.0.2:8123/actor"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get_json(url: str, server: subprocess.Popen, timeout: float = 30) -> dict:
    request = urllib.request.Request(url, headers={"Accept": "application/activity+json"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "baraza serve exited"
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise AssertionError(f"no answer from {url}")


async def _forget_identity(database_url: str) -> None:
    """Make the database look like one made before identities were stored."""
    from storage.database import close_database, open_database
    from storage.models import InstanceSetting

    await open_database(database_url)
    try:
        await InstanceSetting.filter(key__startswith="identity.").delete()
    finally:
        await close_database()


async def test_an_older_database_keeps_the_name_its_ids_carry(
    baraza: Baraza, database_url: str
) -> None:
    init_http_localhost(baraza)
    await _forget_identity(database_url)
    result = baraza("member", "add", "amina")
    assert "(http://localhost:8000/users/amina)" in result.stdout, result.stderr
    one_line_error(baraza("member", "add", "bruno", BARAZA_SCHEME="https"), "BARAZA_SCHEME")


async def test_an_older_database_without_ids_adopts_what_its_first_run_is_given(
    baraza: Baraza,
) -> None:
    first = baraza("member", "add", "amina", BARAZA_DOMAIN="old.example", BARAZA_SCHEME="http")
    assert "(http://old.example/users/amina)" in first.stdout, first.stderr
    later = baraza("member", "add", "bruno")
    assert "(http://old.example/users/bruno)" in later.stdout, later.stderr


async def test_an_app_started_outside_the_cli_refuses_another_identity(any_db, tmp_path) -> None:
    """`hypercorn baraza.asgi:app` builds settings from the environment alone: the app itself
    must refuse to serve a database that belongs to another name."""
    from quart.testing.app import LifespanError

    from baraza.app import create_app
    from storage.settings_store import store_identity
    from tests.conftest import make_settings

    await store_identity("localhost:8000", "http")
    wrong = create_app(make_settings(any_db, tmp_path), manage_database=False)
    with pytest.raises(LifespanError, match="belongs to http://localhost:8000"):
        async with wrong.test_app():
            pass
    right = make_settings(any_db, tmp_path, domain="localhost:8000", scheme="http")
    async with create_app(right, manage_database=False).test_app() as started:
        response = await started.test_client().get(
            "/actor", headers={"Accept": "application/activity+json"}
        )
        assert (await response.get_json())["id"] == "http://localhost:8000/actor"
