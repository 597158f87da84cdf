"""The client API for a library document's history: diff, restore and export (docs/api.md).

Versions and their co-authors are listed by `GET .../documents/:doc_id` (space_library). This
door parses and renders; the rules and the restore action are in `spaces.history`, the
renderers in `spaces.export`. Reading a diff or an export is reading the space's library
(the same 404 for outsiders of a private space); restoring is editing.
"""

from __future__ import annotations

import asyncio
import re

from quart import Blueprint, Response, request

from baraza.responses import json_response
from baraza.services import settings
from baraza.viewer import current_member
from clientapi.auth import require_member
from clientapi.params import id_or_404
from clientapi.spaces.spaces import PREFIX, find_space
from federation.errors import BadRequest, Unprocessable
from spaces import export, history
from spaces.library import find_version, read_blob
from storage.ids import MAX_INT, parse_id

blueprint = Blueprint("document_history_api", __name__)


def _version_number(name: str, *, required: bool = True) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        if required:
            raise BadRequest(f"{name} is required: a version number")
        return None
    number = parse_id(raw, MAX_INT)
    if number is None:
        raise BadRequest(f"{name} must be a version number")
    return number


@blueprint.get(f"{PREFIX}/<space_id>/documents/<doc_id>/diff")
async def diff(space_id: str, doc_id: str) -> Response:
    viewer = await current_member()
    space = await find_space(space_id, viewer)
    document = await history.current_document(space, id_or_404(doc_id, reason="no such document"))
    older = _version_number("from")
    newer = _version_number("to", required=False) or document.current_version
    assert older is not None
    old, new = await history.version_texts(settings(), document, older, newer)
    return json_response(
        {
            "from": older,
            "to": newer,
            "lines": [{"op": line.op, "text": line.text} for line in history.line_diff(old, new)],
            "unified": history.unified(old, new, f"version {older}", f"version {newer}"),
        }
    )


@blueprint.post(f"{PREFIX}/<space_id>/documents/<doc_id>/versions/<number>/restore")
async def restore(space_id: str, doc_id: str, number: str) -> Response:
    member = await require_member("write")
    space = await find_space(space_id, member)
    document = await history.current_document(space, id_or_404(doc_id, reason="no such document"))
    old = id_or_404(number, MAX_INT, reason="no such version")
    version = await history.restore_version(settings(), member, space, document, old)
    return json_response(
        {"restored": old, "version": version.version, "coauthors": version.coauthors}
    )


@blueprint.get(f"{PREFIX}/<space_id>/documents/<doc_id>/export")
async def export_version(space_id: str, doc_id: str) -> Response:
    viewer = await current_member()
    space = await find_space(space_id, viewer)
    document = await history.current_document(space, id_or_404(doc_id, reason="no such document"))
    kind = request.args.get("format", "pdf")
    if kind not in export.FORMATS:
        raise BadRequest("format must be pdf or docx")
    version = await find_version(document, _version_number("version", required=False))
    if not history.is_text(version):
        raise Unprocessable("only text documents can be exported; download the file instead")
    text = history.text_of(await read_blob(settings(), version.sha256))
    body = await asyncio.to_thread(export.render, kind, document.title, text)
    stem = re.sub(r"[^A-Za-z0-9._ -]", "_", document.title).strip() or "document"
    response = Response(body, content_type=export.FORMATS[kind])
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{stem[:100]}-v{version.version}.{kind}"'
    )
    response.headers["Cache-Control"] = "private, no-store" if space.private else "public"
    return response
