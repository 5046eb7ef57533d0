"""data → model → layout → writers, as one call the CLI, batch and bench share."""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from .archive import Stored, output_stem, read_inputs, store
from .attachpdf import archival, note, prepare
from .checks import check_document
from .errors import GongwenError, Problem
from .files import atomic_write, atomic_write_all, check_names, sweep_temps, write_error  # noqa: F401 (web/service.py)
from .fonts import FontBook, MissingGlyph, default_book
from .layout import layout
from .layout.boxes import Layout
from .model import Document
from .pdfa import finish
from .reader import read
from .writers.docx import render_docx
from .writers.ofd import render_ofd
from .writers.pdf import render_pdf
from .yamlsource import read_bytes


@dataclass
class Result:
    outputs: list[Path]
    fonts: dict[str, str]                 # role → family used in the PDF
    pages: int
    warnings: list[Problem] = field(default_factory=list)
    archived: Stored | None = None        # when the archive flow ran
    notes: list[str] = field(default_factory=list)   # what the clerk should know about the outputs


FORMATS = ("pdf", "docx", "ofd")          # what the writers make, in the order they are listed
DEFAULT_FORMATS = ("pdf", "docx")


def parse_formats(text: str) -> tuple[str, ...]:
    """`--formats pdf,docx,ofd` → ("pdf", "docx", "ofd"): known names, each once,
    in our order.  ValueError (with the clerk's message) otherwise."""
    names = [x.strip().lower().lstrip(".") for x in text.replace("，", ",").split(",") if x.strip()]
    unknown = [x for x in names if x not in FORMATS]
    if unknown or not names:
        raise ValueError(f"不认识的输出格式“{'、'.join(unknown) or text}”；可用 {','.join(FORMATS)}"
                         "（用逗号分隔，例如 --formats pdf,docx,ofd）")
    return tuple(f for f in FORMATS if f in names)


def formats_arg(text: str) -> tuple[str, ...]:
    """argparse type of --formats (generate and batch)."""
    try:
        return parse_formats(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e))


def output_notes(doc: Document, formats: tuple[str, ...] = DEFAULT_FORMATS) -> list[str]:
    """What the DOCX and the OFD cannot hold: an 附件 given as a PDF is appended
    to the PDF only (Word cannot embed PDF pages; drawing arbitrary PDF content
    into OFD exactly is not done); they keep its label page.  And an 附件 PDF
    that had to be converted to go into the archival PDF."""
    others = "、".join(f.upper() for f in formats if f in ("docx", "ofd"))
    out = [f"注意：附件{a.number if len(doc.attachments) > 1 else ''}（{a.file.name}）的页面只在 PDF 里，"
           f"{others} 中只有它的标签页；打印和归档请用 PDF。"
           for a in doc.attachments if a.file is not None and others]
    for a in doc.attachments:
        said = note(a.name, a.file, archival(a.file)) if a.file is not None and "pdf" in formats else None
        if said:
            out.append("注意：" + said)
    return out


def fontbook() -> FontBook:
    """One FontBook per process: fonts are parsed once, however many documents."""
    return default_book()


def build(doc: Document, preprinted: bool = False) -> Layout:
    """Layout of a Document with the process's fonts; MissingGlyph becomes a clear error."""
    fonts = fontbook()
    try:
        fonts.prepare(doc.all_text())       # one fallback subset for all rare characters
        lay = layout(doc, fonts, preprinted=preprinted)
    except MissingGlyph as e:
        raise GongwenError(Problem(str(e), "换用常见字，或把含有该字的字体放进 fonts/ 文件夹",
                                   file=doc.source, field=_field_of(doc, e.char),
                                   line=_line_of(doc, e.char)))
    lay.fonts = fonts.report()
    return lay


def _line_of(doc: Document, ch: str) -> int | None:
    if doc.source is None:
        return None
    try:
        for n, text in enumerate(Path(doc.source).read_text(encoding="utf-8-sig").splitlines(), 1):
            if ch in text:
                return n
    except OSError:
        pass
    return None


def _field_of(doc: Document, ch: str) -> str | None:
    line = _line_of(doc, ch)
    if line is None:
        return None
    best = None
    for key, ln in doc.lines.items():
        if ln <= line and (best is None or ln > doc.lines[best]):
            best = key
    return best


def render(doc: Document, preprinted: bool = False,
           formats: tuple[str, ...] = DEFAULT_FORMATS) -> tuple[dict[str, bytes], Layout]:
    """All outputs as bytes, from one layout."""
    lay = build(doc, preprinted)
    out: dict[str, bytes] = {}
    if "pdf" in formats:
        out["pdf"] = finish(render_pdf(lay, doc, fontbook()), lay, doc)
    if "docx" in formats:
        out["docx"] = render_docx(lay, doc)
    if "ofd" in formats:
        out["ofd"] = render_ofd(lay, doc, fontbook())
    return out, lay


def generate(source: Path, out_dir: Path, preprinted: bool = False, strict: bool = False, *,
             archive: bool = False, reason: str | None = None, same_document: bool = False,
             formats: tuple[str, ...] = DEFAULT_FORMATS) -> Result:
    """Read, check, render, write.  With `archive`, out_dir is the build folder:
    the outputs become a version in its archive (see archive.py) and the latest
    copies out_dir/<stem>.pdf|.docx; without it, a plain export into out_dir."""
    raw = read_bytes(Path(source))          # read once: the archive keeps these very bytes
    doc = read(source, raw)
    warnings = check_document(doc, archiving=archive)
    errors = [p for p in warnings if p.severity == "error" or strict]
    if errors:
        raise GongwenError(errors)
    if archive:
        inputs = read_inputs(doc)          # before rendering: the version keeps what was drawn
    if not archive:
        prepare(doc)                       # archiving did it in read_inputs, on the bytes it keeps
    blobs, lay = render(doc, preprinted, formats)
    stem = output_stem(Path(source).stem, preprinted)
    check_names(Path(out_dir), [f"{stem}.{ext}" for ext in blobs], source)
    if archive:
        try:
            stored = store(Path(out_dir), doc, Path(source), raw, blobs, len(lay.pages), preprinted, reason,
                           inputs, same_document)
        except OSError as e:
            raise write_error(e, Path(out_dir), source, archive=True)
        return Result(stored.latest, lay.fonts, len(lay.pages), warnings, stored, output_notes(doc, formats))
    files = {Path(out_dir) / f"{stem}.{ext}": data for ext, data in blobs.items()}
    sweep_temps(Path(out_dir))
    try:
        atomic_write_all(files)            # all rendered before any is written, all or none replaced
    except OSError as e:
        raise write_error(e, Path(out_dir), source)
    return Result(list(files), lay.fonts, len(lay.pages), warnings, notes=output_notes(doc, formats))
