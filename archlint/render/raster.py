"""PNG from our SVG: resvg (the `resvg-py` package) draws it with the Arimo font from
the `fontpkg-arimo` package, never a font of the machine, so the same SVG gives the
same PNG bytes everywhere. Arimo has Arial's metrics, which is what the layout engine
measured the labels with (`archlint.render.dot.FONT`)."""

from __future__ import annotations

import re

PNG_DPI = 96  # pixels per inch; Graphviz's points are 1/72 inch, so 1 pt = 4/3 px
# A PNG larger than this many pixels is drawn smaller to fit it (the SVG keeps every
# detail): rasterising and encoding grow with the pixels, about 2 s and 250 MB for 26
# million, and a 1000-component picture at full size would be 60 s and 2.7 GB.
MAX_PIXELS = 24_000_000
FONT_FAMILY = "Arimo"

_SIZE = re.compile(r'(<svg\b[^>]*?\bwidth=")([\d.]+)pt("[^>]*?\bheight=")([\d.]+)pt(")')


class RasterMissing(Exception):
    """resvg or the font package cannot be imported."""

    def __str__(self) -> str:
        return ("PNG pictures need the `resvg-py` and `fontpkg-arimo` packages, which install with archlint but "
                "cannot be imported. Reinstall archlint, or draw SVG with `-f svg`")


class RasterFailed(Exception):
    """resvg refused the SVG."""


def font_files() -> list[str]:
    try:
        import fontpkg_arimo
    except ImportError:
        raise RasterMissing() from None
    return sorted(str(path) for path in (fontpkg_arimo.ROOT / "files").glob("*.ttf"))


def pixels(svg: str) -> str:
    """The SVG with its width and height in pixels instead of points: resvg refuses
    `pt` sizes, and pixels at 96 per inch make text as large as on a screen (smaller
    when that would be more than MAX_PIXELS; the viewBox scales the drawing)."""
    def convert(match: re.Match[str]) -> str:
        width, height = float(match[2]) * PNG_DPI / 72, float(match[4]) * PNG_DPI / 72
        if width * height > MAX_PIXELS:
            scale = (MAX_PIXELS / (width * height)) ** 0.5
            width, height = width * scale, height * scale
        return f"{match[1]}{max(1, int(width))}px{match[3]}{max(1, int(height))}px{match[5]}"

    return _SIZE.sub(convert, svg, count=1)


def png(svg: str) -> bytes:
    """PNG bytes of a self-contained SVG (icons embedded, sizes in points or pixels)."""
    fonts = font_files()
    try:
        import resvg_py
    except ImportError:
        raise RasterMissing() from None
    try:
        return bytes(resvg_py.svg_to_bytes(
            svg_string=pixels(svg), skip_system_fonts=True, font_files=fonts, font_family=FONT_FAMILY,
            sans_serif_family=FONT_FAMILY, background="white",
        ))
    except ValueError as error:
        raise RasterFailed(f"resvg could not draw the picture: {error}") from None
