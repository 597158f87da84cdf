"""A space's document library: uploads checked, stored by content hash, versions kept.

What a file *is* is decided from its bytes, never from the name or the client's word: a PDF
renamed `.txt` is a PDF, and an executable renamed `.pdf` is refused. Only the types a legal
or advocacy team actually exchanges are accepted. In a public space a new document is posted
to the space with the file attached as a `Document`, so it federates through the space's
relay; in a private space nothing leaves the instance.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actors.existence import may_know
from baraza.ids import new_id
from baraza.settings import Settings
from federation.errors import NotFound, PayloadTooLarge, Refused, Unprocessable
from outbox.commit import action
from spaces.space_rules import REASONS, edit_refusal
from storage.blobs import BlobMissing, BlobStore
from storage.filetypes import LIBRARY_TYPES, TEXT_SUFFIXES, sniff
from storage.models import Actor, Block, Follow, LibraryDocument, LibraryVersion

# Re-exported: the co-editing door names a saved version by the same suffix rules.
__all__ = ["TEXT_SUFFIXES", "sniff"]

DEFAULT_MAX_BYTES = 40 * 1024 * 1024

ALLOWED_TYPES = LIBRARY_TYPES


def max_upload_bytes(env: dict[str, str] | None = None) -> int:
    """`BARAZA_LIBRARY_MAX_BYTES`, read when asked so an operator's change needs no new code."""
    raw = (os.environ if env is None else env).get("BARAZA_LIBRARY_MAX_BYTES", "")
    try:
        value = int(raw)
    except ValueError:
        return DEFAULT_MAX_BYTES
    return value if value > 0 else DEFAULT_MAX_BYTES


def blobs(settings: Settings) -> BlobStore:
    return BlobStore(settings.data_dir, "library")


async def store_blob(settings: Settings, data: bytes) -> str:
    return await blobs(settings).write_bytes(data)


async def read_blob(settings: Settings, sha256: str) -> bytes:
    try:
        return await blobs(settings).read(sha256)
    except BlobMissing as exc:
        raise NotFound("the file of this document is missing") from exc


async def may_read_space(space: Actor, viewer: Actor | None) -> bool:
    """Public spaces are readable by anyone; private ones only by those who may know they
    exist, their local members (`actors.existence`: one rule for knowing and reading)."""
    if space.suspended_at is not None:
        return False
    return await may_know(space, viewer)


async def require_contributor(space: Actor, member: Actor) -> None:
    """Only members add to a library; outsiders of a private space learn nothing (404)."""
    if not await may_read_space(space, member):
        raise NotFound("Record not found")
    if await Block.exists(actor=space, target=member):
        raise Refused("you are banned from this space")
    if not await Follow.exists(follower=member, target=space, accepted=True):
        raise Refused("only members of the space may add documents")
    refusal = edit_refusal(archived=space.archived_at is not None)
    if refusal is not None:
        raise Unprocessable(REASONS[refusal])


def download_url(settings: Settings, space: Actor, document_id: int) -> str:
    return settings.url(f"/api/v1/spaces/{space.id}/documents/{document_id}/download")


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str
    title: str = ""


def checked_type(upload: Upload, limit: int) -> str:
    """413 past the cap, 422 for a type off the allowlist; checked before anything is stored."""
    if len(upload.data) > limit:
        raise PayloadTooLarge(f"documents are limited to {limit} bytes")
    if not upload.data:
        raise Unprocessable("the file is empty")
    kind = sniff(upload.data, upload.filename)
    if kind is None or kind not in ALLOWED_TYPES:
        raise Unprocessable(
            "this file type is not accepted: pdf, odt, docx, xlsx, ods, png, jpeg, txt, md, csv"
        )
    return kind


def _clean_filename(name: str) -> str:
    base = Path(name.replace("\\", "/")).name.strip()
    return (base or "document")[:255]


async def add_document(
    settings: Settings,
    member: Actor,
    space: Actor,
    upload: Upload,
    *,
    document_id: int | None = None,
) -> tuple[LibraryDocument, LibraryVersion]:
    """A new document, or a new version of `document_id`; earlier versions stay downloadable."""
    await require_contributor(space, member)
    existing = None
    if document_id is not None:
        existing = await LibraryDocument.get_or_none(id=document_id, space=space, deleted_at=None)
        if existing is None:
            raise NotFound("Record not found")
    kind = checked_type(upload, max_upload_bytes())
    filename = _clean_filename(upload.filename)
    sha256 = await store_blob(settings, upload.data)
    # The rows and the public space's post or Update commit together (a blob without rows is
    # harmless: it is content-addressed and reused by the next upload of the same bytes).
    async with action():
        if existing is None:
            doc_id = new_id()
            document = await LibraryDocument.create(
                id=doc_id,
                uri=download_url(settings, space, doc_id).removesuffix("/download"),
                space=space,
                title=(upload.title.strip() or filename)[:255],
                created_by=member,
            )
            number = 1
        else:
            document = await LibraryDocument.select_for_update().get(id=existing.id)
            number = document.current_version + 1
            document.current_version = number
            await document.save(update_fields=["current_version"])
        version = await LibraryVersion.create(
            document=document,
            version=number,
            sha256=sha256,
            size=len(upload.data),
            content_type=kind,
            filename=filename,
            uploader=member,
        )
        if existing is None and not space.private:
            await _announce_document(settings, member, space, document, version)
        elif not space.private:
            await _announce_new_version(settings, space, document, version)
    return document, version


def document_object(
    settings: Settings, space: Actor, document: LibraryDocument, version: LibraryVersion
) -> dict[str, Any]:
    """The library document as ActivityStreams sees it: a `Document` of its space."""
    from actors.documents import iso

    return {
        "id": document.uri,
        "type": "Document",
        "attributedTo": space.uri,
        "audience": space.uri,
        "name": document.title,
        "url": download_url(settings, space, document.id),
        "mediaType": version.content_type,
        "published": iso(document.created_at),
        "updated": iso(version.created_at),
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [f"{space.uri}/followers"],
    }


async def _announce_new_version(
    settings: Settings, space: Actor, document: LibraryDocument, version: LibraryVersion
) -> None:
    """A new version in a public space federates as an `Update` of its `Document`."""
    from actors.urls import activity_url
    from baraza.ids import new_id
    from outbox.audience import remote_followers
    from outbox.documents import wrap_activity
    from outbox.publish import publish

    activity_id = new_id()
    obj = document_object(settings, space, document, version)
    doc = wrap_activity(
        activity_url(settings, activity_id), "Update", space, obj, to=obj["to"], cc=obj["cc"]
    )
    await publish(settings, space, doc, await remote_followers(space), activity_id=activity_id)


async def _announce_document(
    settings: Settings,
    member: Actor,
    space: Actor,
    document: LibraryDocument,
    version: LibraryVersion,
) -> None:
    """The uploader's post in the public space, carrying the file as a `Document`."""
    from html import escape

    from outbox.actions import create_post

    attachment = {
        "type": "Document",
        "url": download_url(settings, space, document.id),
        "mediaType": version.content_type,
        "name": version.filename,
    }
    post = await create_post(
        settings,
        member,
        f"<p>{escape(document.title)}</p>",
        visibility="public",
        space=space,
        attachments=[attachment],
    )
    document.post = post
    await document.save(update_fields=["post_id"])


async def find_version(document: LibraryDocument, number: int | None) -> LibraryVersion:
    version = await LibraryVersion.get_or_none(
        document=document, version=number if number is not None else document.current_version
    )
    if version is None:
        raise NotFound("no such version")
    return version
