"""The standard's rules on notices other than the seed: joint and upward 版头,
long titles, pagination of the signature block and the 版记, attachments,
unsealed signatures, 避头尾, rare characters.

Layout is measured directly (it is the geometry both writers draw); where the
rule is about the printed file, the PDF is generated and read back.
"""
from __future__ import annotations

import pytest

from gongwen import spec
from gongwen.layout.boxes import Rule, TextRun
from gongwen.layout.text import NO_LINE_END, NO_LINE_START, break_title
from gongwen.pipeline import build
from gongwen.reader import read_string

from conftest import run_generate, write_yaml

BASE = """\
发文机关标志: 淄博市临淄区市场监督管理局文件
发文字号: 临市监发〔2024〕7号
标题: 关于做好知识产权工作的通知
主送机关: 各有关单位
"""


def lay(text: str):
    return build(read_string(text))


def runs_of(layout, element):
    return [r for p in layout.pages for r in p.items if isinstance(r, TextRun) and r.element == element]


def page_of(layout, element):
    return next(p.number for p in layout.pages for r in p.items
                if isinstance(r, TextRun) and r.element == element)


def body(n_paragraphs: int, chars: int = 84) -> str:
    """正文 of n paragraphs, each `chars` characters (3 full lines of 28 with the indent)."""
    para = ("知识产权保护是激励创新的基本手段" * 10)[:chars - 1] + "。"
    return "正文: |\n" + "".join(f"  {para}\n" for _ in range(n_paragraphs))


# --- 版头 -------------------------------------------------------------------------

@pytest.mark.parametrize("n", [2, 3, 4, 6])
def test_joint_mark_fits_and_centres_wenjian(n):
    organs = ["淄博市临淄区市场监督管理局", "淄博市临淄区科学技术局", "淄博市临淄区财政局",
              "淄博市临淄区教育和体育局", "淄博市临淄区农业农村局", "淄博市临淄区商务局"][:n]
    text = "发文机关标志:\n" + "".join(f"  - {o}\n" for o in organs) + BASE.split("\n", 1)[1] + body(1)
    L = lay(text)
    mark = runs_of(L, "发文机关标志")
    names = [r for r in mark if r.text != "文件"]
    wenjian = [r for r in mark if r.text == "文件"]
    assert [r.text for r in names] == organs
    assert len(wenjian) == 1
    # host first, stacked top to bottom, left-aligned with each other
    assert [r.baseline for r in names] == sorted(r.baseline for r in names)
    assert len({round(r.xs[0], 3) for r in names}) == 1
    # 文件 to the right of every name, vertically centred on the stack
    assert wenjian[0].xs[0] > max(r.xs[-1] for r in names)
    mid = (names[0].baseline + names[-1].baseline) / 2
    assert wenjian[0].baseline == pytest.approx(mid, abs=0.01)
    # nothing outside the 版心, and page 1 still carries body text
    em = names[0].size * spec.PT
    right = wenjian[0].xs[-1] + em * wenjian[0].hscale
    assert names[0].xs[0] >= spec.TYPE_LEFT - 1e-6 and right <= spec.TYPE_RIGHT + 1e-6
    assert any(l.element == "正文" and l.page == 1 for l in L.lines)


