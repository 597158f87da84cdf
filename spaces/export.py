"""A text version of a library document as PDF or DOCX, for sharing outside the network.

Both are written by well-kept libraries, never by hand: python-docx for DOCX (a right-to-left
paragraph gets Word's own `bidi` and `rtl` marks), fpdf2 for PDF with its HarfBuzz text
shaping (uharfbuzz), so Arabic letters join and right-to-left lines run the right way.
A PDF needs a Unicode font with Arabic glyphs: `BARAZA_PDF_FONT` (a .ttf path) or the first
of the usual system fonts found (`fonts-dejavu-core` on Debian); without one, PDF export
answers 503 and DOCX still works. Rendering is CPU work, so the door runs it in a thread.
"""

from __future__ import annotations

import io
import os
import unicodedata
from pathlib import Path

from federation.errors import ServiceUnavailable

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
)


def right_to_left(paragraph: str) -> bool:
    """Pure: the paragraph's first strong character decides its direction (Unicode's rule
    P2-P3 of the bidi algorithm)."""
    for char in paragraph:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def pdf_font(env: dict[str, str] | None = None) -> Path | None:
    configured = (os.environ if env is None else env).get("BARAZA_PDF_FONT", "")
    for candidate in (configured, *FONT_CANDIDATES) if configured else FONT_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def to_docx(title: str, text: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement

    document = Document()
    document.core_properties.title = title
    heading = document.add_heading(title, level=1)
    for paragraph in [heading, *(document.add_paragraph(p) for p in text.split("\n"))]:
        if not right_to_left(paragraph.text):
            continue
        paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
        for run in paragraph.runs:
            run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_pdf(title: str, text: str, font: Path | None = None) -> bytes:
    from fpdf import FPDF

    font = font or pdf_font()
    if font is None:
        raise ServiceUnavailable("PDF export needs a Unicode font: set BARAZA_PDF_FONT")
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.add_font("body", fname=str(font))
    pdf.set_text_shaping(True)
    pdf.set_font("body", size=16)
    pdf.multi_cell(0, 9, title, align="R" if right_to_left(title) else "L", new_x="LMARGIN")
    pdf.ln(3)
    pdf.set_font("body", size=11)
    for paragraph in text.split("\n"):
        align = "R" if right_to_left(paragraph) else "L"
        pdf.multi_cell(0, 6, paragraph or " ", align=align, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def render(kind: str, title: str, text: str) -> bytes:
    """`kind` is a key of FORMATS (checked by the caller)."""
    return to_pdf(title, text) if kind == "pdf" else to_docx(title, text)
