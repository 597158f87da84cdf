"""A library document's history: its versions with their co-authors, the difference between
two versions, and restoring an old version as a new one.

Every version stays as it was uploaded or saved; restoring never rewrites history, it adds a
version with the old bytes, credited to whoever restored it. Who may restore is who may edit
(`spaces.coediting.may_edit`): a member of the space in good standing. The live co-editing
text follows the restore as an edit of its own (`coediting.replace_text`), so editors in the
room see it at once and the next live save does not bring back the text it replaced.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from baraza.settings import Settings
from federation.errors import NotFound, Unprocessable
from outbox.commit import action
from spaces import coediting
from spaces.library import Upload, add_document, find_version, read_blob
from storage.models import Actor, LibraryDocument, LibraryVersion

MAX_DIFF_LINES = 5000


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff: `op` is " " (in both), "-" (only in the older), "+" (only in the
    newer) or "@" (a hunk header saying where the next lines are)."""

    op: str
    text: str


def is_text(version: LibraryVersion) -> bool:
    return version.content_type.startswith("text/")


def text_of(body: bytes) -> str:
    return body.decode("utf-8", "replace")


def line_diff(old: str, new: str, context: int = 3) -> list[DiffLine]:
    """Pure: a unified diff of two texts, line by line, as readers read one (difflib)."""
    lines: list[DiffLine] = []
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=context)
    for raw in diff:
        if raw.startswith(("---", "+++")):
            continue
        op = "@" if raw.startswith("@@") else raw[:1]
        lines.append(DiffLine(op, raw if op == "@" else raw[1:]))
        if len(lines) >= MAX_DIFF_LINES:
            break
    return lines


def unified(old: str, new: str, old_label: str, new_label: str) -> str:
    """The same diff as patch text, for those who read or apply patches."""
    return "\n".join(
        difflib.unified_diff(old.splitlines(), new.splitlines(), old_label, new_label, lineterm="")
    )


async def coauthors_by_version(versions: list[LibraryVersion]) -> dict[int, list[Actor]]:
    """Each version's co-authors as accounts, in one query for the whole list (the stored
    value is their URIs; an account gone since is left out)."""
    uris = {uri for v in versions for uri in (v.coauthors or []) if isinstance(uri, str)}
    known = {a.uri: a for a in await Actor.filter(uri__in=list(uris))} if uris else {}
    return {v.id: [known[uri] for uri in (v.coauthors or []) if uri in known] for v in versions}


async def version_texts(
    settings: Settings, document: LibraryDocument, older: int, newer: int
) -> tuple[str, str]:
    """Two versions' texts; 404 for a version that does not exist, 422 for a file that is
    not text (a diff of bytes reads as nothing)."""
    texts = []
    for number in (older, newer):
        version = await find_version(document, number)
        if not is_text(version):
            raise Unprocessable(f"version {number} is not a text document")
        texts.append(text_of(await read_blob(settings, version.sha256)))
    return texts[0], texts[1]


async def restore_version(
    settings: Settings, member: Actor, space: Actor, document: LibraryDocument, number: int
) -> LibraryVersion:
    """A new version holding version `number`'s bytes, credited to `member`; the live text
    becomes it too. 404 to whoever may not edit (as for an outsider: nothing is revealed)."""
    if not await coediting.may_edit(space, member):
        raise NotFound("Record not found")
    old = await find_version(document, number)
    body = await read_blob(settings, old.sha256)
    upload = Upload(data=body, filename=old.filename)
    async with action():
        _doc, version = await add_document(settings, member, space, upload, document_id=document.id)
        version.coauthors = [member.uri]
        await version.save(update_fields=["coauthors"])
    if is_text(old):
        await coediting.replace_text(document.id, text_of(body))
    return version


async def current_document(space: Actor, document_id: int) -> LibraryDocument:
    document = await LibraryDocument.get_or_none(id=document_id, space=space, deleted_at=None)
    if document is None:
        raise NotFound("Record not found")
    return document