def test_upward_header_signers_and_number():
    """§7.2.6: two names a line, a wrapped one under the first (see also test_signers.py)."""
    text = BASE.replace("发文字号", "签发人:\n  - 张三\n  - 李四五\n  - 王六\n发文字号") + body(1)
    L = lay(text)
    num = runs_of(L, "发文字号")[0]
    signer_runs = runs_of(L, "签发人")
    assert num.xs[0] == pytest.approx(spec.TYPE_LEFT + spec.CHAR_PITCH, abs=1e-6)
    label = next(r for r in signer_runs if r.text == "签发人：")
    names = [r for r in signer_runs if r.text in ("张三", "李四五", "王六")]
    assert label.role == spec.FANGSONG and all(r.role == spec.KAITI for r in names)
    assert [r.text for r in names] == ["张三", "李四五", "王六"]
    assert names[0].baseline == names[1].baseline < names[2].baseline
    assert names[0].xs[0] == pytest.approx(names[2].xs[0])            # aligned under the first name
    assert names[1].xs[0] - (names[0].xs[-1] + spec.CHAR_PITCH) >= spec.CHAR_PITCH - 0.01
    right = names[1].xs[-1] + spec.CHAR_PITCH
    assert right == pytest.approx(spec.TYPE_RIGHT - spec.CHAR_PITCH, abs=0.01)
    # the 发文字号 sits on the last signer's line; the rule 4 mm under it
    assert num.baseline == pytest.approx(names[-1].baseline)
    rule = next(r for r in L.pages[0].items if isinstance(r, Rule) and r.element == "版头分隔线")
    glyph_bottom = num.baseline + (1 - spec.EM_ASCENT) * 16 * spec.PT
    assert rule.y - rule.thickness / 2 - glyph_bottom == pytest.approx(4.0, abs=0.01)


def test_copy_number_secrecy_urgency_stack_from_line_1():
    text = '份号: 12\n密级: 秘密\n保密期限: 1年\n紧急程度: 特急\n' + BASE + body(1)
    L = lay(text)
    rows = [runs_of(L, e)[0] for e in ("份号", "密级", "紧急程度")]
    assert [r.text for r in rows] == ["000012", "秘密★1年", "特急"]
    for k, r in enumerate(rows, start=1):
        assert r.xs[0] == pytest.approx(spec.TYPE_LEFT)
        assert r.baseline == pytest.approx(spec.baseline_in_cell(spec.line_top(k), 16))
    assert rows[1].role == spec.HEITI and rows[2].role == spec.HEITI


# --- 标题 ---------------------------------------------------------------------------

LONG_TITLES = [
    "关于印发《临淄区专利转化运用专项行动实施方案（2024—2025年）》和《临淄区知识产权质押融资风险补偿资金管理办法》的通知",
    "临淄区人民政府关于申请设立省级知识产权保护工作站的请示",
    "国务院办公厅关于印发“十四五”国家知识产权保护和运用规划的通知",
    "淄博市临淄区市场监督管理局关于2023年度全区知识产权工作考核结果的通报",
]


def _title_width(line: str) -> float:
    """A title line's width in 字 (digits and Latin letters half a 字)."""
    return sum(0.5 if ord(ch) < 0x2E80 and ch not in "—…" else 1.0 for ch in line)


@pytest.mark.parametrize("title", LONG_TITLES)
def test_long_titles_break_balanced_and_whole(title):
    lines = break_title(title, 20)
    assert "".join(lines) == title
    assert all(len(l) >= 2 and _title_width(l) <= 20 for l in lines)
    assert max(map(_title_width, lines)) - min(map(_title_width, lines)) <= 9
    for l in lines[1:]:
        assert l[0] not in NO_LINE_START
    for l in lines[:-1]:
        assert l[-1] not in NO_LINE_END
    joined = "|".join(lines)
    for whole in ("2024—2025", "“十四五”", "2023", "知识产权"):
        if whole in title:
            assert whole in joined


# Titles of other organs (a county government, a development zone, a 决定), with
# the words a break must not split: place names the word list does not know,
# 委员会, a number with its unit, set phrases.
OTHER_TITLES = [
    ("沂水县人民政府办公室关于印发沂水县2024—2026年城乡环境卫生综合整治三年行动方案的通知",
     ["沂水县", "2024—2026年"]),
    ("关于同意沂水县高新技术产业开发区管理委员会调整内设机构和人员编制的批复", ["委员会", "沂水县"]),
    ("沂水县人民政府关于表彰2023年度全县经济社会高质量发展综合绩效考核先进单位的决定", ["2023年度"]),
    ("沂水县人民政府关于进一步加强和改进新时代全县中小学校党的建设工作和思想政治工作的实施意见", ["党的建设"]),
    ("中共沂水县委办公室沂水县人民政府办公室关于调整沂水县乡村振兴工作领导小组组成人员的通知",
     ["沂水县人民政府办公室", "乡村振兴"]),
    ("知识产权质押融资“入园惠企”活动联系人名单", ["“入园惠企”"]),
    ("嘉兴市人民政府关于印发嘉兴市2025—2027年数字经济高质量发展三年行动计划的通知", ["2025—2027年"]),
    ("关于加快培育新质生产力推动产教融合高质量发展的实施意见", ["产教融合", "新质生产力"]),
]


