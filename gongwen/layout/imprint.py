"""版记 (§7.4): 抄送机关, 印发机关 and 印发日期 between rules, at the bottom of the 版心."""
from __future__ import annotations

from dataclasses import dataclass

from .. import spec
from ..model import Document, Span, format_date
from ..elements import Element
from .boxes import Align, Item, LaidLine, Rule, Tab, TabKind
from .text import Fonts, break_lines, grid_tracking, line_width, natural, runs, shape

SIZE = spec.IMPRINT_SIZE


@dataclass
class Imprint:
    lines: list[LaidLine]           # per grid line, top to bottom (page and line set by layout)
    rules: list[Rule]               # rules, top to bottom
    height_lines: int               # grid lines it occupies at the bottom of the page

    def items(self) -> list[Item]:
        out: list[Item] = [r for ln in self.lines for r in ln.runs]
        return out + self.rules


def layout_imprint(doc: Document, fonts: Fonts, letter: bool = False,
                   addressees: str | None = None) -> Imprint | None:
    """The 版记; a letter's (§9.2) has only 抄送, and no rules.  `addressees`: a
    主送机关 too long for page 1, printed as 主送 above 抄送 with no rule between."""
    if not doc.cc and not addressees and (letter or not doc.printer):
        return None
    ch = spec.char_width(SIZE)
    trk = grid_tracking(SIZE)
    left, right = spec.TYPE_LEFT + spec.IMPRINT_INDENT_CHARS * ch, spec.TYPE_RIGHT - spec.IMPRINT_INDENT_CHARS * ch
    groups: list[list[tuple[str, list, list[float], dict]]] = []   # each group sits between two rules

    def labelled(element: str, label_text: str, names_text: str) -> list:
        """`抄送：` and the names, wrapped lines aligned after the colon."""
        label = shape([Span(label_text, spec.FANGSONG)], fonts, SIZE, trk)
        names = shape([Span(names_text, spec.FANGSONG)], fonts, SIZE, trk)
        x_names = left + line_width(label)
        rows = []
        for i, ln in enumerate(break_lines(names, right - x_names)):
            glyphs, xs = list(ln.glyphs), [x_names + x for x in ln.xs]
            if i == 0:
                glyphs, xs = label + glyphs, [left + x for x in natural(label)] + xs
            rows.append((element, glyphs, xs, {"first": i == 0, "last": ln.last, "align": Align.JUSTIFY,
                                               "wrap": x_names}))
        return rows
    if addressees or doc.cc:
        group = []
        if addressees:
            group += labelled(Element.IMPRINT_ADDRESSEE, "主送：", addressees.rstrip("：:") + "。")
        if doc.cc:
            group += labelled(Element.COPY_TO, "抄送：", "，".join(doc.cc) + "。")
        groups.append(group)
    if doc.printer and not letter:
        group = []
        org = shape([Span(doc.printer, spec.FANGSONG)], fonts, SIZE, trk)
        glyphs, xs = org, [left + x for x in natural(org)]
        tabs: tuple[Tab, ...] = ()
        if doc.print_date:
            d = shape([Span(format_date(doc.print_date) + "印发", spec.FANGSONG)], fonts, SIZE, trk)
            tabs = (Tab(len(glyphs), TabKind.RIGHT, right),)      # 印发日期 flush right
            glyphs = glyphs + d
            xs = xs + [right - line_width(d) + x for x in natural(d)]
        group.append((Element.PRINTER, glyphs, xs, {"tabs": tabs}))
        groups.append(group)

    n = sum(len(g) for g in groups)
    first = spec.LINES_PER_PAGE - n + 1            # grid line of the first item
    lines, rules = [], []
    k = first
    top = spec.line_top(first)
    if not letter:
        rules.append(Rule(spec.TYPE_LEFT, spec.TYPE_RIGHT, top + spec.IMPRINT_OUTER_RULE / 2,
                          spec.IMPRINT_OUTER_RULE))
    for gi, group in enumerate(groups):
        if gi and not letter:
            rules.append(Rule(spec.TYPE_LEFT, spec.TYPE_RIGHT, spec.line_top(k), spec.IMPRINT_INNER_RULE))
        for element, glyphs, xs, how in group:
            base = spec.baseline_in_cell(spec.line_top(k), SIZE)
            drawn = runs(glyphs, xs, 0.0, base, SIZE, element)
            lines.append(LaidLine(element, "".join(g.ch for g in glyphs), 0, k, runs=tuple(drawn),
                                  frame=(left, right), **how))
            k += 1
    # The last rule's bottom edge lies on the bottom of the 版心.
    if not letter:
        rules.append(Rule(spec.TYPE_LEFT, spec.TYPE_RIGHT, spec.TYPE_BOTTOM - spec.IMPRINT_OUTER_RULE / 2,
                          spec.IMPRINT_OUTER_RULE))
    return Imprint(lines, rules, n)
