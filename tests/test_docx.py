"""The DOCX is the same document as the PDF: measured, not assumed.

LibreOffice (headless, with fonts/fonts.conf mapping the official font names to
the Fandol faces the PDF embeds) renders the generated DOCX to PDF once per
module; both PDFs are read back with pdfplumber and compared page by page and
line by line (a printed line = the characters sharing a baseline).  The DOCX
package itself is read with python-docx and zipfile.
"""
from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import MM, ROOT, SEED_DATA, run_generate, write_yaml
from gongwen import spec

FONTS_CONF = ROOT / "fonts" / "fonts.conf"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PAGE_H = 297 * MM
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# A second notice that exercises what the seed does not: 份号/密级/紧急程度, a
# joint mark, 签发人 (upward), a seal image, a wrapped 抄送 and a 版记 that has to
# go alone onto the next (even) page.
SHORT = """\
份号: "000123"
密级: 秘密
保密期限: 1年
紧急程度: 特急
发文机关标志:
  - 临淄区知识产权局
  - 临淄区市场监督管理局
发文字号: 临知发〔2023〕12号
签发人:
  - 张三
  - 李四
标题: 关于进一步加强知识产权质押融资工作的请示
主送机关: 淄博市知识产权局
正文: |
  为贯彻落实上级有关要求，进一步拓宽中小企业融资渠道，现就有关事项请示如下。
  # 基本情况
  全区共办理知识产权质押登记十五笔，融资金额三亿余元，同比增长近五成。
  妥否，请批示。
发文机关署名:
  - 临淄区知识产权局
  - 临淄区市场监督管理局
成文日期: 2023-04-18
印章: seal.png
抄送机关:
  - 区委办公室
  - 区人大常委会办公室
  - 区政府办公室
  - 区政协办公室
  - 区法院
  - 区检察院
  - 各镇人民政府、街道办事处
印发机关: 临淄区知识产权局办公室
印发日期: 2023-04-19
"""


# A table long enough to fill pages (the header repeated on each), and a wide
# one that goes onto landscape pages: a row lost to the table's borders would
# push every later row onto the next page.
TABLE = """\
发文机关标志: 淄博市临淄区市场监督管理局文件
发文字号: 临市监发〔2024〕31号
标题: 关于报送2024年度统计数据的通知
主送机关: 各有关单位
正文: |
  请于12月10日前报送统计表（见附件）。
附件:
  - 名称: 统计表
    内容:
      - 表格:
          表头: [序号, 单位名称, 数量]
          行:
""" + "".join(f"            - [{i}, 第{i}单位, {i * 3}]\n" for i in range(1, 41)) + """\
成文日期: 2024-11-20
印章: true
印发机关: 淄博市临淄区市场监督管理局办公室
"""
WIDE_TABLE = TABLE.replace("          表头: [序号, 单位名称, 数量]", """\
          横向: true
          表头: [序号, 单位名称, 发明专利申请量, 发明专利授权量, 实用新型专利, 外观设计专利, 注册商标, 版权登记, 备注]""")
WIDE_TABLE = WIDE_TABLE.split("          行:\n")[0] + "          行:\n" + "".join(
    f"            - [{i}, 淄博市临淄区第{i}知识产权服务站, 12, 5, 30, 4, 18, 6, 无]\n" for i in range(1, 9)) + \
    "成文日期" + WIDE_TABLE.split("成文日期", 1)[1]
# A landscape table whose last row ends on its page's last line: the 1 pt paragraph
# that ends its section must fit under it (the row gives it room), or LibreOffice
# would start a page for it.
FILLED_TABLE = WIDE_TABLE.split("          行:\n")[0] + "          行:\n" + "".join(
    f"            - [{i}, 第{i}站, 1, 2, 3, 4, 5, 6, 无]\n" for i in range(1, 13)) + \
    "成文日期" + WIDE_TABLE.split("成文日期", 1)[1]
RENDERED = ["seed", "short", "table", "joint", "letter"]   # compared line by line
EXACT = ("seed", "joint", "letter")                     # every line breaks alike (issue 12)