def test_title_lines_fit_the_type_area_as_printed():
    """Measured in the title face (digits half a 字, the Chinese–Latin space
    included), no automatically broken line is wider than the 版心 — so none is
    wrapped again into a stray one-character line."""
    L = lay(BASE.replace("标题: 关于做好知识产权工作的通知",
                         "标题: 嘉兴市人民政府关于印发嘉兴市2025—2027年数字经济高质量发展三年行动计划的通知") + body(1))
    assert len(L.title_lines) == len([r for r in runs_of(L, "标题")]) or \
        len({round(r.baseline, 2) for r in runs_of(L, "标题")}) == len(L.title_lines)
    assert all(len(t) > 2 for t in L.title_lines)
    for r in runs_of(L, "标题"):
        assert r.xs[0] >= spec.TYPE_LEFT - 1e-6


@pytest.mark.parametrize("title,whole", OTHER_TITLES + [(t, []) for t in LONG_TITLES])
def test_titles_keep_words_whole_in_a_trapezoid_or_diamond(title, whole):
    lines = break_title(title, 20)
    assert "".join(lines) == title and all(len(ln) >= 2 and _title_width(ln) <= 20 for ln in lines)
    joined = "|".join(lines)
    for w in whole:
        assert w in joined, f"{w} split: {joined}"
    # widths rise, then fall: no line shorter than both its neighbours (half a 字 is "as long")
    n = [_title_width(ln) for ln in lines]
    assert not any(n[i] < n[i - 1] - 0.5 and n[i] < n[i + 1] - 0.5 for i in range(1, len(n) - 1)), joined


def test_title_breaks_after_the_organ_not_after_guanyu():
    lines = break_title("临淄区知识产权联席会议办公室关于开展全区知识产权宣传周活动的通知", 20)
    assert lines == ["临淄区知识产权联席会议办公室", "关于开展全区知识产权宣传周活动的通知"]


def test_title_with_explicit_breaks_is_kept():
    L = lay(BASE.replace("标题: 关于做好知识产权工作的通知", "标题: |\n  关于做好\n  知识产权工作的通知") + body(1))
    assert L.title_lines == ("关于做好", "知识产权工作的通知")
    assert [r.text for r in runs_of(L, "标题")] == ["关于做好", "知识产权工作的通知"]


# --- 正文, 避头尾 -----------------------------------------------------------------

def test_kinsoku_pushes_a_character_down():
    # 27 characters after the two-character indent puts "，" at the start of line 2 unless mended
    para = "一" * 26 + "二，三四五六七八九十。"
    L = lay(BASE + f"正文: |\n  {para}\n")
    lines = [l.text for l in L.lines if l.element == "正文"]
    assert "".join(lines) == para
    assert all(l[0] not in NO_LINE_START for l in lines)
    assert lines[0].endswith("一") and lines[1].startswith("二，")
    first = next(r for r in runs_of(L, "正文") if r.text.startswith("一"))
    # the shortened line is still justified to the right edge of the 版心
    assert first.xs[-1] + spec.CHAR_PITCH == pytest.approx(spec.TYPE_RIGHT, abs=0.01)


