"""Layout: a validated Document in, positioned pages out.  Pure geometry —
it reads font metrics but writes nothing; the PDF and DOCX writers share it."""
from __future__ import annotations

import math

from .. import spec
from ..elements import Element
from ..model import Document, Span
from .body import body_blocks, signature_seal_size, title_lines
from .boxes import Image, LaidLine, Layout, Page, Rule, TextRun, VRule
from .flow import kept_with_next, paginate
from .header import layout_header
from .imprint import addressees_too_long, layout_imprint
from .limits import check_inside, too_long
from .text import Fonts, line_width, natural, runs, shape

__all__ = ["layout", "Layout", "Page", "TextRun", "Rule", "Image", "LaidLine"]


def line_containing(y: float) -> int:
    return math.floor((y - spec.TYPE_TOP) / spec.LINE_PITCH) + 1


def layout(doc: Document, fonts: Fonts, preprinted: bool = False) -> Layout:
    addressees_too_long(doc)                   # before a 主送机关 of any length is shaped
    header = layout_header(doc, fonts, preprinted)
    titles = title_lines(doc, fonts)
    first_line = line_containing(header.body_top) + 1 + header.gap_lines
    _signers_fit(doc, first_line, len(titles))
    letter = doc.format == "信函"
    imprint = layout_imprint(doc, fonts, letter, None)
    # the 版记 goes on an even page (a letter's on any): a signature page closing up its lines leaves it room
    blocks = body_blocks(doc, fonts, titles)
    flow = paginate(blocks, first_line, _imprint_lines(imprint), letter)
    moved_addressees = None
    if doc.addressees and doc.body and not _text_on_first_page(flow):
        # §7.3.2: so many 主送机关 that page 1 shows no 正文 — they go to the 版记
        moved_addressees = doc.addressees
        imprint = layout_imprint(doc, fonts, letter, moved_addressees)
        blocks = body_blocks(doc, fonts, titles, with_addressees=False)
        flow = paginate(blocks, first_line, _imprint_lines(imprint), letter)

    pages = [Page(i + 1) for i in range(flow.pages)]
    for i, (pitch, first) in flow.pitch.items():
        pages[i].pitch, pages[i].pitch_from = pitch, first
    pages[0].items += header.items
    lines = list(header.lines)
    for i in flow.landscape:
        pages[i].kind = "landscape"
    line_of = _place_rows(flow, blocks, pages, lines)
    _place_seal(doc, flow, pages, line_of)
    by_flow = list(pages)                      # flow page index → Page, before 附件 PDFs go in
    _insert_external(doc, flow, pages, lines)
    _mark_breaks(blocks, lines, pages)

    blank: list[int] = []
    if letter:
        pages[0].show_number = False          # §9.2: no page number on a letter's first page
    imprint_page = _place_imprint(imprint, flow, pages, by_flow, blank, letter, lines) if imprint else None

    for page in pages:
        if page.show_number:
            page.items += page_number(page.number, fonts)
    lay = Layout(pages, lines, titles, {}, imprint_page, tuple(blank), page_number_top(fonts))
    check_inside(lay, letter)          # never a glyph off the paper (limits.LayoutFault: no file is written)
    return lay


