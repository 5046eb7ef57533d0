"""Rows on the line grid, and the pagination that puts them on pages.

Everything in the 主体 is a Row: one grid line of placed glyphs.  Rows come in
Blocks that say how they may be split across pages.  `paginate` assigns each
row a page and a grid line, following the house rules of spec §5:
a heading is never the last line of a page, and the 署名/成文日期 block never
stands alone on a page.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import spec
from .text import Glyph


@dataclass
class Row:
    element: str
    glyphs: list[Glyph]
    xs: list[float]             # absolute x (mm) of each glyph
    size: float = spec.BODY_SIZE
    color: tuple[float, float, float] = spec.BLACK_RGB
    decor: list = field(default_factory=list)   # Rule/VRule with y relative to the row's cell top
    anchors: list[float] = field(default_factory=list)   # 署名: centre x of each organ's name (its seal)

    @property
    def text(self) -> str:
        return "".join(g.ch for g in self.glyphs)


@dataclass
class Block:
    rows: list[Row]
    gap_before: int = 0          # empty grid lines above (dropped at the top of a page)
    min_gap_before: int | None = None   # the gap may shrink to this to keep a page
    keep_together: bool = False  # all rows on one page (signature block)
    keep_with_next: bool = False # heading: never the last line of a page
    new_page: bool = False       # 附件 start a new page
    signature: bool = False      # never alone on a page: carry body lines with it
    repeat: list[Row] = field(default_factory=list)   # table header rows, repeated after a page break
    landscape: bool = False      # set on landscape pages of its own (§8)


@dataclass
class Placed:
    row: Row
    page: int                    # index into the page list, 0-based
    line: int                    # grid line 1…22


@dataclass
class Flow:
    placed: list[Placed] = field(default_factory=list)
    pages: int = 1
    landscape: set[int] = field(default_factory=set)   # page indexes set landscape


def paginate(blocks: list[Block], first_line: int) -> Flow:
    """Place blocks on the grid; page 1 starts at `first_line`."""
    flow = Flow()
    page, line = 0, first_line
    n_lines = spec.LINES_PER_PAGE

    def new_page(landscape: bool = False):
        nonlocal page, line, n_lines
        page += 1
        line = 1
        flow.pages = page + 1
        n_lines = spec.LANDSCAPE_LINES if landscape else spec.LINES_PER_PAGE
        if landscape:
            flow.landscape.add(page)

    for bi, block in enumerate(blocks):
        if block.landscape != (page in flow.landscape):      # turning the page starts a new one
            new_page(block.landscape)
        if block.new_page and (line > 1 or any(p.page == page for p in flow.placed)):
            new_page()
        gap = block.gap_before if line > 1 else 0
        room = n_lines - line + 1
        if block.keep_together or block.signature:
            need = len(block.rows)
            if block.keep_with_next:              # a table header keeps its first row
                nxt = blocks[bi + 1] if bi + 1 < len(blocks) else None
                if nxt is not None and not nxt.new_page and nxt.landscape == block.landscape:
                    need += len(nxt.rows) if nxt.keep_together else 1
            if gap + need > room and block.min_gap_before is not None and line > 1:
                gap = max(block.min_gap_before, room - need)
            if gap + need > room:
                if block.signature:
                    _carry_two_lines(flow, page)
                    new_page()
                    line = 1 + sum(1 for p in flow.placed if p.page == page)
                    gap = block.gap_before if line > 1 else 0
                elif need <= n_lines:
                    new_page(block.landscape)
                    gap = 0
                    for row in block.repeat:           # a table's header heads every page
                        flow.placed.append(Placed(row, page, line))
                        line += 1
        elif block.keep_with_next:
            nxt = blocks[bi + 1] if bi + 1 < len(blocks) else None
            follow = 0
            if nxt and not nxt.new_page and nxt.rows:
                follow = len(nxt.rows) if nxt.keep_together else 1
            need = len(block.rows) + follow
            if gap + need > room and line > 1:
                new_page()
                gap = 0
        line += gap
        for row in block.rows:
            if line > n_lines:
                new_page(block.landscape)
            flow.placed.append(Placed(row, page, line))
            line += 1
    return flow


def _carry_two_lines(flow: Flow, page: int) -> None:
    """Move the last two text lines of `page` to the next page (§7.3.5.4),
    so the signature block does not stand alone."""
    on_page = [p for p in flow.placed if p.page == page]
    if len(on_page) <= 2:
        return
    for p in on_page[-2:]:
        p.page = page + 1
    for i, p in enumerate(on_page[-2:], start=1):
        p.line = i
