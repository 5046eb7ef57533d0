"""The 版记 (§7.4) in the DOCX: a text box fixed to the bottom of the 版心 and
anchored to the last paragraph, so it stays there when the text above
changes; inside, a one-column table whose row borders are the rules (so they
span the 版心 whatever the items' indents).  A 信函's 版记 has no rules."""
from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from ... import spec
from ...elements import Element
from ...layout.boxes import LaidLine, Rule
from .body import source_runs, text_box
from .header import borderless_table
from .ooxml import eighths, mm_of_twips, twips
from .properties import (EXACT_ASCENT, PITCH, TEXT_W, TOP, border, by_first, hex_rgb, ind, merged_runs, paragraph,
                         spacing, tab_props, tabbed)

if TYPE_CHECKING:
    from . import Writer


def imprint_box(w: "Writer", number: int) -> etree._Element:
    """The 版记's part on page `number` as a text box at the bottom of its 版心."""
    lines = [ln for ln in w.imprint if ln.page == number]     # a 版记 taller than a page has several
    page = w.lay.pages[number - 1]
    rules = sorted((i for i in page.items if isinstance(i, Rule) and i.element == Element.IMPRINT), key=lambda r: r.y)
    first_line = min(ln.line or 0 for ln in lines)
    if rules:
        top_mm, bottom_mm = rules[0].y - rules[0].thickness / 2, rules[-1].y + rules[-1].thickness / 2
    else:
        top_mm, bottom_mm = spec.line_top(first_line), spec.TYPE_BOTTOM
    # Not above the top of its first grid line as Word counts it (580 twips a line
    # drifts from the layout's 10.227 mm by 0.1 mm over a page): the text box wraps
    # top and bottom, and a line it overlapped would be pushed on.
    top = max(twips(top_mm), TOP + (first_line - 1) * PITCH)
    height = twips(bottom_mm) - top
    bands: list[tuple[Rule | None, Rule | None]] = list(zip(rules, rules[1:])) or [(None, None)]
    cells, heights = [], []
    for i, (upper, lower) in enumerate(bands):
        last = i == len(bands) - 1
        if upper is None or lower is None:
            band, cell_top, row_end, borders = lines, top, top + height, []
        else:
            band = [ln for ln in lines if upper.y < ln.runs[0].baseline < lower.y]
            cell_top = twips(upper.y) if i else top
            # the last row stops a border's width short: its bottom border is drawn below it
            row_end = twips(lower.y) if not last else top + height - round(eighths(lower.thickness) / 8 * 20)
            borders = [border("top", upper.thickness, hex_rgb(upper.color))]
            if last:
                borders.append(border("bottom", lower.thickness, hex_rgb(lower.color)))
        cells.append([_band(band, cell_top)])
        heights.append((row_end - cell_top, borders))
    table = borderless_table([TEXT_W], 0, cells, heights)
    # a text box's last element must be a paragraph
    tail = paragraph(Element.IMPRINT, props=[spacing(before=0, after=0, line=20)])
    return text_box(w, [table, tail], spec.TYPE_LEFT, mm_of_twips(top), spec.TYPE_AREA_WIDTH, mm_of_twips(height),
                    Element.IMPRINT, "wrapTopAndBottom", overlap=False)


def _band(lines: list[LaidLine], cell_top: int) -> list[etree._Element]:
    """The paragraphs of one band: each item (抄送, 印发机关 …) on its grid line."""
    out, cursor = [], cell_top
    for item in by_first(lines):
        line_top = twips(spec.line_top(item[0].line or 1))
        before = max(0, line_top - cursor)
        raise_hp = round((cursor + before + EXACT_ASCENT * PITCH - twips(item[0].runs[0].baseline)) / 10)
        content, props = _item(item, raise_hp)
        out.append(paragraph(item[0].element, *content, props=[spacing(before=before, after=0, line=PITCH), *props],
                             jc="both" if len(item) > 1 else "left"))
        cursor += before + PITCH * len(item)
    return out or [paragraph(Element.IMPRINT)]


def _item(item: list[LaidLine], raise_hp: int) -> tuple[list[etree._Element], list]:
    """An item: a wrapping paragraph with a hanging indent after its label (抄送：),
    or one line whose parts sit at their tab stops (印发机关 … 印发日期)."""
    first = item[0]
    if first.tabs:
        content, stops = tabbed([first], spec.TYPE_LEFT, raise_hp)
        return content, tab_props(stops)
    if len(item) == 1:
        return merged_runs(list(first.runs), raise_hp), [ind(left=twips(first.x - spec.TYPE_LEFT), right=0)]
    wrap = first.wrap if first.wrap is not None else first.x
    return source_runs(item, raise_hp) or merged_runs([r for ln in item for r in ln.runs], raise_hp), [
        ind(left=twips(wrap - spec.TYPE_LEFT), right=max(0, twips(spec.TYPE_RIGHT - first.frame[1])),
            hanging=twips(wrap - first.x))]
