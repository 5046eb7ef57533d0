"""OFD writer (GB/T 33190-2016, 电子文件存储与交换格式 版式文档): draws a Layout
as an OFD package, like the PDF writer draws it with ReportLab — every glyph,
rule and image where the layout put it, no geometry of its own.

The package (a ZIP, the same bytes for the same data):

    OFD.xml                       DocInfo (metadata.py: title, author, subject, keywords,
                                  成文日期 as CreationDate; 公文 items as CustomData), DocID
                                  derived from the content
    Doc_0/Document.xml            CommonData (MaxUnitID, PageArea A4, PublicRes, DocumentRes),
                                  Pages, Outlines (the PDF's bookmarks), CustomTags
    Doc_0/PublicRes.xml           the fonts, each a TrueType subset in Doc_0/Res/
    Doc_0/DocumentRes.xml         the images (seals, 签名章) in Doc_0/Res/
    Doc_0/Pages/Page_N/Content.xml one layer per page: TextObject, PathObject, ImageObject
    Doc_0/CustomTags.xml          → Doc_0/Tags/GongWen.xml: each 公文 element and the IDs
                                  of the objects that draw it (see TAGGING below)

Units are millimetres from the page's top-left corner, as in the layout.  A
TextObject holds one TextRun: its first character at TextCode X/Y (Y on the
baseline) inside the object's Boundary, every following one placed by DeltaX —
the differences of the layout's own x positions, so justification, tracking and
the 发文机关标志's compression come out exactly (positions are rounded to 1 µm
once, never accumulated).  Rules are stroked PathObjects with the layout's width
and colour.  Landscape pages (§8) get their own PhysicalBox, 297 × 210: the
table stands upright on them, and the page number, which stays where portrait
pages print it, runs down the sheet's edge (ReadDirection/CharDirection 90).

An 附件 given as a PDF file is not drawn: its pages cannot be carried into OFD
exactly (that would mean converting arbitrary PDF content), so the OFD holds the
附件's label page only and the clerk is told (pipeline.output_notes).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import metadata, spec
from ..fonts import FontBook
from ..layout.boxes import Image, LaidLine, Layout, Page, Rule, TextRun, VRule
from ..model import Document, format_date
from ..pdfa import bookmarks
from ..ttfsubset import subset
from ..xmltext import escape, quoteattr
from .zipped import fixed_zip

NS = "http://www.ofdspec.org/2016"
# TAGGING.  GB/T 33190 §20 gives the mechanism: CustomTags.xml lists tag files by
# namespace, and a tag file's elements point at page objects with
# <ofd:ObjectRef PageRef="page ID">object ID</ofd:ObjectRef>.  GB/T 33476.2-2016
# (党政机关电子公文格式规范 第2部分：显现) is where the 电子公文 systems name the
# elements; its text could not be obtained here, so its namespace and element
# names are NOT used.  The tag file is ours: namespace TAG_NS, element names the
# terms of GB/T 9704-2012 §7 (版头/主体/版记 and their elements), in that order.
TAG_NS = "urn:gongwen:gbt9704-2012:elements"
TAG_FILE = "Tags/GongWen.xml"

# layout element → (part, tag element).  A run on an 附件 page that the layout
# marks as 正文 (the attachment's own text) belongs to the 附件.
TAGS: dict[str, tuple[str, str]] = {
    "份号": ("版头", "份号"), "密级": ("版头", "密级和保密期限"), "紧急程度": ("版头", "紧急程度"),
    "发文机关标志": ("版头", "发文机关标志"), "发文字号": ("版头", "发文字号"), "令号": ("版头", "令号"),
    "签发人": ("版头", "签发人"), "版头分隔线": ("版头", "分隔线"), "信函分隔线": ("版头", "分隔线"),
    "标题": ("主体", "标题"), "主送机关": ("主体", "主送机关"),
    "正文": ("主体", "正文"), "一级标题": ("主体", "正文"), "二级标题": ("主体", "正文"),
    "三级标题": ("主体", "正文"), "四级标题": ("主体", "正文"), "表格": ("主体", "正文"),
    "表头": ("主体", "正文"),
    "出席": ("主体", "出席"), "请假": ("主体", "请假"), "列席": ("主体", "列席"),
    "附件说明": ("主体", "附件说明"), "署名": ("主体", "发文机关署名"), "代章": ("主体", "代章"),
    "签名章": ("主体", "签名章"), "成文日期": ("主体", "成文日期"), "印章": ("主体", "印章"),
    "附注": ("主体", "附注"), "附件标签": ("主体", "附件"), "附件标题": ("主体", "附件"),
    "版记主送": ("版记", "主送机关"), "抄送机关": ("版记", "抄送机关"), "印发机关": ("版记", "印发机关"),
    "印发日期": ("版记", "印发日期"), "版记": ("版记", "分隔线"),
    "页码": ("页码", "页码"),
}
PART_ORDER = ("版头", "主体", "版记", "页码")
TAG_ORDER = tuple(dict.fromkeys(TAGS.values()))
_ATTACHMENT_TEXT = {"正文", "一级标题", "二级标题", "三级标题", "四级标题", "表格", "表头"}
# (line element, after a tab stop) → the element of that piece: the 印发机关's line
# sets the 印发日期 apart, flush right (layout/imprint.py).
_PIECE_ELEMENT = {("印发机关", True): "印发日期"}

def render_ofd(lay: Layout, doc: Document, fonts: FontBook) -> bytes:
    """The OFD package as bytes."""
    return _Writer(lay, doc, fonts).package()


# -- numbers -------------------------------------------------------------------------

def _um(v: float) -> int:
    """mm → whole micrometres: every position is rounded once, here."""
    return round(v * 1000)


def _n(um: int) -> str:
    """Micrometres as the shortest decimal in mm."""
    if um % 1000 == 0:
        return str(um // 1000)
    s = f"{um / 1000:.3f}".rstrip("0")
    return s


def _mm(v: float) -> str:
    return _n(_um(v))


def _deltas(positions: list[int]) -> str:
    """DeltaX/DeltaY from absolute positions (µm): differences, with OFD's
    `g N d` for a run of N ≥ 3 equal steps."""
    out: list[str] = []
    prev, n = None, 0
    for a, b in zip(positions, positions[1:]):
        step = b - a
        if step == prev:
            n += 1
            continue
        if prev is not None:
            out += ["g", str(n), _n(prev)] if n >= 3 else [_n(prev)] * n
        prev, n = step, 1
    if prev is not None:
        out += ["g", str(n), _n(prev)] if n >= 3 else [_n(prev)] * n
    return " ".join(out)


def _color(rgb: tuple[float, float, float]) -> str:
    return " ".join(str(round(c * 255)) for c in rgb)


# Characters XML 1.0 cannot hold, and tab/newline (controls too): the layout
# gives such invisible characters no width, and OFD gives them no place.
_NOT_XML = re.compile("[\x00-\x1f\ud800-\udfff\ufffe\uffff]")


# -- the frames of a page ------------------------------------------------------------

@dataclass(frozen=True)
class _Frame:
    """Where layout millimetres land on the OFD page.  `turned`: layout x runs
    down the page and layout y runs right to left (the upright items of a
    landscape page); otherwise a plain shift."""
    dx: float = 0.0
    turned: bool = False

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        """A layout rectangle as an OFD Boundary (x, y, w, h) on the page."""
        if self.turned:
            return (spec.PAGE_HEIGHT - y1, x0, y1 - y0, x1 - x0)
        return (x0 + self.dx, y0, x1 - x0, y1 - y0)


PORTRAIT = _Frame()
# spec.landscape_to_page: the turned frame's u runs along the portrait page's
# height from TYPE_TOP + TYPE_BOTTOM; on a 297 mm wide landscape page that is a shift.
TURNED_CONTENT = _Frame(dx=spec.PAGE_HEIGHT - (spec.TYPE_TOP + spec.TYPE_BOTTOM))
UPRIGHT_ON_LANDSCAPE = _Frame(turned=True)


# -- the writer ----------------------------------------------------------------------

@dataclass
class _Res:
    id: int
    path: str            # inside Doc_0/Res/
    data: bytes


@dataclass
class _Writer:
    lay: Layout
    doc: Document
    fonts: FontBook
    next_id: int = 0
    font_res: dict[str, _Res] = field(default_factory=dict)      # face key → resource
    image_res: dict[Path, _Res] = field(default_factory=dict)
    # (part, element, 附件 number or None) → (page ID, object ID) of each object drawing it
    tags: dict[tuple[str, str, int | None], list[tuple[int, int]]] = field(default_factory=dict)
    line_of: dict[int, tuple[LaidLine, int]] = field(default_factory=dict)   # id(run) → (its LaidLine, offset)
    page_attachment: dict[int, int] = field(default_factory=dict)          # id(page) → 附件 number on it

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    # -- resources ---------------------------------------------------------------
    def _fonts(self, pages: list[Page]) -> None:
        chars: dict[str, set[str]] = {}
        for page in pages:
            for r in (*page.items, *page.rotated_items):
                if isinstance(r, TextRun):
                    chars.setdefault(r.face, set()).update(r.text)
        for k, key in enumerate(sorted(chars)):
            face = self.fonts.by_key(key)
            rl = face.rl_font.face
            data = _subset_cached(key, rl, frozenset(chars[key]), subset)
            self.font_res[key] = _Res(self.new_id(), f"font_{k}.ttf", data)

    def _image(self, path: Path) -> _Res:
        res = self.image_res.get(path)
        if res is None:
            data = Path(path).read_bytes()
            ext = "png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "jpg" if data[:2] == b"\xff\xd8" else "bmp"
            res = _Res(self.new_id(), f"image_{len(self.image_res)}.{ext}", data)
            self.image_res[path] = res
        return res

    # -- objects -----------------------------------------------------------------
    def _identity(self) -> None:
        """Which line (and so which model object) each run belongs to, from the
        layout's own account (LaidLine.runs, .origin); which 附件 each page holds."""
        for line in self.lay.lines:
            offset = 0
            for run in line.runs:
                self.line_of[id(run)] = (line, offset)
                offset += len(run.text)
        pages_by_number = {p.number: p for p in self.lay.pages}
        for line in self.lay.lines:
            n = line.origin.attachment
            page = pages_by_number.get(line.page)
            if n is not None and page is not None:
                self.page_attachment.setdefault(id(page), n)

    def _tag(self, element: str, attachment: int | None, page: Page, page_id: int, obj_id: int) -> None:
        part_el = TAGS.get(element)
        if part_el is None:
            return
        if attachment is None and element in _ATTACHMENT_TEXT | {"表格"}:
            attachment = self.page_attachment.get(id(page))     # a table's rules: the 附件 on that page
        if attachment is not None and part_el[0] == "主体" and element not in ("附件说明",):
            part_el = ("主体", "附件")                  # the 附件's label, title and own text
        self.tags.setdefault((*part_el, attachment if part_el[1] == "附件" else None), []).append((page_id, obj_id))

    def _pieces(self, run: TextRun) -> list[tuple[TextRun, str, int | None]]:
        """The run as drawn and tagged: (run, element, 附件 number) — split where
        its line has a tab stop, so a piece set apart (the 印发日期 flush right of
        the 印发机关) is an object of its own."""
        if id(run) not in self.line_of:
            return [(run, run.element, None)]
        line, offset = self.line_of[id(run)]
        attachment = line.origin.attachment
        cuts = sorted({t.index - offset for t in line.tabs if 0 < t.index - offset < len(run.text)})
        if not cuts:
            element = _PIECE_ELEMENT.get((run.element, bool([t for t in line.tabs if t.index <= offset])),
                                         run.element)
            return [(run, element, attachment)]
        out = []
        for k, (a, b) in enumerate(zip([0, *cuts], [*cuts, len(run.text)])):
            out.append((run.part(a, b), _PIECE_ELEMENT.get((run.element, k > 0), run.element), attachment))
        return out

    def _text(self, run: TextRun, frame: _Frame) -> tuple[str, int] | None:
        text, xs = run.text, run.xs
        if _NOT_XML.search(text):
            keep = [k for k, ch in enumerate(text) if not _NOT_XML.match(ch)]
            text, xs = "".join(text[k] for k in keep), tuple(xs[k] for k in keep)
        if not text:
            return None
        em = run.size * spec.PT
        if run.advances and len(run.advances) == len(run.text):
            right = run.xs[-1] + run.advances[-1]           # as placed, tracking included
        else:
            right = xs[-1] + self.fonts.by_key(run.face).advance(text[-1]) * em * run.hscale
        # The Boundary is the run's em box: a full em above the baseline, a quarter below.
        top, bottom = run.baseline - em, run.baseline + 0.25 * em
        bx, by, bw, bh = (_um(v) for v in frame.box(xs[0], top, max(right, xs[0] + 0.001), bottom))
        oid = self.new_id()
        attrs = [f'ID="{oid}"', f'Boundary="{_n(bx)} {_n(by)} {_n(bw)} {_n(bh)}"',
                 f'Font="{self.font_res[run.face].id}"', f'Size="{_mm(em)}"']
        if run.hscale != 1.0:
            attrs.append(f'HScale="{run.hscale:g}"')
        if frame.turned:                      # reading down the sheet, glyphs turned a quarter clockwise
            attrs += ['ReadDirection="90"', 'CharDirection="90"']
            pos = [_um(x) for x in xs]
            code = (f'<ofd:TextCode X="{_n(_um(spec.PAGE_HEIGHT - run.baseline) - bx)}" '
                    f'Y="{_n(pos[0] - by)}"' + (f' DeltaY="{_deltas(pos)}"' if len(pos) > 1 else ""))
        else:
            pos = [_um(x + frame.dx) for x in xs]
            code = (f'<ofd:TextCode X="{_n(pos[0] - bx)}" Y="{_n(_um(run.baseline) - by)}"'
                    + (f' DeltaX="{_deltas(pos)}"' if len(pos) > 1 else ""))
        color = "" if run.color == spec.BLACK_RGB else f'<ofd:FillColor Value="{_color(run.color)}"/>'
        return f'<ofd:TextObject {" ".join(attrs)}>{color}{code}>{escape(text)}</ofd:TextCode></ofd:TextObject>', oid

    def _path(self, item: Rule | VRule, frame: _Frame) -> tuple[str, int]:
        """A Rule (butt caps, as the PDF draws it) or a VRule (square caps, closing
        the corners where table borders meet) as a stroked PathObject."""
        half = item.thickness / 2
        if isinstance(item, Rule):
            cap, a, b = "Butt", (item.x0, item.y), (item.x1, item.y)
            rect = (item.x0, item.y - half, item.x1, item.y + half)
        else:
            cap, a, b = "Square", (item.x, item.y0), (item.x, item.y1)
            rect = (item.x - half, item.y0 - half, item.x + half, item.y1 + half)
        bx, by, bw, bh = (_um(v) for v in frame.box(*rect))

        def local(p) -> str:            # a layout point in the Boundary's own coordinates
            px, py = frame.box(p[0], p[1], p[0], p[1])[:2]
            return f"{_n(_um(px) - bx)} {_n(_um(py) - by)}"

        oid = self.new_id()
        col = _color(item.color)
        # StrokeColor is what OFD strokes with; the same FillColor (unused: Fill is
        # false) serves readers that stroke with the fill colour (easyofd).
        return (f'<ofd:PathObject ID="{oid}" Boundary="{_n(bx)} {_n(by)} {_n(bw)} {_n(bh)}" '
                f'LineWidth="{_mm(item.thickness)}" Cap="{cap}" Stroke="true" Fill="false">'
                f'<ofd:StrokeColor Value="{col}"/><ofd:FillColor Value="{col}"/>'
                f'<ofd:AbbreviatedData>M {local(a)} L {local(b)}</ofd:AbbreviatedData></ofd:PathObject>'), oid

    def _image_obj(self, im: Image, frame: _Frame):
        res = self._image(im.path)
        # layout hands images already fitted to their proportions: the box is the image
        bx, by, bw, bh = (_um(v) for v in frame.box(im.x, im.y, im.x + im.width, im.y + im.height))
        oid = self.new_id()
        # CTM maps the image's unit square onto the Boundary (turned a quarter on
        # a landscape page's upright frame).
        ctm = f"0 {_n(bh)} -{_n(bw)} 0 {_n(bw)} 0" if frame.turned else f"{_n(bw)} 0 0 {_n(bh)} 0 0"
        return (f'<ofd:ImageObject ID="{oid}" Boundary="{_n(bx)} {_n(by)} {_n(bw)} {_n(bh)}" '
                f'CTM="{ctm}" ResourceID="{res.id}"/>'), oid

    def _objects(self, item, frame: _Frame, page: Page, page_id: int) -> list[str]:
        if isinstance(item, TextRun):
            drawn = [(self._text(piece, frame), element, n) for piece, element, n in self._pieces(item)]
        elif isinstance(item, (Rule, VRule)):
            drawn = [(self._path(item, frame), item.element, None)]
        elif isinstance(item, Image):
            drawn = [(self._image_obj(item, frame), item.element, None)]
        else:                                   # pragma: no cover (Item is closed)
            return []
        out = []
        for got, element, attachment in drawn:
            if got is not None:
                xml, oid = got
                self._tag(element, attachment, page, page_id, oid)
                out.append(xml)
        return out

    def _content(self, page: Page, page_id: int) -> bytes:
        landscape = page.kind == "landscape"
        layer = self.new_id()
        parts = []
        upright = UPRIGHT_ON_LANDSCAPE if landscape else PORTRAIT
        for item in page.items:
            parts += self._objects(item, upright, page, page_id)
        for item in page.rotated_items:
            parts += self._objects(item, TURNED_CONTENT, page, page_id)
        area = (f"<ofd:Area><ofd:PhysicalBox>0 0 {_mm(spec.PAGE_HEIGHT)} {_mm(spec.PAGE_WIDTH)}"
                "</ofd:PhysicalBox></ofd:Area>") if landscape else ""
        body = "".join(parts)
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page xmlns:ofd="{NS}">{area}'
                f'<ofd:Content><ofd:Layer ID="{layer}" Type="Body">{body}</ofd:Layer></ofd:Content>'
                '</ofd:Page>\n').encode("utf-8")

    # -- the package -------------------------------------------------------------
    def package(self) -> bytes:
        pages = [p for p in self.lay.pages if p.kind != "external"]
        self._identity()
        self._fonts(pages)
        page_ids = [self.new_id() for _ in pages]
        files: dict[str, bytes] = {}
        for i, (page, pid) in enumerate(zip(pages, page_ids)):
            files[f"Doc_0/Pages/Page_{i}/Content.xml"] = self._content(page, pid)
        outline = self._outlines(pages, page_ids)
        files["Doc_0/PublicRes.xml"] = self._public_res()
        files["Doc_0/DocumentRes.xml"] = self._document_res()
        files["Doc_0/CustomTags.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:CustomTags xmlns:ofd="{NS}">'
            f'<ofd:CustomTag NameSpace="{TAG_NS}"><ofd:FileLoc>{TAG_FILE}</ofd:FileLoc></ofd:CustomTag>'
            '</ofd:CustomTags>\n').encode("utf-8")
        files[f"Doc_0/{TAG_FILE}"] = self._tag_file()
        for res in (*self.font_res.values(), *self.image_res.values()):
            files[f"Doc_0/Res/{res.path}"] = res.data
        page_list = "".join(f'<ofd:Page ID="{pid}" BaseLoc="Pages/Page_{i}/Content.xml"/>'
                            for i, pid in enumerate(page_ids))
        files["Doc_0/Document.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
            f'<ofd:MaxUnitID>{self.next_id}</ofd:MaxUnitID>'
            f'<ofd:PageArea><ofd:PhysicalBox>0 0 {_mm(spec.PAGE_WIDTH)} {_mm(spec.PAGE_HEIGHT)}'
            '</ofd:PhysicalBox></ofd:PageArea>'
            '<ofd:PublicRes>PublicRes.xml</ofd:PublicRes><ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>'
            f'</ofd:CommonData><ofd:Pages>{page_list}</ofd:Pages>{outline}'
            '<ofd:CustomTags>CustomTags.xml</ofd:CustomTags></ofd:Document>\n').encode("utf-8")
        # DocID: derived from everything else, so the same document gets the same ID.
        digest = hashlib.sha256()
        for name in sorted(files):
            digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(files[name]).digest())
        ordered = {"OFD.xml": self._ofd_xml(digest.hexdigest()[:32]), **files}
        # Fonts and images at the fastest level (TrueType outlines shrink by a third at
        # any level; level 6 would cost about three times the time for 5 % less).
        return fixed_zip(ordered.items(), 3, lambda name: 6 if name.endswith(".xml") else 1)

    def _public_res(self) -> bytes:
        fonts = "".join(
            f'<ofd:Font ID="{res.id}" FontName={quoteattr(_font_name(self.fonts.by_key(key)))} '
            f'FamilyName={quoteattr(self.fonts.by_key(key).family)}>'
            f'<ofd:FontFile>{res.path}</ofd:FontFile></ofd:Font>'
            for key, res in sorted(self.font_res.items(), key=lambda kv: kv[1].id))
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res">'
                f'<ofd:Fonts>{fonts}</ofd:Fonts></ofd:Res>\n').encode("utf-8")

    def _document_res(self) -> bytes:
        media = "".join(
            f'<ofd:MultiMedia ID="{res.id}" Type="Image" Format="{res.path.rsplit(".", 1)[1].upper()}">'
            f'<ofd:MediaFile>{res.path}</ofd:MediaFile></ofd:MultiMedia>'
            for res in self.image_res.values())
        inner = f"<ofd:MultiMedias>{media}</ofd:MultiMedias>" if media else ""
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res">'
                f'{inner}</ofd:Res>\n').encode("utf-8")

    def _tag_file(self) -> bytes:
        by_part: dict[str, list[str]] = {}
        for part, element in TAG_ORDER:
            for (p, e, n), refs in sorted(self.tags.items(), key=lambda kv: kv[0][2] or 0):
                if (p, e) != (part, element):
                    continue
                inner = "".join(f'<ofd:ObjectRef PageRef="{pid}">{oid}</ofd:ObjectRef>' for pid, oid in refs)
                number = f' 序号="{n}"' if n is not None else ""
                by_part.setdefault(part, []).append(f"<gw:{element}{number}>{inner}</gw:{element}>")
        body = "".join(f"<gw:{part}>{''.join(by_part[part])}</gw:{part}>" for part in PART_ORDER if part in by_part)
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<gw:公文 xmlns:gw="{TAG_NS}" xmlns:ofd="{NS}" '
                f'格式="GB/T 9704-2012">{body}</gw:公文>\n').encode("utf-8")

    def _outlines(self, pages: list[Page], page_ids: list[int]) -> str:
        """The PDF's bookmarks (pdfa.bookmarks) as OFD outline entries."""
        index = {id(p): k for k, p in enumerate(pages)}

        def elems(marks) -> str:
            out = []
            for title, page_index, top, kids in marks:
                k = index.get(id(self.lay.pages[page_index]))
                if k is None:
                    continue
                dest = (f'<ofd:Dest Type="XYZ" PageID="{page_ids[k]}" Left="0" '
                        f'Top="{_mm(top if top is not None else 0.0)}" Zoom="0"/>')
                out.append(f'<ofd:OutlineElem Title={quoteattr(title)}><ofd:Actions><ofd:Action Event="CLICK">'
                           f'<ofd:Goto>{dest}</ofd:Goto></ofd:Action></ofd:Actions>{elems(kids)}</ofd:OutlineElem>')
            return "".join(out)

        inner = elems(bookmarks(self.lay, self.doc))
        return f"<ofd:Outlines>{inner}</ofd:Outlines>" if inner else ""

    def _ofd_xml(self, doc_id: str) -> bytes:
        d = self.doc
        info = [f"<ofd:DocID>{doc_id}</ofd:DocID>", f"<ofd:Title>{escape(metadata.title(d))}</ofd:Title>",
                f"<ofd:Author>{escape(metadata.author(d))}</ofd:Author>"]
        subject = metadata.subject(d)
        if subject:
            info.append(f"<ofd:Subject>{escape(subject)}</ofd:Subject>")
        if d.date is not None:
            info.append(f"<ofd:CreationDate>{d.date.isoformat()}</ofd:CreationDate>")
        words = metadata.keywords(d).split()
        if words:
            info.append("<ofd:Keywords>" + "".join(f"<ofd:Keyword>{escape(w)}</ofd:Keyword>" for w in words)
                        + "</ofd:Keywords>")
        info.append("<ofd:Creator>gongwen (GB/T 9704-2012)</ofd:Creator>")
        custom = [(k, v) for k, v in custom_data(d) if v]
        if custom:
            info.append("<ofd:CustomDatas>" + "".join(
                f"<ofd:CustomData Name={quoteattr(k)}>{escape(v)}</ofd:CustomData>" for k, v in custom)
                + "</ofd:CustomDatas>")
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD">'
                f'<ofd:DocBody><ofd:DocInfo>{"".join(info)}</ofd:DocInfo>'
                '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>\n').encode("utf-8")


