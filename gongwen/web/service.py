"""What the web page does, without HTTP: read the YAML text, check it, lay it
out, preview it, write PDF/DOCX, save and archive — through the same
functions as the command line (reader, checks, pipeline, archive), so the
page and `generate.py` give the same messages and the same bytes.

Every path comes from the clerk's folder: a data file's name is checked to
lie inside it (`data_path`), and the files the data names are confined to it
by the reader.  Rendering is serialised by one lock: the font book, ReportLab
and the archive's bookkeeping are shared by the whole process.
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import archive, history as versions_of
from ..checks import check_document
from ..draftimport import import_draft as draft_to_yaml
from ..errors import GongwenError, Problem
from ..files import DRAFT_SUFFIXES, atomic_write, write_error
from ..newdoc import skeleton
from ..pipeline import build, fontbook, generate, render as render_all
from ..reader import build as build_document
from ..writers.svg import faces_used, render_svg
from ..yamlsource import decode, load
from .yamledit import plain_fields

DATA_SUFFIXES = (".yaml", ".yml")
RENDER_LOCK = threading.Lock()


class Refused(Exception):
    """A request the server will not carry out: HTTP status and the Chinese reason."""

    def __init__(self, status: int, message: str, hint: str = ""):
        super().__init__(message)
        self.status, self.message, self.hint = status, message, hint


@dataclass
class Folder:
    """The clerk's folder (data files) and the archive root (build/)."""
    root: Path
    build: Path

    def __post_init__(self):
        self.root = Path(self.root).resolve()
        self.build = Path(self.build).resolve()

    def inside(self, path: Path) -> bool:
        try:
            return path.resolve().is_relative_to(self.root)
        except (OSError, ValueError, RuntimeError):
            return False

    def data_path(self, name: str | None, must_exist: bool = False) -> Path:
        """FOLDER/name for a data file name from a request: relative, no `..`,
        no link out of the folder, a .yaml file.  Anything else is refused."""
        if not name:
            return self.root / "未命名.yaml"
        if "\x00" in name or "\\" in name or name.startswith("/") or len(name.encode()) > 1024:
            raise Refused(403, f"文件名“{name[:80]}”不允许：只能是文件夹“{self.root}”里的文件。")
        parts = Path(name).parts
        if any(p in ("..", ".") or p.startswith("~") for p in parts) or Path(name).is_absolute():
            raise Refused(403, f"文件名“{name[:80]}”不允许：不能离开文件夹“{self.root}”。")
        path = self.root / name
        if not self.inside(path):
            raise Refused(403, f"文件“{name[:80]}”在文件夹“{self.root}”以外，不能读写。")
        if path.suffix.lower() not in DATA_SUFFIXES:
            raise Refused(403, f"“{name[:80]}”不是公文数据文件（.yaml）。", "文件名以 .yaml 结尾")
        if must_exist and not path.is_file():
            raise Refused(404, f"文件夹“{self.root}”里没有“{name[:80]}”。")
        return path

    def file_path(self, name: str) -> Path:
        """A file the data names (seal image, 附件 PDF), for the preview: inside FOLDER only."""
        if not name or "\x00" in name:
            raise Refused(403, "文件名不允许。")
        path = Path(name)
        if not path.is_absolute():
            path = self.root / path
        if not self.inside(path):
            raise Refused(403, f"文件“{name[:80]}”在文件夹“{self.root}”以外，不能读取。")
        if not path.is_file():
            raise Refused(404, f"文件“{name[:80]}”不存在。")
        return path.resolve()

    def data_files(self, limit: int = 500) -> list[str]:
        out: list[str] = []
        for p in sorted(self.root.rglob("*")):
            if len(out) >= limit:
                break
            if p.suffix.lower() in DATA_SUFFIXES and p.is_file() and self.inside(p) \
                    and not any(part.startswith(".") for part in p.relative_to(self.root).parts):
                out.append(p.relative_to(self.root).as_posix())
        return out


def problem_json(p: Problem) -> dict[str, Any]:
    return {"line": p.line, "column": p.column, "field": p.field, "message": p.message, "hint": p.hint,
            "severity": p.severity, "text": p.format()}


@dataclass
class Checked:
    doc: Any | None
    problems: list[Problem] = field(default_factory=list)
    fields: dict[str, Any] | None = None      # the form's values; None when the YAML does not parse

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def check(folder: Folder, text: bytes, source: Path) -> Checked:
    """Read and check as `generate.py check` does; problems rather than exceptions.
    Each document starts without the rare characters of the ones before it, so
    its fallback subset — and the PDF's bytes — are what a fresh CLI run makes."""
    fontbook().forget_fallbacks()
    fields = None
    try:
        data = load(decode(text, source), source)     # reader.read's steps, the YAML parsed once
        fields = plain_fields(data)                   # for the form too
        doc = build_document(data, source, confine=folder.root)
    except GongwenError as e:
        return Checked(None, e.problems, fields)
    except RecursionError:
        return Checked(None, [Problem("数据嵌套过深，无法检查。", "简化数据的层次", file=source)], fields)
    try:
        return Checked(doc, check_document(doc), fields)
    except GongwenError as e:       # a character no font has, …
        return Checked(doc, e.problems, fields)


