"""The version archive in build/: every version issued, never overwritten.

    build/
      linzi-ip-week-2023.pdf / .docx     latest version, for convenience
      临知联办字〔2023〕3号/               one folder per document (identity(), key_of())
        manifest.json                     its identity; every version: hashes, time, reason
        v1/linzi-ip-week-2023.yaml        the data exactly as it was
        v1/linzi-ip-week-2023.pdf / .docx the files made from it
        v1/files/<role>/<name>            the seal images and 附件 PDFs it names
        v1/elements.json                  the document's text, element by element (for diff)
        v2/…

A version folder is written under a temporary name and renamed into place, the
manifest after it, so a crash never leaves a half-written version.  The time of
generation lives in the manifest only, never inside the PDF or DOCX.  Reading
it back for the clerk (history, diff) is history.py.
"""
from __future__ import annotations

import datetime as _dt
import errno
import hashlib
import itertools
import json
import os
import re
import shutil
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import yaml

from .attachpdf import AS_IS, prepare
from .controls import printable
from .errors import GongwenError, Problem
from .files import atomic_write, sweep_temp_folders, sweep_temps, write_folder
from .inputfiles import IMAGE_BYTES, PDF_BYTES, read_bounded
from .likeness import likeness
from .model import Attachment, Document, Paragraph, Seal, SignatureSeal, Table
from .reader import read

MANIFEST = "manifest.json"
ELEMENTS = "elements.json"
FILES = "files"                  # vN/files/<role>/<name>: the seal images and 附件 PDFs of a version
FORMAT = 1


# -- names ---------------------------------------------------------------------

_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*\x7f]')


NAME_BYTES = 255          # the longest file name most file systems take, in bytes (UTF-8 on Linux)


def safe_name(text: str, limit: int = NAME_BYTES) -> str:
    """A folder name any file system accepts: no path separators, no characters
    Windows refuses, no leading/trailing dots or spaces, at most `limit` bytes
    in UTF-8 (cut between characters).  Chinese stays as it is."""
    name = _UNSAFE.sub("_", text.strip()).strip(" .")
    if name.upper().split(".")[0] in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                                      *(f"LPT{i}" for i in range(1, 10))}:
        name = "_" + name
    return cut_bytes(name, limit).rstrip(" .") or "_"


def cut_bytes(text: str, limit: int) -> str:
    """The longest start of `text` whose UTF-8 form has at most `limit` bytes
    (a name that was not UTF-8 on disk counts its raw bytes)."""
    size = 0
    for i, ch in enumerate(text):
        size += len(ch.encode("utf-8", "surrogateescape"))
        if size > limit:
            return text[:i]
    return text


# -- which document: identity and folder ---------------------------------------------

IDENTITY = ("发文机关标志", "发文字号", "令号", "数据文件")
# 机关代字〔YYYY〕N号: the 机关代字 names the organ, so the number alone is the document.
STANDARD_NUMBER = re.compile(r"(?=[^〔]*[^\d〔])[^\s〔〕]+〔\d{4}〕[1-9]\d*号")


def identity(doc: Document, source: Path) -> dict:
    """What makes two generations one document: the organ mark and the number
    (发文字号, and a 命令's 令号); with no number, the data file's name."""
    ident = {"发文机关标志": "、".join(doc.organ_mark) + (doc.mark_suffix or ""), "发文字号": doc.doc_number}
    if doc.order_number:
        ident["令号"] = doc.order_number
    if not doc.doc_number and not doc.order_number:
        ident["数据文件"] = Path(source).stem
    return ident


def key_of(ident: dict) -> str:
    """The folder name: a standard 发文字号 alone (it names its organ); otherwise
    the organ mark with the 发文字号, 令号 or data file's name."""
    number = ident.get("发文字号")
    if number and STANDARD_NUMBER.fullmatch(number):
        return safe_name(number)
    return safe_name("-".join(str(ident[k]) for k in IDENTITY if ident.get(k)))


def _numbered(key: str, n: int) -> str:
    """key, key-2, key-3 …: the names a document may take, each within NAME_BYTES."""
    if n == 1:
        return key
    tail = f"-{n}"
    return cut_bytes(key, NAME_BYTES - len(tail)).rstrip(" .") + tail