# Two lines of a split paragraph carried over to keep the sealed signature
# company (§7.3.5.4): the DOCX must carry the same lines and keep the seal on
# its 署名 (issue 12 item 3).  Five paragraphs and a long sixth that fills
# page 2 — too full for its lines to close up round the signature
# (spec.SIGNATURE_PAGE_MIN_PITCH): the layout splits the sixth, its last 2
# lines going with the signature to page 3.
_P = "为深入实施知识产权强区战略，进一步提升企业知识产权创造、运用、保护、管理和服务水平，区知识产权局决定在全区范围内组织开展知识产权服务进企业活动"
CARRIED = """发文机关标志: 临淄区知识产权局文件
发文字号: 临知发〔2024〕7号
标题: 关于开展知识产权服务进企业活动的通知
主送机关: 各镇人民政府、街道办事处，区直各部门
正文: |
""" + "".join(f"  {_P}，现将有关事项通知如下。\n" for _ in range(5)) + \
    f"  {_P}。{'各单位要结合实际认真组织，确保活动取得实效' * 8}。\n" + """发文机关署名: 临淄区知识产权局
成文日期: 2024-05-06
印章: seal.png
"""


# --- producing the documents ---------------------------------------------------

def _seal_png(path: Path) -> None:
    from PIL import Image, ImageDraw
    im = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.ellipse((8, 8, 292, 292), outline=(255, 51, 51, 255), width=12)
    im.save(path)


@pytest.fixture(scope="module")
def docs(seed_outputs, tmp_path_factory) -> dict[str, dict[str, Path]]:
    """name → {"pdf", "docx"}: the seed, and the short notice, both from generate.py."""
    d = tmp_path_factory.mktemp("docx-src")
    _seal_png(d / "seal.png")
    src = write_yaml(d, SHORT, "short.yaml")
    r = run_generate(str(src), "--out", str(d / "out"))
    assert r.returncode == 0, r.stderr
    out = {"seed": dict(seed_outputs, yaml=SEED_DATA)}
    out["short"] = {p.suffix[1:]: p for p in (d / "out").iterdir()}
    out["short"]["yaml"] = src
    joint = (ROOT / "data" / "joint-notice-2024.yaml").read_text(encoding="utf-8")   # text carried with a joint seal
    letter = (ROOT / "data" / "letter-2024.yaml").read_text(encoding="utf-8")        # 信函格式: 发文字号 flush right
    for name, text in (("table", TABLE), ("wide", WIDE_TABLE), ("filled", FILLED_TABLE), ("joint", joint),
                       ("carried", CARRIED), ("letter", letter)):
        src = write_yaml(d, text, f"{name}.yaml")
        r = run_generate(str(src), "--out", str(d / name))
        assert r.returncode == 0, r.stderr
        out[name] = {p.suffix[1:]: p for p in (d / name).iterdir()}
        out[name]["yaml"] = src
    for name, files in out.items():
        assert "docx" in files, f"{name}: generate.py wrote no DOCX"
    return out


@pytest.fixture(scope="module")
def rendered(docs, tmp_path_factory) -> dict[str, Path]:
    """name → the PDF LibreOffice makes of our DOCX (one soffice run for all)."""
    if SOFFICE is None:
        pytest.skip("未安装 LibreOffice（soffice），无法检查 DOCX 的排版")
    work = tmp_path_factory.mktemp("lo")
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF), HOME=str(work))
    if shutil.which("fc-cache"):
        # fonts.conf renames FandolSong Bold at scan time; fontconfig keeps that in its cache
        subprocess.run(["fc-cache", "-f", str(FONTS_CONF.parent)], env=env, capture_output=True, timeout=120)
    inputs = []
    for name, files in docs.items():
        p = work / f"{name}.docx"
        shutil.copyfile(files["docx"], p)
        inputs.append(str(p))
    profile = (work / "profile").as_uri()
    r = subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(work / "pdf"), *inputs],
                       env=env, capture_output=True, text=True, timeout=600)
    out = {name: work / "pdf" / f"{name}.pdf" for name in docs}
    missing = [n for n, p in out.items() if not p.exists()]
    assert not missing, f"LibreOffice did not convert {missing}: {r.stdout} {r.stderr}"
    return out


# --- reading PDFs back ------------------------------------------------------------

def _base(c) -> float:
    return (PAGE_H - c["matrix"][5]) / MM


