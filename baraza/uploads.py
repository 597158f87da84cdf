"""Larger request bodies for the few upload routes; every other route keeps the app's cap.

Quart fixes a request's body limit when the request object is built, before any route code
runs, so the limit is chosen here by method and path. Upload modules register their routes;
one request class serves them all (two classes replacing each other would drop one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from quart.wrappers import Request

Matcher = Callable[[str, str], bool]
_ROUTES: list[tuple[Matcher, Callable[[], int]]] = []


def allow_large_bodies(matches: Matcher, limit: Callable[[], int]) -> None:
    _ROUTES.append((matches, limit))


def _limit_for(method: str, path: str) -> int | None:
    for matches, limit in _ROUTES:
        if matches(method, path):
            return limit()
    return None


class UploadAwareRequest(Request):
    def __init__(self, method: str, scheme: str, path: str, *args: Any, **kwargs: Any) -> None:
        limit = _limit_for(method, path)
        if limit is not None:
            kwargs["max_content_length"] = limit
        super().__init__(method, scheme, path, *args, **kwargs)
        if limit is not None:
            self.max_content_length = limit
            self.max_form_memory_size = limit
