"""Many documents from one template: `generate.py batch` and 逐份编号 (`--copies`).

Batch: a notice template (the ordinary YAML, with ``{{ 列名 }}`` where a row's
value goes) and a table of rows (CSV or YAML).  Each row's columns become the
template's ``变量`` (on top of any the template defines), the template is read,
checked, laid out and written once per row.  A bad row is reported at the end
with its row number and the problem, in Chinese; the other rows are written.

逐份编号: one notice printed in numbered copies.  ``--copies 1-200`` gives copy
numbers 000001 … 000200 as the 份号; each copy is a PDF of its own, or with
``--copies-merged`` one print-ready PDF holding every copy in order.

Each output file is written under a temporary name and renamed: a row either
gives complete files or none.  With many documents the work is shared among
processes (one per core); fonts are parsed once, before the workers start
(fork) or once per worker (spawn).
"""
from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import spec
from .archive import _input_files, output_stem
from .checks import check_document
from .controls import problem_text
from .errors import GongwenError, Problem
from .files import atomic_write, sweep_temps, write_error
from .inputfiles import ROWS_BYTES, ROWS_YAML_BYTES, read_bounded
from .layout.boxes import LaidLine, Page, TextRun
from .layout.header import copy_number_runs
from .mergedcopies import write_merged
from .pdfa import finish
from .pipeline import build, fontbook, render
from .reader import build as build_document, read
from .writers.pdf import render_pdf
from .yamlsource import Located, LocatedList, decode, load, load_value, read_text

MAX_ROWS = 100_000
MAX_ROW_NODES = 1_000_000    # YAML rows: 100 000 rows of a few columns (pure-Python parsing: ~20 s)
MAX_COPIES = 100_000
PARALLEL_FROM = 8           # fewer documents than this are made in this process
_BAD_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


# ---------------------------------------------------------------------------
# Rows

@dataclass
class Row:
    number: int                 # 1-based among the data rows
    line: int | None            # line in the rows file where the row starts
    values: dict[str, Any]