def pages_lines(path: Path) -> list[list[tuple[float, str, list]]]:
    """Each page's printed lines, top to bottom: (baseline mm, text, chars)."""
    import pdfplumber
    out = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            rows: dict[float, list] = defaultdict(list)
            for c in page.chars:
                if not c["text"].strip():
                    continue
                b = _base(c)
                key = next((k for k in rows if abs(k - b) < 0.6), round(b, 2))
                rows[key].append(c)
            lines = []
            for k in sorted(rows):
                cs = sorted(rows[k], key=lambda c: c["x0"])
                lines.append((k, "".join(c["text"] for c in cs), cs))
            out.append(lines)
    return out


def _red(c) -> bool:
    col = c.get("non_stroking_color")
    return bool(col) and len(col) == 3 and col[0] > 0.9 and col[1] < 0.5


def red_lines(path: Path) -> list[tuple[int, float, float, float]]:
    """Red strokes: (page, y mm, x0 mm, x1 mm)."""
    import pdfplumber
    out = []
    with pdfplumber.open(path) as pdf:
        for n, page in enumerate(pdf.pages, 1):
            for ln in page.lines + page.rects:
                col = ln.get("stroking_color") or ln.get("non_stroking_color")
                if col and len(col) == 3 and col[0] > 0.9 and col[1] < 0.4 and ln["bottom"] - ln["top"] < 2 * MM:
                    out.append((n, (ln["top"] + ln["bottom"]) / 2 / MM, ln["x0"] / MM, ln["x1"] / MM))
    return out


def black_rules(path: Path, page_no: int) -> list[tuple[float, float]]:
    """Horizontal black rules on a page: (top mm, bottom mm) of the stroke."""
    import pdfplumber
    out = []
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[page_no - 1]
        for ln in page.lines:
            col = ln.get("stroking_color")
            if col is not None and (col == 0 or col == (0,) or col == (0.0, 0.0, 0.0) or col == [0, 0, 0]) \
                    and abs(ln["top"] - ln["bottom"]) < 0.01 and ln["x1"] - ln["x0"] > 100 * MM:
                w = ln.get("linewidth", 0)
                y = ln["top"] / MM
                out.append((y - w / MM / 2, y + w / MM / 2))
    return sorted(out)


def agreement(ours: Path, theirs: Path) -> tuple[int, int, list[str]]:
    """Lines of our PDF that LibreOffice prints identically (same text, same page)."""
    a, b = pages_lines(ours), pages_lines(theirs)
    same = total = 0
    diffs = []
    for n, (pa, pb) in enumerate(zip(a, b), 1):
        ta, tb = [t for _, t, _ in pa], [t for _, t, _ in pb]
        sm = difflib.SequenceMatcher(a=ta, b=tb, autojunk=False)
        same += sum(m.size for m in sm.get_matching_blocks())
        total += len(ta)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag != "equal":
                diffs.append(f"p{n}: PDF {ta[i1:i2]} / DOCX {tb[j1:j2]}")
    total += sum(len(p) for p in a[len(b):])
    return same, total, diffs


# --- LibreOffice renders the same document -----------------------------------------

@pytest.mark.parametrize("name", RENDERED)
def test_same_page_count(docs, rendered, name):
    assert len(pages_lines(rendered[name])) == len(pages_lines(docs[name]["pdf"]))


@pytest.mark.parametrize("name", RENDERED)
def test_same_text_on_each_page(docs, rendered, name):
    ours, theirs = pages_lines(docs[name]["pdf"]), pages_lines(rendered[name])
    for n, (pa, pb) in enumerate(zip(ours, theirs), 1):
        assert "".join(t for _, t, _ in pa) == "".join(t for _, t, _ in pb), f"page {n} differs"


@pytest.mark.parametrize("name", RENDERED)
def test_lines_break_at_the_same_character(docs, rendered, name):
    same, total, diffs = agreement(docs[name]["pdf"], rendered[name])
    share = same / total
    print(f"{name}: {same}/{total} lines identical ({share:.1%})")
    assert share >= (1.0 if name in EXACT else 0.95), \
        f"{name}: only {same}/{total} lines ({share:.1%}) break alike:\n" + "\n".join(diffs)