def _same_document(folder: Path, ident: dict) -> bool | None:
    """Whether the archive in `folder` is this document's; None: no archive there yet."""
    if not (folder / MANIFEST).exists():
        return None
    m = load_manifest(folder)
    if "发文机关标志" in m:
        return all(m.get(k) == ident.get(k) for k in IDENTITY)
    return _legacy_same(folder, m, ident)


def _legacy_same(folder: Path, m: dict, ident: dict) -> bool:
    """A manifest from before identities were recorded: judged by its last
    version's 发文机关标志 and 发文字号 (the folder's name stood for the rest)."""
    try:
        last = json.loads((folder / f"v{m['versions'][-1]['version']}" / ELEMENTS).read_text(encoding="utf-8"))
        return last.get("发文机关标志") == ident["发文机关标志"] and last.get("发文字号") == ident["发文字号"]
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        return True                       # cannot tell: the folder's name decides, as it did


def _existing(root: Path, ident: dict) -> Path | None:
    """The folder already holding this document's archive, if any."""
    key = key_of(ident)
    try:
        names = set(os.listdir(root))
    except OSError:
        return None
    for n in range(1, len(names) + 2):
        folder = root / _numbered(key, n)
        try:
            if folder.name in names and _same_document(folder, ident):
                return folder
        except GongwenError:              # another document's broken manifest: not ours to judge here
            continue
    return None


@contextmanager
def _document_folder(root: Path, ident: dict):
    """This document's folder, locked: the one recording its identity, else the
    first free name of key, key-2, key-3 … — never a folder of another document."""
    found = _existing(root, ident)
    fresh = (root / _numbered(key_of(ident), n) for n in itertools.count(1))
    for folder in itertools.chain([found] if found else [], fresh):
        with _locked(folder) as held:
            if _same_document(folder, ident) is not False:     # re-checked under the lock
                yield folder, held
                return


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- what a version records ------------------------------------------------------

def _block_text(b) -> str:
    if isinstance(b, Table):
        return "；".join("｜".join(row) for row in (b.header, *b.rows))
    return b.text


def _paragraphs(blocks) -> list[dict]:
    return [{"level": getattr(b, "level", 0) if isinstance(b, Paragraph) else 0,
             "text": _block_text(b), **({"table": True} if isinstance(b, Table) else {})}
            for b in blocks]


def _file_record(path: Path | None, digests: dict[Path, str]) -> dict | None:
    if path is None:
        return None
    return {"file": Path(path).name, "sha256": digests.get(Path(path))}


def elements(doc: Document, inputs: Sequence[Input] = ()) -> dict:
    """The document's content as a clerk names it, field by field (every field
    of Document.fields()); the files it names by their bytes as read for
    rendering (`inputs`)."""
    digests = {i.path: sha256(i.data) for i in inputs}
    return {f.label: _record(f.value, digests) for f in doc.fields()}


def _record(value, digests: dict[Path, str]):
    """A field's value as JSON: text, lists, paragraphs, file records."""
    if isinstance(value, Seal):
        return {"image": _file_record(value.image, digests) if value.image else None}
    if isinstance(value, SignatureSeal):
        return {"职务": value.title, "姓名": value.name, "图片": _file_record(value.image, digests)}
    if isinstance(value, tuple) and value and isinstance(value[0], Attachment):
        return [{"名称": a.name, "内容": _paragraphs(a.content), "文件": _file_record(a.file, digests)}
                for a in value]
    if isinstance(value, tuple):                  # 正文: paragraphs and tables
        return _paragraphs(value)
    return value


@dataclass(frozen=True)
class Input:
    """A file besides the data that goes into the output, as read for rendering."""
    role: str                    # 印章, 印章2 … (joint seals), 签名章, 附件1 …
    path: Path
    data: bytes
    made: str | None = None      # not a file of the clerk's: the 附件 PDF converted (attachpdf), and how


def _input_files(doc: Document):
    if doc.seal is not None:
        for i, image in enumerate(doc.seal.images or ((doc.seal.image,) if doc.seal.image else ())):
            yield ("印章" if i == 0 else f"印章{i + 1}"), image
    if doc.signature_seal is not None and doc.signature_seal.image:
        yield "签名章", doc.signature_seal.image
    for a in doc.attachments:
        if a.file is not None:
            yield f"附件{a.number}", a.file


