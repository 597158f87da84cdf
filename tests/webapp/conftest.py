"""The web app on both engines: an app over `any_db` and a fresh browser per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from baraza.settings import Settings
from tests.conftest import make_settings


@pytest.fixture
def web_settings(any_db: str, tmp_path: Path) -> Settings:
    return make_settings(any_db, tmp_path)


@pytest.fixture
async def web_app(web_settings: Settings) -> AsyncIterator[Any]:
    from baraza.app import create_app

    application = create_app(web_settings, manage_database=False)
    async with application.test_app():
        yield application


@pytest.fixture
def browser(web_app: Any) -> Any:
    return web_app.test_client()
