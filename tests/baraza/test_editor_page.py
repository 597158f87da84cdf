"""The live-editor page: served to anyone, naming nothing, with a policy that lets its script
reach only this origin, and an honest notice when the instance was built without Node."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from baraza import editor_page

EDIT = "/spaces/12/documents/34/edit"


@pytest.fixture
def bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    built = tmp_path / "editor.js"
    built.write_text("/* built */")
    monkeypatch.setattr(editor_page, "BUNDLE", built)
    return built


async def test_page_loads_the_script_under_a_page_specific_policy(client, bundle, db):
    response = await client.get(EDIT, headers={"Accept": "text/html"})
    html = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<script src="/static/build/editor.js" defer></script>' in html
    assert 'data-live="/api/v1/spaces/12/documents/34/live"' in html
    assert '<div class="editor"></div>' in html and 'data-command="bold"' in html
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy
    assert "unsafe" not in policy and policy.startswith("default-src 'none'")
    assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_styles_are_allowed_by_a_nonce_fresh_on_every_response(client, bundle, db):
    """CodeMirror's <style> element carries the nonce the page hands its script; no other
    inline style is allowed, and a nonce seen once is never valid again."""
    nonces = []
    for _ in range(2):
        response = await client.get(EDIT, headers={"Accept": "text/html"})
        html = await response.get_data(as_text=True)
        policy = response.headers["Content-Security-Policy"]
        [style_src] = [d.strip() for d in policy.split(";") if d.strip().startswith("style-src")]
        nonce = re.fullmatch(r"style-src 'self' 'nonce-([A-Za-z0-9_-]{24})'", style_src)
        assert nonce is not None, style_src
        assert f'data-style-nonce="{nonce[1]}"' in html
        nonces.append(nonce[1])
    assert nonces[0] != nonces[1]


async def test_global_policy_still_forbids_scripts_elsewhere(client, db):
    response = await client.get("/tags/rights", headers={"Accept": "text/html"})
    assert "script-src" not in response.headers["Content-Security-Policy"]
    # The web app's pages (the front page is one) allow this origin's files, nothing inline.
    response = await client.get("/", headers={"Accept": "text/html"})
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe" not in policy and "nonce" not in policy


async def test_without_a_build_the_page_says_editing_is_unavailable(
    client, tmp_path, monkeypatch, db
):
    monkeypatch.setattr(editor_page, "BUNDLE", tmp_path / "missing.js")
    response = await client.get(EDIT, headers={"Accept": "text/html"})
    html = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script" not in html and "data-live" not in html
    assert "Editing in the browser is unavailable on this instance." in html


async def test_arabic_page_is_right_to_left_and_translated(client, bundle, db):
    response = await client.get(EDIT, headers={"Accept": "text/html", "Accept-Language": "ar"})
    html = await response.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "المحرر المباشر" in html and "جارٍ الاتصال…" in html


@pytest.mark.parametrize("path", ["/spaces/x/documents/1/edit", "/spaces/1/documents/../edit"])
async def test_ids_that_are_not_numbers_are_not_found(client, db, path):
    response = await client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 404


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_markdown_formatting_arithmetic() -> None:
    """The tables in `web/tests/format.test.mjs`, run by Node: formatting (bold, headings,
    lists, links, tables, in Arabic too), each line's direction, and what the preview renders
    (tables; raw HTML as text; no javascript: links)."""
    web = Path(__file__).resolve().parents[2] / "web"
    ran = subprocess.run(
        ["node", "--test", "tests/format.test.mjs"], cwd=web, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    assert "# fail 0" in ran.stdout and "# pass 0" not in ran.stdout