@pytest.mark.parametrize("name", RENDERED)
def test_lines_sit_on_the_same_grid_lines(docs, rendered, name):
    """Lines printed alike are on the same grid line: baselines within 1 mm."""
    for n, (pa, pb) in enumerate(zip(pages_lines(docs[name]["pdf"]), pages_lines(rendered[name])), 1):
        theirs = defaultdict(list)            # a text printed twice (a letter's mark and 署名): in order
        for b, t, _ in pb:
            theirs[t].append(b)
        for b, t, _ in pa:
            if theirs[t]:
                b2 = theirs[t].pop(0)
                assert abs(b2 - b) < 1.0, f"page {n}: {t!r} at {b2:.2f} mm, PDF {b:.2f} mm"


@pytest.mark.parametrize("name", RENDERED)
def test_red_mark_and_rule_where_the_pdf_has_them(docs, rendered, name):
    ours, theirs = red_lines(docs[name]["pdf"]), red_lines(rendered[name])
    assert ours and theirs
    (_, y0, a0, b0), (_, y1, a1, b1) = ours[0], theirs[0]
    assert abs(y1 - y0) < 1.0, f"版头 rule at {y1:.2f} mm, PDF {y0:.2f} mm"
    assert abs(a1 - a0) < 0.5 and abs(b1 - b0) < 0.5, "版头 rule must span the 版心"
    mark_pdf = [(b, t) for b, t, cs in pages_lines(docs[name]["pdf"])[0] if _red(cs[0])]
    mark_lo = [(b, t) for b, t, cs in pages_lines(rendered[name])[0] if _red(cs[0])]
    assert mark_pdf
    assert [t for _, t in mark_lo] == [t for _, t in mark_pdf]
    for (bl, _), (bp, _) in zip(mark_lo, mark_pdf):
        assert abs(bl - bp) < 1.0, f"发文机关标志 baseline {bl:.2f} mm, PDF {bp:.2f} mm"
    # and spans the same width (Word's half-point sizes must not make it shorter)
    def extent(path):
        cs = [c for line in pages_lines(path)[0] for c in line[2] if _red(c)]
        return min(c["x0"] for c in cs) / MM, max(c["x1"] for c in cs) / MM
    (a0, a1), (b0, b1) = extent(docs[name]["pdf"]), extent(rendered[name])
    assert abs(a0 - b0) < 0.5 and abs(a1 - b1) < 0.5, f"mark {b0:.2f}–{b1:.2f} mm, PDF {a0:.2f}–{a1:.2f} mm"


@pytest.mark.parametrize("name", RENDERED)
def test_page_numbers(docs, rendered, name):
    """`— N —`, odd pages right and even pages left, on the same pages as the PDF
    (none on a blank or 版记-only page), 7 mm below the 版心."""
    def numbers(path):
        out = {}
        for n, page in enumerate(pages_lines(path), 1):
            for b, t, cs in page:
                if b > spec.TYPE_BOTTOM + 3:
                    out[n] = (t, cs[0]["x0"] / MM, cs[-1]["x1"] / MM, b)
        return out
    ours, theirs = numbers(docs[name]["pdf"]), numbers(rendered[name])
    assert sorted(ours) == sorted(theirs)
    for n, (t, x0, x1, b) in ours.items():
        t2, y0, y1, b2 = theirs[n]
        assert t2 == t == f"—{n}—"
        assert abs(b2 - b) < 0.5
        if n % 2:
            assert abs(y1 - x1) < 0.5, f"page {n}: number ends at {y1:.2f} mm, PDF {x1:.2f} mm"
        else:
            assert abs(y0 - x0) < 0.5, f"page {n}: number starts at {y0:.2f} mm, PDF {x0:.2f} mm"


@pytest.mark.parametrize("name", [n for n in RENDERED if n != "letter"])   # a 信函 has no 版记 rules
def test_imprint_at_the_bottom_of_the_last_page(docs, rendered, name):
    pdf_pages, lo_pages = pages_lines(docs[name]["pdf"]), pages_lines(rendered[name])
    last = len(pdf_pages)
    assert last % 2 == 0
    ours = [(b, t) for b, t, cs in pdf_pages[-1] if abs(cs[0]["size"] - spec.IMPRINT_SIZE) < 0.1]
    theirs = [(b, t) for b, t, cs in lo_pages[-1] if abs(cs[0]["size"] - spec.IMPRINT_SIZE) < 0.1]
    assert [t for _, t in theirs] == [t for _, t in ours]
    for (b1, _), (b0, _) in zip(theirs, ours):
        assert abs(b1 - b0) < 0.5
    # the 版记's rules: those around its lines (a table above may have rules too)
    top = min(b for b, _ in ours) - 12
    rules = [r for r in black_rules(rendered[name], last) if r[0] > top]
    assert len(rules) == len([r for r in black_rules(docs[name]["pdf"], last) if r[0] > top]) >= 2
    assert abs(rules[-1][1] - spec.TYPE_BOTTOM) < 0.3, "the last rule ends on the bottom of the 版心"


