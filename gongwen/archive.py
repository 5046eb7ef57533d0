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
generation lives in the manifest only, never inside the PDF or DOCX.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import hashlib
import itertools
import json
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import GongwenError, Problem
from .model import Document, Paragraph, Table, format_date

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
_STANDARD_NUMBER = re.compile(r"(?=[^〔]*[^\d〔])[^\s〔〕]+〔\d{4}〕[1-9]\d*号")


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
    if number and _STANDARD_NUMBER.fullmatch(number):
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


def elements(doc: Document, inputs: list[Input] = ()) -> dict:
    """The document's content as a clerk names it, element by element; the
    files it names by their bytes as read for rendering (`inputs`)."""
    digests = {i.path: sha256(i.data) for i in inputs}
    seal = None
    if doc.seal is not None:
        seal = {"image": _file_record(doc.seal.image, digests)} if doc.seal.image else {"image": None}
    return {
        "份号": doc.copy_number,
        "密级": doc.secrecy,
        "保密期限": doc.secrecy_term,
        "紧急程度": doc.urgency,
        "发文机关标志": "、".join(doc.organ_mark) + (doc.mark_suffix or ""),
        "发文字号": doc.doc_number,
        "签发人": list(doc.signers),
        "标题": doc.title,
        "主送机关": doc.addressees,
        "正文": _paragraphs(doc.body),
        "附件": [{"名称": a.name, "内容": _paragraphs(a.content), "文件": _file_record(a.file, digests)}
                 for a in doc.attachments],
        "发文机关署名": list(doc.issuers),
        "代章": doc.proxy_seal,
        "成文日期": format_date(doc.date) if doc.date else None,
        "印章": seal,
        "附注": doc.note,
        "抄送机关": list(doc.cc),
        "印发机关": doc.printer,
        "印发日期": format_date(doc.print_date) if doc.print_date else None,
    }


@dataclass(frozen=True)
class Input:
    """A file besides the data that goes into the output, as read for rendering."""
    role: str                    # 印章, 印章2 … (joint seals), 签名章, 附件1 …
    path: Path
    data: bytes


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
        try:
            out.append(Input(role, Path(path), Path(path).read_bytes()))
        except OSError as e:
            raise GongwenError(Problem(f"{role}文件“{Path(path).name}”无法读取（{e.strerror or e}）。",
                                       "检查该文件是否还在、能否打开", file=doc.source))
    return out


def _unchanged_since_read(inputs: list[Input], source: Path) -> None:
    """A seal or 附件 saved again while rendering: the output may hold either
    version, so nothing is archived rather than a copy that may not match."""
    for i in inputs:
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
        out.append({"role": i.role, "file": i.path.name, "path": path, "sha256": sha256(i.data),
                    **({"copy": f"v{version}/{_copy_name(i)}"} if version is not None else {})})
    return out


def _copy_name(i: Input) -> str:
    """Inside the version folder: one folder per role, so equal names never clash."""
    return f"{FILES}/{i.role}/{i.path.name}"


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


def load_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.exists():
        return {"format": FORMAT, "versions": []}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("versions"), list):
            raise ValueError("no versions list")
        return data
    except (OSError, ValueError) as e:
        raise GongwenError(Problem(f"存档清单“{path}”读不懂（{e}）。",
                                   "不要手工改动 manifest.json；可从备份恢复它", file=path))


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
    from .pipeline import RUN_STARTED, sweep_temps
    sweep_temps(root)
    sweep_temps(folder)
    if not held:
        return
    for p in folder.iterdir():
        try:
            if _VERSION_TEMP.fullmatch(p.name) and p.is_dir() and not p.is_symlink() \
                    and p.stat().st_mtime < RUN_STARTED:
                shutil.rmtree(p, ignore_errors=True)
        except OSError:
            pass


_VERSION_TEMP = re.compile(r"\.v\d+\..+\.tmp")


