"""主体 (§7.3) as blocks of grid rows: 标题, 主送机关, 正文, 附件说明, 署名 … 附注, 附件."""
from __future__ import annotations

import math

from .. import spec
from ..model import Attachment, Document, Span, Table, format_date
from ..elements import Element, heading
from .boxes import Align, Origin, Rule, Tab, TabKind, VRule
from .flow import CARRY_TEXT_LINES, Block, Row
from .limits import shown, too_long
from .text import (NO_LINE_END, NO_LINE_START, SOFT_BREAK_AFTER, Fonts, _words, break_lines, break_name, break_title,
                   clusters, grid_tracking, line_sources, line_width, natural, paragraph_lines, shape,
                   word_boundaries)

W = spec.TYPE_AREA_WIDTH
CH = spec.CHAR_PITCH
BODY = spec.BODY_SIZE


def _rows(fonts: Fonts, spans: list[Span], element: str, first_indent: float = 0.0,
          x0: float = spec.TYPE_LEFT, width: float = W, origin: Origin = Origin()) -> list[Row]:
    """A justified paragraph of body text, its first line indented."""
    lines = paragraph_lines(spans, fonts, BODY, grid_tracking(BODY), width, first_indent)
    return [Row(element, ln.glyphs, [x0 + x for x in ln.xs], origin=origin, first=i == 0, last=ln.last,
                align=Align.JUSTIFY, wrap=x0, frame=(x0, x0 + width))
            for i, ln in enumerate(lines)]


def title_lines(doc: Document, fonts: Fonts) -> tuple[str, ...]:
    """The 标题 as printed: the data's own breaks, or balanced automatic ones."""
    if not doc.title:
        return ()
    if doc.title_lines:
        return doc.title_lines
    return _broken_title(doc.title, fonts, organ_names(doc))


def organ_names(doc: Document) -> tuple[str, ...]:
    """The issuing organs' names — 发文机关署名 and the mark's — that a title never breaks."""
    return tuple(dict.fromkeys((*doc.issuers, *doc.organ_mark)))


def _broken_title(text: str, fonts: Fonts, names: tuple[str, ...] = ()) -> tuple[str, ...]:
    """A title in 二号 小标宋 broken to the 版心 width, measured in its own face:
    each character's advance (and its Chinese–Latin space) in 字 of the title."""
    em = spec.TITLE_SIZE * spec.PT
    glyphs = shape([Span(text, spec.XIAOBIAOSONG)], fonts, spec.TITLE_SIZE)
    return tuple(break_title(text, W / em, [(g.advance + g.lead) / em for g in glyphs], names))


def _centred_rows(fonts: Fonts, lines: tuple[str, ...], element: str, size: float, role: str,
                  origin: Origin = Origin()) -> list[Row]:
    """Lines centred in the 版心, one paragraph (a title: its breaks kept)."""
    rows: list[Row] = []
    for text in lines:
        g = shape([Span(text, role)], fonts, size)
        # a data-given line too long is wrapped
        for ln in break_lines(g, W, 0.0, justify=False) if line_width(g) > W else [None]:
            glyphs = ln.glyphs if ln is not None else g
            x0 = spec.TYPE_CENTER_X - line_width(glyphs) / 2
            rows.append(Row(element, glyphs, [x0 + x for x in natural(glyphs)], size, origin=origin,
                            first=not rows, last=False, align=Align.CENTRE))
    if rows:
        rows[-1].last = True
    return rows


def _paragraph_blocks(fonts: Fonts, blocks_in, attachment: int | None = None) -> list[Block]:
    out = []
    for k, p in enumerate(blocks_in):
        if isinstance(p, Table):
            out += table_blocks(fonts, p, *((spec.LANDSCAPE_LEFT, spec.LANDSCAPE_WIDTH) if p.landscape
                                            else (spec.TYPE_LEFT, W)), origin=Origin(attachment, k))
            continue
        origin = Origin(attachment, k, p.level, run_in=p.run_in)
        rows = _rows(fonts, list(p.spans), heading(p.level), spec.PARAGRAPH_INDENT_CHARS * CH, origin=origin)
        _sources(p.spans, rows)
        out.append(Block(rows, keep_with_next=p.whole_heading))
    return out


def _sources(spans, rows: list[Row]) -> None:
    """Each row's Row.source (text.line_sources)."""
    for row, source in zip(rows, line_sources(spans, [row.text for row in rows])):
        row.source = source


