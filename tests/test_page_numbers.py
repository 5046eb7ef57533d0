"""Page numbers (§7.5): where the 一字线's ink lies, and which pages carry one.

"一字线上距版心下边缘7mm" measures the 一字线 itself, so the top of the dashes'
ink must stand 7 mm below the 版心 (269 mm).  Ink is measured, not computed:
the page is rasterised (pypdfium2, 1200 dpi) and the dark pixels under the
number's characters give the dash's stroke — in our PDF and in LibreOffice's
rendering of our DOCX.

A 版记 page carries its number unless a blank page stands before it (§7.5
"公文的版记页前有空白页的，空白页和版记页均不编排页码", see spec.IMPRINT_PAGE_NUMBERED_AFTER_TEXT).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from gongwen import spec
from gongwen.pipeline import build
from gongwen.reader import read_string

from conftest import MM, SEED_DATA, run_generate, write_yaml
from librender import render

DPI = 1200
PX_MM = 25.4 / DPI

NOTICE = """\
发文机关标志: 淄博市临淄区农业农村局文件
发文字号: 临农发〔2024〕15号
标题: 关于做好2024年度高标准农田建设项目验收工作的通知
主送机关: 各镇人民政府、街道办事处，区直有关部门：
正文: |
{body}成文日期: 2024-06-12
印章: true
抄送机关:
{cc}印发机关: 淄博市临淄区农业农村局办公室
印发日期: 2024-06-12
"""
PARA = "各镇街要对照项目初步设计批复内容，逐项核实工程数量和建设质量，建立问题台账，限期整改到位，确保项目建成一个、验收一个、见效一个。"


CC = ["区委办公室", "区人大常委会办公室", "区政府办公室", "区政协办公室", "区纪委监委", "区法院", "区检察院",
      "区发展和改革局", "区教育和体育局", "区科学技术局", "区工业和信息化局", "区公安分局", "区民政局", "区司法局",
      "区财政局", "区人力资源和社会保障局", "区自然资源局", "区住房和城乡建设局", "区交通运输局", "区水利局"]


def notice(n: int, short: int = 0, cc: int = 3) -> str:
    """n three-line paragraphs and `short` one-line ones (the text ends on any line), `cc` 抄送机关."""
    return NOTICE.format(body="".join(f"  {PARA}\n" for _ in range(n)) + "  特此通知。\n" * short,
                         cc="".join(f"  - {c}\n" for c in CC[:cc]))


def _find(pred) -> str:
    """The first notice of n paragraphs whose layout has the case we want — with
    three 抄送机关, or twenty: a 版记 so tall that the signature's page cannot
    hold it even on closer lines (a short one it makes room for, flow._closer_for)."""
    for cc in (3, 20):
        for n in range(1, 40):
            for short in range(3):
                L = build(read_string(notice(n, short, cc)))
                if pred(L):
                    return notice(n, short, cc)
    raise AssertionError("no paragraph count gives this case")


def _imprint_after_text(L) -> bool:
    return L.pages[-1].kind == "imprint" and not L.blank_pages


def _imprint_after_blank(L) -> bool:
    return L.pages[-1].kind == "imprint" and bool(L.blank_pages)


@pytest.fixture(scope="module")
def files(seed_outputs, tmp_path_factory) -> dict[str, dict[str, Path]]:
    d = tmp_path_factory.mktemp("pn")
    out = {"seed": {"pdf": seed_outputs["pdf"], "docx": seed_outputs["docx"]}}
    for name, pred in (("after_text", _imprint_after_text), ("after_blank", _imprint_after_blank)):
        src = write_yaml(d, _find(pred), f"{name}.yaml")
        r = run_generate(str(src), "--out", str(d / name))
        assert r.returncode == 0, r.stderr
        out[name] = {p.suffix[1:]: p for p in (d / name).iterdir()}
    return out


@pytest.fixture(scope="module")
def rendered(files, tmp_path_factory) -> dict[str, Path]:
    paths = []
    for name, f in files.items():
        p = tmp_path_factory.mktemp(f"pn-{name}") / f"{name}.docx"
        p.write_bytes(f["docx"].read_bytes())
        paths.append(p)
    return render(paths, tmp_path_factory.mktemp("pn-lo"))


def number_lines(pdf_path: Path) -> dict[int, tuple[str, list]]:
    """page → (text, chars) of the line below the 版心 (the page number)."""
    import pdfplumber
    out = {}
    with pdfplumber.open(pdf_path) as pdf:
        for n, page in enumerate(pdf.pages, 1):
            cs = [c for c in page.chars if c["text"].strip() and c["top"] / MM > spec.TYPE_BOTTOM + 2]
            if cs:
                cs.sort(key=lambda c: c["x0"])
                out[n] = ("".join(c["text"] for c in cs), cs)
    return out


def dash_ink(pdf_path: Path, page_no: int, chars: list) -> list[tuple[float, float]]:
    """(top, bottom) in mm of the ink under each 一字线 of the number line."""
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        img = doc[page_no - 1].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
    finally:
        doc.close()
    out = []
    for c in chars:
        if c["text"] != spec.PAGE_NUMBER_DASH:
            continue
        x0, x1 = int(c["x0"] / MM / PX_MM) + 2, int(c["x1"] / MM / PX_MM) - 2
        y0, y1 = int((c["top"] / MM - 3) / PX_MM), int((c["bottom"] / MM + 3) / PX_MM)
        box = img.crop((x0, y0, x1, y1)).point(lambda v: 255 if v < 128 else 0).getbbox()
        assert box, f"page {page_no}: no ink under the dash"
        out.append(((y0 + box[1]) * PX_MM, (y0 + box[3]) * PX_MM))
    return out


@pytest.mark.parametrize("name", ["seed", "after_text", "after_blank"])
def test_dash_ink_7_mm_below_the_type_area(files, name):
    nums = number_lines(files[name]["pdf"])
    assert nums
    for page, (text, chars) in nums.items():
        assert re.fullmatch(rf"—{page}—", text), text
        inks = dash_ink(files[name]["pdf"], page, chars)
        assert len(inks) == 2
        for top, bottom in inks:
            # 1 px at 1200 dpi is 0.02 mm; antialiasing blurs the edge by one more
            assert top == pytest.approx(spec.TYPE_BOTTOM + 7.0, abs=0.06), (page, top)
            assert 0.05 < bottom - top < 0.5          # a stroke, not a glyph's box


@pytest.mark.parametrize("name", ["seed", "after_text", "after_blank"])
def test_docx_dash_ink_where_the_pdf_has_it(files, rendered, name):
    ours, theirs = number_lines(files[name]["pdf"]), number_lines(rendered[name])
    assert sorted(ours) == sorted(theirs), "the DOCX numbers other pages than the PDF"
    for page, (text, chars) in theirs.items():
        assert text == ours[page][0]
        for top, _ in dash_ink(rendered[name], page, chars):
            assert top == pytest.approx(spec.TYPE_BOTTOM + 7.0, abs=0.15), (page, top)


def test_imprint_page_after_text_is_numbered(files):
    nums = number_lines(files["after_text"]["pdf"])
    import pdfplumber
    with pdfplumber.open(files["after_text"]["pdf"]) as pdf:
        pages = len(pdf.pages)
        last = pdf.pages[-1].extract_text()
    assert pages % 2 == 0 and "印发" in last
    assert not any(w in last for w in ("通知", "各镇街")), "the last page holds the 版记 alone"
    assert nums[pages][0] == f"—{pages}—"
    assert sorted(nums) == list(range(1, pages + 1))


def test_imprint_page_behind_a_blank_page_is_not_numbered(files):
    import pdfplumber
    from pypdf import PdfReader
    nums = number_lines(files["after_blank"]["pdf"])
    with pdfplumber.open(files["after_blank"]["pdf"]) as pdf:
        pages = len(pdf.pages)
        blank = pdf.pages[-2].extract_text().strip()
    assert pages % 2 == 0 and blank == ""
    assert sorted(nums) == list(range(1, pages - 1))
    assert PdfReader(files["after_blank"]["pdf"]).page_labels[-2:] == ["空白页", "版记"]


def test_numbered_imprint_page_is_labelled_with_its_number(files):
    from pypdf import PdfReader
    labels = PdfReader(files["after_text"]["pdf"]).page_labels
    assert labels == [str(n) for n in range(1, len(labels) + 1)]
