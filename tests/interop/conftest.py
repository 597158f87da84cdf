"""The e2e fixtures (a real `baraza serve`) serve the interop tests too.

Every mode (authorized fetch off and on, each signature style first) runs once; with
PostgreSQL configured, the modes alternate between the engines (the strictest on PostgreSQL).
The exchange tests the wire, not the storage engine (`tests.conftest.one_engine`), and the
whole interop run stays within a few minutes.
"""

from __future__ import annotations

import pytest

from tests.conftest import ENGINES
from tests.e2e.conftest import make_instance
from tests.interop.peers import MODES, mode_id

__all__ = ["make_instance"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "mode" not in metafunc.fixturenames:
        return
    cases = [(ENGINES[n % len(ENGINES)], mode) for n, mode in enumerate(MODES)]
    metafunc.parametrize(
        ("engine", "mode"), cases, ids=[f"{engine}-{mode_id(mode)}" for engine, mode in cases]
    )