def table_blocks(fonts: Fonts, t: Table, left: float = spec.TYPE_LEFT, width: float = W,
                 origin: Origin = Origin()) -> list[Block]:
    """A 表格 on the line grid: each table row is a block of grid lines, cells
    wrap inside their column, borders drawn with the row, header repeated at
    the top of every page the table continues on.  `left` and `width` frame it:
    the 版心, or the turned 版心 of a landscape page."""
    W = width  # noqa: N806 — the frame's width, in place of the 版心's
    trk = grid_tracking(BODY)
    n = max(len(t.header), *(len(r) for r in t.rows)) if t.rows else len(t.header)
    grid = [list(r) + [""] * (n - len(r)) for r in (t.header, *t.rows)]
    pad = spec.TABLE_CELL_PADDING_CHARS * CH
    shaped = [[shape([Span(c, spec.HEITI if i == 0 else spec.FANGSONG)], fonts, BODY, trk) for c in row]
              for i, row in enumerate(grid)]
    widths, levels = _column_widths(shaped, grid, W, pad)
    edges = [left]
    for w in widths:
        edges.append(edges[-1] + w)
    edges[-1] = left + W
    blocks: list[Block] = []
    header_rows: list[Row] = []
    for i, row in enumerate(shaped):
        rows = _table_rows(i, row, widths, levels, edges, pad, left, W, origin)
        if i == 0:
            header_rows = rows
        # the header never stands alone at the foot of a page
        blocks.append(Block(rows, keep_together=True, keep_with_next=i == 0 and len(shaped) > 1,
                            repeat=header_rows if i else [], landscape=t.landscape))
    return blocks


def _column_widths(shaped: list[list], grid: list[list[str]], W: float,  # noqa: N803
                   pad: float) -> tuple[list[float], list[int]]:
    """Each column's width (the frame's width W shared) and the break level its cells need."""
    n = len(grid[0])
    natural_w = [max(line_width(row[j]) for row in shaped) + 2 * pad for j in range(n)]
    # Columns are sized by their unbreakable content first: each column starts
    # with its cells whole (spec.TABLE_BREAK_LEVELS, level 0) and, while the
    # columns are too wide together, the column whose next level is the mildest
    # (then the widest) is let break one level further — a long e-mail address
    # is cut after its @ or . before anything breaks at characters.
    top = len(spec.TABLE_BREAK_LEVELS) - 1

    def column_min(j: int, lv: int) -> float:
        return max(spec.TABLE_MIN_COLUMN_CHARS * CH,
                   *(max(cell_units(shaped[i][j], grid[i][j], lv, i == 0), default=0.0)
                     for i in range(len(shaped)))) + 2 * pad
    levels = [0] * n
    min_w = [column_min(j, 0) for j in range(n)]
    while sum(min_w) > W + 1e-6:
        movable = [j for j in range(n) if levels[j] < top]
        if not movable:                    # not even characters fit: share the width evenly
            min_w = [W / n] * n
            break
        # the mildest relaxation that narrows a column: the lowest level first, then the widest
        nxt = {j: column_min(j, levels[j] + 1) for j in movable}
        gain = [j for j in movable if nxt[j] < min_w[j] - 1e-6] or movable
        j = min(gain, key=lambda j: (levels[j], -min_w[j], j))
        levels[j] += 1
        min_w[j] = nxt[j]
    # Share the rest of the 版心 width: first towards each broken column's width
    # with its cells whole (level 0), in proportion to what it lacks; what is
    # left in proportion to each column's content.
    whole = [max(min_w[j], column_min(j, 0)) for j in range(n)]
    lack = [whole[j] - min_w[j] for j in range(n)]
    spare = W - sum(min_w)
    if spare <= sum(lack) + 1e-9:
        widths = [min_w[j] + (spare * lack[j] / sum(lack) if sum(lack) else 0.0) for j in range(n)]
    else:
        spare -= sum(lack)
        extra = [max(0.0, natural_w[j] - whole[j]) for j in range(n)]
        widths = [whole[j] + (spare * extra[j] / sum(extra) if sum(extra) else spare / n) for j in range(n)]
    return widths, levels