def load_rows(path: Path) -> list[Row]:
    """Rows of a CSV file (first line: column names) or a YAML list of mappings,
    read through the same bounds as a notice (type, size, YAML nodes and depth)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".csv", ".txt", ".tsv"):
        raise GongwenError(Problem(f"不认识的数据表格式“{path.suffix or '（无扩展名）'}”。",
                                   "用 .csv（Excel 另存为“CSV UTF-8”）或 .yaml（列表，每项一组“列名: 值”）",
                                   file=path))
    yaml_rows = suffix in (".yaml", ".yml")
    raw = read_bounded(path, ROWS_YAML_BYTES if yaml_rows else ROWS_BYTES, "数据表文件",
                       "YAML 数据表不超过 8 MB，更大的表用 CSV" if yaml_rows else "")
    if yaml_rows:
        rows = _yaml_rows(raw, path)
    else:
        rows = _csv_rows(raw, path, delimiter="\t" if suffix == ".tsv" else None)
    if not rows:
        raise GongwenError(Problem("数据表里没有任何数据行。", "第一行写列名，其后每行一份公文", file=path))
    if len(rows) > MAX_ROWS:
        raise GongwenError(Problem(f"数据表有 {len(rows)} 行，超过上限 {MAX_ROWS} 行。", "分成几个文件分批生成",
                                   file=path))
    return rows


def _common(ch: str) -> bool:
    """In common Chinese use: ASCII, or in GB2312 (the 6 763 common 汉字, punctuation, full-width forms)."""
    if ch.isascii():
        return True
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def _mostly_uncommon(text: str, least: int = 4) -> bool:
    wide = [ch for ch in text if not ch.isascii() and not ch.isspace()]
    return len(wide) >= least and sum(not _common(ch) for ch in wide) * 2 > len(wide)


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    hint = "在 Excel 中“另存为”→“CSV UTF-8（逗号分隔）”；或用文本编辑器另存为 UTF-8"
    try:                       # Excel on Chinese Windows saves “CSV” as GBK
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        raise GongwenError(Problem("数据表既不是 UTF-8 也不是 GBK 编码。", hint, file=path))
    # GB18030 decodes almost any bytes: Shift-JIS or Big5 read so give rare characters, not words.
    if _mostly_uncommon(text, least=2):
        raise GongwenError(Problem("数据表既不是 UTF-8，也不像 GBK 编码：按 GBK 读出的字大多不是常用汉字"
                                   f"（例如“{''.join(ch for ch in text if not _common(ch))[:8]}”），"
                                   "可能是 Shift-JIS、Big5 等其他编码。", hint, file=path))
    return text


def _cell_problem(value: str, path: Path, line: int | None, column: str) -> None:
    bad = problem_text(value)
    if bad:
        raise GongwenError(Problem(f"数据表“{column}”列的格子{bad[1]}。",
                                   "删去这个字符（多半是从网页或其他软件复制来的）",
                                   field=column, line=line + bad[0] if line else None, file=path))


def cell_warnings(rows: list[Row], path: Path) -> list[Problem]:
    """Cells that are mostly characters outside common Chinese use: a file in
    another encoding read as GBK, or text pasted through a wrong conversion."""
    out = []
    for row in rows:
        for column, value in row.values.items():
            if isinstance(value, str) and not column.startswith("\0") and _mostly_uncommon(value):
                out.append(Problem(f"第 {row.number} 行“{column}”列的“{value[:12]}”大多不是常用汉字，"
                                   "可能是编码不对（乱码）。", "核对数据表的编码（应为 UTF-8 或 GBK）和这一格的内容",
                                   field=column, line=row.line, file=path, severity="warning"))
                if len(out) >= 5:
                    return out
    return out


def _csv_rows(raw: bytes, path: Path, delimiter: str | None) -> list[Row]:
    text = _decode(raw, path)
    if "\x00" in text:
        raise GongwenError(Problem("数据表是二进制内容，不是 CSV 文本（是不是 .xlsx？）。",
                                   "在 Excel 中“另存为”→“CSV UTF-8（逗号分隔）”", file=path))
    if delimiter is None:
        first = text.split("\n", 1)[0]
        counts = {d: first.count(d) for d in (",", "，", "\t", ";")}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return []
    except csv.Error as e:
        raise GongwenError(Problem(f"CSV 格式错误：{e}", "检查引号是否成对", line=1, file=path))
    names = [h.strip() for h in header]
    if not any(names):
        raise GongwenError(Problem("第一行应是列名，这里是空的。", "第一行写列名，例如 `单位,份号`", line=1, file=path))
    seen: dict[str, int] = {}
    for i, n in enumerate(names, 1):
        _cell_problem(n, path, 1, f"第 {i} ")
        if n and n in seen:
            raise GongwenError(Problem(f"列名“{n}”出现了两次（第 {seen[n]} 列和第 {i} 列）。",
                                       "每列用不同的名字", line=1, file=path))
        if n:
            seen[n] = i
    rows: list[Row] = []
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise GongwenError(Problem(f"CSV 格式错误：{e}", "检查引号是否成对", line=start, file=path))
        line, start = start, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue                                  # blank lines between rows
        values: dict[str, Any] = {}
        for i, name in enumerate(names):
            if name:
                cell = cells[i].replace("\r\n", "\n").replace("\r", "\n").strip() if i < len(cells) else ""
                _cell_problem(cell, path, line, name)
                values[name] = cell
        extra = [c for c in cells[len(names):] if c.strip()]
        if extra:
            values["\0extra"] = extra
        rows.append(Row(len(rows) + 1, line, values))
    return rows


def _yaml_rows(raw: bytes, path: Path) -> list[Row]:
    data, _, _ = load_value(decode(raw, path), path, max_nodes=MAX_ROW_NODES)
    if isinstance(data, dict) and len(data) == 1 and isinstance(next(iter(data.values())), list):
        data = next(iter(data.values()))              # `行: [...]` / `rows: [...]`
    if not isinstance(data, LocatedList):
        raise GongwenError(Problem("YAML 数据表应是一个列表，每项一组“列名: 值”。",
                                   "每份公文写一项：`- 单位: 区教育局`，下一行 `  份号: 000001`", file=path))
    rows = []
    for i, (item, pos) in enumerate(zip(data, data.item_pos), 1):
        line = pos.line
        if not isinstance(item, Located):
            raise GongwenError(Problem(f"第 {i} 项不是“列名: 值”的映射。", "`- 单位: 区教育局`", line=line, file=path))
        values = {}
        for k, v in item.items():
            at = item.key_pos[k].line if k in item.key_pos else line
            if isinstance(v, dict):
                raise GongwenError(Problem(f"第 {i} 项的“{k}”是映射，只能是文字、数字或列表。",
                                           "`  单位: 区教育局`", line=at, file=path))
            for x in (v if isinstance(v, list) else [v]):
                if isinstance(x, (dict, list)):
                    raise GongwenError(Problem(f"第 {i} 项的“{k}”里套了列表或映射，只能是文字、数字或文字的列表。",
                                               "`  单位: 区教育局`", line=at, file=path))
                if isinstance(x, str):
                    _cell_problem(x, path, at, str(k))
            values[str(k).strip()] = list(v) if isinstance(v, list) else v
        rows.append(Row(i, line, values))
    return rows


# ---------------------------------------------------------------------------
# The template

def template_variables(text: str) -> set[str]:
    """Names used inside {{ }} and {% %} of the template text (a close
    approximation: every identifier there, so a column used only in a filter
    argument still counts)."""
    names: set[str] = set()
    for m in re.finditer(r"\{\{(.*?)\}\}|\{%(.*?)%\}", text, re.S):
        inner = m.group(1) or m.group(2) or ""
        names.update(re.findall(r"[^\W\d][\w]*", inner))
    return names


class Template:
    """The template file read once; `document(row)` gives each row's Document."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.text = read_text(self.path)
        self.data = load(self.text, self.path)
        self.used = template_variables(self.text)

    def document(self, variables: dict[str, Any]):
        data = Located(self.data)
        data.key_pos = dict(self.data.key_pos)
        data.value_pos = dict(self.data.value_pos)
        data.raw = dict(self.data.raw)
        data.pos = self.data.pos
        base = self.data.get("变量")
        merged = dict(base) if isinstance(base, dict) else {}
        for k, v in variables.items():          # an empty cell keeps the template's default
            if not (k in merged and (v is None or (isinstance(v, str) and not v.strip()))):
                merged[k] = v
        data["变量"] = merged
        return build_document(data, self.path)


