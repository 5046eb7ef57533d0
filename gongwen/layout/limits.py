"""What the page can hold, said before anything is drawn, and the last look at
what layout placed (issue 17).

Elements the standard gives a fixed place — one line for the 代章, the 印发机关
beside the 印发日期, the 签发人 above the red rule on page 1 — and a 版记 beyond
IMPRINT_MAX_PAGES are refused with a message naming the field and the limit
(`too_long`).  Whatever layout placed is then checked (`check_inside`): every
glyph, rule and image inside the paper, and inside the 版心 where the standard
puts it; anything else is a fault of ours and stops the generation before a
file is written (LayoutFault, an internal error)."""
from __future__ import annotations

import operator

from .. import spec
from ..errors import GongwenError, Problem
from .boxes import Image, Layout, Rule, TextRun, VRule

EPS = 0.05          # mm: rounding, and half a stroke of a rule drawn on the 版心's edge
STROKE = 0.5        # mm a rule's or table border's centre line may stand outside the 版心 (its width)


class LayoutFault(Exception):
    """Layout placed something outside the paper or the 版心: a bug, never the data's fault."""


def too_long(doc, field: str, message: str, hint: str) -> GongwenError:
    """The error for an element the page cannot hold, at the field's line of the data."""
    return GongwenError(Problem(message, hint, field=field, line=doc.lines.get(field), file=doc.source))


def shown(text: str, n: int = 12) -> str:
    """The start of a long value, for a message."""
    return text if len(text) <= n else text[:n] + "……"


# Elements that stand outside the 版心 by the standard: the page number (§7.5),
# a 信函's mark and its red double rules (§9.2: 30 mm and 20 mm from the paper's edges).
OUTSIDE_TYPE_AREA = {"页码", "信函分隔线"}


def check_inside(lay: Layout, letter: bool = False) -> None:
    """Raise LayoutFault unless every item of every page lies on the paper and,
    but for OUTSIDE_TYPE_AREA (and a 信函's mark), in the 版心; a seal's image
    within the 版心's width and above its bottom (§7.3.5.2: "每排印章两端不得超出版心")."""
    for page in lay.pages:
        items = [(i, False) for i in page.items] + [(i, True) for i in page.rotated_items]
        for item, turned in items:
            free = item.element in OUTSIDE_TYPE_AREA or letter and item.element == "发文机关标志"
            if isinstance(item, TextRun) and not turned:
                # the box of the whole run first: inside, so is each glyph's (the web
                # preview lays a notice out after every keystroke); outside, glyph by glyph
                box = _run_box(item)
                if box is not None and _fits(item, *box, free)[0]:
                    continue
            for (x0, y0, x1, y1), what in _boxes(item, turned):
                ok, paper = _fits(item, x0, y0, x1, y1, free)
                if not ok:
                    where = "纸张" if not paper else "版心"
                    raise LayoutFault(f"排版把第 {page.number} 页的{item.element}{what}排到了{where}以外"
                                      f"（x {x0:.1f}–{x1:.1f} mm，y {y0:.1f}–{y1:.1f} mm）")


def _fits(item, x0: float, y0: float, x1: float, y1: float, free: bool) -> tuple[bool, bool]:
    """(the box is where item may stand, the box is on the paper)."""
    tol = STROKE if isinstance(item, (Rule, VRule)) else EPS
    paper = x0 >= -EPS and y0 >= -EPS and x1 <= spec.PAGE_WIDTH + EPS and y1 <= spec.PAGE_HEIGHT + EPS
    area = (x0 >= spec.TYPE_LEFT - tol and x1 <= spec.TYPE_RIGHT + tol
            and y0 >= spec.TYPE_TOP - tol and y1 <= spec.TYPE_BOTTOM + tol)
    if isinstance(item, Image):   # a seal may press above the 版心 (its first row, up to a line)
        area = x0 >= spec.TYPE_LEFT - EPS and x1 <= spec.TYPE_RIGHT + EPS and y1 <= spec.TYPE_BOTTOM + EPS
    return paper and (area or free), paper


def _run_box(run: TextRun) -> tuple[float, float, float, float] | None:
    """The box holding every glyph box `_boxes` gives a run (blanks' too), or
    None when its advances do not cover every character."""
    if not run.xs or len(run.advances) < len(run.xs):
        return None
    em = run.size * spec.PT
    top = run.baseline - spec.EM_ASCENT * em
    return min(run.xs), top, max(map(operator.add, run.xs, run.advances)), top + em


def _boxes(item, turned: bool):
    """(x0, y0, x1, y1) on the portrait page of each piece of an item, and how to name it."""
    def put(u0, v0, u1, v1):
        if not turned:
            return u0, v0, u1, v1
        (a, b), (c, d) = spec.landscape_to_page(u0, v0), spec.landscape_to_page(u1, v1)
        return min(a, c), min(b, d), max(a, c), max(b, d)
    if isinstance(item, TextRun):
        em = item.size * spec.PT
        top = item.baseline - spec.EM_ASCENT * em
        for k, (x, ch) in enumerate(zip(item.xs, item.text)):
            if ch.isspace():
                continue
            w = item.advances[k] if k < len(item.advances) else em * item.hscale
            yield put(x, top, x + w, top + em), f"“{ch}”"
    elif isinstance(item, Rule):
        yield put(item.x0, item.y - item.thickness / 2, item.x1, item.y + item.thickness / 2), "的线"
    elif isinstance(item, VRule):
        yield put(item.x - item.thickness / 2, item.y0, item.x + item.thickness / 2, item.y1), "的线"
    elif isinstance(item, Image):
        yield put(item.x, item.y, item.x + item.width, item.y + item.height), "的图片"