@pytest.mark.parametrize("para", [
    "联系人：张三，电话：0539-2251234，邮箱：zrzyj@yishui.gov.cn。",
    "请通过电子邮箱 yishui-dataresource-catalog.submission@yishuidata.gov.cn 报送。",
    "有关政策文件可登录沂水县人民政府网站（http://www.yishui.gov.cn/zwgk/tzgg/202403/t20240301_12345.html）查阅。",
])
def test_addresses_stay_whole_and_break_only_after_slash_or_dot(para):
    """Issue 12 (item 10): an e-mail address or URL breaks only after / or . (an
    e-mail address also after its @), and one that fits on a line only where
    going whole to the next line would have left the line before stretched past
    spec.ADDRESS_MAX_STRETCH_CHARS per gap (see test_body_breaks.py)."""
    import re as _re
    from gongwen.layout.text import break_lines, grid_tracking, line_width, shape
    from gongwen.model import Span
    from gongwen.pipeline import fontbook
    addr = _re.search(r"[A-Za-z0-9@._\-/:]{8,}", para).group()
    for k in range(0, 28, 3):
        text = "测" * k + para.replace(" ", "")
        glyphs = shape([Span(text, spec.FANGSONG)], fontbook(), 16, grid_tracking(16))
        lines = break_lines(glyphs, spec.TYPE_AREA_WIDTH, 2 * spec.CHAR_PITCH)
        assert "".join(ln.text for ln in lines) == text
        start = text.index(addr)
        cut = 0
        for n, ln in enumerate(lines[:-1]):
            begin, cut = cut, cut + len(ln.text)
            if start < cut < start + len(addr):
                assert text[cut - 1] in "/." or text[cut - 1] == "@" and "@" in addr, (k, [ln.text for ln in lines])
                if len(addr) * 0.5 < spec.CHARS_PER_LINE - 2 and begin < start:
                    # pushed whole, the line would have held text[begin:start] only
                    avail = spec.TYPE_AREA_WIDTH - (2 * spec.CHAR_PITCH if n == 0 else 0)
                    gaps = max(1, start - begin - 1)
                    stretch = (avail - line_width(glyphs[begin:start])) / gaps / spec.CHAR_PITCH
                    assert stretch > spec.ADDRESS_MAX_STRETCH_CHARS, (k, [ln.text for ln in lines])


def test_a_number_stays_with_its_hao():
    for k in range(10):
        para = "测" * k + "根据《关于开展活动的通知》（淄知联办字〔2023〕3号）的要求，现通知如下：" * 3
        L = lay(BASE + f"正文: |\n  {para}\n")
        texts = [l.text for l in L.lines if l.element == "正文"]
        assert not any(t.startswith("号") for t in texts), texts


def test_heading_never_last_line_of_a_page():
    # 7 paragraphs of 3 lines fill page 1 up to its last line; a heading there must move on
    for n in range(3, 9):
        text = BASE + body(n) + "  # 工作要求\n  请认真落实。\n"
        L = lay(text)
        h = next(l for l in L.lines if l.element == "一级标题")
        assert h.line != spec.LINES_PER_PAGE, n


# --- signature block and 版记 ---------------------------------------------------

def _ends(L, element):
    return [l for l in L.lines if l.element == element]


@pytest.mark.parametrize("n", range(3, 16))
def test_signature_never_alone_and_imprint_on_even_page(n):
    text = BASE + body(n) + "成文日期: 2024-03-05\n印章: true\n印发机关: 淄博市临淄区市场监督管理局办公室\n印发日期: 2024-03-05\n"
    L = lay(text)
    date = _ends(L, "成文日期")[0]
    assert any(l.page == date.page and l.element == "正文" for l in L.lines), "signature alone on a page"
    assert L.imprint_page is not None and L.imprint_page % 2 == 0
    assert L.imprint_page == len(L.pages)
    for p in L.pages:
        has_text = any(isinstance(i, TextRun) and i.element not in ("页码", "印发机关", "抄送机关") for i in p.items)
        numbered = any(isinstance(i, TextRun) and i.element == "页码" for i in p.items)
        # §7.5: a blank page and the 版记 page behind it carry none; a 版记 page after text does
        behind_blank = p.kind == "imprint" and bool(L.blank_pages)
        assert numbered == (has_text or (p.kind == "imprint" and not behind_blank)), (n, p.number)
    # the 版记's last rule rests on the bottom of the 版心
    last_rule = max((i for i in L.pages[-1].items if isinstance(i, Rule)), key=lambda r: r.y)
    assert last_rule.y + last_rule.thickness / 2 == pytest.approx(spec.TYPE_BOTTOM)