def _place_rows(flow, blocks: list, pages: list[Page], lines: list[LaidLine]) -> dict[int, LaidLine]:
    """The flow's rows drawn on their pages, each row with text a LaidLine in `lines`;
    returns id(Row) → its LaidLine."""
    line_of: dict[int, LaidLine] = {}          # id(Row) → its LaidLine
    kept = kept_with_next(blocks, flow.placed)
    for i, p in enumerate(flow.placed):
        row = p.row
        turned = p.page in flow.landscape
        top = spec.landscape_line_top(p.line) if turned else flow.line_top(p.page, p.line)
        target = pages[p.page].rotated_items if turned else pages[p.page].items
        pitch = flow.pitch[p.page][0] if p.page in flow.pitch and p.line >= flow.pitch[p.page][1] else spec.LINE_PITCH
        base = spec.baseline_in_cell(top, row.size, pitch)
        drawn = runs(row.glyphs, row.xs, 0.0, base, row.size, row.element, row.color)
        target += drawn
        for d in row.decor:
            target.append(_shift(d, top))
        if row.glyphs:                     # 空行 rows only make gaps
            lines.append(LaidLine(row.element, row.text, p.page + 1, p.line, p.carried, row.origin, row.first,
                                  row.last, row.align, tuple(drawn), row.frame, row.wrap, row.tabs, row.cells,
                                  row.edges, p.block, i in kept, row.source, repeated=p.repeated))
            line_of[id(row)] = lines[-1]
        if row.element.startswith("附件") and row.element != "附件说明":
            pages[p.page].kind = "attachment"
    return line_of


def _mark_breaks(blocks: list, lines: list[LaidLine], pages: list[Page]) -> None:
    """LaidLine.break_before of the flow's lines: the first of a block that starts a
    page of its own (an 附件), and a line on the page after its predecessor's where
    that page has grid lines left under it (a heading kept with its text, lines
    kept two together, a block kept whole, text carried with the signature)."""
    flow = [ln for ln in lines if ln.block >= 0]
    for prev, ln in zip([None, *flow], flow):
        if prev is None or prev.block != ln.block:
            ln.break_before = blocks[ln.block].new_page
        if prev is not None and ln.page == prev.page + 1:
            lines_on = spec.LANDSCAPE_LINES if pages[prev.page - 1].rotated_items else spec.LINES_PER_PAGE
            ln.break_before = ln.break_before or (prev.line or 0) < lines_on


def _place_imprint(imprint, flow, pages: list[Page], by_flow: list[Page], blank: list[int], letter: bool,
                   lines: list[LaidLine]) -> int:
    """Put the 版记's pages after the text (§7.4): its first part under the text
    of the last page when it fits and the 版记's last page is then even, else on
    pages of its own, a blank page first if need be.  Its lines join `lines`;
    returns its first page."""
    last = len(pages)
    used = max((p.line for p in flow.placed if by_flow[p.page] is pages[-1]), default=0)
    # a seal reaching below the date (flow.reserved) is part of the signature block: the 版记 stays clear of it
    used = max([used] + [ln for i, ln in flow.reserved.items() if by_flow[i] is pages[-1]])
    # Its first (or only) part fits under the text of the last page (measured on the page's own
    # lines: a signature page may have closed them up, flow.paginate) …
    fits = pages[-1].line_top(used + 1) <= spec.line_top(spec.LINES_PER_PAGE - len(imprint.pages[0][0]) + 1) \
        + 1e-6 and not pages[-1].rotated_items and pages[-1].kind != "external"
    # … and it goes there when its last part then falls on an even page (the back of a sheet);
    # a letter's needs only room.
    more = len(imprint.pages) - 1
    if ((last + more) % 2 == 0 or letter) and fits:
        targets = [pages[-1]]
        numbered = spec.IMPRINT_PAGE_NUMBERED_AFTER_TEXT
        for _ in range(more):
            targets.append(Page(len(pages) + 1, show_number=numbered, kind="imprint"))
            pages.append(targets[-1])
    else:
        # pages of its own (more than one when it is taller than a page, imprint.IMPRINT_MAX_PAGES),
        # the last even: a blank odd page first if need be
        if (last + len(imprint.pages)) % 2:
            pages.append(Page(last + 1, show_number=False, kind="blank"))
            blank.append(last + 1)
        # §7.5: unnumbered only behind a blank page (see spec.IMPRINT_PAGE_NUMBERED_AFTER_TEXT)
        numbered = spec.IMPRINT_PAGE_NUMBERED_AFTER_TEXT and not blank
        targets = []
        for _ in imprint.pages:
            targets.append(Page(len(pages) + 1, show_number=numbered, kind="imprint"))
            pages.append(targets[-1])
    for k, target in enumerate(targets):
        target.items += imprint.items(k)
        for ln in imprint.pages[k][0]:
            ln.page = target.number
    lines += imprint.lines
    return targets[0].number


