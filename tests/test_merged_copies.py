"""`--copies … --copies-merged` streams its print file (issue 18 item 4): memory
stays flat whatever the count, and the file is valid however many pages it has.

The large run is a child process under an address-space cap
(resource.setrlimit, 1 GB), so a regression fails instead of filling the
machine; its peak is its own (tools/peakrss.py), compared with the same
notice in 20 copies.  Before the merged file was streamed, 2 000 copies of the
seed peaked at 146 MB and 10 000 at 455 MB (20 copies: 59 MB); streamed, 59 MB
for 20 copies, 2 000 or 20 000.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEED_DATA

sys.path.insert(0, str(ROOT / "tools"))
import peakrss  # noqa: E402

MEMORY_CAP = 1024 ** 3
LARGE = 2_000                # copies of the 6-page seed: 12 000 pages
GROWTH_MB = 8                # what 1 980 more copies may add to the peak (measured: 0.2 MB)


def _merged(count: int, out: Path) -> tuple[Path, float, str]:
    report = out.parent / f"peak-{count}"
    r = subprocess.run(peakrss.command(str(ROOT / "generate.py"),
                                       [str(SEED_DATA), "--copies", f"1-{count}", "--copies-merged", "--out", str(out)],
                                       str(report), MEMORY_CAP),
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    (path,) = out.iterdir()
    peak = peakrss.read_report(str(report))
    assert peak is not None
    return path, peak, r.stderr


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("merged")
    return {count: _merged(count, d / str(count)) for count in (20, LARGE)}


def test_memory_stays_flat_whatever_the_count(runs):
    (_, small, _), (_, large, err) = runs[20], runs[LARGE]
    assert f"共 {LARGE} 份、{LARGE * 6} 页" in err
    assert large < small + GROWTH_MB, (small, large)
    assert large < 150, large                  # README's target for any run


def test_a_large_merged_file_is_valid_with_every_copy_numbered(runs):
    import pdfplumber
    import pikepdf
    from pypdf import PdfReader
    path, _, _ = runs[LARGE]
    n = 6
    with pikepdf.open(path) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert len(pdf.pages) == LARGE * n
        assert str(pdf.Root.Metadata.read_bytes()).count("pdfaid:part") == 2     # the PDF/A-1b packet
        # every copy's first page draws its own 份号 over the page's form, and only that changes
        forms, pages = set(), list(pdf.pages)
        for k in range(LARGE):
            ops = pikepdf.parse_content_stream(pages[k * n])
            shown = [bytes(operands[0]) for operands, op in ops if str(op) == "Tj"]
            assert shown == [f"{k + 1:06d}".encode()], (k, shown)
            forms.add(tuple(str(operands[0]) for operands, op in ops if str(op) == "Do"))
            for i in range(1, n):                                     # the other pages: the same stream each copy
                assert pages[k * n + i].obj.Contents.objgen == pages[i].obj.Contents.objgen
        assert forms == {("/FormXob.gwpage1",)}
    labels = PdfReader(path).page_labels
    assert len(labels) == LARGE * n
    assert labels[:7] == ["000001-1", "000001-2", "000001-3", "000001-4", "000001-5", "000001-6", "000002-1"]
    assert labels[-1] == f"{LARGE:06d}-6"
    assert all(label == f"{i // n + 1:06d}-{i % n + 1}" for i, label in enumerate(labels))
    # what a reader sees, in the 20 copies (pdfminer reads the whole page tree of 12 000 pages: 4 s)
    small, _, _ = runs[20]
    with pdfplumber.open(small) as pdf:
        assert len(pdf.pages) == 20 * n
        for k in range(20):
            first = pdf.pages[k * n].extract_text().splitlines()
            assert first[0] == f"{k + 1:06d}" and "临淄区知识产权联席会议办公室文件" in first[1]
            assert re.search(r"—\s*2\s*—", pdf.pages[k * n + 1].extract_text())


def test_the_same_data_gives_the_same_large_file(runs, tmp_path):
    import hashlib
    path, _, _ = runs[LARGE]
    again, _, _ = _merged(LARGE, tmp_path / "again")
    assert hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(path.read_bytes()).digest()


def test_deep_page_and_label_trees_pass_preflight(tmp_path, monkeypatch):
    """The trees as a count of 100 000 makes them, at a size Preflight checks in
    seconds: three kids a node, two labels a leaf (a padded 信函: two labels a copy)."""
    import dataclasses

    from pypdf import PdfReader

    from gongwen import mergedcopies
    from gongwen.batch import padded
    from gongwen.pipeline import build, fontbook
    from gongwen.reader import read
    from test_pdfa import _have_preflight, preflight
    monkeypatch.setattr(mergedcopies, "FANOUT", 3)
    monkeypatch.setattr(mergedcopies, "LABELS_PER_LEAF", 2)
    numbers = [f"{k:06d}" for k in range(1, 12)]
    doc = dataclasses.replace(read(ROOT / "data" / "letter-2024.yaml"), copy_number=numbers[0])
    lay = padded(build(doc))
    path = tmp_path / "letters.pdf"
    assert mergedcopies.write_merged(path, lay, doc, fontbook(), numbers) == 22
    reader = PdfReader(path)
    assert len(reader.pages) == 22
    assert reader.page_labels == [x for k in numbers for x in (f"{k}-1", f"{k}-空白页")]
    depth, node = 0, reader.trailer["/Root"]["/Pages"]
    while "/Kids" in node and node["/Kids"][0].get_object().get("/Type") == "/Pages":
        depth, node = depth + 1, node["/Kids"][0].get_object()
    assert depth == 2                          # 22 pages → 8 → 3 → the root
    if _have_preflight():
        assert preflight([path], tmp_path) == {"letters.pdf": []}


def test_a_full_disk_is_said_and_leaves_nothing(tmp_path):
    """The print file fills the disk half way: the clerk is told the disk is
    full and that nothing was written, and the folder holds no debris."""
    from test_full_disk import _can_mount, _mount, _umount
    why = _can_mount(tmp_path)
    if why:
        pytest.skip(why)
    mnt = tmp_path / "disk"
    mnt.mkdir()
    _mount(mnt, 600)                          # 500 copies: about 0.8 MB
    try:
        r = subprocess.run([sys.executable, str(ROOT / "generate.py"), str(SEED_DATA), "--copies", "1-500",
                            "--copies-merged", "--out", str(mnt / "out")], capture_output=True, text=True, timeout=120)
        assert r.returncode == 1, r.stderr
        assert "内部错误" not in r.stderr and "Traceback" not in r.stderr, r.stderr
        assert "磁盘已满" in r.stderr and "未生成任何文件" in r.stderr, r.stderr
        assert list((mnt / "out").iterdir()) == []
    finally:
        _umount(mnt)
