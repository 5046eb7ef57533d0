"""The PDF as archived: PDF/A-1b, bookmarks, page labels, appended 附件 PDFs.

`finish` takes the bytes the ReportLab writer drew and returns the final file.
It changes structure and metadata only; every glyph and rule stays as drawn:

* ReportLab's empty `/Trans` page entries are removed (PDF/A-1 forbids them);
* each `external` page of the layout gets its 附件 PDF page underneath the page
  number already drawn on it (scaled to A4 if it is another size), from the
  PDF's archival form (attachpdf.py: converted to PDF/A where it is not);
* an outline (书签) for 正文 and each 附件, with their 一级 and 二级标题
  (nested), and the 版记;
* page labels equal to the page numbers (the blank page and the 版记-only page,
  outside the numbering, are labelled 空白页 / 版记; a 信函's first page, whose
  number is not printed, is 1);
* document information and a matching XMP packet: 标题 as title (for a 纪要 or
  命令 without one, the mark with its 期号 or 令号), 发文机关 as author, 发文字号
  (or 令号) as subject, those and the 成文日期 as keywords, the 成文日期 as
  creation date (never the clock), PDF/A-1b identification;
* an sRGB output intent (the profile shipped with pikepdf);
* saved as PDF 1.4 without object streams and with a document ID derived from
  the content, so the same data gives the same bytes on any day.

This is what `pikepdf.pdfa.prepare` + `pikepdf.pdfa.save` would do to our
files, done directly: the validator behind `pikepdf.pdfa.save` costs about
0.3 s per document (import and one re-parse), so it runs only when a 附件 PDF
from outside is appended — the one input we do not control.  Our own output is
validated by the tests, with that validator and with PDFBox Preflight.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

from . import metadata, spec
from .attachpdf import archival, attachment_findings
from .elements import HEADINGS, Element, Part, part_of
from .errors import GongwenError, Problem
from .model import Document
from .pdfbase import MM, save_kwargs, set_metadata, set_output_intent, underlay

def finish(data: bytes, lay, doc: Document) -> bytes:
    """The archived PDF/A-1b bytes of a drawn layout."""
    import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read
    pdf = pikepdf.open(io.BytesIO(data))
    _drop_transitions(pdf)
    _fix_to_unicode(pdf)
    externals = _underlay_externals(pdf, lay)
    _outline(pdf, lay, doc)
    _page_labels(pdf, lay)
    return _archive(pdf, doc, externals)


def finish_copies(data: bytes, lay, doc: Document) -> bytes:
    """The template of a merged print file of numbered copies (one copy of
    `lay`, drawn by writers.pdf.render_pdf_copies), made PDF/A-1b like a single
    copy, 附件 PDFs included, without bookmarks; mergedcopies.py repeats its
    pages for every 份号 and writes the page labels."""
    import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read
    pdf = pikepdf.open(io.BytesIO(data))
    _drop_transitions(pdf)
    _fix_to_unicode(pdf)
    externals = _underlay_externals(pdf, lay)
    return _archive(pdf, doc, externals)


_BEYOND_BMP = re.compile(rb"(<[0-9A-Fa-f]{2,4}>\s+)<([0-9A-Fa-f]{5,6})>")


def _fix_to_unicode(pdf) -> None:
    """ReportLab writes a character beyond the BMP (𠮷 U+20BB7) into a font's
    ToUnicode CMap as <20BB7>; the CMap wants UTF-16, the surrogate pair
    <D842DFB7>, or copying the text out gives 吉₻."""
    import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read

    def utf16(m: re.Match) -> bytes:
        units = chr(int(m.group(2), 16)).encode("utf-16-be")
        return m.group(1) + b"<" + units.hex().upper().encode() + b">"
    done = set()
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or "/ToUnicode" not in obj:
            continue
        stream = obj.ToUnicode
        if stream.objgen in done:
            continue
        done.add(stream.objgen)
        data = stream.read_bytes()
        fixed = _BEYOND_BMP.sub(utf16, data)
        if fixed != data:
            stream.write(fixed)


def _drop_transitions(pdf) -> None:
    # ReportLab writes an empty /Trans on every page; PDF/A-1 forbids them.
    for page in pdf.pages:
        if "/Trans" in page.obj:
            del page.obj["/Trans"]


def _archive(pdf, doc: Document, externals: list[Path]) -> bytes:
    """Metadata, output intent, PDF/A-1b save settings; the bytes."""
    set_metadata(pdf, metadata.title(doc), metadata.author(doc), metadata.subject(doc), metadata.keywords(doc),
              doc.date)
    set_output_intent(pdf)
    out = io.BytesIO()
    pdf.save(out, **save_kwargs())
    pdf.close()
    result = out.getvalue()
    if externals:
        _verify_with_externals(result, doc, externals)
    return result


# -- metadata ----------------------------------------------------------------

# -- navigation ----------------------------------------------------------------

# Page labels follow the standard's own distinction between a page outside the
# numbering and a page whose number is only not shown.  The blank page before
# the 版记 and the 版记 page "不编排页码" (§7.5): they are labelled by what they
# are.  A 信函's first page "不显示页码" (§10.1): it is still page 1 — the next
# one prints —2— — so it is labelled 1, in one decimal run with the pages after
# it, and every label that is a number is the page's number as printed or as
# counted.  (Labelling it by a name instead would leave "page 1" nowhere in a
# reader's page box or print dialog.)
UNNUMBERED = {"blank": "空白页", "imprint": "版记"}


def _unnumbered(page) -> str | None:
    return UNNUMBERED.get(page.kind) if not page.show_number else None


def _page_labels(pdf, lay) -> None:
    import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(label_ranges(lay)))


def label_ranges(lay) -> list:
    """/PageLabels /Nums entries for `lay`'s pages."""
    import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read
    nums: list = []
    for i, style, start, name in label_entries(lay):
        if style:
            nums += [i, pikepdf.Dictionary(S=pikepdf.Name("/" + style), St=start)]
        else:
            nums += [i, pikepdf.Dictionary(P=pikepdf.String(name or ""))]   # a name when no style
    return nums


