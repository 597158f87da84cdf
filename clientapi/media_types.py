"""What an uploaded file really is, read from its first bytes.

The client's declared Content-Type and file name are never trusted: a script renamed `.png`
or an HTML page labelled `image/jpeg` would otherwise be served back to browsers as whatever
the uploader claimed. Only the formats listed here are accepted; anything else is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

SNIFF_BYTES = 16


@dataclass(frozen=True)
class MediaKind:
    content_type: str
    is_image: bool


PNG = MediaKind("image/png", True)
JPEG = MediaKind("image/jpeg", True)
GIF = MediaKind("image/gif", True)
WEBP = MediaKind("image/webp", True)
PDF = MediaKind("application/pdf", False)

SUPPORTED = (PNG, JPEG, GIF, WEBP, PDF)


def sniff(head: bytes) -> MediaKind | None:
    """The kind of file whose first bytes are `head`, or None when it is not one we accept."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def by_content_type(content_type: str) -> MediaKind | None:
    """The kind stored for an attachment (itself the result of an earlier `sniff`)."""
    return next((k for k in SUPPORTED if k.content_type == content_type), None)
