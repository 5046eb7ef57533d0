"""版记 (§7.4): 抄送机关, 印发机关 and 印发日期 between rules, at the bottom of the 版心."""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import spec
from ..model import Document, Span, format_date
from ..elements import Element
from .boxes import Align, Item, LaidLine, Rule, Tab, TabKind
from .limits import shown, too_long
from .text import Fonts, break_lines, grid_tracking, line_sources, line_width, natural, runs, shape

SIZE = spec.IMPRINT_SIZE


# A 版记 taller than a page (§7.4 does not foresee one: 300 主送机关 moved here,
# 50 抄送机关) flows over pages of its own, bottom-aligned as a whole: its last
# page is full and ends with the 印发机关 line on the last rule at the bottom
# of the 版心, as every 版记 does; the pages before it are full; the first holds
# what is left, at its foot.  Each page's part stands between an opening and a
# closing 0.35 mm rule, so every page reads as a 版记 (the thin rule between 抄送
# and 印发 where it falls).  Layout puts these pages after the text, the last
# on an even page.  More than this many pages is refused (limits).
IMPRINT_MAX_PAGES = 10


@dataclass
class Imprint:
    lines: list[LaidLine]           # per grid line, top to bottom (page and line set by layout)
    height_lines: int               # grid lines it occupies, over all its pages
    # per page of the 版记, first to last: its lines and rules (one page unless it is taller than a page)
    pages: list[tuple[list[LaidLine], list[Rule]]] = field(default_factory=list)

    def items(self, k: int = 0) -> list[Item]:
        lines, rules = self.pages[k]
        out: list[Item] = [r for ln in lines for r in ln.runs]
        return out + rules


def layout_imprint(doc: Document, fonts: Fonts, letter: bool = False,
                   addressees: str | None = None) -> Imprint | None:
    """The 版记; a letter's (§9.2) has only 抄送, and no rules.  `addressees`: a
    主送机关 too long for page 1, printed as 主送 above 抄送 with no rule between."""
    if not doc.cc and not addressees and (letter or not doc.printer):
        return None
    check_size(doc, addressees)
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
        lines = break_lines(names, right - x_names)
        # the data's text of each line, with the space a break dropped (an editable copy keeps it)
        sources = line_sources([Span(label_text + names_text, spec.FANGSONG)],
                               [label_text * (i == 0) + "".join(g.ch for g in ln.glyphs) for i, ln in enumerate(lines)])
        for i, (ln, source) in enumerate(zip(lines, sources)):
            glyphs, xs = list(ln.glyphs), [x_names + x for x in ln.xs]
            if i == 0:
                glyphs, xs = label + glyphs, [left + x for x in natural(label)] + xs
            rows.append((element, glyphs, xs, {"first": i == 0, "last": ln.last, "align": Align.JUSTIFY,
                                               "wrap": x_names, "source": source}))
        return rows
    if addressees or doc.cc:
        group = []
        if addressees:
            group += labelled(Element.IMPRINT_ADDRESSEE, "主送：", addressees.rstrip("：:") + "。")
        if doc.cc:
            group += labelled(Element.COPY_TO, "抄送：", "，".join(doc.cc) + "。")
        groups.append(group)
    if doc.printer and not letter:
        groups.append([_printer_line(doc, fonts, left, right)])
    rows = [(gi, *row) for gi, group in enumerate(groups) for row in group]
    if len(rows) > IMPRINT_MAX_PAGES * spec.LINES_PER_PAGE:
        raise _too_tall(doc, addressees, f"要排 {-(-len(rows) // spec.LINES_PER_PAGE)} 页（{len(rows)} 行）")
    pages = _pages(rows, letter, (left, right))
    return Imprint([ln for lines, _ in pages for ln in lines], len(rows), pages)