def read_inputs(doc: Document) -> list[Input]:
    """The seal images and 附件 PDFs the data names, read once before rendering:
    the version keeps these bytes, and store() checks the files still hold them."""
    out = []
    for role, path in _input_files(doc):
        limit = PDF_BYTES if role.startswith("附件") else IMAGE_BYTES
        try:                   # bounded: the file may have been replaced since the reader checked it
            out.append(Input(role, Path(path), read_bounded(Path(path), limit, f"{role}文件")))
        except GongwenError as e:
            p = e.problems[0]
            raise GongwenError(Problem(f"{role}文件“{Path(path).name}”：{p.message}", p.hint or
                                       "检查该文件是否还在、能否打开", file=doc.source))
    # An 附件 PDF that is not PDF/A goes in converted: the version keeps both.
    made = prepare(doc, {i.path: i.data for i in out})
    for i in list(out):
        a = made.get(i.path)
        if a is not None and a.how != AS_IS:
            out.append(Input(i.role, i.path.with_name(f"{i.path.stem}.pdfa.pdf"), a.data, made=a.how))
    return out


def _unchanged_since_read(inputs: list[Input], source: Path) -> None:
    """A seal or 附件 saved again while rendering: the output may hold either
    version, so nothing is archived rather than a copy that may not match."""
    for i in inputs:
        if i.made:
            continue
        try:
            same = i.path.read_bytes() == i.data
        except OSError:
            same = False
        if not same:
            raise GongwenError(Problem(f"{i.role}文件“{i.path.name}”在生成过程中被改动或移走了，"
                                       "生成的文件与存档的副本可能对不上。",
                                       "等该文件保存完毕，再生成一次", file=source))


def _input_records(inputs: list[Input], source: Path, version: int | None = None) -> list[dict]:
    """Manifest entries: role, file name, path as the data names it (from the
    data file's folder), SHA-256 and, in a version, where its copy is."""
    out = []
    for i in inputs:
        try:
            path = Path(os.path.relpath(i.path, Path(source).parent)).as_posix()
        except ValueError:                  # another drive (Windows)
            path = str(i.path)
        where = {"made": i.made, "from": i.path.name.removesuffix(".pdfa.pdf") + ".pdf"} if i.made else {"path": path}
        out.append({"role": i.role, "file": i.path.name, **where, "sha256": sha256(i.data),
                    **({"copy": f"v{version}/{_copy_name(i)}"} if version is not None else {})})
    return out


def _copy_name(i: Input) -> str:
    """Inside the version folder: one folder per role, so equal names never clash."""
    return f"{FILES}/{i.role}/{i.path.name}"


def version_elements(folder: Path, entry: dict) -> dict:
    """What a version printed, element by element (its elements.json)."""
    path = folder / f"v{entry['version']}" / ELEMENTS
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise GongwenError(Problem(f"版本 v{entry['version']} 的内容记录“{path}”读不出（{e}）。",
                                   "存档被改动过；从备份恢复该版本文件夹", file=path))


# -- storing -------------------------------------------------------------------------

@dataclass
class Stored:
    key: str
    folder: Path                 # build/<key>
    version: int                 # the version the latest copies now hold
    new: bool                    # a new version was made by this call
    latest: list[Path]           # build/<stem>.pdf, .docx
    files: dict[str, Path]       # ext → file inside the version folder
    note: str | None = None      # why a new version was made without a data change
    reason_unused: bool = False  # --reason given, but nothing new to record it on
    latest_note: str | None = None  # why the latest copies were not refreshed
    latest_failed: str | None = None  # a new version, complete and recorded, but build/'s copies could not be
                                      # refreshed (why): they still hold the previous version, or nothing


def load_manifest(folder: Path) -> dict:
    """The document's manifest, its shape checked: a manifest changed by hand
    or from another program is refused with what is wrong, and left as it is."""
    path = folder / MANIFEST
    if not path.exists():
        return {"format": FORMAT, "versions": []}
    try:
        data = json.loads(read_bounded(path, MANIFEST_BYTES, "存档清单").decode("utf-8"))
    except GongwenError as e:
        raise GongwenError(Problem(f"存档清单“{path}”{e.problems[0].message}", MANIFEST_HINT, file=path))
    except (OSError, ValueError) as e:
        raise GongwenError(Problem(f"存档清单“{path}”读不懂（不是 JSON：{e}）。", MANIFEST_HINT, file=path))
    wrong = manifest_problem(data)
    if wrong:
        raise GongwenError(Problem(f"存档清单“{path}”不是本程序写的样子：{wrong}。", MANIFEST_HINT, file=path))
    return data