def render(folder: Folder, text: bytes, name: str | None,
           image_href, external_href) -> dict[str, Any]:
    """POST /api/render: page count, problems and the preview (one SVG per page)."""
    source = folder.data_path(name)
    with RENDER_LOCK:
        c = check(folder, text, source)
        out: dict[str, Any] = {"file": source.relative_to(folder.root).as_posix(),
                               "problems": [problem_json(p) for p in c.problems],
                               "ok": not c.errors, "pages": None, "preview": None}
        out["fields"] = c.fields
        if c.doc is None:
            return out
        try:
            lay = build(c.doc)
        except GongwenError as e:
            out["problems"] += [problem_json(p) for p in e.problems]
            out["ok"] = False
            return out
        pages = render_svg(lay, image_href, external_href)
    out["pages"] = len(pages)
    out["preview"] = {"format": "svg", "fonts": faces_used(lay),
                      "pages": [{"page": p.number, "kind": p.kind, "svg": p.svg} for p in pages]}
    return out


def outputs(folder: Folder, text: bytes, name: str | None, fmt: str) -> tuple[bytes | None, list[Problem]]:
    """The PDF or DOCX exactly as `generate.py FILE --out DIR` writes it, or the
    errors that stop it (the CLI refuses the same data)."""
    source = folder.data_path(name)
    with RENDER_LOCK:
        c = check(folder, text, source)
        if c.doc is None or c.errors:
            return None, c.errors or c.problems
        try:
            blobs, _ = render_all(c.doc, formats=(fmt,))
        except GongwenError as e:
            return None, e.problems
    return blobs[fmt], []


def save(folder: Folder, text: bytes, name: str, reason: str | None) -> dict[str, Any]:
    """保存: the data file into FOLDER (always — the clerk's work is never lost),
    then a new version in the archive exactly as `generate.py FILE --reason …`."""
    source = folder.data_path(name)
    if not name:
        raise Refused(400, "请先给文件起个名字。", "例如 通知-2024-1.yaml")
    with RENDER_LOCK:
        c = check(folder, text, source)     # confined to FOLDER, as every read of the page is
        try:
            atomic_write(source, text)
        except OSError as e:
            err = write_error(e, source.parent, source)
            return {"saved": False, "archived": False, "problems": [problem_json(p) for p in err.problems],
                    "messages": [p.format() for p in err.problems]}
        rel = source.relative_to(folder.root).as_posix()
        out: dict[str, Any] = {"saved": True, "file": rel, "sha256": hashlib.sha256(text).hexdigest(),
                               "archived": False, "problems": [], "messages": [f"已保存 {rel}"]}
        try:
            if c.errors:
                raise GongwenError(c.errors)
            result = generate(source, folder.build, archive=True, reason=reason or None)
        except GongwenError as e:
            out["problems"] = [problem_json(p) for p in e.problems]
            out["messages"].append("有错误，未存档新版本（数据文件已保存）。")
            return out
    stored = result.archived
    assert stored is not None                  # generate(archive=True) always archives or raises
    where = stored.folder / f"v{stored.version}"
    shown = _shown(folder, where)
    out.update(archived=True, version=stored.version, new=stored.new,
               problems=[problem_json(p) for p in result.warnings])
    if stored.new:
        why = "；".join(x for x in (f"原因：{reason}" if reason else None, stored.note) if x)
        out["messages"].append(f"存档：新版本 v{stored.version}，在 {shown}" + (f"（{why}）" if why else ""))
    else:
        out["messages"].append(f"存档：数据与输出都没变，仍是 v{stored.version}（{shown}），没有新建版本"
                               + ("；原因未记录" if stored.reason_unused else ""))
    out["messages"] += result.notes
    return out


def _shown(folder: Folder, path: Path) -> str:
    try:
        return "build/" + path.relative_to(folder.build).as_posix()
    except ValueError:
        return str(path)


def history(folder: Folder, name: str) -> dict[str, Any]:
    source = folder.data_path(name)
    if not source.is_file():
        return {"versions": [], "lines": [f"“{name}”还没有保存到文件夹里：保存后这里列出它的版本。"]}
    with RENDER_LOCK:
        try:
            where = archive.folder_for(source, folder.build)
        except GongwenError as e:
            return {"versions": [], "lines": [p.message for p in e.problems]}
        manifest = archive.load_manifest(where)
        lines = versions_of.history(where)
    versions = [{"version": v["version"], "generated": v.get("generated"), "reason": v.get("reason"),
                 "pages": v.get("pages")} for v in manifest["versions"]]
    return {"versions": versions, "lines": [lines[0].replace(str(where), _shown(folder, where))] + lines[1:]}