# ---------------------------------------------------------------------------
# Jobs: one document each, run here or in a worker process

@dataclass
class Job:
    index: int                  # position in the batch (0-based)
    label: str                  # how messages name it: “units.csv 第 3 行” / “第 000003 份”
    stem: str                   # output file name without extension
    variables: dict[str, Any] | None = None   # batch: the row's values
    copy_number: str | None = None             # copies: the 份号


@dataclass
class Outcome:
    index: int
    label: str
    outputs: list[Path] = field(default_factory=list)
    pages: int = 0
    problems: list[Problem] = field(default_factory=list)   # errors: nothing written
    warnings: list[Problem] = field(default_factory=list)
    key: str | None = None      # what the outputs were made from (--resume compares it)
    skipped: bool = False       # --resume: complete outputs from the same inputs were already there
    record: dict | None = None  # the resume log's line for this row

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Settings:
    out_dir: Path
    formats: tuple[str, ...] = ("pdf", "docx")
    strict: bool = False
    preprinted: bool = False
    resume: dict[str, dict] | None = None     # --resume: stem → its line in the log of a run before


# Worker state: set in the parent before forking, or by _init in a spawned worker.
_STATE: dict[str, Any] = {}


def _init(kind: str, source: str, settings: Settings) -> None:
    if _STATE.get("source") == source and _STATE.get("kind") == kind:
        return                                        # forked: inherited from the parent
    _STATE.clear()
    _STATE.update(kind=kind, source=source, settings=settings)
    warm_fonts()
    if kind == "batch":
        _STATE["template"] = Template(Path(source))
    else:                       # copies: one layout, made before the workers start
        doc = read(Path(source))
        _STATE["document"] = doc
        _STATE["layout"] = build(dataclasses.replace(doc, copy_number="000001"), settings.preprinted)