MANIFEST_BYTES = 64 * 1024 * 1024
MANIFEST_HINT = "不要手工改动 manifest.json；可从备份恢复它（清单没有改动，也没有写入任何文件）"
_TEXT_KEYS = ("发文机关标志", "发文字号", "令号", "数据文件", "标题")


def manifest_problem(m) -> str | None:
    """What is wrong with a manifest's shape, in words, or None."""
    if not isinstance(m, dict):
        return "最外层应是 {…}"
    for k in _TEXT_KEYS:
        if m.get(k) is not None and not isinstance(m[k], str):
            return f"“{k}”应是文字"
    versions = m.get("versions")
    if not isinstance(versions, list):
        return "缺少版本列表“versions”" if "versions" not in m else "“versions”应是列表"
    seen: set[int] = set()
    for i, v in enumerate(versions, 1):
        where = f"第 {i} 个版本记录"
        if not isinstance(v, dict):
            return f"{where}应是 {{…}}，这里是 {json.dumps(v, ensure_ascii=False)[:20]}"
        n = v.get("version")
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            return f"{where}的版本号“version”应是正整数"
        if n in seen:
            return f"版本号 v{n} 出现了两次"
        seen.add(n)
        src = v.get("source")
        if not isinstance(src, dict) or not isinstance(src.get("file"), str) or not isinstance(src.get("sha256"), str):
            return f"v{n} 的“source”应记有数据文件名和 sha256"
        outputs = v.get("outputs", {})
        if not isinstance(outputs, dict) or not all(
                isinstance(o, dict) and isinstance(o.get("sha256"), str) and isinstance(o.get("file", ""), str)
                for o in outputs.values()):
            return f"v{n} 的“outputs”应是各输出文件的记录"
        inputs = v.get("inputs", [])
        if not isinstance(inputs, list) or not all(isinstance(x, dict) for x in inputs):
            return f"v{n} 的“inputs”应是列表"
        for k in ("reason", "note", "generated"):
            if v.get(k) is not None and not isinstance(v[k], str):
                return f"v{n} 的“{k}”应是文字"
        if v.get("options") is not None and not isinstance(v["options"], dict):
            return f"v{n} 的“options”应是 {{…}}"
        if v.get("pages") is not None and (not isinstance(v["pages"], int) or isinstance(v["pages"], bool)):
            return f"v{n} 的页数“pages”应是整数"
    return None


@contextmanager
def _locked(folder: Path):
    """One generator at a time per document (two clerks pressing the button).
    Yields whether the lock is held.  An archive we may only read is read
    without the lock file's write access: unchanged data needs nothing written,
    and anything that does write fails there with a clear message."""
    folder.mkdir(parents=True, exist_ok=True)
    f = _open_lock(folder / ".lock")
    try:
        held = False
        if f is not None:
            try:
                import fcntl
                fcntl.flock(f, fcntl.LOCK_EX)      # needs no write access to the file
                held = True
            except ImportError:               # Windows: no advisory lock; the rename still never overwrites
                pass
        yield held
    finally:
        if f is not None:
            f.close()


def _open_lock(path: Path):
    try:
        return open(path, "a+b")
    except OSError:                           # read-only archive (permissions, read-only disk)
        try:
            return open(path, "rb")
        except OSError:
            return None


def _sweep(root: Path, folder: Path, held: bool) -> None:
    """What a run killed while writing left behind: temporary files in build/
    and in the document's folder, and half-written version folders (.vN.….tmp).
    The latter only under the lock, which any run writing one holds."""
    sweep_temps(root)
    sweep_temps(folder)
    if held:
        sweep_temp_folders(folder, _VERSION_TEMP)


_VERSION_TEMP = re.compile(r"\.v\d+\..+\.tmp")


