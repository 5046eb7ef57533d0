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
from .boxes import Align, Origin, Rule, Tab, VRule
from .text import Glyph


@dataclass
class Row:
    element: str
    glyphs: list[Glyph]
    xs: list[float]             # absolute x (mm) of each glyph
    size: float = spec.BODY_SIZE
    color: tuple[float, float, float] = spec.BLACK_RGB
    decor: list[Rule | VRule] = field(default_factory=list)   # y relative to the row's cell top
    anchors: list[float] = field(default_factory=list)   # 署名: centre x of each organ's name (its seal)
    # what the row is, for the writers (see boxes.LaidLine)
    origin: Origin = Origin()
    first: bool = True
    last: bool = True
    align: Align = Align.LEFT
    wrap: float | None = None
    tabs: tuple[Tab, ...] = ()
    cells: tuple[int, ...] = ()
    edges: tuple[float, ...] = ()
    frame: tuple[float, float] = (spec.TYPE_LEFT, spec.TYPE_RIGHT)

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
    with_signature: bool = False # 附件说明: on the signature's page, above it
    repeat: list[Row] = field(default_factory=list)   # table header rows, repeated after a page break
    landscape: bool = False      # set on landscape pages of its own (§8)
    reach: int = 0               # grid lines below its last row its ink still covers (a seal): kept free


@dataclass
class Placed:
    row: Row
    page: int                    # index into the page list, 0-based
    line: int                    # grid line 1…22
    block: int = -1              # index of the block it belongs to
    carried: bool = False        # carried over to keep the signature company (§7.3.5.4)


@dataclass
class Flow:
    placed: list[Placed] = field(default_factory=list)
    pages: int = 1
    landscape: set[int] = field(default_factory=set)   # page indexes set landscape
    # page index → last grid line a block's ink covers beyond its rows (Block.reach)
    reserved: dict[int, int] = field(default_factory=dict)


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
        group = _signature_group(blocks, bi)
        if group:
            # the signature (and the 附件说明 above it) must fit under text on
            # this page, its gap shrunk if need be; or text goes over with it
            sig = group[-1]
            need = gap + sum(b.gap_before + len(b.rows) for b in group[1:]) + sum(len(b.rows) for b in group[:1])
            need += sig.reach
            if sig.min_gap_before is not None and len(group) > 1:
                need -= sig.gap_before - sig.min_gap_before
            if need > room:
                _carry_text_lines(flow, page, blocks)
                new_page()
                line = 1 + max((p.line for p in flow.placed if p.page == page), default=0)
                gap = block.gap_before if line > 1 else 0
                room = n_lines - line + 1
        if block.keep_together or block.signature:
            need = len(block.rows)
            if block.keep_with_next:              # a table header keeps its first row
                need += _follow(blocks, bi)
            if gap + need > room and block.min_gap_before is not None and line > 1:
                gap = max(block.min_gap_before, room - need)
            if gap + need > room and not block.signature:
                if need <= n_lines:
                    new_page(block.landscape)
                    gap = 0
                    for row in block.repeat:           # a table's header heads every page
                        flow.placed.append(Placed(row, page, line, bi))
                        line += 1
        elif line > 1 and gap + _lead(blocks, bi) > room and _lead(blocks, bi) <= n_lines:
            # a heading (and the headings under it) never ends a page, a
            # paragraph's first line never stands alone at its foot
            new_page(block.landscape)
            gap = 0
        line += gap
        if block.keep_together or block.signature:
            for row in block.rows:
                if line > n_lines:
                    new_page(block.landscape)
                flow.placed.append(Placed(row, page, line, bi))
                line += 1
            if block.reach:
                flow.reserved[page] = line - 1 + block.reach
            continue
        i = 0
        while i < len(block.rows):
            if line > n_lines:
                new_page(block.landscape)
            rest = len(block.rows) - i
            take = min(rest, n_lines - line + 1)
            if take < rest:
                # a paragraph broken by the page: two lines at least on either side
                # (the page gives a line rather than leave one alone)
                take = min(take, rest - MIN_SPLIT_LINES)
                if take < MIN_SPLIT_LINES and line > 1:
                    new_page(block.landscape)
                    continue
                take = max(take, 1)
            for row in block.rows[i:i + take]:
                flow.placed.append(Placed(row, page, line, bi))
                line += 1
            i += take
            if i < len(block.rows):
                line = n_lines + 1
    return flow


