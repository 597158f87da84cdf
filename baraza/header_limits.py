"""Header count and size limits, enforced in the app because Hypercorn does not enforce them.

Hypercorn (h11) caps only an *incomplete* header block (`h11_max_incomplete_size`): a block
that arrives whole in one read passes at any size up to the read size (64 KiB), with any
number of headers. Every header costs parsing and memory in each layer above, so a request
with hundreds of headers or a bloated block is answered 431 before any route runs.
"""

from __future__ import annotations

from collections.abc import Iterable

from quart import Quart, request

from federation.errors import FederationError

MAX_HEADERS = 100  # browsers send ~20, Mastodon's signed POSTs ~10
MAX_HEADER_BYTES = 16 * 1024  # as Hypercorn's own cap on an incomplete block


class HeadersTooLarge(FederationError):
    status = 431


def header_problem(headers: Iterable[tuple[str, str]]) -> str | None:
    """Why this header block is refused, or `None` when it is within the limits."""
    count = size = 0
    for name, value in headers:
        count += 1
        size += len(name) + len(value) + 4  # ": " and CRLF, as on the wire
    if count > MAX_HEADERS:
        return f"too many request headers ({count}, at most {MAX_HEADERS})"
    if size > MAX_HEADER_BYTES:
        return f"request headers too large ({size} bytes, at most {MAX_HEADER_BYTES})"
    return None


def install_header_limits(app: Quart) -> None:
    @app.before_request
    async def _check_headers() -> None:
        problem = header_problem(request.headers.items())
        if problem:
            raise HeadersTooLarge(problem)