def _unregistered(folder: Path, versions: list[dict]) -> list[int]:
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
          preprinted: bool = False, reason: str | None = None, inputs: list[Input] | None = None) -> Stored:
    """Archive one generation: `data` are the bytes `doc` was parsed from (never
    the file read again — it may have been saved since).  Unchanged data and
    output: nothing new is written (the latest copies are refreshed if missing).
    Otherwise the next version.  `inputs`: the files the data names, as read
    before rendering (read_inputs); they are copied into the version."""
    from .pipeline import atomic_write
    root = Path(root)
    source = Path(source)
    inputs = read_inputs(doc) if inputs is None else inputs
    _unchanged_since_read(inputs, source)
    ident = identity(doc, source)
    stem = source.stem
    record = {
        "source": {"file": source.name, "sha256": sha256(data)},
        "inputs": _input_records(inputs, source),
        "options": {"preprinted": bool(preprinted)},
        "outputs": {ext: {"sha256": sha256(b), "bytes": len(b)} for ext, b in sorted(blobs.items())},
    }
    with _document_folder(root, ident) as (folder, held):
        _sweep(root, folder, held)
        manifest = load_manifest(folder)
        last = manifest["versions"][-1] if manifest["versions"] else None
        same_data = last is not None and _data_of(last) == _data_of(record)
        same_out = last is not None and {e: o["sha256"] for e, o in last.get("outputs", {}).items()} == \
            {e: o["sha256"] for e, o in record["outputs"].items()}
        if same_data and same_out:
            version, new, note = last["version"], False, None
            files = {ext: folder / o["file"] for ext, o in last["outputs"].items()}
        else:
            version, new = _next_number(folder, manifest), True
            note = "数据未变，但生成的文件不同（字体或程序版本变了）" if same_data else None
            files = _write_version(folder, version, stem, source.suffix or ".yaml", data, blobs, doc, inputs)
            entry = {
                "version": version,
                "generated": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                "reason": reason or None,
                **({"note": note} if note else {}),
                "source": {**record["source"], "copy": f"v{version}/{stem}{source.suffix or '.yaml'}"},
                "inputs": _input_records(inputs, source, version),
                "options": record["options"],
                "pages": pages,
                "outputs": {ext: {"file": f"v{version}/{stem}.{ext}", **o}
                            for ext, o in record["outputs"].items()},
                "generator": _generator(),
            }
            manifest = {"format": FORMAT, **ident, "标题": doc.title,
                        "versions": manifest["versions"] + [entry]}
            atomic_write(folder / MANIFEST,
                         (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        try:
            latest, latest_note = _refresh_latest(root, stem, blobs), None
        except OSError:
            if new:
                raise
            # unchanged, but build/ cannot be written: the version's own files are the answer
            latest, latest_note = list(files.values()), f"{root} 不可写，最新副本未更新"
    return Stored(folder.name, folder, version, new, latest, files, note,
                  reason_unused=bool(reason) and not new, latest_note=latest_note)


def _refresh_latest(root: Path, stem: str, blobs: dict[str, bytes]) -> list[Path]:
    """build/<stem>.pdf|.docx hold the outputs; written only when they differ."""
    from .pipeline import atomic_write
    latest = []
    for ext, blob in blobs.items():
        p = root / f"{stem}.{ext}"
        if not p.exists() or p.read_bytes() != blob:
            atomic_write(p, blob)
        latest.append(p)
    return latest


def _input_changes(va: dict, vb: dict) -> list[str]:
    """The seal images (印章, 印章2 …, 签名章) that differ between two versions, in
    a clerk's words (附件 PDFs are compared with the elements, see compare())."""
    def by_role(v: dict) -> dict:
        return {i.get("role"): i for i in v.get("inputs", []) if not str(i.get("role", "")).startswith("附件")}
    a, b = by_role(va), by_role(vb)
    out = []
    for role in sorted(set(a) | set(b)):
        x, y = a.get(role), b.get(role)
        if x is None:
            out.append(f"{role}：加了“{y.get('file')}”")
        elif y is None:
            out.append(f"{role}：去掉了“{x.get('file')}”")
        elif x.get("sha256") != y.get("sha256"):
            same = x.get("file") == y.get("file")
            out.append(f"{role}：图片“{y.get('file')}”换了" if same else
                       f"{role}：“{x.get('file')}”换成了“{y.get('file')}”")
    return out


def _data_of(entry: dict) -> tuple:
    """What identifies the data of a version: the bytes of the data file and of
    every file it names, and the options (not the file names)."""
    return (entry.get("source", {}).get("sha256"),
            tuple((i.get("role"), i.get("sha256")) for i in entry.get("inputs", [])),
            entry.get("options"))


def _write_version(folder: Path, version: int, stem: str, suffix: str, data: bytes,
                   blobs: dict[str, bytes], doc: Document, inputs: list[Input]) -> dict[str, Path]:
    tmp = Path(tempfile.mkdtemp(prefix=f".v{version}.", suffix=".tmp", dir=folder))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)          # mkdtemp makes it private; an archive is for the office
        files = {f"{stem}{suffix}": data, **{f"{stem}.{ext}": blob for ext, blob in blobs.items()},
                 ELEMENTS: (json.dumps(elements(doc, inputs), ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
                 **{_copy_name(i): i.data for i in inputs}}
        for name, content in files.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            with open(tmp / name, "wb") as f:
                f.write(content)
                f.flush()
                os.fsync(f.fileno())           # on disk before the rename makes the version visible
        final = folder / f"v{version}"
        os.rename(tmp, final)                # atomic; refuses to replace an existing version
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {ext: final / f"{stem}.{ext}" for ext in blobs}


def _generator() -> dict:
    import sys
    out = {"python": sys.version.split()[0]}
    for mod in ("reportlab", "pikepdf", "docx"):
        m = sys.modules.get(mod)
        v = getattr(m, "__version__", None) or getattr(m, "Version", None) if m else None
        if isinstance(v, str):
            out[mod] = v
    return out


# -- reading the archive ---------------------------------------------------------------

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
                versions = json.loads(manifest.read_text(encoding="utf-8"))["versions"]
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if any(o.get("sha256") == digest for v in versions for o in v.get("outputs", {}).values()):
                return manifest.parent
        raise GongwenError(Problem(f"“{target}”不是存档里任何版本的文件（按 SHA-256 查找，存档在 {root}）。",
                                   "写公文数据文件（.yaml）的路径", file=target))
    folder = _existing(Path(root), _identity_of_file(target))
    if folder is None:
        raise GongwenError(Problem(f"“{target}”还没有存档的版本（在 {root} 里找不到它的存档）。",
                                   f"先运行 python generate.py {target} 生成一次", file=target))
    return folder


def _identity_of_file(target: Path) -> dict:
    """The identity of a data file; when the data is now broken, what its raw
    YAML still says (the organ mark and numbers are usually readable)."""
    from .reader import read
    try:
        return identity(read(target), target)
    except GongwenError:
        pass
    try:
        import yaml
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


def _when(entry: dict) -> str:
    try:
        return _dt.datetime.fromisoformat(entry["generated"]).strftime("%Y-%m-%d %H:%M:%S")
    except (KeyError, ValueError):
        return "时间不明"


def history(folder: Path) -> list[str]:
    """One line per version, oldest first, for `generate.py history`."""
    m = load_manifest(folder)
    versions = m["versions"]
    number = m.get("发文字号")
    name = number if number and _STANDARD_NUMBER.fullmatch(number) else folder.name   # the folder says organ too
    out = [f"{name}：共 {len(versions)} 个版本，存档在 {folder}{os.sep}"]
    rows: list[tuple[int, str]] = [
        (n, f"  v{n}  未登记：一次中断的生成留下的文件夹，不在清单里；这个版本号不会再用，核对后可以删去")
        for n in _unregistered(folder, versions)]
    for i, v in enumerate(versions):
        pdf = v.get("outputs", {}).get("pdf", {})
        parts = [f"v{v['version']}", _when(v), f"{v.get('pages', '?')} 页",
                 f"数据 {v['source']['file']}（sha256 {v['source']['sha256'][:12]}）"]
        if pdf:
            parts.append(f"PDF sha256 {pdf['sha256'][:12]}")
        if v.get("reason"):
            parts.append(f"原因：{v['reason']}")
        if v.get("note"):
            parts.append(v["note"])
        if i == len(versions) - 1:
            parts.append("← 最新")
        rows.append((v["version"], "  " + "  ".join(parts)))
    return out + [line for _, line in sorted(rows, key=lambda r: r[0])]


def _pick(versions: list[dict], label: str, folder: Path) -> dict:
    m = re.fullmatch(r"[vV]?(\d+)", label.strip())
    for v in versions:
        if m and v["version"] == int(m.group(1)):
            return v
    have = "、".join(f"v{v['version']}" for v in versions) or "无"
    raise GongwenError(Problem(f"存档“{folder}”里没有版本“{label}”（现有：{have}）。",
                               "写 v1、v2 这样的版本号，可先用 history 查看", file=folder / MANIFEST))


def _load_elements(folder: Path, entry: dict) -> dict:
    path = folder / f"v{entry['version']}" / ELEMENTS
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise GongwenError(Problem(f"版本 v{entry['version']} 的内容记录“{path}”读不出（{e}）。",
                                   "存档被改动过；从备份恢复该版本文件夹", file=path))


def diff(folder: Path, a: str | None = None, b: str | None = None) -> list[str]:
    """What changed between two versions (default: the last two), in words."""
    versions = load_manifest(folder)["versions"]
    if a is None:
        if len(versions) < 2:
            n = len(versions)
            raise GongwenError(Problem(f"存档“{folder}”只有 {n} 个版本，没有可比较的。",
                                       "数据改动后再生成一次，就有了新版本", file=folder / MANIFEST))
        va, vb = versions[-2], versions[-1]
    else:
        va, vb = _pick(versions, a, folder), _pick(versions, b or f"v{versions[-1]['version']}", folder)
    ea, eb = _load_elements(folder, va), _load_elements(folder, vb)

    def head(v):
        extra = f"，原因：{v['reason']}" if v.get("reason") else ""
        return f"v{v['version']}（{_when(v)}{extra}）"

    changes = compare(ea, eb)
    if va.get("options") != vb.get("options"):
        pa, pb = va.get("options", {}).get("preprinted"), vb.get("options", {}).get("preprinted")
        if pa != pb:
            changes.append("版头：" + ("改为用预印红头纸，不印版头" if pb else "改为打印版头（不再用预印红头纸）"))
    if va.get("pages") != vb.get("pages"):
        changes.append(f"页数：{va.get('pages')} 页变为 {vb.get('pages')} 页")
    changes += _input_changes(va, vb)
    out = [f"{head(va)} → {head(vb)}："]
    if changes:
        out += [f"  {c}" for c in changes]
        out.append(f"共 {len(changes)} 处不同。")
    elif {e: o["sha256"] for e, o in va["outputs"].items()} != {e: o["sha256"] for e, o in vb["outputs"].items()}:
        out.append("  文字内容相同；生成的文件不同（字体或程序版本变了）。")
    else:
        out.append("  印出的内容相同（只改了数据文件里不印出的部分，如注释）。")
    return out


# -- comparing, element by element ---------------------------------------------------

_SCALARS = ("份号", "密级", "保密期限", "紧急程度", "发文机关标志", "发文字号", "标题", "主送机关",
            "代章", "成文日期", "附注", "印发机关", "印发日期")
_LISTS = ("签发人", "发文机关署名", "抄送机关")
_ORDER = ("份号", "密级", "保密期限", "紧急程度", "发文机关标志", "发文字号", "签发人", "标题", "主送机关",
          "正文", "发文机关署名", "代章", "成文日期", "印章", "附注", "附件", "抄送机关", "印发机关", "印发日期")


def _q(s: str, limit: int = 60) -> str:
    s = s if len(s) <= limit else s[:limit - 1] + "…"
    return f"“{s}”"


def compare(a: dict, b: dict) -> list[str]:
    out: list[str] = []
    for key in _ORDER:
        x, y = a.get(key), b.get(key)
        if x == y:
            continue
        if key in _SCALARS:
            out.append(_scalar(key, x, y))
        elif key in _LISTS:
            out.append(_list(key, x or [], y or []))
        elif key == "正文":
            out += _paragraph_changes("正文", x or [], y or [])
        elif key == "附件":
            out += _attachments(x or [], y or [])
        elif key == "印章":
            out.append(_seal(x, y))
    return out


def _scalar(key: str, x, y) -> str:
    if not x:
        return f"{key}：新增 {_q(y)}"
    if not y:
        return f"{key}：删去 {_q(x)}"
    if len(x) > 30 or len(y) > 30:
        return f"{key}：" + "；".join(_phrases(x, y))
    return f"{key}：{_q(x)} 改为 {_q(y)}"


def _list(key: str, x: list, y: list) -> str:
    added = [v for v in y if v not in x]
    removed = [v for v in x if v not in y]
    parts = []
    if added:
        parts.append("增加 " + "、".join(_q(v) for v in added))
    if removed:
        parts.append("去掉 " + "、".join(_q(v) for v in removed))
    if not parts:
        parts.append("顺序改为 " + "、".join(y))
    return f"{key}：" + "；".join(parts)


def _seal(x, y) -> str:
    def say(s):
        if s is None:
            return "不盖章"
        return "印章图片" if s.get("image") else "盖章（印后手工盖）"
    if x and y and x.get("image") and y.get("image"):
        return "印章：换了一张印章图片"
    return f"印章：{say(x)} 改为 {say(y)}"


def _where(paras: list[dict], i: int) -> str:
    p = paras[i]
    if p.get("level"):
        return f"（{'一二三四'[p['level'] - 1]}级标题）"
    for k in range(i - 1, -1, -1):
        if paras[k].get("level"):
            return f"（在“{paras[k]['text'][:20]}”下）"
    return ""


def _paragraph_changes(label: str, x: list[dict], y: list[dict]) -> list[str]:
    """Paragraphs aligned by content: changed, added, removed — numbered as printed."""
    out = []
    ta, tb = [p["text"] for p in x], [p["text"] for p in y]
    sm = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            if [p.get("level") for p in x[i1:i2]] != [p.get("level") for p in y[j1:j2]]:
                for i, j in zip(range(i1, i2), range(j1, j2)):
                    if x[i].get("level") != y[j].get("level"):
                        out.append(f"{label}第 {j + 1} 段：层次改变{_where(y, j)}")
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(pairs):
            i, j = i1 + k, j1 + k
            where = f"{label}第 {j + 1} 段{_where(y, j)}"
            out.append(f"{where}：" + "；".join(_phrases(ta[i], tb[j])))
        for j in range(j1 + pairs, j2):
            out.append(f"{label}第 {j + 1} 段{_where(y, j)}：新增 {_q(tb[j])}")
        for i in range(i1 + pairs, i2):
            out.append(f"{label}原第 {i + 1} 段{_where(x, i)}：删去 {_q(ta[i])}")
    return out


def _word(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _phrases(a: str, b: str) -> list[str]:
    """Changes inside one paragraph, as whole numbers and words, in context."""
    if len(a) <= 30 and len(b) <= 30:
        return [f"{_q(a)} 改为 {_q(b)}"]
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if sm.ratio() < 0.5:
        return [f"整段改写，原为 {_q(a)}，现为 {_q(b)}"]
    regions: list[list[int]] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        if regions and i1 - regions[-1][1] <= 3:
            regions[-1][1], regions[-1][3] = i2, j2
        else:
            regions.append([i1, i2, j1, j2])
    if len(regions) > 4:
        return [f"多处改动，现为 {_q(b, 120)}"]
    out = []
    for i1, i2, j1, j2 in regions:
        # widen to whole numbers / Latin words: "20日至26" rather than "0"…"6"
        while i1 > 0 and j1 > 0 and a[i1 - 1] == b[j1 - 1] and _word(a[i1 - 1]):
            i1, j1 = i1 - 1, j1 - 1
        while i2 < len(a) and j2 < len(b) and a[i2] == b[j2] and _word(a[i2]):
            i2, j2 = i2 + 1, j2 + 1
        old, new = a[i1:i2], b[j1:j2]
        before = a[max(0, i1 - 6):i1]
        if not old:
            out.append(f"在 {_q(before)} 后加上 {_q(new)}" if before else f"在段首加上 {_q(new)}")
        elif not new:
            out.append(f"删去 {_q(old)}")
        else:
            out.append(f"{_q(old)} 改为 {_q(new)}")
    return out


def _attachments(x: list[dict], y: list[dict]) -> list[str]:
    out = []
    for n in range(max(len(x), len(y))):
        label = f"附件{n + 1}"
        if n >= len(x):
            out.append(f"新增{label} {_q(y[n]['名称'])}")
            continue
        if n >= len(y):
            out.append(f"删去{label} {_q(x[n]['名称'])}")
            continue
        p, q = x[n], y[n]
        if p["名称"] != q["名称"]:
            out.append(f"{label}名称：{_q(p['名称'])} 改为 {_q(q['名称'])}")
        if p["内容"] != q["内容"]:
            out += _paragraph_changes(f"{label}", p["内容"], q["内容"])
        fp, fq = p.get("文件"), q.get("文件")
        if fp != fq:
            if fp and fq:
                same_name = fp["file"] == fq["file"]
                out.append(f"{label}的 PDF 文件" + ("内容变了" if same_name else
                                                   f"由 {_q(fp['file'])} 换成 {_q(fq['file'])}"))
            elif fq:
                out.append(f"{label}改为附上 PDF 文件 {_q(fq['file'])}")
            else:
                out.append(f"{label}不再附 PDF 文件 {_q(fp['file'])}，改为写出的内容")
    return out
