"""Every case of the hostile corpus (tests/hostile.py) through the real command line.

Each run is a child process under an address-space cap (resource.setrlimit,
1 GB: an unbounded expansion or a 2 GB seal would fail with MemoryError, not
fill the machine) and a time limit; for each case:

* the exit status expected, no traceback, no 内部错误;
* on error: a Chinese message holding the expected words, naming the field
  (【field】) and the line (FILE:line:), and the output folder exactly as it
  was (nothing written);
* on success: every output valid — the PDF opens in pypdf and pdfplumber with
  every glyph inside the page, the DOCX's every XML part parses and
  python-docx opens it.
"""
from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import peakrss  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MEMORY_CAP = 1024 ** 3
PEAK_MB = 400            # resident set a hostile case may reach (a normal run: about 60 MB)
CASES = hostile.cases()


def run_capped(argv: list[str], cwd: Path, timeout: float = 120) -> tuple[int, str, str, float]:
    """(exit status, stdout, stderr, peak RSS in MB) of `generate.py argv` under the memory cap,
    killed after `timeout` seconds.  The peak is the child's own (tools/peakrss.py: the child's
    ru_maxrss would include the pytest worker's)."""
    import tempfile
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.TemporaryDirectory() as scratch:
        report = str(Path(scratch) / "peak")
        p = subprocess.Popen(peakrss.command(str(ROOT / "generate.py"), argv, report, MEMORY_CAP), cwd=cwd,
                             stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            raise AssertionError(f"generate.py {' '.join(argv)} did not end in {timeout} s") from None
        out.seek(0)
        err.seek(0)
        peak = peakrss.read_report(report)
        return (p.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                peak if peak is not None else float("inf"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def check_pdf(path: Path) -> None:
    import pdfplumber
    from pypdf import PdfReader
    assert len(PdfReader(str(path)).pages) >= 1
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for ch in page.chars:
                assert -0.5 <= ch["x0"] and ch["x1"] <= page.width + 0.5, (path.name, page.page_number, ch["text"])
                assert -0.5 <= ch["top"] and ch["bottom"] <= page.height + 0.5, (path.name, page.page_number, ch["text"])


def check_docx(path: Path) -> None:
    import docx
    from lxml import etree
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(z.read(name))          # raises on a character XML cannot hold
    document = docx.Document(str(path))
    assert document.paragraphs


def check_outputs(files: list[Path]) -> None:
    for f in files:
        if f.suffix == ".pdf":
            check_pdf(f)
        elif f.suffix == ".docx":
            check_docx(f)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_case(case: hostile.Case, tmp_path):
    folder = tmp_path / "in"
    case.build(folder)
    out = tmp_path / "out"
    out.mkdir()
    (out / "earlier.pdf").write_bytes(b"%PDF-1.4 an earlier output that must stay\n")
    before = snapshot(out)
    status, stdout, stderr, peak = run_capped([*case.command(folder), "--out", str(out)], tmp_path)
    assert "Traceback" not in stderr and "内部错误" not in stderr, stderr[-3000:]
    assert status == case.exit, stderr[-3000:]
    assert peak < PEAK_MB, f"peak RSS {peak:.0f} MB"
    for w in case.words:
        assert w in stderr, (w, stderr[-2000:])
    if case.field:
        assert f"【{case.field}】" in stderr, stderr[-2000:]
    if case.line:
        assert re.search(rf":{case.line}(:\d+)?: (错误|警告)", stderr), stderr[-2000:]
    if case.exit != 0:
        assert re.search(r"[\u4e00-\u9fff]", stderr)
        assert snapshot(out) == before, "written on error"
        return
    written = [p for p in out.rglob("*") if p.is_file() and p.name not in ("earlier.pdf", ".gongwen-batch.jsonl")]
    assert len(written) == case.outputs, written
    check_outputs(written)


def test_corpus_covers_every_class():
    names = {c.name.split("-")[0] for c in CASES}
    assert {"ctl", "data", "rows", "template", "seal", "pdf", "jinja", "csv", "good"} <= names
    assert len({c.name for c in CASES}) == len(CASES)
