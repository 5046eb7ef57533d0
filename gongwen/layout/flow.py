"""Rows on the line grid, and the pagination that puts them on pages.

Everything in the 主体 is a Row: one grid line of placed glyphs.  Rows come in
Blocks that say how they may be split across pages.  `paginate` assigns each
row a page and a grid line, following the house rules of spec §5:
a heading is never the last line of a page, and the 署名/成文日期 block never
stands alone on a page.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .. import spec
from ..model import Span
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
    source: tuple[Span, ...] | None = None

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
    at_pitch: Callable[[float], "Block | None"] | None = None   # the block made again for closer lines (a seal's rows)


@dataclass
class Placed:
    row: Row
    page: int                    # index into the page list, 0-based
    line: int                    # grid line 1…22
    block: int = -1              # index of the block it belongs to
    carried: bool = False        # carried over to keep the signature company (§7.3.5.4)
    repeated: bool = False       # a table's header row again atop a page the table runs on to (Block.repeat)


@dataclass
class Flow:
    placed: list[Placed] = field(default_factory=list)
    pages: int = 1
    landscape: set[int] = field(default_factory=set)   # page indexes set landscape
    # page index → last grid line a block's ink covers beyond its rows (Block.reach)
    reserved: dict[int, int] = field(default_factory=dict)
    # page index → (pitch, first line set at it): a signature's page whose lines
    # were set closer (spec.SIGNATURE_PAGE_MIN_PITCH); lines above stay on the grid
    pitch: dict[int, tuple[float, int]] = field(default_factory=dict)

    def line_top(self, page: int, k: int) -> float:
        """Top of line k on page index `page` (portrait)."""
        pitch, first = self.pitch.get(page, (spec.LINE_PITCH, 1))
        return spec.line_top(min(k, first)) + max(0, k - first) * pitch


def paginate(blocks: list[Block], first_line: int, imprint_lines: int = 0, imprint_any_page: bool = False) -> Flow:
    """Place blocks on the grid; page 1 starts at `first_line`.  A 版记 of
    `imprint_lines` grid lines follows the last block, on an even page (on any
    with `imprint_any_page`): a signature page that closes up its lines makes
    room for it there first."""
    flow = Flow()
    cur = _Cursor(flow, first_line)
    for bi, block in enumerate(blocks):
        if block.landscape != (cur.page in flow.landscape):      # turning the page starts a new one
            cur.new_page(block.landscape)
        if block.new_page and (cur.line > 1 or any(p.page == cur.page for p in flow.placed)):
            cur.new_page()
        gap = block.gap_before if cur.line > 1 else 0
        room = cur.n_lines - cur.line + 1
        group = _signature_group(blocks, bi)
        if group and not (block.signature and bi and blocks[bi - 1].with_signature):   # checked with its 附件说明
            # the signature (and the 附件说明 above it) must fit under text on
            # this page, its gap shrunk if need be; or the page's lines close
            # up (§7.3.5.4); or text goes over with it
            need = _group_need(group, gap)
            imprint = _imprint_here(blocks, bi, group, cur, imprint_lines, imprint_any_page)
            closer = _closer_for(flow, blocks, bi, group, cur, first_line, need - room, imprint)
            if closer:
                cur.n_lines = closer                   # the group fits under the text on closer lines
                block = blocks[bi]
                gap = block.gap_before if cur.line > 1 else 0
                room = cur.n_lines - cur.line + 1
            elif need > room and (split := _note_split(flow, blocks, bi, group, cur, gap)):
                blocks[bi:bi + 1] = split              # its first items stay here, the rest start the next page
                block = split[0]
            elif need > room:
                _carry_text_lines(flow, cur.page, blocks, cur.n_lines)
                cur.new_page()
                cur.line = 1 + max((p.line for p in flow.placed if p.page == cur.page), default=0)
                gap = block.gap_before if cur.line > 1 else 0
                room = cur.n_lines - cur.line + 1
        if block.keep_together or block.signature:
            gap, need = _whole_gap(flow, blocks, bi, cur, gap, room, imprint_lines, imprint_any_page)
            if gap + need > room and not block.signature:
                if need <= cur.n_lines:
                    cur.new_page(block.landscape)
                    gap = 0
                    for row in block.repeat:           # a table's header heads every page
                        flow.placed.append(Placed(row, cur.page, cur.line, bi, repeated=True))
                        cur.line += 1
        elif cur.line > 1 and gap + _lead(blocks, bi) > room and _lead(blocks, bi) <= cur.n_lines:
            # a heading (and the headings under it) never ends a page, a
            # paragraph's first line never stands alone at its foot
            cur.new_page(block.landscape)
            gap = 0
        cur.line += gap
        if block.keep_together or block.signature:
            _place_whole(flow, cur, block, bi)
            continue
        _place_split(flow, cur, block, bi)
    return flow


def kept_with_next(blocks: list[Block], placed: list[Placed]) -> set[int]:
    """The placed rows (by index) the flow keeps on their page with the row after
    them: a heading's rows (the title's, a table header's) with what follows it,
    and, from the first row carried over with the signature (§7.3.5.4) or the
    附件说明 standing above it, every row through the signature block's last but
    one — a writer whose text flows again (the DOCX) keeps them so too."""
    kept = {i for i, p in enumerate(placed) if blocks[p.block].keep_with_next}
    sig = [i for i, p in enumerate(placed) if blocks[p.block].signature and p.row.glyphs]
    if sig:
        start = placed[sig[0]].block
        above = [i for i, p in enumerate(placed[:sig[0]])
                 if p.carried or p.block == start - 1 and blocks[p.block].with_signature]
        kept |= set(range(min(above, default=sig[0]), sig[-1]))
    return kept


class _Cursor:
    """Where pagination is: the page (0-based), the next grid line on it, the lines it has."""

    def __init__(self, flow: Flow, first_line: int):
        self.flow, self.page, self.line, self.n_lines = flow, 0, first_line, spec.LINES_PER_PAGE

    def new_page(self, landscape: bool = False) -> None:
        self.page += 1
        self.line = 1
        self.flow.pages = self.page + 1
        self.n_lines = spec.LANDSCAPE_LINES if landscape else spec.LINES_PER_PAGE
        if landscape:
            self.flow.landscape.add(self.page)


def _whole_gap(flow: Flow, blocks: list[Block], bi: int, cur: _Cursor, gap: int, room: int, imprint_lines: int,
               imprint_any_page: bool) -> tuple[int, int]:
    """The empty lines above block `bi`, kept whole, and the lines it needs
    under them: its gap, shrunk toward min_gap_before where the block would not
    fit under the text — and, for a signature ending the flow on an even page
    of grid lines, where the 版记 would not fit under it (as _group_need counts)."""
    block = blocks[bi]
    need = len(block.rows) + block.reach
    if block.keep_with_next:              # a table header keeps its first row
        need += _follow(blocks, bi)
    least = block.min_gap_before
    if least is None or cur.line == 1:
        return gap, need
    imprint = _imprint_here(blocks, bi, [block], cur, imprint_lines, imprint_any_page) \
        if block.signature and cur.page not in flow.pitch else 0
    if imprint and gap + need + imprint > room >= least + need + imprint:
        return room - imprint - need, need
    return (max(least, room - need) if gap + need > room else gap), need


def _imprint_here(blocks: list[Block], bi: int, group: list[Block], cur: _Cursor, imprint_lines: int,
                  imprint_any_page: bool) -> int:
    """Grid lines the 版记 wants under the signature group starting at `bi` on
    the cursor's page: its own when the group ends the flow on an even page
    (on any with `imprint_any_page`, a letter's), else 0."""
    last = bi + len(group) == len(blocks)
    return imprint_lines if last and (cur.page % 2 == 1 or imprint_any_page) else 0


def _closer_for(flow: Flow, blocks: list[Block], bi: int, group: list[Block], cur: _Cursor, first_line: int,
                short: int, imprint: int) -> int | None:
    """The signature group is `short` lines short of fitting under the text
    (> 0: it does not fit), or the 版记 of `imprint` lines the page should hold
    does not fit under it: the lines this page has when they close up for them
    (§7.3.5.4), or None (they fit, the 版记 moves on, or text goes over with the group)."""
    if short + imprint <= 0:
        return None
    page, line, n_lines, over = cur.page, cur.line, cur.n_lines, short > 0
    first = first_line if page == 0 else 1
    closer = None
    if imprint:
        # the 版记 under the signature on its even page, to the last bound: else it
        # moves to the next even page — a blank page between, or text carried before it
        closer = _closer_lines(flow, blocks, bi, page, line, n_lines, first, spec.SIGNATURE_PAGE_LAST_PITCH,
                               spec.line_top(spec.LINES_PER_PAGE - imprint + 1))
    if closer or not over:
        return closer
    half_empty = _left_empty(flow, page, blocks, n_lines) > spec.MAX_EMPTY_LINES_BEFORE_SIGNATURE
    # an even last page: text carried rather than a page of closer lines with a
    # blank page behind it (unless carrying leaves a page half empty)
    if not imprint or half_empty:
        closer = _closer_lines(flow, blocks, bi, page, line, n_lines, first, spec.SIGNATURE_PAGE_MIN_PITCH)
    if not closer and half_empty:
        # carrying would leave this page half empty: closer lines still, to the last bound
        closer = _closer_lines(flow, blocks, bi, page, line, n_lines, first, spec.SIGNATURE_PAGE_LAST_PITCH)
    return closer


def _place_whole(flow: Flow, cur: _Cursor, block: Block, bi: int) -> None:
    """A block kept together, row after row; the grid lines its seal reaches below it reserved."""
    for row in block.rows:
        if cur.line > cur.n_lines:
            cur.new_page(block.landscape)
        flow.placed.append(Placed(row, cur.page, cur.line, bi))
        cur.line += 1
    if block.reach:
        flow.reserved[cur.page] = cur.line - 1 + block.reach


def _place_split(flow: Flow, cur: _Cursor, block: Block, bi: int) -> None:
    """A paragraph's rows, broken by the page two lines at least on either side
    (the page gives a line rather than leave one alone)."""
    i = 0
    while i < len(block.rows):
        if cur.line > cur.n_lines:
            cur.new_page(block.landscape)
        rest = len(block.rows) - i
        take = min(rest, cur.n_lines - cur.line + 1)
        if take < rest:
            take = min(take, rest - MIN_SPLIT_LINES)
            if take < MIN_SPLIT_LINES and cur.line > 1:
                cur.new_page(block.landscape)
                continue
            take = max(take, 1)
        for row in block.rows[i:i + take]:
            flow.placed.append(Placed(row, cur.page, cur.line, bi))
            cur.line += 1
        i += take
        if i < len(block.rows):
            cur.line = cur.n_lines + 1


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
# (house rule, as every 公文 office does it: never “此页无正文”; one, a one-line
# paragraph, where two would leave the page half empty: _carry).  Where the text
# itself runs over onto the signature's page, what ran over stays as it is —
# even a single line (特此通知。) is 正文 there, and Word breaks the same way.
CARRY_TEXT_LINES = 2
# Rows that do not count as 正文 for that rule, though they may be carried too.
NOT_TEXT = {"附件说明", "出席", "空行"}
# Word's and LibreOffice's widow/orphan control keeps two lines of a split
# paragraph on each side; the carry follows it so a DOCX breaks where the PDF does.
MIN_SPLIT_LINES = 2


def _group_need(group: list[Block], gap: int) -> int:
    """Grid lines the signature group takes below the text, its gaps shrunk as
    far as they may (the first block's gap `gap` as it stands)."""
    need = gap
    for k, b in enumerate(group):
        if k:
            need += b.min_gap_before if b.min_gap_before is not None else b.gap_before
        need += len(b.rows) + b.reach
    if len(group) == 1 and group[0].min_gap_before is not None and gap:
        need -= gap - min(gap, group[0].min_gap_before)
    return need


def _twips_floor(mm: float) -> float:
    """mm rounded down to a whole twip (1/20 pt): as Word stores a line height."""
    return math.floor(mm / spec.PT * 20 + 1e-9) * spec.PT / 20


def _closer_lines(flow: Flow, blocks: list[Block], bi: int, page: int, line: int, n_lines: int,
                  first: int, min_pitch: float, bottom: float = spec.TYPE_BOTTOM) -> int | None:
    """§7.3.5.4, before text is carried: the signature group starting at block
    `bi` set on page `page` under its text, the page's lines from grid line
    `first` on closer together (all alike, a whole number of twips apart, no
    closer than `min_pitch`, down to `bottom`) — the seals' rows and reach
    measured again at that pitch.  Returns the page's number of lines and puts
    the remade blocks in place, or None (the page keeps its grid)."""
    on_page = [p for p in flow.placed if p.page == page]
    if page in flow.landscape or any(p.row.element in ("表头", "表格") or p.row.decor for p in on_page):
        return None
    if on_page and not on_page[0].row.first and on_page[0].row.origin.block is None:
        return None              # a paragraph the DOCX keeps whole runs in from the page before
    group = _signature_group(blocks, bi)
    height = bottom - spec.line_top(first)
    grid = first - 1 + round(height / spec.LINE_PITCH)        # the grid's lines down to `bottom`
    for n in range(grid + 1, n_lines + spec.LINES_PER_PAGE):
        pitch = _twips_floor(height / (n - first + 1))
        if pitch < min_pitch - 1e-9:
            return None
        made = [b.at_pitch(pitch) if b.at_pitch else b for b in group]
        if any(b is None for b in made):
            return None
        made_all = [b for b in made if b is not None]
        gap = made_all[0].gap_before if line > 1 else 0     # a seal's clearance grows as lines close up
        if line - 1 + _group_need(made_all, gap) <= n:
            blocks[bi:bi + len(group)] = made_all
            flow.pitch[page] = (pitch, first)
            return n
    return None


def _note_split(flow: Flow, blocks: list[Block], bi: int, group: list[Block], cur: _Cursor,
                gap: int) -> list[Block] | None:
    """§7.3.5.1 measures the first seal's top from the 正文 "或附件说明" above it:
    where carrying 正文 with the signature would leave this page more than half
    empty (spec.MAX_EMPTY_LINES_BEFORE_SIGNATURE), or no 正文 can go (a short
    notice with a long 附件说明), the 附件说明 breaks between its items instead —
    as many as fit stay under the text, at least one goes with the signature —
    where that leaves this page fuller than carrying would.
    Returns the 附件说明 as two blocks, or None (text is carried)."""
    if len(group) != 2 or cur.page in flow.landscape:
        return None
    note, signature = group
    moved = _carry(flow, cur.page, blocks, cur.n_lines)
    carried_empty = _empty_after(flow, cur.page, cur.n_lines, moved)
    if moved and carried_empty <= spec.MAX_EMPTY_LINES_BEFORE_SIGNATURE:
        return None
    room = cur.n_lines - cur.line + 1
    for k in sorted((i for i, r in enumerate(note.rows) if r.first and i), reverse=True):
        head = replace(note, rows=note.rows[:k], keep_together=True, with_signature=False)
        tail = replace(note, rows=note.rows[k:], gap_before=0, keep_together=True, new_page=True)
        if gap + k > room or _group_need([tail, signature], 0) > spec.LINES_PER_PAGE:
            continue
        if moved and room - gap - k >= carried_empty:
            return None                  # no better than carrying: 正文 goes with the seal
        return [head, tail]
    return None


def _signature_group(blocks: list[Block], bi: int) -> list[Block]:
    """The blocks from `bi` through the signature block when `bi` starts it:
    the signature itself, or the 附件说明 just above it and the signature."""
    if blocks[bi].signature:
        return [blocks[bi]]
    if blocks[bi].with_signature and bi + 1 < len(blocks) and blocks[bi + 1].signature:
        return blocks[bi:bi + 2]
    return []


def _carry_text_lines(flow: Flow, page: int, blocks: list[Block], n_lines: int) -> None:
    """Move the end of `page` to the next page, not yet begun (_carry).
    Grid lines keep their spacing; moved rows are marked `carried`."""
    moved = _carry(flow, page, blocks, n_lines)
    if not moved:
        return
    first = moved[0].line
    for p in moved:
        p.page, p.line, p.carried = page + 1, p.line - first + 1, True


def _left_empty(flow: Flow, page: int, blocks: list[Block], n_lines: int) -> int:
    """Grid lines `page` would leave empty at its foot if text were carried."""
    return _empty_after(flow, page, n_lines, _carry(flow, page, blocks, n_lines))


def _empty_after(flow: Flow, page: int, n_lines: int, moved: list[Placed] | None) -> int:
    if not moved:
        return 0
    kept = [p.line for p in flow.placed if p.page == page and p not in moved]
    return n_lines - max(kept, default=0)


def _carry(flow: Flow, page: int, blocks: list[Block], n_lines: int) -> list[Placed] | None:
    """The rows that go over with the signature: CARRY_TEXT_LINES lines of 正文,
    or, where that would leave the page more than half empty
    (spec.MAX_EMPTY_LINES_BEFORE_SIGNATURE) and a one-line paragraph ends the
    text, that paragraph alone — §7.3.5.4 asks only that 正文 share the seal's page."""
    moved = _carry_cut(flow, page, blocks, CARRY_TEXT_LINES)
    if _empty_after(flow, page, n_lines, moved) <= spec.MAX_EMPTY_LINES_BEFORE_SIGNATURE:
        return moved
    fewer = _carry_cut(flow, page, blocks, 1)
    if fewer and _empty_after(flow, page, n_lines, fewer) < _empty_after(flow, page, n_lines, moved):
        return fewer
    return moved


def _carry_cut(flow: Flow, page: int, blocks: list[Block], text_lines: int) -> list[Placed] | None:
    """The rows at the end of `page` that go over so that the signature block
    about to start on the next page has `text_lines` lines of 正文 above
    it — as few as the rules allow: those lines, all that follows them
    (附件说明, …), a split paragraph keeping MIN_SPLIT_LINES lines on either
    side of the break, and a heading just above staying with its text.
    None when that would empty the page or split a table."""
    on_page = [p for p in flow.placed if p.page == page]
    k, text = len(on_page), 0
    while k > 0 and text < text_lines:
        k -= 1
        if on_page[k].row.glyphs and on_page[k].row.element not in NOT_TEXT:
            text += 1
    if text == 0:
        return None

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
        return None
    return moved