def _lead(blocks: list[Block], bi: int) -> int:
    """Lines block `bi` needs together at the foot of a page before it may start
    there: a paragraph its first MIN_SPLIT_LINES lines (all of them when it
    cannot leave as many on the next page), a block kept together all its
    lines, a heading its lines and the lead of what follows (the headings
    under it, then their text)."""
    b = blocks[bi]
    k = len(b.rows)
    if b.signature or b.with_signature:
        return k if b.keep_together else min(k, MIN_SPLIT_LINES)
    if b.keep_together:
        own = k
    else:
        own = k if k < 2 * MIN_SPLIT_LINES else MIN_SPLIT_LINES
    if b.keep_with_next and own == k:
        own += _follow(blocks, bi)
    return own


def _follow(blocks: list[Block], bi: int) -> int:
    """What a block kept with the next needs of it on the same page: the next
    block's gap and lead (0 when the next starts a page of its own)."""
    nxt = blocks[bi + 1] if bi + 1 < len(blocks) else None
    if nxt is None or nxt.new_page or nxt.landscape != blocks[bi].landscape or not nxt.rows:
        return 0
    if nxt.signature or nxt.with_signature:
        return 0              # the signature group carries text over by its own rule
    return nxt.gap_before + _lead(blocks, bi + 1)


# §7.3.5.4: the seal (or 签名章) and the date share their page with 正文.  When
# they do not fit under the text, this many lines of text go over with them
# (house rule, as every 公文 office does it: never “此页无正文”).  Where the text
# itself runs over onto the signature's page, what ran over stays as it is —
# even a single line (特此通知。) is 正文 there, and Word breaks the same way.
CARRY_TEXT_LINES = 2
# Rows that do not count as 正文 for that rule, though they may be carried too.
NOT_TEXT = {"附件说明", "出席", "空行"}
# Word's and LibreOffice's widow/orphan control keeps two lines of a split
# paragraph on each side; the carry follows it so a DOCX breaks where the PDF does.
MIN_SPLIT_LINES = 2


def _signature_group(blocks: list[Block], bi: int) -> list[Block]:
    """The blocks from `bi` through the signature block when `bi` starts it:
    the signature itself, or the 附件说明 just above it and the signature."""
    if blocks[bi].signature:
        return [blocks[bi]]
    if blocks[bi].with_signature and bi + 1 < len(blocks) and blocks[bi + 1].signature:
        return blocks[bi:bi + 2]
    return []


def _carry_text_lines(flow: Flow, page: int, blocks: list[Block]) -> None:
    """Move the end of `page` to the next page, not yet begun, so that the
    signature block about to start there has CARRY_TEXT_LINES lines of 正文
    above it: those lines, all
    that follows them (附件说明, …), a split paragraph keeping MIN_SPLIT_LINES
    lines on either side of the break, and a heading just above staying with its
    text.  Grid lines keep their spacing; moved rows are marked `carried`.
    Nothing moves when that would empty the page or split a table."""
    on_page = [p for p in flow.placed if p.page == page]
    k, text = len(on_page), 0
    while k > 0 and text < CARRY_TEXT_LINES:
        k -= 1
        if on_page[k].row.glyphs and on_page[k].row.element not in NOT_TEXT:
            text += 1
    if text == 0:
        return

    def rows_of(b: int) -> list[int]:
        return [i for i, p in enumerate(on_page) if p.block == b]

    b = on_page[k].block
    mine = rows_of(b)
    carried = [i for i in mine if i >= k]
    if len(carried) < MIN_SPLIT_LINES and mine[0] < k:      # a widow: take one more line
        k = max(i for i in mine if i < k)
    left = [i for i in mine if i < k]
    starts_here = not any(p.block == b and p.page < page for p in flow.placed)
    if left and starts_here and len(left) < MIN_SPLIT_LINES:  # an orphan: take the whole paragraph
        k = mine[0]
    while k > 0 and blocks[on_page[k - 1].block].keep_with_next:   # a heading goes with its text
        k = rows_of(on_page[k - 1].block)[0]
    moved = on_page[k:]
    if k == 0 or any(blocks[p.block].repeat or p.row.element in ("表头", "表格") for p in moved):
        return
    first = moved[0].line
    for p in moved:
        p.page, p.line, p.carried = page + 1, p.line - first + 1, True
