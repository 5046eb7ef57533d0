"""SVG writer: the page preview drawn from the same Layout as the PDF.

Each page becomes one <svg> in millimetres (viewBox 0 0 210 297), every text
run a <text> with one x per character — the layout's own positions — in the
face the PDF embeds (served to the browser as a web font under the face's
key).  So the preview has exactly the PDF's lines, breaks and pages; only the
rasteriser differs.  The writer decides no geometry: a landscape page's
turned frame is the same matrix the PDF writer applies (spec.landscape_to_page).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape, quoteattr

from .. import spec
from ..layout.boxes import Image, Layout, Page, Rule, TextRun, VRule


@dataclass(frozen=True)
class SvgPage:
    number: int          # physical page, 1-based
    svg: str
    kind: str            # body | attachment | blank | imprint | external


def _num(v: float) -> str:
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return s if s not in ("-0", "") else "0"


def _rgb(color: tuple[float, float, float]) -> str:
    r, g, b = (max(0, min(255, round(c * 255))) for c in color)
    return f"#{r:02x}{g:02x}{b:02x}"


_RUNS: dict[TextRun, str] = {}
RUN_CACHE_SIZE = 4000        # a 6-page notice draws ~120 runs


def _text(run: TextRun) -> str:
    """A run's SVG, remembered: between two previews of a notice being edited
    most runs are the same (a TextRun is immutable, its SVG a function of it)."""
    svg = _RUNS.get(run)
    if svg is None:
        if len(_RUNS) >= RUN_CACHE_SIZE:
            _RUNS.clear()
        svg = _RUNS[run] = _text_svg(run)
    return svg


def _text_svg(run: TextRun) -> str:
    """One <text> per run; a character outside the BMP gets its own element,
    since browsers count SVG's per-character x in UTF-16 units."""
    size = _num(run.size * spec.PT)
    attrs = f'font-family="{run.face}" font-size="{size}"'
    if run.color != spec.BLACK_RGB:
        attrs += f' fill="{_rgb(run.color)}"'
    h = run.hscale or 1.0
    pieces: list[tuple[str, tuple[float, ...]]] = []
    chars, xs = "", list[float]()
    for ch, x in zip(run.text, run.xs):
        if ord(ch) > 0xFFFF:
            if chars:
                pieces.append((chars, tuple(xs)))
                chars, xs = "", []
            pieces.append((ch, (x,)))
        else:
            chars += ch
            xs.append(x)
    if chars:
        pieces.append((chars, tuple(xs)))
    out = []
    for text, xs_ in pieces:
        at = " ".join(_num(v / h) for v in xs_)
        scale = f' transform="scale({_num(h)} 1)"' if abs(h - 1.0) > 1e-6 else ""
        out.append(f'<text x="{at}" y="{_num(run.baseline)}" {attrs}{scale} '
                   f'data-element={quoteattr(run.element)}>{escape(text)}</text>')
    return "".join(out)


def _item(item, image_href: Callable[[Path], str]) -> str:
    if isinstance(item, TextRun):
        return _text(item)
    if isinstance(item, Rule):
        return (f'<line x1="{_num(item.x0)}" y1="{_num(item.y)}" x2="{_num(item.x1)}" y2="{_num(item.y)}" '
                f'stroke="{_rgb(item.color)}" stroke-width="{_num(item.thickness)}" '
                f'data-element={quoteattr(item.element)}/>')
    if isinstance(item, VRule):
        return (f'<line x1="{_num(item.x)}" y1="{_num(item.y0)}" x2="{_num(item.x)}" y2="{_num(item.y1)}" '
                f'stroke="{_rgb(item.color)}" stroke-width="{_num(item.thickness)}" stroke-linecap="square" '
                f'data-element={quoteattr(item.element)}/>')
    if isinstance(item, Image):
        return (f'<image href={quoteattr(image_href(item.path))} x="{_num(item.x)}" y="{_num(item.y)}" '
                f'width="{_num(item.width)}" height="{_num(item.height)}" preserveAspectRatio="xMidYMid meet" '
                f'data-element={quoteattr(item.element)}/>')
    return ""


def page_svg(page: Page, image_href: Callable[[Path], str],
             external_href: Callable[[Path, int], str]) -> str:
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(spec.PAGE_WIDTH)} '
             f'{_num(spec.PAGE_HEIGHT)}" class="gw-page-svg" role="img">'
             f'<rect width="100%" height="100%" fill="#fff"/>']
    if page.kind == "external" and page.external is not None:
        # An 附件 given as a PDF: its page as an image, scaled into the sheet as
        # the PDF underlays it, beneath our page number.
        path, index = page.external
        parts.append(f'<image href={quoteattr(external_href(path, index))} x="0" y="0" '
                     f'width="{_num(spec.PAGE_WIDTH)}" height="{_num(spec.PAGE_HEIGHT)}" '
                     f'preserveAspectRatio="xMidYMid meet" data-element="附件"/>')
    parts.extend(_item(i, image_href) for i in page.items)
    if page.rotated_items:
        # (u, v) → (x, y) = (v, TYPE_TOP + TYPE_BOTTOM − u): the PDF writer's matrix, in SVG's axes.
        f = spec.TYPE_TOP + spec.TYPE_BOTTOM
        parts.append(f'<g transform="matrix(0 -1 1 0 0 {_num(f)})">')
        parts.extend(_item(i, image_href) for i in page.rotated_items)
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def render_svg(lay: Layout, image_href: Callable[[Path], str] = lambda p: p.as_uri(),
               external_href: Callable[[Path, int], str] = lambda p, i: "") -> list[SvgPage]:
    """Every page of the layout as SVG.  `image_href`/`external_href` say how a
    seal image or an appended PDF page is addressed (the server gives URLs)."""
    return [SvgPage(p.number, page_svg(p, image_href, external_href), p.kind) for p in lay.pages]


def faces_used(lay: Layout) -> list[str]:
    return sorted({r.face for p in lay.pages for r in (*p.items, *p.rotated_items) if isinstance(r, TextRun)})
