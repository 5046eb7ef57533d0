"""版头 (§7.2): 份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人 and the red rule."""
from __future__ import annotations

from dataclasses import dataclass

from .. import spec
from ..model import Document, Span
from ..elements import Element
from .boxes import Align, Item, LaidLine, Origin, Rule, Tab, TabKind
from .boxes import TextRun
from .limits import shown, too_long
from .text import Fonts, grid_tracking, line_width, natural, runs, shape

BODY = spec.BODY_SIZE


@dataclass
class Header:
    items: list[Item]
    lines: list[LaidLine]
    rule_y: float          # centre of the red rule (the 主体 is placed below it)
    body_top: float = 0.0  # the 主体 starts TITLE_GAP_LINES empty lines below this
    gap_lines: int = spec.TITLE_GAP_LINES


def _line(fonts: Fonts, spans: list[Span], x: float, baseline: float, element: str,
          size: float = BODY, color=spec.BLACK_RGB, hscale: float = 1.0):
    glyphs = shape(spans, fonts, size, grid_tracking(size) if size == BODY else 0.0)
    return runs(glyphs, natural(glyphs, hscale), x, baseline, size, element, color, hscale), glyphs


def top_items(doc: Document) -> list[tuple[str, list[Span]]]:
    """份号, 密级★期限, 紧急程度 — stacked from line 1 in that order, no gaps."""
    out = []
    if doc.copy_number:
        out.append(("份号", [Span(doc.copy_number, spec.FANGSONG)]))
    if doc.secrecy:
        text = doc.secrecy + (f"★{doc.secrecy_term}" if doc.secrecy_term else "")
        out.append(("密级", [Span(text, spec.HEITI)]))
    if doc.urgency:
        out.append(("紧急程度", [Span(doc.urgency, spec.HEITI)]))
    return out


def copy_number_runs(number: str, fonts: Fonts) -> list:
    """The 份号 as layout_header places it (first item, line 1): for numbered
    copies, which share everything else of one layout."""
    r, _ = _line(fonts, [Span(number, spec.FANGSONG)], spec.TYPE_LEFT,
                 spec.baseline_in_cell(spec.line_top(1), BODY), "份号")
    return r


def mark_geometry(fonts: Fonts, names: tuple[str, ...], suffix: str) -> tuple[float, float]:
    """Size (pt) and horizontal scale of the 发文机关标志 so it fits the 版心.

    House rule (spec §4.4): em height up to 20 mm; if too wide, compress
    horizontally down to 70 %, then reduce the size.  A joint mark also has
    to leave page 1 room for text, so its stack is capped in height.
    """
    em_max = spec.MARK_MAX_HEIGHT
    if len(names) > 1:
        # stack of n names: n lines with a small gap must stay within 60 mm
        n = len(names)
        em_max = min(em_max, 60.0 / (n + (n - 1) * spec.JOINT_MARK_LINE_GAP))
    per_em = max(_em_width(fonts, nm) for nm in names)
    if suffix:
        per_em += 0.5 + _em_width(fonts, suffix)    # half an em between names and 文件
    width = per_em * em_max
    if width <= spec.TYPE_AREA_WIDTH:
        return em_max / spec.PT, 1.0
    scale = spec.TYPE_AREA_WIDTH / width
    if scale >= spec.MARK_MIN_HSCALE:
        return em_max / spec.PT, scale
    em = spec.TYPE_AREA_WIDTH / (per_em * spec.MARK_MIN_HSCALE)
    return em / spec.PT, spec.MARK_MIN_HSCALE


def _em_width(fonts: Fonts, text: str) -> float:
    """Width in em as the mark sets it: advances and the Chinese–Latin space (第2版, 2024年)."""
    return line_width(shape([Span(text, spec.XIAOBIAOSONG)], fonts, 1 / spec.PT))


def layout_header(doc: Document, fonts: Fonts, preprinted: bool = False) -> Header:
    if doc.format == "信函":
        return letter_header(doc, fonts, preprinted)
    if doc.format == "命令":
        return order_header(doc, fonts, preprinted)
    return document_header(doc, fonts, preprinted)


def _ink_extent(fonts: Fonts, text: str) -> tuple[float, float]:
    """Highest and lowest ink of text's glyphs, in em above the baseline."""
    tops, bottoms = [], []
    for ch in text:
        box = fonts.face_for(spec.XIAOBIAOSONG, ch).glyph_bounds(ch)
        if box:
            bottoms.append(box[1])
            tops.append(box[3])
    return (max(tops), min(bottoms)) if tops else (spec.EM_ASCENT, spec.EM_ASCENT - 1)


