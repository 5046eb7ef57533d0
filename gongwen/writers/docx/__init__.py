"""DOCX writer: the same document as the PDF, as an editable Word file.

It reads the Layout — every line with its element, model object, alignment,
indents, tab stops and runs as placed — and decides no geometry of its own;
the package is written as element trees by hand (no template, no random ids,
no clock time), so the same data gives the same bytes.  tests/test_docx.py
renders it in LibreOffice and compares it with the PDF line by line.

* 版心 and line grid: a document grid of 22 lines (pitch 580 twips); body
  paragraphs snap to it.
* 28 characters a line: a character spacing of −0.25 pt in the 3号 styles
  (−0.2 pt for 4号).  A character grid cannot do it: LibreOffice snaps every
  CJK character to whole cells, and a 16 pt character in a 15.79 pt cell takes two.
* 版头 lines, page numbers and the 版记 are placed absolutely; landscape pages
  (§8) and the 版记's own page are sections.
"""
from __future__ import annotations

from lxml import etree

from ... import spec
from ...elements import Element, Part, part_of
from ...layout.boxes import Layout
from ...model import Document
from . import body, header, imprint, package
from .ooxml import Package, el, qn, root, twips
from .properties import PITCH, Para, by_first, paragraph, spacing

E = Element


class Writer:
    def __init__(self, lay: Layout, doc: Document):
        self.lay, self.doc = lay, doc
        self.pkg = Package()
        self.docpr = 0
        self.floats: list[etree._Element] = []         # 版头 lines fixed on the page (text boxes)
        self.flow = [ln for ln in lay.lines if ln.block >= 0]     # placed by the flow: not the 版头's, the 版记's
        self.header = [ln for ln in lay.lines if ln.page == 1 and part_of(ln.element) is Part.HEADER]
        self.imprint = [ln for ln in lay.lines if part_of(ln.element) is Part.IMPRINT]
        self.landscape_pages = {p.number for p in lay.pages if p.rotated_items}

    def next_docpr(self) -> int:
        self.docpr += 1
        return self.docpr

    def build(self) -> bytes:
        flow = body.paragraphs(self)
        has_header = bool(self.header) or any(ln.line is not None for ln in self.flow)
        blocks = header.header(self) if has_header else []
        _spacing_and_breaks(self, flow, has_header)
        body.drawings(self, flow, blocks[0] if blocks else None)
        blocks += self.sections(flow)
        document = root("w:document", "w", "r", "wp", "a", "pic", "wps", "mc", "w14")
        document.set(qn("mc:Ignorable"), "w14")
        document.append(el("w:body", *blocks))
        self.pkg.add("word/document.xml", document)
        for kind, part in (("styles", package.styles_part()), ("settings", package.settings_part()),
                           ("fontTable", package.font_table_part())):
            self.pkg.relate(kind, f"{kind}.xml")
            self.pkg.add(f"word/{kind}.xml", part, kind)
        self.pkg.add("docProps/core.xml", package.core_part(self.doc), "core")
        self.pkg.add("docProps/app.xml", package.app_part(len(self.lay.pages)), "app")
        return self.pkg.to_bytes()

    def sections(self, flow: list[Para]) -> list[etree._Element]:
        """The flow's blocks with their section breaks: landscape pages (§8) are
        sections of their own, and so is a 版记 on a page of its own."""
        lay = self.lay
        odd, even, none = (package.footer(self, f"footer{n}.xml", o) for n, o in ((1, True), (2, False), (3, None)))
        top = lay.page_number_top
        body_sect = package.sect_pr(top, odd, even, none if not lay.pages[0].show_number else None)
        turned = [p.page in self.landscape_pages for p in flow]
        if any(turned):
            ls_odd, ls_even = (package.footer(self, f"footer{n}.xml", o, landscape=True) for n, o in ((4, True), (5, False)))
            ls_sect = package.sect_pr(top, ls_odd, ls_even, None, landscape=True)
            later_sect = package.sect_pr(top, odd, even, None)

        def sect(k: int) -> etree._Element:
            """The properties of the section that ends with flow[k]."""
            return ls_sect if turned[k] else later_sect if any(turned[:k]) else body_sect
        out = [_blocks(p) for p in flow]
        for k in range(len(flow) - 1):
            if turned[k] != turned[k + 1]:
                _end_section(out[k], flow[k], sect(k), self)
        final = sect(len(flow) - 1) if flow else body_sect
        on = sorted({ln.page for ln in self.imprint}) if lay.imprint_page is not None else []
        if on and lay.pages[on[0] - 1].kind != "imprint" and flow:
            box = imprint.imprint_box(self, on.pop(0))
            if flow[-1].table is not None:     # the body may not end with a table: a paragraph holds the box
                out.append([paragraph(E.IMPRINT, box, props=[spacing(before=0, after=0, line=20)])])
            else:
                out[-1][-1].append(box)
        if on:
            # a new section: the blank page and the 版记 pages without numbers, or the
            # 版记 pages numbered on when they follow a page of text (§7.5); a 版记
            # taller than a page takes a page for each of its parts
            if not flow:
                out.append([])
            _end_section(out[-1], flow[-1] if flow else None, final, self)
            out.append([paragraph(E.BLANK_PAGE) for _ in lay.blank_pages])
            out.append([paragraph(E.IMPRINT, imprint.imprint_box(self, n), page_break=True if lay.blank_pages or k else None)
                        for k, n in enumerate(on)])
            numbered = lay.pages[on[0] - 1].show_number
            final = package.sect_pr(top, *((odd, even) if numbered else (none, none)), None, new_page=True)
        return [b for blocks in out for b in blocks] + [final]


