"""DOCX writer: the same document as the PDF, as an editable Word file.

It reads the Layout — the lines the line breaker made, where the header, the
paginator and the 版记 put things — and, for the text of body paragraphs, the
model; it decides no geometry of its own.  The package is written by hand (no
template): no theme part, no random ids, no clock time, so the same data gives
the same bytes.

How the GB/T 9704 layout is carried over (checked in LibreOffice 7.4 by
tests/test_docx.py, which renders the DOCX and compares it line by line):

* 版心 and line grid: A4, margins 37/28/26/35 mm, a document grid of 22 lines
  (`w:docGrid w:type="lines"`, pitch 580 twips).  Body paragraphs snap to it, so
  each body line sits on the grid line the PDF has it on.
* 28 characters a line: a character spacing of −0.25 pt in the 3号 styles
  (−0.2 pt for 4号).  A character grid (`linesAndChars`) cannot do it:
  LibreOffice snaps every CJK character to whole cells of the grid, and a 16 pt
  character in a 15.79 pt cell takes two — 14 characters a line, measured.
* 版头 lines, page numbers and the 版记 are placed absolutely: paragraphs with an
  exact line height whose baseline lies 4/5 down the line (Word's and
  LibreOffice's rule for "exactly" spaced lines), moved by the spacing before
  them.  The red rule is the bottom border of the 发文字号 line; a joint mark is
  a borderless table (names | 文件); lines above the 版心 (信函) and rules no
  paragraph carries are fixed on the page.
* The 版记 is a text box fixed to the bottom of the 版心 and anchored to the last
  paragraph, so it stays there when the text above changes; inside, a table
  whose row borders are the rules.  A 版记 on a page of its own, and a blank
  page before it, are a section whose footers are empty.
* Page numbers are PAGE fields in odd and even footers (w:evenAndOddHeaders).
* Every paragraph has the paragraph style of its element (正文, 一级标题, 署名 …),
  every style and run names its fonts explicitly (spec.OFFICIAL_FONT).
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import metadata, spec
from ..layout.boxes import Image, Layout, Rule, TextRun, VRule
from ..layout.text import NO_LINE_END, NO_LINE_START, grid_tracking
from ..model import Document, Paragraph
from .ooxml import CT, XML_DECL, Package, attr, emu, mm_of_twips, text, twips, xmlns

# --- page geometry in twips ---------------------------------------------------

PAGE_W = twips(spec.PAGE_WIDTH)                     # 11906
PAGE_H = twips(spec.PAGE_HEIGHT)                    # 16838
TOP = twips(spec.TYPE_TOP)                          # 2098
LEFT = twips(spec.TYPE_LEFT)                        # 1587
RIGHT = PAGE_W - twips(spec.TYPE_RIGHT)             # 1474
TEXT_W = PAGE_W - LEFT - RIGHT                      # 8845
PITCH = twips(spec.LINE_PITCH)                      # 580: one grid line
# 22 lines must fit: the bottom margin gives way by the rounding of the pitch
# (34.93 mm instead of 35 mm, inside the standard's tolerance).
BOTTOM = PAGE_H - TOP - spec.LINES_PER_PAGE * PITCH  # 1980

# Landscape sections (§8): an A4 page 297 mm wide whose 版心 is the portrait
# 版心 turned.  Printed, a landscape page is turned a quarter to the left (its
# top at the left edge of the sheet, as printers turn landscape pages), so a
# point (U, V) of it lies at (x, y) = (V, PAGE_HEIGHT − U) on the sheet: the
# 订口 (left margin) becomes the top margin, the bottom margin the left one.
# The layout's turned frame is the same: U = u − (TYPE_TOP + TYPE_BOTTOM − PAGE_HEIGHT).
# As on portrait pages the grid lines must fill the text area exactly (LibreOffice
# centres a grid that leaves room over): the bottom margin takes what 15 lines
# leave of the 156 mm (28.56 mm instead of 26).
LS_W, LS_H = PAGE_H, PAGE_W
LS_TOP = twips(spec.LANDSCAPE_TOP)                                  # 28 mm
LS_BOTTOM = LS_H - LS_TOP - spec.LANDSCAPE_LINES * PITCH            # 1619
LS_LEFT = twips(spec.PAGE_HEIGHT - spec.TYPE_BOTTOM)                # 35 mm
LS_RIGHT = LS_W - LS_LEFT - twips(spec.LANDSCAPE_WIDTH)             # 37 mm

# Word and LibreOffice put the baseline of an "exactly" spaced line 4/5 of the
# line height below its top.  A line of height EM_ASCENT/EXACT_ASCENT em then
# starts exactly at the em box top, as layout places glyphs.
EXACT_ASCENT = 0.8

# Line breaking as the layout does it (gongwen/layout/text.py), told to Word and
# LibreOffice.  Measured with LibreOffice 7.4 (tests/test_docx.py):
# * The layout never lets punctuation hang past the 版心.  LibreOffice's DOCX
#   import reads w:overflowPunct inverted (hanging = not w:val), so w:val="1" is
#   what keeps it from hanging 、。，．：；！？ — Word reads that value as "may
#   hang", its own default.
# * Space between Chinese and Latin letters or digits: Word is told what the
#   layout does (spec.ASIAN_LATIN_SPACE_EM; none → w:autoSpaceDE/DN off).
#   LibreOffice ignores both elements on import and always puts 1/5 of the
#   font's line height (0.24 em with Fandol) there.


def _hex(rgb) -> str:
    return "".join(f"{round(c * 255):02X}" for c in rgb)


RED = _hex(spec.RED_RGB)                            # FF3333


def _half_points(size_pt: float) -> int:
    return max(2, int(size_pt * 2 + 1e-6))           # rounded down: never wider than the PDF


def char_spacing(size_pt: float) -> int:
    """Character spacing (twips) for a grid element of size_pt: the largest
    value at which a full line — 28 characters of 3号, 32 of 4号 — still fits
    the 版心 (the PDF's tracking is −0.21 pt; twips are coarser)."""
    n = round(spec.TYPE_AREA_WIDTH / spec.char_width(size_pt))
    adv = round(size_pt * 20)
    return (TEXT_W - n * adv) // (n - 1)


# --- styles -------------------------------------------------------------------

@dataclass
class StyleDef:
    name: str                 # the element, as the clerk sees it
    sid: str                  # style id (ASCII)
    role: str
    size: float
    grid: bool = True         # tracked to the 28-character grid
    jc: str | None = None
    snap: bool = True         # sits on the body's line grid
    color: str | None = None
    keep_next: bool = False
    first_line_chars: int = 0
    extra_ppr: dict = field(default_factory=dict)


B, T, I = spec.BODY_SIZE, spec.TITLE_SIZE, spec.IMPRINT_SIZE
STYLES: list[StyleDef] = [
    StyleDef("份号", "GwCopyNumber", spec.FANGSONG, B, snap=False, jc="left"),
    StyleDef("密级", "GwSecrecy", spec.HEITI, B, snap=False, jc="left"),
    StyleDef("紧急程度", "GwUrgency", spec.HEITI, B, snap=False, jc="left"),
    StyleDef("发文机关标志", "GwOrganMark", spec.XIAOBIAOSONG, spec.MARK_MAX_HEIGHT / spec.PT, grid=False,
             jc="center", snap=False, color=RED),
    StyleDef("签发人", "GwSigner", spec.FANGSONG, B, snap=False, jc="left"),
    StyleDef("发文字号", "GwDocNumber", spec.FANGSONG, B, snap=False, jc="center"),
    StyleDef("令号", "GwOrderNumber", spec.FANGSONG, B, snap=False, jc="center"),
    # titles: one grid line per line, exactly (a 二号 line in a big official face must not take
    # two), its baseline where the PDF has it (4/5 down the 580-twip line)
    StyleDef("标题", "GwTitle", spec.XIAOBIAOSONG, T, grid=False, jc="center", keep_next=True, snap=False,
             extra_ppr={"keepLines": True, "spacing": f'<w:spacing w:line="{PITCH}" w:lineRule="exact"/>'}),
    StyleDef("主送机关", "GwAddressee", spec.FANGSONG, B),
    StyleDef("正文", "GwBody", spec.FANGSONG, B, first_line_chars=spec.PARAGRAPH_INDENT_CHARS),
    StyleDef("一级标题", "GwHeading1", spec.HEADING_ROLE[1], B, first_line_chars=spec.PARAGRAPH_INDENT_CHARS),
    StyleDef("二级标题", "GwHeading2", spec.HEADING_ROLE[2], B, first_line_chars=spec.PARAGRAPH_INDENT_CHARS),
    StyleDef("三级标题", "GwHeading3", spec.HEADING_ROLE[3], B, first_line_chars=spec.PARAGRAPH_INDENT_CHARS),
    StyleDef("四级标题", "GwHeading4", spec.HEADING_ROLE[4], B, first_line_chars=spec.PARAGRAPH_INDENT_CHARS),
    StyleDef("表头", "GwTableHead", spec.HEITI, B, jc="center"),
    StyleDef("表格", "GwTableText", spec.FANGSONG, B, jc="left"),
    StyleDef("出席", "GwAttendance", spec.FANGSONG, B, jc="left"),
    StyleDef("附件说明", "GwAttachmentNote", spec.FANGSONG, B, jc="left"),
    StyleDef("署名", "GwIssuer", spec.FANGSONG, B, jc="right", keep_next=True),
    StyleDef("代章", "GwProxySeal", spec.FANGSONG, B, jc="right", keep_next=True),
    StyleDef("签名章", "GwSignatureSeal", spec.FANGSONG, B, jc="left"),
    StyleDef("成文日期", "GwDate", spec.FANGSONG, B, jc="right"),
    StyleDef("附注", "GwNote", spec.FANGSONG, B, jc="left", first_line_chars=spec.NOTE_INDENT_CHARS),
    StyleDef("附件标签", "GwAttachmentLabel", spec.HEITI, B, jc="left", keep_next=True),
    StyleDef("附件标题", "GwAttachmentTitle", spec.XIAOBIAOSONG, T, grid=False, jc="center", keep_next=True,
             snap=False,
             extra_ppr={"keepLines": True, "spacing": f'<w:spacing w:line="{PITCH}" w:lineRule="exact"/>'}),
    StyleDef("抄送机关", "GwCopyTo", spec.FANGSONG, I, snap=False, jc="both"),
    StyleDef("版记主送", "GwImprintAddressee", spec.FANGSONG, I, snap=False, jc="both"),
    StyleDef("印发机关", "GwPrinter", spec.FANGSONG, I, snap=False, jc="left"),
    StyleDef("版记", "GwImprint", spec.FANGSONG, I, snap=False, jc="left"),
    StyleDef("空白页", "GwBlankPage", spec.FANGSONG, B, jc="left"),
    StyleDef("页码", "GwPageNumber", spec.SONGTI, spec.PAGE_NUMBER_SIZE, grid=False, snap=False),
]
STYLE = {s.name: s for s in STYLES}
HEADER_ELEMENTS = ("份号", "密级", "紧急程度", "发文机关标志", "签发人", "发文字号", "令号")
IMPRINT_ELEMENTS = ("版记主送", "抄送机关", "印发机关")


def font_name(role: str) -> str:
    """The official face a role names in Word (spec.OFFICIAL_FONT, the one place to change it)."""
    return spec.OFFICIAL_FONT[role]


def rfonts(role: str) -> str:
    f = attr(font_name(role))
    return f"<w:rFonts w:ascii={f} w:eastAsia={f} w:hAnsi={f} w:cs={f} w:hint=\"eastAsia\"/>"


# Schema order of the children of w:pPr and w:rPr (Word rejects other orders).
_PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "widowControl", "pBdr", "tabs",
              "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN",
              "adjustRightInd", "snapToGrid", "spacing", "ind", "jc", "textAlignment", "rPr", "sectPr")


