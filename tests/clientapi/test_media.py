"""Uploading media through the Mastodon API and serving it back only to who may see it."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from werkzeug.datastructures import FileStorage

from clientapi.tokens import issue_token
from storage.models import MediaAttachment
from tests.clientapi.helpers import member_with_token

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"1 0 obj\n<<>>\nendobj\n"


def upload(data: bytes, name: str, declared: str = "application/octet-stream") -> dict:
    return {"file": FileStorage(io.BytesIO(data), filename=name, content_type=declared)}


def stored_files(settings) -> list[Path]:
    directory = Path(settings.data_dir) / "media"
    return sorted(directory.iterdir()) if directory.exists() else []


async def post_media(client, auth, data: bytes, name: str, declared: str = "image/png", **form):
    return await client.post(
        "/api/v2/media", headers=auth, files=upload(data, name, declared), form=form
    )


async def test_upload_sniffs_type_and_stores_by_hash(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    cases = [(PNG, "a.bin", "image/png", "image"), (JPEG, "b.jpg", "image/jpeg", "image"),
             (PDF, "brief.pdf", "application/pdf", "unknown")]  # fmt: skip
    for data, name, sniffed, kind in cases:
        response = await post_media(client, auth, data, name, "text/plain", description="evidence")
        body = await response.get_json()
        assert response.status_code == 200, body
        sha = hashlib.sha256(data).hexdigest()
        assert body["type"] == kind
        assert body["url"] == f"https://testserver.example/media/{sha}"
        assert body["description"] == "evidence"
        row = await MediaAttachment.get(id=int(body["id"]))
        assert row.content_type == sniffed  # from the bytes, never the declared type
        assert (Path(settings.data_dir) / "media" / sha).read_bytes() == data
    assert not [p for p in stored_files(settings) if p.name.startswith(".upload-")]


async def test_v1_upload_and_description_update(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    response = await client.post("/api/v1/media", headers=auth, files=upload(PNG, "x.png"))
    media_id = (await response.get_json())["id"]
    response = await client.put(
        f"/api/v1/media/{media_id}", headers=auth, json={"description": "a court building"}
    )
    assert (await response.get_json())["description"] == "a court building"
    response = await client.get(f"/api/v1/media/{media_id}", headers=auth)
    assert (await response.get_json())["description"] == "a court building"
    _, other = await member_with_token(settings, "bruno")
    assert (await client.get(f"/api/v1/media/{media_id}", headers=other)).status_code == 404
    response = await client.put(
        f"/api/v1/media/{media_id}", headers=other, json={"description": "x"}
    )
    assert response.status_code == 404


async def test_text_renamed_png_is_refused_and_nothing_stored(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    for data in (b"just some text, honest", b"<svg onload=alert(1)>", b""):
        response = await post_media(client, auth, data, "photo.png", "image/png")
        assert response.status_code == 422, data
        assert "error" in await response.get_json()
    response = await client.post("/api/v2/media", headers=auth, form={"description": "no file"})
    assert response.status_code == 422
    response = await post_media(client, auth, PNG, "a.png", description="x" * 1501)
    assert response.status_code == 422
    assert await MediaAttachment.all().count() == 0
    assert stored_files(settings) == []


async def test_image_over_16_mb_is_413_and_nothing_stored(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    big = PNG + b"\x00" * (16 * 1024 * 1024)
    response = await post_media(client, auth, big, "huge.png")
    assert response.status_code == 413
    assert "error" in await response.get_json()
    # The same size is fine for a document (40 MB cap).
    response = await post_media(client, auth, PDF + b"\x00" * (16 * 1024 * 1024), "big.pdf")
    assert response.status_code == 200
    assert await MediaAttachment.all().count() == 1
    assert len(stored_files(settings)) == 1


async def test_upload_needs_token_and_write_media_scope(client, settings) -> None:
    member, _ = await member_with_token(settings, "amina")
    response = await client.post("/api/v2/media", files=upload(PNG, "a.png"))
    assert response.status_code == 401
    token, _ = await issue_token(member, "read")
    response = await client.post(
        "/api/v2/media", headers={"Authorization": f"Bearer {token}"}, files=upload(PNG, "a.png")
    )
    assert response.status_code == 403
    assert await MediaAttachment.all().count() == 0


async def test_unattached_file_is_served_only_to_its_uploader(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    _, other = await member_with_token(settings, "bruno")
    body = await (await post_media(client, auth, PNG, "a.png")).get_json()
    path = "/media/" + body["url"].rsplit("/", 1)[1]
    response = await client.get(path, headers=auth)
    assert response.status_code == 200
    assert await response.get_data() == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert (await client.get(path, headers=other)).status_code == 404
    assert (await client.get(path)).status_code == 404
    assert (await client.get("/media/" + "0" * 64, headers=auth)).status_code == 404
    assert (await client.get("/media/..%2Fbaraza.db", headers=auth)).status_code == 404


async def test_attached_to_public_post_is_served_to_anyone(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    pdf = await (await post_media(client, auth, PDF, "brief.pdf")).get_json()
    png = await (await post_media(client, auth, PNG, "a.png")).get_json()
    response = await client.post(
        "/api/v1/statuses",
        headers=auth,
        json={"status": "the brief", "media_ids": [pdf["id"], png["id"]]},
    )
    status = await response.get_json()
    assert response.status_code == 200, status
    assert [m["id"] for m in status["media_attachments"]] == [pdf["id"], png["id"]]
    response = await client.get("/media/" + pdf["url"].rsplit("/", 1)[1])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="brief.pdf"'
    response = await client.get("/media/" + png["url"].rsplit("/", 1)[1])
    assert response.status_code == 200
    assert "Content-Disposition" not in response.headers


async def test_attached_to_followers_only_post_is_hidden_from_strangers(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    _, stranger = await member_with_token(settings, "bruno")
    png = await (await post_media(client, auth, PNG, "a.png")).get_json()
    response = await client.post(
        "/api/v1/statuses",
        headers=auth,
        form={"status": "friends only", "visibility": "private", "media_ids[]": png["id"]},
    )
    assert response.status_code == 200
    path = "/media/" + png["url"].rsplit("/", 1)[1]
    assert (await client.get(path)).status_code == 404
    assert (await client.get(path, headers=stranger)).status_code == 404
    assert (await client.get(path, headers=auth)).status_code == 200
