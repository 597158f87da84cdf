"""A library entry links to the browser editor when the editor can edit it (a text document),
and the link leads to the editor's page; other files have no such link."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

from quart.datastructures import FileStorage

from actors.accounts import create_member, create_space
from baraza import editor_page
from clientapi.tokens import issue_token

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


async def _upload(client, url: str, token: str, data: bytes, name: str) -> dict:
    response = await client.post(
        url,
        headers={"Authorization": f"Bearer {token}"},
        files={"file": FileStorage(io.BytesIO(data), filename=name)},
    )
    assert response.status_code == 200, await response.get_data(as_text=True)
    return await response.get_json()


async def test_text_documents_link_to_the_editor_page(
    app, client, settings, tmp_path, monkeypatch
) -> None:
    bundle = tmp_path / "editor.js"  # as built by `make web`, which this test does not need
    bundle.write_text("/* built */")
    monkeypatch.setattr(editor_page, "BUNDLE", bundle)
    owner = await create_member(settings, "owner")
    space = await create_space(settings, "casefile", private=True, owner=owner)
    token, _ = await issue_token(owner)
    url = f"/api/v1/spaces/{space.id}/documents"
    notes = await _upload(client, url, token, b"# Notes\n", "notes.md")
    scan = await _upload(client, url, token, PDF, "scan.pdf")

    link = urlsplit(notes["edit_url"])
    assert link.path == f"/spaces/{space.id}/documents/{notes['id']}/edit"
    assert f"{link.scheme}://{link.netloc}" == settings.url("")
    assert scan["edit_url"] is None
    listing = await (await client.get(url, headers={"Authorization": f"Bearer {token}"})).get_json()
    assert {d["id"]: d["edit_url"] for d in listing} == {
        notes["id"]: notes["edit_url"],
        scan["id"]: None,
    }
    page = await client.get(link.path, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert f'data-live="{url}/{notes["id"]}/live"' in await page.get_data(as_text=True)