def ppr(**p) -> str:
    """w:pPr from keyword properties: True → on, False → off (w:val="0"), a string
    → that XML (pBdr, tabs, spacing, ind, sectPr) or that w:val (pStyle, jc)."""
    out = []
    for key in _PPR_ORDER:
        v = p.get(key)
        if v is None or v == "":
            continue
        if key in ("pStyle", "jc", "textAlignment"):
            out.append(f'<w:{key} w:val="{v}"/>')
        elif isinstance(v, str):
            out.append(v)
        elif v:
            out.append(f"<w:{key}/>")
        else:
            out.append(f'<w:{key} w:val="0"/>')
    return f"<w:pPr>{''.join(out)}</w:pPr>" if out else ""


def spacing(before: int | None = None, after: int | None = None, line: int | None = None,
            rule: str | None = None) -> str:
    a = []
    if before is not None:
        a.append(f'w:before="{max(0, before)}"')
    if after is not None:
        a.append(f'w:after="{max(0, after)}"')
    if line is not None:
        a.append(f'w:line="{line}" w:lineRule="{rule or "exact"}"')
    return f"<w:spacing {' '.join(a)}/>" if a else ""


def ind(left: int | None = None, right: int | None = None, first: int | None = None,
        hanging: int | None = None, first_chars: int | None = None) -> str:
    a = []
    if left is not None:
        a.append(f'w:left="{left}"')
    if right is not None:
        a.append(f'w:right="{right}"')
    if first_chars is not None:
        a.append(f'w:firstLineChars="{first_chars * 100}"')
    if first is not None:
        a.append(f'w:firstLine="{first}"')
    if hanging is not None:
        a.append(f'w:hanging="{hanging}"')
    return f"<w:ind {' '.join(a)}/>" if a else ""


def rpr(role: str | None = None, size: float | None = None, color: str | None = None,
        spacing_tw: int | None = None, scale: int | None = None, position: int | None = None) -> str:
    out = []
    if role:
        out.append(rfonts(role))
    if color:
        out.append(f'<w:color w:val="{color}"/>')
    if spacing_tw is not None:
        out.append(f'<w:spacing w:val="{spacing_tw}"/>')
    if scale is not None and scale != 100:
        out.append(f'<w:w w:val="{scale}"/>')
    if position:
        out.append(f'<w:position w:val="{position}"/>')
    if size is not None:
        hp = _half_points(size)
        out.append(f'<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/>')
    return f"<w:rPr>{''.join(out)}</w:rPr>" if out else ""


def run(s: str, role: str, **kw) -> str:
    s = re.sub(r"[\r\n\t]", " ", s)
    s = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", s)     # not allowed in XML
    return f'<w:r>{rpr(role, **kw)}<w:t xml:space="preserve">{text(s)}</w:t></w:r>'


def tab_run(role: str) -> str:
    return f"<w:r>{rpr(role)}<w:tab/></w:r>"


def border(side: str, thickness_mm: float, color: str, space_pt: int = 0) -> str:
    sz = max(2, round(thickness_mm / spec.PT * 8))
    return f'<w:{side} w:val="single" w:sz="{sz}" w:space="{space_pt}" w:color="{color}"/>'


def border_pt(thickness_mm: float) -> float:
    """The thickness Word draws for a border of thickness_mm (whole eighths of a point)."""
    return max(2, round(thickness_mm / spec.PT * 8)) / 8


# --- reading the layout ---------------------------------------------------------

@dataclass
class Row:
    """One printed line as drawn: its runs, in reading order."""
    page: int
    element: str
    baseline: float
    runs: list[TextRun]

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @property
    def xs(self) -> list[float]:
        return [x for r in self.runs for x in r.xs]

    @property
    def size(self) -> float:
        return self.runs[0].size

    @property
    def x0(self) -> float:
        return self.runs[0].xs[0]


def _rows(lay: Layout) -> dict[int, list[Row]]:
    """Rows of every page, grouped by element and baseline, top to bottom (a
    landscape page's in its turned frame: x is u, the baseline v)."""
    out: dict[int, list[Row]] = {}
    for page in lay.pages:
        rows: list[Row] = []
        for r in (*page.items, *page.rotated_items):
            if not isinstance(r, TextRun):
                continue
            for row in rows:
                if row.element == r.element and abs(row.baseline - r.baseline) < 1e-6:
                    row.runs.append(r)
                    break
            else:
                rows.append(Row(page.number, r.element, r.baseline, [r]))
        for row in rows:
            row.runs.sort(key=lambda r: r.xs[0])
        rows.sort(key=lambda row: (row.baseline, row.x0))
        out[page.number] = rows
    return out


def _norm(s: str) -> str:
    return re.sub(r"[\s\u3000]", "", s)


class _Advance:
    """Advances of drawn glyphs, from the fonts the layout used."""

    def __init__(self) -> None:
        from ..pipeline import fontbook
        self.book = fontbook()

    def advance(self, run: TextRun, ch: str) -> float:
        """Advance of ch as drawn in run, mm (tracking not included)."""
        try:
            adv = self.book.by_key(run.face).advance(ch)
        except Exception:                 # a face this book did not hand out: full width
            adv = 1.0
        return adv * run.size * spec.PT * run.hscale

    def end_x(self, run: TextRun, tracking: float = 0.0) -> float:
        return run.xs[-1] + self.advance(run, run.text[-1]) + tracking

    def split(self, run: TextRun, gap: float = 1.0) -> list[TextRun]:
        """A run cut where the layout left a gap between two of its characters
        (the 签名章's title and name, 印发机关 and 印发日期 …)."""
        from dataclasses import replace
        trk = _tracking(run)
        cuts = [0]
        for i in range(len(run.text) - 1):
            if run.xs[i + 1] - (run.xs[i] + self.advance(run, run.text[i]) + trk) > gap:
                cuts.append(i + 1)
        cuts.append(len(run.text))
        return [replace(run, text=run.text[a:b], xs=run.xs[a:b]) for a, b in zip(cuts, cuts[1:])]


# --- the document ----------------------------------------------------------------

@dataclass
class _Para:
    """A paragraph of the main story being built from laid lines."""
    element: str
    lines: list                        # LaidLines (flow) it prints
    runs: str                          # run XML
    ppr: dict = field(default_factory=dict)
    anchors: list[str] = field(default_factory=list)   # floating drawings anchored here
    table: str | None = None           # a whole w:tbl instead of a paragraph
    external_before: int = 0           # appended 附件 PDF pages before it (empty pages here)

    @property
    def page(self) -> int:
        return self.lines[0].page if self.lines else 0


