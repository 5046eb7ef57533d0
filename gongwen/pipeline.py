"""data → model → layout → writers, as one call the CLI, batch and bench share."""
from __future__ import annotations

import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable

from .errors import GongwenError, Problem


@dataclass
class Result:
    outputs: list[Path]
    fonts: dict[str, str]                 # role → family used in the PDF
    pages: int
    warnings: list[Problem] = field(default_factory=list)
    archived: object | None = None        # archive.Stored when the archive flow ran
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
    import argparse
    try:
        return parse_formats(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e))


def output_notes(doc, formats: tuple[str, ...] = DEFAULT_FORMATS) -> list[str]:
    """What the DOCX and the OFD cannot hold: an 附件 given as a PDF is appended
    to the PDF only (Word cannot embed PDF pages; drawing arbitrary PDF content
    into OFD exactly is not done); they keep its label page.  And an 附件 PDF
    that had to be converted to go into the archival PDF."""
    from .attachpdf import archival, note
    others = "、".join(f.upper() for f in formats if f in ("docx", "ofd"))
    out = [f"注意：附件{a.number if len(doc.attachments) > 1 else ''}（{a.file.name}）的页面只在 PDF 里，"
           f"{others} 中只有它的标签页；打印和归档请用 PDF。"
           for a in doc.attachments if a.file is not None and others]
    for a in doc.attachments:
        said = note(a.name, a.file, archival(a.file)) if a.file is not None and "pdf" in formats else None
        if said:
            out.append("注意：" + said)
    return out


def fontbook():
    """One FontBook per process: fonts are parsed once, however many documents."""
    from .fonts import default_book
    return default_book()


def build(doc, preprinted: bool = False):
    """Layout of a Document with the process's fonts; MissingGlyph becomes a clear error."""
    from .fonts import MissingGlyph
    from .layout import layout
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


def _line_of(doc, ch: str) -> int | None:
    if doc.source is None:
        return None
    try:
        for n, text in enumerate(Path(doc.source).read_text(encoding="utf-8-sig").splitlines(), 1):
            if ch in text:
                return n
    except OSError:
        pass
    return None


def _field_of(doc, ch: str) -> str | None:
    line = _line_of(doc, ch)
    if line is None:
        return None
    best = None
    for key, ln in doc.lines.items():
        if ln <= line and (best is None or ln > doc.lines[best]):
            best = key
    return best


# Temporary names are short and fixed in form, so a final name that fits the
# file system always has a temporary one that fits too (and stale ones are
# easy to recognise: ours, or the longer .NAME.XXXXXXXX.tmp of earlier versions).
TEMP_PREFIX, TEMP_SUFFIX = ".gw-", ".tmp"
_TEMP_NAME = re.compile(r"\.(?:gw-|.+\.(?:pdf|docx|json)\.)[a-z0-9_]{8}\.tmp")
RUN_STARTED = time.time()        # a temporary file older than this run is no file of this run's

try:
    import fcntl
except ImportError:              # Windows: no advisory locks
    fcntl = None


def atomic_write(path: Path, data: bytes) -> None:
    """Write under a temporary name and rename: a crash never leaves a broken
    file under the final name."""
    atomic_write_all({path: data})


def atomic_write_all(files: dict[Path, bytes | Callable[[BinaryIO], None]]) -> None:
    """Write every file under a temporary name first, then rename them all: a
    failure while writing (disk full, permissions) leaves every final name as
    it was — no new PDF beside an old DOCX.  The temporary files are locked
    until renamed, so another run sweeping debris leaves them alone.  A file's
    content is its bytes, or a function that writes them to the open file (a
    file streamed, never held whole)."""
    umask = os.umask(0)
    os.umask(umask)
    opened: list[tuple[Path, str, object]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=path.parent)
            f = os.fdopen(fd, "wb")
            opened.append((path, tmp, f))
            if fcntl is not None:
                fcntl.flock(f, fcntl.LOCK_EX)
            if callable(data):
                data(f)
            else:
                f.write(data)
            f.flush()
            os.fsync(f.fileno())
            # mkstemp makes the file private (0600); outputs are ordinary documents.
            os.chmod(tmp, 0o666 & ~umask)
        for path, tmp, f in opened:
            if fcntl is None:
                f.close()                  # Windows renames no open file
            os.replace(tmp, path)          # (elsewhere still locked: a sweep never finds it unlocked)
    except BaseException:
        for _, tmp, _f in opened:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise
    finally:
        for _, _, f in opened:
            f.close()


def sweep_temps(folder: Path, before: float = RUN_STARTED) -> None:
    """Remove the temporary files a killed run left in `folder`: ours by name,
    older than this run and not locked by a run still writing them.  Silent and
    best effort: they are debris, never a document (a read-only folder keeps them)."""
    try:
        entries = [e for e in os.scandir(folder) if _TEMP_NAME.fullmatch(e.name)]
    except OSError:
        return
    for e in entries:
        try:
            if e.is_file(follow_symlinks=False) and e.stat(follow_symlinks=False).st_mtime < before:
                _remove_unlocked(Path(e.path))
        except OSError:
            pass