def warm_fonts() -> None:
    """Parse every role's face now (once per process), so workers forked
    afterwards share the parsed fonts instead of each parsing them."""
    try:
        book = fontbook()
        for role in spec.ROLES:
            book.face(role).rl_font
    except GongwenError:
        pass                                          # reported by the first document


def _run(job: Job) -> Outcome:
    out = Outcome(job.index, job.label)
    settings: Settings = _STATE["settings"]
    try:
        if _STATE["kind"] == "copies":
            return _run_copy(job, out, settings)
        doc = _STATE["template"].document(job.variables or {})
        fontbook().forget_fallbacks()     # a row's rare characters stay out of the next row's fallback subset
        problems = check_document(doc)
        errors = [p for p in problems if p.severity == "error" or settings.strict]
        if errors:
            raise GongwenError(errors)
        out.warnings = problems
        out.key = _row_key(doc, job, settings)
        if settings.resume is not None and _complete(settings.resume.get(job.stem), out.key, settings, job.stem):
            out.skipped = True
            out.outputs = [settings.out_dir / f"{job.stem}.{ext}" for ext in settings.formats]
            out.pages = settings.resume[job.stem].get("pages", 0)
            return out
        blobs, lay = render(doc, settings.preprinted, settings.formats)
        out.pages = len(lay.pages)
        for ext, data in blobs.items():               # all rendered before anything is written
            p = settings.out_dir / f"{job.stem}.{ext}"
            atomic_write(p, data)
            out.outputs.append(p)
        out.record = {"stem": job.stem, "key": out.key, "pages": out.pages,
                      "outputs": {ext: {"sha256": _sha(data), "bytes": len(data)} for ext, data in blobs.items()}}
    except GongwenError as e:
        out.problems = list(e.problems)
    except RecursionError:
        out.problems = [Problem("数据嵌套过深，无法生成。", "简化数据的层次")]
    except MemoryError:
        out.problems = [Problem("内存不足，无法生成这一份。", "减少同时运行的程序，或用 --jobs 1")]
    except OSError as e:
        out.problems = [Problem(f"无法写入输出文件（{e.strerror or e}）。", "检查输出文件夹的权限和磁盘空间",
                                file=getattr(e, "filename", None))]
    except Exception as e:                            # a bug of ours: one line, not a traceback
        if os.environ.get("GONGWEN_DEBUG"):
            raise
        out.problems = [Problem(f"内部错误（{type(e).__name__}），这是程序的问题，不是数据的问题。",
                                "请把模板和这一行数据报告给维护者（设 GONGWEN_DEBUG=1 可看详细信息）")]
    return out


def _run_copy(job: Job, out: Outcome, settings: Settings) -> Outcome:
    """One numbered copy: the notice's layout is made once per process (the
    data were checked once by copies()); each copy swaps in its 份号."""
    doc = dataclasses.replace(_STATE["document"], copy_number=job.copy_number)
    lay = renumbered(_STATE["layout"], job.copy_number or "", fontbook())   # a copies job has its 份号
    path = settings.out_dir / f"{job.stem}.pdf"
    atomic_write(path, finish(render_pdf(lay, doc, fontbook()), lay, doc))
    out.outputs.append(path)
    out.pages = len(lay.pages)
    return out


def renumbered(lay, number: str, fonts):
    """The layout with its 份号 replaced (page 1's first item; nothing else moves)."""
    first = lay.pages[0]
    items = [i for i in first.items if not (isinstance(i, TextRun) and i.element == "份号")]
    pages = [dataclasses.replace(first, items=copy_number_runs(number, fonts) + items), *lay.pages[1:]]
    lines = [LaidLine(l.element, number, l.page, l.line) if l.element == "份号" else l for l in lay.lines]
    return dataclasses.replace(lay, pages=pages, lines=lines)


