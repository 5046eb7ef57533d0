"""Every example in data/ generates, and the special formats of GB/T 9704 §9
(信函, 命令, 纪要), 联合行文, 上行文, classified notices and tables are where the
standard puts them — measured on the layout and on the PDF itself."""
from __future__ import annotations

from pathlib import Path

import pytest

from gongwen import spec
from gongwen.layout.boxes import Rule, TextRun, VRule
from gongwen.pipeline import build
from gongwen.reader import read

from conftest import ROOT, run_generate

DATA = ROOT / "data"
EXAMPLES = sorted(p for p in DATA.glob("*.yaml"))


def lay(name: str):
    return build(read(DATA / name))


def runs_of(L, element, page=None):
    return [r for p in L.pages if page in (None, p.number) for r in p.items
            if isinstance(r, TextRun) and r.element == element]


def ink_top(run: TextRun, fonts) -> float:
    from gongwen.pipeline import fontbook
    fb = fontbook()
    tops = [fb.face_for(run.role, ch).glyph_bounds(ch) for ch in run.text]
    return run.baseline - max(b[3] for b in tops if b) * run.size * spec.PT


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_generates(path, tmp_path):
    r = run_generate(str(path), "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    import pdfplumber
    with pdfplumber.open(tmp_path / f"{path.stem}.pdf") as pdf:
        assert len(pdf.pages) >= 1
        for page in pdf.pages:
            for c in page.chars:
                assert c["x0"] >= 0 and c["x1"] <= page.width


def test_examples_cover_the_issue():
    names = {p.stem for p in EXAMPLES}
    for needed in ("joint-notice-2024", "upward-request-2024", "letter-2024", "minutes-2024", "order-2024",
                   "classified-urgent-2024"):
        assert needed in names


# --- 信函 ---------------------------------------------------------------------------

def test_letter_format():
    from gongwen.pipeline import fontbook
    L = lay("letter-2024.yaml")
    mark = runs_of(L, "发文机关标志")
    assert ink_top(mark[0], fontbook()) == pytest.approx(spec.LETTER_MARK_TOP, abs=0.01)
    rules = sorted((r for r in L.pages[0].items if isinstance(r, Rule) and r.element == "信函分隔线"),
                   key=lambda r: r.y)
    assert len(rules) == 4
    for r in rules:
        assert r.x1 - r.x0 == pytest.approx(170.0)
        assert (r.x0 + r.x1) / 2 == pytest.approx(spec.PAGE_WIDTH / 2)
        assert r.color == spec.RED_RGB
    top_thick, top_thin, bottom_thin, bottom_thick = rules
    assert top_thick.thickness > top_thin.thickness and bottom_thick.thickness > bottom_thin.thickness
    mark_ink_bottom = max(r.baseline for r in mark) + 0.2 * mark[0].size * spec.PT
    assert top_thick.y - top_thick.thickness / 2 - mark_ink_bottom == pytest.approx(4.0, abs=1.5)
    assert bottom_thick.y + bottom_thick.thickness / 2 == pytest.approx(spec.PAGE_HEIGHT - 20.0)
    num = runs_of(L, "发文字号")[0]
    assert num.xs[-1] + spec.CHAR_PITCH == pytest.approx(spec.TYPE_RIGHT, abs=0.2)     # 顶格 right
    # no page number on page 1; the 版记 has no rules and no 印发 line
    assert not runs_of(L, "页码", page=1)
    assert not runs_of(L, "印发机关")
    assert not [r for r in L.pages[-1].items if isinstance(r, Rule) and r.element == "版记"]


# --- 命令 ---------------------------------------------------------------------------

def test_order_format():
    from gongwen.pipeline import fontbook
    L = lay("order-2024.yaml")
    mark = runs_of(L, "发文机关标志")[0]
    assert mark.text.endswith("令")
    assert ink_top(mark, fontbook()) == pytest.approx(spec.TYPE_TOP + 20.0, abs=0.01)
    number = runs_of(L, "令号")[0]
    assert number.text == "第5号"
    width = number.xs[-1] - number.xs[0] + spec.CHAR_PITCH
    assert number.xs[0] + width / 2 == pytest.approx(spec.TYPE_CENTER_X, abs=0.2)
    assert not [r for r in L.pages[0].items if isinstance(r, Rule) and r.color == spec.RED_RGB]
    sig = runs_of(L, "签名章")[0]
    assert "区长" in sig.text and "张建国" in sig.text
    assert sig.xs[-1] + spec.CHAR_PITCH == pytest.approx(spec.TYPE_RIGHT - 4 * spec.CHAR_PITCH, abs=0.01)
    date = runs_of(L, "成文日期")[0]
    assert date.xs[-1] + spec.CHAR_PITCH == pytest.approx(spec.TYPE_RIGHT - 4 * spec.CHAR_PITCH, abs=0.01)
    assert date.baseline - sig.baseline == pytest.approx(2 * spec.LINE_PITCH)     # one empty line between
    body = [l for l in L.lines if l.element == "正文"]
    sig_line = next(l for l in L.lines if l.element == "签名章")
    assert sig_line.line == body[-1].line + 3                                     # two empty lines


@pytest.mark.parametrize("size", [(200, 200), (600, 200), (150, 300)])
def test_signature_seal_image_placed_by_its_own_size(tmp_path, size):
    """§7.3.5.3: the seal image 右空四字 and the title 左空二字 from it — measured on
    the image as drawn (its proportions kept), not on the box it is fitted to."""
    from PIL import Image as PILImage

    from gongwen.layout.boxes import Image
    PILImage.new("RGB", size, (255, 51, 51)).save(tmp_path / "sig.png")
    text = (ROOT / "data" / "order-2024.yaml").read_text(encoding="utf-8")
    text = text.replace("  姓名: 张建国\n", "  姓名: 张建国\n  图片: sig.png\n")
    assert "图片: sig.png" in text
    (tmp_path / "order.yaml").write_text(text, encoding="utf-8")
    L = build(read(tmp_path / "order.yaml"))
    (im,) = [i for p in L.pages for i in p.items if isinstance(i, Image) and i.element == "签名章"]
    assert im.width / im.height == pytest.approx(size[0] / size[1], rel=1e-3)
    assert im.width <= spec.SIGNATURE_SEAL_BOX[0] + 1e-6 and im.height <= spec.SIGNATURE_SEAL_BOX[1] + 1e-6
    assert im.x + im.width == pytest.approx(spec.TYPE_RIGHT - 4 * spec.CHAR_PITCH, abs=0.01)
    title = runs_of(L, "签名章")[0]
    assert title.text == "区长"
    assert im.x - (title.xs[-1] + spec.CHAR_PITCH) == pytest.approx(2 * spec.CHAR_PITCH, abs=0.01)


# --- 纪要 ---------------------------------------------------------------------------

def test_minutes_format():
    L = lay("minutes-2024.yaml")
    assert runs_of(L, "发文机关标志")[0].text.endswith("纪要")
    attend = [l for l in L.lines if l.element == "出席"]
    assert [l.text.split("：")[0] for l in attend if "：" in l.text][:3] == ["出席", "请假", "列席"]
    labels = [r for r in runs_of(L, "出席") if r.text.endswith("：")]
    assert all(r.role == spec.HEITI for r in labels)
    assert labels[0].xs[0] == pytest.approx(spec.TYPE_LEFT + 2 * spec.CHAR_PITCH)
    body = [l for l in L.lines if l.element == "正文"]
    if body[-1].page == attend[0].page:                      # one empty line below the text
        assert attend[0].line == body[-1].line + 2
    else:                  # an entry that would be broken by the page starts the next (issue 12 item 9)
        assert attend[0].page == body[-1].page + 1 and attend[0].line == 1
    for item in {l.origin.item for l in attend}:
        assert len({l.page for l in attend if l.origin.item == item}) == 1
    assert not runs_of(L, "署名")                                                  # 纪要 carry no seal or 署名


# --- 联合行文 with a table, 上行文, classified ------------------------------------

def test_joint_notice_with_table_attachment():
    L = lay("joint-notice-2024.yaml")
    assert [r.text for r in runs_of(L, "发文机关标志")][-1] == "文件"
    names = "".join(r.text for r in runs_of(L, "署名"))
    assert all(o in names for o in ("淄博市临淄区市场监督管理局", "淄博市临淄区科学技术局", "淄博市临淄区财政局"))
    head = "".join(r.text for r in runs_of(L, "表头"))
    assert all(h in head for h in ("序号", "单位名称", "联系人", "职务", "联系电话"))
    page = next(p for p in L.pages if any(isinstance(i, TextRun) and i.element == "表头" for i in p.items))
    vrules = [i for i in page.items if isinstance(i, VRule)]
    xs = sorted({round(v.x, 3) for v in vrules})
    assert xs[0] == pytest.approx(spec.TYPE_LEFT) and xs[-1] == pytest.approx(spec.TYPE_RIGHT)
    assert len(xs) == 6
    cells = "".join(r.text for r in runs_of(L, "表格"))
    assert "0533-7215055" in cells                                  # phone numbers stay whole in cells
    assert any("副科长" in r.text for r in runs_of(L, "表格"))      # short cells never wrap
    assert any("市场监督管理局" in ln.text for ln in L.lines if ln.element == "表格")   # cells wrap by words
    assert L.imprint_page % 2 == 0
    assert runs_of(L, "抄送机关")


def test_upward_request_two_signers():
    L = lay("upward-request-2024.yaml")
    names = [r for r in runs_of(L, "签发人") if r.role == spec.KAITI]
    assert [r.text for r in names] == ["张建国", "李四"]
    num = runs_of(L, "发文字号")[0]
    assert num.baseline == pytest.approx(names[-1].baseline)


def test_classified_urgent_header():
    L = lay("classified-urgent-2024.yaml")
    texts = [runs_of(L, e)[0].text for e in ("份号", "密级", "紧急程度")]
    assert texts == ["000001", "机密★1年", "特急"]


LANDSCAPE = """\
发文机关标志: 淄博市临淄区市场监督管理局文件
发文字号: 临市监发〔2024〕30号
标题: 关于报送2024年度知识产权统计数据的通知
主送机关: 各有关单位
正文: |
  请于12月10日前报送统计表（见附件）。
附件:
  - 名称: 2024年度知识产权统计表
    内容:
      - 表格:
          横向: true
          表头: [序号, 单位名称, 发明专利申请量, 发明专利授权量, 实用新型专利, 外观设计专利, 注册商标, 版权登记, 备注]
          行:
""" + "".join(f"            - [{i}, 淄博市临淄区第{i}知识产权服务站, 12, 5, 30, 4, 18, 6, 无]\n" for i in range(1, 9)) + """\
成文日期: 2024-11-20
印章: true
印发机关: 淄博市临淄区市场监督管理局办公室
"""


def test_wide_table_on_landscape_pages(tmp_path):
    """§8: the table turned with its head at the left of the sheet (binding edge
    of odd pages, outer edge of even ones), the page number where portrait pages
    have it, the header repeated on every landscape page."""
    import pdfplumber

    from conftest import write_yaml
    src = write_yaml(tmp_path, LANDSCAPE)
    r = run_generate(str(src), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    L = build(read(src))
    turned = [p for p in L.pages if p.rotated_items]
    assert len(turned) >= 2
    for p in turned:
        assert p.kind == "landscape"
        assert not [i for i in p.items if isinstance(i, TextRun) and i.element != "页码"]
        heads = [i for i in p.rotated_items if isinstance(i, TextRun) and i.element == "表头"]
        assert heads, "the header heads every landscape page"
    with pdfplumber.open(tmp_path / "out" / "doc.pdf") as pdf:
        for p in turned:
            page = pdf.pages[p.number - 1]
            chars = [c for c in page.chars if c["text"].strip()]
            body = [c for c in chars if c["top"] / (72 / 25.4) < spec.TYPE_BOTTOM]
            # turned text: every glyph's text matrix is a 90° rotation
            assert all(abs(c["matrix"][0]) < 1e-6 and abs(c["matrix"][1] - 1) < 1e-6 for c in body)
            x0 = min(c["x0"] for c in body) / (72 / 25.4)
            x1 = max(c["x1"] for c in body) / (72 / 25.4)
            y0 = min(c["top"] for c in body) / (72 / 25.4)
            y1 = max(c["bottom"] for c in body) / (72 / 25.4)
            assert spec.TYPE_LEFT - 0.1 <= x0 and x1 <= spec.TYPE_RIGHT + 0.1
            assert spec.TYPE_TOP - 0.1 <= y0 and y1 <= spec.TYPE_BOTTOM + 0.1
            # the header (黑体) lies at the left of the sheet, beside the binding edge of odd pages
            head_x = [c["x0"] for c in body if "Hei" in c["fontname"]]
            assert max(head_x) < min(c["x0"] for c in body if "Fang" in c["fontname"])
            # the page number stays upright, where portrait pages have it
            num = [c for c in chars if c["top"] / (72 / 25.4) > spec.TYPE_BOTTOM + 3]
            assert "".join(c["text"] for c in num) == f"—{p.number}—"
            assert num[0]["matrix"][0] == pytest.approx(1)
