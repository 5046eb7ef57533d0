"""PDF writer: draws a Layout with ReportLab.  It converts millimetres from the
top-left corner into PDF points and decides no geometry of its own."""
from __future__ import annotations

import io
from pathlib import Path

from .. import spec
from ..layout.boxes import Image, Layout, Rule, TextRun, VRule
from ..model import Document, format_date

MM = 1 / spec.PT   # points per mm


def render_pdf(lay: Layout, doc: Document, fonts) -> bytes:
    """The PDF as bytes (the caller decides where and how it is stored)."""
    from reportlab import rl_config
    from reportlab.pdfgen.canvas import Canvas

    rl_config.invariant = 1          # no clock time inside the file: same data, same bytes
    used = {r.face for p in lay.pages for r in p.items if isinstance(r, TextRun)}
    faces = {key: fonts.by_key(key) for key in used}
    for face in faces.values():
        face.register()
    initial = next(iter(sorted(used)), None)

    buf = io.BytesIO()
    kw = {"initialFontName": initial, "initialFontSize": spec.BODY_SIZE} if initial else {}
    c = Canvas(buf, pagesize=(spec.PAGE_WIDTH * MM, spec.PAGE_HEIGHT * MM), pageCompression=1,
               invariant=1, **kw)
    c.setTitle(doc.title)
    c.setAuthor("、".join(doc.issuers) or "、".join(doc.organ_mark))
    c.setSubject(doc.doc_number or "")
    c.setKeywords(" ".join(x for x in (doc.doc_number, format_date(doc.date) if doc.date else None) if x))
    c.setCreator("gongwen (GB/T 9704-2012)")
    c.setProducer("gongwen")
    for page in lay.pages:
        for item in page.items:
            if isinstance(item, TextRun):
                _text(c, item, faces[item.face])
            elif isinstance(item, Rule):
                _rule(c, item)
            elif isinstance(item, VRule):
                _vrule(c, item)
            elif isinstance(item, Image):
                _image(c, item)
        c.showPage()
    c.save()
    return buf.getvalue()


def _y(mm: float) -> float:
    return (spec.PAGE_HEIGHT - mm) * MM


def _text(c, run: TextRun, face) -> None:
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
            t.setTextOrigin(xs[j], _y(run.baseline))
            t.textOut(run.text[j:j + len(raw)])
            j += len(raw)
        i = end
    c.drawText(t)


def _rule(c, r: Rule) -> None:
    c.setStrokeColorRGB(*r.color)
    c.setLineWidth(r.thickness * MM)
    c.setLineCap(0)
    c.line(r.x0 * MM, _y(r.y), r.x1 * MM, _y(r.y))


def _vrule(c, r: VRule) -> None:
    c.setStrokeColorRGB(*r.color)
    c.setLineWidth(r.thickness * MM)
    c.setLineCap(2)          # projecting caps close the corners where borders meet
    c.line(r.x * MM, _y(r.y0), r.x * MM, _y(r.y1))


def _image(c, im: Image) -> None:
    c.drawImage(str(im.path), im.x * MM, _y(im.y + im.height), im.width * MM, im.height * MM,
                mask="auto", preserveAspectRatio=True, anchor="c")


def write_pdf(data: bytes, path: Path) -> None:
    path.write_bytes(data)
