#!/usr/bin/env python3
"""Benchmark: medians of cold processes, as a user runs them.

    python bench/run.py              # full run (about two and a half minutes)
    python bench/run.py --quick      # fewer repetitions
    python bench/run.py --markdown   # the table as Markdown, for the README
    python generate.py bench         # the same, through the entry point
    python bench/run.py --web        # the web page's warm preview only (bench/web.py)
    python bench/run.py --import-ofd --markdown   # only import and OFD, with the seed as the load's gauge
    python bench/run.py --memory --markdown       # only the peak-memory cases (issue 18), one run each

Every figure is the wall time of a whole new process (`python generate.py …`),
interpreter start-up included, and its median over several runs; peak memory is
the largest resident set of that process tree (``os.wait4`` of each child:
the process and the children it waited for).  Scenarios:

* the seed notice (data/linzi-ip-week-2023.yaml) → PDF + DOCX (``--out``);
* 100 notices in one batch (data/batch/notice-template.yaml, 100 rows), with
  the default process count and with ``--jobs 1``;
* a 50-page and a 100-page notice (the seed's paragraphs repeated), to see the
  time per page and whether it grows linearly;
* 200 numbered copies (``--copies 1-200``), merged and as separate PDFs;
* importing drafts (``import``): the seed's text as it is, and the DOCX of the
  50-page notice (written by the run above), each into a data file;
* the seed with ``--formats pdf,docx,ofd``, its runs interleaved with the
  default ones so that the difference is what OFD adds; and the OFD writer
  alone, in one process after the layout (its subset cache emptied each time);
* peak memory (issue 18), one run each: the seed in 1 000, 10 000 and 100 000
  numbered copies merged into one PDF (``--quick``: 20 000 for the last), and
  the hostile inputs that once took gigabytes (tests/hostile.py builds them:
  a Jinja2 expansion, a 2 GB seal, a 附件 PDF with a 2 GB hole, a flate bomb).
  Their peak is the process's own (tools/peakrss.py: VmHWM, and the children it
  waited for), under a 2 GB address-space cap.

Before timing, one untimed run writes the compiled bytecode and the font cache
(fonts/.cache/), as any first run on a machine does.  ``PYTHONDONTWRITEBYTECODE``
is removed from the children's environment for the same reason: with it, every
run compiles the program's sources again (about 50 ms).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "linzi-ip-week-2023.yaml"
SEED_DRAFT = ROOT / "tests" / "fixtures" / "seed-000_9163dc98b3c86c09.txt"
TEMPLATE = ROOT / "data" / "batch" / "notice-template.yaml"
UNITS = ROOT / "data" / "batch" / "units.csv"

TARGETS = {      # issue 8
    "seed": 0.3,             # s, cold, PDF + DOCX
    "batch_rate": 20.0,      # notices per second
    "long100": 3.0,          # s, 100-page notice
    "rss": 150.0,            # MB
    "import_seed": 0.3,      # s, issue 13: the seed's text → data file, cold
    "import_docx50": 1.0,    # s, issue 13: a 50-page DOCX → data file, cold
    "ofd_ms": 60.0,          # issue 15: adding OFD to the seed
}


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    try:
        import reportlab
        rl = reportlab.Version
    except ImportError:
        rl = "?"
    try:
        mem = next(int(l.split()[1]) // 1024 for l in Path("/proc/meminfo").read_text().splitlines()
                   if l.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem = 0
    return {"nproc": cores, "cpu": model or platform.processor() or "?", "python": platform.python_version(),
            "implementation": platform.python_implementation(), "os": platform.platform(terse=True),
            "reportlab": rl, "memory_mb": mem}


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def child_env() -> dict:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("GONGWEN_NO_FONT_CACHE", None)
    return env


def run(args: list[str], env: dict) -> tuple[float, float, str, float]:
    """(wall seconds, peak RSS in MB, stderr, CPU seconds) of one cold `python generate.py …`."""
    cmd = [sys.executable, str(ROOT / "generate.py"), *args]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    p.stderr.close()
    text = err.decode("utf-8", "replace")
    if p.returncode != 0:
        raise SystemExit(f"bench: {' '.join(args)} failed ({p.returncode}):\n{text}")
    rss = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 1024 / 1024
    return wall, rss, text, usage.ru_utime + usage.ru_stime


def run_measured(args: list[str], env: dict, cap: int = 2 * 1024 ** 3) -> tuple[float, float, str, float, int]:
    """(wall seconds, peak RSS in MB, stderr, CPU seconds, exit status) of one cold
    `python generate.py …` under an address-space cap; the peak is the process's
    own (tools/peakrss.py), not ru_maxrss, which folds in this process's own peak."""
    sys.path.insert(0, str(ROOT / "tools"))
    import peakrss
    with tempfile.TemporaryDirectory(prefix="gongwen-peak-") as scratch:
        report = str(Path(scratch) / "peak")
        t0 = time.perf_counter()
        p = subprocess.Popen(peakrss.command(str(ROOT / "generate.py"), args, report, cap), cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = p.stderr.read()
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.stderr.close()
        peak = peakrss.read_report(report)
    return (wall, peak if peak is not None else float("nan"), err.decode("utf-8", "replace"),
            usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status))


