"""Draft import (`generate.py import`): text, Markdown, DOCX drafts → data file.

Every draft here is written by the test itself (text, or a DOCX built with
python-docx the way a clerk's Word/WPS draft looks).  Each import is checked
three ways: the parts recognised (the data file read back by our YAML reader),
the character account (every character of the draft is in the data file or
listed as dropped), and generation (the data file makes a real PDF, whose
text is compared where a reference exists).
"""
from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SEED_DATA, SEED_ORIGINAL, SEED_TEXT, run_generate, unspace
from gongwen.draftimport import import_draft
from gongwen.errors import GongwenError


def values(node) -> list[str]:
    if isinstance(node, dict):
        return [s for v in node.values() for s in values(v)]
    if isinstance(node, list):
        return [s for v in node for s in values(v)]
    return [] if isinstance(node, bool) or node is None else [str(node)]


def account(draft_text: str, yaml_text: str, report) -> Counter:
    """Characters of the draft that are neither in the data file's values nor
    listed as dropped: must be empty."""
    data = yaml.safe_load(yaml_text)
    have = Counter("".join(values(data)))
    have.update("".join(d.text for d in report.dropped))
    need = Counter(ch for ch in draft_text if not ch.isspace())
    return need - have


def imported(source, name=None):
    y, rep = import_draft(source, name)
    data = yaml.safe_load(y)
    return y, rep, data


def pdf_of(yaml_text: str, tmp_path: Path, name: str = "doc") -> bytes:
    from gongwen.checks import check_document
    from gongwen.pipeline import render
    from gongwen.reader import read
    p = tmp_path / f"{name}.yaml"
    p.write_text(yaml_text, encoding="utf-8")
    doc = read(p)
    errors = [x for x in check_document(doc) if x.severity == "error"]
    assert not errors, [e.format() for e in errors]
    return render(doc, formats=("pdf",))[0]["pdf"]


def pdf_lines(pdf: bytes) -> list[list[str]]:
    import pdfplumber
    pages = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            pages.append([ln.strip() for ln in (page.extract_text() or "").splitlines() if ln.strip()])
    return pages


# --- the seed ---------------------------------------------------------------------

SEEDS = [SEED_TEXT] + ([SEED_ORIGINAL] if SEED_ORIGINAL.exists() else [])


@pytest.fixture(scope="module")
def seed_reference_lines(tmp_path_factory):
    return pdf_lines(pdf_of(SEED_DATA.read_text(encoding="utf-8"), tmp_path_factory.mktemp("ref"), "ref"))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.parent.name)
def test_seed_imported_as_is_prints_the_same_lines_as_the_hand_made_data(seed, seed_reference_lines, tmp_path):
    y, rep, data = imported(seed)
    got = pdf_lines(pdf_of(y, tmp_path))
    assert len(got) == len(seed_reference_lines)
    for page, (a, b) in enumerate(zip(got, seed_reference_lines), 1):
        assert a == b, f"page {page}"
    text = unspace("\n".join(ln for page in got for ln in page))
    assert "（区市场监管局代章）" in text and "（此件公开发布）" in text and "2022年4月18日印发" in text
    # the two paragraphs the source broke are one each
    assert any("以及事业发展中涌现的先进典型" in p for p in data["正文"].splitlines())
    assert any("“专利+金融”新产品" in p for p in data["正文"].splitlines())
    assert "第 33 与 35 行" in rep.text and "第 77 与 79 行" in rep.text


def test_seed_every_character_is_kept_or_listed(tmp_path):
    raw = SEED_TEXT.read_text(encoding="utf-8")
    y, rep = import_draft(SEED_TEXT)
    assert account(raw, y, rep) == Counter()
    # the dropped ones are the Markdown markers and labels the generator prints itself, by line
    whys = {d.why for d in rep.dropped}
    assert "Markdown 标题标记" in whys and "Markdown 分隔线" in whys and "Markdown 加粗标记" in whys
    assert all(d.src > 0 for d in rep.dropped)


def test_seed_data_file_is_what_a_clerk_types():
    y, rep = import_draft(SEED_TEXT)
    assert y.startswith("# 由草稿“seed-000_9163dc98b3c86c09.txt”导入（")
    assert "\n正文: |\n  在第23个世界知识产权日来临之际" in y
    assert "\n  一、指导思想\n" in y and "**" not in y and "#" not in y.split("\n", 1)[1]
    data = yaml.safe_load(y)
    ref = yaml.safe_load(SEED_DATA.read_text(encoding="utf-8"))
    assert data == ref