def unregistered(folder: Path, versions: list[dict]) -> list[int]:
    """Version folders a crash left out of the manifest (complete or not)."""
    known = {v.get("version") for v in versions}
    found = []
    for p in folder.iterdir():
        m = re.fullmatch(r"v(\d+)", p.name)
        if m and p.is_dir() and int(m.group(1)) not in known:
            found.append(int(m.group(1)))
    return sorted(found)


def _next_number(folder: Path, manifest: dict) -> int:
    used = [v["version"] for v in manifest["versions"]]
    for p in folder.iterdir():
        m = re.fullmatch(r"v(\d+)", p.name)
        if m:
            used.append(int(m.group(1)))     # a folder a crash left out of the manifest: never reuse it
    return max(used, default=0) + 1


def store(root: Path, doc: Document, source: Path, data: bytes, blobs: dict[str, bytes], pages: int,
          preprinted: bool = False, reason: str | None = None, inputs: list[Input] | None = None,
          same_document: bool = False) -> Stored:
    """Archive one generation: `data` are the bytes `doc` was parsed from (never
    the file read again — it may have been saved since).  Unchanged data and
    output: nothing new is written (the latest copies are refreshed if missing).
    Otherwise the next version.  `inputs`: the files the data names, as read
    before rendering (read_inputs); they are copied into the version.
    A plainly different document under the archived one's number is refused
    (likeness.py) unless `same_document` says it is a correction."""
    root, source = Path(root), Path(source)
    inputs = read_inputs(doc) if inputs is None else inputs
    _unchanged_since_read(inputs, source)
    ident = identity(doc, source)
    stem = source.stem
    out_stem = output_stem(stem, preprinted)   # 套打 files never replace the normal ones
    record: dict[str, Any] = {           # what identifies this generation (_same_data_version)
        "source": {"file": source.name, "sha256": sha256(data)}, "inputs": _input_records(inputs, source),
        "options": {"preprinted": bool(preprinted)},
        "outputs": {ext: {"sha256": sha256(b), "bytes": len(b)} for ext, b in sorted(blobs.items())}}
    with _document_folder(root, ident) as (folder, held):
        _sweep(root, folder, held)
        manifest = load_manifest(folder)
        last = manifest["versions"][-1] if manifest["versions"] else None
        match = _same_data_version(manifest["versions"], record)
        same_data = match is not None
        match_out = {e: o["sha256"] for e, o in match.get("outputs", {}).items()} if match else {}
        new_out = {e: o["sha256"] for e, o in record["outputs"].items()}
        # Unchanged when every output asked for is in that version, the same:
        # asking for fewer formats (pdf only after pdf,docx,ofd) makes no version.
        same_out = match is not None and all(match_out.get(e) == h for e, h in new_out.items())
        if match is not None and same_out:
            version, new, note = match["version"], False, None
            files = {ext: folder / o["file"] for ext, o in match["outputs"].items() if ext in new_out}
        else:
            if last is not None and not same_document:
                _refuse_another_document(folder, last, manifest, doc, source, inputs, ident)
            version, new = _next_number(folder, manifest), True
            note = _why_new(same_data, match_out, new_out)
            files = _write_version(folder, version, stem, out_stem, source.suffix or ".yaml", data, blobs, doc,
                                   inputs)
            entry = {
                "version": version,
                "generated": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                "reason": printable(reason).strip() or None if reason else None,
                **({"note": note} if note else {}),
                **({"same_document": True} if same_document and last is not None else {}),
                "source": {**record["source"], "copy": f"v{version}/{stem}{source.suffix or '.yaml'}"},
                "inputs": _input_records(inputs, source, version),
                "options": record["options"],
                "pages": pages,
                "outputs": {ext: {"file": f"v{version}/{out_stem}.{ext}", **o}
                            for ext, o in record["outputs"].items()},
                "generator": _generator(),
            }
            _record_version(folder, {"format": FORMAT, **ident, "标题": doc.title,
                                     "versions": manifest["versions"] + [entry]}, version)
        latest, latest_note, latest_failed = _latest(root, out_stem, blobs, files, new)
    return Stored(folder.name, folder, version, new, latest, files, note,
                  reason_unused=bool(reason) and not new, latest_note=latest_note, latest_failed=latest_failed)


