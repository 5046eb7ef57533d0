"""The 主体 (§7.3) in the DOCX: the layout's lines grouped into paragraphs by
the model object they came from, tables with the layout's columns, and the
drawings anchored to the paragraphs they belong with."""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from ... import spec
from ...elements import Element
from ...layout.boxes import Align, Image, LaidLine, Rule
from ...layout.text import joined_for_word
from .ooxml import Emu, el, emu, mm_of_twips, on, text_run, twips
from .properties import (EXACT_ASCENT, PITCH, SIDES, STYLE, Para, by_first, hex_rgb, ind, merged_runs, rpr, run_of,
                         spacing, tab_props, table_xml, tabbed)

if TYPE_CHECKING:
    from . import Writer

E = Element
TABLE = (E.TABLE_HEAD, E.TABLE)
BREAK_JOINED = (E.TITLE, E.ATTACHMENT_TITLE)       # one paragraph, the layout's line breaks kept


def paragraphs(w: "Writer") -> list[Para]:
    """The flow's paragraphs: consecutive lines of one model object on one page."""
    lines = [ln for ln in w.flow if ln.text]
    out: list[Para] = []
    i = 0
    while i < len(lines):
        j = i + 1
        if lines[i].element in TABLE:
            key = (lines[i].origin.attachment, lines[i].origin.block)
            while j < len(lines) and lines[j].element in TABLE and \
                    (lines[j].origin.attachment, lines[j].origin.block) == key:
                j += 1
            out.append(table(lines[i:j]))
        else:
            while j < len(lines) and _continues(lines[j - 1], lines[j]):
                j += 1
            out.append(paragraph_of(lines[i:j]))
            if out[-1].element not in BREAK_JOINED and lines[j - 1].keep_with_next:
                out[-1].keep_next = True                # as the flow kept it (a title's style keeps it)
        i = j
    return out


def _continues(a: LaidLine, b: LaidLine) -> bool:
    """Is b the next line of a's paragraph?  A body paragraph the layout split
    across pages is two paragraphs here, so that Word and LibreOffice carry
    the lines the layout carried; other elements stay whole."""
    return not b.first and b.element == a.element and b.origin == a.origin and \
        (b.page == a.page or b.origin.block is None or b.element in BREAK_JOINED)


def paragraph_of(lines: list[LaidLine]) -> Para:
    first = lines[0]
    el_ = first.element
    st = STYLE[el_]
    if el_ in BREAK_JOINED:
        return Para(el_, lines, broken([[run_of(r) for r in ln.runs] for ln in lines]))
    if first.tabs:
        content, stops = tabbed(lines, first.frame[0])
        return Para(el_, lines, content, tab_props(stops), jc="left")
    if first.align is Align.RIGHT and len(lines) == 1:
        right = max(0, twips(first.frame[1] - first.end))
        return Para(el_, lines, [run_of(r) for r in first.runs], [ind(left=0, right=right)], jc="right")
    if first.align is Align.CENTRE:
        return Para(el_, lines, [run_of(r) for r in first.runs], jc="center")
    if el_ == E.ATTACHMENT_NOTE and len(lines) > 1:   # a name wraps where layout broke it, not inside a word
        content = broken([merged_runs(list(ln.runs)) for ln in lines])
    else:
        content = source_runs(lines) or merged_runs([r for ln in lines for r in ln.runs])
    p = Para(el_, lines, content, [_indent(lines, st.first_line_chars)])
    if first.align is Align.JUSTIFY and st.jc not in (None, "both"):
        p.jc = "both"
    return p


def broken(lines: list[list[etree._Element]]) -> list[etree._Element]:
    """The runs of several lines, each line ended by a line break."""
    return [r for k, runs in enumerate(lines) for r in ([el("w:r", el("w:br"))] if k else []) + runs]


def _indent(lines: list[LaidLine], style_chars: int) -> etree._Element | None:
    """The paragraph's indents as layout set them, when they differ from its style's."""
    first = lines[0]
    wrap = first.wrap if first.wrap is not None else first.x
    left, first_line = twips(wrap - first.frame[0]), twips(first.x - wrap)
    style = twips(style_chars * spec.CHAR_PITCH) if style_chars else 0
    if (left, first_line) == (0, style):
        return None
    chars = 0 if style_chars else None          # the style's indent in characters would win otherwise
    if first_line < 0:
        return ind(left=left, hanging=-first_line, first_chars=chars)
    return ind(left=left, first=first_line, first_chars=chars)


def source_runs(lines: list[LaidLine], position: int | None = None) -> list[etree._Element]:
    """A paragraph's text as the data has it (LaidLine.source: its spaces kept,
    where a line break dropped one), in runs of one role; [] for lines without
    a source (正文 and the 版记's items have one)."""
    chars = [(ch, s.role) for ln in lines for s in ln.source or () for ch in s.text]
    while chars and chars[-1][0] == " ":
        chars.pop()
    ends = set(itertools.accumulate(sum(len(s.text) for s in ln.source or ()) for ln in lines))
    # the layout's address breaks told to Word and LibreOffice (layout.text.joined_for_word)
    out, start = [], 0
    for role, group in itertools.groupby(chars, key=lambda c: c[1]):
        text = "".join(c for c, _ in group)
        out.append(text_run(joined_for_word(text, {e - start for e in ends}), rpr(role, position=position)))
        start += len(text)
    return out


