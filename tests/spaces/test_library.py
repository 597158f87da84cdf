"""The space library: what bytes are accepted, the size cap, who may download, versions kept."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from actors.accounts import create_member, create_space, join_space
from clientapi.tokens import issue_token
from spaces import library
from spaces.library import sniff
from storage import filetypes
from storage.models import LibraryDocument, LibraryVersion, Post


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    raw = zlib.compress(b"\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


def _odf(kind: str) -> bytes:
    return _zip({"mimetype": kind.encode(), "content.xml": b"<office:document-content/>"})


def _ooxml(main: str, part: str) -> bytes:
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="/{part}" ContentType="application/vnd.'
        f'openxmlformats-officedocument.{main}"/></Types>'
    ).encode()
    return _zip({"[Content_Types].xml": types, part: b"<x/>"})


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

ACCEPTED = [
    (PDF, "brief.pdf", filetypes.PDF, "PDF magic"),
    (PDF, "renamed.txt", filetypes.PDF, "the bytes decide, not the name"),
    (_png(), "map.png", filetypes.PNG, "PNG signature"),
    (JPEG, "photo.jpg", filetypes.JPEG, "JPEG SOI marker"),
    (_odf(filetypes.ODT), "minutes.odt", filetypes.ODT, "ODF text: mimetype member"),
    (_odf(filetypes.ODS), "budget.ods", filetypes.ODS, "ODF spreadsheet: mimetype member"),
    (
        _ooxml("wordprocessingml.document.main+xml", "word/document.xml"),
        "brief.docx",
        filetypes.DOCX,
        "OOXML: main document part",
    ),
    (
        _ooxml("spreadsheetml.sheet.main+xml", "xl/workbook.xml"),
        "cases.xlsx",
        filetypes.XLSX,
        "OOXML: workbook part",
    ),
    ("Témoignage n°3\n".encode(), "notes.txt", filetypes.TXT, "UTF-8 text"),
    (b"# Plan\n\n- file appeal\n", "plan.md", filetypes.MARKDOWN, "text named .md"),
    (b"case,date\n12,2024-01-02\n", "cases.csv", filetypes.CSV, "text named .csv"),
]

REFUSED = [
    (b"MZ\x90\x00\x03\x00\x00\x00", "tool.pdf", "a Windows executable named .pdf"),
    (b"\x7fELF\x02\x01\x01\x00", "run.txt", "an ELF binary: NUL bytes"),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "anim.gif", "GIF is not on the list"),
    (_zip({"a.txt": b"hi"}), "archive.zip", "a plain zip"),
    (_zip({"mimetype": b"application/epub+zip"}), "book.odt", "an EPUB claiming .odt"),
    (b"PK\x03\x04broken", "broken.docx", "a truncated zip"),
    (b"\xff\xfe\x00h\x00i", "utf16.txt", "not UTF-8 (UTF-16 with NUL bytes)"),
    (b"caf\xe9\n", "latin1.txt", "invalid UTF-8"),
    (b"<svg onload=alert(1)></svg>", "logo.svg", "markup is not a document"),
    (b"<html><script>x</script></html>", "page.html", "HTML is not a document"),
    (b"", "empty.txt", "empty"),
]


@pytest.mark.parametrize(("data", "name", "expected", "why"), ACCEPTED)
def test_sniff_accepts_allowed_types(data: bytes, name: str, expected: str, why: str) -> None:
    assert sniff(data, name) == expected, why


@pytest.mark.parametrize(("data", "name", "why"), REFUSED)
def test_sniff_refuses_everything_else(data: bytes, name: str, why: str) -> None:
    assert sniff(data, name) not in filetypes.LIBRARY_TYPES, why


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, 40 * 1024 * 1024),
        ({"BARAZA_LIBRARY_MAX_BYTES": "100"}, 100),
        ({"BARAZA_LIBRARY_MAX_BYTES": "junk"}, 40 * 1024 * 1024),
    ],
)
def test_max_upload_bytes(env: dict[str, str], expected: int) -> None:
    assert library.max_upload_bytes(env) == expected


def _files(data: bytes, name: str, **form: str) -> dict:
    from quart.datastructures import FileStorage

    return {
        "files": {"file": FileStorage(io.BytesIO(data), filename=name)},
        "form": form,
    }


async def _setup(settings, private: bool = True):
    owner = await create_member(settings, "owner")
    outsider = await create_member(settings, "outsider")
    space = await create_space(settings, "casefile", private=private, owner=owner)
    token, _ = await issue_token(owner)
    other, _ = await issue_token(outsider)
    return owner, outsider, space, token, other


def _library_files(settings) -> list[Path]:
    folder = Path(settings.data_dir) / "library"
    return [p for p in folder.iterdir()] if folder.exists() else []


async def test_upload_list_download_and_versions(app, client, settings) -> None:
    _owner, _outsider, space, token, _other = await _setup(settings)
    auth = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/spaces/{space.id}/documents"
    first = await client.post(url, headers=auth, **_files(b"draft one\n", "brief.txt"))
    assert first.status_code == 200, await first.get_data()
    doc = await first.get_json()
    assert doc["current"]["content_type"] == "text/plain"
    assert doc["version"] == 1

    second = await client.post(url, headers=auth, **_files(PDF, "brief.pdf", document_id=doc["id"]))
    assert second.status_code == 200, await second.get_data()
    body = await second.get_json()
    assert body["id"] == doc["id"]
    assert [v["version"] for v in body["versions"]] == [1, 2]
    assert await LibraryVersion.filter(document_id=int(doc["id"])).count() == 2

    listing = await (await client.get(url, headers=auth)).get_json()
    assert [d["id"] for d in listing] == [doc["id"]]
    assert listing[0]["current"]["uploader"]["username"] == "owner"

    latest = await client.get(f"{url}/{doc['id']}/download", headers=auth)
    assert latest.status_code == 200
    assert await latest.get_data() == PDF
    assert latest.headers["Content-Type"] == "application/pdf"
    old = await client.get(f"{url}/{doc['id']}/download?version=1", headers=auth)
    assert await old.get_data() == b"draft one\n"
    # content-addressed on disk
    assert {p.name for p in _library_files(settings)} >= {
        body["versions"][0]["sha256"],
        body["versions"][1]["sha256"],
    }
    # a private space's upload posts nothing
    assert await Post.filter(space=space).count() == 0


async def test_non_member_download_is_404(app, client, settings) -> None:
    _owner, _outsider, space, token, other = await _setup(settings)
    url = f"/api/v1/spaces/{space.id}/documents"
    doc = await (
        await client.post(
            url, headers={"Authorization": f"Bearer {token}"}, **_files(b"secret\n", "s.txt")
        )
    ).get_json()
    for headers in ({}, {"Authorization": f"Bearer {other}"}):
        response = await client.get(f"{url}/{doc['id']}/download", headers=headers)
        assert response.status_code == 404
        assert "error" in await response.get_json()
        assert b"secret" not in await response.get_data()
        listing = await client.get(url, headers=headers)
        assert listing.status_code == 404


async def test_upload_over_cap_is_413_and_stores_nothing(
    app, client, settings, monkeypatch
) -> None:
    monkeypatch.setenv("BARAZA_LIBRARY_MAX_BYTES", "1000")
    _owner, _outsider, space, token, _other = await _setup(settings)
    response = await client.post(
        f"/api/v1/spaces/{space.id}/documents",
        headers={"Authorization": f"Bearer {token}"},
        **_files(b"a" * 1001, "big.txt"),
    )
    assert response.status_code == 413
    assert "error" in await response.get_json()
    assert await LibraryDocument.all().count() == 0
    assert _library_files(settings) == []


async def test_upload_above_app_body_cap_but_under_library_cap(app, client, settings) -> None:
    """The app holds bodies to 1 MB; the library route alone allows its own cap (40 MB)."""
    _owner, _outsider, space, token, _other = await _setup(settings)
    data = b"x" * (2 * 1024 * 1024)
    response = await client.post(
        f"/api/v1/spaces/{space.id}/documents",
        headers={"Authorization": f"Bearer {token}"},
        **_files(data, "long.txt"),
    )
    assert response.status_code == 200, await response.get_data()


async def test_refused_type_is_422_and_stores_nothing(app, client, settings) -> None:
    _owner, _outsider, space, token, _other = await _setup(settings)
    response = await client.post(
        f"/api/v1/spaces/{space.id}/documents",
        headers={"Authorization": f"Bearer {token}"},
        **_files(b"MZ\x90\x00\x03\x00", "tool.pdf"),
    )
    assert response.status_code == 422
    assert "error" in await response.get_json()
    assert await LibraryDocument.all().count() == 0
    assert _library_files(settings) == []


async def test_outsider_cannot_upload_to_private_space(app, client, settings) -> None:
    _owner, _outsider, space, _token, other = await _setup(settings)
    response = await client.post(
        f"/api/v1/spaces/{space.id}/documents",
        headers={"Authorization": f"Bearer {other}"},
        **_files(b"hello\n", "x.txt"),
    )
    assert response.status_code == 404
    assert await LibraryDocument.all().count() == 0


async def test_public_space_document_is_posted_as_document_attachment(
    app, client, settings
) -> None:
    _owner, outsider, space, _token, other = await _setup(settings, private=False)
    await join_space(space, outsider)
    response = await client.post(
        f"/api/v1/spaces/{space.id}/documents",
        headers={"Authorization": f"Bearer {other}"},
        **_files(PDF, "report.pdf", title="Annual report"),
    )
    assert response.status_code == 200, await response.get_data()
    post = await Post.get(space=space)
    assert post.actor_id == outsider.id
    (attachment,) = post.attachments
    assert attachment["type"] == "Document"
    assert attachment["mediaType"] == "application/pdf"
    assert attachment["url"].endswith("/download")
    # anyone may download from a public space
    path = attachment["url"].removeprefix("https://testserver.example")
    assert (await client.get(path)).status_code == 200


async def test_new_version_in_public_space_federates_as_update_of_document(app, settings) -> None:
    from actors.accounts import create_member, create_space
    from spaces.library import Upload, add_document
    from storage.models import Activity, Delivery, Follow
    from tests.inbox.signed import remote_peer

    owner = await create_member(settings, "librarian")
    public = await create_space(settings, "reports", private=False, owner=owner)
    private = await create_space(settings, "casework", private=True, owner=owner)
    fan = await remote_peer(host="partner.example", name="ngo")
    await Follow.create(follower=fan.actor, target=public, accepted=True)
    for space in (public, private):
        doc, _ = await add_document(settings, owner, space, Upload(b"draft one\n", "brief.txt"))
        await add_document(
            settings, owner, space, Upload(b"draft two\n", "brief.txt"), document_id=doc.id
        )
    updates = await Activity.filter(type="Update", actor_uri=public.uri)
    assert len(updates) == 1
    obj = updates[0].document["object"]
    assert obj["type"] == "Document" and obj["attributedTo"] == public.uri
    assert await Delivery.filter(activity=updates[0], host="partner.example").count() == 1
    assert await Activity.filter(type="Update", actor_uri=private.uri).count() == 0


async def test_public_upload_and_its_post_commit_together(app, settings, monkeypatch) -> None:
    """The document's rows and the space post that federates it are one action: if the post
    cannot be made, no document is left that its space's followers never heard of."""
    from outbox import actions

    owner = await create_member(settings, "owner")
    public = await create_space(settings, "reports", private=False, owner=owner)

    async def broken(*args, **kwargs):
        raise RuntimeError("the post could not be stored")

    monkeypatch.setattr(actions, "create_post", broken)
    with pytest.raises(RuntimeError):
        await library.add_document(settings, owner, public, library.Upload(PDF, "brief.pdf"))
    assert await LibraryDocument.filter(space=public).count() == 0
    assert await LibraryVersion.all().count() == 0
