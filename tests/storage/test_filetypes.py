"""The one sniffer: what a file is, whatever its name or declared type says (media cases)."""

from __future__ import annotations

import pytest

from storage.filetypes import GIF, IMAGE_TYPES, JPEG, MEDIA_TYPES, PDF, PNG, WEBP, sniff

CASES: list[tuple[bytes, str | None, str]] = [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", PNG, "PNG signature"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG, "JPEG/JFIF"),
    (b"\xff\xd8\xff\xe1\x00\x10Exif", JPEG, "JPEG/Exif"),
    (b"GIF89a\x01\x00", GIF, "GIF89a"),
    (b"GIF87a\x01\x00", GIF, "GIF87a"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", WEBP, "WebP in a RIFF container"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", None, "a RIFF that is not WebP (WAV)"),
    (b"%PDF-1.7\n%", PDF, "PDF header"),
    (b"hello, I am text", None, "plain text renamed .png"),
    (b"<html><script>", None, "HTML pretending to be an image"),
    (b"\x89PNG", None, "truncated PNG signature"),
    (b"", None, "empty file"),
    (b"PK\x03\x04", None, "zip / office document: not accepted"),
    (b"<svg xmlns=", None, "SVG: scriptable, never accepted"),
]


@pytest.mark.parametrize(("head", "expected", "why"), CASES, ids=[c[2] for c in CASES])
def test_sniff_media(head: bytes, expected: str | None, why: str) -> None:
    kind = sniff(head)
    assert (kind if kind in MEDIA_TYPES else None) == expected, why


def test_only_images_are_images() -> None:
    assert [k in IMAGE_TYPES for k in (PNG, JPEG, GIF, WEBP, PDF)] == [True] * 4 + [False]


def test_library_and_media_share_one_sniffer() -> None:
    """A PDF is a PDF to both doors; a text file is a library document but never media."""
    from spaces import library

    assert library.sniff is sniff
    assert sniff(b"%PDF-1.7\n", "a.pdf") in MEDIA_TYPES
    assert sniff(b"notes\n", "notes.md") == "text/markdown"
    assert sniff(b"notes\n", "notes.md") not in MEDIA_TYPES
