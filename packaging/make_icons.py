"""Render the application icon (resources/readinglist.svg) to PNG sizes, .ico and .icns.

Run at build time by build_installer.spec (Windows wants .ico, macOS .icns) and by
hand after editing the SVG, to refresh the PNGs committed under resources/appicon/
(the desktop-entry installer needs them at run time, without a build step):

    .venv/bin/python packaging/make_icons.py --pngs resources/appicon
    .venv/bin/python packaging/make_icons.py --out build/icons

Rendering uses Qt's own QSvgRenderer (QtSvg ships with PySide6-Essentials), so no
Inkscape/rsvg is needed on any build machine. The .ico and .icns containers are
written here by hand with PNG-compressed images inside: both formats allow that
(Windows Vista+, macOS 10.7+), and Qt's image plugins for them are not in Essentials.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "readinglist.svg"
PNG_SIZES = (16, 32, 48, 64, 128, 256)  # hicolor theme sizes we install on Linux
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# .icns element types holding PNG data, by pixel size
ICNS_TYPES = {
    16: b"icp4",
    32: b"icp5",
    64: b"icp6",
    128: b"ic07",
    256: b"ic08",
    512: b"ic09",
    1024: b"ic10",
}


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn on a transparent size x size canvas, as PNG bytes."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not an SVG Qt can render")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    # The stubs say bytes, but PySide6 6.x only accepts a str here at run time.
    if not image.save(buf, "PNG"):  # type: ignore[call-overload]
        raise SystemExit("Qt could not encode PNG")
    buf.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico whose images are PNG-compressed (one directory entry per size)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries = b""
    images = b""
    for size in sizes:
        data = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in the directory entry
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        images += data
        offset += len(data)
    return header + entries + images


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns holding PNG elements ('icp4' ... 'ic10')."""
    body = b""
    for size in sorted(pngs):
        kind = ICNS_TYPES[size]
        body += kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_pngs(folder: Path, svg: Path = SVG) -> list[Path]:
    """readinglist-<size>.png for each hicolor size (committed under resources/appicon)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for size in PNG_SIZES:
        target = folder / f"readinglist-{size}.png"
        target.write_bytes(render_png(svg, size))
        written.append(target)
    return written


def write_platform_icons(folder: Path, svg: Path = SVG) -> dict[str, Path]:
    """readinglist.ico and readinglist.icns in `folder`; returns them by suffix."""
    folder.mkdir(parents=True, exist_ok=True)
    ico = folder / "readinglist.ico"
    ico.write_bytes(ico_bytes({s: render_png(svg, s) for s in ICO_SIZES}))
    icns = folder / "readinglist.icns"
    icns.write_bytes(icns_bytes({s: render_png(svg, s) for s in ICNS_TYPES}))
    return {"ico": ico, "icns": icns}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--svg", type=Path, default=SVG)
    p.add_argument("--out", type=Path, help="write readinglist.ico and readinglist.icns here")
    p.add_argument("--pngs", type=Path, help="write readinglist-<size>.png here")
    args = p.parse_args(argv)
    if args.out is None and args.pngs is None:
        p.error("give --out and/or --pngs")
    if args.pngs is not None:
        for path in write_pngs(args.pngs, args.svg):
            print(path)
    if args.out is not None:
        for path in write_platform_icons(args.out, args.svg).values():
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
