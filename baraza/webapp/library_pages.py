"""A space's library in the web app: the list, one document with its versions, uploads of a
new document or a new version, downloads, and the link to the live editor for text files.

Uploads go through `spaces.library.add_document` (the same size cap, the same type sniffed
from the bytes, the same membership rule as the API); downloads through the same read gate as
the API's (`find_space`, so a private space's file is 404 to anyone not a member).
"""

from __future__ import annotations

import re

from quart import Blueprint, Response, current_app, request

from baraza.i18n import N_
from baraza.uploads import allow_large_bodies
from baraza.webapp.csrf import check_csrf
from baraza.webapp.render import render_page, require_member, see_other
from baraza.webapp.space_access import SpaceView, read_space, view_space
from clientapi.params import id_or_404
from federation.errors import NotFound, PayloadTooLarge, Refused, Unprocessable
from spaces.library import Upload, add_document, find_version, max_upload_bytes, read_blob
from storage.models import LibraryDocument, LibraryVersion

blueprint = Blueprint("web_library", __name__)

UPLOADS = re.compile(r"/space/[^/]+/library(/[^/]+/versions)?/?")
FORM_OVERHEAD = 64 * 1024

allow_large_bodies(
    lambda method, path: method == "POST" and bool(UPLOADS.fullmatch(path)),
    lambda: max_upload_bytes() + FORM_OVERHEAD,
)

REFUSED_TYPE = N_(
    "This file type is not accepted. "
    "Send a PDF, ODT, DOCX, XLSX, ODS, PNG, JPEG, TXT, MD or CSV file."
)
TOO_LARGE = N_("The file is too large for the library.")
EMPTY = N_("Choose a file to upload.")
MEMBERS_ONLY = N_("Only members of the space may add documents.")


def edit_path(space_id: int, doc: LibraryDocument, current: LibraryVersion) -> str | None:
    """The live editor edits text; other files are downloaded (as the API's `edit_url`)."""
    if not current.content_type.startswith("text/"):
        return None
    return f"/spaces/{space_id}/documents/{doc.id}/edit"


async def _document(view: SpaceView, doc_id: str) -> LibraryDocument:
    doc = await LibraryDocument.get_or_none(
        id=id_or_404(doc_id, reason="no such document"), space=view.space, deleted_at=None
    )
    if doc is None:
        raise NotFound("Record not found")
    return doc


@blueprint.get("/space/<space_id>/library")
async def library_page(space_id: str) -> Response:
    view = await read_space(space_id)
    docs = (
        await LibraryDocument.filter(space=view.space, deleted_at=None).order_by("-id").limit(200)
    )
    currents = {
        (v.document_id, v.version): v  # type: ignore[attr-defined]
        for v in await LibraryVersion.filter(document_id__in=[d.id for d in docs])
    }
    rows = [(d, currents.get((d.id, d.current_version))) for d in docs]
    return await render_page(
        "web/library.html",
        view=view,
        space=view.space,
        rows=[(d, v, edit_path(view.space.id, d, v) if v else None) for d, v in rows],
        max_mb=max(1, max_upload_bytes() // (1024 * 1024)),
        tab="library",
    )


@blueprint.get("/space/<space_id>/library/<doc_id>")
async def document_page(space_id: str, doc_id: str) -> Response:
    view = await read_space(space_id)
    doc = await _document(view, doc_id)
    versions = (
        await LibraryVersion.filter(document=doc).order_by("-version").prefetch_related("uploader")
    )
    current = next((v for v in versions if v.version == doc.current_version), versions[0])
    return await render_page(
        "web/document.html",
        view=view,
        space=view.space,
        doc=doc,
        versions=versions,
        edit=edit_path(view.space.id, doc, current),
        max_mb=max(1, max_upload_bytes() // (1024 * 1024)),
        tab="library",
    )


async def _upload(space_id: str, document_id: str | None) -> Response:
    await check_csrf()
    member = await require_member()
    view = await view_space(space_id, member)
    existing = await _document(view, document_id) if document_id is not None else None
    back = f"/space/{view.space.id}/library" + (f"/{existing.id}" if existing else "")
    form = await request.form
    sent = (await request.files).get("file")
    if sent is None or not sent.filename:
        return see_other(back, notice=EMPTY)
    upload = Upload(data=sent.read(), filename=sent.filename, title=form.get("title", "")[:255])
    services = current_app.extensions["baraza"]
    try:
        doc, _version = await add_document(
            services.settings,
            member,
            view.space,
            upload,
            document_id=existing.id if existing else None,
        )
    except PayloadTooLarge:
        return see_other(back, notice=TOO_LARGE)
    except Refused:
        return see_other(back, notice=MEMBERS_ONLY)
    except Unprocessable:
        return see_other(back, notice=EMPTY if not upload.data else REFUSED_TYPE)
    notice = (
        N_("The new version is in the library.")
        if existing
        else N_("The document is in the library.")
    )
    return see_other(f"/space/{view.space.id}/library/{doc.id}", notice=notice)


@blueprint.post("/space/<space_id>/library")
async def upload_document(space_id: str) -> Response:
    return await _upload(space_id, None)


@blueprint.post("/space/<space_id>/library/<doc_id>/versions")
async def upload_version(space_id: str, doc_id: str) -> Response:
    return await _upload(space_id, doc_id)


@blueprint.get("/space/<space_id>/library/<doc_id>/download")
async def download(space_id: str, doc_id: str) -> Response:
    view = await read_space(space_id)
    doc = await _document(view, doc_id)
    raw = request.args.get("version")
    version = await find_version(doc, id_or_404(raw, reason="no such version") if raw else None)
    body = await read_blob(current_app.extensions["baraza"].settings, version.sha256)
    safe_name = re.sub(r"[^A-Za-z0-9._ -]", "_", version.filename)
    response = Response(body, content_type=version.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response.headers["Cache-Control"] = "private, no-store" if view.space.private else "public"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