# the merged copies' peak before the file was streamed (the seed; 100 000: issue 18's figure)
BEFORE_STREAMING = {1_000: "; was 104 MB", 10_000: "; was 455 MB", 100_000: "; issue 18: 1.6 GB"}
# issue 18's cases, with the peak each had before it was fixed
HOSTILE = (
    ("jinja-join-join", "{{ ('x' * 100000)|join('y' * 100000)|length }} in 正文 (refused; was 9 562 MB)"),
    ("seal-sparse-2GB", "a seal PNG of 2 GB, sparse (refused; was 6.2 GB)"),
    ("pdf-sparse-2GB", "a 附件 PDF with a 2 GB hole (refused; was 4.2 GB)"),
    ("pdf-flate-bomb", "a 1 MB 附件 PDF whose page inflates to 1 GB (refused; was 3.15 GB)"),
)


def measure_memory(results: dict, tmp: Path, env: dict, quick: bool) -> None:
    """Peak memory of the issue-18 cases, one cold run each."""
    sys.path.insert(0, str(ROOT / "tests"))
    import hostile
    rows = []
    for count in (1_000, 10_000, 20_000 if quick else 100_000):
        args = [str(SEED), "--copies", f"1-{count}", "--copies-merged", "--out", str(tmp / f"cm{count}")]
        wall, peak, err, cpu, status = run_measured(args, env)
        if status != 0:
            raise SystemExit(f"bench: {' '.join(args)} failed ({status}):\n{err}")
        pages = int(re.search(r"、(\d+) 页", err).group(1))
        label = (f"{f'{count:,}'.replace(',', ' ')} numbered copies, one merged PDF "
                 f"({f'{pages:,}'.replace(',', ' ')} pages{BEFORE_STREAMING.get(count, '')})")
        rows.append({"name": f"copies_merged_{count}", "label": label, "median": wall, "cpu": cpu, "rss_mb": peak})
        print(f"  copies-merged {count}: {wall:.1f} s, CPU {cpu:.1f} s, peak RSS {peak:.0f} MB", file=sys.stderr,
              flush=True)
        for old in (tmp / f"cm{count}").iterdir():
            old.unlink()
    by_name = {c.name: c for c in hostile.cases()}
    for name, label in HOSTILE:
        case = by_name[name]
        folder = tmp / "hostile" / name
        case.build(folder)
        wall, peak, err, cpu, status = run_measured([*case.command(folder), "--out", str(tmp / "hostile-out")], env)
        if status != case.exit or not all(w in err for w in case.words):
            raise SystemExit(f"bench: hostile case {name} gave exit {status}:\n{err[-2000:]}")
        rows.append({"name": name, "label": label, "median": wall, "cpu": cpu, "rss_mb": peak})
        print(f"  {name}: {wall:.2f} s, CPU {cpu:.2f} s, peak RSS {peak:.0f} MB", file=sys.stderr, flush=True)
    results["memory"] = rows


