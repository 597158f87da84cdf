"""Size and time limits, against a real `baraza serve` (Hypercorn), not the test client.

The Quart test client skips the HTTP server, so the limits that live there (header block
size, header count, read timeout) can only be proved over a socket. Each oversized or slow
request must be refused or cut off: never a 500, never a connection held open for good.
These limits live in the HTTP server, not the storage: each case runs once, the cases
alternating between the engines (`tests.conftest.one_engine`).
"""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from tests.conftest import one_engine
from tests.e2e.instance import Instance

READ_TIMEOUT = 2  # seconds, through BARAZA_READ_TIMEOUT
KEEP_ALIVE_TIMEOUT = 5  # baraza/serve.py: also bounds the time to send a header block


@pytest.fixture
async def server(make_instance) -> Instance:
    instance = await make_instance(BARAZA_READ_TIMEOUT=str(READ_TIMEOUT))
    await asyncio.to_thread(instance.cli, "member", "add", "alice")
    return instance


async def _raw_exchange(instance: Instance, data: bytes, wait: float = 10) -> bytes:
    """Send raw bytes, return whatever comes back before the server closes (or `wait` ends)."""
    reader, writer = await asyncio.open_connection(instance.host, instance.port)
    try:
        writer.write(data)
        await writer.drain()
        async with asyncio.timeout(wait):
            return await reader.read()
    except (ConnectionResetError, BrokenPipeError):
        return b""
    finally:
        writer.close()


def _status(answer: bytes) -> int | None:
    """The status code of a raw HTTP answer, `None` when the server just closed."""
    if not answer:
        return None
    return int(answer.split(b" ", 2)[1])


def _get(instance: Instance, extra_headers: bytes) -> bytes:
    return (
        b"GET /nodeinfo/2.1 HTTP/1.1\r\nHost: "
        + instance.domain.encode()
        + b"\r\n"
        + extra_headers
        + b"Connection: close\r\n\r\n"
    )


@pytest.mark.parametrize("engine", one_engine("sqlite"))
async def test_a_64_kib_header_block_is_refused(server: Instance) -> None:
    answer = await _raw_exchange(server, _get(server, b"X-Big: " + b"a" * 65536 + b"\r\n"))
    assert _status(answer) in (None, 400, 431), answer[:200]


@pytest.mark.parametrize("engine", one_engine("postgres"))
async def test_five_hundred_headers_are_refused(server: Instance) -> None:
    many = b"".join(b"X-H%d: %s\r\n" % (n, b"v" * 40) for n in range(500))
    answer = await _raw_exchange(server, _get(server, many))
    assert _status(answer) in (None, 400, 431), answer[:200]


@pytest.mark.parametrize("engine", one_engine("sqlite"))
async def test_a_modest_request_still_answers(server: Instance) -> None:
    """The refusals above are about size, not about raw sockets: a normal request passes."""
    answer = await _raw_exchange(server, _get(server, b"X-Small: 1\r\n"))
    assert _status(answer) == 200, answer[:200]


@pytest.mark.parametrize("engine", one_engine("postgres"))
async def test_a_stalled_client_is_cut_off_after_the_read_timeout(server: Instance) -> None:
    reader, writer = await asyncio.open_connection(server.host, server.port)
    started = time.monotonic()
    try:
        writer.write(b"GET /nodeinfo/2.1 HTTP/1.1\r\nHost: " + server.domain.encode() + b"\r\n")
        await writer.drain()
        async with asyncio.timeout(READ_TIMEOUT + 8):
            answer = await reader.read()  # b"" (or a 408) once the server gives up
    finally:
        writer.close()
    elapsed = time.monotonic() - started
    assert _status(answer) in (None, 408), answer[:200]
    assert READ_TIMEOUT - 0.5 <= elapsed <= READ_TIMEOUT + 4, elapsed


@pytest.mark.parametrize("engine", one_engine("sqlite"))
async def test_a_two_mib_body_to_the_inbox_is_413_json(server: Instance) -> None:
    body = b'{"type": "Create", "pad": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{server.base_url}/inbox",
            data=body,
            headers={"Content-Type": "application/activity+json"},
        ) as response:
            payload = await response.json(content_type=None)
            assert response.status == 413, payload
            assert isinstance(payload.get("error"), str)


@pytest.mark.parametrize("engine", one_engine("postgres"))
async def test_a_huge_collection_page_number_is_bounded(server: Instance) -> None:
    async with aiohttp.ClientSession() as http:
        for page in ("99999999", "9" * 400, "-3", "x"):
            async with http.get(
                f"{server.base_url}/users/alice/followers?page={page}",
                headers={"Accept": "application/activity+json"},
            ) as response:
                doc = await response.json(content_type=None)
                assert response.status == 200, (page, doc)
                assert doc.get("orderedItems", []) == [], (page, doc)


@pytest.mark.parametrize("engine", one_engine("sqlite"))
async def test_a_dribbling_client_is_cut_off_by_the_idle_timer(server: Instance) -> None:
    """A byte every half second defeats the per-read timeout, but not Hypercorn's idle timer,
    which runs from the connection's start until a request's headers are complete."""
    reader, writer = await asyncio.open_connection(server.host, server.port)
    started = time.monotonic()
    closed_after: float | None = None
    try:
        writer.write(b"GET /nodeinfo/2.1 HTTP/1.1\r\nHost: " + server.domain.encode() + b"\r\n")
        while closed_after is None and time.monotonic() - started < KEEP_ALIVE_TIMEOUT + 5:
            writer.write(b"X")  # one byte of a header name, every half second
            await writer.drain()
            try:
                async with asyncio.timeout(0.5):
                    if await reader.read() == b"":
                        closed_after = time.monotonic() - started
            except TimeoutError:
                continue
    except (ConnectionResetError, BrokenPipeError):
        closed_after = time.monotonic() - started
    finally:
        writer.close()
    assert closed_after is not None, "the server still holds the dribbling connection"
    assert READ_TIMEOUT < closed_after <= KEEP_ALIVE_TIMEOUT + 2, closed_after
