"""Issue 19, history: versions with their co-authors, a readable diff, restoring an old version
as a new one (the live text follows), and exports as PDF and DOCX that keep Arabic readable.
On SQLite and PostgreSQL (the `app` fixture's engines)."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from docx import Document
from pycrdt import Doc, Text
from pypdf import PdfReader

from actors.accounts import create_member, create_space, join_space
from clientapi.tokens import issue_token
from spaces import coediting
from spaces.coediting import Peer
from spaces.export import right_to_left, to_docx
from spaces.history import DiffLine, line_diff
from spaces.library import Upload, add_document
from spaces.yjs_protocol import parse_message
from storage.models import Actor, LibraryDocument

FIRST = "Minutes\nThe witness arrived at ten.\nمحضر الاجتماع\n"
SECOND = "Minutes\nThe witness arrived at eleven.\nمحضر الاجتماع\nSigned.\n"

DIFFS = [
    ("a\nb\n", "a\nb\n", [], "no change, no lines"),
    ("a\nb\n", "a\nc\n", [DiffLine(" ", "a"), DiffLine("-", "b"), DiffLine("+", "c")], "replaced"),
    ("", "x\n", [DiffLine("+", "x")], "from nothing"),
    ("x\ny\n", "y\n", [DiffLine("-", "x"), DiffLine(" ", "y")], "a line removed, context kept"),
]


@pytest.mark.parametrize(("old", "new", "changes", "why"), DIFFS, ids=[d[3] for d in DIFFS])
def test_line_diff(old: str, new: str, changes: list[DiffLine], why: str) -> None:
    assert [line for line in line_diff(old, new) if line.op != "@"] == changes, why


@pytest.mark.parametrize(
    ("paragraph", "rtl"),
    [("Hello", False), ("مرحبا", True), ("123 مرحبا", True), ("", False), ("שלום abc", True)],
)
def test_right_to_left_by_the_first_strong_character(paragraph: str, rtl: bool) -> None:
    assert right_to_left(paragraph) is rtl


@dataclass
class Library:
    client: Any
    space: Actor
    doc_id: int
    tokens: dict[str, str]
    members: dict[str, Actor]

    def url(self, tail: str = "") -> str:
        return f"/api/v1/spaces/{self.space.id}/documents/{self.doc_id}{tail}"

    async def call(self, method: str, tail: str, who: str | None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        response = await self.client.open(self.url(tail), method=method, headers=headers)
        if response.content_type.startswith("application/json"):
            return response.status_code, await response.get_json()
        return response.status_code, await response.get_data()


@pytest.fixture(params=[True, False], ids=["private space", "public space"])
async def library(request, app, client, settings) -> Library:
    amina = await create_member(settings, "amina")
    carla = await create_member(settings, "carla")
    dario = await create_member(settings, "dario")  # no member
    space = await create_space(settings, "casefile", private=request.param, owner=amina)
    await join_space(space, carla)
    document, _ = await add_document(
        settings, amina, space, Upload(FIRST.encode(), "minutes.txt", "Minutes")
    )
    _doc, second = await add_document(
        settings, carla, space, Upload(SECOND.encode(), "minutes.txt"), document_id=document.id
    )
    second.coauthors = [carla.uri, amina.uri]
    await second.save(update_fields=["coauthors"])
    members = {"amina": amina, "carla": carla, "dario": dario}
    tokens = {name: (await issue_token(m, "read write"))[0] for name, m in members.items()}
    return Library(client, space, document.id, tokens, members)


async def test_versions_list_their_coauthors(library: Library) -> None:
    status, shown = await library.call("GET", "", "amina")
    assert status == 200
    coauthors = [[a["username"] for a in v["coauthors"]] for v in shown["versions"]]
    assert coauthors == [[], ["carla", "amina"]]


async def test_diff_between_two_versions(library: Library) -> None:
    status, body = await library.call("GET", "/diff?from=1&to=2", "carla")
    assert status == 200, body
    changes = [(line["op"], line["text"]) for line in body["lines"] if line["op"] in "+-"]
    assert changes == [
        ("-", "The witness arrived at ten."),
        ("+", "The witness arrived at eleven."),
        ("+", "Signed."),
    ]
    assert "-The witness arrived at ten." in body["unified"]
    for bad in ("/diff", "/diff?from=x", "/diff?from=9&to=1", "/diff?from=1&to=99"):
        status, answer = await library.call("GET", bad, "carla")
        assert status in (400, 404) and "error" in answer, (bad, status)


async def test_restore_an_old_version_as_a_new_one(library: Library, settings) -> None:
    status, _ = await library.call("POST", "/versions/1/restore", "dario")
    assert status == 404, "a non-member restored a version"
    status, body = await library.call("POST", "/versions/1/restore", "carla")
    assert status == 200, body
    assert body["version"] == 3 and body["restored"] == 1
    assert body["coauthors"] == [library.members["carla"].uri]
    status, restored = await library.call("GET", "/download?version=3", "carla")
    assert restored == FIRST.encode()
    status, shown = await library.call("GET", "", "amina")
    assert [v["version"] for v in shown["versions"]] == [1, 2, 3]
    assert shown["version"] == 3
    status, _ = await library.call("POST", "/versions/7/restore", "carla")
    assert status == 404


async def test_a_restore_reaches_the_live_room_and_its_editors(library: Library, settings) -> None:
    document = await LibraryDocument.get(id=library.doc_id)
    room = await coediting.room_for(settings, document)
    editor = Doc()
    editor_text = editor.get("content", type=Text)
    editor.apply_update(room.doc.get_update())
    assert str(editor_text) == SECOND
    peer = Peer(member=library.members["amina"], token_id=0)
    room.peers.add(peer)
    try:
        status, _ = await library.call("POST", "/versions/1/restore", "carla")
        assert status == 200
        frame = await asyncio.wait_for(peer.outbox.get(), 2)
        editor.apply_update(parse_message(frame).payload)
        assert str(editor_text) == FIRST, "the editor in the room does not see the restore"
        stored = await LibraryDocument.get(id=library.doc_id)
        again = Doc()
        again.apply_update(__import__("base64").b64decode(stored.live_state))
        assert str(again.get("content", type=Text)) == FIRST, "the live state was not stored"
    finally:
        room.peers.discard(peer)
        coediting.close_if_empty(room)


async def test_export_docx_and_pdf(library: Library) -> None:
    status, docx = await library.call("GET", "/export?format=docx&version=1", "carla")
    assert status == 200
    paragraphs = Document(io.BytesIO(docx)).paragraphs
    texts = [p.text for p in paragraphs]
    assert texts[0] == "Minutes" and "The witness arrived at ten." in texts
    arabic = next(p for p in paragraphs if p.text == "محضر الاجتماع")
    bidi = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}bidi"
    assert arabic._p.pPr is not None and arabic._p.pPr.find(bidi) is not None

    status, pdf = await library.call("GET", "/export?format=pdf", "carla")
    assert status == 200 and pdf.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "The witness arrived at eleven." in text and "Signed." in text
    assert "محضر الاجتماع" in text

    status, answer = await library.call("GET", "/export?format=exe", "carla")
    assert status == 400 and "error" in answer
    status, answer = await library.call("GET", "/export?format=pdf", "dario")
    assert status == (404 if library.space.private else 200)


def test_docx_marks_only_right_to_left_paragraphs() -> None:
    paragraphs = Document(io.BytesIO(to_docx("T", "left\nيمين"))).paragraphs
    bidi = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}bidi"
    marked = [p._p.pPr is not None and p._p.pPr.find(bidi) is not None for p in paragraphs]
    assert marked == [False, False, True]


async def test_version_numbers_are_ascii_digits(library: Library) -> None:
    for raw in ("²", "١", "-1", "0", "99999999999", "1.0"):
        bad = quote(raw)
        for tail in (f"/export?version={bad}", f"/diff?from={bad}"):
            status, answer = await library.call("GET", tail, "carla")
            assert status == 400 and "error" in answer, (tail, status)
    status, _ = await library.call("POST", f"/versions/{quote('²')}/restore", "carla")
    assert status == 404