def _printer_line(doc: Document, fonts: Fonts, left: float, right: float) -> tuple[str, list, list[float], dict]:
    """印发机关 左空一字 and 印发日期 右空一字 on one line (§7.4), a 字 apart at least."""
    ch = spec.char_width(SIZE)
    trk = grid_tracking(SIZE)
    printer = doc.printer or ""                # called only when there is one
    org = shape([Span(printer, spec.FANGSONG)], fonts, SIZE, trk)
    glyphs, xs = org, [left + x for x in natural(org)]
    tabs: tuple[Tab, ...] = ()
    room = right - left
    if doc.print_date:
        d = shape([Span(format_date(doc.print_date) + "印发", spec.FANGSONG)], fonts, SIZE, trk)
        tabs = (Tab(len(glyphs), TabKind.RIGHT, right),)      # 印发日期 flush right
        glyphs = glyphs + d
        xs = xs + [right - line_width(d) + x for x in natural(d)]
        room -= line_width(d) + ch
    if line_width(org) > room + 1e-6:
        most = int((room + 1e-6) // ch)
        beside = f"，与印发日期“{format_date(doc.print_date)}印发”（右空一字）同排一行" if doc.print_date else ""
        raise too_long(doc, "印发机关", f"印发机关“{shown(printer)}”有 {len(printer)} 个字，排不进版记的一行："
                       f"印发机关左空一字{beside}，排在末条分隔线之上（GB/T 9704 §7.4），这一行最多排 {most} 个字的印发机关。",
                       f"写印发机关的规范名称，不超过 {most} 个字（一般是发文机关的办公厅（室）或文秘部门）")
    return Element.PRINTER, glyphs, xs, {"tabs": tabs}


def _pages(rows: list, letter: bool, frame: tuple[float, float]) -> list[tuple[list[LaidLine], list[Rule]]]:
    """The rows (group, element, glyphs, xs, how) on the grid, bottom-aligned
    over as many pages as they need: the last page full, the first what is
    left at its foot; each page's part between its outer rules, a thin rule
    where one group gives way to the next (see IMPRINT_MAX_PAGES)."""
    per = spec.LINES_PER_PAGE
    chunks: list[tuple[int, int]] = []          # bottom-up: the last page full, the first what is left
    end = len(rows)
    while end > 0:
        chunks.insert(0, (max(0, end - per), end))
        end = chunks[0][0]
    pages = []
    for start, end in chunks:
        first = per - (end - start) + 1            # grid line of the page's first item
        lines, rules = [], []
        if not letter:
            rules.append(Rule(spec.TYPE_LEFT, spec.TYPE_RIGHT, spec.line_top(first) + spec.IMPRINT_OUTER_RULE / 2,
                              spec.IMPRINT_OUTER_RULE))
        for i in range(start, end):
            gi, element, glyphs, xs, how = rows[i]
            k = first + i - start
            if i > start and gi != rows[i - 1][0] and not letter:
                rules.append(Rule(spec.TYPE_LEFT, spec.TYPE_RIGHT, spec.line_top(k), spec.IMPRINT_INNER_RULE))
            base = spec.baseline_in_cell(spec.line_top(k), SIZE)
            drawn = runs(glyphs, xs, 0.0, base, SIZE, element)
            lines.append(LaidLine(element, "".join(g.ch for g in glyphs), 0, k, runs=tuple(drawn),
                                  frame=frame, **how))
        # The last rule's bottom edge lies on the bottom of the 版心.
        if not letter:
            rules.append(Rule(spec.TYPE_LEFT, spec.TYPE_RIGHT, spec.TYPE_BOTTOM - spec.IMPRINT_OUTER_RULE / 2,
                              spec.IMPRINT_OUTER_RULE))
        pages.append((lines, rules))
    return pages


def check_size(doc: Document, addressees: str | None) -> None:
    """Refuse at once, before any shaping, a 版记 that cannot stay within
    IMPRINT_MAX_PAGES whatever its characters: a 4号 line holds at most twice
    as many (Latin, half a 字 wide) as it holds 字 — 320 000 characters of
    主送机关, 20 000 抄送机关 end here in milliseconds."""
    per_line = 2 * int(spec.TYPE_AREA_WIDTH // spec.char_width(SIZE))
    chars = len(addressees or "") + sum(len(c) + 1 for c in doc.cc)
    if chars > per_line * spec.LINES_PER_PAGE * IMPRINT_MAX_PAGES:
        raise _too_tall(doc, addressees, f"要排 {IMPRINT_MAX_PAGES} 页以上")


def addressees_too_long(doc: Document) -> None:
    """The same bound for a 主送机关 before the body is laid out: one too long
    for page 1 goes to the 版记 (§7.3.2), which could not hold it either."""
    if doc.addressees:
        check_size(doc, doc.addressees)


def _too_tall(doc: Document, addressees: str | None, size: str):
    cc = sum(len(c) for c in doc.cc)
    if addressees and len(addressees) >= cc:
        return too_long(doc, "主送机关", f"主送机关太长（{len(addressees.rstrip('：:'))} 个字）：首页排不下正文时主送机关移到版记（GB/T 9704 §7.3.2），"
                        f"版记就{size}，版记最多排 {IMPRINT_MAX_PAGES} 页。",
                        "主送机关用统称，如“各镇人民政府、街道办事处，区政府各部门”")
    return too_long(doc, "抄送机关", f"抄送机关太多（{len(doc.cc)} 个机关，{cc} 个字）：版记{size}，版记最多排 {IMPRINT_MAX_PAGES} 页。",
                    "只列需要抄送的机关，同类的用统称（如“各镇人民政府、街道办事处”）")