def run_jobs(kind: str, source: Path, jobs: list[Job], settings: Settings, workers: int | None = None,
             progress: Callable[[int, int], None] | None = None,
             on_outcome: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Run every job, in this process or in `workers` processes; outcomes in job order."""
    import gc
    gc.set_threshold(700, 10, 10)     # Python's defaults again: a long run must not pile up garbage
    n = len(jobs)
    if workers is None:
        workers = _cores() if n >= PARALLEL_FROM else 1
    workers = max(1, min(workers, n))
    _STATE.clear()
    _init(kind, str(source), settings)
    outcomes: list[Outcome | None] = [None] * n
    done = 0
    if workers == 1:
        for job in jobs:
            outcome = outcomes[job.index] = _run(job)
            if on_outcome:
                on_outcome(outcome)
            done += 1
            if progress:
                progress(done, n)
        return outcomes                               # type: ignore[return-value]
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    size = max(1, min(8, n // (workers * 8)))         # small chunks: an even load, a live progress bar
    chunks = [jobs[i:i + size] for i in range(0, n, size)]
    pool = ProcessPoolExecutor(workers, mp_context=mp.get_context(method), initializer=_init,
                               initargs=(kind, str(source), settings))
    try:
        futures = {pool.submit(_run_chunk, c): c for c in chunks}
        for f in as_completed(futures):
            try:
                results = f.result()
            except BrokenProcessPool:                 # a worker was killed (out of memory …)
                results = [Outcome(j.index, j.label, problems=[Problem(
                    "生成这一份的进程意外退出（可能是内存不足），未生成。", "用 --jobs 1 重试，或分批生成")])
                    for j in futures[f]]
            for o in results:
                outcomes[o.index] = o
                if on_outcome:
                    on_outcome(o)
                done += 1
                if progress:
                    progress(done, n)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return outcomes                                   # type: ignore[return-value]


RESUME_LOG = ".gongwen-batch.jsonl"    # in the output folder: one line per row written, for --resume


def _sha(data: bytes) -> str:
    import hashlib
    return hashlib.sha256(data).hexdigest()


def _row_key(doc, job: Job, settings: Settings) -> str:
    """What a row's outputs are made from: the template's bytes, the row's
    values, the options and the bytes of every file the document names
    (seal images, 附件 PDFs), and the program's version."""
    import json
    files: dict[str, str | None] = {}
    for role, path in _input_files(doc):
        try:
            files[role] = _sha(Path(path).read_bytes())
        except OSError:
            files[role] = None
    what = {"template": _sha(_STATE["template"].text.encode("utf-8")), "row": job.variables,
            "formats": list(settings.formats), "strict": settings.strict, "preprinted": settings.preprinted,
            "files": files, "program": _program()}
    return _sha(json.dumps(what, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"))


_PROGRAM: list[str] = []


def _program() -> str:
    """The program's own fingerprint (its sources): a row made by another version is made again."""
    if not _PROGRAM:
        here = Path(__file__).resolve().parent
        _PROGRAM.append(_sha(b"".join(p.read_bytes() for p in sorted(here.rglob("*.py")))))
    return _PROGRAM[0]


def _complete(record: dict | None, key: str, settings: Settings, stem: str) -> bool:
    """The row's outputs are there, whole (size and SHA-256 as logged), from the same inputs."""
    if not record or record.get("key") != key:
        return False
    outputs = record.get("outputs") or {}
    if set(outputs) != set(settings.formats):
        return False
    for ext, o in outputs.items():
        p = settings.out_dir / f"{stem}.{ext}"
        try:
            if p.stat().st_size != o.get("bytes") or _sha(p.read_bytes()) != o.get("sha256"):
                return False
        except OSError:
            return False
    return True


def read_resume_log(out_dir: Path) -> dict[str, dict]:
    """stem → the last line logged for it; a line cut short by a kill is ignored."""
    import json
    log: dict[str, dict] = {}
    try:
        with open(out_dir / RESUME_LOG, encoding="utf-8") as f:
            for line in f:
                try:
                    r = json.loads(line)
                except ValueError:
                    continue
                if isinstance(r, dict) and isinstance(r.get("stem"), str):
                    log[r["stem"]] = r
    except OSError:
        pass
    return log


def _run_chunk(chunk: list[Job]) -> list[Outcome]:
    return [_run(job) for job in chunk]


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


# ---------------------------------------------------------------------------
# Names, copies, progress

def safe_stem(text: str, limit: int = 80) -> str:
    """A file name from a cell: no path separators or characters Windows refuses."""
    s = _BAD_NAME.sub("_", str(text)).strip(" ._")
    s = re.sub(r"\s+", " ", s)
    if s.upper().split(".")[0] in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                                   *(f"LPT{i}" for i in range(1, 10))}:
        s = "_" + s
    return s[:limit].rstrip(" ._")


def unique_stems(stems: list[str]) -> list[str]:
    """Make names unique case-insensitively (Windows, macOS): 名称, 名称-2, 名称-3 …"""
    seen: set[str] = set()
    out = []
    for s in stems:
        cand, k = s, 2
        while cand.casefold() in seen:
            cand = f"{s}-{k}"
            k += 1
        seen.add(cand.casefold())
        out.append(cand)
    return out


def parse_copies(text: str) -> list[int]:
    """`1-200`, `5`, `1-10,15,20-25` → copy numbers, in order, without repeats."""
    t = text.strip().replace("，", ",").replace("～", "-").replace("~", "-").replace("—", "-").replace("－", "-")
    if not t:
        raise ValueError("份数范围是空的")
    out: list[int] = []
    seen: set[int] = set()
    for part in t.split(","):
        part = part.strip()
        m = re.fullmatch(r"(\d{1,6})(?:\s*-\s*(\d{1,6}))?", part)
        if not m:
            raise ValueError(f"看不懂“{part}”")
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) else a
        if a < 1 or b < 1:
            raise ValueError("份号从 1 开始")
        if b < a:
            raise ValueError(f"“{part}”的范围是倒过来的")
        if b - a + 1 + len(out) > MAX_COPIES:
            raise ValueError(f"一次最多 {MAX_COPIES} 份")
        for k in range(a, b + 1):
            if k not in seen:
                seen.add(k)
                out.append(k)
    return out


class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, a line every
    tenth of the way otherwise (logs, CI)."""

    def __init__(self, what: str, stream=None, enabled: bool = True):
        self.what = what
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.perf_counter()
        self.last_draw = 0.0
        self.last_tenth = -1
        self.width = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        rate = done / (now - self.start) if now > self.start else 0.0
        if self.tty:
            if done < total and now - self.last_draw < 0.1:
                return
            self.last_draw = now
            width = 30
            filled = int(width * done / total) if total else width
            bar = "█" * filled + "░" * (width - filled)
            end = "\n" if done >= total else ""
            text = f"{bar} {done}/{total} {self.what}  {rate:.1f} {self.what}/秒"
            pad = " " * max(0, self.width - len(text))
            self.width = len(text)
            self.stream.write(f"\r{text}{pad}{end}")
            self.stream.flush()
        else:
            tenth = done * 10 // total if total else 10
            if tenth != self.last_tenth and (tenth > self.last_tenth or done >= total):
                self.last_tenth = tenth
                self.stream.write(f"已完成 {done}/{total} {self.what}（{rate:.1f} {self.what}/秒）\n")
                self.stream.flush()


# ---------------------------------------------------------------------------
# Reports

def report(outcomes: list[Outcome], stream=None) -> tuple[int, int]:
    """Print the failed rows (each with its problems) and the warnings, grouped
    so that a warning every row shares is printed once.  Returns (ok, failed)."""
    stream = stream or sys.stderr
    failed = [o for o in outcomes if not o.ok]
    groups: dict[str, list[str]] = {}
    for o in outcomes:
        if o.ok:
            for w in o.warnings:
                groups.setdefault(w.format(), []).append(o.label)
    for text, labels in groups.items():
        who = labels[0] if len(labels) == 1 else (
            f"全部 {len(labels)} 份" if len(labels) == len(outcomes) else f"{len(labels)} 份（{labels[0]} 等）")
        print(f"{text}\n    （{who}）", file=stream)
    for o in failed:
        print(f"{o.label}：未生成。", file=stream)
        for p in o.problems:
            print("  " + p.format().replace("\n", "\n  "), file=stream)
    return len(outcomes) - len(failed), len(failed)


# ---------------------------------------------------------------------------
# The work behind `generate.py batch` and `--copies` (their command lines are in cli.py)

def batch(template_path: Path, rows_path: Path, out_dir: Path, name: str | None, formats: tuple[str, ...],
          jobs_wanted: int | None, strict: bool, preprinted: bool, quiet: bool, resume: bool = False) -> int:
    """One notice per row of the table; rows with errors are reported at the
    end and the others written.  Exit status 1 when a row failed.  Each row
    written is logged in out_dir/RESUME_LOG; `resume` skips the rows whose
    outputs are there, whole, from the same inputs (an interrupted batch)."""
    template = Template(template_path)
    rows = load_rows(rows_path)
    columns = [c for c in rows[0].values if not c.startswith("\0")]
    if name is not None and name not in columns:
        raise GongwenError(Problem(f"数据表里没有“{name}”这一列（--name）。",
                                   f"{'、'.join(columns) or '（没有列名）'} 之一", file=rows_path))
    for w in cell_warnings(rows, rows_path):
        print(w.format(), file=sys.stderr)
    unused = [c for c in columns if c not in template.used]
    if unused:
        print(f"{rows_path}: 警告 这些列在模板里没有用到：{'、'.join(unused)}。\n"
              f"    应为：在模板里写 {{{{ {unused[0]} }}}}，或删去这些列", file=sys.stderr)
    width = max(3, len(str(rows[-1].number)))
    where = rows_path.name
    jobs, stems = [], []
    for i, row in enumerate(rows):
        label = f"{where} 第 {row.number} 行" + (f"（文件第 {row.line} 行）" if row.line and where.endswith(
            (".csv", ".tsv", ".txt")) else "")
        stem = ""
        if name is not None:
            stem = safe_stem(row.values.get(name, ""))
            if stem:
                label += f"（{name}：{row.values.get(name)}）"
        stems.append(stem or f"{template_path.stem}-{row.number:0{width}d}")
        values = {k: v for k, v in row.values.items() if not k.startswith("\0")}
        jobs.append(Job(i, label, "", variables=values))
        if "\0extra" in row.values:
            jobs[-1].label += "（多出的格子已忽略）"
    for job, stem in zip(jobs, unique_stems(stems)):
        job.stem = output_stem(stem, preprinted)       # 套打 files beside, never over, the normal ones
    settings = Settings(out_dir, formats, strict, preprinted, read_resume_log(out_dir) if resume else None)
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    import json
    sweep_temps(out_dir)                              # what a killed run left half-written
    with open(out_dir / RESUME_LOG, "a" if resume else "w", encoding="utf-8") as log:
        def logged(o: Outcome) -> None:               # after the row's files are renamed into place
            if o.record is not None:
                log.write(json.dumps(o.record, ensure_ascii=False) + "\n")
                log.flush()
        outcomes = run_jobs("batch", template_path, jobs, settings, jobs_wanted, Progress("份", enabled=not quiet),
                            logged)
    elapsed = time.perf_counter() - started
    ok, failed = report(outcomes)
    skipped = sum(o.skipped for o in outcomes)
    files = sum(len(o.outputs) for o in outcomes if not o.skipped)
    print(f"共 {len(outcomes)} 行：生成 {ok - skipped} 份（{files} 个文件，在 {out_dir}）"
          + (f"，跳过 {skipped} 份（已完整生成，数据未变）" if skipped else "")
          + (f"，{failed} 行有错误未生成" if failed else "")
          + f"；用时 {elapsed:.1f} 秒。", file=sys.stderr)
    return 1 if failed else 0


def copy_numbers(spec_text: str) -> list[str]:
    """`--copies 1-200` → ["000001", …]: six digits (the standard's 份号),
    more when a number needs them."""
    try:
        numbers = parse_copies(spec_text)
    except ValueError as e:
        raise GongwenError(Problem(f"{e}。", "例如 `--copies 1-200` 或 `--copies 1-10,15`",
                                   field=f"--copies {spec_text}"))
    width = max(spec.COPY_NUMBER_DIGITS, len(str(max(numbers))))
    return [f"{k:0{width}d}" for k in numbers]


def copies(source: Path, numbered: list[str], merged: bool, out_dir: Path, strict: bool,
           preprinted: bool, quiet: bool = False, show=None, name: str | None = None) -> int:
    """Numbered copies (PDF): one file each, or all in one print file.  `show`
    rewrites a problem for printing and `name` is the source as the clerk
    knows it (a draft generated in one step: not its temporary data file)."""
    show = show or (lambda p: p)
    doc = read(source)
    problems = check_document(dataclasses.replace(doc, copy_number=numbered[-1]))
    errors = [p for p in problems if p.severity == "error" or strict]
    if errors:
        raise GongwenError(errors)
    for w in problems:
        print(show(w).format(), file=sys.stderr)
    if doc.copy_number:
        print(f"{name or source}: 注意 数据里的份号 {doc.copy_number} 已由 --copies 的编号代替。", file=sys.stderr)
    started = time.perf_counter()
    if merged:
        merged_name = output_stem(f"{source.stem}-份号{numbered[0]}-{numbered[-1]}", preprinted) + ".pdf"
        try:
            path, pages = merged_copies(doc, numbered, out_dir / merged_name, preprinted)
        except OSError as e:
            raise write_error(e, out_dir, source) from None
        print(path)
        print(f"共 {len(numbered)} 份、{pages} 页，合为一个 PDF；用时 {time.perf_counter() - started:.1f} 秒。",
              file=sys.stderr)
        return 0
    jobs = [Job(i, f"第 {n} 份", output_stem(f"{source.stem}-份号{n}", preprinted), copy_number=n)
            for i, n in enumerate(numbered)]
    settings = Settings(out_dir, ("pdf",), strict, preprinted)
    outcomes = run_jobs("copies", source, jobs, settings, None, Progress("份", enabled=not quiet))
    failed = [o for o in outcomes if not o.ok]
    for o in failed:
        print(f"{o.label}：未生成。", file=sys.stderr)
        for p in o.problems:
            print("  " + show(p).format().replace("\n", "\n  "), file=sys.stderr)
    for o in outcomes:
        for path in o.outputs:
            print(path)
    print(f"共 {len(numbered)} 份（份号 {numbered[0]}—{numbered[-1]}），每份一个 PDF，在 {out_dir}；"
          f"用时 {time.perf_counter() - started:.1f} 秒。", file=sys.stderr)
    return 1 if failed else 0


def merged_copies(doc, numbers: list[str], path: Path, preprinted: bool = False,
                  progress: Callable[[int, int], None] | None = None) -> tuple[Path, int]:
    """One PDF with every copy in order, each starting on an odd page (every
    copy has an even page count, padded with a blank page if need be), for
    duplex printing.  The layout is made once; only the 份号 differs between
    copies, and the file is streamed to disk (mergedcopies.py): memory stays
    flat whatever the count."""
    base = dataclasses.replace(doc, copy_number=numbers[0])
    lay = padded(build(base, preprinted))
    return path, write_merged(path, lay, base, fontbook(), numbers, progress)


def padded(lay):
    """The layout with a blank page added when its page count is odd (a 信函
    whose 版记 shares its last page, a notice without 版记): printed duplex,
    the next copy then starts on a sheet of its own.  The blank page carries
    no page number, like the standard's 空白页."""
    if len(lay.pages) % 2 == 0:
        return lay
    blank = Page(len(lay.pages) + 1, show_number=False, kind="blank")
    return dataclasses.replace(lay, pages=[*lay.pages, blank], blank_pages=(*lay.blank_pages, blank.number))