def table(lines: list[LaidLine]) -> Para:
    """A 表格 as a Word table: the layout's column edges, one table row per row of
    cells, the header row marked to repeat (Word repeats it on each page)."""
    rows = by_first([ln for ln in lines if not ln.repeated])     # Word repeats the header itself
    edges = lines[0].edges
    widths = [twips(b) - twips(a) for a, b in zip(edges, edges[1:])]
    bsz = max(2, round(spec.TABLE_BORDER / spec.PT * 8))
    # the padding inside a cell, less the border Word and LibreOffice draw inside it
    pad = twips(spec.TABLE_CELL_PADDING_CHARS * spec.CHAR_PITCH) - round(bsz / 8 * 20)
    borders = [el(f"w:{s}", val="single", sz=bsz, space=0, color="000000") for s in SIDES]
    tbl = table_xml(widths, twips(edges[0] - lines[0].frame[0]), borders, pad)
    for tr in rows:
        tbl.append(_table_row(tr, widths, bsz))
    return Para(lines[0].element, lines, [], table=tbl)


def _table_row(tr: list[LaidLine], widths: list[int], bsz: int) -> etree._Element:
    head = tr[0].element == E.TABLE_HEAD
    role = STYLE[tr[0].element].role              # a cell's characters are in its element's (table_blocks)
    cells: list[list[str]] = [[] for _ in widths]
    for ln in tr:                                 # each line's characters, column by column (LaidLine.cells)
        for col, chars in itertools.groupby(zip(ln.text, ln.cells), key=lambda c: c[1]):
            cells[col].append("".join(ch for ch, _ in chars))
    # As many grid lines as the layout gave it, and more if need be: a cell whose text
    # takes a line more in the clerk's fonts (other widths of digits and Latin) makes
    # its row grow instead of being clipped.  LibreOffice adds the border to a row's
    # content, so each line is exact and shorter than a grid line by its share of the
    # border (a long table would drift off the grid otherwise), its text raised back
    # onto the layout's baseline.  Word and LibreOffice draw the table's top border
    # above its first row (and above the header repeated atop each page): the header
    # gives that width back.
    border = bsz * 20 // 8
    height = len(tr) * PITCH - (border if head else 0)
    line = (height - border) // len(tr)
    lift = round((border + EXACT_ASCENT * line - twips(spec.baseline_in_cell(0, tr[0].size))) / 10)
    row = el("w:tr", el("w:trPr", el("w:cantSplit"), el("w:trHeight", val=height, hRule="atLeast"),
                        el("w:tblHeader") if head else None))
    for col, width in enumerate(widths):
        # the layout's lines, each ended by a line break: a cell breaks by words
        content = broken([[text_run(t, rpr(role, position=lift))] for t in cells[col]])
        para = el("w:p", el("w:pPr", el("w:pStyle", val=STYLE[tr[0].element].sid), on("w:snapToGrid", False),
                            spacing(line=line), el("w:jc", val="center" if head else "left")), *content)
        row.append(el("w:tc", el("w:tcPr", el("w:tcW", w=width, type="dxa")), para))
    return row


# --- drawings ------------------------------------------------------------------

WPS_URI = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
PIC_URI = "http://schemas.openxmlformats.org/drawingml/2006/picture"


def _xfrm(cx: Emu, cy: Emu, shape: str, *fills: etree._Element) -> list[etree._Element]:
    return [el("a:xfrm", el("a:off", attrs={"x": 0, "y": 0}), el("a:ext", attrs={"cx": cx, "cy": cy})),
            el("a:prstGeom", el("a:avLst"), attrs={"prst": shape}), *fills]


def _anchor(w: "Writer", name: str, x: float, y: float, cx: Emu, cy: Emu, content: etree._Element, uri: str,
            behind: bool = False, from_paragraph: bool = False, wrap: str = "wrapNone",
            overlap: bool = True) -> etree._Element:
    """A drawing anchored at (x, y) mm on the page (or y from its paragraph's top)."""
    n = w.next_docpr()
    pos_h = el("wp:positionH", el("wp:posOffset", text=str(emu(x))), attrs={"relativeFrom": "page"})
    pos_v = el("wp:positionV", el("wp:posOffset", text=str(emu(y))),
               attrs={"relativeFrom": "paragraph" if from_paragraph else "page"})
    frame = el("wp:cNvGraphicFramePr", el("a:graphicFrameLocks", attrs={"noChangeAspect": 1}) if uri == PIC_URI
               else None)
    anchor = el("wp:anchor", el("wp:simplePos", attrs={"x": 0, "y": 0}), pos_h, pos_v,
                el("wp:extent", attrs={"cx": cx, "cy": cy}), el("wp:effectExtent", attrs=dict(l=0, t=0, r=0, b=0)),
                el(f"wp:{wrap}"), el("wp:docPr", attrs={"id": n, "name": name}), frame,
                el("a:graphic", el("a:graphicData", content, attrs={"uri": uri})),
                attrs={"distT": 0, "distB": 0, "distL": 0, "distR": 0, "simplePos": 0, "relativeHeight": n,
                       "behindDoc": int(behind), "locked": int(uri != PIC_URI), "layoutInCell": 1,
                       "allowOverlap": int(overlap)})
    drawing = el("w:drawing", anchor)
    if uri == PIC_URI:
        return el("w:r", drawing)
    return el("w:r", el("mc:AlternateContent", el("mc:Choice", drawing, attrs={"Requires": "wps"})))


