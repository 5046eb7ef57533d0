"""Page geometry in twips, the element styles, and the paragraph and run
properties every part of the DOCX is built from."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from lxml import etree

from ... import spec
from ...elements import INFO, Element
from ...layout.boxes import LaidLine, Tab, TabKind, TextRun
from .ooxml import Twips, eighths, el, half_points, on, text_run, twips

E = Element
PAGE_W, PAGE_H = twips(spec.PAGE_WIDTH), twips(spec.PAGE_HEIGHT)
TOP, LEFT = twips(spec.TYPE_TOP), twips(spec.TYPE_LEFT)
RIGHT = Twips(PAGE_W - twips(spec.TYPE_RIGHT))
TEXT_W = Twips(PAGE_W - LEFT - RIGHT)
PITCH = twips(spec.LINE_PITCH)                      # 580: one grid line
# 22 lines must fit: the bottom margin gives way by the rounding of the pitch
# (34.93 mm instead of 35 mm, inside the standard's tolerance).
BOTTOM = Twips(PAGE_H - TOP - spec.LINES_PER_PAGE * PITCH)
# Word and LibreOffice put the baseline of an "exactly" spaced line 4/5 of the
# line height below its top: a line EM_ASCENT / EXACT_ASCENT em high starts at
# the em box top, where layout places glyphs.
EXACT_ASCENT = 0.8


def exact_line(size_pt: float) -> Twips:
    """The exact line height that puts a size_pt line's em top at the line's top."""
    return Twips(round(spec.EM_ASCENT / EXACT_ASCENT * half_points(size_pt) / 2 * 20))


def hex_rgb(rgb: tuple[float, float, float]) -> str:
    return "".join(f"{round(c * 255):02X}" for c in rgb)


def char_spacing(size_pt: float) -> int:
    """Character spacing (twips) of a grid element of size_pt: the largest at
    which a full line — 28 characters of 3号, 32 of 4号 — still fits the 版心
    (the PDF's tracking is −0.21 pt; twips are coarser)."""
    n = round(spec.TYPE_AREA_WIDTH / spec.char_width(size_pt))
    return (TEXT_W - n * round(size_pt * 20)) // (n - 1)


# --- styles: one paragraph style per element -------------------------------------

@dataclass
class Style:
    element: str
    sid: str                  # style id (ASCII)
    jc: str | None
    grid: bool = True         # tracked to the 28-character grid
    snap: bool = True         # sits on the body's line grid
    keep_next: bool = False
    exact: bool = False       # one grid line per line, exactly (a 二号 title line must not take two)
    first_line_chars: int = 0
    color: str | None = None

    @property
    def role(self) -> str:
        return INFO[Element(self.element)].role

    @property
    def size(self) -> float:
        return INFO[Element(self.element)].size


# element, style id, jc ("-": the Normal style's), flags: g off the 28-character grid,
# s off the line grid, k keep with next, x exact lines, i/n first line indented 2 字 (正文) / 1 字 (附注)
_TABLE = """份号 GwCopyNumber left s | 密级 GwSecrecy left s | 紧急程度 GwUrgency left s
发文机关标志 GwOrganMark center gs | 签发人 GwSigner left s | 发文字号 GwDocNumber center s
令号 GwOrderNumber center s | 标题 GwTitle center gskx | 主送机关 GwAddressee - | 正文 GwBody - i
一级标题 GwHeading1 - i | 二级标题 GwHeading2 - i | 三级标题 GwHeading3 - i | 四级标题 GwHeading4 - i
表头 GwTableHead center | 表格 GwTableText left | 出席 GwAttendance left | 附件说明 GwAttachmentNote left
署名 GwIssuer right k | 代章 GwProxySeal right k | 签名章 GwSignatureSeal left | 成文日期 GwDate right
附注 GwNote left n | 附件标签 GwAttachmentLabel left k | 附件标题 GwAttachmentTitle center gskx
抄送机关 GwCopyTo both s | 版记主送 GwImprintAddressee both s | 印发机关 GwPrinter left s
版记 GwImprint left s | 空白页 GwBlankPage left | 页码 GwPageNumber - gs"""


def _style(entry: str) -> Style:
    element, sid, jc, flags = (entry.split() + [""])[:4]
    return Style(element, sid, None if jc == "-" else jc, "g" not in flags, "s" not in flags, "k" in flags,
                 "x" in flags, spec.PARAGRAPH_INDENT_CHARS if "i" in flags else spec.NOTE_INDENT_CHARS if "n" in flags
                 else 0, hex_rgb(spec.RED_RGB) if element == E.ORGAN_MARK else None)


STYLES = [_style(e) for line in _TABLE.splitlines() for e in line.split(" | ")]
STYLE = {s.element: s for s in STYLES}


# --- paragraph and run properties ----------------------------------------------------

def spacing(before: int | None = None, after: int | None = None, line: int | None = None) -> etree._Element:
    return el("w:spacing", before=None if before is None else max(0, before),
              after=None if after is None else max(0, after), line=line, lineRule="exact" if line else None)


def ind(left: int | None = None, right: int | None = None, first: int | None = None,
        hanging: int | None = None, first_chars: int | None = None) -> etree._Element:
    return el("w:ind", left=left, right=right, firstLineChars=None if first_chars is None else first_chars * 100,
              firstLine=first, hanging=hanging)


def border(side: str, thickness_mm: float, color: str, space_pt: int = 0) -> etree._Element:
    return el(f"w:{side}", val="single", sz=eighths(thickness_mm), space=space_pt, color=color)


def tab_props(stops: list[tuple[str, int]]) -> list[etree._Element | None]:
    """A tabbed line's properties: its stops, and no indent to move them."""
    stops_el = el("w:tabs", *(el("w:tab", val=kind, pos=pos) for kind, pos in stops)) if stops else None
    return [stops_el, ind(left=0, right=0, first=0)]


SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")


def cell_margins(pad: int = 0) -> etree._Element:
    return el("w:tblCellMar", *(el(f"w:{s}", w=pad if s in ("left", "right") else 0, type="dxa") for s in SIDES[:4]))


def table_xml(cols: list[int], indent: int, borders: list[etree._Element], pad: int = 0) -> etree._Element:
    """A fixed table (no rows yet): its columns, indent, borders and cell margins."""
    return el("w:tbl", el("w:tblPr", el("w:tblW", w=sum(cols), type="dxa"), el("w:tblInd", w=indent, type="dxa"),
                          el("w:tblBorders", *borders), el("w:tblLayout", type="fixed"), cell_margins(pad),
                          el("w:tblLook", val="0000", firstRow=0, lastRow=0, firstColumn=0, lastColumn=0,
                             noHBand=1, noVBand=1)),
              el("w:tblGrid", *(el("w:gridCol", w=c) for c in cols)))


def ppr(style: str, *props: etree._Element | None, keep_next: bool | None = None,
        page_break: bool | None = None, snap: bool | None = None, jc: str | None = None,
        widow: bool | None = None) -> etree._Element:
    return el("w:pPr", el("w:pStyle", val=STYLE[style].sid), on("w:keepNext", keep_next),
              on("w:pageBreakBefore", page_break), on("w:widowControl", widow), on("w:snapToGrid", snap),
              el("w:jc", val=jc) if jc else None, *props)


def paragraph(style: str, *content: etree._Element | None, props: list | tuple = (), **kw) -> etree._Element:
    return el("w:p", ppr(style, *props, **kw), *content)


def fonts(role: str) -> etree._Element:
    name = spec.OFFICIAL_FONT[role]
    return el("w:rFonts", ascii=name, eastAsia=name, hAnsi=name, cs=name, hint="eastAsia")


def rpr(role: str | None = None, size: float | None = None, color: str | None = None, spacing_tw: int | None = None,
        scale: int | None = None, position: int | None = None) -> etree._Element | None:
    props = [fonts(role) if role else None, el("w:color", val=color) if color else None,
             el("w:spacing", val=spacing_tw) if spacing_tw is not None else None,
             el("w:w", val=scale) if scale not in (None, 100) else None,
             el("w:position", val=position) if position else None]
    if size is not None:
        props += [el("w:sz", val=half_points(size)), el("w:szCs", val=half_points(size))]
    return el("w:rPr", *props) if any(p is not None for p in props) else None


def run_of(r: TextRun, text: str | None = None, position: int | None = None) -> etree._Element:
    """A run as layout set it, in its element's style: only what differs from the
    style is said.  Word sets sizes in half points and scales in whole percent,
    both rounded down (never wider than the PDF); character spacing gives back
    what that cost each character, so the 发文机关标志 still spans its width."""
    st = STYLE[r.element]
    size = r.size if abs(st.size - r.size) > 1e-6 else None
    color = hex_rgb(r.color) if r.color != spec.BLACK_RGB and st.color != hex_rgb(r.color) else None
    scale = round(r.hscale * 100 - 0.5) if r.hscale != 1.0 else None
    spacing_tw = None
    if size is not None and not st.grid:
        lost = r.size * r.hscale - half_points(r.size) / 2 * (scale or 100) / 100
        spacing_tw = int(lost * 20) or None
    return text_run(r.text if text is None else text, rpr(r.role, size, color, spacing_tw, scale, position))


def merged_runs(runs: list[TextRun], position: int | None = None) -> list[etree._Element]:
    """Runs of several lines as one paragraph's runs, neighbours of one format merged."""
    groups = itertools.groupby(runs, key=lambda r: (r.role, r.size, r.color, r.hscale, r.element))
    return [run_of(g[0], "".join(r.text for r in g), position) for g in (list(g) for _, g in groups)]


def by_first(lines: list[LaidLine]) -> list[list[LaidLine]]:
    """Lines in groups, each from a paragraph's (or table row's) first line."""
    groups: list[list[LaidLine]] = []
    for ln in lines:
        if ln.first or not groups:
            groups.append([])
        groups[-1].append(ln)
    return groups


def pieces(ln: LaidLine) -> list[tuple[Tab | None, list[TextRun]]]:
    """A line cut at its tab stops: (the stop a piece stands at, its runs)."""
    at = {t.index: t for t in ln.tabs}
    bounds = sorted(set(at) | {0}) + [len(ln.text)]
    out = []
    for a, b in zip(bounds, bounds[1:]):
        rs, k = [], 0
        for r in ln.runs:
            lo, hi = max(a, k), min(b, k + len(r.text))
            if lo < hi:
                rs.append(r.part(lo - k, hi - k))
            k += len(r.text)
        if rs:
            out.append((at.get(a), rs))
    return out


def tabbed(lines: list[LaidLine], frame_left: float, position: int | None = None
           ) -> tuple[list[etree._Element], list[tuple[str, int]]]:
    """Lines sharing one printed line (发文字号 and 签发人; 份号 and a letter's
    发文字号; 签名章; 印发机关 and its date), as runs and the tab stops that put
    each piece where layout set it."""
    out: list[etree._Element] = []
    stops: list[tuple[str, int]] = []
    end = frame_left
    for ln in sorted(lines, key=lambda ln: ln.x):
        for k, (tab, rs) in enumerate(pieces(ln)):
            if tab is None and k == 0 and ln.align == "right":
                tab = Tab(0, TabKind.RIGHT, ln.end)
            elif tab is None and k == 0 and ln.x - end > 0.01:
                tab = Tab(0, TabKind.LEFT, ln.x)
            if tab is not None and not (tab.kind == TabKind.LEFT and abs(tab.x - end) < 0.01):
                stops.append((str(tab.kind), twips(tab.x - frame_left)))
                out.append(el("w:r", rpr(rs[0].role, position=position), el("w:tab")))
            out += [run_of(r, position=position) for r in rs]
            end = rs[-1].end
    return out, stops


@dataclass
class Para:
    """A paragraph of the main story: the lines it prints, its content and properties."""
    element: str
    lines: list[LaidLine]
    content: list[etree._Element]
    props: list[etree._Element | None] = field(default_factory=list)
    jc: str | None = None
    keep_next: bool | None = None
    page_break: bool | None = None
    widow: bool | None = None             # widow control on: a paragraph kept whole that layout split
    line: int | None = None               # exact line height (twips) off the grid: a signature page's closer lines
    before: int = 0                       # spacing before (empty grid lines)
    anchors: list[etree._Element] = field(default_factory=list)   # drawings anchored here
    table: etree._Element | None = None   # a whole w:tbl instead of a paragraph
    external_before: int = 0              # appended 附件 PDF pages before it (empty pages here)

    @property
    def page(self) -> int:
        return self.lines[0].page if self.lines else 0