def measure_batch_scale(results: dict, tmp: Path, env: dict, quick: bool) -> None:
    """A batch of 1 000 and 10 000 rows (issue 17 item 6), PDF+DOCX, one cold run each:
    the rate, and the peak resident set of any of its processes (flat if rows are not kept)."""
    rows = []
    for count in (1_000, 2_000 if quick else 10_000):
        out = tmp / f"scale{count}"
        args = ["batch", str(TEMPLATE), str(make_rows(count, tmp)), "--out", str(out), "--quiet"]
        wall, peak, err, cpu, status = run_measured(args, env)
        if status != 0:
            raise SystemExit(f"bench: batch of {count} rows failed ({status}):\n{err[-2000:]}")
        made = len(list(out.glob("*.pdf")))
        if made != count:
            raise SystemExit(f"bench: batch of {count} rows wrote {made} PDFs")
        label = f"{f'{count:,}'.replace(',', ' ')} notices, batch, PDF+DOCX ({wall and count / wall:.0f}/s)"
        rows.append({"name": f"batch_{count}", "label": label, "median": wall, "cpu": cpu, "rss_mb": peak})
        print(f"  batch {count}: {wall:.1f} s = {count / wall:.0f}/s, CPU {cpu:.1f} s, peak RSS {peak:.0f} MB",
              file=sys.stderr, flush=True)
        shutil.rmtree(out)
    results["memory"] = results.get("memory", []) + rows


def memory_rows(results: dict) -> list[tuple]:
    return [(r["label"], f"{r['median']:.2f} s", f"{r['cpu']:.2f} s", f"≤ {TARGETS['rss']:.0f} MB", r["rss_mb"])
            for r in results.get("memory", [])]


def measure(name: str, args: list[str], runs: int, env: dict, between=None) -> dict:
    walls, rss, cpu, err = [], [], [], ""
    for _ in range(runs):
        w, r, err, c = run(args, env)
        walls.append(w)
        rss.append(r)
        cpu.append(c)
        if between:
            between()
    m = re.search(r"共 (\d+) 页", err)
    out = {"name": name, "runs": runs, "median": statistics.median(walls), "min": min(walls),
           "max": max(walls), "cpu": statistics.median(cpu), "rss_mb": max(rss),
           "pages": int(m.group(1)) if m else None, "walls": walls, "cpus": cpu}
    print(f"  {name}: median {out['median']:.3f} s (min {out['min']:.3f}, max {out['max']:.3f}, "
          f"{runs} runs), CPU {out['cpu']:.3f} s, peak RSS {out['rss_mb']:.0f} MB", file=sys.stderr, flush=True)
    return out


def measure_ofd(results: dict, tmp: Path, runs: int, env: dict) -> None:
    """The seed with OFD added, each run followed by one without (interleaved,
    so that load drifting over the minute is shared by both)."""
    plain = [str(SEED), "--out", str(tmp / "plain")]
    ofd_args = [str(SEED), "--out", str(tmp / "ofd"), "--formats", "pdf,docx,ofd"]
    run(plain, env)
    run(ofd_args, env)
    pair: list = []
    results["seed_ofd"] = measure("seed+ofd", ofd_args, runs, env, between=lambda: pair.append(run(plain, env)))
    so = results["seed_ofd"]
    # what OFD adds: the median of each OFD run's excess over the plain run right after it
    # (steadier on a loaded machine than the difference of the two medians)
    results["ofd_added"] = {"wall": statistics.median(a - w for a, (w, *_) in zip(so["walls"], pair)),
                            "cpu": statistics.median(a - c for a, (*_, c) in zip(so["cpus"], pair))}
    results["seed_pair"] = {"median": statistics.median(w for w, *_ in pair),
                            "cpu": statistics.median(c for *_, c in pair),
                            "rss_mb": max(r for _, r, *_ in pair), "runs": len(pair)}
    results["ofd_writer_ms"] = ofd_writer_ms(runs)