@pytest.mark.parametrize("name", ["wide", "filled"])
def test_wide_table_pages_hold_the_same_rows(docs, rendered, name):
    """Landscape pages: LibreOffice turns the page where our PDF turns the text,
    so lines cannot be compared; each page must still hold the same characters."""
    import pdfplumber

    def chars(path):
        with pdfplumber.open(path) as pdf:
            return [sorted(c["text"] for c in p.chars if c["text"].strip()) for p in pdf.pages]
    ours, theirs = chars(docs[name]["pdf"]), chars(rendered[name])
    assert len(theirs) == len(ours)
    for n, (a, b) in enumerate(zip(ours, theirs), 1):
        assert a == b, f"page {n} differs"


def test_seal_image_where_the_pdf_draws_it(docs, rendered):
    import pdfplumber

    def images(path):
        with pdfplumber.open(path) as pdf:
            return [(n, im["x0"] / MM, im["top"] / MM, im["width"] / MM)
                    for n, p in enumerate(pdf.pages, 1) for im in p.images]
    ours, theirs = images(docs["short"]["pdf"]), images(rendered["short"])
    assert len(ours) == len(theirs) == 1
    assert ours[0][0] == theirs[0][0]
    for a, b in zip(ours[0][1:], theirs[0][1:]):
        assert abs(a - b) < 1.0


def test_carried_lines_and_their_seal_stay_with_the_signature(docs, rendered):
    """The layout carries two lines of a split paragraph onto the signature's
    page: LibreOffice prints the same lines on the same pages (the DOCX splits
    that paragraph as the layout did), and the seal, anchored to the 署名's
    paragraph, lands where the PDF draws it."""
    import docx
    import pdfplumber
    from gongwen.layout import layout
    from gongwen.pipeline import fontbook
    from gongwen.reader import read
    lay = layout(read(docs["carried"]["yaml"]), fontbook())
    carried = [ln for ln in lay.lines if ln.carried]
    assert len(carried) == 2 and not carried[0].first, "the notice must split a paragraph for the signature"
    texts = [p.text for p in docx.Document(str(docs["carried"]["docx"])).paragraphs]
    assert "".join(ln.text for ln in carried) in texts            # a paragraph of its own
    same, total, diffs = agreement(docs["carried"]["pdf"], rendered["carried"])
    assert same == total, diffs
    assert len(pages_lines(rendered["carried"])) == len(pages_lines(docs["carried"]["pdf"])) == 3

    def images(path):
        with pdfplumber.open(path) as pdf:
            return [(n, im["x0"] / MM, im["top"] / MM) for n, p in enumerate(pdf.pages, 1) for im in p.images]
    (ours,), (theirs,) = images(docs["carried"]["pdf"]), images(rendered["carried"])
    assert ours[0] == theirs[0] == 3
    assert abs(ours[1] - theirs[1]) < 1.0 and abs(ours[2] - theirs[2]) < 1.0, (ours, theirs)


def test_seal_is_anchored_to_its_issuer_paragraph(docs):
    """Read with lxml: the seal's drawing sits in the 署名 paragraph, placed
    relative to that paragraph (it moves with the signature)."""
    from lxml import etree
    with zipfile.ZipFile(docs["carried"]["docx"]) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    ns = {"w": W_NS[1:-1], "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"}
    (anchor,) = root.iterfind(".//wp:anchor", ns)
    para = next(a for a in anchor.iterancestors() if a.tag == W_NS + "p")
    assert para.find("w:pPr/w:pStyle", ns).get(W_NS + "val") == "GwIssuer"
    assert anchor.find("wp:positionV", ns).get("relativeFrom") == "paragraph"
    assert anchor.get("behindDoc") == "1"


# --- the package ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_docx(docs) -> Path:
    return docs["seed"]["docx"]


def _parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))}


