"""The 版头 (§7.2) in the DOCX: each line at its absolute place — a paragraph
with an exact line height, moved down by the spacing before it — the red rule
as the bottom border of its last line, a joint mark as a borderless table
(names | 文件), and lines above the 版心 (信函) in text boxes on the page."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from ... import spec
from ...elements import Element
from ...layout.boxes import Align, LaidLine, Rule
from .body import text_box
from .ooxml import eighths, el, mm_of_twips, twips
from .properties import (PITCH, SIDES, TEXT_W, TOP, border, exact_line, hex_rgb, paragraph, run_of, spacing,
                         tab_props, table_xml, tabbed)

if TYPE_CHECKING:
    from . import Writer


@dataclass
class _Line:
    """A 版头 paragraph being placed: its content and the spacing that puts it."""
    element: str
    content: list[etree._Element]
    before: int
    line: int
    props: list = field(default_factory=list)
    jc: str | None = None
    after: int | None = None


def header(w: "Writer") -> list[etree._Element]:
    """The 版头's blocks, ending where the grid line of the flow's first line starts."""
    lines = w.header
    names = [ln for ln in lines if ln.element == Element.ORGAN_MARK and ln.origin.item is not None]
    joint = len(names) > 1
    by_base: dict[float, list[LaidLine]] = {}
    for ln in lines:
        if not (joint and ln.element == Element.ORGAN_MARK):
            by_base.setdefault(round(ln.runs[0].baseline, 4), []).append(ln)
    items: list[tuple[float, list[LaidLine] | None]] = sorted(by_base.items())
    if joint:
        items = sorted(items + [(names[0].runs[0].baseline, None)], key=lambda t: t[0])
    placed: list[_Line | etree._Element] = []
    cursor: int = TOP
    for _, group in items:
        cursor = _joint_mark(w, placed, lines, cursor) if group is None else _absolute(w, placed, group, cursor)
    rule = next((i for i in w.lay.pages[0].items if isinstance(i, Rule) and i.element == Element.HEADER_RULE), None)
    if rule is not None:
        if not placed or not isinstance(placed[-1], _Line):     # a line of its own to carry the rule
            placed.append(_Line(Element.DOC_NUMBER, [], 0, 20))
            cursor += 20
        gap = rule.y - rule.thickness / 2 - mm_of_twips(cursor)
        space = min(31, max(0, round(gap / spec.PT)))
        last = placed[-1]
        assert isinstance(last, _Line)
        last.props.append(el("w:pBdr", border("bottom", rule.thickness, hex_rgb(rule.color), space)))
        cursor += space * 20 + round(eighths(rule.thickness) / 8 * 20)
    if placed and isinstance(placed[-1], _Line):
        first = next((ln.line for ln in w.flow if ln.line is not None), 1)
        placed[-1].after = TOP + (first - 1) * PITCH - cursor
    return _blocks(w, placed, lines)


def _blocks(w: "Writer", placed: list, lines: list[LaidLine]) -> list[etree._Element]:
    out: list[etree._Element] = []
    floats = list(w.floats)
    for p in placed:
        if not isinstance(p, _Line):
            out.append(p)
            continue
        sp = spacing(before=p.before, after=p.after, line=p.line)
        out.append(paragraph(p.element, *p.content, *floats, props=[sp, *p.props], jc=p.jc))
        floats = []
    if floats:                             # nothing in the flow to hold them: an empty line does
        el_ = lines[0].element if lines else Element.IMPRINT
        out.insert(0, paragraph(el_, *floats, props=[spacing(before=0, after=0, line=20)]))
    return out


def _absolute(w: "Writer", placed: list, group: list[LaidLine], cursor: int) -> int:
    """Lines on one baseline at their absolute place: exact height 1.1 em from its em top."""
    element = next((ln.element for ln in group if ln.element == Element.DOC_NUMBER), group[0].element)
    size = max(r.size for ln in group for r in ln.runs)
    em_top = _em_top(group[0], size)
    line = exact_line(size)
    if len(group) == 1 and group[0].align is Align.CENTRE:
        content, props, jc = [run_of(r) for r in group[0].runs], [], "center"
    else:
        content, stops = tabbed(group, spec.TYPE_LEFT)
        props, jc = tab_props(stops), "left"
    if em_top < cursor - 20:
        # above the 版心 (信函's mark) or overlapping the line above: a text box on the page
        para = paragraph(element, *content, props=[spacing(before=0, after=0, line=line), *props], jc=jc)
        w.floats.append(text_box(w, [para], spec.TYPE_LEFT, mm_of_twips(em_top), spec.TYPE_AREA_WIDTH,
                                 mm_of_twips(line), element))
        return cursor
    placed.append(_Line(element, content, em_top - cursor, line, props, jc))
    return max(cursor, em_top) + line


def _joint_mark(w: "Writer", placed: list, lines: list[LaidLine], cursor: int) -> int:
    """联合行文: the organs stacked on the left, 文件 on the right centred on the
    stack — a borderless two-cell table."""
    marks = [ln for ln in lines if ln.element == Element.ORGAN_MARK]
    names = [ln for ln in marks if ln.origin.item is not None]
    suffix = next((ln for ln in marks if ln.origin.item is None), None)
    line = exact_line(names[0].size)
    cells = [_stacked(names, cursor, line)] + ([_stacked([suffix], cursor, line)] if suffix else [])
    left_x = min(ln.x for ln in names)
    indent = twips(left_x - spec.TYPE_LEFT)
    col1 = twips((suffix.x if suffix else spec.TYPE_RIGHT) - left_x)
    cols = [col1] + ([TEXT_W - indent - col1] if suffix else [])
    placed.append(borderless_table(cols, indent, [[content for content, _ in cells]]))
    return max(b for _, b in cells)


def _stacked(lines: list[LaidLine], cursor: int, line: int) -> tuple[list[etree._Element], int]:
    """A cell's lines, each at its em top, and the cursor below them."""
    paras = []
    for ln in lines:
        em_top = _em_top(ln, ln.size)
        paras.append(paragraph(Element.ORGAN_MARK, *(run_of(r) for r in ln.runs),
                               props=[spacing(before=em_top - cursor, line=line)], jc="left"))
        cursor = max(cursor, em_top) + line
    return paras, cursor


def _em_top(ln: LaidLine, size: float) -> int:
    return twips(ln.runs[0].baseline - spec.EM_ASCENT * size * spec.PT)


def borderless_table(cols: list[int], indent: int, rows: list[list[list[etree._Element]]],
                     heights: list[tuple[int, list]] | None = None) -> etree._Element:
    """A fixed table without borders or cell margins: rows of cells of paragraphs."""
    tbl = table_xml(cols, indent, [el(f"w:{s}", val="nil") for s in SIDES])
    for i, cells in enumerate(rows):
        height, borders = heights[i] if heights else (None, [])
        trpr = el("w:trPr", el("w:trHeight", val=height, hRule="exact")) if height is not None else None
        tr = el("w:tr", trpr)
        for content, width in zip(cells, cols):
            tcb = el("w:tcBorders", *borders) if borders else None
            tr.append(el("w:tc", el("w:tcPr", el("w:tcW", w=width, type="dxa"), tcb), *content))
        tbl.append(tr)
    return tbl
