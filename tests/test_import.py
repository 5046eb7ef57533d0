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


# --- Word and WPS drafts, built as clerks make them ---------------------------------------

def _docx_bytes(d) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _font(run, name="宋体", size=None, bold=None):
    from docx.oxml.ns import qn
    from docx.shared import Pt
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    return run


def _para(d, text, align=None, size=None, bold=None, name="宋体", indent=False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt
    p = d.add_paragraph()
    if align:
        p.alignment = getattr(WD_ALIGN_PARAGRAPH, align)
    if indent:
        p.paragraph_format.first_line_indent = Pt(32)
    _font(p.add_run(text), name, size, bold)
    return p


def _chinese_numbering(d, fmt="chineseCounting", text="%1、") -> int:
    """An automatic numbering list as WPS and Word define it (numbering.xml), returns its numId."""
    from docx.oxml import parse_xml
    numbering = d.part.numbering_part.element
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {ns} w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/><w:suff w:val="nothing"/></w:lvl>'
        f'<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        f'<w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {ns} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return 90


def _numbered(d, text, num_id, level=0, **kw):
    from docx.oxml import parse_xml
    p = _para(d, text, **kw)
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    p._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {ns}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return p


def _page_break(d):
    from docx.enum.text import WD_BREAK
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def clerk_docx() -> bytes:
    """A Word draft as a clerk types it: red mark, centred bold title, 宋体 body
    with typed 一、 and Word's own numbering, right-aligned 署名 and date, the 附件
    after a page break with a table."""
    import docx
    from docx.shared import RGBColor
    d = docx.Document()
    mark = _para(d, "淄博市临淄区市场监督管理局文件", "CENTER", 36, True, "方正小标宋简体")
    mark.runs[0].font.color.rgb = RGBColor(0xFF, 0, 0)
    _para(d, "临市监发[2024]9号", "CENTER", 16, name="仿宋_GB2312")
    _para(d, "")
    _para(d, "关于开展2024年知识产权宣传周活动的通知", "CENTER", 22, True, "方正小标宋简体")
    _para(d, "")
    _para(d, "各镇人民政府、街道办事处，区政府各部门：")
    _para(d, "为深入实施知识产权强区战略，经研究，决定开展2024年知识产权宣传周活动。现将有关事项通知如下：",
          indent=True)
    _para(d, "一、活动时间", bold=True, name="黑体", indent=True)
    _para(d, "2024年4月20日至26日。", indent=True)
    _para(d, "二、活动内容", bold=True, name="黑体", indent=True)
    num = d.styles["List Number"]
    for text in ("举办知识产权宣传进园区活动。", "开展知识产权质押融资政策宣讲。"):
        p = d.add_paragraph(style=num)
        _font(p.add_run(text))
    _para(d, "三、工作要求", bold=True, name="黑体", indent=True)
    _para(d, "请各单位于4月30日前将活动开展情况报区市场监管局，联系人名单见附件。", indent=True)
    _para(d, "")
    _para(d, "附件：宣传周活动联系人名单", indent=True)
    _para(d, "")
    _para(d, "淄博市临淄区市场监督管理局", "RIGHT")
    _para(d, "2024年4月8日", "RIGHT")
    _page_break(d)
    _para(d, "附件", name="黑体")
    _para(d, "宣传周活动联系人名单", "CENTER", 22, True, "方正小标宋简体")
    t = d.add_table(rows=3, cols=3)
    for r, row in enumerate([["序号", "单位", "联系人"], ["1", "区科技局", "王明"], ["2", "区财政局", "李华"]]):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    return _docx_bytes(d)


def _docx_text(raw: bytes) -> str:
    """The draft's text as python-docx gives it, paragraphs and table cells (the account's base)."""
    import docx
    d = docx.Document(io.BytesIO(raw))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        parts += [c.text for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_clerk_word_draft(tmp_path):
    raw = clerk_docx()
    y, rep, data = imported(raw, "宣传周通知.docx")
    assert data["发文机关标志"] == "淄博市临淄区市场监督管理局文件"
    assert data["发文字号"] == "临市监发〔2024〕9号"
    assert "发文字号“临市监发[2024]9号”改为“临市监发〔2024〕9号”" in rep.text and "六角括号" in rep.text
    assert data["标题"] == "关于开展2024年知识产权宣传周活动的通知"
    assert data["主送机关"] == "各镇人民政府、街道办事处，区政府各部门"
    body = data["正文"].splitlines()
    assert body[1:6] == ["一、活动时间", "2024年4月20日至26日。", "二、活动内容",
                         "1.举办知识产权宣传进园区活动。", "2.开展知识产权质押融资政策宣讲。"]
    assert data["发文机关署名"] == "淄博市临淄区市场监督管理局" and data["成文日期"] == "2024年4月8日"
    assert data["附件"] == [{"名称": "宣传周活动联系人名单", "内容": [
        {"表格": {"表头": ["序号", "单位", "联系人"], "行": [["1", "区科技局", "王明"], ["2", "区财政局", "李华"]]}}]}]
    assert "第 " in rep.text and " 段" in rep.text        # paragraph numbers, not lines
    assert account(_docx_text(raw), y, rep) == Counter()
    # Word's numbering labels are not in python-docx's text but are the draft's: they are in the data
    pdf = pdf_lines(pdf_of(y, tmp_path))
    text = unspace("".join(ln for page in pdf for ln in page))
    assert "1.举办知识产权宣传进园区活动。" in text and "序号" in text and "区财政局" in text


def wps_docx() -> bytes:
    """A WPS draft: headings from WPS's 汉字 numbering, a run per few characters,
    the 署名 and the date set with tabs, the date in 汉字, a page header, a
    tracked change and a comment."""
    import docx
    from docx.oxml import parse_xml
    d = docx.Document()
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    d.sections[0].header.paragraphs[0].text = "临淄区科学技术局"
    _para(d, "淄博市临淄区科学技术局", "CENTER", 42, True, "方正小标宋简体")
    _para(d, "临科函〔2024〕5号", "RIGHT")
    title = _para(d, "淄博市临淄区科学技术局", "CENTER", 22, True, "方正小标宋简体")
    title.add_run().add_break()
    _font(title.add_run("关于商请提供专利数据的函"), "方正小标宋简体", 22, True)
    _para(d, "区市场监管局：")
    p = _para(d, "为做好", indent=True)
    for piece in ("2024年度", "科技创新", "统计工作，", "商请贵局提供", "有关专利数据。"):
        _font(p.add_run(piece))
    num = _chinese_numbering(d)
    _numbered(d, "数据范围", num, name="黑体")
    _para(d, "2023年全区企业发明专利授权量。", indent=True)
    _numbered(d, "报送时间", num, name="黑体")
    p = _para(d, "请于5月", indent=True)
    p._p.append(parse_xml(f'<w:ins {ns} w:id="1" w:author="张三" w:date="2024-05-01T00:00:00Z">'
                          f'<w:r><w:t>20日</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f'<w:del {ns} w:id="2" w:author="张三" w:date="2024-05-01T00:00:00Z">'
                          f'<w:r><w:delText>底</w:delText></w:r></w:del>'))
    _font(p.add_run("前函复。"))
    d.add_comment(p.runs[-1], text="日期请再核实", author="李四")
    _para(d, "特此函告。", indent=True)
    _para(d, "\t\t\t\t淄博市临淄区科学技术局")
    _para(d, "\t\t\t\t二〇二四年五月八日")
    _para(d, "（联系人：王明，电话：0533-7215066）", indent=True)
    return _docx_bytes(d)


def test_wps_style_draft_a_letter_with_a_tracked_change_and_a_comment(tmp_path):
    raw = wps_docx()
    y, rep, data = imported(raw, "商请函.docx")
    assert data["版式"] == "信函"
    assert data["发文机关标志"] == "淄博市临淄区科学技术局"
    assert data["标题"] == "淄博市临淄区科学技术局\n关于商请提供专利数据的函\n"
    assert data["正文"].splitlines() == [
        "为做好2024年度科技创新统计工作，商请贵局提供有关专利数据。", "一、数据范围",
        "2023年全区企业发明专利授权量。", "二、报送时间", "请于5月20日前函复。", "特此函告。"]
    assert data["发文机关署名"] == "淄博市临淄区科学技术局"
    assert data["成文日期"] == "2024年5月8日"
    assert "成文日期“二〇二四年五月八日”改为“2024年5月8日”（汉字数字改为阿拉伯数字）" in rep.text
    assert data["附注"] == "联系人：王明，电话：0533-7215066"
    assert "修订" in rep.text and "“底”" in rep.text
    assert "批注" in rep.text and "日期请再核实" in rep.text
    assert "页眉里的文字“临淄区科学技术局”没有导入" in rep.text
    text = _docx_text(raw) + "底日期请再核实"          # the deleted text and the comment are the draft's too
    assert account(text, y, rep) == Counter()
    assert pdf_lines(pdf_of(y, tmp_path))


def joint_docx() -> bytes:
    """A joint notice as a clerk types it in Word: each organ of the mark on a
    line of its own in the mark's large type, 文件 on the next; 附件说明 on two
    lines, two 署名 side by side and one under them, 附件 after page breaks (a
    table, a paragraph), the 版记 with 抄送 on the last page."""
    import docx
    d = docx.Document()
    for organ in ("淄博市临淄区市场监督管理局", "淄博市临淄区科学技术局", "淄博市临淄区财政局", "文件"):
        _para(d, organ, "CENTER", 26, True, "方正小标宋简体")
    _para(d, "临市监发[2024]12号", "CENTER", 16, name="仿宋_GB2312")
    _para(d, "关于开展2024年度知识产权质押融资", "CENTER", 22, True, "方正小标宋简体")
    _para(d, "“入园惠企”活动的通知", "CENTER", 22, True, "方正小标宋简体")
    _para(d, "各镇人民政府、街道办事处，区直各有关部门：")
    _para(d, "为拓宽企业融资渠道，经研究，决定联合开展知识产权质押融资“入园惠企”活动。现将有关事项通知如下：",
          indent=True)
    _para(d, "一、活动时间", name="黑体", indent=True)
    _para(d, "2024年4月至12月。", indent=True)
    _para(d, "二、工作要求", name="黑体", indent=True)
    _para(d, "请于5月10日前将联系人名单报区市场监管局。", indent=True)
    _para(d, "附件：1．活动安排表", indent=True)
    _para(d, "2．企业需求登记表", indent=True)
    _para(d, "淄博市临淄区市场监督管理局　　　淄博市临淄区科学技术局", "RIGHT")
    _para(d, "淄博市临淄区财政局", "RIGHT")
    _para(d, "2024年4月8日", "RIGHT")
    _para(d, "（此件公开发布）", indent=True)
    _page_break(d)
    _para(d, "附件1", name="黑体")
    _para(d, "活动安排表", "CENTER", 22, name="方正小标宋简体")
    t = d.add_table(rows=3, cols=3)
    for r, row in enumerate([["序号", "活动", "时间"], ["1", "政策宣讲", "4月"], ["2", "银企对接", "5月"]]):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    _page_break(d)
    _para(d, "附件2", name="黑体")
    _para(d, "企业需求登记表", "CENTER", 22, name="方正小标宋简体")
    _para(d, "请各企业如实填写融资需求。", indent=True)
    _page_break(d)
    _para(d, "抄送：区委办公室，区人大常委会办公室，区政协办公室。", size=14)
    _para(d, "淄博市临淄区市场监督管理局办公室　　　2024年4月8日印发", size=14)
    return _docx_bytes(d)


def test_joint_notice_typed_in_word_one_organ_a_line(tmp_path):
    raw = joint_docx()
    y, rep, data = imported(raw, "联合通知.docx")
    organs = ["淄博市临淄区市场监督管理局", "淄博市临淄区科学技术局", "淄博市临淄区财政局"]
    assert data["发文机关标志"] == organs, rep.text
    assert "发文机关标志（第 1–4 段）" in rep.text and "（联合行文）" in rep.text
    assert data["发文字号"] == "临市监发〔2024〕12号"
    assert data["标题"] == "关于开展2024年度知识产权质押融资\n“入园惠企”活动的通知\n"
    assert data["主送机关"] == "各镇人民政府、街道办事处，区直各有关部门"
    assert data["发文机关署名"] == organs
    assert [a["名称"] for a in data["附件"]] == ["活动安排表", "企业需求登记表"]
    assert data["附件"][0]["内容"][0]["表格"]["表头"] == ["序号", "活动", "时间"]
    assert data["附件"][1]["内容"] == "请各企业如实填写融资需求。\n"
    assert data["抄送机关"] == ["区委办公室", "区人大常委会办公室", "区政协办公室"]
    assert data["印发机关"] == "淄博市临淄区市场监督管理局办公室" and data["印发日期"] == "2024年4月8日"
    assert data["附注"] == "此件公开发布" and "请核对" not in rep.text
    assert account(_docx_text(raw), y, rep) == Counter()
    pages = pdf_lines(pdf_of(y, tmp_path))
    text = unspace("".join(ln for page in pages for ln in page))
    assert all(o in text for o in organs) and "附件：1．活动安排表" in text and "抄送：区委办公室" in text


# --- round trip: our own DOCX back in ---------------------------------------------------------

ROUND_TRIP = sorted(p.name for p in (ROOT / "data").glob("*.yaml"))     # every kind: 文件, 信函, 纪要, 命令 …


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_our_own_docx_imported_generates_the_same_pdf(name, tmp_path):
    from gongwen.pipeline import render
    from gongwen.reader import read
    blobs, _ = render(read(ROOT / "data" / name))
    y, rep = import_draft(blobs["docx"], name.replace(".yaml", ".docx"))
    assert pdf_lines(pdf_of(y, tmp_path)) == pdf_lines(blobs["pdf"])
    assert len(ROUND_TRIP) >= 7


# --- more text drafts: upward, letter, joint, no 版头 ---------------------------------------

UPWARD = """淄博市临淄区市场监督管理局文件
临市监呈（2024）第8号　　　　　　　签发人：张建国　李四

关于申请设立省级知识产权保护工作站的请示

淄博市临淄区人民政府：
　　为加快知识产权强区建设，现就申请设立省级知识产权保护工作站有关事项请示如下：
　　一、设立的必要性。园区现有规模以上化工企业86家，知识产权纠纷快速处理需求迫切。
　　二、工作基础。园区已建成知识产权服务中心。
　　妥否，请批示。

附件：1．工作站建设方案
　　　2．园区知识产权工作情况

淄博市临淄区市场监督管理局
2024年5月6日
（联系人：王五，联系电话：0533-7777777）
"""

LETTER = """淄博市临淄区市场监督管理局
临市监函〔2024〕21号
关于商请协助开展知识产权执法检查的函
淄博市临淄区公安分局：
为做好2024年知识产权执法保护工作，商请贵局届时派员协助。
请于5月31日前将协助人员名单函告我局。
特此函告。
淄博市临淄区市场监督管理局
2024年5月20日
抄送：淄博市市场监督管理局。
"""

JOINT = """淄博市临淄区市场监督管理局
淄博市临淄区科学技术局
淄博市临淄区财政局
文件
临市监发〔2024〕12号
关于开展2024年度知识产权质押融资
“入园惠企”活动的通知
各镇人民政府、街道办事处，区政府各部门：
为拓宽科技型中小企业融资渠道，经研究，决定开展知识产权质押融资“入园惠企”活动。
特此通知。
淄博市临淄区市场监督管理局　　淄博市临淄区科学技术局
淄博市临淄区财政局
2024年4月8日
（此件公开发布）
抄送：区委办公室，区人大常委会办公室、区政协办公室。
淄博市临淄区市场监督管理局办公室　　2024年4月8日印发
"""

NO_HEADER = """关于做好2024年国庆节放假期间安全工作的通知

各科室：
国庆节将至，请各科室做好节日期间安全检查工作。
特此通知。

临淄区科学技术局办公室
2024年9月25日
"""


def test_upward_request_with_two_signers_in_a_text_draft(tmp_path):
    y, rep, data = imported(UPWARD.encode("utf-8"), "请示.txt")
    assert data["签发人"] == ["张建国", "李四"]
    assert data["发文字号"] == "临市监呈〔2024〕8号"
    assert "序号前不加“第”字" in rep.text
    assert data["标题"] == "关于申请设立省级知识产权保护工作站的请示"
    assert data["正文"].splitlines()[1] == "一、设立的必要性。园区现有规模以上化工企业86家，知识产权纠纷快速处理需求迫切。"
    assert [a["名称"] for a in data["附件"]] == ["工作站建设方案", "园区知识产权工作情况"]
    assert data["附注"] == "联系人：王五，联系电话：0533-7777777"
    assert account(UPWARD, y, rep) == Counter()
    text = unspace("".join(ln for page in pdf_lines(pdf_of(y, tmp_path)) for ln in page))
    assert "签发人：张建国" in text and "李四" in text and "附件：1．工作站建设方案" in text


def test_letter_in_a_text_draft(tmp_path):
    y, rep, data = imported(LETTER.encode("utf-8"), "函.txt")
    assert data["版式"] == "信函" and data["发文机关标志"] == "淄博市临淄区市场监督管理局"
    assert data["抄送机关"] == ["淄博市市场监督管理局"] and data["成文日期"] == "2024年5月20日"
    assert account(LETTER, y, rep) == Counter()
    assert len(pdf_lines(pdf_of(y, tmp_path))) == 1


def test_joint_notice_with_three_signatures(tmp_path):
    y, rep, data = imported(JOINT.encode("utf-8"), "联合通知.txt")
    organs = ["淄博市临淄区市场监督管理局", "淄博市临淄区科学技术局", "淄博市临淄区财政局"]
    assert data["发文机关标志"] == organs and data["发文机关署名"] == organs
    assert data["标题"] == "关于开展2024年度知识产权质押融资\n“入园惠企”活动的通知\n"
    assert data["抄送机关"] == ["区委办公室", "区人大常委会办公室", "区政协办公室"]
    assert data["印发机关"] == "淄博市临淄区市场监督管理局办公室" and data["印发日期"] == "2024年4月8日"
    assert account(JOINT, y, rep) == Counter()
    text = unspace("".join(ln for page in pdf_lines(pdf_of(y, tmp_path)) for ln in page))
    assert all(o in text for o in organs)


def test_draft_without_header_has_no_number_and_still_generates(tmp_path):
    y, rep, data = imported(NO_HEADER.encode("utf-8"), "放假通知.txt")
    assert "发文字号" not in data
    assert data["发文机关标志"] == "临淄区科学技术局办公室文件"
    assert "草稿没有版头" in rep.text
    assert data["主送机关"] == "各科室" and data["正文"].splitlines()[-1] == "特此通知。"
    assert account(NO_HEADER, y, rep) == Counter()
    assert pdf_lines(pdf_of(y, tmp_path))


def test_an_impossible_date_is_named_not_lost():
    raw = NO_HEADER.replace("2024年9月25日", "2024年9月31日")
    y, rep, data = imported(raw.encode("utf-8"), "x.txt")
    assert "成文日期" not in data and data["发文机关署名"] == "临淄区科学技术局办公室"
    assert "日期“2024年9月31日”不存在" in rep.text
    assert account(raw, y, rep) == Counter()


def test_problems_of_a_draft_generated_in_one_step_name_the_draft(tmp_path):
    draft = tmp_path / "通知.txt"
    draft.write_text(SHORT.replace("临市监发〔2024〕7号", "临市监发〔2024〕7号\n签发人：张三"), encoding="utf-8")
    r = run_generate(str(draft), "--out", str(tmp_path / "out"), "--strict")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "通知.txt 第 3 行: 警告【签发人】" in r.stderr and "python generate.py import" in r.stderr
    assert "gongwen-import-" not in r.stderr and ".yaml" not in r.stderr
    assert not (tmp_path / "out").exists()


def test_a_draft_generated_in_one_step_again_another_day_is_the_same_version(tmp_path):
    """The archive compares the data byte for byte: the one-step path's data file
    carries no day of import, so regenerating the same draft tomorrow makes no v2."""
    import datetime as dt
    a, _ = import_draft(SHORT.encode("utf-8"), "通知.txt", today=dt.date(2024, 4, 8), dated=False)
    b, _ = import_draft(SHORT.encode("utf-8"), "通知.txt", today=dt.date(2024, 4, 9), dated=False)
    assert a == b and "2024-04-0" not in a
    kept, _ = import_draft(SHORT.encode("utf-8"), "通知.txt", today=dt.date(2024, 4, 9))
    assert "（2024-04-09）" in kept.splitlines()[0]              # `import` names the day in the file it writes
    draft = tmp_path / "通知.txt"
    draft.write_text(SHORT, encoding="utf-8")
    r = run_generate(str(draft), "--build", str(tmp_path / "build"))
    assert r.returncode == 0 and "新版本 v1" in r.stderr, r.stderr
    archived = next((tmp_path / "build").glob("*/v1/通知.yaml")).read_text(encoding="utf-8")
    assert archived == a


def test_warnings_of_a_draft_generated_in_one_step_name_its_lines(tmp_path):
    """The one-step path prints the check's warnings at the draft's line (text) or
    paragraph (DOCX) — the temporary data file is gone when the clerk reads them."""
    text = SHORT.replace("2024年4月20日至26日。", "2024年4月20日至26日。\n三、活动地点\n区政务服务中心。")
    draft = tmp_path / "通知.txt"
    draft.write_text(text, encoding="utf-8")
    r = run_generate(str(draft), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    line = text.splitlines().index("三、活动地点") + 1
    assert f"通知.txt 第 {line} 行: 警告【正文】序数不连续" in r.stderr, r.stderr
    assert "gongwen-import-" not in r.stderr
    import docx
    d = docx.Document()
    for k, para in enumerate(text.splitlines()):
        d.add_paragraph(para)
    d.add_paragraph("2023年4月8日印发")          # 印发 before 成文
    docx_draft = tmp_path / "通知2.docx"
    d.save(docx_draft)
    r = run_generate(str(docx_draft), "--out", str(tmp_path / "out2"), "--copies", "1-2")
    assert r.returncode == 0, r.stderr
    assert f"通知2.docx 第 {line} 段: 警告【正文】序数不连续" in r.stderr, r.stderr
    assert f"通知2.docx 第 {len(text.splitlines()) + 1} 段: 警告【印发日期】" in r.stderr, r.stderr
    assert "gongwen-import-" not in r.stderr


def test_text_copied_with_its_layout_gives_back_the_data(seed_outputs, tmp_path):
    """pdftotext -layout: indented paragraphs, the 发文字号 and the 署名 set in with spaces."""
    import subprocess
    txt = tmp_path / "layout.txt"
    subprocess.run(["pdftotext", "-layout", str(seed_outputs["pdf"]), str(txt)], check=True)
    raw = txt.read_text(encoding="utf-8")
    y, rep = import_draft(txt)
    assert yaml.safe_load(y) == yaml.safe_load(SEED_DATA.read_text(encoding="utf-8"))
    assert account(raw, y, rep) == Counter()


def test_full_width_digits_and_several_attachments_on_one_line():
    raw = SHORT.replace("临市监发〔2024〕7号", "临市监发〔２０２４〕７号").replace(
        "特此通知。\n", "特此通知。\n\n附件：1．活动方案　2．联系人名单\n\n").replace("2024年4月8日", "２０２４年４月８日")
    y, rep, data = imported(raw.encode("utf-8"), "x.txt")
    assert data["发文字号"] == "临市监发〔2024〕7号" and data["成文日期"] == "2024年4月8日"
    assert data["附件"] == [{"名称": "活动方案"}, {"名称": "联系人名单"}]
    assert "半角阿拉伯数字" in rep.text
    assert account(raw, y, rep) == Counter()


def test_announcement_with_its_number_under_the_title():
    raw = ("淄博市临淄区人民政府\n公　告\n临政告〔2024〕2号\n\n为加强城市管理，现就有关事项公告如下：\n"
           "一、自2024年6月1日起，城区主要道路禁止占道经营。\n本公告自发布之日起施行。\n\n淄博市临淄区人民政府\n2024年5月20日\n")
    y, rep, data = imported(raw.encode("utf-8"), "公告.txt")
    assert data["发文字号"] == "临政告〔2024〕2号"
    assert data["标题"] == "淄博市临淄区人民政府\n公告\n"
    assert data["正文"].splitlines()[0] == "为加强城市管理，现就有关事项公告如下："
    assert account(raw, y, rep) == Counter()


def test_oversized_drafts_are_refused_before_they_are_unpacked(tmp_path):
    import zipfile
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (201 * 2**20))
    assert bomb.stat().st_size < 2**20
    with pytest.raises(GongwenError) as e:
        import_draft(bomb)
    assert "解压后超过" in e.value.problems[0].message
    with pytest.raises(GongwenError) as e:
        import_draft(("关于的通知\n" + "字" * 1_000_001).encode("utf-8"), "long.txt")
    assert "草稿太长" in e.value.problems[0].message


def test_markdown_draft_with_a_table_in_its_attachment(tmp_path):
    raw = SHORT.replace("特此通知。\n", "特此通知。\n\n附件：联系人名单\n") + """
附件

联系人名单

| 序号 | 单位 | 联系人 |
|---|---|---|
| 1 | 区科技局 | 王明 |
| 2 | 区财政局 | 李华 |
"""
    y, rep, data = imported(raw.encode("utf-8"), "通知.md")
    assert data["附件"] == [{"名称": "联系人名单", "内容": [
        {"表格": {"表头": ["序号", "单位", "联系人"], "行": [["1", "区科技局", "王明"], ["2", "区财政局", "李华"]]}}]}]
    assert account(raw, y, rep) == Counter()
    text = unspace("".join(ln for page in pdf_lines(pdf_of(y, tmp_path)) for ln in page))
    assert "区财政局" in text and "李华" in text


def test_drafts_saved_again_by_libreoffice_import_the_same(tmp_path):
    """A DOCX written by another program (LibreOffice rewrites styles, numbering and
    runs its own way) gives the same data as the draft it was saved from."""
    import shutil
    import subprocess
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("未安装 LibreOffice（soffice）")
    drafts = {"clerk": clerk_docx(), "wps": wps_docx()}
    for stem, raw in drafts.items():
        (tmp_path / f"{stem}.docx").write_bytes(raw)
    out = tmp_path / "lo"
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--norestore", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out),
                    *(str(tmp_path / f"{s}.docx") for s in drafts)],
                   env=dict(__import__("os").environ, HOME=str(tmp_path)), capture_output=True, timeout=600)
    for stem, raw in drafts.items():
        again = (out / f"{stem}.docx").read_bytes()
        assert again != raw
        assert yaml.safe_load(import_draft(again, "x.docx")[0]) == yaml.safe_load(import_draft(raw, "x.docx")[0])


def test_a_heading_style_without_a_number_is_named_in_the_report():
    import docx
    d = docx.Document()
    for text in ("淄博市临淄区科学技术局文件", "临科发〔2024〕3号", "关于做好统计工作的通知", "各科室：", "现将有关事项通知如下："):
        d.add_paragraph(text)
    d.add_paragraph("工作要求", style="Heading 1")
    for text in ("请认真做好统计。", "淄博市临淄区科学技术局", "2024年5月8日"):
        d.add_paragraph(text)
    y, rep, data = imported(_docx_bytes(d), "h.docx")
    assert data["正文"].splitlines() == ["现将有关事项通知如下：", "工作要求", "请认真做好统计。"]
    assert any("“工作要求”在草稿里用了标题样式但没有编号" in u for u in rep.unsure)