@pytest.mark.parametrize("n", range(2, 14))
@pytest.mark.parametrize("attachments", [0, 2])
def test_signature_page_carries_two_lines_of_text(n, attachments):
    """§7.3.5.4: the seal and date share their page with 正文 — at least two of
    its lines (one where two would leave the page before half empty), not only
    the 附件说明; a heading goes with its text, and a split
    paragraph keeps two lines on either side of the break."""
    text = (BASE + body(n).rstrip("\n") + "\n  # 工作要求\n  请各单位认真落实。\n  特此通知。\n"
            + "成文日期: 2024-03-05\n印章: true\n")
    if attachments:
        text += "附件:\n" + "".join(f"  - 名称: 第{i}号附件名称\n    内容: |\n      内容。\n"
                                   for i in range(1, attachments + 1))
    L = lay(text)
    date = _ends(L, "成文日期")[0]
    text_lines = [ln for ln in L.lines if ln.page == date.page and ln.element in ("正文", "一级标题")]
    # carried: two lines at least — one, a one-line paragraph, where two (with the
    # heading above them) would leave the page before more than half empty; text
    # that ran over by itself stays as it is (flow.CARRY_TEXT_LINES: 特此通知。 alone is 正文 there)
    if any(ln.carried for ln in text_lines) and len(text_lines) < 2:
        before = max(ln.line for ln in L.lines if ln.page == date.page - 1 and ln.line)
        assert spec.LINES_PER_PAGE - before <= spec.MAX_EMPTY_LINES_BEFORE_SIGNATURE, (n, attachments)
    assert text_lines, (n, attachments)
    for page in range(1, date.page + 1):
        on = [ln for ln in L.lines if ln.page == page and ln.line is not None and ln.element != "页码"]
        assert on and not on[-1].element.endswith("级标题"), f"page {page} ends with a heading"
    # no paragraph split with a single line on either side
    flow = [ln for ln in L.lines if ln.line is not None and ln.element == "正文"]
    for a, b in zip(flow, flow[1:]):
        if b.page == a.page + 1 and b.carried and a.text[-1] != "。":
            mine_before = [ln for ln in flow if ln.page == a.page and ln.text in a.text]
            assert len([ln for ln in flow if ln.page == b.page and ln.carried]) >= 2


def test_unsealed_signature_positions():
    text = BASE + body(1) + "发文机关署名: 淄博市临淄区市场监督管理局\n成文日期: 2024-03-05\n"
    L = lay(text)
    name = runs_of(L, "署名")[0]
    date = runs_of(L, "成文日期")[0]
    name_right = name.xs[-1] + spec.CHAR_PITCH
    assert name_right == pytest.approx(spec.TYPE_RIGHT - 2 * spec.CHAR_PITCH, abs=0.01)
    assert date.xs[0] == pytest.approx(name.xs[0] + 2 * spec.CHAR_PITCH, abs=0.01)
    assert date.baseline - name.baseline == pytest.approx(spec.LINE_PITCH)
    body_last = max(l.line for l in L.lines if l.element == "正文")
    assert _ends(L, "署名")[0].line == body_last + 2          # one empty line between


def test_attachments_note_and_pages():
    text = BASE + body(1) + """附件:
  - 名称: 临淄区专利转化运用专项行动实施方案（2024—2025年）和配套的资金管理办法及申报指南
    内容: |
      为深入实施专利转化运用专项行动，制定本方案。
  - 名称: 申报表
    内容: |
      单位名称：
成文日期: 2024-03-05
"""
    L = lay(text)
    note = [l for l in L.lines if l.element == "附件说明"]
    assert note[0].text.startswith("附件：1．临淄区")
    assert note[-1].text == "2．申报表"
    runs = runs_of(L, "附件说明")
    first = next(r for r in runs if r.text.startswith("附件"))
    assert first.xs[0] == pytest.approx(spec.TYPE_LEFT + 2 * spec.CHAR_PITCH, abs=0.01)
    # a wrapped name aligns with the first character of the name
    name_x = first.xs[first.text.index("临淄区")]
    wrapped = [r for r in runs if r is not first and not r.text.startswith("2.")]
    assert wrapped and wrapped[0].xs[0] == pytest.approx(name_x, abs=0.01)
    body_last = max(l.line for l in L.lines if l.element == "正文" and l.page == note[0].page)
    assert note[0].line == body_last + 2
    labels = [l for l in L.lines if l.element == "附件标签"]
    assert [l.text for l in labels] == ["附件1", "附件2"]
    assert all(l.line == 1 for l in labels)
    assert len({l.page for l in labels}) == 2
    titles = [l for l in L.lines if l.element == "附件标题"]
    assert titles[0].line == 3


