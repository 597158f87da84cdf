"""JSON answers in the shapes peers and apps expect (AS2 documents, `{"error": ...}`)."""

from __future__ import annotations

from typing import Any

import orjson
from quart import Response

AS2_CONTENT_TYPE = "application/activity+json"


def json_response(
    doc: Any,
    status: int = 200,
    *,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> Response:
    response = Response(orjson.dumps(doc), status=status, content_type=content_type)
    if headers:
        response.headers.update(headers)
    return response


def as2_response(doc: Any, status: int = 200) -> Response:
    response = json_response(doc, status, content_type=AS2_CONTENT_TYPE)
    response.headers["Vary"] = "Accept"
    return response


def error_response(status: int, reason: str, headers: dict[str, str] | None = None) -> Response:
    return json_response({"error": reason}, status, headers=headers)
