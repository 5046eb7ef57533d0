"""PDF writer: draws a Layout with ReportLab.  It converts millimetres from the
top-left corner into PDF points and decides no geometry of its own."""
from __future__ import annotations

import io
from pathlib import Path

from .. import spec
from ..layout.boxes import Image, Layout, Rule, TextRun, VRule
from ..layout.header import copy_number_runs
from ..model import Document

MM = 1 / spec.PT   # points per mm


def _canvas(lay: Layout, doc: Document, fonts, extra_runs=()):
    """A ReportLab canvas with the layout's faces registered; returns (canvas,
    buffer, faces by key).  The document information is pdfa.py's (from
    metadata.py, with the XMP packet), set when it finishes the file."""
    from reportlab import rl_config  # lazy: ReportLab (~35 ms) only where a PDF is drawn or a face parsed
    from reportlab.pdfgen.canvas import Canvas

    rl_config.invariant = 1          # no clock time inside the file: same data, same bytes
    used = {r.face for p in lay.pages for r in (*p.items, *p.rotated_items) if isinstance(r, TextRun)}
    used |= {r.face for r in extra_runs}
    faces = {key: fonts.by_key(key) for key in used}
    for face in faces.values():
        face.register()
    # The canvas's opening font must be one of ours, or ReportLab names Helvetica
    # (an unembedded font) in every page.
    initial = next(iter(sorted(used)), None)
    buf = io.BytesIO()
    kw = {"initialFontName": initial, "initialFontSize": spec.BODY_SIZE} if initial else {}
    c = Canvas(buf, pagesize=(spec.PAGE_WIDTH * MM, spec.PAGE_HEIGHT * MM), pageCompression=1,
               invariant=1, **kw)
    return c, buf, faces


def _draw_page(c, page, faces, keep=lambda item: True) -> None:
    for item in page.items:
        if keep(item):
            _draw(c, item, faces, spec.PAGE_HEIGHT)
    if page.rotated_items:
        # The turned frame of a landscape page (spec.landscape_to_page):
        # (u, v) → (x, y) = (v, TYPE_TOP + TYPE_BOTTOM − u), as a matrix on a
        # virtual landscape page PAGE_WIDTH high.
        c.saveState()
        c.transform(0, 1, -1, 0, spec.PAGE_WIDTH * MM,
                    (spec.PAGE_HEIGHT - spec.TYPE_TOP - spec.TYPE_BOTTOM) * MM)
        for item in page.rotated_items:
            _draw(c, item, faces, spec.PAGE_WIDTH)
        c.restoreState()


def render_pdf(lay: Layout, doc: Document, fonts) -> bytes:
    """The PDF as bytes (the caller decides where and how it is stored)."""
    c, buf, faces = _canvas(lay, doc, fonts)
    for page in lay.pages:
        _draw_page(c, page, faces)
        c.showPage()
    c.save()
    return buf.getvalue()


def _draw(c, item, faces, page_h: float) -> None:
    if isinstance(item, TextRun):
        _text(c, item, faces[item.face], page_h)
    elif isinstance(item, Rule):
        _rule(c, item, page_h)
    elif isinstance(item, VRule):
        _vrule(c, item, page_h)
    elif isinstance(item, Image):
        _image(c, item, page_h)


def _y(mm: float, page_h: float = spec.PAGE_HEIGHT) -> float:
    return (page_h - mm) * MM


def _text(c, run: TextRun, face, page_h: float = spec.PAGE_HEIGHT) -> None:
    """Draw a run as few text segments as possible: consecutive characters
    with the same extra spacing share one Tc (character spacing) setting."""
    t = c.beginText()
    t.setFont(run.face, run.size)
    t.setFillColorRGB(*run.color)
    t.setHorizScale(run.hscale * 100)     # text state outlives BT/ET: always set it
    adv = [face.advance(ch) * run.size * run.hscale for ch in run.text]
    xs = [x * MM for x in run.xs]
    n = len(run.text)

    def delta(k: int) -> float:      # extra space after character k
        return xs[k + 1] - xs[k] - adv[k]

    i = 0
    while i < n:
        end, gap = n, 0.0
        if i + 1 < n:
            gap = delta(i)
            k = i + 1
            while k + 1 < n and abs(delta(k) - gap) < 1e-3:
                k += 1
            end = k + 1
        t.setCharSpace(gap / run.hscale)      # PDF scales Tc by the horizontal scale
        # ReportLab switches subset fonts inside a segment; some readers (pdfminer)
        # drop the Tc after the last glyph of each string, so every subset chunk
        # gets its own origin and no reader can misplace a glyph.
        j = i
        for _, raw in face.rl_font.splitString(run.text[i:end], c._doc):
            t.setTextOrigin(xs[j], _y(run.baseline, page_h))
            # = t.textOut(…) without its string-width pass: that only moves the
            # text cursor, and every chunk sets its own origin.
            t._code.append(t._formatText(run.text[j:j + len(raw)]))
            j += len(raw)
        i = end
    c.drawText(t)