def label_entries(lay) -> list[tuple[int, str | None, int | None, str | None]]:
    """The page labels of `lay` as (first page index, style, start, name) runs:
    ("D", number) for a decimal run of numbered pages, a name only (空白页,
    版记) for a page outside the numbering."""
    out: list = []
    expect = None                        # the number the current decimal run gives next
    for i, page in enumerate(lay.pages):
        name = _unnumbered(page)
        if name:
            out.append((i, None, None, name))
            expect = None
        else:
            if expect != page.number:            # a new decimal run starts here
                out.append((i, "D", page.number, None))
            expect = page.number + 1
    return out


Mark = tuple[str, int, float | None, list]   # (title, page index, top in mm or None, children)
OUTLINE_LEVELS = (1, 2)                          # the heading levels the outline shows, nested
MAIN_ELEMENTS = {Element.ADDRESSEE, Element.BODY, *HEADINGS}


def _mark(title: str, ln, kids: list | None = None, lay=None) -> Mark:
    top = (lay.line_top(ln.page, ln.line) if lay is not None else spec.line_top(ln.line)) if ln.line else None
    return (title, ln.page - 1, top, kids or [])


def bookmarks(lay, doc: Document) -> list[Mark]:
    """The outline: 正文 with its headings, each 附件, the 版记 — found by the
    identity layout gives each line (its element and model paragraph)."""
    def first(pred) -> tuple[int, float | None] | None:
        for ln in lay.lines:
            if pred(ln):
                return ln.page - 1, (lay.line_top(ln.page, ln.line) if ln.line else None)
        return None

    out: list[Mark] = []
    # 正文 starts at the 标题, or where the text starts in a 纪要 or 命令 without one.
    start = first(lambda ln: ln.element == Element.TITLE) or first(lambda ln: ln.element in MAIN_ELEMENTS)
    if start:
        out.append((f"正文　{metadata.title(doc)}", *start, heading_marks(doc.body, lay.lines, None, lay)))
    several = len(doc.attachments) > 1
    for a in doc.attachments:
        label = next((ln for ln in lay.lines if ln.element == Element.ATTACHMENT_LABEL
                      and ln.origin.attachment == a.number), None)
        if label is not None:
            name = f"附件{a.number}　{a.name}" if several else f"附件　{a.name}"
            out.append(_mark(name, label, heading_marks(a.content, lay.lines, a.number, lay), lay))
    if lay.imprint_page:
        imp = first(lambda ln: ln.page == lay.imprint_page and part_of(ln.element) is Part.IMPRINT)
        out.append(("版记", lay.imprint_page - 1, imp[1] if imp else None, []))
    return out


