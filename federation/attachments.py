"""What an inbound attachment is: media of one kind, a file, or a link — decided from what the
sender said, not from where it happens to sit.

Peers disagree on where they put things: the media type on the attachment or on a `Link`
inside its `url`, the AS type alone (`Image` with no `mediaType`), a payment link
(FEP-0ea0 `payto:`) or a web page as an attachment. Apps show a Mastodon media attachment with
`url: null` as a broken image, so anything that is not media becomes a link the reader can
follow, and anything with no usable target is dropped.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import urlsplit

MEDIA = ("image", "video", "audio")
# AS2 types that name their media kind even without a `mediaType`.
KIND_OF_TYPE = {"Image": "image", "Video": "video", "Audio": "audio"}
# Schemes a link attachment may point to: the web, and payment targets (FEP-0ea0).
LINK_SCHEMES = ("http", "https", "payto")


def attachment_kind(as_type: str | None, media_type: str | None, target: str | None) -> str | None:
    """`image`, `video` or `audio` (media), `unknown` (a file to download, as Mastodon calls
    it), `link`, or None when there is nothing to show.

    The declared media type wins, then the AS type (a `Link` is a link), then the file name
    in the URL; a target that is none of these is a link. Only http(s) targets can be media or
    files; a `data:` URL or any other scheme is not shown.
    """
    if not target or not is_link_target(target):
        return None
    web = urlsplit(target).scheme.lower() in ("http", "https")
    major = (media_type or "").split("/", 1)[0].strip().lower()
    if not web:
        return "link"
    if major in MEDIA:
        return major
    if as_type == "Link":
        return "link"
    if media_type:
        return "unknown"
    if as_type in KIND_OF_TYPE:
        return KIND_OF_TYPE[as_type]
    guessed, _ = mimetypes.guess_type(urlsplit(target).path)
    guessed_major = (guessed or "").split("/", 1)[0]
    return guessed_major if guessed_major in MEDIA else "link"


def is_link_target(value: object) -> bool:
    """An absolute URI of an allowed scheme, without spaces or control characters."""
    if not isinstance(value, str) or len(value) > 2048:
        return False
    if any(c.isspace() or ord(c) < 32 for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if parts.scheme.lower() not in LINK_SCHEMES:
        return False
    return bool(parts.netloc) if parts.scheme.lower() in ("http", "https") else bool(parts.path)