def ofd_writer_ms(runs: int) -> float:
    """Median CPU milliseconds (process time: what the machine's load does not
    inflate much) of render_ofd on the seed's layout, in this process, each run
    cutting its font subsets afresh (as a single generation does)."""
    sys.path.insert(0, str(ROOT))
    from gongwen.pipeline import build, fontbook
    from gongwen.reader import read
    from gongwen.writers import ofd
    doc = read(SEED)
    lay = build(doc)
    times = []
    for _ in range(runs + 1):
        ofd._SUBSETS.clear()
        t = time.process_time()
        ofd.render_ofd(lay, doc, fontbook())
        times.append(time.process_time() - t)
    return statistics.median(times[1:]) * 1000        # the first run pages the font files in


def measure_import_ofd(results: dict, tmp: Path, runs: int, env: dict) -> None:
    """Import (the seed's text; the DOCX of the 50-page notice) and OFD, each
    import run followed by a run of the seed (PDF+DOCX): on a loaded machine the
    seed's own figure, against the quiet one, says how much the load inflated them."""
    seed_args = [str(SEED), "--out", str(tmp / "seed")]
    run(seed_args, env)
    path = make_long(50, tmp, env)
    _, _, err, _ = run([str(path), "--out", str(tmp / "long")], env)
    results["docx50_pages"] = int(re.search(r"共 (\d+) 页", err).group(1))
    docx50 = tmp / "long" / "long-50.docx"
    out = tmp / "imported.yaml"
    run(["import", str(SEED_DRAFT), "-o", str(out), "--force"], env)      # bytecode
    gauge: list = []
    results["import_seed"] = measure("import-seed", ["import", str(SEED_DRAFT), "-o", str(out), "--force"], runs, env,
                                     between=lambda: gauge.append(run(seed_args, env)))
    results["import_docx50"] = measure("import-docx50", ["import", str(docx50), "-o", str(out), "--force"], runs,
                                       env, between=lambda: gauge.append(run(seed_args, env)))
    results["gauge"] = {"median": statistics.median(w for w, *_ in gauge),
                        "cpu": statistics.median(c for *_, c in gauge),
                        "rss_mb": max(r for _, r, *_ in gauge), "runs": len(gauge)}
    measure_ofd(results, tmp, runs, env)


def import_ofd_table(results: dict, info: dict, markdown: bool) -> str:
    g, so, base = results["gauge"], results["seed_ofd"], results["seed_pair"]
    def row(label, r, target=""):
        return (label, f"{r['median']:.3f} s", f"{r['cpu']:.3f} s", target, r.get("rss_mb"))
    rows = [
        row("seed notice, cold, PDF+DOCX (interleaved with the imports: the load's gauge)", g),
        row("import the seed's text (.txt → data file), cold", results["import_seed"],
            f"≤ {TARGETS['import_seed']} s"),
        row(f"import a {results['docx50_pages']}-page DOCX (the long notice's, as we write it), cold", results["import_docx50"],
            f"≤ {TARGETS['import_docx50']} s"),
        row("seed notice, cold, PDF+DOCX+OFD", so),
        ("  OFD added (median of each run's excess over the PDF+DOCX run after it)",
         f"{results['ofd_added']['wall'] * 1000:.0f} ms", f"{results['ofd_added']['cpu'] * 1000:.0f} ms",
         f"≤ {TARGETS['ofd_ms']:.0f} ms", None),
        ("  OFD writer alone, in process (CPU)", "", f"{results['ofd_writer_ms']:.0f} ms", "", None),
    ]
    if markdown:
        out = ["| scenario (median of cold runs) | wall time | CPU time | target | peak RSS |", "|---|---|---|---|---|"]
        out += [f"| {a} | {t} | {c} | {tg} | {'' if r is None else f'{r:.0f} MB'} |" for a, t, c, tg, r in rows]
    else:
        w = max(len(r[0]) for r in rows)
        out = [f"{a:<{w}}  {t:>9}  {c:>9}  {tg:>9}  {'' if r is None else f'{r:.0f} MB'}" for a, t, c, tg, r in rows]
    out.append("")
    out.append(f"{results['import_seed']['runs']} runs each; machine: {info['nproc']} cores ({info['cpu']}), "
               f"{info['implementation']} {info['python']}; load average before/after: "
               f"{results['load_before']} / {results['load_after']}")
    return "\n".join(out)


# -- data ----------------------------------------------------------------------