def diff(folder: Folder, name: str, a: str | None, b: str | None) -> dict[str, Any]:
    source = folder.data_path(name, must_exist=True)
    with RENDER_LOCK:
        try:
            where = archive.folder_for(source, folder.build)
            return {"lines": versions_of.diff(where, a or None, b or None)}
        except GongwenError as e:
            return {"lines": [p.message + (f"（{p.hint}）" if p.hint else "") for p in e.problems]}


def import_draft(folder: Folder, raw: bytes, name: str | None) -> dict[str, Any]:
    """POST /api/import: a .docx/.txt draft → the data file's text and the
    import's report, through the same code as `generate.py import` (nothing is
    written: the clerk checks the form and then saves).  `name` is the draft's
    file name as the computer had it — it says what the bytes are and names the
    data file; it is never a path."""
    name = (name or "").strip()
    if not name:
        raise Refused(400, "没有草稿的文件名。", "在地址里写 ?name=草稿.docx（文件名说明它是 Word 文档还是文字稿）")
    if "\x00" in name or "/" in name or "\\" in name or name in (".", "..") or len(name.encode()) > 255:
        raise Refused(403, f"草稿文件名“{name[:80]}”不允许：只写文件名，不带文件夹。", "例如 ?name=通知.docx")
    suffix = Path(name).suffix.lower()
    if suffix not in DRAFT_SUFFIXES:
        raise Refused(422, f"“{name[:80]}”不是能导入的草稿（.docx、.txt、.md）。",
                      "在 Word 或 WPS 里另存为 .docx，或把文字粘贴进 .txt 再导入")
    target = _free_name(folder, Path(name).stem or "导入的草稿")
    try:                          # pure: no font book, no archive — the previews need not wait
        yaml_text, report = draft_to_yaml(raw, name, target=target)
    except GongwenError as e:
        return {"ok": False, "error": e.problems[0].message, "hint": e.problems[0].hint,
                "problems": [problem_json(p) for p in e.problems]}
    return {"ok": True, "yaml": yaml_text, "name": target, "draft": name,
            "report": {"lines": report.lines, "unsure": report.unsure, "missing": report.missing,
                       "dropped": len(report.dropped), "text": report.text}}


def _free_name(folder: Folder, stem: str) -> str:
    """A data file name for an imported draft that no file in FOLDER has yet
    (saving never overwrites a notice the clerk already has)."""
    stem = "".join(c for c in stem if c not in '<>:"|?*' and ord(c) >= 32).strip(" .") or "导入的草稿"
    stem = stem[:80]
    for n in range(1, 1000):
        name = f"{stem}.yaml" if n == 1 else f"{stem}-{n}.yaml"
        if not (folder.root / name).exists():
            return name
    return f"{stem}-{hashlib.sha256(stem.encode()).hexdigest()[:8]}.yaml"


def new_document(kind: str, organ: str) -> str:
    try:
        return skeleton(kind, organ or "××")
    except GongwenError as e:
        raise Refused(422, e.problems[0].message, e.problems[0].hint)


_WEB_FONTS: dict[str, bytes] = {}


def font_bytes(key: str) -> bytes:
    """The face the layout names `key`, as a TrueType file a browser loads:
    the very face the PDF embeds (its subset), so the preview draws its glyphs."""
    data = _WEB_FONTS.get(key)
    if data is not None:
        return data
    try:
        face = fontbook().by_key(key)
    except KeyError:
        raise Refused(404, f"没有字体“{key[:60]}”。")
    src, index = face._source() if face._source else (face.path, face.index)   # noqa: SLF001
    if isinstance(src, bytes):
        data = src
    elif Path(src).suffix.lower() == ".ttf" and index == 0:
        data = Path(src).read_bytes()
    else:                                   # a face inside a .ttc: its own TrueType file
        import io
        from fontTools.ttLib import TTFont
        buf = io.BytesIO()
        TTFont(str(src), fontNumber=index, lazy=False).save(buf)
        data = buf.getvalue()
    _WEB_FONTS[key] = data
    return data


def external_png(folder: Folder, name: str, index: int) -> bytes:
    """An 附件 PDF's page as a PNG for the preview (pypdfium2)."""
    import io
    import pypdfium2  # lazy: pdfium only to show an 附件 PDF's page on the web page
    path = folder.file_path(name)
    with RENDER_LOCK:
        pdf = pypdfium2.PdfDocument(str(path))
        try:
            if not 0 <= index < len(pdf):
                raise Refused(404, "没有这一页。")
            image = pdf[index].render(scale=1.5).to_pil()
        finally:
            pdf.close()
    buf = io.BytesIO()
    image.save(buf, "PNG", optimize=False)
    return buf.getvalue()