def _signers_fit(doc: Document, first_line: int, title_lines: int) -> None:
    """The 发文字号 stands level with the last line of 签发人 and the red rule
    4 mm under it (§7.2.6): so many names that page 1 cannot hold the 标题 and a
    line of text under them are refused."""
    over = first_line + title_lines + 1 - spec.LINES_PER_PAGE
    if over <= 0 or not doc.signers:
        return
    per = spec.SIGNERS_PER_LINE
    rows = -(-len(doc.signers) // per)
    most = max(0, rows - over) * per
    raise too_long(doc, "签发人", f"签发人有 {len(doc.signers)} 个，每行排 {per} 个（GB/T 9704 §7.2.6）要排 {rows} 行，"
                   "发文字号和红色分隔线随最后一行下移，首页就排不下标题和正文了："
                   f"这份公文最多排 {most} 个签发人。",
                   "签发人只写签发这份公文的负责人（联合行文时每个机关一位）")


def _imprint_lines(imprint) -> int:
    """Grid lines a 版记 of one page takes at the foot of the last page (0: none, or one of pages of its own)."""
    return len(imprint.pages[0][0]) if imprint and len(imprint.pages) == 1 else 0


def _text_on_first_page(flow) -> bool:
    """Does 正文 start on page 1 — there, or carried from there to the signature's
    page (§7.3.5.4: then it is the signature's doing, not the 主送机关's)?"""
    return any((p.page == 0 or p.carried and p.page == 1) and p.row.glyphs
               and (p.row.element == "正文" or p.row.element.endswith("级标题")) for p in flow.placed)


def _shift(item, dy: float):
    """A decoration placed relative to its row, moved onto the page."""
    if isinstance(item, VRule):
        return VRule(item.x, item.y0 + dy, item.y1 + dy, item.thickness, item.color, item.element)
    return Rule(item.x0, item.x1, item.y + dy, item.thickness, item.color, item.element)


def page_number_top(fonts: Fonts) -> float:
    """Top of the page-number line's em box: where the 一字线's ink, measured in
    the face that sets it, has its top 7 mm below the 版心 (spec.PAGE_NUMBER_DASH_TOP)."""
    dash = spec.PAGE_NUMBER_DASH
    em = spec.PAGE_NUMBER_SIZE * spec.PT
    box = fonts.face_for(spec.SONGTI, dash).glyph_bounds(dash)
    ink_top = box[3] if box else spec.EM_ASCENT       # a blank dash: the em top stands in
    return spec.PAGE_NUMBER_DASH_TOP - (spec.EM_ASCENT - ink_top) * em


def page_number(n: int, fonts: Fonts) -> list[TextRun]:
    """`— N —` in 4号 宋体, its dashes' ink 7 mm below the 版心; odd right, even
    left, one 字 in (§7.5)."""
    size = spec.PAGE_NUMBER_SIZE
    dash = spec.PAGE_NUMBER_DASH
    glyphs = shape([Span(f"{dash} {n} {dash}", spec.SONGTI)], fonts, size)
    w = line_width(glyphs)
    inset = spec.PAGE_NUMBER_INDENT_CHARS * spec.char_width(size)
    x = spec.TYPE_RIGHT - inset - w if n % 2 else spec.TYPE_LEFT + inset
    base = page_number_top(fonts) + spec.EM_ASCENT * size * spec.PT
    return runs(glyphs, natural(glyphs), x, base, size, "页码")


def _fitted(path, aspect: float, x: float, y: float, w: float, h: float, element: str,
            anchor: LaidLine | None) -> Image:
    """An image of proportions `aspect` (width / height) as large as fits the box, centred in it."""
    fw, fh = (w, w / aspect) if aspect >= w / h else (h * aspect, h)
    return Image(path, x + (w - fw) / 2, y + (h - fh) / 2, fw, fh, element, anchor)


def _place_seal(doc: Document, flow, pages: list[Page], line_of: dict[int, LaidLine]) -> None:
    """A seal image centred over 署名 and 成文日期, pressing on them a little
    below its centre (§7.3.5.1); a 签名章 image beside the signer's title.
    Each image is anchored to the line it belongs with (its 署名, the 签名章
    line), so an editor moves them together."""
    ss = doc.signature_seal
    if ss is not None and ss.image is not None:
        row = next((p for p in flow.placed if p.row.element == Element.SIGNATURE_SEAL), None)
        if row is not None:
            w, h = signature_seal_size(ss)
            x = spec.TYPE_RIGHT - spec.SIGNATURE_SEAL_RIGHT_INDENT * spec.CHAR_PITCH - w
            cy = flow.line_top(row.page, row.line) + pages[row.page].pitch / 2
            pages[row.page].items.append(Image(ss.image, x, cy - h / 2, w, h, Element.SIGNATURE_SEAL,
                                               line_of.get(id(row.row))))
    if doc.seal is None:
        return
    names = [p for p in flow.placed if p.row.element == "署名"]
    date = next((p for p in flow.placed if p.row.element == "成文日期"), None)
    d = spec.SEAL_DIAMETER
    joint_rows = len(names) > 1 or any(len(p.row.anchors) > 1 for p in names)
    i = 0
    for n, placed in enumerate(names):
        for k, cx in enumerate(placed.row.anchors):
            image = doc.seal.image_for(i)
            i += 1
            if image is None:
                continue
            # seals in a row stand level: the last row's press on the date too
            last_row = n == len(names) - 1
            page = (date if last_row and date else placed).page
            top = flow.line_top(page, names[0].line if not joint_rows else placed.line)
            bottom = flow.line_top(page, (date or placed).line if last_row or not joint_rows else placed.line)
            cy = spec.seal_centre(top, bottom, pages[page].pitch)
            # drawn first, so the text stays legible on top (red ink over black)
            at = sum(1 for it in pages[page].items if isinstance(it, Image) and it.element == Element.SEAL)
            anchor = line_of.get(id((names[0] if not joint_rows else placed).row))
            pages[page].items.insert(at, _fitted(image, doc.seal.aspect_for(i - 1), cx - d / 2, cy - d / 2, d, d,
                                                 Element.SEAL, anchor))
            if not joint_rows:          # one organ: one seal over 署名 and date
                return


def _insert_external(doc: Document, flow, pages: list[Page], lines: list[LaidLine]) -> None:
    """An 附件 given as a PDF (`文件:`): its pages follow the 附件's label and
    title page, one `external` page each, numbered on from the body (§7.3.7)."""
    if not any(a.file for a in doc.attachments):
        return
    last: dict[int, int] = {}        # attachment index → last flow page holding its rows
    k = -1
    for p in flow.placed:
        if p.row.element == "附件标签":
            k += 1
        if k >= 0:
            last[k] = p.page
    after: dict[int, list[Page]] = {}
    for k, a in enumerate(doc.attachments):
        if a.file is not None and k in last:
            after.setdefault(last[k], []).extend(
                Page(0, kind="external", external=(a.file, i)) for i in range(a.pages))
    order: list[Page] = []
    for i, page in enumerate(pages):
        order.append(page)
        order += after.get(i, [])
    renumber = {}
    for n, page in enumerate(order, 1):
        if page.kind != "external":
            renumber[page.number] = n
        page.number = n
    for ln in lines:
        ln.page = renumber.get(ln.page, ln.page)
    pages[:] = order
