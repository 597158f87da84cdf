"""The client API for a space's library and Talks (documented in docs/api.md).

Uploads may be far larger than the 1 MB every other request is held to, so this blueprint
raises the body cap for its upload route alone, before Quart starts reading the body.
"""

from __future__ import annotations

import re
from typing import Any

from quart import Blueprint, Response, request

from actors.documents import iso
from baraza.responses import json_response
from baraza.services import settings
from baraza.uploads import allow_large_bodies
from baraza.viewer import current_member
from clientapi.accounts.account_entity import account
from clientapi.auth import require_member
from clientapi.params import body_params, id_or_404
from clientapi.spaces.spaces import PREFIX, find_space
from clientapi.statuses.status_entity import status
from federation.errors import NotFound, Unprocessable
from spaces.history import coauthors_by_version
from spaces.library import (
    Upload,
    add_document,
    download_url,
    find_version,
    max_upload_bytes,
    read_blob,
)
from spaces.talks import answer, find_talk, parse_talk, participant_counts, publish_talk
from storage.models import Actor, EventParticipation, LibraryDocument, LibraryVersion, Post

blueprint = Blueprint("space_library_api", __name__)

UPLOAD_PATH = re.compile(r"/api/v1/spaces/[^/]+/documents/?")
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the small fields beside the file


allow_large_bodies(
    lambda method, path: method == "POST" and bool(UPLOAD_PATH.fullmatch(path)),
    lambda: max_upload_bytes() + FORM_OVERHEAD,
)


async def _document_entity(doc: LibraryDocument, space: Actor, *, versions: bool) -> dict:
    rows = (
        await LibraryVersion.filter(document=doc).order_by("version").prefetch_related("uploader")
    )
    current = next((v for v in rows if v.version == doc.current_version), rows[-1])
    coauthors = await coauthors_by_version(rows if versions else [current])

    async def version_entity(v: LibraryVersion) -> dict[str, Any]:
        return {
            "version": v.version,
            "filename": v.filename,
            "content_type": v.content_type,
            "size": v.size,
            "sha256": v.sha256,
            "uploader": await account(v.uploader, with_counts=False) if v.uploader else None,
            "created_at": iso(v.created_at),
            "url": f"{download_url(settings(), space, doc.id)}?version={v.version}",
            # Who edited it live since the version before (or restored it): Mastodon accounts.
            "coauthors": [await account(a, with_counts=False) for a in coauthors[v.id]],
        }

    entity: dict[str, Any] = {
        "id": str(doc.id),
        "title": doc.title,
        "version": doc.current_version,
        "created_at": iso(doc.created_at),
        "status_id": str(doc.post_id) if doc.post_id else None,  # type: ignore[attr-defined]
        "url": download_url(settings(), space, doc.id),
        # The browser editor (baraza.editor_page) edits text; other files are downloaded.
        "edit_url": (
            settings().url(f"/spaces/{space.id}/documents/{doc.id}/edit")
            if current.content_type.startswith("text/")
            else None
        ),
        "current": await version_entity(current),
    }
    if versions:
        entity["versions"] = [await version_entity(v) for v in rows]
    return entity


async def _document(space: Actor, doc_id: str) -> LibraryDocument:
    doc = await LibraryDocument.get_or_none(
        id=id_or_404(doc_id, reason="no such document"), space=space, deleted_at=None
    )
    if doc is None:
        raise NotFound("Record not found")
    return doc


@blueprint.get(f"{PREFIX}/<space_id>/documents")
async def list_documents(space_id: str) -> Response:
    viewer = await current_member()
    space = await find_space(space_id, viewer)
    docs = await LibraryDocument.filter(space=space, deleted_at=None).order_by("-id").limit(200)
    return json_response([await _document_entity(d, space, versions=False) for d in docs])


@blueprint.post(f"{PREFIX}/<space_id>/documents")
async def upload_document(space_id: str) -> Response:
    member = await require_member("write")
    space = await find_space(space_id, member)
    form = await request.form
    files = await request.files
    sent = files.get("file")
    if sent is None:
        raise Unprocessable("send the document as the multipart field `file`")
    data = sent.read()
    document_id = form.get("document_id")
    doc, _version = await add_document(
        settings(),
        member,
        space,
        Upload(data=data, filename=sent.filename or "document", title=form.get("title", "")),
        document_id=id_or_404(document_id, reason="no such document") if document_id else None,
    )
    return json_response(await _document_entity(doc, space, versions=True), 200)


@blueprint.get(f"{PREFIX}/<space_id>/documents/<doc_id>")
async def show_document(space_id: str, doc_id: str) -> Response:
    viewer = await current_member()
    space = await find_space(space_id, viewer)
    doc = await _document(space, doc_id)
    return json_response(await _document_entity(doc, space, versions=True))


@blueprint.get(f"{PREFIX}/<space_id>/documents/<doc_id>/download")
async def download_document(space_id: str, doc_id: str) -> Response:
    viewer = await current_member()
    space = await find_space(space_id, viewer)
    doc = await _document(space, doc_id)
    raw = request.args.get("version")
    version = await find_version(doc, id_or_404(raw, reason="no such version") if raw else None)
    body = await read_blob(settings(), version.sha256)
    safe_name = re.sub(r"[^A-Za-z0-9._ -]", "_", version.filename)
    response = Response(body, content_type=version.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response.headers["Cache-Control"] = "private, no-store" if space.private else "public"
    return response


async def _event_entity(post: Post, viewer: Actor | None) -> dict[str, Any]:
    entity = await status(post, viewer)
    fields = post.document if isinstance(post.document, dict) else {}
    location = fields.get("location")
    mine = None
    if viewer is not None:
        row = await EventParticipation.get_or_none(post=post, actor=viewer)
        mine = row.state if row else None
    entity.update(
        name=post.name,
        start_time=fields.get("startTime"),
        end_time=fields.get("endTime"),
        location=location.get("url") if isinstance(location, dict) else None,
        participants=await participant_counts(post),
        my_answer=mine,
    )
    return entity


@blueprint.get(f"{PREFIX}/<space_id>/events")
async def list_events(space_id: str) -> Response:
    viewer = await current_member()
    space = await find_space(space_id, viewer)
    posts = await Post.filter(space=space, type="Event", deleted_at=None).order_by("-id").limit(40)
    return json_response([await _event_entity(p, viewer) for p in posts])


@blueprint.post(f"{PREFIX}/<space_id>/events")
async def create_event(space_id: str) -> Response:
    member = await require_member("write:statuses")
    space = await find_space(space_id, member)
    post = await publish_talk(settings(), member, space, parse_talk(await body_params()))
    return json_response(await _event_entity(post, member))


@blueprint.get(f"{PREFIX}/<space_id>/events/<event_id>")
async def show_event(space_id: str, event_id: str) -> Response:
    viewer = await current_member()
    space = await find_space(space_id, viewer)
    return json_response(await _event_entity(await find_talk(space, event_id, viewer), viewer))


@blueprint.post(f"{PREFIX}/<space_id>/events/<event_id>/answer")
async def answer_event(space_id: str, event_id: str) -> Response:
    member = await require_member("write:statuses")
    space = await find_space(space_id, member)
    post = await find_talk(space, event_id, member)
    params = await body_params()
    state = params.get("answer")
    if not isinstance(state, str):
        raise Unprocessable("answer must be accept, tentative or reject")
    await answer(settings(), member, post, state)
    return json_response(await _event_entity(post, member))