def _rule(c, r: Rule, page_h: float = spec.PAGE_HEIGHT) -> None:
    c.setStrokeColorRGB(*r.color)
    c.setLineWidth(r.thickness * MM)
    c.setLineCap(0)
    c.line(r.x0 * MM, _y(r.y, page_h), r.x1 * MM, _y(r.y, page_h))


def _vrule(c, r: VRule, page_h: float = spec.PAGE_HEIGHT) -> None:
    c.setStrokeColorRGB(*r.color)
    c.setLineWidth(r.thickness * MM)
    c.setLineCap(2)          # projecting caps close the corners where borders meet
    c.line(r.x * MM, _y(r.y0, page_h), r.x * MM, _y(r.y1, page_h))


def _image(c, im: Image, page_h: float = spec.PAGE_HEIGHT) -> None:
    source, mask = _hard_masked(im.path)
    c.drawImage(source, im.x * MM, _y(im.y + im.height, page_h), im.width * MM, im.height * MM,
                mask=mask, preserveAspectRatio=True, anchor="c")


def _hard_masked(path: Path):
    """A seal PNG's transparency as a colour-key mask: PDF/A-1 forbids soft
    masks (alpha channels), not hard ones.  Pixels less than half opaque become
    a key colour the opaque pixels do not use, and that colour is masked out.
    Images without transparency are drawn as they are."""
    from PIL import Image as PILImage, ImageChops  # lazy: Pillow only for a seal or 签名章 image
    from reportlab.lib.utils import ImageReader

    with PILImage.open(path) as opened:
        opened.load()
        img: PILImage.Image = opened
        if img.mode == "P" and "transparency" in img.info:
            img = img.convert("RGBA")
        if img.mode not in ("RGBA", "LA", "PA"):
            return str(path), None
        rgba = img.convert("RGBA")
    opaque = rgba.getchannel("A").point(lambda a: 255 if a >= 128 else 0)
    rgb = rgba.convert("RGB")
    for key in ((255, 255, 255), (0, 255, 0), (0, 0, 255), (255, 0, 255), (1, 254, 3), (2, 253, 5)):
        r, g, b = ImageChops.difference(rgb, PILImage.new("RGB", rgb.size, key)).split()
        same = ImageChops.lighter(ImageChops.lighter(r, g), b).point(lambda v: 255 if v == 0 else 0)
        if ImageChops.multiply(same, opaque).getbbox() is None:    # no opaque pixel has this colour
            break
    flat = PILImage.composite(rgb, PILImage.new("RGB", rgb.size, key), opaque)
    return ImageReader(flat), [key[0], key[0], key[1], key[1], key[2], key[2]]


def render_pdf_copies(lay: Layout, doc: Document, fonts, numbers, number_ops=None) -> bytes:
    """逐份编号: the layout's pages for the first copy number in `numbers`, every
    page drawn as a form XObject (placed by a page that draws nothing else but,
    on the first page, the 份号).  `number_ops(number, ops)` is then given the
    drawing operators of every number's 份号 (`ops`, bytes), encoded in this
    file's fonts, before the fonts are written, so each one's characters are
    in the subsets: a print file of any count repeats these pages with only
    those operators changed (mergedcopies.py), and never holds more than one
    copy's.  `lay` must carry a 份号 (its runs are replaced per copy)."""

    def is_number(item) -> bool:
        return isinstance(item, TextRun) and item.element == "份号"

    first = copy_number_runs(numbers[0], fonts)
    c, buf, faces = _canvas(lay, doc, fonts, first)
    for i, page in enumerate(lay.pages):
        c.beginForm(f"gwpage{i + 1}")
        _draw_page(c, page, faces, keep=lambda item: not is_number(item))
        c.endForm()
    for i, page in enumerate(lay.pages):
        c.doForm(f"gwpage{i + 1}")
        if i == 0:
            for run in first:
                _draw(c, run, faces, spec.PAGE_HEIGHT)
        c.showPage()
    if number_ops is not None:
        for n in numbers:
            drawn = c._code                       # the page's operators: a fresh list per number, kept apart
            c._code = []
            try:
                for run in copy_number_runs(n, fonts):
                    _draw(c, run, faces, spec.PAGE_HEIGHT)
                ops = "\n".join(c._code).encode("latin-1")
            finally:
                c._code = drawn
            number_ops(n, ops)
    c.save()
    return buf.getvalue()
