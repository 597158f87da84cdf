"""What a file really is, read from its bytes: the one content sniffer for media and library.

The client's declared Content-Type and file name are never trusted: a script renamed `.png`
or an HTML page labelled `image/jpeg` would otherwise be served back to browsers as whatever
the uploader claimed. `sniff` recognises every format Baraza accepts anywhere; each door then
keeps only the kinds it allows (`MEDIA_TYPES`, `LIBRARY_TYPES`).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TXT = "text/plain"
MARKDOWN = "text/markdown"
CSV = "text/csv"

IMAGE_TYPES = frozenset({PNG, JPEG, GIF, WEBP})
MEDIA_TYPES = frozenset({*IMAGE_TYPES, PDF})
LIBRARY_TYPES = frozenset({PDF, PNG, JPEG, ODT, ODS, DOCX, XLSX, TXT, MARKDOWN, CSV})

# Text formats cannot be told apart by content: for valid UTF-8 the extension decides.
TEXT_SUFFIXES = {
    "": TXT,
    ".txt": TXT,
    ".text": TXT,
    ".md": MARKDOWN,
    ".markdown": MARKDOWN,
    ".csv": CSV,
}

# The main part of an OOXML package names what the package is.
_OOXML_MAIN_PARTS = {
    b"wordprocessingml.document.main+xml": DOCX,
    b"spreadsheetml.sheet.main+xml": XLSX,
}


def _sniff_zip(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "mimetype" in names:
            declared = archive.read("mimetype").strip().decode("ascii", "replace")
            return declared if declared in (ODT, ODS) else None
        if "[Content_Types].xml" in names:
            types = archive.read("[Content_Types].xml")
            for marker, kind in _OOXML_MAIN_PARTS.items():
                if marker in types:
                    return kind
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def sniff(data: bytes, filename: str = "") -> str | None:
    """The content type the bytes prove, or None when they are no format Baraza accepts.

    Pure and table-tested. Images and PDF need only the first bytes; office packages (zip)
    and text need the whole file. Text with another extension (.html, .svg, .js) is markup or
    code, never a document.
    """
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if data and _is_text(data):
        return TEXT_SUFFIXES.get(Path(filename).suffix.lower())
    return None
