"""Which header blocks are refused before any route runs (the app's own count and size caps)."""

from __future__ import annotations

import pytest

from baraza.header_limits import MAX_HEADER_BYTES, MAX_HEADERS, header_problem

CASES = [
    # headers, refused?, why
    ([], False, "no headers at all is for the routes to judge"),
    ([("Host", "a.example")] * MAX_HEADERS, False, "exactly at the count limit"),
    ([("X", "v")] * (MAX_HEADERS + 1), True, "one header too many"),
    ([("X-Big", "a" * (MAX_HEADER_BYTES - 9))], False, "exactly at the size limit"),
    ([("X-Big", "a" * (MAX_HEADER_BYTES - 8))], True, "one byte over the size limit"),
    ([("Signature", "s" * 2000), ("Digest", "d" * 60)], False, "a signed POST's long headers"),
]


@pytest.mark.parametrize(("headers", "refused", "why"), CASES, ids=[c[2] for c in CASES])
def test_header_problem(headers: list[tuple[str, str]], refused: bool, why: str) -> None:
    assert (header_problem(headers) is not None) is refused, why


async def test_too_many_headers_get_431_json(client) -> None:
    headers = {f"X-H{n}": "v" for n in range(MAX_HEADERS + 5)}
    response = await client.get("/nodeinfo/2.1", headers=headers)
    assert response.status_code == 431
    assert "too many request headers" in (await response.get_json())["error"]