def _table_rows(i: int, row: list, widths: list[float], levels: list[int], edges: list[float], pad: float,
                left: float, W: float, origin: Origin) -> list[Row]:  # noqa: N803
    """Table row i (0: the header) as grid lines: its cells wrapped in their columns,
    the borders drawn with its first line."""
    cell_lines = [_cell_lines(g, widths[j] - 2 * pad, levels[j], i == 0) if g else []
                  for j, g in enumerate(row)]
    height = max(1, *(len(c) for c in cell_lines))
    rows = []
    for k in range(height):
        glyphs, xs, cells = [], [], []
        for j, lines in enumerate(cell_lines):
            if k < len(lines):
                ln = lines[k]
                x0 = edges[j] + pad
                if i == 0:                      # header cells centred
                    x0 += (widths[j] - 2 * pad - line_width(ln.glyphs)) / 2
                glyphs += ln.glyphs
                xs += [x0 + x for x in ln.xs]
                cells += [j] * len(ln.glyphs)
        rows.append(Row(Element.TABLE_HEAD if i == 0 else Element.TABLE, glyphs, xs,
                        origin=Origin(origin.attachment, origin.block, row=i), first=k == 0,
                        last=k == height - 1, align=Align.CENTRE if i == 0 else Align.LEFT,
                        cells=tuple(cells), edges=tuple(edges), frame=(left, left + W)))
    h = height * spec.LINE_PITCH
    b = spec.TABLE_BORDER
    rows[0].decor = ([Rule(left, left + W, 0.0, b, element="表格"),
                      Rule(left, left + W, h, b, element="表格")]
                     + [VRule(x, 0.0, h, b) for x in edges])
    return rows


def _soft_pieces(c, runs: bool = False) -> list[list]:
    """A Latin cluster cut after each of its soft break points (@ . / _ -), and
    with `runs` wherever digits meet letters."""
    pieces, cur = [], []
    for k, g in enumerate(c.glyphs):
        cur.append(g)
        nxt = c.glyphs[k + 1].ch if k + 1 < len(c.glyphs) else ""
        if g.ch in SOFT_BREAK_AFTER or runs and nxt and g.ch.isdigit() != nxt.isdigit():
            pieces.append(cur)
            cur = []
    return pieces + ([cur] if cur else [])


def _word_spans(glyphs: list, text: str, level: int, head: bool) -> list[tuple[int, int]]:
    """The pieces of a cell that must not be broken at a break level
    (spec.TABLE_BREAK_LEVELS), as glyph ranges: short cells (a name, 副科长, a
    header such as 联系人) whole, words, numbers, phone numbers and e-mail
    addresses whole — then cut at finer places, one kind at a time."""
    n = len(glyphs)
    last = len(spec.TABLE_BREAK_LEVELS) - 1
    if level >= last:
        return [(i, i + 1) for i in range(n)]
    keep = spec.TABLE_KEEP_HEADER_CHARS if head and level == 0 else spec.TABLE_KEEP_CELL_CHARS
    if n <= keep and " " not in text and not (head and level >= 3):
        return [(0, n)]
    fwd, bwd = word_boundaries(text)
    # level 0: where both segmentations agree (the longer words); then where either finds one
    bounds = (fwd & bwd if level == 0 else fwd | bwd) | {0, n}
    spans, i = [], 0
    for c in clusters(glyphs):
        k = len(c.glyphs)
        if k > 1 and level >= 2 and c.first.isascii():
            for piece in _soft_pieces(c, level >= 4):   # after @ . / _ - (at level 4 between digits and letters too)
                spans.append((i, i + len(piece)))
                i += len(piece)
            continue
        spans.append((i, i + k))
        i += k
    if level >= 4:                             # any character, but a run of digits stays whole
        return [p for a, b in spans for p in ([(a, b)] if text[a:b].isdigit() else
                                              [(k, k + 1) for k in range(a, b)])]
    if level >= 3:                             # Chinese at any character
        return spans
    # Chinese characters between two word boundaries make one piece (a word)
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and a not in bounds and not text[a].isascii() and not text[a - 1].isascii():
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    if level >= 1:                             # a long word at its shorter words
        out = [p for a, b in out for p in (_sub_words(text, a, b) if b - a > spec.TABLE_KEEP_CELL_CHARS
                                           and not text[a].isascii() else [(a, b)])]
    # a single 区, 市, 局 … ends the name before it (临淄|区 is one name)
    joined: list[tuple[int, int]] = []
    for a, b in out:
        if joined and b - a == 1 and text[a] in _NAME_END and not text[a - 1].isascii():
            joined[-1] = (joined[-1][0], b)
        else:
            joined.append((a, b))
    return joined


_NAME_END = set("省市区县镇乡村局委厅办处")


