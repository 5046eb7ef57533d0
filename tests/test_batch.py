"""`generate.py batch` and 逐份编号 (`--copies`), measured on the files a user gets:
each PDF is opened and its first page read back."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pdfplumber
import pytest

from conftest import unspace

from gongwen import spec
from gongwen.batch import RESUME_LOG, parse_copies, safe_stem, unique_stems

from conftest import ROOT, SEED_DATA, run_generate, write_yaml

TEMPLATE = ROOT / "data" / "batch" / "notice-template.yaml"
UNITS = ROOT / "data" / "batch" / "units.csv"

MINI = """\
发文机关标志: 临淄区知识产权联席会议办公室文件
发文字号: 临知联办字〔2023〕{{ 文号 }}号
标题: 关于报送材料的通知
主送机关: "{{ 单位 }}"
正文: |
  请{{ 单位 }}于{{ 日期 }}前报送材料。
  特此通知。
成文日期: "{{ 日期 }}"
印章: true
"""


def page_lines(pdf_path: Path, page: int = 0) -> list[str]:
    with pdfplumber.open(pdf_path) as pdf:
        return unspace(pdf.pages[page].extract_text() or "").splitlines()


def all_pages(pdf_path: Path) -> list[str]:
    with pdfplumber.open(pdf_path) as pdf:
        return [unspace(p.extract_text() or "") for p in pdf.pages]


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def no_leftovers(folder: Path) -> None:
    assert not [p for p in folder.iterdir() if (p.name.startswith(".") and p.name != RESUME_LOG) or p.suffix == ".tmp"]


# -- the example in data/batch ---------------------------------------------------

@pytest.fixture(scope="module")
def example(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch")
    r = run_generate("batch", str(TEMPLATE), str(UNITS), "--name", "单位", "--out", str(out), "--jobs", "2")
    return r, out


def test_example_batch_writes_one_pdf_and_docx_per_row(example):
    r, out = example
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    units = [l.split(",")[0] for l in UNITS.read_text(encoding="utf-8").splitlines()[1:] if l.strip()]
    assert sorted(p.stem for p in out.glob("*.pdf")) == sorted(units)
    assert sorted(p.stem for p in out.glob("*.docx")) == sorted(units)
    no_leftovers(out)
    assert "共 10 行：生成 10 份" in r.stderr


def test_each_row_fills_its_own_values(example):
    _, out = example
    first = page_lines(out / "区发展和改革局.pdf")
    assert first[0] == "000001"                          # 份号, line 1 of the 版头
    assert "临知联办字〔2023〕21号" in first
    assert "区发展和改革局：" in first                   # 主送机关 with its colon
    last = "\n".join(all_pages(out / "区市场监督管理局.pdf"))
    assert "000010" in last and "临知联办字〔2023〕30号" in last
    assert "区市场监督管理局：" in last


def test_empty_cell_keeps_the_templates_default(example):
    _, out = example
    text = "".join("".join(all_pages(out / "区发展和改革局.pdf")).split())
    assert "联系人：吕姿莹" in text                      # cell empty: the template's 变量
    text = "".join("".join(all_pages(out / "区市场监督管理局.pdf")).split())
    assert "联系人：王明" in text                        # cell filled: the row wins


def test_progress_is_reported_on_stderr(example):
    r, _ = example
    assert "已完成 10/10 份" in r.stderr


def test_one_process_and_two_give_the_same_files(example, tmp_path):
    _, out2 = example
    r = run_generate("batch", str(TEMPLATE), str(UNITS), "--name", "单位", "--out", str(tmp_path), "--jobs", "1",
                     "--quiet")
    assert r.returncode == 0, r.stderr
    assert "已完成" not in r.stderr                      # --quiet
    for p in out2.iterdir():
        if p.name == RESUME_LOG:                      # its lines in the order rows finished
            continue
        assert digest(tmp_path / p.name) == digest(p), p.name


# -- bad rows, names, formats ---------------------------------------------------

def test_bad_row_is_reported_with_its_number_and_the_others_are_written(tmp_path):
    tpl = write_yaml(tmp_path, MINI, "tpl.yaml")
    rows = tmp_path / "rows.csv"
    rows.write_text("单位,文号,日期\n区教育局,1,2023-05-04\n区财政局,2,2023-02-30\n区商务局,3,2023-05-06\n",
                    encoding="utf-8")
    out = tmp_path / "out"
    r = run_generate("batch", str(tpl), str(rows), "--out", str(out), "--only", "pdf")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "rows.csv 第 2 行（文件第 3 行）：未生成" in r.stderr
    assert "2023-02-30" in r.stderr and "不存在" in r.stderr       # the reader's own message
    assert "tpl.yaml" in r.stderr                                    # and where the template says it
    assert sorted(p.name for p in out.iterdir() if p.name != RESUME_LOG) == ["tpl-001.pdf", "tpl-003.pdf"]
    assert "区商务局：" in page_lines(out / "tpl-003.pdf")
    assert "2 份" in r.stderr.splitlines()[-1] and "1 行有错误未生成" in r.stderr


def test_names_from_a_column_are_safe_and_unique(tmp_path):
    tpl = write_yaml(tmp_path, MINI, "tpl.yaml")
    rows = tmp_path / "rows.csv"
    rows.write_text("单位,文号,日期\n区/局,1,2023-05-04\n区/局,2,2023-05-05\n,3,2023-05-06\n", encoding="utf-8")
    out = tmp_path / "out"
    r = run_generate("batch", str(tpl), str(rows), "--name", "单位", "--out", str(out), "--only", "pdf")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir() if p.name != RESUME_LOG) == ["tpl-003.pdf", "区_局-2.pdf", "区_局.pdf"]


def test_missing_name_column_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "out"
    r = run_generate("batch", str(TEMPLATE), str(UNITS), "--name", "单位名称", "--out", str(out))
    assert r.returncode == 1
    assert "没有“单位名称”这一列" in r.stderr and "单位、份号、文号、联系人" in r.stderr
    assert "未生成任何文件" in r.stderr
    assert not out.exists()


def test_yaml_rows_and_gbk_csv_are_read(tmp_path):
    tpl = write_yaml(tmp_path, MINI, "tpl.yaml")
    rows = tmp_path / "rows.yaml"
    rows.write_text("- 单位: 区教育局\n  文号: 5\n  日期: 2023-05-04\n", encoding="utf-8")
    gbk = tmp_path / "rows-gbk.csv"
    gbk.write_bytes("单位,文号,日期\r\n区卫生健康局,6,2023-05-04\r\n".encode("gbk"))   # Excel on Chinese Windows
    for src, who in ((rows, "区教育局："), (gbk, "区卫生健康局：")):
        out = tmp_path / src.stem
        r = run_generate("batch", str(tpl), str(src), "--out", str(out), "--only", "pdf")
        assert r.returncode == 0, r.stderr
        assert who in page_lines(out / "tpl-001.pdf")


def test_unused_column_is_a_warning(tmp_path):
    tpl = write_yaml(tmp_path, MINI, "tpl.yaml")
    rows = tmp_path / "rows.csv"
    rows.write_text("单位,文号,日期,备注\n区教育局,1,2023-05-04,无\n", encoding="utf-8")
    r = run_generate("batch", str(tpl), str(rows), "--out", str(tmp_path / "o"), "--only", "pdf")
    assert r.returncode == 0
    assert "这些列在模板里没有用到：备注" in r.stderr


@pytest.mark.parametrize("content, words", [
    ("", "没有任何数据行"),
    ("单位,单位\n甲,乙\n", "出现了两次"),
    ("- 就一行字\n", "不是“列名: 值”的映射"),
])
def test_bad_rows_file_is_a_clear_error(tmp_path, content, words):
    tpl = write_yaml(tmp_path, MINI, "tpl.yaml")
    rows = tmp_path / ("rows.yaml" if content.startswith("-") else "rows.csv")
    rows.write_text(content, encoding="utf-8")
    r = run_generate("batch", str(tpl), str(rows), "--out", str(tmp_path / "o"))
    assert r.returncode == 1
    assert words in r.stderr and str(rows.name) in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "o").exists()


def test_stems():
    assert safe_stem(' a/b\\c:d*e?f"g<h>i|j ') == "a_b_c_d_e_f_g_h_i_j"
    assert safe_stem("CON") == "_CON"
    assert unique_stems(["甲", "甲", "A", "a"]) == ["甲", "甲-2", "A", "a-2"]


# -- 逐份编号 ----------------------------------------------------------------------

def test_parse_copies():
    assert parse_copies("1-3") == [1, 2, 3]
    assert parse_copies("1-3,5，2～4") == [1, 2, 3, 5, 4]
    for bad in ("", "0", "5-1", "a-b", "1-200000"):
        with pytest.raises(ValueError):
            parse_copies(bad)


@pytest.fixture(scope="module")
def single_pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("single")
    r = run_generate(str(SEED_DATA), "--out", str(out))
    assert r.returncode == 0, r.stderr
    return all_pages(out / f"{SEED_DATA.stem}.pdf")


def test_copies_as_separate_pdfs(tmp_path, single_pages):
    r = run_generate(str(SEED_DATA), "--copies", "1-3", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"{SEED_DATA.stem}-份号00000{k}.pdf" for k in (1, 2, 3)]
    for k in (1, 2, 3):
        pages = all_pages(tmp_path / f"{SEED_DATA.stem}-份号00000{k}.pdf")
        assert pages[0].splitlines()[0] == f"00000{k}"
        assert len(pages) == len(single_pages)
        assert pages[1:] == single_pages[1:]              # only the 份号 differs


def test_a_copy_is_the_notice_generated_with_that_number(tmp_path):
    data = tmp_path / "seed-000002.yaml"
    data.write_text('份号: "000002"\n' + SEED_DATA.read_text(encoding="utf-8"), encoding="utf-8")
    assert run_generate(str(data), "--out", str(tmp_path / "one")).returncode == 0
    assert run_generate(str(SEED_DATA), "--copies", "2", "--out", str(tmp_path / "copies")).returncode == 0
    assert digest(tmp_path / "one" / "seed-000002.pdf") == \
        digest(tmp_path / "copies" / f"{SEED_DATA.stem}-份号000002.pdf")


def test_copies_merged_into_one_print_ready_pdf(tmp_path, single_pages):
    r = run_generate(str(SEED_DATA), "--copies", "1-3", "--copies-merged", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    (merged,) = tmp_path.iterdir()
    pages = all_pages(merged)
    n = len(single_pages)
    assert n % 2 == 0 and len(pages) == 3 * n            # every copy starts on a front side
    for k in range(3):
        copy = pages[k * n:(k + 1) * n]
        assert copy[0].splitlines()[0] == f"00000{k + 1}"
        assert copy[0].splitlines()[1:] == single_pages[0].splitlines()   # the seed has no 份号
        assert copy[1:] == single_pages[1:]


def test_copies_range_error_is_in_chinese_and_writes_nothing(tmp_path):
    r = run_generate(str(SEED_DATA), "--copies", "5-1", "--out", str(tmp_path / "o"))
    assert r.returncode == 1
    assert "范围是倒过来的" in r.stderr and "--copies 1-200" in r.stderr
    assert not (tmp_path / "o").exists()


def test_copy_number_runs_match_a_fresh_layout():
    """The merged PDF swaps only the 份号 runs: they must be the ones a full
    layout of that copy would place."""
    import dataclasses

    from gongwen.layout.header import copy_number_runs
    from gongwen.pipeline import build, fontbook
    from gongwen.reader import read
    doc = dataclasses.replace(read(SEED_DATA), copy_number="000137")
    lay = build(doc)
    placed = [i for i in lay.pages[0].items if getattr(i, "element", "") == "份号"]
    assert placed == copy_number_runs("000137", fontbook())
    assert placed[0].xs[0] == pytest.approx(spec.TYPE_LEFT)


def test_merged_copies_of_an_odd_page_count_are_padded_to_even(tmp_path):
    """A one-page 信函 in 3 copies: each copy gets a blank back (no page number),
    so printed duplex every copy starts on a sheet of its own."""
    letter = ROOT / "data" / "letter-2024.yaml"
    single = tmp_path / "single"
    assert run_generate(str(letter), "--out", str(single)).returncode == 0
    alone = all_pages(single / "letter-2024.pdf")
    assert len(alone) == 1
    r = run_generate(str(letter), "--copies", "1-3", "--copies-merged", "--out", str(tmp_path / "m"))
    assert r.returncode == 0, r.stderr
    (merged,) = (tmp_path / "m").iterdir()
    pages = all_pages(merged)
    assert len(pages) == 6
    for k in range(3):
        front, back = pages[2 * k], pages[2 * k + 1]
        number = f"00000{k + 1}"                             # under the letter's mark
        assert number in front.splitlines()
        assert [ln for ln in front.splitlines() if ln != number] == alone[0].splitlines()
        assert back.strip() == ""                            # blank: not even a page number
    assert "共 3 份、6 页" in r.stderr


def test_merged_copies_page_labels_restart_with_each_copy_and_carry_its_number(tmp_path):
    """Each copy's labels are its 份号, a hyphen and the page's own label, whose
    number is the one printed on the page: 000002-1 … 000002-6, not 7 … 12.
    The same data gives the same bytes."""
    from pypdf import PdfReader
    r = run_generate(str(SEED_DATA), "--copies", "1-3", "--copies-merged", "--out", str(tmp_path / "a"))
    assert r.returncode == 0, r.stderr
    assert run_generate(str(SEED_DATA), "--copies", "1-3", "--copies-merged",
                        "--out", str(tmp_path / "b")).returncode == 0
    (merged,) = (tmp_path / "a").iterdir()
    assert digest(merged) == digest(tmp_path / "b" / merged.name)
    labels = PdfReader(merged).page_labels
    pages = all_pages(merged)
    n = len(pages) // 3
    assert len(labels) == len(pages) == 3 * n
    for i, (label, text) in enumerate(zip(labels, pages)):
        copy, _, own = label.partition("-")
        assert copy == f"00000{i // n + 1}"
        printed = re.search(r"—\s*(\d+)\s*—\s*$", text.strip())
        assert own == (printed.group(1) if printed else "版记"), (i, label)
    assert labels[n:2 * n] == [f"000002-{k}" for k in range(1, n + 1)]


def test_merged_copies_label_a_padding_page_as_blank(tmp_path):
    from pypdf import PdfReader
    letter = ROOT / "data" / "letter-2024.yaml"
    r = run_generate(str(letter), "--copies", "7-8", "--copies-merged", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    (merged,) = tmp_path.iterdir()
    # a 信函's first page prints no number but is page 1 (pdfa.label_ranges)
    assert PdfReader(merged).page_labels == ["000007-1", "000007-空白页", "000008-1", "000008-空白页"]


def test_example_template_title_follows_the_year_column(tmp_path):
    """The example's 标题 uses {{ 年度 }} as its body does: a table giving
    年度 2024 gets 2024 in the title too, never a hard-coded 2023."""
    rows = tmp_path / "rows.csv"
    rows.write_text("单位,份号,文号,年度\n区教育局,000001,31,2024\n", encoding="utf-8")
    out = tmp_path / "out"
    r = run_generate("batch", str(ROOT / "data" / "batch" / "notice-template.yaml"), str(rows), "--out", str(out),
                     "--quiet", "--only", "pdf")
    assert r.returncode == 0, r.stderr
    with pdfplumber.open(next(out.glob("*.pdf"))) as pdf:
        text = unspace(pdf.pages[0].extract_text())
    assert "关于报送2024年度知识产权工作总结的通知" in text and "2023年度" not in text, text


def test_a_row_is_the_file_generating_it_alone_gives(tmp_path):
    """Rows share a worker's font book: a rare character of one row (here 𠮷 and 𠀾, only in
    the Noto CJK fallback) must not enter the next row's fallback subset, or a row's PDF
    would differ from the one `generate.py` makes of that row alone."""
    template = write_yaml(tmp_path, MINI, "t.yaml")
    rows = tmp_path / "rows.csv"
    rows.write_text("单位,文号,日期\n𠮷祥村,6,2023-05-04\n𠀾村,7,2023-05-05\n", encoding="utf-8")
    out = tmp_path / "out"
    r = run_generate("batch", str(template), str(rows), "--name", "单位", "--out", str(out), "--jobs", "1")
    assert r.returncode == 0, r.stderr
    alone = tmp_path / "alone"
    alone.mkdir()
    single = alone / "𠀾村.yaml"
    single.write_text(MINI.replace("{{ 单位 }}", "𠀾村").replace("{{ 文号 }}", "7")
                      .replace("{{ 日期 }}", "2023-05-05"), encoding="utf-8")
    r = run_generate(str(single), "--out", str(alone))
    assert r.returncode == 0, r.stderr
    assert digest(out / "𠀾村.pdf") == digest(alone / "𠀾村.pdf")