def _mark(doc: Document, fonts: Fonts, top: float, items: list[Item], lines: list[LaidLine],
          preprinted: bool) -> float:
    """Draw the 发文机关标志 (single or joint) with the top of its ink at `top`
    (a ruler on the printed page measures ink, not the font's em box); return
    the bottom of its ink."""
    size, hscale = mark_geometry(fonts, doc.organ_mark, doc.mark_suffix)
    em = size * spec.PT
    pitch = em * (1 + spec.JOINT_MARK_LINE_GAP)
    stack = [shape([Span(n, spec.XIAOBIAOSONG)], fonts, size) for n in doc.organ_mark]
    widths = [line_width(g) * hscale for g in stack]
    suffix = shape([Span(doc.mark_suffix, spec.XIAOBIAOSONG)], fonts, size) if doc.mark_suffix else []
    gap = 0.5 * em * hscale if suffix else 0.0
    total = max(widths) + gap + line_width(suffix) * hscale
    ink_top, _ = _ink_extent(fonts, doc.organ_mark[0] + doc.mark_suffix)
    _, ink_bottom = _ink_extent(fonts, doc.organ_mark[-1] + doc.mark_suffix)
    first_base = top + ink_top * em
    # A single mark is centred; a joint stack is left-aligned within a centred block.
    x0 = spec.TYPE_CENTER_X - total / 2
    drawn: list[Item] = []
    # a single mark is centred; a joint stack is set left, 文件 beside it
    align = Align.CENTRE if len(stack) == 1 and not suffix else Align.LEFT
    for i, g in enumerate(stack):
        rs = runs(g, natural(g, hscale), x0, first_base + i * pitch, size, Element.ORGAN_MARK, spec.RED_RGB, hscale)
        drawn += rs
        lines.append(LaidLine(Element.ORGAN_MARK, doc.organ_mark[i], 1, None, origin=Origin(item=i + 1),
                              align=align, runs=tuple(rs)))
    last_base = first_base + (len(stack) - 1) * pitch
    if suffix:                                # 文件 centred on the stack
        rs = runs(suffix, natural(suffix, hscale), x0 + max(widths) + gap,
                  (first_base + last_base) / 2, size, Element.ORGAN_MARK, spec.RED_RGB, hscale)
        drawn += rs
        lines.append(LaidLine(Element.ORGAN_MARK, doc.mark_suffix, 1, None, align=Align.LEFT, runs=tuple(rs)))
    if not preprinted:                        # pre-printed paper already carries the mark
        items += drawn
    return last_base - ink_bottom * em


def _centred_line(doc_text: str, role: str, fonts: Fonts, cell_top: float, element: str) -> list[TextRun]:
    g = shape([Span(doc_text, role)], fonts, BODY, grid_tracking(BODY))
    x = spec.TYPE_CENTER_X - line_width(g) / 2
    return runs(g, natural(g), x, spec.baseline_in_cell(cell_top, BODY), BODY, element)


def _cell_bottom_glyphs(cell_top: float) -> float:
    em = BODY * spec.PT
    return cell_top + (spec.LINE_PITCH - em) / 2 + em


