"""The app-wide URL converters: strict row ids, NUL-free segments; a NUL query is a 400."""

from __future__ import annotations

import pytest
from quart import Quart

from baraza.responses import json_response
from baraza.url_input import install_url_input


def _app() -> Quart:
    app = Quart(__name__)
    install_url_input(app)

    @app.get("/posts/<int:post_id>")
    async def post(post_id: int) -> object:
        return json_response({"id": post_id})

    @app.get("/actors/<int(max=2147483647):actor_id>")
    async def actor(actor_id: int) -> object:
        return json_response({"id": actor_id})

    @app.get("/tags/<tag>")
    async def tag(tag: str) -> object:
        return json_response({"tag": tag})

    @app.errorhandler(Exception)
    async def refused(error: Exception) -> object:
        status = getattr(error, "code", None) or getattr(error, "status", 500)
        return json_response({"error": str(error)}, status)

    return app


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/posts/123", 200),
        ("/posts/9223372036854775807", 200),
        ("/posts/9223372036854775808", 404),  # 2**63
        ("/posts/%C2%B2", 404),  # ²
        ("/posts/%D9%A1%D9%A2%D9%A3", 404),  # ١٢٣, which werkzeug's \d+ took as 123
        ("/posts/0", 404),
        ("/posts/-1", 404),
        ("/posts/" + "9" * 10_000, 404),
        ("/actors/2147483647", 200),
        ("/actors/2147483648", 404),
        ("/tags/ok", 200),
        ("/tags/a%00b", 404),
        ("/tags/ok?q=a%00b", 400),
    ],
)
async def test_urls(path: str, status: int) -> None:
    response = await _app().test_client().get(path)
    assert response.status_code == status, await response.get_data()