def picture(w: "Writer", im: Image, host: Para | None) -> etree._Element:
    """An image in the box layout fitted it to; a seal anchored to the paragraph
    `host` of its 署名 (it moves with the signature when the text above changes)."""
    path = Path(im.path)
    rid = w.pkg.image(path.read_bytes(), path.suffix.lower().lstrip(".") or "png")
    cx, cy = emu(im.width), emu(im.height)
    top = im.y
    if host is not None:
        # from the top of its paragraph, the space before it included (as LibreOffice measures)
        top -= w.lay.line_top(host.page, host.lines[0].line or 1) - mm_of_twips(host.before)
    pic = el("pic:pic", el("pic:nvPicPr", el("pic:cNvPr", attrs={"id": w.docpr + 1, "name": path.name}),
                           el("pic:cNvPicPr")),
             el("pic:blipFill", el("a:blip", attrs={"r:embed": rid}), el("a:stretch", el("a:fillRect"))),
             el("pic:spPr", *_xfrm(cx, cy, "rect")))
    return _anchor(w, im.element, im.x, top, cx, cy, pic, PIC_URI, im.element == E.SEAL, host is not None)


def line_shape(w: "Writer", r: Rule) -> etree._Element:
    """A rule no paragraph carries (信函's red double lines), drawn on the page."""
    cx = emu(r.x1 - r.x0)
    ln = el("a:ln", el("a:solidFill", el("a:srgbClr", attrs={"val": hex_rgb(r.color)})), attrs={"w": emu(r.thickness)})
    sp = el("wps:wsp", el("wps:cNvCnPr"), el("wps:spPr", *_xfrm(cx, Emu(0), "line", ln)), el("wps:bodyPr"))
    return _anchor(w, r.element, r.x0, r.y, cx, Emu(0), sp, WPS_URI)


def text_box(w: "Writer", content: list[etree._Element], x: float, y: float, width: float, height: float,
             name: str, wrap: str = "wrapNone", overlap: bool = True, vert: str = "horz") -> etree._Element:
    """A borderless text box (content: paragraphs or tables) fixed on the page at
    (x, y) mm, width × height mm; vert="vert" turns its text a quarter clockwise."""
    cx, cy = emu(width), emu(height)
    body = el("wps:bodyPr", el("a:noAutofit"), attrs=dict(rot=0, vert=vert, wrap="square", lIns=0, tIns=0, rIns=0,
                                                         bIns=0, anchor="t", anchorCtr=0, upright=1))
    sp = el("wps:wsp", el("wps:cNvSpPr", attrs={"txBox": 1}),
            el("wps:spPr", *_xfrm(cx, cy, "rect", el("a:noFill"), el("a:ln", el("a:noFill")))),
            el("wps:txbx", el("w:txbxContent", *content)), body)
    return _anchor(w, name, x, y, cx, cy, sp, WPS_URI, wrap=wrap, overlap=overlap)


def drawings(w: "Writer", flow: list[Para], first_block: etree._Element | None) -> None:
    """Images and the rules no paragraph carries, each anchored in a paragraph of its page."""
    for page in w.lay.pages:
        for item in page.items:
            if isinstance(item, Image):
                anchored = next((p for p in flow if any(ln is item.anchor for ln in p.lines)), None)
                host = anchored or nearest(w, flow, page.number, item.y + item.height / 2)
                xml = picture(w, item, anchored)
            elif isinstance(item, Rule) and item.element not in (E.HEADER_RULE, E.IMPRINT, E.TABLE):
                host = nearest(w, flow, page.number, item.y)
                xml = line_shape(w, item)
            else:
                continue
            if host is not None:
                host.anchors.append(xml)
            elif page.number == 1 and first_block is not None and etree.QName(first_block).localname == "p":
                first_block.append(xml)


def nearest(w: "Writer", flow: list[Para], page: int, y: float) -> Para | None:
    """The paragraph on `page` whose first line is nearest to y (mm)."""
    on_page = [p for p in flow if p.table is None and p.lines and p.page == page and p.lines[0].line is not None]
    return min(on_page, key=lambda p: abs(w.lay.line_top(page, p.lines[0].line or 0) + spec.LINE_PITCH / 2 - y),
               default=None)