@pytest.mark.parametrize("name", RENDERED)
def test_every_paragraph_has_its_elements_style(docs, name):
    """Every paragraph (text boxes and tables included) has a style, and every
    element the layout printed has paragraphs of its own style."""
    import docx
    from gongwen.pipeline import build
    from gongwen.reader import read
    d = docx.Document(str(docs[name]["docx"]))
    assert d.paragraphs
    names = {s.style_id: s.name for s in d.styles}
    xml = _parts(docs[name]["docx"])["word/document.xml"]
    used = set()
    for m in re.finditer(r"<w:p>", xml):
        style = re.match(r'<w:pPr><w:pStyle w:val="([^"]+)"/>', xml[m.end():m.end() + 200])
        assert style, f"paragraph without a style: {xml[m.end():m.end() + 120]}"
        used.add(names[style.group(1)])
    lay = build(read(docs[name]["yaml"]))
    missing = {ln.element for ln in lay.lines} - used
    # a 版头 line shared with another element's (签发人 beside the 发文字号) is that paragraph's
    shared = {ln.element for ln in lay.lines for o in lay.lines
              if ln.line is None and o.line is None and o is not ln and o.element in used and ln.runs and o.runs
              and abs(ln.runs[0].baseline - o.runs[0].baseline) < 0.01}
    missing -= shared
    assert not missing, f"elements without a paragraph of their style: {missing}"


def test_styles_named_after_elements(seed_docx):
    import docx
    d = docx.Document(str(seed_docx))
    names = {s.name for s in d.styles}
    for element in ("发文机关标志", "发文字号", "签发人", "份号", "密级", "紧急程度", "标题", "主送机关", "正文",
                    "一级标题", "二级标题", "三级标题", "四级标题", "附件说明", "署名", "代章", "成文日期", "附注",
                    "附件标签", "附件标题", "抄送机关", "印发机关", "页码"):
        assert element in names


@pytest.mark.parametrize("name", RENDERED)
def test_no_theme_fonts_and_official_names_everywhere(docs, name):
    parts = _parts(docs[name]["docx"])
    assert not any("theme" in n.lower() for n in parts), "no theme part"
    official = set(spec.OFFICIAL_FONT.values())
    for n, xml in parts.items():
        assert "Theme" not in xml, f"{n} refers to a theme font"
        for rf in re.findall(r"<w:rFonts [^>]*/>", xml):
            attrs = dict(re.findall(r'w:(\w+)="([^"]*)"', rf))
            for key in ("ascii", "hAnsi", "eastAsia"):
                assert attrs.get(key) in official, f"{n}: {rf}"
    styles = parts["word/styles.xml"]
    assert re.search(r"<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts [^>]*w:eastAsia=\"仿宋_GB2312\"", styles)
    normal = re.search(r'<w:style w:type="paragraph" w:default="1" w:styleId="Normal">(.*?)</w:style>', styles).group(1)
    assert 'w:eastAsia="仿宋_GB2312"' in normal and '<w:sz w:val="32"/>' in normal


def test_page_setup_and_settings(seed_docx):
    parts = _parts(seed_docx)
    doc, settings = parts["word/document.xml"], parts["word/settings.xml"]
    sect = re.findall(r"<w:sectPr>.*?</w:sectPr>", doc)[-1]
    size = dict(re.findall(r'w:(\w+)="(\d+)"', re.search(r"<w:pgSz [^>]*/>", sect).group(0)))
    mar = dict(re.findall(r'w:(\w+)="(\d+)"', re.search(r"<w:pgMar [^>]*/>", sect).group(0)))
    tw = 1440 / 25.4
    assert abs(int(size["w"]) / tw - 210) < 0.1 and abs(int(size["h"]) / tw - 297) < 0.1
    assert abs(int(mar["top"]) / tw - 37) < 0.1 and abs(int(mar["left"]) / tw - 28) < 0.1
    assert abs(int(mar["right"]) / tw - 26) < 0.1 and abs(int(mar["bottom"]) / tw - 35) < 1.0
    grid = dict(re.findall(r'w:(\w+)="(\w+)"', re.search(r"<w:docGrid [^>]*/>", sect).group(0)))
    pitch = int(grid["linePitch"])
    height = int(size["h"]) - int(mar["top"]) - int(mar["bottom"])
    assert height // pitch == spec.LINES_PER_PAGE, "exactly 22 grid lines"
    assert abs(pitch / tw - spec.LINE_PITCH) < 0.05
    assert "<w:evenAndOddHeaders/>" in settings
    assert "PAGE" in parts["word/footer1.xml"] and "PAGE" in parts["word/footer2.xml"]
    styles = parts["word/styles.xml"]
    assert "<w:kinsoku/>" in styles and '<w:widowControl w:val="0"/>' in styles
    # what Word is told about spacing between Chinese and Latin follows the layout
    assert ('<w:autoSpaceDE w:val="0"/>' in styles) == (not spec.ASIAN_LATIN_SPACE_EM)


