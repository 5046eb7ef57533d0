"""--preprinted (套打, for paper with the letterhead already printed) is a file
of its own, NAME-套打.pdf: it never replaces the latest normal copy, and
history shows the option (issue 16 item 2)."""
from __future__ import annotations

import shutil

import pdfplumber

from conftest import ROOT, run_generate

SEED = ROOT / "data" / "linzi-ip-week-2023.yaml"


def _has_red_mark(pdf_path) -> bool:
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[0]
        reds = [c for c in page.chars if len(c.get("non_stroking_color") or ()) == 3
                and c["non_stroking_color"][0] > 0.9 and c["non_stroking_color"][1] < 0.5]
        return bool(reds) and "文件" in "".join(c["text"] for c in reds)


def test_preprinted_copy_is_its_own_file_and_history_shows_it(tmp_path):
    src = tmp_path / "notice.yaml"
    shutil.copy(SEED, src)
    build = tmp_path / "build"
    assert run_generate(str(src), "--archive", str(build)).returncode == 0
    normal = (build / "notice.pdf").read_bytes()
    r = run_generate(str(src), "--archive", str(build), "--preprinted")
    assert r.returncode == 0, r.stderr
    assert str(build / "notice-套打.pdf") in r.stdout and str(build / "notice.pdf") not in r.stdout
    assert (build / "notice.pdf").read_bytes() == normal            # the normal latest copy is untouched
    assert _has_red_mark(build / "notice.pdf") and not _has_red_mark(build / "notice-套打.pdf")
    version = next(build.glob("*/v2"))
    assert sorted(p.name for p in version.glob("*.pdf")) == ["notice-套打.pdf"]
    h = run_generate("history", str(src), "--archive", str(build))
    lines = {l.split()[0]: l for l in h.stdout.splitlines() if l.startswith("  v")}
    assert "套打" in lines["v2"] and "套打" not in lines["v1"], h.stdout
    # the normal copy again: the same data and options as v1, so no new version
    again = run_generate(str(src), "--archive", str(build))
    assert again.returncode == 0 and "仍是 v1" in again.stderr, again.stderr
    again = run_generate(str(src), "--archive", str(build), "--preprinted")
    assert "仍是 v2" in again.stderr, again.stderr


def test_preprinted_export_is_named_too(tmp_path):
    out = tmp_path / "out"
    assert run_generate(str(SEED), "--out", str(out)).returncode == 0
    r = run_generate(str(SEED), "--out", str(out), "--preprinted")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["linzi-ip-week-2023.pdf", "linzi-ip-week-2023.docx", "linzi-ip-week-2023-套打.pdf",
         "linzi-ip-week-2023-套打.docx"])
    assert _has_red_mark(out / "linzi-ip-week-2023.pdf")


def test_preprinted_batch_and_copies_are_named_too(tmp_path):
    out = tmp_path / "batch"
    r = run_generate("batch", str(ROOT / "data" / "batch" / "notice-template.yaml"),
                     str(ROOT / "data" / "batch" / "units.csv"), "--name", "单位", "--out", str(out), "--only", "pdf",
                     "--preprinted", "--quiet")
    assert r.returncode == 0, r.stderr
    assert (out / "区发展和改革局-套打.pdf").exists() and not (out / "区发展和改革局.pdf").exists()
    copies = tmp_path / "copies"
    r = run_generate(str(SEED), "--copies", "1-2", "--copies-merged", "--preprinted", "--out", str(copies))
    assert r.returncode == 0, r.stderr
    assert [p.name for p in copies.iterdir()] == ["linzi-ip-week-2023-份号000001-000002-套打.pdf"]