def _remove_unlocked(path: Path) -> None:
    if fcntl is None:
        os.unlink(path)                    # Windows refuses to remove a file still open elsewhere
        return
    with open(path, "rb") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:            # being written right now
            return
        os.unlink(path)


def name_max(folder: Path) -> int:
    """The longest file name, in bytes, the file system of `folder` takes (255 on most)."""
    p = Path(folder).absolute()
    while not p.exists() and p != p.parent:      # the folder may not exist yet
        p = p.parent
    try:
        return os.pathconf(p, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):   # Windows has no pathconf
        return 255


def check_names(folder: Path, names: list[str], source: Path) -> None:
    """Every name to be written fits the file system — checked before anything
    is written, so a name too long never leaves half the files behind."""
    limit = name_max(folder)
    for name in names:
        if len(os.fsencode(name)) > limit:
            raise GongwenError(name_too_long(name, source, limit))


def name_too_long(name: str, source: Path, limit: int = 255) -> Problem:
    return Problem(f"文件名过长：要写出的“{_short(name)}”有 {len(os.fsencode(name))} 字节，"
                   f"超过文件系统允许的 {limit} 字节。",
                   f"把数据文件“{_short(Path(source).name)}”改成短一些的名字（生成的文件与它同名；"
                   f"不超过 {limit - 5} 字节，约 {(limit - 5) // 3} 个汉字）", file=source)


def _short(name: str) -> str:
    """A long name as a message can show it: its start and its end."""
    return name if len(name) <= 40 else name[:20] + "…" + name[-12:]


def write_error(e: OSError, folder: Path, source: Path, archive: bool = False) -> GongwenError:
    """An OSError while writing, as the clerk's message: what failed and what to do."""
    import errno
    what, kept = ("存档文件夹", "没有存档新版本，已有的版本") if archive else ("文件夹", "已有的文件")
    if e.errno == errno.ENAMETOOLONG:
        return GongwenError(Problem(
            f"文件名或路径过长，无法写入{what}“{folder}”。",
            f"把数据文件“{_short(Path(source).name)}”改成短一些的名字，或换一个路径短一些的文件夹；{kept}没有改动",
            file=source))
    why = {errno.EACCES: "没有写权限", errno.EPERM: "没有写权限", errno.ENOSPC: "磁盘已满",
           errno.ENOTDIR: "路径上有同名的文件", errno.EROFS: "磁盘只读"}.get(e.errno, e.strerror or str(e))
    return GongwenError(Problem(f"无法写入{what}“{folder}”：{why}（{e.filename or folder}）。",
                                f"检查该文件夹的写权限和磁盘空间；{kept}没有改动", file=source))


def render(doc, preprinted: bool = False, formats: tuple[str, ...] = DEFAULT_FORMATS) -> tuple[dict[str, bytes], object]:
    """All outputs as bytes, from one layout."""
    lay = build(doc, preprinted)
    out: dict[str, bytes] = {}
    if "pdf" in formats:
        from .pdfa import finish
        from .writers.pdf import render_pdf
        out["pdf"] = finish(render_pdf(lay, doc, fontbook()), lay, doc)
    if "docx" in formats:
        from .writers.docx import render_docx
        out["docx"] = render_docx(lay, doc)
    if "ofd" in formats:
        from .writers.ofd import render_ofd
        out["ofd"] = render_ofd(lay, doc, fontbook())
    return out, lay


def generate(source: Path, out_dir: Path, preprinted: bool = False, strict: bool = False, *,
             archive: bool = False, reason: str | None = None, same_document: bool = False,
             formats: tuple[str, ...] = DEFAULT_FORMATS) -> Result:
    """Read, check, render, write.  With `archive`, out_dir is the build folder:
    the outputs become a version in its archive (see archive.py) and the latest
    copies out_dir/<stem>.pdf|.docx; without it, a plain export into out_dir."""
    from .reader import read
    from .checks import check_document
    from .yamlsource import read_bytes
    raw = read_bytes(Path(source))          # read once: the archive keeps these very bytes
    doc = read(source, raw)
    warnings = check_document(doc, archiving=archive)
    errors = [p for p in warnings if p.severity == "error" or strict]
    if errors:
        raise GongwenError(errors)
    if archive:
        from .archive import read_inputs
        inputs = read_inputs(doc)          # before rendering: the version keeps what was drawn
    if not archive:
        from .attachpdf import prepare
        prepare(doc)                       # archiving did it in read_inputs, on the bytes it keeps
    blobs, lay = render(doc, preprinted, formats)
    from .archive import output_stem
    stem = output_stem(Path(source).stem, preprinted)
    check_names(Path(out_dir), [f"{stem}.{ext}" for ext in blobs], source)
    if archive:
        from .archive import store
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
