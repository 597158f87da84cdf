"""Media uploads (`/api/v1/media`, `/api/v2/media`) and serving the files (`/media/<sha256>`).

An upload's type is sniffed from its bytes (`storage.filetypes`), never taken from the
client, and its size is capped per kind. Files are stored once per content hash under
`data_dir/media/` by the one blob store (`storage.blobs`), so a crash never leaves a
half-written file under a real hash. A refused upload stores nothing: no file, no row.

Serving is access-controlled like the posts the files belong to: the uploader always, anyone
else only when the file is attached to a post `outbox.visibility.may_see` lets them see — so a
picture posted in a private space never reaches a non-member, even by its URL.
"""

from __future__ import annotations

import asyncio
import os
from typing import IO, Any

from quart import Blueprint, Response, request

from baraza.ids import new_id
from baraza.responses import json_response
from baraza.services import settings
from baraza.uploads import allow_large_bodies
from clientapi.auth import current_caller, require_member
from clientapi.params import request_params, row_id
from clientapi.statuses.status_entity import attachment_entity
from federation.errors import NotFound, PayloadTooLarge, Unprocessable
from outbox.viewing import visible_posts
from storage.blobs import SHA256, BlobMissing, BlobStore
from storage.filetypes import IMAGE_TYPES, MEDIA_TYPES, sniff
from storage.models import Actor, MediaAttachment, Post

blueprint = Blueprint("clientapi_media", __name__)

IMAGE_LIMIT = 16 * 1024 * 1024
DOCUMENT_LIMIT = 40 * 1024 * 1024
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the description field
DESCRIPTION_LIMIT = 1500
UPLOAD_PATHS = frozenset({"/api/v1/media", "/api/v2/media"})
SNIFF_BYTES = 16  # every media format is known by its first bytes


allow_large_bodies(
    lambda method, path: method == "POST" and path.rstrip("/") in UPLOAD_PATHS,
    lambda: DOCUMENT_LIMIT + FORM_OVERHEAD,
)


def size_limit(content_type: str) -> int:
    return IMAGE_LIMIT if content_type in IMAGE_TYPES else DOCUMENT_LIMIT


def blobs() -> BlobStore:
    return BlobStore(settings().data_dir, "media")


def _inspect(stream: IO[bytes]) -> tuple[bytes, int]:
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return head, size


def _safe_filename(name: str | None) -> str:
    base = os.path.basename((name or "").replace("\\", "/"))
    return "".join(c for c in base if c.isascii() and c.isprintable() and c not in '"\\;')[:255]


def _description(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Unprocessable("Validation failed: description must be a string")
    if len(value) > DESCRIPTION_LIMIT:
        raise Unprocessable(
            f"Validation failed: description is over {DESCRIPTION_LIMIT} characters"
        )
    return value


async def _upload() -> Response:
    member = await require_member("write:media")
    files = await request.files
    upload = files.get("file")
    if upload is None:
        raise Unprocessable("Validation failed: File can't be blank")
    description = _description((await request_params()).get("description"))
    media = await store_upload(member, upload, description)
    return json_response(attachment_entity(media))


async def store_upload(member: Actor, upload: Any, description: str) -> MediaAttachment:
    """One uploaded file (a `FileStorage`) kept as the member's unattached media: its type
    sniffed from its bytes, its size capped per kind; the API's and the web app's uploads."""
    head, size = await asyncio.to_thread(_inspect, upload.stream)
    kind = sniff(head)
    if kind not in MEDIA_TYPES:
        raise Unprocessable("Validation failed: File content type is not supported")
    if size > size_limit(kind):
        raise PayloadTooLarge(f"File is larger than {size_limit(kind) // (1024 * 1024)} MB")
    sha = await blobs().write_stream(upload.stream)
    media = await MediaAttachment.create(
        id=new_id(),
        owner=member,
        sha256=sha,
        content_type=kind,
        size=size,
        filename=_safe_filename(upload.filename),
        description=description,
    )
    return media


@blueprint.post("/api/v2/media")
async def upload_v2() -> Response:
    return await _upload()


@blueprint.post("/api/v1/media")
async def upload_v1() -> Response:
    return await _upload()


async def _own_media(media_id: str, member: Actor) -> MediaAttachment:
    number = row_id(media_id, MediaAttachment)
    if number is None:
        raise NotFound("Record not found")
    media = await MediaAttachment.get_or_none(id=number, owner=member)
    if media is None:
        raise NotFound("Record not found")
    return media


@blueprint.get("/api/v1/media/<media_id>")
async def get_media(media_id: str) -> Response:
    member = await require_member("write:media")
    return json_response(attachment_entity(await _own_media(media_id, member)))


@blueprint.put("/api/v1/media/<media_id>")
async def update_media(media_id: str) -> Response:
    member = await require_member("write:media")
    media = await _own_media(media_id, member)
    params = await request_params()
    if "description" in params:
        media.description = _description(params.get("description"))
        await media.save(update_fields=["description"])
    return json_response(attachment_entity(media))


async def may_fetch(sha: str, viewer: Actor | None) -> MediaAttachment | None:
    """The attachment row that lets `viewer` fetch this file, or None (answered as 404)."""
    rows = await MediaAttachment.filter(sha256=sha).order_by("id")
    if viewer is not None:
        for row in rows:
            if row.owner_id == viewer.id:  # type: ignore[attr-defined]
                return row
    post_ids = {r.post_id for r in rows if r.post_id is not None}  # type: ignore[attr-defined]
    if not post_ids:
        return None
    posts = await Post.filter(id__in=post_ids, deleted_at=None)
    seen = {p.id for p in await visible_posts(posts, viewer)}
    return next((r for r in rows if r.post_id in seen), None)  # type: ignore[attr-defined]


@blueprint.get("/media/<sha>")
async def serve_media(sha: str) -> Response:
    if not SHA256.match(sha):
        raise NotFound("Record not found")
    caller = await current_caller()
    media = await may_fetch(sha, caller.account if caller else None)
    if media is None or media.content_type not in MEDIA_TYPES:
        raise NotFound("Record not found")
    try:
        body = await blobs().read(sha)
    except BlobMissing as exc:
        raise NotFound("Record not found") from exc
    response = Response(body, status=200, content_type=media.content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    if media.content_type not in IMAGE_TYPES:
        name = media.filename or f"{sha}.pdf"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