# --- fonts: rare characters -----------------------------------------------------

def test_rare_character_uses_fallback_or_fails_clearly(tmp_path):
    import os
    noto = os.path.exists("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
    src = write_yaml(tmp_path, BASE + "正文: |\n  联系人：王堃，地址：㵘水路。\n")
    r = run_generate(str(src), "--out", str(tmp_path / "out"))
    if noto:
        assert r.returncode == 0, r.stderr
        import pdfplumber
        with pdfplumber.open(tmp_path / "out" / "doc.pdf") as pdf:
            chars = "".join(c["text"] for c in pdf.pages[0].chars)
        assert "堃" in chars and "㵘" in chars
    else:
        assert r.returncode == 1
        assert "堃" in r.stderr


def test_uncovered_character_is_an_error_naming_it(tmp_path):
    src = write_yaml(tmp_path, BASE + "正文: |\n  第一段。\n  私用区字符\ue000在此。\n")
    out = tmp_path / "out"
    r = run_generate(str(src), "--out", str(out))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "U+E000" in r.stderr
    assert ":7" in r.stderr                       # the line of the character in the file
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("organs", [["区市场监管局", "区科技局"], ["区市场监管局", "区科技局", "区财政局"],
                                    ["淄博市临淄区市场监督管理局", "淄博市临淄区科学技术局"]])
def test_joint_sealed_signatures_seals_in_rows(tmp_path, organs):
    from PIL import Image as PILImage
    seals = []
    for i, _ in enumerate(organs):
        p = tmp_path / f"seal{i}.png"
        PILImage.new("RGB", (200, 200), (255, 51, 51)).save(p)
        seals.append(str(p))
    text = (BASE + body(1) + "发文机关署名:\n" + "".join(f"  - {o}\n" for o in organs)
            + "印章: [" + ", ".join(seals) + "]\n成文日期: 2024-03-05\n")
    src = write_yaml(tmp_path, text)
    from gongwen.reader import read
    from gongwen.layout.boxes import Image
    L = build(read(src))
    images = [i for p in L.pages for i in p.items if isinstance(i, Image)]
    assert [str(i.path) for i in images] == seals                      # one seal per organ, in order
    d = spec.SEAL_DIAMETER
    for a in images:
        assert a.x >= spec.TYPE_LEFT - 1e-6 and a.x + a.width <= spec.TYPE_RIGHT + 1e-6
        for b in images:
            if a is not b:                                               # seals neither cut nor touch
                dist = ((a.x - b.x) ** 2 + (a.y - b.y) ** 2) ** 0.5
                assert dist > d
    names = runs_of(L, "署名")
    text_of_names = "".join(r.text for r in names)
    for o in organs:
        assert o in text_of_names
    date = runs_of(L, "成文日期")[0]
    date_centre = (date.xs[0] + date.xs[-1] + spec.CHAR_PITCH) / 2
    last = images[-1]
    assert last.x + d / 2 == pytest.approx(date_centre, abs=0.01)         # the last seal over the date
    assert last.y < date.baseline < last.y + d
    # names on a row of seals keep two 字 apart and stay inside the 版心
    for r in names:
        assert r.xs[0] >= spec.TYPE_LEFT - 1e-6 and r.xs[-1] + spec.CHAR_PITCH <= spec.TYPE_RIGHT + 1e-6
        gaps = [b - a - spec.CHAR_PITCH for a, b in zip(r.xs, r.xs[1:])]
        assert sum(1 for g in gaps if g > 0.5) == len([o for o in organs if o in r.text]) - 1
        assert all(g < 0.5 or g >= 2 * spec.CHAR_PITCH - 1e-6 for g in gaps)
    # as many seals to a row as fit, at least two (two 13-字 names share one); a row stands level
    rows_of_seals = len({round(i.y, 3) for i in images})
    assert rows_of_seals <= -(-len(organs) // 2)


@pytest.mark.parametrize("organs", [
    ["淄博市临淄区市场监督管理局", "淄博市临淄区科学技术局", "淄博市临淄区财政局"],
    ["区市场监管局", "区科技局", "区财政局", "区教育局", "区卫健局", "区公安局"]])
def test_joint_sealed_block_fits_one_page(organs):
    """A joint sealed 署名 with many or long names is laid in rows of two or
    three seals, so the block (with 附注) stays on one page with text above it."""
    text = (BASE + body(3) + "发文机关署名:\n" + "".join(f"  - {o}\n" for o in organs)
            + "印章: true\n成文日期: 2024-03-05\n附注: 此件公开发布\n")
    L = lay(text)
    sig = [ln for ln in L.lines if ln.element in ("署名", "成文日期", "附注")]
    assert len({ln.page for ln in sig}) == 1
    assert any(ln.element == "正文" and ln.page == sig[0].page for ln in L.lines)


def test_addressees_too_many_for_page_one_go_to_the_imprint():
    """§7.3.2: when the 主送机关 would leave page 1 without 正文, they are printed
    in the 版记 as 主送, above 抄送, with no rule between them."""
    many = "、".join(f"第{i}某某镇人民政府" for i in range(1, 41))
    text = (BASE.replace("主送机关: 各有关单位", f"主送机关: {many}") + body(2)
            + "成文日期: 2024-03-05\n抄送机关: [区委办公室]\n印发机关: 淄博市临淄区市场监督管理局办公室\n"
            + "印发日期: 2024-03-05\n")
    L = lay(text)
    assert not [ln for ln in L.lines if ln.element == "主送机关"]
    assert any(ln.page == 1 and ln.element == "正文" for ln in L.lines)
    moved = [ln for ln in L.lines if ln.element == "版记主送"]
    cc = [ln for ln in L.lines if ln.element == "抄送机关"]
    assert moved[0].text.startswith("主送：第1某某镇") and moved[-1].text.endswith("人民政府。")
    assert moved[0].page == cc[0].page == L.imprint_page and moved[-1].line + 1 == cc[0].line
    page = L.pages[L.imprint_page - 1]
    rules = sorted(i.y for i in page.items if isinstance(i, Rule) and i.element == "版记")
    assert not any(spec.line_top(moved[0].line) + 1 < y < spec.line_top(cc[0].line + 1) - 1 for y in rules)
    # a 主送机关 that leaves room for text stays where it is
    L2 = lay(BASE + body(2))
    assert [ln.text for ln in L2.lines if ln.element == "主送机关"] == ["各有关单位："]


@pytest.mark.parametrize("note,moved", [("此件公开发布", False), ("联系人：王堃，联系电话：0573-82051234，电子邮箱：wk@example.cn", True)])
def test_a_long_note_clears_the_seal(tmp_path, note, moved):
    """附注 goes on the line after the 成文日期 — unless it is long enough to run
    under the seal, which would cover it: then it moves below the seal."""
    from PIL import Image as PILImage

    from gongwen.layout.boxes import Image
    from gongwen.reader import read
    PILImage.new("RGB", (200, 200), (255, 51, 51)).save(tmp_path / "seal.png")
    src = write_yaml(tmp_path, BASE + body(1) + f"成文日期: 2024-03-05\n印章: seal.png\n附注: {note}\n")
    L = build(read(src))
    (seal,) = [i for p in L.pages for i in p.items if isinstance(i, Image)]
    date = _ends(L, "成文日期")[0]
    first = _ends(L, "附注")[0]
    assert (first.line > date.line + 1) == moved
    if moved:
        assert spec.line_top(first.line) >= seal.y + seal.height - 1e-6