def _sub_words(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """A long word cut into the longest shorter listed words it begins with
    (市场监督管理局 → 市场|监督|管理局), forward maximum matching."""
    words = _words()
    out, i = [], a
    while i < b:
        k = next((k for k in range(min(b - i, b - a - 1), 1, -1) if text[i:i + k] in words), 1)
        out.append((i, i + k))
        i += k
    return out


def cell_units(glyphs: list, text: str, level: int, head: bool = False) -> list[float]:
    """Widths of a cell's unbreakable pieces at a break level (see _word_spans)."""
    if not glyphs:
        return []
    return [line_width(glyphs[a:b]) for a, b in _word_spans(glyphs, text, level, head)]


def _cell_lines(glyphs: list, width: float, level: int = 4, head: bool = False) -> list:
    """A table cell's lines, flush left, broken only between its unbreakable
    pieces at its column's level (_word_spans: 淄博市临淄区|市场监督管理局, never
    副科|长, 0533-218|1001 or zd@exampl|e.gov.cn) and, of those, at the place the
    lowest level allows (a word's end, then an address's @ or .)."""
    text = "".join(g.ch for g in glyphs)
    tiers = [{a for a, _ in _word_spans(glyphs, text, lv, head)[1:]} for lv in range(level + 1)]
    allowed = tiers[-1]
    out, start = [], 0
    while start < len(glyphs):
        if glyphs[start].ch == " ":        # a line starts after the space it broke at (break_lines drops it)
            start += 1
            continue
        line = break_lines(glyphs[start:], width, 0.0, justify=False)[0]
        end = start + len(line.glyphs)
        if end < len(glyphs):
            ok = lambda b: start < b <= end and glyphs[b].ch not in NO_LINE_START \
                and glyphs[b - 1].ch not in NO_LINE_END           # noqa: E731
            # the lowest tier with a break on this line that keeps at least half of it
            half = start + max(1, (end - start) // 2)
            pick = next((max(b for b in t if ok(b)) for t in tiers
                         if any(ok(b) and b >= half for b in t)), None)
            if pick is None:
                pick = max((b for b in allowed if ok(b)), default=None)
            if pick is None:               # a piece wider than the column: up to its end
                pick = min((b for b in allowed if b > start), default=len(glyphs))
            end = pick
            line = break_lines(glyphs[start:end], max(width, line_width(glyphs[start:end])) + 1e-6, 0.0,
                               justify=False)[0]
        out.append(line)
        start = end
    return out


def attachment_note(doc: Document, fonts: Fonts) -> Block | None:
    """附件说明: derived from the 附件 list, so the two always agree."""
    if not doc.attachments:
        return None
    label = shape([Span("附件：", spec.FANGSONG)], fonts, BODY, grid_tracking(BODY))
    x_label = spec.TYPE_LEFT + spec.ATTACHMENT_NOTE_INDENT_CHARS * CH
    x_num = x_label + line_width(label)
    rows: list[Row] = []
    several = len(doc.attachments) > 1
    for a in doc.attachments:
        # 附件：1．名称 — a full-width point (spec §5): 1.2025年… would read as a decimal
        num = shape([Span(f"{a.number}{spec.ATTACHMENT_NUMBER_POINT}", spec.FANGSONG)], fonts, BODY,
                    grid_tracking(BODY)) if several else []
        x_name = x_num + line_width(num)
        name = shape([Span(a.name, spec.FANGSONG)], fonts, BODY, grid_tracking(BODY))
        lines = break_name(name, spec.TYPE_RIGHT - x_name)
        for i, ln in enumerate(lines):
            glyphs, xs = list(ln.glyphs), [x_name + x for x in ln.xs]
            if i == 0:
                glyphs = num + glyphs
                xs = [x_num + x for x in natural(num)] + xs
                if a.number == 1:
                    glyphs = label + glyphs
                    xs = [x_label + x for x in natural(label)] + xs
            # wrapped lines of a name align with its first character (a hanging indent)
            rows.append(Row(Element.ATTACHMENT_NOTE, glyphs, xs, origin=Origin(item=a.number), first=i == 0,
                            last=i == len(lines) - 1, wrap=x_name))
    return Block(rows, gap_before=spec.ATTACHMENT_NOTE_GAP_LINES, keep_together=len(rows) <= 4, with_signature=True)


def signature_block(doc: Document, fonts: Fonts, pitch: float = spec.LINE_PITCH) -> Block | None:
    """署名, 代章, 成文日期 and 附注, placed sealed or unsealed (§7.3.5), for a page
    whose lines stand `pitch` apart (the grid's, or a signature page's closer
    lines: spec.SIGNATURE_PAGE_MIN_PITCH)."""
    if not doc.issuers and not doc.date:
        return None
    trk = grid_tracking(BODY)
    names = [shape([Span(n, spec.FANGSONG)], fonts, BODY, trk) for n in doc.issuers]
    date = shape([Span(format_date(doc.date), spec.FANGSONG)], fonts, BODY, trk) if doc.date else []
    proxy = shape([Span(f"（{doc.proxy_seal}）", spec.FANGSONG)], fonts, BODY, trk) if doc.proxy_seal else []
    wn = max((line_width(g) for g in names), default=0.0)
    wd = line_width(date)
    _signature_fits(doc, names, proxy)
    if doc.seal is not None:
        date_x = spec.TYPE_RIGHT - spec.DATE_RIGHT_INDENT_SEALED * CH - wd
        centre = date_x + wd / 2 if date else spec.TYPE_RIGHT - spec.DATE_RIGHT_INDENT_SEALED * CH - wn / 2
        name_x = min(max(centre - wn / 2, spec.TYPE_LEFT), spec.TYPE_RIGHT - wn)
        gap = spec.SIGNATURE_GAP_LINES_SEALED
    else:
        right = spec.TYPE_RIGHT - spec.SIGNATURE_RIGHT_INDENT_UNSEALED * CH
        name_x = right - wn
        date_x = name_x + spec.DATE_OFFSET_UNSEALED * CH
        if date_x + wd > right:               # a date longer than the 署名
            date_x = right - wd
            name_x = date_x - spec.DATE_OFFSET_UNSEALED * CH
        gap = spec.SIGNATURE_GAP_LINES_UNSEALED
    rows: list[Row] = []
    if doc.seal is not None and len(names) > 1:
        named, centre = _joint_sealed_names(names, date_x + wd / 2 if date else name_x + wn / 2, pitch)
        rows += named
        date_x = centre - wd / 2             # the last seal presses on its name and the date
    else:
        for g in names:
            # a joint unsealed stack is left-aligned; a single name as computed above
            x = name_x + (wn - line_width(g)) / 2 if doc.seal is not None else name_x
            rows.append(Row(Element.ISSUER, g, [x + v for v in natural(g)], anchors=[x + line_width(g) / 2],
                            origin=Origin(item=len(rows) + 1), align=Align.RIGHT))
    if proxy:
        x = min(max(name_x + wn / 2 - line_width(proxy) / 2, spec.TYPE_LEFT), spec.TYPE_RIGHT - line_width(proxy))
        rows.append(Row(Element.PROXY_SEAL, proxy, [x + v for v in natural(proxy)], align=Align.RIGHT))
    if date:
        rows.append(Row(Element.DATE, date, [date_x + v for v in natural(date)], align=Align.RIGHT))
    if doc.note:
        rows += _note_rows(doc, fonts, trk, rows, pitch)
    # The seal (an image, or the one stamped by hand on `印章: true`) reaches
    # below the date: those grid lines belong to the block too, so pagination
    # keeps them on its page and in the 版心, and nothing — the 版记 — stands there.
    reach = 0
    if doc.seal is not None:
        bottom = _seal_bottom(rows, pitch)
        if bottom is not None:
            reach = max(0, math.ceil(bottom[1] / pitch + bottom[0] - len(rows) - 1e-9))
        if pitch == spec.LINE_PITCH:
            _seal_rows_fit(doc, rows)
    least = _seal_clearance(rows, pitch) if doc.seal is not None else 1
    return Block(rows, gap_before=max(gap, least), min_gap_before=least, signature=True, reach=reach,
                 at_pitch=lambda p: signature_block(doc, fonts, p))


def _seal_clearance(rows: list[Row], pitch: float) -> int:
    """Empty lines above the block that keep the first seal off the text above
    (its top no higher than that line's foot, §7.3.5.1 "上距正文一行之内"): the
    seal keeps its 42 mm where a signature page's lines close up, so closer
    lines need more of them (2 on the grid, 3 at the closer pitches down to 0.64)."""
    names = [i for i, r in enumerate(rows) if r.element == "署名"]
    date = next((i for i, r in enumerate(rows) if r.element == "成文日期"), None)
    if not names:
        return 1
    first = names[0]
    joint_rows = len(names) > 1 or len(rows[first].anchors) > 1
    last = first if joint_rows and len(names) > 1 else (date if date is not None else first)
    top = first * pitch + spec.seal_centre(0.0, (last - first) * pitch, pitch) - spec.SEAL_DIAMETER / 2
    return max(1, math.ceil(-top / pitch - 1e-9))


def _signature_fits(doc: Document, names: list, proxy: list) -> None:
    """Each 署名 and the 代章 on one line (§7.3.5): a 署名 右空二字 unsealed, within the
    版心 sealed; the 代章 within the 版心.  Too long: the clerk is told the most."""
    room = W - (0.0 if doc.seal is not None else spec.SIGNATURE_RIGHT_INDENT_UNSEALED * CH)
    for name, g in zip(doc.issuers, names):
        if line_width(g) > room + 1e-6:
            most = int((room + 1e-6) // CH)
            raise too_long(doc, "发文机关署名", f"发文机关署名“{shown(name)}”有 {len(name)} 个字，一个署名排一行"
                           f"（{'加盖印章' if doc.seal is not None else '不加盖印章时右空二字'}），最多排 {most} 个字。",
                           f"写发文机关的全称或规范化简称，不超过 {most} 个字")
    if proxy and line_width(proxy) > W + 1e-6:
        most = int((W + 1e-6) // CH) - 2
        raise too_long(doc, "代章", f"代章“{shown(doc.proxy_seal or '')}”有 {len(doc.proxy_seal or '')} 个字，代章加括号排在署名下的一行，"
                       f"在版心之内最多排 {most} 个字（括号另占两个字）。",
                       f"只写代章机关的规范化简称和“代章”，不超过 {most} 个字，如“区市场监管局代章”")


def _note_rows(doc: Document, fonts: Fonts, trk: float, rows: list[Row], pitch: float) -> list[Row]:
    """The 附注's lines under the signature's `rows` (below the seal when sealed)."""
    note = shape([Span(f"（{doc.note}）", spec.FANGSONG)], fonts, BODY, trk)
    lines = break_lines(note, W, spec.NOTE_INDENT_CHARS * CH, justify=False)
    out = [Row("空行", [], []) for _ in range(_lines_under_seal(rows, lines[0], pitch))] if doc.seal is not None else []
    for i, ln in enumerate(lines):
        out.append(Row(Element.NOTE, ln.glyphs, [spec.TYPE_LEFT + x for x in ln.xs], first=i == 0,
                       last=ln.last, wrap=spec.TYPE_LEFT))
    return out


def _seal_rows_fit(doc: Document, rows: list[Row]) -> None:
    """The seals, 署名 and 成文日期 are one block on one page, with two lines of
    正文 above it (§7.3.5.4, flow.CARRY_TEXT_LINES): joint organs so many that
    their rows of seals are taller than that are refused, with how many fit.
    (A long 附注 below the date may run on to the next page.)"""
    room = spec.LINES_PER_PAGE - CARRY_TEXT_LINES
    seal = _seal_bottom(rows)
    date = next((i for i, r in enumerate(rows) if r.element == Element.DATE), 0)
    need = max(date + 1, math.ceil(seal[0] + seal[1] / spec.LINE_PITCH - 1e-9) if seal else 0)
    if need <= room:
        return
    seal_rows = [r for r in rows if r.element == Element.ISSUER]
    per_row = len(seal_rows[0].anchors)
    step = rows.index(seal_rows[1]) if len(seal_rows) > 1 else 1       # grid lines a row of seals takes
    fit_rows = len(seal_rows) - math.ceil((need - room) / step)
    most = max(1, fit_rows) * per_row
    raise too_long(doc, "发文机关署名", f"加盖印章的发文机关有 {len(doc.issuers)} 个：印章每排 {per_row} 枚，排成 "
                   f"{len(seal_rows)} 排，连同署名和成文日期要占 {need} 行；署名、印章和成文日期要排在同一页，上面还要有两行正文"
                   f"（GB/T 9704 §7.3.5），一页只排得下 {room} 行，即最多 {most} 个机关加盖印章。",
                   "机关过多时由主办机关署名并加盖印章，或分别行文；也可不加盖印章（印章: false）")


def _seal_bottom(rows: list[Row], pitch: float = spec.LINE_PITCH) -> tuple[int, float] | None:
    """The lowest seal's bottom edge, as (row index, mm below that row's top):
    the seals of the last 署名 row pressing on it and on the date, as
    layout._place_seal centres them (spec.seal_centre)."""
    names = [i for i, r in enumerate(rows) if r.element == "署名"]
    date = next((i for i, r in enumerate(rows) if r.element == "成文日期"), None)
    if not names:
        return None
    first = names[-1]
    last = date if date is not None else first
    return first, spec.seal_centre(0.0, (last - first) * pitch, pitch) + spec.SEAL_DIAMETER / 2


def _lines_under_seal(rows: list[Row], note_line, pitch: float = spec.LINE_PITCH) -> int:
    """Empty lines a 附注 long enough to reach under the seal needs so that the
    seal (centred over the last 署名 and the date, a little above, as
    layout._place_seal draws it) does not cover it."""
    seal = _seal_bottom(rows, pitch)
    if seal is None or not any(r.element == "成文日期" for r in rows):
        return 0
    first, bottom = seal                       # below row `first`'s top
    seal_left = min(rows[first].anchors) - spec.SEAL_DIAMETER / 2
    note_right = spec.TYPE_LEFT + note_line.xs[-1] + note_line.glyphs[-1].advance
    if note_right <= seal_left:
        return 0
    below = len(rows) - first                  # the 附注's row, counted from row `first`
    return max(0, math.ceil(bottom / pitch - below - 1e-9))


def _joint_sealed_names(names: list, last_centre: float, line_pitch: float = spec.LINE_PITCH
                        ) -> tuple[list[Row], float]:
    """Joint sealed 署名 (§7.3.5.2): each organ's name centred under its own seal,
    in the organs' order, as many to a row as fit the 版心; seals (and names)
    neither touch nor leave the 版心.  Columns are counted from the right: the
    last organ stands over the date, so its seal presses on both; a short last
    row keeps to the right-hand columns.  Returns the rows and the centre of
    the last column, where the date is centred."""
    widest = max(line_width(g) for g in names)
    # seals a gap apart, names JOINT_NAME_GAP_CHARS apart
    pitch = max(spec.SEAL_DIAMETER + spec.JOINT_SEAL_GAP, widest + spec.JOINT_NAME_GAP_CHARS * CH)
    half = max(spec.SEAL_DIAMETER, widest) / 2

    def fit(centre: float) -> int:
        n = 1
        while n < len(names) and centre - n * pitch - half >= spec.TYPE_LEFT - 1e-6:
            n += 1
        return n
    last_centre = min(last_centre, spec.TYPE_RIGHT - half)
    per_row = fit(last_centre)
    # Long names: the date may give up some of its 4 字 of right space (the
    # standard asks "一般", as a rule) so that two organs share a row.
    rightmost = spec.TYPE_RIGHT - half
    if per_row == 1 and fit(rightmost) > 1:
        last_centre = max(spec.TYPE_LEFT + half + pitch, last_centre)
        per_row = fit(last_centre)
    groups = [names[i:i + per_row] for i in range(0, len(names), per_row)]
    row_lines = -(-(spec.SEAL_DIAMETER + spec.JOINT_SEAL_GAP) // line_pitch)   # grid lines a row of seals needs
    rows: list[Row] = []
    for gi, group in enumerate(groups):
        glyphs: list = []
        xs: list[float] = []
        anchors: list = []
        tabs: list[Tab] = []
        for k, g in enumerate(group):
            centre = last_centre - (len(group) - 1 - k) * pitch
            x = centre - line_width(g) / 2
            tabs.append(Tab(len(glyphs), TabKind.LEFT, x))
            glyphs += g
            xs += [x + v for v in natural(g)]
            anchors.append(centre)
        # one organ alone in its row is right-aligned like a single 署名; several stand at their stops
        rows.append(Row(Element.ISSUER, glyphs, xs, anchors=anchors, origin=Origin(item=gi * per_row + 1),
                        align=Align.RIGHT if len(group) == 1 else Align.LEFT,
                        tabs=tuple(tabs) if len(group) > 1 else ()))
        if gi < len(groups) - 1:
            rows += [Row("空行", [], []) for _ in range(int(row_lines) - 1)]
    return rows, last_centre


def attachment_blocks(a: Attachment, several: bool, fonts: Fonts, names: tuple[str, ...] = ()) -> list[Block]:
    label = f"附件{a.number}" if several else "附件"
    origin = Origin(a.number)
    label_rows = _rows(fonts, [Span(label, spec.HEITI)], Element.ATTACHMENT_LABEL, origin=origin)
    for r in label_rows:
        r.align = Align.LEFT
    title = _broken_title(a.name, fonts, names)
    title_rows = _centred_rows(fonts, title, Element.ATTACHMENT_TITLE, spec.TITLE_SIZE, spec.XIAOBIAOSONG, origin)
    blocks = [Block(label_rows, new_page=True),
              Block(title_rows, gap_before=spec.ATTACHMENT_TITLE_LINE - spec.ATTACHMENT_LABEL_LINE - 1,
                    keep_together=True)]
    body = _paragraph_blocks(fonts, a.content, a.number)
    if body:
        body[0].gap_before = 1
    return blocks + body


def attendance_blocks(doc: Document, fonts: Fonts) -> list[Block]:
    """纪要 (§9.4): 出席 / 请假 / 列席, label in 黑体, names in 仿宋, wrapped lines
    aligned after the colon; each entry one block kept on one page (a page
    never breaks a list of names)."""
    trk = grid_tracking(BODY)
    x_label = spec.TYPE_LEFT + spec.ATTENDANCE_INDENT_CHARS * CH
    blocks = []
    for item, (label, names) in enumerate(doc.attendance, 1):
        lab = shape([Span(f"{label}：", spec.HEITI)], fonts, BODY, trk)
        x_names = x_label + line_width(lab)
        g = shape([Span(names, spec.FANGSONG)], fonts, BODY, trk)
        lines = break_lines(g, spec.TYPE_RIGHT - x_names)
        rows = []
        for i, ln in enumerate(lines):
            glyphs, xs = list(ln.glyphs), [x_names + x for x in ln.xs]
            if i == 0:
                glyphs, xs = lab + glyphs, [x_label + x for x in natural(lab)] + xs
            rows.append(Row(Element.ATTENDANCE, glyphs, xs, origin=Origin(item=item),
                            first=i == 0, last=ln.last, align=Align.JUSTIFY, wrap=x_names))
        blocks.append(Block(rows, gap_before=spec.ATTENDANCE_GAP_LINES if item == 1 else 0,
                            keep_together=len(rows) <= spec.LINES_PER_PAGE))
    return blocks


def signature_seal_block(doc: Document, fonts: Fonts) -> Block | None:
    """签名章 (§7.3.5.3): the signer's title, the signature seal (or the name where
    no seal image is given) 右空四字, and the date one empty line below, 右空四字."""
    ss = doc.signature_seal
    if ss is None:
        return None
    trk = grid_tracking(BODY)
    right = spec.TYPE_RIGHT - spec.SIGNATURE_SEAL_RIGHT_INDENT * CH
    name = shape([Span(ss.name, spec.FANGSONG)], fonts, BODY, trk)
    seal_w = signature_seal_size(ss)[0] if ss.image else line_width(name)
    seal_x = right - seal_w
    title = shape([Span(ss.title, spec.FANGSONG)], fonts, BODY, trk)
    title_x = seal_x - spec.SIGNATURE_SEAL_TITLE_GAP * CH - line_width(title)
    glyphs, xs = list(title), [title_x + x for x in natural(title)]
    tabs = [Tab(0, TabKind.LEFT, title_x)]
    if not ss.image:
        tabs.append(Tab(len(glyphs), TabKind.LEFT, seal_x))
        glyphs, xs = glyphs + name, xs + [seal_x + x for x in natural(name)]
    rows = [Row(Element.SIGNATURE_SEAL, glyphs, xs, tabs=tuple(tabs))]
    if doc.date:
        rows += [Row(Element.GAP, [], []) for _ in range(spec.SIGNATURE_SEAL_DATE_GAP_LINES)]   # the date one empty line below
        date = shape([Span(format_date(doc.date), spec.FANGSONG)], fonts, BODY, trk)
        rows.append(Row(Element.DATE, date, [right - line_width(date) + x for x in natural(date)], align=Align.RIGHT))
    return Block(rows, gap_before=spec.SIGNATURE_SEAL_GAP_LINES, min_gap_before=1, signature=True)


def signature_seal_size(ss) -> tuple[float, float]:
    """The 签名章 image as drawn: its own proportions, as large as fits the box."""
    bw, bh = spec.SIGNATURE_SEAL_BOX
    return (bw, bw / ss.aspect) if ss.aspect >= bw / bh else (bh * ss.aspect, bh)


def body_blocks(doc: Document, fonts: Fonts, titles: tuple[str, ...], with_addressees: bool = True) -> list[Block]:
    """The 主体's blocks in order; without the 主送机关 when they go to the 版记."""
    blocks = []
    if titles:
        blocks.append(Block(_centred_rows(fonts, titles, Element.TITLE, spec.TITLE_SIZE, spec.XIAOBIAOSONG),
                            keep_together=True, keep_with_next=True))
    if doc.addressees and with_addressees:
        blocks.append(Block(_rows(fonts, [Span(doc.addressees, spec.FANGSONG)], Element.ADDRESSEE),
                            gap_before=spec.ADDRESSEE_GAP_LINES if titles else 0))
    body = _paragraph_blocks(fonts, doc.body)
    if body and titles and not (doc.addressees and with_addressees):
        body[0].gap_before = spec.ADDRESSEE_GAP_LINES
    blocks += body
    blocks += attendance_blocks(doc, fonts)
    note = attachment_note(doc, fonts)
    if note:
        blocks.append(note)
    sig = signature_seal_block(doc, fonts) or signature_block(doc, fonts)
    if sig:
        blocks.append(sig)
    several = len(doc.attachments) > 1
    for a in doc.attachments:
        blocks += attachment_blocks(a, several, fonts, organ_names(doc))
    return blocks