def letter_header(doc: Document, fonts: Fonts, preprinted: bool) -> Header:
    """信函格式 (§9.2): mark 30 mm from the paper top, red double rules above and
    below, 份号/密级/紧急程度 顶格 left and the 发文字号 顶格 right under the rules."""
    items: list[Item] = []
    lines: list[LaidLine] = []
    mark_bottom = _mark(doc, fonts, spec.LETTER_MARK_TOP, items, lines, preprinted) \
        if doc.organ_mark else spec.LETTER_MARK_TOP
    x0 = (spec.PAGE_WIDTH - spec.LETTER_RULE_LENGTH) / 2
    x1 = x0 + spec.LETTER_RULE_LENGTH
    thick, thin, gap = spec.LETTER_RULE_THICK, spec.LETTER_RULE_THIN, spec.LETTER_RULE_SPACING
    top = mark_bottom + spec.LETTER_RULE_GAP_BELOW_MARK
    rules_top = [Rule(x0, x1, top + thick / 2, thick, spec.RED_RGB, "信函分隔线"),
                 Rule(x0, x1, top + thick + gap + thin / 2, thin, spec.RED_RGB, "信函分隔线")]
    bottom = spec.PAGE_HEIGHT - spec.LETTER_BOTTOM_RULE_FROM_PAPER_BOTTOM
    rules_bottom = [Rule(x0, x1, bottom - thick / 2, thick, spec.RED_RGB, "信函分隔线"),
                    Rule(x0, x1, bottom - thick - gap - thin / 2, thin, spec.RED_RGB, "信函分隔线")]
    if not preprinted:
        items += rules_top + rules_bottom
    line_bottom = top + thick + gap + thin
    # Items start 7/8 of a 3号 height below the rules: that is the em top of line 1.
    first_cell = line_bottom + spec.LETTER_ITEM_GAP - (spec.LINE_PITCH - BODY * spec.PT) / 2
    cell = first_cell
    last_cell = first_cell
    for element, spans in top_items(doc):
        r, _ = _line(fonts, spans, spec.TYPE_LEFT, spec.baseline_in_cell(cell, BODY), element)
        items += r
        lines.append(LaidLine(element, "".join(s.text for s in spans), 1, None, runs=tuple(r)))
        last_cell = cell
        cell += spec.LINE_PITCH
    if doc.doc_number:
        g = shape([Span(doc.doc_number, spec.FANGSONG)], fonts, BODY, grid_tracking(BODY))
        r = runs(g, natural(g), spec.TYPE_RIGHT - line_width(g), spec.baseline_in_cell(first_cell, BODY),
                 BODY, Element.DOC_NUMBER)
        items += r
        lines.append(LaidLine(Element.DOC_NUMBER, doc.doc_number, 1, None, align=Align.RIGHT, runs=tuple(r)))
    return Header(items, lines, rules_top[-1].y, _cell_bottom_glyphs(last_cell))


def order_header(doc: Document, fonts: Fonts, preprinted: bool) -> Header:
    """命令（令）格式 (§9.3): mark 20 mm below the 版心 top, 令号 two empty lines
    below it, the text two empty lines below the 令号; no red rule."""
    items: list[Item] = []
    lines: list[LaidLine] = []
    bottom = _mark(doc, fonts, spec.ORDER_MARK_TOP, items, lines, preprinted) \
        if doc.organ_mark else spec.ORDER_MARK_TOP
    number = doc.order_number or doc.doc_number
    if number:
        cell = bottom + spec.ORDER_NUMBER_GAP_LINES * spec.LINE_PITCH
        r = _centred_line(number, spec.FANGSONG, fonts, cell, Element.ORDER_NUMBER)
        items += r
        lines.append(LaidLine(Element.ORDER_NUMBER, number, 1, None, align=Align.CENTRE, runs=tuple(r)))
        bottom = _cell_bottom_glyphs(cell)
    return Header(items, lines, bottom, bottom, spec.ORDER_TEXT_GAP_LINES)