def long_notice(paragraphs: int) -> str:
    """The seed with its body paragraphs repeated, a level-1 heading every six."""
    seed = SEED.read_text(encoding="utf-8")
    head, rest = seed.split("正文: |", 1)
    body, tail = rest.split("\n发文机关署名", 1)
    paras = [l.strip() for l in body.splitlines() if len(l.strip()) > 40]
    lines = []
    for i in range(paragraphs):
        if i % 6 == 0:
            lines.append(f"# 第{i // 6 + 1}部分工作安排")
        lines.append(paras[i % len(paras)])
    return head + "正文: |\n" + "\n".join("  " + l for l in lines) + "\n发文机关署名" + tail


def make_long(pages: int, folder: Path, env: dict) -> Path:
    """A notice of about `pages` pages (calibrated on a first try)."""
    path = folder / f"long-{pages}.yaml"
    n = pages * 5                                   # about 4.7 seed paragraphs per page
    for _ in range(4):
        path.write_text(long_notice(n), encoding="utf-8")
        _, _, err, _ = run([str(path), "--out", str(folder / "out-cal")], env)
        got = int(re.search(r"共 (\d+) 页", err).group(1))
        if abs(got - pages) <= 1:
            break
        n = max(1, round(n * pages / got))
    return path


def make_rows(count: int, folder: Path) -> Path:
    """`count` rows from data/batch/units.csv, cycled, with distinct names and 份号."""
    import csv
    with open(UNITS, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    path = folder / f"rows-{count}.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        for i in range(count):
            r = dict(rows[i % len(rows)])
            r["单位"] = f"{r['单位']}（第{i // len(rows) + 1}组）" if i >= len(rows) else r["单位"]
            r["份号"] = f"{i + 1:06d}"
            r["文号"] = str(100 + i)
            w.writerow(r)
    return path


# -- report ----------------------------------------------------------------------

def table(results: dict, info: dict, markdown: bool) -> str:
    seed, b, b1 = results["seed"], results["batch"], results["batch1"]
    l50, l100 = results["long50"], results["long100"]
    per_page = (l100["median"] - l50["median"]) / (l100["pages"] - l50["pages"])
    cpu_page = (l100["cpu"] - l50["cpu"]) / (l100["pages"] - l50["pages"])
    fixed = l50["cpu"] - cpu_page * l50["pages"]
    def row(label, r, time_text=None, target=""):
        return (label, time_text or f"{r['median']:.3f} s", f"{r['cpu']:.3f} s", target, r["rss_mb"])

    rows = [
        row("seed notice, cold, " + "+".join(results["seed_formats"]).upper(), seed, target=f"≤ {TARGETS['seed']} s"),
        row(f"100 notices, batch, {results['batch_jobs']} processes", b,
            f"{b['median']:.2f} s = {100 / b['median']:.0f}/s", f"≥ {TARGETS['batch_rate']:.0f}/s"),
        row("100 notices, batch, --jobs 1", b1, f"{b1['median']:.2f} s = {100 / b1['median']:.0f}/s"),
        row(f"{l50['pages']}-page notice, cold", l50),
        row(f"{l100['pages']}-page notice, cold", l100, target=f"≤ {TARGETS['long100']} s"),
        ("  per extra page (from the two above)", f"{per_page * 1000:.1f} ms", f"{cpu_page * 1000:.1f} ms",
         "linear", None),
        row("200 numbered copies, one merged PDF", results["copies_merged"]),
        row("200 numbered copies, separate PDFs", results["copies"],
            f"{results['copies']['median']:.2f} s = {200 / results['copies']['median']:.0f}/s"),
    ]
    if "import_seed" in results:
        rows += [row("import the seed's text (.txt → data file), cold", results["import_seed"],
                     target=f"≤ {TARGETS['import_seed']} s"),
                 row(f"import a {l50['pages']}-page DOCX, cold", results["import_docx50"],
                     target=f"≤ {TARGETS['import_docx50']} s")]
    if "seed_ofd" in results:
        so, base = results["seed_ofd"], results["seed_pair"]
        rows += [
            row("seed notice, cold, PDF+DOCX+OFD", so),
            ("  OFD added (median of each run's excess over the PDF+DOCX run after it)",
             f"{results['ofd_added']['wall'] * 1000:.0f} ms", f"{results['ofd_added']['cpu'] * 1000:.0f} ms",
             f"≤ {TARGETS['ofd_ms']:.0f} ms", None),
            ("  OFD writer alone, in process (CPU)", "", f"{results['ofd_writer_ms']:.0f} ms", "", None),
        ]
    rows += memory_rows(results)
    peak = max(r[4] for r in rows if r[4] is not None)
    if markdown:
        out = ["| scenario (median of cold runs) | wall time | CPU time | target | peak RSS |",
               "|---|---|---|---|---|"]
        out += [f"| {a.replace('|', chr(92) + '|')} | {t} | {c} | {g} | {'' if r is None else f'{r:.0f} MB'} |"
                for a, t, c, g, r in rows]
    else:
        w = max(len(r[0]) for r in rows)
        out = [f"{'scenario (median of cold runs)':<{w}}  {'wall time':>18}  {'CPU time':>9}  {'target':>9}  peak RSS"]
        out += [f"{a:<{w}}  {t:>18}  {c:>9}  {g:>9}  {'' if r is None else f'{r:.0f} MB'}"
                for a, t, c, g, r in rows]
    out.append("")
    out.append(f"peak memory of any process: {peak:.0f} MB (target ≤ {TARGETS['rss']:.0f} MB); "
               f"CPU time of a long notice ≈ {fixed:.2f} s + {cpu_page * 1000:.1f} ms per page")
    out.append(f"machine: {info['nproc']} cores ({info['cpu']}), {info['memory_mb'] // 1024} GB, "
               f"{info['implementation']} {info['python']}, ReportLab {info['reportlab']}, {info['os']}; "
               f"load average before/after: {results['load_before']} / {results['load_after']}")
    if results["seed_formats"] == ["pdf"]:
        out.append("note: no DOCX writer was available; the seed figure is PDF only")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=11, help="runs of the seed (others scale from it; default 11)")
    p.add_argument("--quick", action="store_true", help="fewer runs (5 seed, 2 of the others)")
    p.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    p.add_argument("--json", type=Path, default=None, help="also write the raw figures to this file")
    p.add_argument("--ofd", action="store_true", help="only what OFD adds to the seed (issue 15)")
    p.add_argument("--import-ofd", action="store_true",
                   help="only import (issue 13) and OFD (issue 15), with the seed interleaved as the load's gauge")
    p.add_argument("--memory", action="store_true",
                   help="only the peak-memory cases (issue 18: merged copies up to 100 000, hostile inputs)")
    p.add_argument("--batch-scale", action="store_true",
                   help="only batches of 1 000 and 10 000 rows: rate and peak memory (issue 17 item 6)")
    p.add_argument("--web", action="store_true",
                   help="only the web page's warm preview (bench/web.py: POST /api/render, median and p95; issue 14)")
    args = p.parse_args(argv)
    if args.web:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import web
        return web.main([])
    runs = 5 if args.quick else max(3, args.runs)
    few = 2 if args.quick else max(3, runs // 3)
    env = child_env()
    info = machine()
    results: dict = {"load_before": loadavg(), "machine": info}
    print(f"bench: {info['nproc']} cores, {info['cpu']}, Python {info['python']}; "
          f"load {results['load_before']}", file=sys.stderr)
    if args.memory or args.batch_scale:
        with tempfile.TemporaryDirectory(prefix="gongwen-bench-") as tmp:
            run([str(SEED), "--out", str(Path(tmp) / "seed")], env)          # bytecode, font cache
            (measure_batch_scale if args.batch_scale else measure_memory)(results, Path(tmp), env, args.quick)
        results["load_after"] = loadavg()
        rows = memory_rows(results)
        if args.markdown:
            out = ["| scenario (one cold run each) | wall time | CPU time | target | peak RSS |", "|---|---|---|---|---|"]
            out += [f"| {a.replace('|', chr(92) + '|')} | {t} | {c} | {g} | {r:.0f} MB |" for a, t, c, g, r in rows]
        else:
            w = max(len(r[0]) for r in rows)
            out = [f"{a:<{w}}  {t:>9}  {c:>9}  {g:>9}  {r:.0f} MB" for a, t, c, g, r in rows]
        print("\n".join(out))
        print(f"\nmachine: {info['nproc']} cores ({info['cpu']}), {info['implementation']} {info['python']}; "
              f"load average before/after: {results['load_before']} / {results['load_after']}")
        print(f"command: python bench/run.py {'--batch-scale' if args.batch_scale else '--memory'}"
              f"{' --quick' if args.quick else ''}"
              f"{' --markdown' if args.markdown else ''}")
        if args.json:
            args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        return 0
    if args.import_ofd:
        with tempfile.TemporaryDirectory(prefix="gongwen-bench-") as tmp:
            measure_import_ofd(results, Path(tmp), runs, env)
        results["load_after"] = loadavg()
        print(import_ofd_table(results, info, args.markdown))
        print(f"command: python bench/run.py --import-ofd{' --markdown' if args.markdown else ''}"
              f"{'' if args.runs == 11 else f' --runs {args.runs}'}")
        if args.json:
            args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        return 0
    if args.ofd:
        with tempfile.TemporaryDirectory(prefix="gongwen-bench-") as tmp:
            measure_ofd(results, Path(tmp), runs, env)
        so, base = results["seed_ofd"], results["seed_pair"]
        print(f"seed notice, cold, PDF+DOCX: {base['median']:.3f} s (CPU {base['cpu']:.3f} s); "
              f"PDF+DOCX+OFD: {so['median']:.3f} s (CPU {so['cpu']:.3f} s); OFD added "
              f"{results['ofd_added']['wall'] * 1000:.0f} ms wall, {results['ofd_added']['cpu'] * 1000:.0f} ms CPU "
              f"(median of {runs} interleaved cold runs each); OFD writer alone {results['ofd_writer_ms']:.0f} ms CPU; "
              f"load {results['load_before']} / {loadavg()}")
        return 0
    with tempfile.TemporaryDirectory(prefix="gongwen-bench-") as tmp:
        tmp = Path(tmp)
        seed_out = tmp / "seed"
        run([str(SEED), "--out", str(seed_out)], env)          # bytecode, font cache
        results["seed_formats"] = sorted((p.suffix[1:] for p in seed_out.iterdir()), key=lambda x: x != "pdf")
        results["seed"] = measure("seed", [str(SEED), "--out", str(seed_out)], runs, env)
        rows = make_rows(100, tmp)
        batch_args = ["batch", str(TEMPLATE), str(rows), "--out", str(tmp / "batch"), "--quiet"]
        results["batch_jobs"] = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        results["batch"] = measure("batch100", batch_args, few, env)
        results["batch1"] = measure("batch100-jobs1", batch_args + ["--jobs", "1"], few, env)
        for pages in (50, 100):
            path = make_long(pages, tmp, env)
            results[f"long{pages}"] = measure(f"long{pages}", [str(path), "--out", str(tmp / "long")], few, env)
            if pages == 50:
                docx50 = tmp / "long-50.docx"
                (tmp / "long" / "long-50.docx").replace(docx50)
        results["copies_merged"] = measure(
            "copies-merged", [str(SEED), "--copies", "1-200", "--copies-merged", "--out", str(tmp / "cm")], few, env)
        results["copies"] = measure("copies", [str(SEED), "--copies", "1-200", "--out", str(tmp / "cs")], few, env)
        draft_out = tmp / "imported.yaml"
        run(["import", str(SEED_DRAFT), "-o", str(draft_out), "--force"], env)     # bytecode
        results["import_seed"] = measure("import-seed", ["import", str(SEED_DRAFT), "-o", str(draft_out),
                                                         "--force"], runs, env)
        results["import_docx50"] = measure("import-docx50", ["import", str(docx50), "-o", str(draft_out),
                                                             "--force"], few, env)
        measure_ofd(results, tmp, runs, env)
        measure_memory(results, tmp, env, args.quick)
    results["load_after"] = loadavg()
    print(table(results, info, args.markdown))
    print(f"command: python bench/run.py{' --quick' if args.quick else ''}"
          f"{'' if args.quick or args.runs == 11 else f' --runs {args.runs}'}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
