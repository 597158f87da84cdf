"""Magic-byte sniffing: what a file is, whatever its name or declared type says."""

from __future__ import annotations

import pytest

from clientapi.media_types import GIF, JPEG, PDF, PNG, WEBP, MediaKind, sniff

CASES: list[tuple[bytes, MediaKind | None, str]] = [
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
def test_sniff(head: bytes, expected: MediaKind | None, why: str) -> None:
    assert sniff(head) == expected, why


def test_only_images_are_images() -> None:
    assert [k.is_image for k in (PNG, JPEG, GIF, WEBP, PDF)] == [True, True, True, True, False]