class _Writer:
    def __init__(self, lay: Layout, doc: Document):
        self.lay, self.doc = lay, doc
        self.pkg = Package()
        self.rows = _rows(lay)
        self.adv = _Advance()
        self.docpr_id = 0
        self.extra_styles: dict[str, StyleDef] = {}
        imprint = set(IMPRINT_ELEMENTS)
        self.header_lines = [ln for ln in lay.lines if ln.page == 1 and
                             (ln.element in HEADER_ELEMENTS or ln.line is None)]
        self.imprint_lines = [ln for ln in lay.lines if ln.page == lay.imprint_page and ln.element in imprint]
        taken = {id(x) for x in self.header_lines + self.imprint_lines}
        self.flow = [ln for ln in lay.lines if id(ln) not in taken]
        self._row_cursor: dict[tuple[int, str], int] = {}
        self.model_paras = {_norm(p.text): p for p in _model_paragraphs(doc)}
        self.floats: list[str] = []            # 版头 lines fixed on the page (text boxes)
        self.landscape_pages = {p.number for p in lay.pages if p.rotated_items}

    def is_landscape(self, page: int) -> bool:
        """Is this physical page a landscape page (its content in the turned frame)?"""
        return page in self.landscape_pages

    # -- helpers ---------------------------------------------------------
    def next_docpr(self) -> int:
        self.docpr_id += 1
        return self.docpr_id

    def style(self, element: str, run: TextRun | None = None) -> StyleDef:
        """The element's style; an element this writer does not know yet gets one
        made from its first run (so every paragraph still has its element's style)."""
        st = STYLE.get(element) or self.extra_styles.get(element)
        if st is None:
            role = run.role if run else spec.FANGSONG
            size = run.size if run else spec.BODY_SIZE
            st = StyleDef(element, f"GwElement{len(self.extra_styles) + 1}", role, size,
                          grid=abs(size - spec.BODY_SIZE) < 1e-6 or abs(size - spec.IMPRINT_SIZE) < 1e-6,
                          jc="left")
            self.extra_styles[element] = st
        return st

    def row_of(self, ln) -> Row | None:
        """The drawn row of a laid line (the n-th row of its element on its page)."""
        key = (ln.page, ln.element)
        rows = [r for r in self.rows.get(ln.page, []) if r.element == ln.element]
        i = self._row_cursor.get(key, 0)
        self._row_cursor[key] = i + 1
        return rows[i] if i < len(rows) else None

    def _run_of(self, r: TextRun, text_: str | None = None) -> str:
        st = self.style(r.element, r)
        size = r.size if abs(st.size - r.size) > 1e-6 else None
        color = _hex(r.color) if r.color != spec.BLACK_RGB and st.color != _hex(r.color) else None
        scale = round(r.hscale * 100 - 0.5) if r.hscale != 1.0 else None    # rounded down, like the size
        # Word sets sizes in half points and scales in whole percent, both rounded
        # down here (never wider than the PDF); character spacing gives back
        # what that cost each character, so the 发文机关标志 still spans its width.
        spacing_tw = None
        if size is not None and not st.grid:
            lost = r.size * r.hscale - _half_points(r.size) / 2 * (scale if scale else 100) / 100
            spacing_tw = int(lost * 20) or None
        return run(r.text if text_ is None else text_, r.role, size=size, color=color, scale=scale,
                   spacing_tw=spacing_tw)

    def _merged_runs(self, runs: list[TextRun]) -> str:
        """Runs of several drawn lines as one paragraph's runs (same-font neighbours merged)."""
        out, prev, buf = [], None, ""
        for r in runs:
            key = (r.role, r.size, r.color, r.hscale, r.element)
            if prev is not None and key != prev[0]:
                out.append(self._run_of(prev[1], buf))
                buf = ""
            if prev is None or key != prev[0]:
                prev = (key, r)
            buf += r.text
        if prev is not None:
            out.append(self._run_of(prev[1], buf))
        return "".join(out)

    def _line_runs(self, runs: list[TextRun], jc: str | None) -> tuple[str, dict]:
        """Runs of one positioned line, and the tab stops that put them where the
        layout drew them (no paragraph indent, so a border spans the 版心)."""
        runs = sorted((piece for r in runs for piece in self.adv.split(r)), key=lambda r: r.xs[0])
        p: dict = {}
        if jc == "center":
            p["jc"] = "center"
            return "".join(self._run_of(r) for r in runs), p
        if jc == "right" and len(runs) == 1:          # several pieces (joint 署名): tab stops
            p["jc"] = "right"
            end = self.adv.end_x(runs[-1], _tracking(runs[-1]))
            p["ind"] = ind(left=0, right=max(0, twips(spec.TYPE_RIGHT - end)))
            return "".join(self._run_of(r) for r in runs), p
        p["jc"] = "left"
        p["ind"] = ind(left=0, right=0, first=0)
        xml, tabs = "", []
        prev_end = spec.TYPE_LEFT
        for k, r in enumerate(runs):
            end = self.adv.end_x(r, _tracking(r))
            if r.xs[0] - prev_end > 0.3:
                if k == len(runs) - 1 and k and abs(end - spec.TYPE_RIGHT) < 0.5:
                    tabs.append(("right", twips(end - spec.TYPE_LEFT)))     # flush right: stays so
                else:
                    tabs.append(("left", twips(r.xs[0] - spec.TYPE_LEFT)))
                xml += tab_run(r.role)
            xml += self._run_of(r)
            prev_end = end
        if tabs:
            p["tabs"] = "<w:tabs>" + "".join(f'<w:tab w:val="{v}" w:pos="{t}"/>' for v, t in tabs) + "</w:tabs>"
        return xml, p

    # -- 版头 --------------------------------------------------------------
    def header(self, title_top: int) -> list[str]:
        """The 版头: each line at its absolute place (exact line height, spacing
        before), the red rule as the last line's bottom border, then down to the
        title's grid line.  Returns block XML."""
        elements = {ln.element for ln in self.header_lines}
        rows = [r for r in self.rows.get(1, []) if r.element in elements]
        rule = next((i for i in self.lay.pages[0].items if isinstance(i, Rule) and i.element == "版头分隔线"), None)
        cursor = TOP
        paras: list[dict] = []
        suffix = self.doc.mark_suffix
        marks = [r for r in rows if r.element == "发文机关标志"]
        joint = len({round(r.baseline, 3) for r in marks}) > 1
        by_base: dict[float, list[Row]] = {}
        for r in rows:
            if r.element == "发文机关标志" and joint:
                continue
            by_base.setdefault(round(r.baseline, 4), []).append(r)
        items = [(b, rs) for b, rs in by_base.items()]
        if joint:
            items.append((min(r.baseline for r in marks), None))
        for _, rs in sorted(items, key=lambda t: t[0]):
            if rs is None:
                cursor = self._joint_mark(paras, marks, suffix, cursor)
            else:
                cursor = self._abs_line(paras, rs, cursor)
        if rule is not None:
            t = border_pt(rule.thickness)
            if not paras or paras[-1].get("table"):    # a line of its own to carry the rule
                paras.append({"element": "发文字号", "runs": "", "before": 0, "line": 20, "ppr": {}})
                cursor += 20
            gap = rule.y - rule.thickness / 2 - mm_of_twips(cursor)
            space = min(31, max(0, round(gap / spec.PT)))
            paras[-1]["ppr"]["pBdr"] = (f"<w:pBdr>{border('bottom', rule.thickness, _hex(rule.color), space)}"
                                        "</w:pBdr>")
            cursor += space * 20 + round(t * 20)
        if paras:
            paras[-1]["after"] = title_top - cursor
        out = []
        floats = "".join(self.floats)
        for p in paras:
            if p.get("table"):
                out.append(p["table"])
                continue
            sp = spacing(before=p["before"], after=p.get("after"), line=p["line"])
            out.append(f"<w:p>{ppr(pStyle=self.style(p['element']).sid, spacing=sp, **p['ppr'])}"
                       f"{p['runs']}{floats}</w:p>")
            floats = ""
        if floats:                             # nothing in the flow to hold them: an empty line does
            el = self.header_lines[0].element if self.header_lines else "版记"
            out.insert(0, f"<w:p>{ppr(pStyle=self.style(el).sid, spacing=spacing(before=0, after=0, line=20))}"
                          f"{floats}</w:p>")
        return out

    def _abs_line(self, paras: list, rows: list[Row], cursor: int) -> int:
        """A 版头 line at its absolute place: exact height 1.1 em from its em top."""
        elements = [r.element for r in rows]
        element = "发文字号" if "发文字号" in elements else elements[0]
        runs = [r for row in rows for r in row.runs]
        jc = None
        if len(rows) == 1 and abs(_centre(self.adv, runs) - spec.TYPE_CENTER_X) < 0.3 and \
                (rows[0].x0 > spec.TYPE_LEFT + 1 or element == "发文机关标志"):
            jc = "center"                      # centred in the layout: centred for the clerk too
        size = max(r.size for r in runs)
        base = rows[0].baseline
        em_top = twips(base - spec.EM_ASCENT * size * spec.PT)
        line = round(spec.EM_ASCENT / EXACT_ASCENT * _half_points(size) / 2 * 20)
        xml, p = self._line_runs(runs, jc)
        if em_top < cursor - 20:
            # above the 版心 (信函's mark) or overlapping the line above: a text box on the page
            sp = spacing(before=0, after=0, line=line)
            para = f"<w:p>{ppr(pStyle=self.style(element).sid, spacing=sp, **p)}{xml}</w:p>"
            self.floats.append(self._text_box(para, mm_of_twips(em_top), mm_of_twips(line), element))
            return cursor
        paras.append({"element": element, "runs": xml, "before": em_top - cursor, "line": line, "ppr": p})
        return max(cursor, em_top) + line

    def _text_box(self, content: str, top_mm: float, height_mm: float, name: str, wrap: str = "wrapNone") -> str:
        """Paragraphs in a borderless text box spanning the 版心, fixed on the page."""
        return text_box(self.next_docpr(), content, spec.TYPE_LEFT, top_mm, spec.TYPE_AREA_WIDTH, height_mm,
                        name, wrap)

    def _joint_mark(self, paras: list, marks: list[Row], suffix: str, cursor: int) -> int:
        """联合行文: the organs stacked on the left, 文件 on the right centred on the
        stack — a borderless two-cell table."""
        names, suf = [], None
        left_x = min(m.x0 for m in marks)
        for row in marks:
            keep = []
            for r in row.runs:
                if suffix and r.text == suffix and r.xs[0] > left_x + 1:
                    suf = r
                else:
                    keep.append(r)
            if keep:
                names.append(Row(row.page, row.element, row.baseline, keep))
        size = names[0].size
        line = round(spec.EM_ASCENT / EXACT_ASCENT * _half_points(size) / 2 * 20)
        top = cursor
        st = self.style("发文机关标志")
        name_ps, c = [], top
        for n in names:
            em_top = twips(n.baseline - spec.EM_ASCENT * n.size * spec.PT)
            sp = spacing(before=em_top - c, line=line)
            name_ps.append(f"<w:p>{ppr(pStyle=st.sid, spacing=sp, jc='left')}"
                           f"{''.join(self._run_of(r) for r in n.runs)}</w:p>")
            c = max(c, em_top) + line
        cells = [("".join(name_ps), c)]
        if suf is not None:
            em_top = twips(suf.baseline - spec.EM_ASCENT * suf.size * spec.PT)
            sp = spacing(before=em_top - top, line=line)
            cells.append((f"<w:p>{ppr(pStyle=st.sid, spacing=sp, jc='left')}{self._run_of(suf)}</w:p>",
                          max(top, em_top) + line))
        indent = twips(left_x - spec.TYPE_LEFT)
        col1 = twips((suf.xs[0] if suf else spec.TYPE_RIGHT) - left_x)
        cols = [col1] + ([TEXT_W - indent - col1] if suf else [])
        tbl = [_table_pr(sum(cols), indent), "<w:tblGrid>", *(f'<w:gridCol w:w="{w}"/>' for w in cols),
               "</w:tblGrid><w:tr>"]
        for (content, _), w in zip(cells, cols):
            tbl.append(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>{content}</w:tc>')
        tbl.append("</w:tr></w:tbl>")
        paras.append({"table": "<w:tbl>" + "".join(tbl)})
        return max(b for _, b in cells)

    # -- 主体 --------------------------------------------------------------
    def flow_paragraphs(self) -> list[_Para]:
        out: list[_Para] = []
        lines = [ln for ln in self.flow if ln.text]           # 空行 rows only make gaps
        rows = {id(ln): self.row_of(ln) for ln in self.flow if ln.text}
        i = 0
        notes = list(self.doc.attachments)
        while i < len(lines):
            ln = lines[i]
            el = ln.element
            j = i + 1
            if el in BREAK_JOINED:
                while j < len(lines) and lines[j].element == el and lines[j].page == ln.page:
                    j += 1
                group = lines[i:j]
                st = self.style(el, rows[id(ln)].runs[0] if rows[id(ln)] else None)
                runs = "<w:r><w:br/></w:r>".join(self._merged_runs(rows[id(g)].runs) if rows[id(g)]
                                                  else run(g.text, st.role) for g in group)
                out.append(_Para(el, group, runs))
            elif el in TABLE_ELEMENTS:
                while j < len(lines) and lines[j].element in TABLE_ELEMENTS and \
                        not self._starts_table(lines[i], lines[j - 1], lines[j]):
                    j += 1
                out.append(self._table(lines[i:j], rows))
            elif el == "附件说明" and notes:
                a = notes.pop(0)
                want = _norm(a.name)
                while j < len(lines) and lines[j].element == el and not \
                        _norm("".join(g.text for g in lines[i:j])).endswith(want):
                    j += 1
                out.append(self._attachment_note(lines[i:j], rows, a.name))
            elif el in FLOWING or el in WRAPPED or el in SPLIT_AT_LABEL:
                first = rows[id(ln)]
                while j < len(lines) and lines[j].element == el and rows[id(lines[j])] is not None:
                    r = rows[id(lines[j])]
                    if el in FLOWING and r.x0 > spec.TYPE_LEFT + 0.3:
                        break                          # an indented line starts a paragraph
                    if el in SPLIT_AT_LABEL and first is not None and abs(r.x0 - first.x0) < 0.3:
                        break                          # back at the label column: the next item
                    j += 1
                out.append(self._flowing(lines[i:j], rows))
            else:
                out.append(self._single(ln, rows[id(ln)]))
            i = j
        return out

    def _starts_table(self, first, prev, ln) -> bool:
        """Does table line `ln` begin a table of its own (after `prev`, in the
        table whose first line is `first`)?  Turning the page does; so does a
        header after body rows, unless it is the header repeated atop a page."""
        if self.is_landscape(ln.page) != self.is_landscape(prev.page):
            return True
        if ln.element != "表头" or prev.element == "表头":
            return False                       # body rows, or a header's further lines
        repeated = ln.page != prev.page and ln.line == 1 and first.element == "表头" and ln.text == first.text
        return not repeated

    def _flowing(self, group: list, rows: dict) -> _Para:
        """Lines of one paragraph that wraps: its text (the data's, with its spaces,
        when the model knows it), first-line and left indents from where the
        layout put the first and second lines."""
        el = group[0].element
        drawn = [rows[id(g)] for g in group if rows[id(g)] is not None]
        text_all = "".join(g.text for g in group)
        model = self.model_paras.get(_norm(text_all))
        if model is not None:
            runs = "".join(run(s.text, s.role) for s in model.spans if s.text)
        else:
            runs = self._merged_runs([r for d in drawn for r in d.runs])
        st = self.style(el, drawn[0].runs[0] if drawn else None)
        p: dict = {}
        if drawn:
            left = twips(drawn[1].x0 - spec.TYPE_LEFT) if len(drawn) > 1 else None
            first = twips(drawn[0].x0 - spec.TYPE_LEFT)
            if left is None:
                left = 0 if el in FLOWING or el in ("主送机关", "附注") else first
            if (left, first - left) != _style_indent(st):
                p["ind"] = ind(left=left, hanging=left - first) if first < left else \
                    ind(left=left, first=first - left)
        if model is not None and model.whole_heading:
            p["keepNext"] = True                       # a heading is never a page's last line
        return _Para(el, group, runs, p)

    def _single(self, ln, row: Row | None) -> _Para:
        """A line that is a paragraph of its own, placed as the layout drew it."""
        el = ln.element
        if row is None:
            st = self.style(el)
            return _Para(el, [ln], run(ln.text, st.role))
        self.style(el, row.runs[0])
        jc = "right" if el in RIGHT_ALIGNED else None
        if jc is None and abs(_centre(self.adv, row.runs) - spec.TYPE_CENTER_X) < 0.3 and row.x0 > spec.TYPE_LEFT + 1:
            jc = "center"
        xml, p = self._line_runs(row.runs, jc)
        return _Para(el, [ln], xml, p)

    def _attachment_note(self, group: list, rows: dict, name: str) -> _Para:
        drawn = [rows[id(g)] for g in group if rows[id(g)] is not None]
        joined = "".join(g.text for g in group)
        prefix = len(joined) - len(name) if joined.endswith(name) else 0
        first = drawn[0]
        x_name = first.xs[prefix] if prefix < len(first.xs) else first.x0
        left = twips(x_name - spec.TYPE_LEFT)
        hang = twips(x_name - first.x0)
        return _Para("附件说明", group, self._merged_runs([r for d in drawn for r in d.runs]),
                     {"ind": ind(left=left, hanging=hang)})

    def _table(self, group: list, rows: dict) -> _Para:
        """A 表格 as a Word table: the layout's column edges (its vertical rules),
        one table row per row of cells, the header row repeated on each page.
        On landscape pages it is read in the turned frame (spec.landscape_to_page),
        whose 版心 is the landscape section's."""
        turned = self.is_landscape(group[0].page)
        left, right = (spec.LANDSCAPE_LEFT, spec.LANDSCAPE_LEFT + spec.LANDSCAPE_WIDTH) if turned else \
            (spec.TYPE_LEFT, spec.TYPE_RIGHT)
        line_top = spec.landscape_line_top if turned else spec.line_top
        page_items = {p.number: p.rotated_items if turned else p.items for p in self.lay.pages}
        table_rows: list[list] = []
        edges_of: list[list[float]] = []
        header_done = repeating = False
        for g in group:
            top = line_top(g.line)
            vr = sorted({round(v.x, 4) for v in page_items[g.page]
                         if isinstance(v, VRule) and abs(v.y0 - top) < 1e-3})
            if g.element == "表头" and header_done and (vr or repeating):
                repeating = True                       # a repeated header: Word repeats it itself
                continue
            repeating = False
            if vr or not table_rows:
                table_rows.append([g])
                edges_of.append(vr or (edges_of[-1] if edges_of else [left, right]))
                if g.element == "表格":
                    header_done = True
            else:
                table_rows[-1].append(g)
        table_rows = [r for r in table_rows if r]
        edges = edges_of[0] if edges_of else [left, right]
        if len(edges) < 2:
            edges = [left, right]
        widths = [twips(b) - twips(a) for a, b in zip(edges, edges[1:])]
        bsz = max(2, round(spec.TABLE_BORDER / spec.PT * 8))
        # the padding inside a cell, less the border Word and LibreOffice draw inside it
        pad = twips(spec.TABLE_CELL_PADDING_CHARS * spec.CHAR_PITCH) - round(bsz / 8 * 20)
        bdr = "".join(f'<w:{s} w:val="single" w:sz="{bsz}" w:space="0" w:color="000000"/>'
                      for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
        xml = ["<w:tbl><w:tblPr>", f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>',
               f'<w:tblInd w:w="{twips(edges[0] - left)}" w:type="dxa"/>',
               f"<w:tblBorders>{bdr}</w:tblBorders>", '<w:tblLayout w:type="fixed"/>',
               f'<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="{pad}" w:type="dxa"/>'
               f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="{pad}" w:type="dxa"/></w:tblCellMar>',
               '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
               'w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>',
               *(f'<w:gridCol w:w="{w}"/>' for w in widths), "</w:tblGrid>"]
        for tr in table_rows:
            el = tr[0].element
            head = el == "表头"
            cells: list[list[TextRun]] = [[] for _ in widths]
            cell_lines: list[list[str]] = [[] for _ in widths]
            for g in tr:
                row = rows[id(g)]
                if row is None:
                    continue
                for r in row.runs:
                    for ch, x in zip(r.text, r.xs):
                        j = max(0, min(len(widths) - 1,
                                       sum(1 for e in edges[1:-1] if x >= e - 1e-6)))
                        cells[j].append(r)
                        if not cell_lines[j] or cell_lines[j][-1][0] is not g:
                            cell_lines[j].append([g, ""])
                        cell_lines[j][-1][1] += ch
            st = self.style(el)
            # as many grid lines as the layout gave it, exactly: LibreOffice adds the
            # border to a row that may grow, and a long table would drift off the grid
            height = len(tr) * PITCH
            if head:
                # Word and LibreOffice draw the table's top border above its first
                # row (and above the header repeated atop each page): the header
                # gives that width back, or a table filling a page loses its last row
                height -= bsz * 20 // 8
            trpr = (f'<w:trPr><w:cantSplit/><w:trHeight w:val="{height}" w:hRule="exact"/>'
                    f'{"<w:tblHeader/>" if head else ""}</w:trPr>')
            xml.append(f"<w:tr>{trpr}")
            for j, w in enumerate(widths):
                role = cells[j][0].role if cells[j] else st.role
                # the layout's lines, each ended by a line break: a cell breaks by
                # words (tables' own rule), which Word would not find by itself
                runs_ = "<w:r><w:br/></w:r>".join(run(t, role) for _, t in cell_lines[j] if t)
                jc = "center" if head else "left"
                para = f"<w:p>{ppr(pStyle=st.sid, jc=jc)}{runs_}</w:p>"
                xml.append(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>{para}</w:tc>')
            xml.append("</w:tr>")
        xml.append("</w:tbl>")
        return _Para(group[0].element, group, "", table="".join(xml))

    # -- drawings ----------------------------------------------------------
    def _picture(self, im: Image) -> str:
        path = Path(im.path)
        data = path.read_bytes()
        ext = path.suffix.lower().lstrip(".") or "png"
        rid = self.pkg.image(data, ext)
        w, h = im.width, im.height
        try:                                # keep the aspect ratio, centred in the box (as the PDF)
            from reportlab.lib.utils import ImageReader
            iw, ih = ImageReader(str(path)).getSize()
            k = min(w / iw, h / ih)
            w, h = iw * k, ih * k
        except Exception:
            pass
        x, y = im.x + (im.width - w) / 2, im.y + (im.height - h) / 2
        n = self.next_docpr()
        behind = "1" if im.element == "印章" else "0"
        return (f'<w:r><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
                f'relativeHeight="{n}" behindDoc="{behind}" locked="0" layoutInCell="1" allowOverlap="1">'
                '<wp:simplePos x="0" y="0"/>'
                f'<wp:positionH relativeFrom="page"><wp:posOffset>{emu(x)}</wp:posOffset></wp:positionH>'
                f'<wp:positionV relativeFrom="page"><wp:posOffset>{emu(y)}</wp:posOffset></wp:positionV>'
                f'<wp:extent cx="{emu(w)}" cy="{emu(h)}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
                f'<wp:wrapNone/><wp:docPr id="{n}" name={attr(im.element)}/>'
                '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
                '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
                f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{n}" name={attr(path.name)}/><pic:cNvPicPr/></pic:nvPicPr>'
                f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
                f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu(w)}" cy="{emu(h)}"/></a:xfrm>'
                '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
                "</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>")

    def _line_shape(self, r: Rule) -> str:
        """A rule the text does not carry (信函's red double lines) as a line drawn on the page."""
        n = self.next_docpr()
        w = emu(r.x1 - r.x0)
        return (f'<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
                f'<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="{n}" '
                'behindDoc="0" locked="1" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
                f'<wp:positionH relativeFrom="page"><wp:posOffset>{emu(r.x0)}</wp:posOffset></wp:positionH>'
                f'<wp:positionV relativeFrom="page"><wp:posOffset>{emu(r.y)}</wp:posOffset></wp:positionV>'
                f'<wp:extent cx="{w}" cy="0"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
                f'<wp:docPr id="{n}" name={attr(r.element)}/><wp:cNvGraphicFramePr/>'
                '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
                '<wps:wsp><wps:cNvCnPr/><wps:spPr>'
                f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{w}" cy="0"/></a:xfrm>'
                '<a:prstGeom prst="line"><a:avLst/></a:prstGeom>'
                f'<a:ln w="{emu(r.thickness)}"><a:solidFill><a:srgbClr val="{_hex(r.color)}"/></a:solidFill></a:ln>'
                '</wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>'
                "</mc:Choice></mc:AlternateContent></w:r>")

    # -- 版记 --------------------------------------------------------------
    def imprint_box(self) -> str:
        """The 版记 as a text box fixed to the bottom of the 版心 of its page.

        Inside, a one-column table: one row per group of items between two
        rules, the rules being the rows' borders (so they span the full 版心
        whatever the items' indents).  A 信函's 版记 has no rules: one row."""
        n = self.lay.imprint_page
        page = self.lay.pages[n - 1]
        rules = sorted((i for i in page.items if isinstance(i, Rule) and i.element == "版记"), key=lambda r: r.y)
        elements = {ln.element for ln in self.imprint_lines}
        rows = [r for r in self.rows[n] if r.element in elements]
        # each drawn line's grid line, from the laid line that printed it
        laid = sorted(self.imprint_lines, key=lambda ln: ln.line)
        grid_line = {id(r): ln.line for r, ln in zip(rows, laid) if (r.element, r.text) == (ln.element, ln.text)}
        if rules:
            top_mm = rules[0].y - rules[0].thickness / 2
            bottom_mm = rules[-1].y + rules[-1].thickness / 2
            bands = list(zip(rules, rules[1:]))
        else:
            first = min(ln.line for ln in self.imprint_lines)
            top_mm, bottom_mm = spec.line_top(first), spec.TYPE_BOTTOM
            bands = [(None, None)]
        # Not above the top of its first grid line as Word counts it (580 twips a
        # line drifts from the layout's 10.227 mm by 0.1 mm over a page): the text
        # box wraps top and bottom, and a line it overlapped would be pushed on.
        first_line = min(ln.line for ln in self.imprint_lines)
        top = max(twips(top_mm), TOP + (first_line - 1) * PITCH)
        top_mm = mm_of_twips(top)
        height = twips(bottom_mm) - top
        trs = []
        for i, (upper, lower) in enumerate(bands):
            last = i == len(bands) - 1
            if upper is None:
                band, cell_top, row_end = rows, top, top + height
            else:
                band = [r for r in rows if upper.y < r.baseline < lower.y]
                cell_top = twips(upper.y) if i else top
                # the last row stops a border's width short: its bottom border is drawn below it
                row_end = twips(lower.y) if not last else top + height - round(border_pt(lower.thickness) * 20)
            groups: list[list[Row]] = []
            for r in band:
                if groups and groups[-1][0].element == r.element:
                    groups[-1].append(r)
                else:
                    groups.append([r])
            paras = []
            cursor = cell_top
            for g in groups:
                size = g[0].size
                line = PITCH                                   # wrapped lines keep the grid pitch
                if id(g[0]) in grid_line:
                    line_top = twips(spec.line_top(grid_line[id(g[0])]))
                else:                                          # off the grid: its cell from the baseline
                    em_top = twips(g[0].baseline - spec.EM_ASCENT * size * spec.PT)
                    line_top = em_top - round((PITCH - size * 20) / 2)
                before = max(0, line_top - cursor)
                lo_base = cursor + before + EXACT_ASCENT * line
                raise_hp = round((lo_base - twips(g[0].baseline)) / 10)    # half-points, up
                xml, p = self._imprint_runs(g, raise_hp)
                sp = spacing(before=before, after=0, line=line)
                paras.append(f"<w:p>{ppr(pStyle=self.style(g[0].element).sid, spacing=sp, **p)}{xml}</w:p>")
                cursor += before + line * len(g)
            if not paras:
                paras.append(f"<w:p>{ppr(pStyle=STYLE['版记'].sid)}</w:p>")
            borders = ""
            if upper is not None:
                borders = border("top", upper.thickness, _hex(upper.color))
                if last:
                    borders += border("bottom", lower.thickness, _hex(lower.color))
            tcb = f"<w:tcBorders>{borders}</w:tcBorders>" if borders else ""
            trs.append(f'<w:tr><w:trPr><w:trHeight w:val="{row_end - cell_top}" w:hRule="exact"/></w:trPr>'
                       f'<w:tc><w:tcPr><w:tcW w:w="{TEXT_W}" w:type="dxa"/>{tcb}'
                       f'</w:tcPr>{"".join(paras)}</w:tc></w:tr>')
        table = ("<w:tbl>" + _table_pr(TEXT_W, 0) + f'<w:tblGrid><w:gridCol w:w="{TEXT_W}"/></w:tblGrid>'
                 + "".join(trs) + "</w:tbl>"
                 # a text box's last element must be a paragraph
                 + f'<w:p>{ppr(pStyle=STYLE["版记"].sid, spacing=spacing(before=0, after=0, line=20))}</w:p>')
        return text_box(self.next_docpr(), table, spec.TYPE_LEFT, top_mm, spec.TYPE_AREA_WIDTH,
                        mm_of_twips(height), "版记", "wrapTopAndBottom", overlap=False)

    def _imprint_runs(self, rows: list[Row], raise_hp: int) -> tuple[str, dict]:
        """A group of 版记 lines: a wrapping paragraph with a hanging indent after
        its label (抄送：), or one line whose parts sit at their tab stops (印发)."""
        first = rows[0]
        runs = [r for row in rows for r in row.runs]
        if len(rows) == 1:
            ends = [self.adv.end_x(r, _tracking(r)) for r in first.runs]
            if len(first.runs) > 1 or _gaps(first):
                # the last part flush right: a right tab at its end
                pieces = _split_at_gaps(first)
                xml, tabs = "", []
                for k, (start_x, text_, role) in enumerate(pieces):
                    if k == 0:
                        if start_x - spec.TYPE_LEFT > 0.3:
                            tabs.append(("left", twips(start_x - spec.TYPE_LEFT)))
                            xml += f"<w:r>{rpr(role, position=raise_hp)}<w:tab/></w:r>"
                    elif k == len(pieces) - 1:
                        tabs.append(("right", twips(max(ends) - spec.TYPE_LEFT)))
                        xml += f"<w:r>{rpr(role, position=raise_hp)}<w:tab/></w:r>"
                    else:
                        tabs.append(("left", twips(start_x - spec.TYPE_LEFT)))
                        xml += f"<w:r>{rpr(role, position=raise_hp)}<w:tab/></w:r>"
                    xml += run(text_, role, position=raise_hp)
                p = {"jc": "left", "ind": ind(left=0, right=0, first=0),
                     "tabs": "<w:tabs>" + "".join(f'<w:tab w:val="{v}" w:pos="{t}"/>' for v, t in tabs)
                             + "</w:tabs>"}
                return xml, p
            return "".join(run(r.text, r.role, position=raise_hp) for r in first.runs), \
                {"jc": "left", "ind": ind(left=twips(first.x0 - spec.TYPE_LEFT), right=0)}
        # several lines: wrapped lines align where the second line starts
        x_wrap = rows[1].x0
        right_end = max(self.adv.end_x(r.runs[-1], _tracking(r.runs[-1])) for r in rows[:-1])
        p = {"ind": ind(left=twips(x_wrap - spec.TYPE_LEFT), right=max(0, twips(spec.TYPE_RIGHT - right_end)),
                        hanging=twips(x_wrap - first.x0)),
             "jc": "both"}
        text_ = "".join(r.text for r in runs)
        return run(text_, runs[0].role, position=raise_hp), p

    # -- assembling --------------------------------------------------------
    def build(self) -> bytes:
        lay, doc = self.lay, self.doc
        flow = self.flow_paragraphs()
        first_line = next((ln for ln in self.flow if ln.line is not None), None)
        title_top = TOP + ((first_line.line if first_line else 1) - 1) * PITCH
        body: list[str] = self.header(title_top) if self.header_lines or first_line else []
        has_header = bool(body)

        # gaps (empty grid lines) above each paragraph, page breaks, keeps
        pages = {p.number: p for p in lay.pages}
        last = (1, 0) if not has_header else None
        prev: _Para | None = None
        sig_start = None
        for k, para in enumerate(flow):
            first = para.lines[0]
            before = 0
            if last is not None and first.line is not None:
                if first.page != last[0]:
                    before = (first.line - 1) * PITCH
                else:
                    before = max(0, first.line - last[1] - 1) * PITCH
            if before:
                para.ppr["spacing"] = spacing(before=before)
            if prev is not None and first.page > prev.lines[-1].page:
                between = [n for n in range(prev.lines[-1].page + 1, first.page)
                           if pages.get(n) is not None and pages[n].kind == "external"]
                para.external_before = len(between)
            if para.element in SIGNATURE and (prev is None or prev.element not in SIGNATURE):
                sig_start = k
            last = (para.lines[-1].page, para.lines[-1].line)
            prev = para
        if sig_start is not None:
            # the signature block stays together, and takes text above with it (§7.3.5.4)
            k = sig_start
            while k + 1 < len(flow) and flow[k + 1].element in SIGNATURE:
                flow[k].ppr["keepNext"] = True
                k += 1
            # The layout carries lines of text over with a signature that would
            # otherwise stand alone on a page (§7.3.5.4); keep what it carried
            # with the signature, a split paragraph by widow control (the layout
            # split it leaving two lines either side).  Elsewhere no keep: it
            # would also forbid the page breaks the layout made in the text.
            # and the 附件说明 stands on the signature's page, as the layout keeps it
            first = next((k for k, para in enumerate(flow[:sig_start])
                          if any(ln.carried for ln in para.lines)), sig_start)
            while first > 0 and flow[first - 1].element == "附件说明":
                first -= 1
            # A paragraph the layout split keeps two lines either side by widow
            # control; keep-with-next would make Word and LibreOffice move it whole.
            for para in flow[first:sig_start]:
                if para.table is None:
                    if any(ln.carried for ln in para.lines) and not all(ln.carried for ln in para.lines):
                        para.ppr["widowControl"] = True
                    else:
                        para.ppr["keepNext"] = True
        for para in flow:
            if para.element in NEW_PAGE:
                para.ppr["pageBreakBefore"] = True
        # landscape pages are sections of their own (§8); a section starts a page
        turned = [self.is_landscape(p.page) for p in flow]
        for k in range(1, len(flow)):
            if turned[k] != turned[k - 1]:
                flow[k].ppr.pop("pageBreakBefore", None)

        # drawings: images and the rules no paragraph carries, anchored on their page
        for page in lay.pages:
            for item in page.items:
                if isinstance(item, Image):
                    xml = self._picture(item)
                elif isinstance(item, Rule) and item.element not in ("版头分隔线", "版记", "表格"):
                    xml = self._line_shape(item)
                else:
                    continue
                host = _nearest(flow, page.number, (item.y + getattr(item, "height", 0) / 2))
                if host is not None:
                    host.anchors.append(xml)
                elif page.number == 1 and body:
                    body[0] = body[0].replace("</w:p>", xml + "</w:p>", 1) if body[0].startswith("<w:p>") \
                        else body[0]

        footer_odd = self.pkg_footer("footer1.xml", odd=True)
        footer_even = self.pkg_footer("footer2.xml", odd=False)
        footer_none = self.pkg_footer("footer3.xml", odd=None)
        first_blank = not lay.pages[0].show_number
        body_sect = self.sect_pr(footer_odd, footer_even, footer_none if first_blank else None)
        if any(turned):
            ls_odd, ls_even = (self.pkg_footer(f"footer{n}.xml", odd, landscape=True)
                               for n, odd in ((4, True), (5, False)))
            ls_sect = self.sect_pr(ls_odd, ls_even, None, landscape=True)
            later_sect = self.sect_pr(footer_odd, footer_even, None)     # no first-page exception

        def sect(k: int) -> str:
            """The properties of the section that ends with flow[k]."""
            if turned[k]:
                return ls_sect
            return body_sect if not any(turned[:k]) else later_sect

        flow_xml = [self._para_xml(p) for p in flow]
        for k in range(len(flow) - 1):
            if turned[k] != turned[k + 1]:
                flow_xml[k] = self._end_section(flow_xml[k], flow[k], sect(k))
        if lay.imprint_page is not None and self.imprint_lines:
            box = self.imprint_box()
            alone = lay.pages[lay.imprint_page - 1].kind == "imprint"
            if not alone and flow:
                if flow[-1].table is not None:     # the body may not end with a table: a paragraph holds the box
                    flow_xml.append(f"<w:p>{ppr(pStyle=STYLE['版记'].sid, spacing=spacing(before=0, after=0, line=20))}"
                                    f"{box}</w:p>")
                else:
                    flow_xml[-1] = _append_to_last_para(flow_xml[-1], box)
                final_sect = sect(len(flow) - 1)
            else:
                # a new section: the blank page and the 版记 page without numbers, or the
                # 版记 page numbered on when it follows a page of text
                if flow:
                    flow_xml[-1] = self._end_section(flow_xml[-1], flow[-1], sect(len(flow) - 1))
                else:
                    flow_xml.append(self._end_section("", None, body_sect))
                for _ in lay.blank_pages:
                    flow_xml.append(f"<w:p>{ppr(pStyle=STYLE['空白页'].sid)}</w:p>")
                brk = True if lay.blank_pages else None
                flow_xml.append(f"<w:p>{ppr(pStyle=STYLE['版记'].sid, pageBreakBefore=brk)}{box}</w:p>")
                numbered = lay.pages[lay.imprint_page - 1].show_number     # §7.5: none behind a blank page
                final_sect = self.sect_pr(footer_odd if numbered else footer_none,
                                          footer_even if numbered else footer_none, None, new_page=True)
        else:
            final_sect = sect(len(flow) - 1) if flow else body_sect
        body += flow_xml
        document = (XML_DECL + f'<w:document {xmlns("w", "r", "wp", "a", "pic", "wps", "mc", "w14")} '
                    'mc:Ignorable="w14"><w:body>' + "".join(body) + final_sect + "</w:body></w:document>")
        self.pkg.add("word/document.xml", document)
        self.pkg.relate("styles", "styles.xml")
        self.pkg.add("word/styles.xml", styles_xml(list(self.extra_styles.values())), CT["styles"])
        self.pkg.relate("settings", "settings.xml")
        self.pkg.add("word/settings.xml", settings_xml(), CT["settings"])
        self.pkg.relate("fontTable", "fontTable.xml")
        self.pkg.add("word/fontTable.xml", font_table_xml(), CT["fontTable"])
        self.pkg.add("docProps/core.xml", core_xml(doc), CT["core"])
        self.pkg.add("docProps/app.xml", app_xml(len(lay.pages)), CT["app"])
        return self.pkg.to_bytes()

    def _para_xml(self, para: _Para) -> str:
        pre = "".join(f"<w:p>{ppr(pStyle=STYLE['空白页'].sid, pageBreakBefore=True)}</w:p>"
                      for _ in range(para.external_before))
        anchors = "".join(para.anchors)
        if para.table is not None:
            # a table cannot hold a drawing itself: an empty paragraph before it does
            lead = ""
            if anchors or para.ppr.get("spacing") or para.ppr.get("pageBreakBefore"):
                before = _spacing_before(para.ppr.get("spacing", ""))
                sp = spacing(before=max(0, before - 20), after=0, line=20)
                pp = ppr(pStyle=self.style(para.element).sid, snapToGrid=False, spacing=sp,
                         pageBreakBefore=para.ppr.get("pageBreakBefore"))
                lead = f"<w:p>{pp}{anchors}</w:p>"
            return pre + lead + para.table
        return pre + f"<w:p>{ppr(pStyle=self.style(para.element).sid, **para.ppr)}{para.runs}{anchors}</w:p>"

    def _end_section(self, xml: str, para: _Para | None, sect: str) -> str:
        """A paragraph's XML made the last of a section.  A table cannot end a
        section: an empty line 1 pt high after it does — taken from the table's
        last row when the table fills its page, or it would start a page of
        its own."""
        if para is not None and para.table is None:
            return _add_sect(xml, sect)
        line = 20
        if para is not None:
            last = para.lines[-1]
            if last.line == (spec.LANDSCAPE_LINES if self.is_landscape(last.page) else spec.LINES_PER_PAGE):
                xml = _shorten_last_row(xml, line)
        sp = spacing(before=0, after=0, line=line)
        return xml + f"<w:p>{ppr(pStyle=STYLE['空白页'].sid, snapToGrid=False, spacing=sp, sectPr=sect)}</w:p>"

    def pkg_footer(self, name: str, odd: bool | None, landscape: bool = False) -> str:
        xml = landscape_footer_xml(odd, self.next_docpr(), self.lay.page_number_top) if landscape \
            else footer_xml(odd)
        self.pkg.add(f"word/{name}", xml, CT["footer"])
        return self.pkg.relate("footer", name)

    def sect_pr(self, odd_rid: str, even_rid: str, first_rid: str | None, new_page: bool = False,
                landscape: bool = False) -> str:
        if landscape:
            page = f'<w:pgSz w:w="{LS_W}" w:h="{LS_H}" w:orient="landscape"/>'
            margins = (f'<w:pgMar w:top="{LS_TOP}" w:right="{LS_RIGHT}" w:bottom="{LS_BOTTOM}" w:left="{LS_LEFT}" '
                       f'w:header="{LS_FOOTER_DISTANCE}" w:footer="{LS_FOOTER_DISTANCE}" w:gutter="0"/>')
        else:
            page = f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
            margins = (f'<w:pgMar w:top="{TOP}" w:right="{RIGHT}" w:bottom="{BOTTOM}" w:left="{LEFT}" '
                       f'w:header="{footer_distance(self.lay.page_number_top)}" '
                       f'w:footer="{footer_distance(self.lay.page_number_top)}" w:gutter="0"/>')
        return ("<w:sectPr>"
                f'<w:footerReference w:type="default" r:id="{odd_rid}"/>'
                f'<w:footerReference w:type="even" r:id="{even_rid}"/>'
                + (f'<w:footerReference w:type="first" r:id="{first_rid}"/>' if first_rid else "")
                + ('<w:type w:val="nextPage"/>' if new_page else "")
                + page + margins
                + '<w:cols w:space="720"/>'
                + ("<w:titlePg/>" if first_rid else "")
                + f'<w:docGrid w:type="lines" w:linePitch="{PITCH}"/>'
                "</w:sectPr>")


BREAK_JOINED = ("标题", "附件标题")                       # one paragraph, the layout's line breaks kept
FLOWING = ("正文", "一级标题", "二级标题", "三级标题", "四级标题")   # paragraphs start with an indented line
WRAPPED = ("主送机关", "附注")                            # consecutive lines: one paragraph
SPLIT_AT_LABEL = ("出席",)                                # a line back at the label column starts an item
RIGHT_ALIGNED = ("署名", "代章", "成文日期")
TABLE_ELEMENTS = ("表头", "表格")
SIGNATURE = ("署名", "代章", "成文日期", "签名章", "附注")
NEW_PAGE = ("附件标签",)


def _model_paragraphs(doc: Document):
    for b in doc.body:
        if isinstance(b, Paragraph):
            yield b
    for a in doc.attachments:
        for b in a.content:
            if isinstance(b, Paragraph):
                yield b


def _tracking(r: TextRun) -> float:
    """The tracking layout gave a run: grid elements are tracked, the rest set solid."""
    if len(r.xs) > 1:
        return 0.0 if r.element in ("发文机关标志", "标题", "附件标题", "页码") else grid_tracking(r.size)
    return grid_tracking(r.size) if r.element not in ("发文机关标志", "标题", "附件标题", "页码") else 0.0


def _centre(adv: "_Advance", runs: list[TextRun]) -> float:
    runs = sorted(runs, key=lambda r: r.xs[0])
    return (runs[0].xs[0] + adv.end_x(runs[-1], _tracking(runs[-1]))) / 2


def _gaps(row: Row) -> bool:
    xs = row.xs
    return any(b - a > 2.5 * spec.char_width(row.size) for a, b in zip(xs, xs[1:]))


def _split_at_gaps(row: Row) -> list[tuple[float, str, str]]:
    """Pieces of a line separated by wide gaps (印发机关 … 印发日期): (x, text, role)."""
    out: list[tuple[float, str, str]] = []
    limit = 2.5 * spec.char_width(row.size)
    prev_x = None
    for r in row.runs:
        for ch, x in zip(r.text, r.xs):
            if prev_x is None or x - prev_x > limit:
                out.append((x, ch, r.role))
            else:
                sx, t, role = out[-1]
                out[-1] = (sx, t + ch, role)
            prev_x = x
    return out


def _style_indent(st: StyleDef) -> tuple[int, int]:
    if st.first_line_chars:
        return 0, twips(st.first_line_chars * spec.char_width(st.size))
    return 0, 0


def _nearest(flow: list[_Para], page: int, y: float) -> _Para | None:
    """The paragraph on `page` whose first line is nearest to y (mm)."""
    best, best_d = None, None
    for p in flow:
        if p.table is not None or not p.lines or p.lines[0].page != page or p.lines[0].line is None:
            continue
        d = abs(spec.line_top(p.lines[0].line) + spec.LINE_PITCH / 2 - y)
        if best_d is None or d < best_d:
            best, best_d = p, d
    return best


def _table_pr(width: int, indent: int) -> str:
    """A borderless fixed table with no cell margins."""
    return ("<w:tblPr>"
            f'<w:tblW w:w="{width}" w:type="dxa"/><w:tblInd w:w="{indent}" w:type="dxa"/>'
            + "<w:tblBorders>" + "".join(f'<w:{s} w:val="nil"/>' for s in
                                         ("top", "left", "bottom", "right", "insideH", "insideV"))
            + '</w:tblBorders><w:tblLayout w:type="fixed"/>'
            + "<w:tblCellMar>" + "".join(f'<w:{s} w:w="0" w:type="dxa"/>' for s in
                                         ("top", "left", "bottom", "right")) + "</w:tblCellMar>"
            + '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
            'w:noHBand="1" w:noVBand="1"/></w:tblPr>')


def _spacing_before(sp: str) -> int:
    m = re.search(r'w:before="(\d+)"', sp)
    return int(m.group(1)) if m else 0


def _append_to_last_para(xml: str, run_xml: str) -> str:
    i = xml.rfind("</w:p>")
    return xml[:i] + run_xml + xml[i:]


def _shorten_last_row(table_xml: str, twips_: int) -> str:
    """A table whose last row is `twips_` less high (its rows have exact heights)."""
    m = list(re.finditer(r'<w:trHeight w:val="(\d+)" w:hRule="exact"/>', table_xml))[-1]
    return (table_xml[:m.start(1)] + str(int(m.group(1)) - twips_) + table_xml[m.end(1):])


def _add_sect(p_xml: str, sect: str) -> str:
    """Put a section break (sectPr) at the end of a paragraph's properties."""
    if "<w:pPr>" in p_xml:
        return p_xml.replace("</w:pPr>", sect + "</w:pPr>", 1)
    return p_xml.replace("<w:p>", f"<w:p><w:pPr>{sect}</w:pPr>", 1)


def text_box(docpr: int, content: str, x: float, y: float, width: float, height: float, name: str,
             wrap: str = "wrapNone", overlap: bool = True, vert: str = "horz") -> str:
    """A borderless text box (content: paragraphs or tables) fixed on the page at
    (x, y) mm, width × height mm; vert="vert" turns its text a quarter clockwise."""
    cx, cy = emu(width), emu(height)
    return (f'<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
            f'<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="{docpr}" '
            f'behindDoc="0" locked="1" layoutInCell="1" allowOverlap="{1 if overlap else 0}">'
            '<wp:simplePos x="0" y="0"/>'
            f'<wp:positionH relativeFrom="page"><wp:posOffset>{emu(x)}</wp:posOffset></wp:positionH>'
            f'<wp:positionV relativeFrom="page"><wp:posOffset>{emu(y)}</wp:posOffset></wp:positionV>'
            f'<wp:extent cx="{cx}" cy="{cy}"/>'
            f'<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:{wrap}/>'
            f'<wp:docPr id="{docpr}" name={attr(name)}/><wp:cNvGraphicFramePr/>'
            '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr>'
            f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>'
            f'<wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx>'
            f'<wps:bodyPr rot="0" vert="{vert}" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="t" '
            'anchorCtr="0" upright="1"><a:noAutofit/></wps:bodyPr></wps:wsp>'
            "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice></mc:AlternateContent></w:r>")


# --- page numbers ---------------------------------------------------------------

PN_LINE = round(spec.EM_ASCENT / EXACT_ASCENT * _half_points(spec.PAGE_NUMBER_SIZE) / 2 * 20)


def footer_distance(number_top: float) -> int:
    """The footer's one line ends at the page-number em box top (the layout's,
    Layout.page_number_top) + its exact height; Word and LibreOffice set the
    footer's bottom that far above the paper's edge."""
    return PAGE_H - twips(number_top) - PN_LINE


def page_number_para(odd: bool) -> str:
    """`— N —` in 4号 宋体 (a PAGE field): odd pages right, even pages left, one 字 in (§7.5)."""
    st = STYLE["页码"]
    inset = twips(spec.PAGE_NUMBER_INDENT_CHARS * spec.char_width(spec.PAGE_NUMBER_SIZE))
    dash = spec.PAGE_NUMBER_DASH
    p = ppr(pStyle=st.sid, spacing=spacing(before=0, after=0, line=PN_LINE),
            ind=ind(right=inset) if odd else ind(left=inset), jc="right" if odd else "left")
    r = rpr(st.role)
    fld = (f'<w:r>{r}<w:fldChar w:fldCharType="begin"/></w:r>'
           f'<w:r>{r}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
           f'<w:r>{r}<w:fldChar w:fldCharType="separate"/></w:r>'
           f'<w:r>{r}<w:t>1</w:t></w:r>'
           f'<w:r>{r}<w:fldChar w:fldCharType="end"/></w:r>')
    return f"<w:p>{p}{run(dash + ' ', st.role)}{fld}{run(' ' + dash, st.role)}</w:p>"


def footer_xml(odd: bool | None) -> str:
    """The page number in the footer; odd=None gives an empty footer (blank and
    版记-only pages)."""
    head = XML_DECL + f'<w:ftr {xmlns("w", "r")}>'
    if odd is None:
        return head + f"<w:p>{ppr(pStyle=STYLE['页码'].sid)}</w:p></w:ftr>"
    return head + page_number_para(odd) + "</w:ftr>"


# A landscape section's footer holds only the anchor of its page number: a 1 pt
# line half-way down the bottom margin.
LS_FOOTER_DISTANCE = LS_BOTTOM // 2


def landscape_footer_xml(odd: bool, docpr: int, number_top: float) -> str:
    """A landscape page's number where portrait pages have it (§8): the portrait
    footer line turned onto the landscape page (see LS_LEFT) — a text box on its
    left margin whose text runs down the page, a quarter turned clockwise, so
    that it reads upright on the sheet as printed."""
    line = mm_of_twips(PN_LINE)
    # the footer line's top (the em top, Layout.page_number_top) is the box's right edge
    box = text_box(docpr, page_number_para(odd), spec.PAGE_HEIGHT - number_top - line, spec.TYPE_LEFT,
                   line, spec.TYPE_AREA_WIDTH, "页码", vert="vert")
    holder = ppr(pStyle=STYLE["页码"].sid, snapToGrid=False, spacing=spacing(before=0, after=0, line=20))
    return XML_DECL + f'<w:ftr {xmlns("w", "r", "wp", "a", "wps", "mc")}><w:p>{holder}{box}</w:p></w:ftr>'


# --- package parts --------------------------------------------------------------

def styles_xml(extra: list[StyleDef] = ()) -> str:
    body = spec.FANGSONG
    grid3 = char_spacing(spec.BODY_SIZE)
    normal_ppr = ppr(widowControl=False, kinsoku=True, wordWrap=True,
                     overflowPunct=True, topLinePunct=False,
                     autoSpaceDE=None if spec.ASIAN_LATIN_SPACE_EM else False,
                     autoSpaceDN=None if spec.ASIAN_LATIN_SPACE_EM else False, adjustRightInd=False, jc="both")
    out = [XML_DECL, f'<w:styles {xmlns("w", "r")}>',
           "<w:docDefaults><w:rPrDefault><w:rPr>", rfonts(body),
           f'<w:sz w:val="{_half_points(spec.BODY_SIZE)}"/><w:szCs w:val="{_half_points(spec.BODY_SIZE)}"/>',
           '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>',
           "</w:rPr></w:rPrDefault><w:pPrDefault>", normal_ppr, "</w:pPrDefault></w:docDefaults>",
           '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>',
           normal_ppr, rpr(body, spec.BODY_SIZE, spacing_tw=grid3), "</w:style>",
           '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
           '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>',
           '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
           '<w:uiPriority w:val="99"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
           '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
           '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>']
    for s in [*STYLES, *extra]:
        p: dict = {}
        if s.keep_next:
            p["keepNext"] = True
        p.update(s.extra_ppr)
        if not s.snap:
            p["snapToGrid"] = False
        if s.first_line_chars:
            p["ind"] = ind(first=twips(s.first_line_chars * spec.char_width(s.size)),
                           first_chars=s.first_line_chars)
        if s.jc:
            p["jc"] = s.jc
        sp = char_spacing(s.size) if s.grid else 0
        out.append(f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{s.sid}">'
                   f'<w:name w:val={attr(s.name)}/><w:basedOn w:val="Normal"/><w:next w:val="{s.sid}"/>'
                   f"<w:qFormat/>{ppr(**p)}{rpr(s.role, s.size, s.color, spacing_tw=sp)}</w:style>")
    out.append("</w:styles>")
    return "".join(out)


def settings_xml() -> str:
    after = "".join(sorted(NO_LINE_END))
    before = "".join(sorted(NO_LINE_START))
    return (XML_DECL + f'<w:settings {xmlns("w", "r")}>'
            '<w:zoom w:percent="100"/>'
            f'<w:defaultTabStop w:val="{twips(spec.CHAR_PITCH * 2)}"/>'
            "<w:evenAndOddHeaders/>"
            '<w:characterSpacingControl w:val="doNotCompress"/>'
            f'<w:noLineBreaksAfter w:lang="zh-CN" w:val={attr(after)}/>'
            f'<w:noLineBreaksBefore w:lang="zh-CN" w:val={attr(before)}/>'
            '<w:compat><w:compatSetting w:name="compatibilityMode" '
            'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
            '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
            "</w:settings>")


# The Latin names Word and WPS know the official faces by (fonts/fonts.conf maps both).
ALT_NAMES = {
    spec.XIAOBIAOSONG: "FZXiaoBiaoSong-B05S",
    spec.FANGSONG: "FangSong_GB2312",
    spec.HEITI: "SimHei",
    spec.KAITI: "KaiTi_GB2312",
    spec.SONGTI: "SimSun",
}


def font_table_xml() -> str:
    out = [XML_DECL, f'<w:fonts {xmlns("w", "r")}>']
    seen = set()
    for role in spec.ROLES:
        name = font_name(role)
        if name in seen:
            continue
        seen.add(name)
        out.append(f"<w:font w:name={attr(name)}><w:altName w:val={attr(ALT_NAMES[role])}/>"
                   '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>')
    out.append("</w:fonts>")
    return "".join(out)


def _w3cdtf(d: _dt.date | None) -> str:
    d = d or _dt.date(2012, 7, 1)          # the standard's own date when the data has none
    return f"{d.isoformat()}T00:00:00+08:00"   # the PDF's instant: midnight, China time (pdfa.TZ)


def core_xml(doc: Document) -> str:
    when = _w3cdtf(doc.date)
    return (XML_DECL + '<cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{text(metadata.title(doc))}</dc:title>"
            f"<dc:subject>{text(metadata.subject(doc) or '')}</dc:subject>"
            f"<dc:creator>{text(metadata.author(doc))}</dc:creator>"
            f"<cp:keywords>{text(metadata.keywords(doc))}</cp:keywords>"
            "<cp:lastModifiedBy>gongwen</cp:lastModifiedBy><cp:revision>1</cp:revision>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
            "</cp:coreProperties>")


def app_xml(pages: int) -> str:
    return (XML_DECL + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"<Application>gongwen</Application><Pages>{pages}</Pages></Properties>")


def render_docx(lay: Layout, doc: Document) -> bytes:
    """The DOCX as bytes: same pages, lines and decisions as the PDF of `lay`."""
    return _Writer(lay, doc).build()