def _signers(doc: Document, fonts: Fonts, first_cell: float, items: list[Item], lines: list[LaidLine]) -> float:
    """签发人 from the 发文字号's line down, 右空一字 (§7.2.6); returns the top of the
    last line's cell, where the 发文字号 stands."""
    label = [Span("签发人：", spec.FANGSONG)]
    lab_g = shape(label, fonts, BODY, grid_tracking(BODY))
    name_gs = [shape([Span(n, spec.KAITI)], fonts, BODY, grid_tracking(BODY)) for n in doc.signers]
    # §7.2.6: "一般每行排两个姓名，回行时与上一行第一个签发人姓名对齐" — names in
    # columns, SIGNERS_PER_LINE a line, the block 右空一字.
    per = spec.SIGNERS_PER_LINE
    rows = [list(range(i, min(i + per, len(name_gs)))) for i in range(0, len(name_gs), per)]
    gap = spec.SIGNER_NAME_GAP_CHARS * spec.CHAR_PITCH
    cols = [max(line_width(name_gs[r[c]]) for r in rows if c < len(r)) for c in range(len(rows[0]))]
    right = spec.TYPE_RIGHT - spec.SIGNER_RIGHT_INDENT_CHARS * spec.CHAR_PITCH
    x_names = right - sum(cols) - gap * (len(cols) - 1)
    col_x = [x_names + sum(cols[:c]) + gap * c for c in range(len(cols))]
    x_label = x_names - line_width(lab_g)
    # the 发文字号 (左空一字) and the 签发人 (右空一字) share the last line, a 字 apart at least (§7.2.4)
    start = spec.TYPE_LEFT
    if doc.doc_number:
        start += (spec.SIGNER_RIGHT_INDENT_CHARS + 1) * spec.CHAR_PITCH + line_width(
            shape([Span(doc.doc_number, spec.FANGSONG)], fonts, BODY, grid_tracking(BODY)))
    if x_label < start - 1e-6:
        most = int((right - start - line_width(lab_g) - gap * (len(cols) - 1) + 1e-6) // spec.CHAR_PITCH)
        beside = f"和发文字号“{doc.doc_number}”（左空一字）" if doc.doc_number else ""
        raise too_long(doc, "签发人", f"签发人“{shown('、'.join(doc.signers))}”排不下：签发人（右空一字）{beside}"
                       f"排在同一行（GB/T 9704 §7.2.4、§7.2.6），每行 {len(cols)} 个姓名，一行的姓名合计最多 {max(0, most)} 个字。",
                       "签发人只写姓名")
    for k, row in enumerate(rows):
        cell = first_cell + k * spec.LINE_PITCH
        base = spec.baseline_in_cell(cell, BODY)
        rs = runs(lab_g, natural(lab_g), x_label, base, BODY, Element.SIGNER) if k == 0 else []
        tabs, chars = [], len(lab_g) if k == 0 else 0
        for c, i in enumerate(row):
            tabs.append(Tab(chars, TabKind.LEFT, col_x[c]))
            rs += runs(name_gs[i], natural(name_gs[i]), col_x[c], base, BODY, Element.SIGNER)
            chars += len(name_gs[i])
        items += rs
        if k == 0:
            tabs = [Tab(0, TabKind.LEFT, x_label)] + tabs[1:]
        text_ = ("签发人：" if k == 0 else "") + "".join(doc.signers[i] for i in row)
        lines.append(LaidLine(Element.SIGNER, text_, 1, None, origin=Origin(item=row[0] + 1),
                              runs=tuple(rs), tabs=tuple(tabs)))
    return first_cell + (len(rows) - 1) * spec.LINE_PITCH


def document_header(doc: Document, fonts: Fonts, preprinted: bool = False) -> Header:
    items: list[Item] = []
    lines: list[LaidLine] = []

    for k, (element, spans) in enumerate(top_items(doc), start=1):
        r, g = _line(fonts, spans, spec.TYPE_LEFT, spec.baseline_in_cell(spec.line_top(k), BODY), element)
        items += r
        lines.append(LaidLine(element, "".join(s.text for s in spans), 1, k, runs=tuple(r)))

    # 发文机关标志
    mark_bottom = spec.MARK_TOP
    if doc.organ_mark:
        mark_bottom = _mark(doc, fonts, spec.MARK_TOP, items, lines, preprinted)

    # 发文字号 (and 签发人): two empty lines below the mark.
    first_cell = mark_bottom + spec.MARK_GAP_LINES * spec.LINE_PITCH
    last_cell = first_cell
    if doc.signers:
        last_cell = _signers(doc, fonts, first_cell, items, lines)
    if doc.doc_number:
        spans = [Span(doc.doc_number, spec.FANGSONG)]
        g = shape(spans, fonts, BODY, grid_tracking(BODY))
        if doc.signers:                       # 发文字号 left, 签发人 right (§7.2.4)
            x, align = spec.TYPE_LEFT + spec.SIGNER_RIGHT_INDENT_CHARS * spec.CHAR_PITCH, Align.LEFT
        else:
            x, align = spec.TYPE_CENTER_X - line_width(g) / 2, Align.CENTRE
        r = runs(g, natural(g), x, spec.baseline_in_cell(last_cell, BODY), BODY, Element.DOC_NUMBER)
        items += r
        lines.append(LaidLine(Element.DOC_NUMBER, doc.doc_number, 1, None, align=align, runs=tuple(r)))

    # The red rule, 4 mm below the bottom of the 发文字号's glyphs.
    em = BODY * spec.PT
    glyph_bottom = last_cell + (spec.LINE_PITCH - em) / 2 + em
    rule_y = glyph_bottom + spec.RULE_GAP_BELOW_DOC_NUMBER + spec.HEADER_RULE_WIDTH / 2
    if doc.organ_mark and not preprinted:
        items.append(Rule(spec.TYPE_LEFT, spec.TYPE_RIGHT, rule_y, spec.HEADER_RULE_WIDTH, spec.RED_RGB,
                          Element.HEADER_RULE))
    return Header(items, lines, rule_y, rule_y)
