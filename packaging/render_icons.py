"""Render resources/icons/megacase.svg into the raster icons the installers need.

PNG at 16..512 px (Linux desktop entry, window icon, macOS iconset), megacase.ico
(Windows: exe and Inno Setup) and megacase.icns (macOS bundle). Run from the
checkout after editing the SVG:

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/render_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402
from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    return Image.frombytes("RGBA", (size, size), bytes(rgba.constBits()))


def main() -> int:
    QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / "megacase.svg"))
    if not renderer.isValid():
        print("megacase.svg is not a valid SVG", file=sys.stderr)
        return 1
    images = {size: render(renderer, size) for size in sorted(set(PNG_SIZES + ICO_SIZES + ICNS_SIZES))}
    for size in PNG_SIZES:
        images[size].save(ICONS / f"megacase-{size}.png", optimize=True)
    # Each ICO/ICNS size is its own rendering, not a downscale of the largest one.
    largest_ico = images[max(ICO_SIZES)]
    largest_ico.save(ICONS / "megacase.ico", sizes=[(s, s) for s in ICO_SIZES],
                     append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)])
    images[max(ICNS_SIZES)].save(ICONS / "megacase.icns",
                                 append_images=[images[s] for s in ICNS_SIZES if s != max(ICNS_SIZES)])
    print(f"rendered {len(PNG_SIZES)} PNGs, megacase.ico and megacase.icns into {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
