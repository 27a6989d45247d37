"""PDF pages as images, rendered in memory with PDFium (``pypdfium2`` wheels: no system poppler).

QtPdf is not part of PySide6-Essentials. Nothing personal touches the disk: the PDF
comes in as bytes and the pages go out as ``QImage`` (safe to build off the GUI thread).
"""

from __future__ import annotations

import threading

import pypdfium2
from PySide6.QtGui import QImage

# PDFium is not thread-safe: one rendering at a time, whichever worker asks.
_PDFIUM_LOCK = threading.Lock()


def page_images(pdf: bytes, dpi: int, first: int = 0, max_pages: int = 1) -> tuple[list[QImage], int]:
    """Images of up to ``max_pages`` pages from page index ``first``, and the document's page count."""
    images = []
    with _PDFIUM_LOCK:
        document = pypdfium2.PdfDocument(pdf)
        try:
            count = len(document)
            for n in range(first, min(count, first + max_pages)):
                bitmap = document[n].render(scale=dpi / 72, rev_byteorder=True, prefer_bgrx=True)
                image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                               QImage.Format.Format_RGBX8888)
                images.append(image.copy())   # own the pixels: the buffer goes with the bitmap
        finally:
            document.close()
    return images, count