# --- text copied out of a PDF -------------------------------------------------------

def test_text_copied_out_of_our_own_pdf_gives_back_the_data(seed_outputs, tmp_path):
    """pdftotext of the seed PDF: every printed line a line (hard-wrapped at 28 字),
    — 2 — between the pages, the 版记 split around the last page number."""
    import subprocess
    txt = tmp_path / "copied.txt"
    subprocess.run(["pdftotext", str(seed_outputs["pdf"]), str(txt)], check=True)
    raw = txt.read_text(encoding="utf-8")
    assert "\f" in raw and "—2—" in raw
    y, rep = import_draft(txt)
    assert yaml.safe_load(y) == yaml.safe_load(SEED_DATA.read_text(encoding="utf-8"))
    assert account(raw, y, rep) == Counter()
    pages = [d for d in rep.dropped if d.why == "页码"]
    assert [d.text for d in pages] == [f"—{n}—" for n in range(1, 7)]
    assert "页码（第 " in rep.text


def _wrap(text: str, n: int = 28) -> list[str]:
    return [text[i:i + n] for i in range(0, len(text), n)]


def _copied_pdf_text(page_numbers: str = "- {} -", header: str | None = None) -> str:
    """A notice as a PDF viewer copies it: every paragraph cut every 28 characters,
    22 lines a page, a page number (and a running header) between the pages."""
    ref = yaml.safe_load(SEED_DATA.read_text(encoding="utf-8"))
    body: list[str] = []
    for p in ref["正文"].splitlines():
        body.extend(_wrap(p))
    lines = ["临淄区知识产权联席会议办公室文件", "临知联办字〔2023〕3号", "",
             "临淄区知识产权联席会议办公室", "关于开展全区知识产权宣传周活动的通知",
             "区知识产权联席会议成员单位，各有关单位："] + body
    paged: list[str] = []
    for k in range(0, len(lines), 22):
        if k:
            paged += ["", page_numbers.format(k // 22), ""]
            if header:
                paged += [header]
        paged += lines[k:k + 22]
    paged += ["", "临淄区知识产权联席会议办公室", "（区市场监管局代章）", "2023年4月18日", "（此件公开发布）", "",
              "临淄区知识产权联席会议办公室    2022年4月18日印发", ""]
    return "\n".join(paged)


@pytest.mark.parametrize("numbers,header", [("- {} -", None), ("第{}页", "临知联办字〔2023〕3号"),
                                            ("— {} —", "关于开展全区知识产权宣传周活动的通知")])
def test_hard_wrapped_text_with_page_numbers_and_running_headers(numbers, header):
    raw = _copied_pdf_text(numbers, header)
    y, rep = import_draft(raw.encode("utf-8"), "copied.txt")
    data = yaml.safe_load(y)
    ref = yaml.safe_load(SEED_DATA.read_text(encoding="utf-8"))
    got, want = data["正文"].splitlines(), ref["正文"].splitlines()
    # A full line ending in 。 may end its paragraph or not: each such case is named in the report.
    ambiguous = [u for u in rep.unsure if "排满且以" in u]
    assert len(want) <= len(got) <= len(want) + len(ambiguous)
    assert "".join(got) == "".join(want)
    for key in ("发文机关标志", "发文字号", "标题", "主送机关", "发文机关署名", "代章", "成文日期", "附注",
                "印发机关", "印发日期"):
        assert data[key] == ref[key], key
    inserted = [ln for ln in raw.splitlines() if ln == numbers.format(ln.strip("-—第页 "))]
    assert len(inserted) >= 3
    assert [d.text for d in rep.dropped if d.why == "页码"] == inserted
    if header:
        assert [d.text for d in rep.dropped if d.why.startswith("页眉")] == [header] * len(inserted)
    assert account(raw, y, rep) == Counter()


# --- encodings ----------------------------------------------------------------------

SHORT = """临淄区市场监督管理局文件
临市监发〔2024〕7号
关于开展2024年知识产权宣传周活动的通知
各镇人民政府、街道办事处：
现将有关事项通知如下：
一、活动时间
2024年4月20日至26日。
特此通知。
临淄区市场监督管理局
2024年4月8日
"""


@pytest.mark.parametrize("encoding,shown", [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8（带 BOM）"),
                                            ("gbk", "GBK/GB18030"), ("gb18030", "GBK/GB18030")])
def test_encodings_are_detected_and_named(encoding, shown):
    raw = SHORT.replace("临淄区", "临淄区𠮷" if encoding == "gb18030" else "临淄区").encode(encoding)
    y, rep = import_draft(raw, "notice.txt")
    data = yaml.safe_load(y)
    assert data["发文字号"] == "临市监发〔2024〕7号" and data["成文日期"] == "2024年4月8日"
    assert f"{shown}编码" in rep.text


def test_undecodable_bytes_are_refused_not_guessed():
    raw = bytes(range(0x80, 0x100)) * 20
    with pytest.raises(GongwenError) as e:
        import_draft(raw, "x.txt")
    assert "编码" in e.value.problems[0].message and "UTF-8" in e.value.problems[0].hint


# --- the command ----------------------------------------------------------------------

def test_import_command_writes_the_data_file_and_never_overwrites(tmp_path):
    out = tmp_path / "seed.yaml"
    r = run_generate("import", str(SEED_TEXT), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(out)
    assert "认出的各部分：" in r.stderr and "代章（第 104 行）：区市场监管局代章" in r.stderr
    first = out.read_bytes()
    out.write_text("# 我改过的\n", encoding="utf-8")
    r = run_generate("import", str(SEED_TEXT), "-o", str(out))
    assert r.returncode == 1 and "已经存在" in r.stderr and "--force" in r.stderr
    assert out.read_text(encoding="utf-8") == "# 我改过的\n"
    r = run_generate("import", str(SEED_TEXT), "-o", str(out), "--force")
    assert r.returncode == 0 and out.read_bytes() == first
    assert list(tmp_path.iterdir()) == [out]            # no temporary file left beside it


def test_import_from_standard_input(tmp_path):
    import subprocess
    import sys
    out = tmp_path / "stdin.yaml"
    r = subprocess.run([sys.executable, str(ROOT / "generate.py"), "import", "-", "-o", str(out)],
                       input=SHORT.encode("gbk"), capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    assert "标准输入" in r.stderr.decode() and "GBK/GB18030" in r.stderr.decode()
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["标题"] == "关于开展2024年知识产权宣传周活动的通知"


def test_draft_straight_to_pdf(tmp_path):
    draft = tmp_path / "宣传周通知.txt"
    draft.write_text(SHORT, encoding="utf-8")
    r = run_generate(str(draft), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["宣传周通知.docx", "宣传周通知.pdf"]
    assert "认出的各部分：" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "宣传周通知.txt"]


# --- bad drafts ---------------------------------------------------------------------------

def _ole(extra: bytes = b"") -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + extra + b"\x00" * 1024


@pytest.mark.parametrize("name,raw,words", [
    ("通知.docx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", ["PDF", ".txt"]),
    ("通知.doc", _ole("WordDocument".encode("utf-16-le")), ["旧版", "另存为", ".docx"]),
    ("通知.docx", _ole("EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le")),
     ["密码"]),
    ("通知.txt", b"", ["空的"]),
    ("通知.txt", b"\xef\xbb\xbf \r\n\r\n", ["空的"]),
    ("通知.docx", b"PK\x03\x04garbage", ["损坏"]),
    ("通知.docx", b"just some text renamed", ["不是 Word 文档"]),
    ("通知.txt", "临淄区市场监督管理局文件\n临市监发〔2024〕7号\n".encode(), ["正文"]),
])
def test_bad_drafts_get_a_chinese_message_and_nothing_is_written(tmp_path, name, raw, words):
    draft = tmp_path / name
    draft.write_bytes(raw)
    with pytest.raises(GongwenError) as e:
        import_draft(draft)
    text = e.value.problems[0].message + e.value.problems[0].hint
    assert all(w in text for w in words), text
    out = tmp_path / "out.yaml"
    r = run_generate("import", str(draft), "-o", str(out))
    assert r.returncode == 1 and "Traceback" not in r.stderr and "未生成任何文件" in r.stderr
    assert not out.exists()
    r = run_generate(str(draft), "--out", str(tmp_path / "pdf"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert not (tmp_path / "pdf").exists()