def heading_marks(blocks, lines, attachment: int | None, lay=None) -> list[Mark]:
    """A bookmark for every 一级 and 二级标题 among `blocks` (the 正文, or the
    content of 附件 `attachment`), at its first printed line, each 二级 under
    the 一级 before it."""
    out: list[Mark] = []
    for ln in lines:
        o = ln.origin
        if not ln.first or o.attachment != attachment or o.block is None or o.level not in OUTLINE_LEVELS \
                or ln.element not in HEADINGS:
            continue
        mark = _mark(heading_title(blocks[o.block]), ln, lay=lay)
        if o.level == 1 or not out:
            out.append(mark)
        else:
            out[-1][3].append(mark)
    return out


def heading_title(p) -> str:
    """A heading's bookmark text: the whole heading; of a run-in heading (heading
    sentence and text in one paragraph), its heading sentence."""
    if p.run_in:
        head, sep, _ = p.text.partition("。")
        return head + sep
    return p.text


def _outline(pdf, lay, doc: Document) -> None:
    import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read
    entries = bookmarks(lay, doc)
    if not entries:
        return
    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))

    def add(parent, items) -> int:
        objs = []
        for title, page, top, kids in items:
            y = (spec.PAGE_HEIGHT - top) * MM if top is not None else spec.PAGE_HEIGHT * MM
            o = pdf.make_indirect(pikepdf.Dictionary(
                Title=pikepdf.String(title), Parent=parent,
                Dest=pikepdf.Array([pdf.pages[page].obj, pikepdf.Name.XYZ, 0, round(y, 2), 0])))
            objs.append(o)
            if kids:
                o.Count = add(o, kids)
        for a, b in zip(objs, objs[1:]):
            a.Next, b.Prev = b, a
        parent.First, parent.Last = objs[0], objs[-1]
        return len(objs) + sum(int(o.get("/Count", 0)) for o in objs)

    root.Count = add(root, entries)
    pdf.Root.Outlines = root
    pdf.Root.PageMode = pikepdf.Name.UseOutlines


# -- 附件 given as PDF files ---------------------------------------------------------

def _underlay_externals(pdf, lay) -> list[Path]:
    """Put each external page under the page drawn for it (which carries only
    the page number), scaled to fit the A4 page and centred."""
    import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read
    opened: dict[Path, pikepdf.Pdf] = {}
    files: list[Path] = []
    try:
        for i, page in enumerate(lay.pages):
            if page.kind != "external" or page.external is None:
                continue
            path, k = page.external
            if path not in opened:
                # the archival form: the file itself, or its PDF/A conversion (attachpdf.py)
                opened[path] = pikepdf.open(io.BytesIO(archival(path).data))
                files.append(path)
            form = pdf.copy_foreign(opened[path].pages[k].as_form_xobject())
            underlay(pdf.pages[i], form, f"/GwAttachmentPage{i + 1}")
    finally:
        for src in opened.values():
            src.close()
    return files


def _verify_with_externals(data: bytes, doc: Document, files: list[Path]) -> None:
    """Validate the final bytes; when they fail, find which 附件 PDF is why."""
    import pikepdf.pdfa  # lazy: pikepdf (~43 ms) only where a PDF is finished or read
    report = pikepdf.pdfa.validate_written(io.BytesIO(data), "1b")
    if report.passed:
        return
    problems = []
    for a in doc.attachments:
        if a.file is None:
            continue
        findings = attachment_findings(a.file)
        if findings:
            problems.append(Problem(
                f"附件“{a.name}”的 PDF 文件“{a.file}”不能并入 PDF/A 存档文件：{findings}",
                "在 WPS 或 Word 里“另存为/输出为 PDF”时勾选“PDF/A”（或用 Acrobat 转成 PDF/A-1b），"
                "再把新文件写在“文件:”里", field="附件", file=doc.source, line=doc.lines.get("附件")))
    if not problems:                     # our own part failed: a bug, not the user's data
        first = "; ".join(f"{f.rule} {f.where}: {f.message}" for f in report.findings[:3])
        problems.append(Problem(f"生成的 PDF 未通过 PDF/A-1b 检查（{first}）。这是程序的问题。",
                                "请把数据文件和附件报告给维护者", file=doc.source))
    raise GongwenError(problems)
