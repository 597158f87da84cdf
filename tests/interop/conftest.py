"""The e2e fixtures (a real `baraza serve` per engine) serve the interop tests too."""

from tests.e2e.conftest import engine, make_instance

__all__ = ["engine", "make_instance"]