def test_same_bytes_for_the_same_data():
    from gongwen.pipeline import render
    from gongwen.reader import read
    src = ROOT / "data" / "linzi-ip-week-2023.yaml"
    a = render(read(src), formats=("docx",))[0]["docx"]
    b = render(read(src), formats=("docx",))[0]["docx"]
    assert a == b
    import io
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2023-04-18T00:00:00+08:00" in core


def test_docx_and_pdf_are_dated_the_same_instant(seed_outputs):
    """core.xml's created/modified and the PDF's XMP CreateDate name one moment
    (midnight of the 成文日期 in China), not the same clock reading in two zones."""
    import datetime as dt
    import pikepdf
    with zipfile.ZipFile(seed_outputs["docx"]) as z:
        core = z.read("docProps/core.xml").decode()
    stamps = re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]+)<", core)
    with pikepdf.open(seed_outputs["pdf"]) as pdf:
        pdf_when = dt.datetime.fromisoformat(str(pdf.open_metadata()["xmp:CreateDate"]))
    assert len(stamps) == 2
    assert {dt.datetime.fromisoformat(s) for s in stamps} == {pdf_when}
    assert pdf_when == dt.datetime(2023, 4, 18, tzinfo=dt.timezone(dt.timedelta(hours=8)))


# --- fonts/fonts.conf ----------------------------------------------------------------

@pytest.mark.parametrize("family,file", [
    ("方正小标宋简体", "FandolSong-Bold.ttf"), ("仿宋_GB2312", "FandolFang-Regular.ttf"),
    ("黑体", "FandolHei-Regular.ttf"), ("楷体_GB2312", "FandolKai-Regular.ttf"),
    ("宋体", "FandolSong-Regular.ttf"), ("FangSong_GB2312", "FandolFang-Regular.ttf"),
    ("SimHei", "FandolHei-Regular.ttf"), ("KaiTi_GB2312", "FandolKai-Regular.ttf"),
    ("SimSun", "FandolSong-Regular.ttf"),
])
def test_fonts_conf_maps_official_names_to_the_pdf_faces(family, file, tmp_path):
    if shutil.which("fc-match") is None:
        pytest.skip("未安装 fontconfig（fc-match）")
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
    if shutil.which("fc-cache"):
        subprocess.run(["fc-cache", str(FONTS_CONF.parent)], env=env, capture_output=True, timeout=120)
    r = subprocess.run(["fc-match", "-f", "%{file}", family], env=env, capture_output=True, text=True,
                       cwd=tmp_path, timeout=60)
    assert Path(r.stdout).name == file and Path(r.stdout).parent == FONTS_CONF.parent


@pytest.mark.parametrize("name", ["order-2024.yaml", "minutes-2024.yaml", "linzi-ip-week-2023.yaml"])
def test_docx_and_pdf_describe_the_document_alike(name, tmp_path):
    """Title, author and subject in the DOCX core properties are the PDF's (a 命令
    or 纪要 without 标题 is named by its mark and 令号 / 期号 in both)."""
    import pikepdf
    r = run_generate(str(ROOT / "data" / name), "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    stem = name.removesuffix(".yaml")
    core = _parts(tmp_path / f"{stem}.docx")["docProps/core.xml"]
    with pikepdf.open(tmp_path / f"{stem}.pdf") as pdf:
        info = {k: str(v) for k, v in pdf.docinfo.items()}
    assert re.search(r"<dc:title>(.*?)</dc:title>", core).group(1) == info["/Title"] != ""
    assert re.search(r"<dc:creator>(.*?)</dc:creator>", core).group(1) == info["/Author"]
    assert re.search(r"<dc:subject>(.*?)</dc:subject>", core).group(1) == info.get("/Subject", "")