def _latest(root: Path, out_stem: str, blobs: dict[str, bytes], files: dict[str, Path],
            new: bool) -> tuple[list[Path], str | None, str | None]:
    """build/'s latest copies refreshed: (where the latest files are, why build/'s
    were not refreshed, why a new version's could not be)."""
    try:
        return _refresh_latest(root, out_stem, blobs), None, None
    except OSError as e:
        # the version is complete and recorded; only build/'s copies are stale: the version's files answer
        return list(files.values()), f"{root} 不可写，最新副本未更新", _why(e) if new else None


def _why_new(same_data: bool, before: dict[str, str], now: dict[str, str]) -> str | None:
    """Why a new version was made from data already archived (None: the data changed)."""
    added = [e for e in now if e not in before]
    if same_data and added and all(before[e] == h for e, h in now.items() if e in before):
        return f"数据未变，这次另生成了 {'、'.join(e.upper() for e in added)}"
    return "数据未变，但生成的文件不同（字体或程序版本变了）" if same_data else None


def _record_version(folder: Path, manifest: dict, version: int) -> None:
    """Write the manifest that records version `version`, whose folder is written."""
    try:
        atomic_write(folder / MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    except BaseException:
        # not recorded: the version folder goes too, so nothing of this run is left (disk full …)
        shutil.rmtree(folder / f"v{version}", ignore_errors=True)
        raise


def _why(e: OSError) -> str:
    return {errno.ENOSPC: "磁盘已满", errno.EDQUOT: "超出磁盘配额", errno.EACCES: "没有写权限",
            errno.EPERM: "没有写权限", errno.EROFS: "磁盘只读"}.get(e.errno or 0, e.strerror or type(e).__name__)


def _refuse_another_document(folder: Path, last: dict, manifest: dict, doc: Document, source: Path,
                             inputs: list[Input], ident: dict) -> None:
    """The number is the archived document's, the content plainly another's:
    a copied data file whose 发文字号 was not changed.  Stop before anything is written."""
    try:
        old = version_elements(folder, last)
    except GongwenError:                  # an unreadable record: nothing to judge by
        return
    old_file = Path(last.get("source", {}).get("file", "")).stem
    lk = likeness(old, elements(doc, inputs), old_file, source.stem)
    if not lk.another_document:
        return
    if ident.get("发文字号"):
        key, what = "发文字号", f"发文字号“{ident['发文字号']}”"
    elif ident.get("令号"):
        key, what = "令号", f"令号“{ident['令号']}”"
    else:
        key, what = "发文机关标志", f"数据文件名“{source.stem}”"

    def name(title: str | None, file: str, version: str = "") -> str:
        return (f"“{title}”" if title else "（无标题）") + f"（{version}数据 {file}）"
    why = (["标题不同"] if lk.title < 1 else []) + [f"正文只有 {lk.text:.0%} 相同"]
    archived = name(old.get("标题"), last.get("source", {}).get("file", "?"), f"v{last['version']}，")
    raise GongwenError(Problem(
        f"{what}已经存档为另一份公文{archived}；"
        f"这份{name(doc.title, source.name)}{'、'.join(why)}，不像是它的更正，没有存档。",
        f"给这份公文写它自己的{key}；如果它确实是那份公文的更正，加 --same-document 再生成一次",
        field=key, line=doc.lines.get(key), file=source))


PREPRINTED_SUFFIX = "-套打"


def output_stem(stem: str, preprinted: bool) -> str:
    """The outputs' name: the data file's, with -套打 for pre-printed paper
    (--preprinted), so that such a copy never takes the normal copy's place."""
    return stem + PREPRINTED_SUFFIX if preprinted else stem


def _refresh_latest(root: Path, stem: str, blobs: dict[str, bytes]) -> list[Path]:
    """build/<stem>.pdf|.docx hold the outputs; written only when they differ."""
    latest = []
    for ext, blob in blobs.items():
        p = root / f"{stem}.{ext}"
        if not p.exists() or p.read_bytes() != blob:
            atomic_write(p, blob)
        latest.append(p)
    return latest


def _same_data_version(versions: list[dict], record: dict) -> dict | None:
    """The version made from the same data and options, among the latest ones
    with this data: a 套打 copy (--preprinted) and the normal one of the same
    data alternate without a new version each time."""
    for v in reversed(versions):
        if _data_of(v)[:2] != _data_of(record)[:2]:
            return None
        if v.get("options") == record.get("options"):
            return v
    return None


def _data_of(entry: dict) -> tuple:
    """What identifies the data of a version: the bytes of the data file and of
    every file it names, and the options (not the file names)."""
    return (entry.get("source", {}).get("sha256"),
            tuple((i.get("role"), i.get("sha256")) for i in entry.get("inputs", [])),
            entry.get("options"))


def _write_version(folder: Path, version: int, stem: str, out_stem: str, suffix: str, data: bytes,
                   blobs: dict[str, bytes], doc: Document, inputs: list[Input]) -> dict[str, Path]:
    final = folder / f"v{version}"
    write_folder(final, {                  # .vN.XXXXXXXX.tmp, renamed into place: never replaces a version
        f"{stem}{suffix}": data, **{f"{out_stem}.{ext}": blob for ext, blob in blobs.items()},
        ELEMENTS: (json.dumps(elements(doc, inputs), ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
        **{_copy_name(i): i.data for i in inputs}})
    return {ext: final / f"{out_stem}.{ext}" for ext in blobs}


def _generator() -> dict:
    out = {"python": sys.version.split()[0]}
    for mod in ("reportlab", "pikepdf", "docx"):
        m = sys.modules.get(mod)
        v = getattr(m, "__version__", None) or getattr(m, "Version", None) if m else None
        if isinstance(v, str):
            out[mod] = v
    return out


# -- finding a document's folder -------------------------------------------------------

def folder_for(target: Path, root: Path) -> Path:
    """The archive folder of a data file (or the archive folder itself)."""
    target = Path(target)
    if target.is_dir() and (target / MANIFEST).exists():
        return target
    if not target.exists():
        raise GongwenError(Problem(f"文件“{target}”不存在。", "写公文数据文件的路径，例如 data/xxx.yaml",
                                   file=target))
    if target.suffix.lower() in (".pdf", ".docx"):       # a generated file: find the version it is
        digest = sha256(target.read_bytes())
        for manifest in sorted(Path(root).glob(f"*/{MANIFEST}")):
            try:
                versions = load_manifest(manifest.parent)["versions"]
            except GongwenError:              # another document's broken manifest: not this file's
                continue
            if any(o.get("sha256") == digest for v in versions for o in v.get("outputs", {}).values()):
                return manifest.parent
        raise GongwenError(Problem(f"“{target}”不是存档里任何版本的文件（按 SHA-256 查找，存档在 {root}）。",
                                   "写公文数据文件（.yaml）的路径", file=target))
    ident = _identity_of_file(target)
    folder = _existing(Path(root), ident)
    if folder is None:
        candidate = Path(root) / key_of(ident)
        if (candidate / MANIFEST).exists():
            load_manifest(candidate)          # its manifest is broken: say so rather than “not archived”
        raise GongwenError(Problem(f"“{target}”还没有存档的版本（在 {root} 里找不到它的存档）。",
                                   f"先运行 python generate.py {target} 生成一次", file=target))
    return folder


def _identity_of_file(target: Path) -> dict:
    """The identity of a data file; when the data is now broken, what its raw
    YAML still says (the organ mark and numbers are usually readable)."""
    try:
        return identity(read(target), target)
    except GongwenError:
        pass
    try:
        # every scalar as text: a date that does not exist (2024-02-30) must not stop the lookup
        raw = yaml.load(target.read_text(encoding="utf-8-sig"), Loader=yaml.BaseLoader)
    except Exception:                     # not YAML at all
        raw = None
    raw = raw if isinstance(raw, dict) else {}
    mark = raw.get("发文机关标志")
    if isinstance(mark, list) and len(mark) > 1:     # as the reader writes a joint mark
        mark = "、".join(m[:-2] if m.endswith("文件") and len(m) > 2 else m for m in map(str, mark)) + "文件"
    elif isinstance(mark, list):
        mark = str(mark[0]) if mark else ""

    def text(k: str) -> str | None:
        return (str(raw[k]).strip() or None) if raw.get(k) is not None else None
    ident = {"发文机关标志": str(mark or "").strip(), "发文字号": text("发文字号")}
    if text("令号"):
        ident["令号"] = text("令号")
    if not ident["发文字号"] and "令号" not in ident:
        ident["数据文件"] = target.stem
    return ident
