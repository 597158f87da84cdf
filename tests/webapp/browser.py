"""A browser for the web app's route tests: Quart's test client keeps cookies, and these
helpers read the CSRF token out of a page's form, as a browser submits it.

W1, W2 and W3 share it: `await sign_in(client, "alice", "pw")` leaves the client signed in,
`await submit(client, "/compose", {...})` posts a form with the page's token.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

HTML = {"Accept": "text/html"}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


async def page(client: Any, path: str) -> tuple[int, str]:
    response = await client.get(path, headers=HTML)
    return response.status_code, await response.get_data(as_text=True)


async def token(client: Any, path: str = "/sign-in") -> str:
    """The CSRF token the forms of `path` carry (minting the browser's cookie if needed)."""
    _status, html = await page(client, path)
    found = TOKEN.search(html)
    assert found, f"no CSRF field on {path}"
    return found[1]


async def submit(
    client: Any, path: str, form: dict[str, Any], *, from_page: str | None = None
) -> Any:
    """POST `form` to `path` with the token of `from_page` (default: the sign-in page)."""
    data = {"csrf_token": await token(client, from_page or "/sign-in"), **form}
    return await client.post(path, form=data, headers=HTML)


async def sign_in(client: Any, username: str, password: str) -> Any:
    response = await submit(client, "/sign-in", {"username": username, "password": password})
    assert response.status_code == 303, response.status_code
    return response


async def job_done(browser: Any, started: Any, bound: float = 60.0) -> str:
    """Follow a long action's redirect to its job page and read it until the job is no longer
    running (bounded); the page while running refreshes itself and shows "N of M"."""
    assert started.status_code == 303, await started.get_data(as_text=True)
    where = started.headers["Location"]
    assert "/admin/jobs/" in where
    deadline = time.monotonic() + bound
    while True:
        status, html = await page(browser, where)
        assert status == 200, html[:500]
        if 'data-state="running"' not in html:
            return html
        assert '<meta http-equiv="refresh" content="1">' in html and "<progress" in html
        assert time.monotonic() < deadline, "the job did not finish"
        await asyncio.sleep(0.1)
