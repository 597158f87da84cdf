"""A document rendered once and answered many times: its bytes, its ETag, and `304 Not Modified`
for a client that already holds it.

Read caches (`actors/read_cache.py`, `outbox/object_cache.py`) keep these, so a hit costs no
JSON encoding and no hashing; a peer that sends `If-None-Match` with the ETag it got gets no
body at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import orjson
from quart import Response

from baraza.responses import AS2_CONTENT_TYPE


def etag_of(body: bytes) -> str:
    """A strong validator: the same bytes, the same tag, in every process."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 §13.1.2: weak comparison, a list of tags, or `*`."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        tag = candidate.strip().removeprefix("W/")
        if tag == "*" or tag == etag:
            return True
    return False


@dataclass(frozen=True)
class Rendered:
    body: bytes
    content_type: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str = ""
    # Served only after authorized fetch's signature check (when that mode is on).
    needs_signature: bool = False

    @classmethod
    def of(
        cls,
        doc: Any,
        *,
        status: int = 200,
        content_type: str = AS2_CONTENT_TYPE,
        headers: dict[str, str] | None = None,
        needs_signature: bool = False,
    ) -> Rendered:
        body = orjson.dumps(doc)
        if content_type == AS2_CONTENT_TYPE:
            headers = {"Vary": "Accept", **(headers or {})}
        return cls(body, content_type, status, headers or {}, etag_of(body), needs_signature)

    def respond(self, if_none_match: str | None) -> Response:
        if self.status == 200 and matches(if_none_match, self.etag):
            response = Response(b"", status=304)
            response.headers.update(self.headers)
        else:
            response = Response(self.body, status=self.status, content_type=self.content_type)
            response.headers.update(self.headers)
        response.headers["ETag"] = self.etag
        return response
