"""How to read an input (:class:`Limits`), shared by the readers of the extract stage."""
from __future__ import annotations

from dataclasses import dataclass


MAX_INPUT_MB = 200


@dataclass(frozen=True, slots=True)
class Limits:
    """How to read an input: its PDF password, how many bytes a file (or a DOCX's parts, once
    inflated) may take, and which engine reads PDF pages."""

    password: str | None = None
    max_bytes: int = MAX_INPUT_MB << 20
    pdf_engine: str = "auto"  # "auto": pages through pypdfium2 (pdfplumber for garbled ones); "plumber": all pages
    page_workers: int = 1  # processes sharing one long PDF's pages
    ocr: str = "auto"  # "auto": OCR for pages without a text layer or with a garbled one; "always"; "never"
    ocr_lang: str | None = None  # Tesseract's languages ("rus+kaz"); None: by each page's script (pipeline.extract.ocr)

    @property
    def max_mb(self) -> int:
        return self.max_bytes >> 20
