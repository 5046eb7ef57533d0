"""Word/WPS drafts (.docx) → lines with formatting hints.

python-docx opens the package and finds its parts; the body is walked with
lxml in document order — paragraphs, tables, text boxes (once: the mc:Choice,
not the VML fallback) — because python-docx leaves out what a clerk sees but
Word computes: the numbers of automatic numbering (from numbering.xml), the
alignment, bold and size a paragraph inherits from its style (resolved here
through the style chain and the document defaults).  Tracked changes are read
as the document now shows them (insertions in, deletions out) and reported;
comments and hidden text are reported, never imported.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from ..errors import GongwenError, Problem
from ..markup import chinese_number
from .source import Draft, Dropped, Line, TableData

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_w = lambda tag: f"{{{W}}}{tag}"
MAX_UNPACKED_BYTES = 200 * 2**20     # a zip bomb is refused before python-docx inflates it
_SAVE_AS = "在 Word 或 WPS 中打开，“另存为”选“Word 文档（*.docx）”，再导入"


def _val(el, name: str = "val") -> str | None:
    return None if el is None else el.get(_w(name))


def _on(el) -> bool | None:
    """A toggle property (<w:b/>, <w:b w:val="0"/>): None when absent."""
    if el is None:
        return None
    return _val(el) not in ("0", "false", "off")


# --- styles -----------------------------------------------------------------------

@dataclass
class _Style:
    based_on: str | None = None
    align: str | None = None
    page_break: bool | None = None
    num: tuple[str, int] | None = None
    bold: bool | None = None
    size: float | None = None
    indent: bool | None = None


class Styles:
    """Paragraph and character styles, each property resolved through basedOn."""

    def __init__(self, root):
        self.styles: dict[str, _Style] = {}
        self.default_para: str | None = None
        self.default_bold: bool | None = None
        self.default_size: float | None = None
        self.headings: set[str] = set()      # ids of the heading styles (标题 1 … 标题 4, Heading 1 …)
        if root is None:
            return
        rpr = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
        if rpr is not None:
            self.default_bold = _on(rpr.find(_w("b")))
            self.default_size = _size(rpr)
        for st in root.iter(_w("style")):
            sid = _val(st, "styleId")
            if not sid:
                continue
            s = _Style(based_on=_val(st.find(_w("basedOn"))))
            name = (_val(st.find(_w("name"))) or "").strip().lower()
            if re.fullmatch(r"(?:heading|标题)\s*[1-4]", name):
                self.headings.add(sid)
            ppr = st.find(_w("pPr"))
            if ppr is not None:
                s.align = _val(ppr.find(_w("jc")))
                s.page_break = _on(ppr.find(_w("pageBreakBefore")))
                s.num = _num_pr(ppr)
                s.indent = _first_line_indent(ppr)
            rpr = st.find(_w("rPr"))
            if rpr is not None:
                s.bold = _on(rpr.find(_w("b")))
                s.size = _size(rpr)
            self.styles[sid] = s
            if st.get(_w("type")) == "paragraph" and _on(st.find(_w("default"))) is None and \
                    st.get(_w("default")) in ("1", "true"):
                self.default_para = sid

    def get(self, sid: str | None, prop: str):
        seen = set()
        sid = sid or self.default_para
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            v = getattr(self.styles[sid], prop)
            if v is not None:
                return v
            sid = self.styles[sid].based_on
        return {"bold": self.default_bold, "size": self.default_size}.get(prop)


def _size(rpr) -> float | None:
    v = _val(rpr.find(_w("sz")))
    try:
        return int(v) / 2 if v else None
    except ValueError:
        return None


def _num_pr(ppr) -> tuple[str, int] | None:
    npr = ppr.find(_w("numPr"))
    if npr is None:
        return None
    num = _val(npr.find(_w("numId")))
    try:
        level = int(_val(npr.find(_w("ilvl"))) or 0)
    except ValueError:
        level = 0
    return (num, level) if num and num != "0" else ("0", 0)


def _first_line_indent(ppr) -> bool | None:
    ind = ppr.find(_w("ind"))
    if ind is None:
        return None
    for name in ("firstLine", "firstLineChars"):
        v = ind.get(_w(name))
        if v and v.lstrip("-").isdigit():
            return int(v) > 0
    return None


# --- numbering --------------------------------------------------------------------

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_LEGAL = "零壹贰叁肆伍陆柒捌玖拾"
_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"


def _roman(n: int) -> str:
    out = ""
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                 (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out, n = out + s, n - v
    return out


def format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand"):
        return chinese_number(n)
    if fmt == "ideographDigital":
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    if fmt == "chineseLegalSimplified":
        return _LEGAL[n] if n <= 10 else chinese_number(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return _CIRCLED[n - 1]
    if fmt in ("ideographTraditional",) and 1 <= n <= 10:
        return _HEAVENLY[n - 1]
    if fmt == "upperLetter":
        return chr(64 + (n - 1) % 26 + 1) * ((n - 1) // 26 + 1)
    if fmt == "lowerLetter":
        return chr(96 + (n - 1) % 26 + 1) * ((n - 1) // 26 + 1)
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    return str(n)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."


class Numbering:
    """Word's automatic numbering, counted as Word counts it: one set of counters
    per list, a deeper level restarting when a shallower one moves on."""

    def __init__(self, root):
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        for an in root.iter(_w("abstractNum")):
            levels = {}
            for lvl in an.iter(_w("lvl")):
                try:
                    ilvl = int(lvl.get(_w("ilvl")) or 0)
                    start = int(_val(lvl.find(_w("start"))) or 1)
                except ValueError:
                    continue
                levels[ilvl] = _Level(start, _val(lvl.find(_w("numFmt"))) or "decimal",
                                      _val(lvl.find(_w("lvlText"))) or "")
            self.abstract[_val(an, "abstractNumId")] = levels
        for num in root.iter(_w("num")):
            overrides = {}
            for ov in num.iter(_w("lvlOverride")):
                so = ov.find(_w("startOverride"))
                if so is not None and (_val(so) or "").isdigit():
                    overrides[int(ov.get(_w("ilvl")) or 0)] = int(_val(so))
            self.nums[_val(num, "numId")] = (_val(num.find(_w("abstractNumId"))), overrides)

    def label(self, num_id: str, level: int) -> str | None:
        if num_id not in self.nums:
            return None
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        lvl = levels.get(level)
        if lvl is None or lvl.fmt in ("bullet", "none"):
            return None
        counters = self.counters.setdefault(num_id, {})
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        start = overrides.get(level, lvl.start)
        counters[level] = counters.get(level, start - 1) + 1
        text = lvl.text
        for k in range(9):
            if f"%{k + 1}" in text:
                kl = levels.get(k, _Level())
                n = counters.get(k, overrides.get(k, kl.start))
                text = text.replace(f"%{k + 1}", format_number(n, kl.fmt if k != level else lvl.fmt))
        return text


# --- the body -----------------------------------------------------------------------

@dataclass
class _Para:
    text: str = ""
    bold_chars: int = 0
    chars: int = 0
    size: float | None = None
    page_break_in: bool = False       # a page break before any text
    page_break_after: bool = False    # a page break after the text
    hidden: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    inserted: int = 0
    comments: list[str | None] = field(default_factory=list)   # comment ids (None: a reference without one)
    boxes: list = field(default_factory=list)   # text box contents (w:txbxContent)


class _Walker:
    def __init__(self, styles: Styles, numbering: Numbering, draft: Draft, comments: dict[str | None, str]):
        self.styles, self.numbering, self.draft = styles, numbering, draft
        self.comments = comments
        self.lines: list[Line] = []
        self.count = 0                  # paragraphs so far: the numbers the report gives
        self.texts: list[str] = []      # every character read, for the account
        self.next_page = False
        self.tracked = 0
        self.table_cells = 0

    def block(self, parent) -> None:
        for el in parent:
            tag = el.tag
            if tag == _w("p"):
                self.paragraph(el)
            elif tag == _w("tbl"):
                self.table(el)
            elif tag in (_w("sdt"),):
                content = el.find(_w("sdtContent"))
                if content is not None:
                    self.block(content)
            elif tag == f"{{{MC}}}AlternateContent":
                choice = el.find(f"{{{MC}}}Choice")
                if choice is not None:
                    self.block(choice)
            elif tag in (_w("ins"), _w("customXml"), _w("smartTag")):
                self.block(el)

    def paragraph(self, p, in_table: bool = False) -> list[Line]:
        self.count += 1
        src = self.count
        ppr = p.find(_w("pPr"))
        sid = _val(ppr.find(_w("pStyle"))) if ppr is not None else None
        st = self.styles
        align = (_val(ppr.find(_w("jc"))) if ppr is not None else None) or st.get(sid, "align")
        align = {"start": "left", "end": "right", "distribute": "both"}.get(align, align)
        page_break = self.next_page or bool((_on(ppr.find(_w("pageBreakBefore"))) if ppr is not None else None)
                                           or (st.get(sid, "page_break") if ppr is not None or sid else False))
        self.next_page = False
        indent = (_first_line_indent(ppr) if ppr is not None else None)
        if indent is None:
            indent = bool(st.get(sid, "indent"))
        num = (_num_pr(ppr) if ppr is not None else None) or st.get(sid, "num")
        para = _Para()
        self.runs(p, para, sid)
        label = self.numbering.label(*num) if num and num[0] != "0" else None
        text = para.text
        if label:
            text = label + text.lstrip()
        self.texts.append(text)
        for h in para.hidden:
            self.draft.dropped.append(Dropped(src, h, "隐藏文字"))
            self.texts.append(h)
        for d in para.deleted:
            self.draft.dropped.append(Dropped(src, d, "修订中删除的文字"))
            self.texts.append(d)
        if para.deleted or para.inserted:
            self.tracked += 1
            self.draft.notes.append(f"第 {src} 段有修订（插入 {para.inserted} 处，删除 {len(para.deleted)} 处）："
                                    "按修订后的文字导入，删除的文字没有导入")
        for cid in para.comments:
            body = self.comments.get(cid)
            if body:
                self.draft.dropped.append(Dropped(src, body, "批注"))
                self.texts.append(body)
                self.draft.notes.append(f"第 {src} 段有批注“{body[:40]}”：没有导入，请按批注修改")
        if ppr is not None and ppr.find(_w("sectPr")) is not None:
            self.next_page = True       # a section break: the next section starts a new page
        if para.page_break_after:
            self.next_page = True
        out: list[Line] = []
        rows = text.split("\n")
        bold = para.chars > 0 and para.bold_chars >= 0.6 * para.chars
        for k, row in enumerate(rows):
            line = Line(row, src, align=align, bold=bold, size=para.size, page_break=page_break and k == 0,
                        soft=k > 0, indent=indent or row[:1] in (" ", "\u3000", "\t"), numbered=bool(label),
                        heading_style=sid in st.headings)
            out.append(line)
        if not in_table:
            if text.strip() or page_break:
                if not text.strip():        # an empty paragraph carrying a page break: pass it on
                    self.next_page = True
                else:
                    self.lines.extend(out)
            for box in para.boxes:
                self.block(box)
        return out

    def runs(self, el, para: _Para, sid: str | None) -> None:
        for child in el:
            tag = child.tag
            if tag == _w("r"):
                self.run(child, para, sid)
            elif tag in (_w("hyperlink"), _w("ins"), _w("smartTag"), _w("customXml"), _w("fldSimple"),
                         _w("sdt"), _w("sdtContent"), _w("moveTo")):
                if tag in (_w("ins"), _w("moveTo")):
                    para.inserted += 1
                self.runs(child, para, sid)
            elif tag in (_w("del"), _w("moveFrom")):
                text = "".join(t.text or "" for t in child.iter(_w("delText"), _w("t")))
                if text:
                    para.deleted.append(text)
            elif tag == _w("commentRangeStart"):
                para.comments.append(_val(child, "id"))
            elif tag == f"{{{MC}}}AlternateContent":
                choice = child.find(f"{{{MC}}}Choice")
                if choice is not None:
                    self.runs(choice, para, sid)

    def run(self, r, para: _Para, sid: str | None) -> None:
        rpr = r.find(_w("rPr"))
        hidden = rpr is not None and _on(rpr.find(_w("vanish")))
        bold = _on(rpr.find(_w("b"))) if rpr is not None else None
        rsid = _val(rpr.find(_w("rStyle"))) if rpr is not None else None
        if bold is None:
            bold = self.styles.get(rsid, "bold") if rsid else None
        if bold is None:
            bold = bool(self.styles.get(sid, "bold"))
        size = (_size(rpr) if rpr is not None else None) or self.styles.get(rsid or sid, "size")
        buf: list[str] = []
        for child in _run_content(r):
            tag = child.tag
            if tag == _w("t"):
                # a zero-width space or word joiner tells Word where a line may break (ours do,
                # layout.text.joined_for_word): a hint, not text
                buf.append((child.text or "").replace("\u200b", "").replace("\u2060", ""))
            elif tag == _w("tab"):
                buf.append("\t")
            elif tag in (_w("br"), _w("cr")):
                if child.get(_w("type")) == "page":
                    if (para.text + "".join(buf)).strip():
                        para.page_break_after = True
                    else:
                        para.page_break_in = True
                elif child.get(_w("type")) != "column":
                    buf.append("\n")
            elif tag == _w("noBreakHyphen"):
                buf.append("-")
            elif tag == _w("sym"):
                try:
                    buf.append(chr(int(child.get(_w("char")), 16)))
                except (TypeError, ValueError):
                    pass
            elif tag == _w("txbxContent"):
                para.boxes.append(child)
            elif tag == _w("commentReference"):
                cid = _val(child, "id")
                if cid not in para.comments:
                    para.comments.append(cid)
        text = "".join(buf)
        # text inside a text box belongs to the box, not to this run
        if hidden:
            if text.strip():
                para.hidden.append(text)
            return
        para.text += text
        n = len(text.strip())
        para.chars += n
        if bold:
            para.bold_chars += n
        if size and n and (para.size is None or size > para.size):
            para.size = size

    def table(self, tbl) -> None:
        rows: list[list[str]] = []
        merged = False
        first = self.count + 1
        for tr in tbl.iter(_w("tr")):
            if _nearest_table(tr) is not tbl:
                continue
            row: list[str] = []
            for tc in tr.findall(_w("tc")):
                tcpr = tc.find(_w("tcPr"))
                span = 1
                if tcpr is not None:
                    gs = _val(tcpr.find(_w("gridSpan")))
                    span = int(gs) if gs and gs.isdigit() else 1
                    vm = tcpr.find(_w("vMerge"))
                    if vm is not None and _val(vm) != "restart":
                        merged = True
                        self.count += len(tc.findall(_w("p")))
                        row.extend([""] * span)
                        continue
                parts = []
                for p in tc.iter(_w("p")):
                    lines = self.paragraph(p, in_table=True)
                    parts.append("".join(x.text for x in lines).replace("\t", " ").strip())
                row.append("".join(x for x in parts if x))
                if span > 1:
                    merged = True
                    row.extend([""] * (span - 1))
            rows.append(row)
        cols = max((len(r) for r in rows), default=0)
        if len(rows) >= 2 and cols >= 2:
            self.lines.append(Line("", first, table=TableData(rows, merged)))
            if merged:
                self.draft.notes.append(f"第 {first} 段起的表格有合并的单元格：合并处按空格导入，请核对")
        else:
            # a one-row or one-column table is layout (a 版头 or 版记 set in a table): its lines
            n = first
            for tc in tbl.iter(_w("tc")):
                for p in tc.findall(_w("p")):
                    for line in self._lines_of(p, n):
                        self.lines.append(line)
                    n += 1

    def _lines_of(self, p, src: int) -> list[Line]:
        para = _Para()
        self.runs(p, para, None)
        out = []
        for k, row in enumerate(para.text.split("\n")):
            if row.strip():
                out.append(Line(row, src, soft=k > 0))
        for box in para.boxes:
            for q in box.iter(_w("p")):
                self.count += 1
                out.extend(self._lines_of(q, self.count))
        return out


_FALLBACK = f"{{{MC}}}Fallback"


def _run_content(el):
    """A run's elements in order, not descending into text boxes (yielded
    whole: their paragraphs are paragraphs of their own) or VML fallbacks (a
    second copy of the same drawing)."""
    for child in el:
        if child.tag == _FALLBACK:
            continue
        yield child
        if child.tag != _w("txbxContent") and len(child):
            yield from _run_content(child)


def _nearest_table(el):
    p = el.getparent()
    while p is not None and p.tag != _w("tbl"):
        p = p.getparent()
    return p


def read_docx(raw: bytes, name: str) -> Draft:
    try:
        z = zipfile.ZipFile(io.BytesIO(raw))
        names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise GongwenError(Problem("这个 DOCX 文件已损坏，无法打开（不是完整的压缩包）。", _SAVE_AS, file=name)) from None
    if "word/document.xml" not in names and not any(n.endswith("document.xml") for n in names):
        what = "Excel 表格" if "xl/workbook.xml" in names else "PowerPoint 演示文稿" \
            if "ppt/presentation.xml" in names else "WPS 或其他压缩文件" if names else "空的压缩包"
        raise GongwenError(Problem(f"这个文件不是 Word 文档（是{what}）。", "导入 Word/WPS 文字文档（.docx）", file=name))
    if sum(i.file_size for i in z.infolist()) > MAX_UNPACKED_BYTES:
        raise GongwenError(Problem(f"这个 DOCX 解压后超过 {MAX_UNPACKED_BYTES // 2**20} MB，不像一份公文草稿。",
                                   "检查文件是否选对；图片很多时先删去图片再导入", file=name))
    try:
        import docx  # lazy: python-docx only for a .docx draft
        document = docx.Document(io.BytesIO(raw))
    except Exception as e:      # python-docx raises many kinds on a broken package
        raise GongwenError(Problem(f"这个 DOCX 文件已损坏，无法打开（{type(e).__name__}）。", _SAVE_AS,
                                   file=name)) from None
    parts: dict[str, list[bytes]] = {}
    for rel in document.part.rels.values():
        kind = rel.reltype.rsplit("/", 1)[-1]
        if not rel.is_external and kind in ("styles", "numbering", "comments", "header", "footer"):
            parts.setdefault(kind, []).append(rel.target_part.blob)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

    def root(kind):
        blobs = parts.get(kind)
        try:
            return etree.fromstring(blobs[0], parser) if blobs else None
        except etree.XMLSyntaxError:
            return None
    comments: dict[str | None, str] = {}
    croot = root("comments")
    if croot is not None:
        for c in croot.iter(_w("comment")):
            comments[_val(c, "id")] = "".join(t.text or "" for t in c.iter(_w("t"))).strip()
    draft = Draft(name, "docx", "段", [], "")
    walker = _Walker(Styles(root("styles")), Numbering(root("numbering")), draft, comments)
    body = document.element.body
    walker.block(body)
    draft.lines = walker.lines
    draft.text = "\n".join(walker.texts)
    for kind in ("header", "footer"):
        for blob in parts.get(kind, []):
            try:
                text = "".join(t.text or "" for t in etree.fromstring(blob, parser).iter(_w("t"))).strip()
            except etree.XMLSyntaxError:
                continue
            if text and not text.strip("—-–− 0123456789第页共/"):
                continue
            if text:
                draft.notes.append(f"{'页眉' if kind == 'header' else '页脚'}里的文字“{text[:40]}”没有导入"
                                   "（生成时按标准排页码，没有页眉）")
    if walker.tracked:
        draft.notes.insert(0, f"草稿里有未接受的修订（{walker.tracked} 段）：按修订后的样子导入")
    return draft