def _blocks(p: Para) -> list[etree._Element]:
    """A paragraph's (or table's) blocks, after an empty page for each appended 附件 PDF page."""
    out = [paragraph(E.BLANK_PAGE, page_break=True) for _ in range(p.external_before)]
    if p.table is not None:
        # a table cannot hold a drawing itself: an empty paragraph before it does
        if p.anchors or p.before or p.page_break:
            sp = spacing(before=max(0, p.before - 20), after=0, line=20)
            out.append(paragraph(p.element, *p.anchors, props=[sp], snap=False, page_break=p.page_break))
        return out + [p.table]
    props = [spacing(before=p.before or None, line=p.line) if p.before or p.line else None, *p.props]
    return out + [paragraph(p.element, *p.content, *p.anchors, props=props, keep_next=p.keep_next,
                            page_break=p.page_break, jc=p.jc, widow=p.widow, snap=False if p.line else None)]


def _end_section(blocks: list[etree._Element], para: Para | None, sect: etree._Element, w: Writer) -> None:
    """Make a paragraph the last of a section.  A table cannot end a section: an
    empty line 1 pt high after it does — taken from the table's last row (and its
    lines, or the row would grow back) when the table fills its page, or it would
    start a page of its own."""
    if para is not None and para.table is None:
        blocks[-1].find(qn("w:pPr")).append(sect)
        return
    if para is not None and para.table is not None:
        last = para.lines[-1]
        if last.line == (spec.LANDSCAPE_LINES if last.page in w.landscape_pages else spec.LINES_PER_PAGE):
            row = para.table.findall(qn("w:tr"))[-1]
            lines = len(by_first([ln for ln in para.lines if not ln.repeated])[-1])
            for e, name, less in ((row.find(".//" + qn("w:trHeight")), "w:val", 20),
                                  *((sp, "w:line", -(-20 // lines)) for sp in row.iter(qn("w:spacing")))):
                e.set(qn(name), str(int(e.get(qn(name))) - less))
    blocks.append(paragraph(E.BLANK_PAGE, props=[spacing(before=0, after=0, line=20), sect], snap=False))


def _spacing_and_breaks(w: Writer, flow: list[Para], has_header: bool) -> None:
    """Empty grid lines above each paragraph, empty pages for appended 附件 PDFs, and
    a page break where the layout began a page on purpose (LaidLine.break_before;
    a landscape section starts a page by itself, a table breaks by its rows)."""
    last: tuple[int, int] | None = (1, 0) if not has_header else None
    prev: Para | None = None
    for para in flow:
        first = para.lines[0]
        page = w.lay.pages[first.page - 1]
        if first.line is not None and page.pitch != spec.LINE_PITCH and first.line >= page.pitch_from:
            para.line = twips(page.pitch)      # a signature page's closer lines (flow.paginate): exact, off the grid
        if last is not None and first.line is not None:
            above = (first.line - 1) if first.page != last[0] else max(0, first.line - last[1] - 1)
            closer = min(above, first.line - page.pitch_from) if para.line else 0
            para.before = (above - closer) * PITCH + closer * (para.line or 0)
        if prev is not None:
            para.external_before = sum(p.kind == "external" for p in w.lay.pages[prev.lines[-1].page:first.page - 1])
        same_kind = prev is None or (prev.page in w.landscape_pages) == (para.page in w.landscape_pages)
        if first.break_before and same_kind and para.table is None:
            para.page_break = True
        if len({ln.page for ln in para.lines}) > 1:
            para.widow = True          # layout split it two lines and more a side, as widow control does
        last = (para.lines[-1].page, para.lines[-1].line or 0)
        prev = para


def render_docx(lay: Layout, doc: Document) -> bytes:
    """The DOCX as bytes: same pages, lines and decisions as the PDF of `lay`."""
    return Writer(lay, doc).build()