def custom_data(d: Document) -> list[tuple[str, str | None]]:
    """The 公文's identifying items as OFD CustomData (name, value): a receiving
    system reads them without opening a page."""
    return [("发文机关", metadata.author(d)), ("发文字号", d.doc_number), ("令号", d.order_number),
            ("成文日期", format_date(d.date) if d.date else None), ("密级", d.secrecy),
            ("紧急程度", d.urgency), ("文种格式", d.format)]


def _font_name(face) -> str:
    """The face's name: the family for our faces and the official ones (their
    family names are full names, e.g. FandolSong Bold, 方正小标宋简体); a fallback
    subset's full name from its font (Noto Serif CJK SC and its Bold share a family)."""
    if face.chars is None:
        return face.family
    full = face.rl_font.face.fullName
    return (full.decode("utf-8", "replace") if isinstance(full, bytes) else str(full)) or face.family


_SUBSETS: dict[tuple[str, frozenset], bytes] = {}


def _subset_cached(key: str, rl, chars: frozenset, subset) -> bytes:
    """Identical subsets are cut once per process (batches, numbered copies)."""
    got = _SUBSETS.get((key, chars))
    if got is None:
        if len(_SUBSETS) > 64:
            _SUBSETS.clear()
        got = _SUBSETS[(key, chars)] = subset(rl._ttf_data, rl.table, rl.charToGlyph, chars)
    return got
