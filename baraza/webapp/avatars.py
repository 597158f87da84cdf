"""Avatars uploaded from the settings page: images only (sniffed from their bytes), kept by
the one blob store in their own area. Everything in that area is someone's public avatar, so
`/avatars/<sha256>` serves it to anyone, as Mastodon serves avatars."""

from __future__ import annotations

from typing import IO

from quart import Blueprint, Response, current_app

from baraza.settings import Settings
from federation.errors import NotFound
from storage.blobs import SHA256, BlobMissing, BlobStore
from storage.filetypes import IMAGE_TYPES, sniff

blueprint = Blueprint("web_avatars", __name__)
AREA = "avatars"
LIMIT = 1024 * 1024  # the request body limit holds it anyway


class AvatarRefused(ValueError):
    """Not an image we serve, or too large."""


def _blobs(settings: Settings) -> BlobStore:
    return BlobStore(settings.data_dir, AREA)


async def store_avatar(settings: Settings, stream: IO[bytes]) -> str:
    """The public URL of the stored image."""
    stream.seek(0)
    data = stream.read(LIMIT + 1)
    if len(data) > LIMIT or sniff(data[:16]) not in IMAGE_TYPES:
        raise AvatarRefused
    sha = await _blobs(settings).write_bytes(data)
    return f"{settings.base_url}/avatars/{sha}"


@blueprint.get("/avatars/<sha>")
async def serve_avatar(sha: str) -> Response:
    if not SHA256.match(sha):
        raise NotFound("Record not found")
    try:
        body = await _blobs(current_app.extensions["baraza"].settings).read(sha)
    except BlobMissing as exc:
        raise NotFound("Record not found") from exc
    kind = sniff(body[:16])
    if kind not in IMAGE_TYPES:
        raise NotFound("Record not found")
    response = Response(body, content_type=kind)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "public, max-age=86400, immutable"
    return response
