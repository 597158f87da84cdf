"""The matrix's own tables: every route has a row; the expected answers read as the rules say."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from baraza.settings import Settings
from tests.matrix import test_matrix
from tests.matrix.doors import ROUTES
from tests.matrix.expected import (
    BY_NAME,
    HIDDEN,
    NO_SPACE,
    PRIVATE_SPACE,
    PUBLIC_SPACE,
    VISIBLE,
    Kind,
    expected,
)


def _route_keys(app: Any) -> set[tuple[str, str]]:
    keys = set()
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            keys.add((rule.rule, method))
    return keys


def test_every_route_has_a_row() -> None:
    """A new route must be classified in `ROUTES` before it ships; a stale row is an error too."""
    from baraza.app import create_app

    settings = Settings(
        domain="testserver.example",
        scheme="https",
        database_url="sqlite://:memory:",
        data_dir=Path(tempfile.mkdtemp(prefix="baraza-matrix-")),
        in_process_worker=False,
    )
    keys = _route_keys(create_app(settings, manage_database=False))
    missing = sorted(keys - ROUTES.keys())
    stale = sorted(ROUTES.keys() - keys)
    assert not missing, f"routes with no row in tests/matrix/doors.py ROUTES: {missing}"
    assert not stale, f"rows for routes that no longer exist: {stale}"
    for key, doors in ROUTES.items():
        for door in doors:
            assert door.fill or door.driven_by or door.why, f"{key}: say why it is not exercised"
            if door.driven_by:
                assert callable(getattr(test_matrix, door.driven_by, None)), (key, door.driven_by)


@pytest.mark.parametrize(
    ("viewer", "kind", "visibility", "place", "answer"),
    [
        ("anonymous", Kind.POST, "public", NO_SPACE, VISIBLE),
        ("anonymous", Kind.POST, "private", NO_SPACE, HIDDEN),
        ("anonymous", Kind.POST, "public", PRIVATE_SPACE, HIDDEN),
        ("outsider", Kind.POST, "unlisted", PUBLIC_SPACE, VISIBLE),
        ("outsider", Kind.POST, "direct", NO_SPACE, HIDDEN),
        ("space member", Kind.POST, "direct", PRIVATE_SPACE, VISIBLE),
        ("space member", Kind.DOCUMENT, "public", PRIVATE_SPACE, VISIBLE),
        ("scope:profile", Kind.POST, "public", PRIVATE_SPACE, HIDDEN),
        ("scope:write:media", Kind.MEDIA, "private", NO_SPACE, HIDDEN),
        ("scope:read", Kind.VERSION, "public", PRIVATE_SPACE, VISIBLE),
        ("scope:read", Kind.COEDIT, "public", PRIVATE_SPACE, HIDDEN),
        ("scope:read write", Kind.COEDIT, "public", PRIVATE_SPACE, VISIBLE),
        ("removed member", Kind.TALK, "public", PRIVATE_SPACE, HIDDEN),
        ("removed member", Kind.TALK, "public", PUBLIC_SPACE, VISIBLE),
        ("suspended member", Kind.POST, "direct", NO_SPACE, HIDDEN),
        ("revoked token", Kind.POST, "private", PUBLIC_SPACE, HIDDEN),
        ("remote signer", Kind.POST, "private", NO_SPACE, VISIBLE),
        ("remote signer", Kind.POST, "direct", NO_SPACE, HIDDEN),
        ("remote signer", Kind.SPACE, "public", PRIVATE_SPACE, HIDDEN),
        ("admin", Kind.POST, "public", PRIVATE_SPACE, HIDDEN),
        ("admin", Kind.POST, "private", NO_SPACE, HIDDEN),
        ("space member", Kind.MEDIA_RECORD, "public", NO_SPACE, HIDDEN),
    ],
)
def test_the_table(viewer: str, kind: Kind, visibility: str, place: str, answer: str) -> None:
    assert expected(BY_NAME[viewer], kind, visibility, place) == answer
