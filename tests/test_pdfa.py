"""The archived PDF: PDF/A-1b (PDFBox Preflight and pikepdf's validator), the
same bytes on every run, bookmarks, page labels, 附件 PDFs appended with the
page numbers running on, and text that copies out as the document's text.

Every check opens the real output of `generate.py`."""
from __future__ import annotations

import datetime as dt
import gc
import io
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ROOT, SEED_DATA, run_generate, write_yaml, unspace

JARS = ["preflight", "pdfbox2", "fontbox2", "xmpbox", "javax.activation", "jaxb-api", "commons-logging"]
JAVA_DIR = Path("/usr/share/java")
EXAMPLES = sorted((ROOT / "data").glob("*.yaml"))
FANG = ROOT / "fonts" / "FandolFang-Regular.ttf"


def _have_preflight() -> bool:
    return shutil.which("java") is not None and all((JAVA_DIR / f"{j}.jar").exists() for j in JARS)


needs_preflight = pytest.mark.skipif(not _have_preflight(), reason="Java or PDFBox preflight missing "
                                     "(tools/test.sh installs them)")


def preflight(pdfs: list[Path], workdir: Path) -> dict[str, list[str]]:
    """Run PDFBox Preflight (PDF/A-1b) on all files in one JVM; name → errors ([] = valid)."""
    names = [p.name for p in pdfs]
    assert len(set(names)) == len(names), "preflight reports by file name: names must differ"
    listing = workdir / "preflight-list.txt"
    listing.write_text("".join(f"{p.resolve()}\n" for p in pdfs), encoding="utf-8")
    cp = ":".join(str(JAVA_DIR / f"{j}.jar") for j in JARS)
    r = subprocess.run(["java", "-cp", cp, "org.apache.pdfbox.preflight.Validator_A1b", "xml", "group",
                        str(listing)], capture_output=True, text=True, timeout=600)
    report = Path(f"{listing}.preflight.xml")
    assert report.exists(), r.stderr[-2000:]
    out = {}
    for node in ET.parse(report).getroot().iter("preflight"):
        valid = node.findtext("isValid") == "true"
        errors = [f"{e.findtext('code')}: {e.findtext('details')}" for e in node.iter("error")]
        out[node.get("name")] = [] if valid else (errors or ["invalid"])
    return out


def _attachment_pdf(path: Path, pages: int, text: str = "参会回执", cmyk_helvetica: bool = False) -> Path:
    """A PDF as a clerk might attach it: an embedded TrueType font in RGB, or
    (cmyk_helvetica) an unembedded base-14 font in CMYK, which PDF/A refuses."""
    from reportlab.lib.pagesizes import A4, A5
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas
    if cmyk_helvetica:
        c = Canvas(str(path), pagesize=A5, invariant=1)
        for i in range(pages):
            c.setFont("Helvetica", 16)
            c.setFillColorCMYK(0, 0.8, 0.8, 0)
            c.drawString(50, 400, f"Receipt {i + 1}")
            c.showPage()
    else:
        pdfmetrics.registerFont(TTFont("gw-test-fang", str(FANG)))
        c = Canvas(str(path), pagesize=A4, invariant=1, initialFontName="gw-test-fang")
        for i in range(pages):
            c.setFont("gw-test-fang", 16)
            c.setFillColorRGB(0, 0, 0)
            c.drawString(100, 700, f"{text}第{i + 1}页")
            c.showPage()
    c.save()
    return path


TRAINING = """\
发文机关标志: 临淄区知识产权联席会议办公室文件
发文字号: 临知联办字〔2023〕4号
标题: 关于举办知识产权培训班的通知
主送机关: 各有关单位
正文: |
  为提升全区知识产权工作水平，决定举办培训班。
  # 培训时间
  2023年5月10日。
  # 有关要求
  请于5月5日前报送回执。
附件:
  - 名称: 培训日程
    内容: |
      上午：开班仪式。
      下午：专题讲座。
  - 名称: 参会回执
    文件: {file}
发文机关署名: 临淄区知识产权联席会议办公室
成文日期: 2023年4月28日
印章: true
抄送机关: [区委办公室, 区政府办公室]
印发机关: 临淄区知识产权联席会议办公室
"""


@pytest.fixture(scope="module")
def training(tmp_path_factory) -> dict[str, Path]:
    """A notice with a written 附件 and a 3-page 附件 PDF, generated for real."""
    d = tmp_path_factory.mktemp("training")
    _attachment_pdf(d / "回执.pdf", 3)
    src = write_yaml(d, TRAINING.format(file="回执.pdf"), "training.yaml")
    out = d / "out"
    r = run_generate(str(src), "--out", str(out))
    assert r.returncode == 0, r.stderr
    return {"pdf": out / "training.pdf", "dir": d, "stderr": r.stderr}


def test_clerk_is_told_the_docx_lacks_the_attachment_pdf_pages(training):
    assert "附件2（回执.pdf）的页面只在 PDF 里" in training["stderr"]


def _pages_text(pdf_path: Path) -> list[str]:
    import pdfplumber
    with pdfplumber.open(pdf_path) as pdf:
        return [unspace(p.extract_text() or "") for p in pdf.pages]


def _printed_number(text: str) -> str | None:
    m = re.search(r"—\s*(\d+)\s*—\s*$", text.strip())
    return m.group(1) if m else None


def _seal_png(path: Path) -> Path:
    """A seal as clerks scan them: red ink on a transparent background (alpha)."""
    from PIL import Image, ImageDraw
    im = Image.new("RGBA", (420, 420), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.ellipse((10, 10, 410, 410), outline=(230, 0, 0, 255), width=20)
    d.regular_polygon((210, 210, 70), 5, fill=(230, 0, 0, 200))
    im.save(path)
    return path


@pytest.fixture(scope="module")
def sealed(tmp_path_factory) -> Path:
    """The seed with its seal drawn from a PNG with an alpha channel."""
    d = tmp_path_factory.mktemp("sealed")
    _seal_png(d / "seal.png")
    text = SEED_DATA.read_text(encoding="utf-8").replace("印章: true", "印章: seal.png")
    src = write_yaml(d, text, "sealed.yaml")
    r = run_generate(str(src), "--out", str(d / "out"))
    assert r.returncode == 0, r.stderr
    return d / "out" / "sealed.pdf"


@pytest.fixture(scope="module")
def corpus(seed_outputs, training, sealed, tmp_path_factory) -> dict[str, Path]:
    """Every PDF we can make: the seed, each example in data/, the skeleton of
    each of the 15 文种 (信函, 命令, 纪要 formats included), a 附件 PDF, a seal PNG,
    numbered copies merged into one file."""
    from gongwen.errors import GongwenError
    from gongwen.pipeline import render
    from gongwen.reader import read
    d = tmp_path_factory.mktemp("corpus")
    pdfs = {p.name: p for p in (seed_outputs["pdf"], training["pdf"], sealed)}
    sources = [(f"example-{p.stem}", p) for p in EXAMPLES]
    try:
        from gongwen.newdoc import KINDS, skeleton
    except ImportError:
        KINDS = ()
    for kind in KINDS:
        text = skeleton(kind, "临淄区人民政府", dt.date(2023, 4, 18)).replace("××", "某某")
        sources.append((f"skeleton-{kind}", write_yaml(d, text, f"{kind}.yaml")))
    for name, src in sources:
        try:
            doc = read(src)
        except GongwenError:
            if name.startswith("skeleton-"):     # a 文种 the reader does not take yet: not ours to judge here
                continue
            raise
        blobs, _ = render(doc, formats=("pdf",))
        path = d / f"{name}.pdf"
        path.write_bytes(blobs["pdf"])
        pdfs[path.name] = path
    for src in (SEED_DATA, ROOT / "data" / "letter-2024.yaml"):     # numbered copies, merged (the
        r = run_generate(str(src), "--copies", "1-3", "--copies-merged", "--out", str(d))   # letter padded)
        assert r.returncode == 0, r.stderr
        path = d / f"{src.stem}-份号000001-000003.pdf"
        pdfs[path.name] = path
    merged = _merged_training(training)
    pdfs[merged.name] = merged
    return pdfs


def _merged_training(training) -> Path:
    """The notice with a 附件 PDF in numbered copies 1-2, merged (made once)."""
    out = training["dir"] / "copies"
    path = out / "training-份号000001-000002.pdf"
    if not path.exists():
        r = run_generate(str(training["dir"] / "training.yaml"), "--copies", "1-2", "--copies-merged",
                         "--out", str(out))
        assert r.returncode == 0, r.stderr
    return path


# -- PDF/A-1b ------------------------------------------------------------------

@needs_preflight
def test_preflight_passes_seed_every_example_and_every_kind(corpus, tmp_path):
    # the writer's raw output goes along as a control: Preflight must refuse it
    from gongwen.pipeline import build, fontbook
    from gongwen.reader import read
    from gongwen.writers.pdf import render_pdf
    doc = read(SEED_DATA)
    control = tmp_path / "control-raw-reportlab.pdf"
    control.write_bytes(render_pdf(build(doc), doc, fontbook()))
    result = preflight([*corpus.values(), control], tmp_path)
    assert result.pop(control.name), "Preflight accepted a file that is not PDF/A"
    assert set(result) == set(corpus) and len(corpus) >= 4
    assert result == {name: [] for name in corpus}


def test_pikepdf_validator_approves_what_we_write(corpus):
    import pikepdf.pdfa
    for name, pdf in corpus.items():
        gc.collect()      # a file another test left to the GC warns now, not inside the validator's parse
        report = pikepdf.pdfa.validate_written(pdf, "1b")
        assert report.passed, (name, [str(f) for f in report.findings])


def test_seal_transparency_is_a_hard_mask(sealed):
    """PDF/A-1 forbids soft masks; the seal's see-through part is a colour-key mask,
    and the 成文日期 under the seal is still there to copy."""
    import pdfplumber
    import pikepdf
    with pikepdf.open(sealed) as pdf:
        images = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
        assert len(images) == 1
        assert "/SMask" not in images[0] and isinstance(images[0].Mask, pikepdf.Array)
    with pdfplumber.open(sealed) as pdf:
        assert any("2023年4月18日" in unspace(p.extract_text() or "") for p in pdf.pages)


def test_our_save_settings_are_what_pikepdf_pins_for_pdfa_1b():
    import pikepdf.pdfa
    from gongwen.pdfa import save_kwargs
    assert save_kwargs() == pikepdf.pdfa.resolve_save_kwargs("1b", deterministic_id=True)


def test_raw_reportlab_output_would_fail_so_the_post_processing_matters(tmp_path):
    """Guards the premise: without finish() the PDF is not PDF/A (so the tests above can fail)."""
    import pikepdf.pdfa
    from gongwen.pipeline import build, fontbook
    from gongwen.reader import read
    from gongwen.writers.pdf import render_pdf
    doc = read(SEED_DATA)
    raw = render_pdf(build(doc), doc, fontbook())
    assert not pikepdf.pdfa.validate_written(io.BytesIO(raw), "1b").passed


def test_metadata_carries_title_issuer_number_and_date(seed_outputs):
    import pikepdf
    with pikepdf.open(seed_outputs["pdf"]) as pdf:
        assert pdf.pdf_version == "1.4"
        info = {k: str(v) for k, v in pdf.docinfo.items()}
        assert info["/Title"] == "临淄区知识产权联席会议办公室关于开展全区知识产权宣传周活动的通知"
        assert info["/Author"] == "临淄区知识产权联席会议办公室"
        assert info["/Subject"] == "临知联办字〔2023〕3号"
        assert info["/Keywords"] == "临知联办字〔2023〕3号 2023年4月18日"
        assert info["/CreationDate"].startswith("D:20230418")
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        meta = pdf.open_metadata()
        assert meta["dc:title"] == info["/Title"]
        assert meta["dc:description"] == info["/Subject"]
        assert meta["pdf:Keywords"] == info["/Keywords"]
        assert meta["pdfaid:part"] == "1" and meta["pdfaid:conformance"] == "B"
        assert meta["xmp:CreateDate"].startswith("2023-04-18")
        assert "临淄区知识产权联席会议办公室" in xmp
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1"
        assert intents[0].DestOutputProfile.N == 3            # sRGB
        for page in pdf.pages:
            assert "/Trans" not in page.obj
        assert len(pdf.trailer.ID) == 2


# -- reproducible --------------------------------------------------------------

def test_same_data_gives_the_same_bytes_in_any_time_zone(training, tmp_path):
    """Two runs, two time zones, the seed and a notice with an appended 附件 PDF:
    PDF and DOCX byte for byte the same."""
    outs = []
    for i, tz in enumerate(("Asia/Shanghai", "America/Los_Angeles")):
        out = tmp_path / f"run{i}"
        env = dict(os.environ, TZ=tz)
        for src in (SEED_DATA, training["dir"] / "training.yaml"):
            r = subprocess.run([os.sys.executable, str(ROOT / "generate.py"), str(src), "--out", str(out)],
                               capture_output=True, text=True, timeout=300, env=env)
            assert r.returncode == 0, r.stderr
        outs.append(out)
    names = sorted(p.name for p in outs[0].iterdir())
    assert {"linzi-ip-week-2023.pdf", "training.pdf"} <= set(names)
    for name in names:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_no_clock_time_inside_the_pdf(seed_outputs):
    data = seed_outputs["pdf"].read_bytes()
    today = dt.date.today()
    for stamp in {today, today - dt.timedelta(days=1), today + dt.timedelta(days=1)}:
        assert f"D:{stamp:%Y%m%d}".encode() not in data
        assert f"{stamp:%Y-%m-%d}".encode() not in data
    # every date in the file is the 成文日期
    assert set(re.findall(rb"D:(\d{8})", data)) == {b"20230418"}
    assert set(re.findall(rb"(\d{4}-\d\d-\d\d)T", data)) == {b"2023-04-18"}


# -- text, bookmarks, page labels --------------------------------------------------

def _squash(s: str) -> str:
    s = re.sub(r"—\s*\d+\s*—", "", s)          # page numbers between the halves of a paragraph
    return re.sub(r"\s+", "", s)


def test_copied_text_is_the_document_text(seed_outputs):
    """What a clerk gets by selecting and copying: every paragraph, in order,
    with pdfplumber and with pypdf."""
    from pypdf import PdfReader

    from gongwen.reader import read
    doc = read(SEED_DATA)
    want = [doc.title] + [p.text for p in doc.body]
    plumbed = _squash("".join(_pages_text(seed_outputs["pdf"])))
    pypdf_text = _squash("".join(p.extract_text() for p in PdfReader(seed_outputs["pdf"]).pages))
    for got in (plumbed, pypdf_text):
        pos = 0
        for para in want:
            k = got.find(_squash(para), pos)
            assert k >= 0, para
            pos = k + len(_squash(para))


def _outline(pdf_path: Path) -> list[tuple[int, str, int]]:
    from pypdf import PdfReader
    r = PdfReader(pdf_path)
    out = []

    def walk(items, depth):
        for it in items:
            if isinstance(it, list):
                walk(it, depth + 1)
            else:
                out.append((depth, it.title, r.get_destination_page_number(it)))
    walk(r.outline, 0)
    return out


def test_bookmarks_lead_to_body_headings_attachments_and_imprint(training):
    pages = _pages_text(training["pdf"])
    marks = _outline(training["pdf"])
    titles = [(d, t) for d, t, _ in marks]
    assert titles == [(0, "正文　关于举办知识产权培训班的通知"), (1, "一、培训时间"), (1, "二、有关要求"),
                      (0, "附件1　培训日程"), (0, "附件2　参会回执"), (0, "版记")]
    where = {t: p for _, t, p in marks}
    assert "关于举办知识产权培训班的通知" in _squash(pages[where["正文　关于举办知识产权培训班的通知"]])
    assert "一、培训时间" in pages[where["一、培训时间"]]
    assert pages[where["附件1　培训日程"]].startswith("附件1")
    assert pages[where["附件2　参会回执"]].startswith("附件2")
    assert "抄送" in pages[where["版记"]]


def test_page_labels_are_the_printed_numbers(seed_outputs, training):
    from pypdf import PdfReader
    for pdf in (seed_outputs["pdf"], training["pdf"]):
        labels = PdfReader(pdf).page_labels
        texts = _pages_text(pdf)
        assert len(labels) == len(texts)
        for label, text in zip(labels, texts):
            printed = _printed_number(text)
            if printed is not None:
                assert label == printed
            else:
                assert label in ("版记", "空白页")
    # its 版记 page follows a page of text (§7.5: numbered, spec.IMPRINT_PAGE_NUMBERED_AFTER_TEXT)
    labels = PdfReader(training["pdf"]).page_labels
    assert labels == [str(n) for n in range(1, len(labels) + 1)]


# -- 附件 given as PDF ----------------------------------------------------------------

def test_attachment_pdf_follows_its_label_page_with_numbers_running_on(training):
    texts = _pages_text(training["pdf"])
    label = next(i for i, t in enumerate(texts) if t.startswith("附件2"))
    assert "参会回执" in texts[label]
    for k in range(3):
        page = texts[label + 1 + k]
        assert f"参会回执第{k + 1}页" in page
        assert _printed_number(page) == str(label + 2 + k)       # physical page, printed, continuing
    # the 版记 comes after the appended pages, on an even page
    imprint = len(texts) - 1
    assert imprint > label + 3 and "抄送" in texts[imprint] and (imprint + 1) % 2 == 0


def test_attachment_pdf_pages_are_in_every_merged_copy(training):
    """Numbered copies merged into one file carry the 附件 PDF's pages in each
    copy, as a single copy does (the merged file once showed only their numbers)."""
    single = _pages_text(training["pdf"])
    merged = _pages_text(_merged_training(training))
    n = len(single)
    assert len(merged) == 2 * n
    label = next(i for i, t in enumerate(single) if t.startswith("附件2"))
    for copy in (merged[:n], merged[n:]):
        for k in range(3):
            assert f"参会回执第{k + 1}页" in copy[label + 1 + k]
        assert copy[1:] == single[1:]


def test_attachment_pdf_page_is_placed_at_full_size(training):
    """An A4 attachment stays A4: its text sits where its own file put it."""
    import pdfplumber
    with pdfplumber.open(training["pdf"]) as pdf:
        page = next(p for p in pdf.pages if "参会回执第1页" in unspace(p.extract_text() or ""))
        ch = next(c for c in page.chars if c["text"] == "参")
        assert ch["x0"] == pytest.approx(100, abs=0.5)
        assert page.height - ch["y0"] == pytest.approx(842 - 700, abs=3)


def test_attachment_pdf_that_is_not_pdfa_is_converted_saying_why(tmp_path):
    """An unembedded base-14 font in CMYK (what PDF/A refuses): converted with
    Ghostscript, the clerk told why in Chinese (issue 16 item 3; more in test_attach_pdf.py)."""
    _attachment_pdf(tmp_path / "scan.pdf", 1, cmyk_helvetica=True)
    src = write_yaml(tmp_path, TRAINING.format(file="scan.pdf"), "bad.yaml")
    out = tmp_path / "out"
    r = run_generate(str(src), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "scan.pdf" in r.stderr and "字体没有嵌入" in r.stderr and "CMYK" in r.stderr, r.stderr
    assert "已用 Ghostscript 转为 PDF/A 并入" in r.stderr


HEADINGS = """\
发文机关标志: 临淄区知识产权联席会议办公室文件
发文字号: 临知联办字〔2023〕5号
标题: 关于做好知识产权工作的通知
主送机关: 各有关单位
正文: |
  为做好工作，现通知如下：
  # 总体要求
  # 工作任务
  ## 加强知识产权创造
  做好创造工作。
  ## 加强知识产权保护。各单位要加强协作。
  做好保护工作。
  # 强化知识产权运用和保护的协同联动机制，推动知识产权工作全面高质量发展
  做好运用工作。
  # 保障措施
  加强组织领导。
  特此通知。
附件:
  - 名称: 工作方案
    内容: |
      # 目标任务
      完成年度任务。
成文日期: 2023-04-18
印章: true
印发机关: 临淄区知识产权联席会议办公室
"""


def _outline_tops(pdf_path: Path) -> dict[str, tuple[int, float]]:
    """Bookmark title → (page index, top of its destination in PDF points)."""
    from pypdf import PdfReader
    r = PdfReader(pdf_path)
    out = {}

    def walk(items):
        for it in items:
            if isinstance(it, list):
                walk(it)
            else:
                out[it.title] = (r.get_destination_page_number(it), float(it.top))
    walk(r.outline)
    return out


def test_every_heading_has_a_bookmark_with_its_full_text_on_its_page(tmp_path):
    """Consecutive 一级标题, a 一级标题 wrapping onto a second line, 二级标题
    (one of them run-in), a heading in an 附件: each its own bookmark, nested,
    with the whole heading, leading to the line where it is printed."""
    src = write_yaml(tmp_path, HEADINGS, "headings.yaml")
    r = run_generate(str(src), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    pdf = tmp_path / "out" / "headings.pdf"
    long = "三、强化知识产权运用和保护的协同联动机制，推动知识产权工作全面高质量发展"
    assert [(d, t) for d, t, _ in _outline(pdf)] == [
        (0, "正文　关于做好知识产权工作的通知"), (1, "一、总体要求"), (1, "二、工作任务"),
        (2, "（一）加强知识产权创造"), (2, "（二）加强知识产权保护。"), (1, long), (1, "四、保障措施"),
        (0, "附件　工作方案"), (1, "一、目标任务"), (0, "版记")]
    import pdfplumber

    from gongwen import spec
    pitch = spec.LINE_PITCH / spec.PT
    tops = _outline_tops(pdf)
    with pdfplumber.open(pdf) as doc:
        for title in ("一、总体要求", "二、工作任务", "（一）加强知识产权创造", "（二）加强知识产权保护。",
                      long, "四、保障措施", "一、目标任务"):
            index, top = tops[title]
            page = doc.pages[index]
            line = next(ln for ln in page.extract_text_lines()
                        if title[:8] in unspace(ln["text"]).replace(" ", ""))
            # the destination is the top of the grid line the heading starts on
            assert 0 <= top - (page.height - line["top"]) < pitch, title
    assert long[:20] in _squash(_pages_text(pdf)[tops[long][0]])


@pytest.mark.parametrize("name, title, subject, keywords, heads", [
    ("minutes-2024", "临淄区知识产权联席会议纪要第2期", "第2期", "第2期",
     ["一、关于2023年度工作", "二、关于2024年重点工作"]),
    ("order-2024", "淄博市临淄区人民政府令第5号", "第5号", "第5号 2024年6月10日", []),
], ids=["minutes", "order"])
def test_document_without_a_title_is_named_by_its_mark_and_number(tmp_path, name, title, subject, keywords,
                                                                  heads):
    """A 纪要 or 命令 has no 标题: the title is its mark with its 期号 / 令号, in the
    document information and the XMP, and its 正文 and headings have bookmarks."""
    import pikepdf
    r = run_generate(str(ROOT / "data" / f"{name}.yaml"), "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    pdf = tmp_path / f"{name}.pdf"
    with pikepdf.open(pdf) as p:
        info = {k: str(v) for k, v in p.docinfo.items()}
        meta = p.open_metadata()
        assert info["/Title"] == meta["dc:title"] == title
        assert info["/Subject"] == meta["dc:description"] == subject
        assert info["/Keywords"] == meta["pdf:Keywords"] == keywords
    marks = _outline(pdf)
    assert [(d, t) for d, t, _ in marks] == [(0, f"正文　{title}"), *((1, h) for h in heads), (0, "版记")]
    first_text = _squash(_pages_text(pdf)[marks[0][2]])
    assert "现纪要如下" in first_text or "现予公布" in first_text


def test_letter_first_page_is_page_one_of_one_decimal_run(tmp_path):
    """A 信函 prints no number on page 1 (§10.1) but counts it: the next page
    prints —2—.  Its label is the number 1, in the same decimal run as the
    pages after it (not a text label "1" beside a run starting at 2), and every
    printed number equals its page's label."""
    import pikepdf
    from pypdf import PdfReader
    items = "".join(f"  第{i}项：请贵局按照检查方案做好人员和车辆保障，确保检查工作顺利进行。\n"
                    for i in range(1, 16))
    text = (ROOT / "data" / "letter-2024.yaml").read_text(encoding="utf-8")
    src = write_yaml(tmp_path, text.replace("  特此函告。\n", items + "  特此函告。\n"), "letter.yaml")
    r = run_generate(str(src), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    pdf = tmp_path / "out" / "letter.pdf"
    texts = _pages_text(pdf)
    labels = PdfReader(pdf).page_labels
    assert len(texts) >= 2 and labels == [str(k) for k in range(1, len(texts) + 1)]
    assert _printed_number(texts[0]) is None
    assert [_printed_number(t) for t in texts[1:]] == labels[1:]
    with pikepdf.open(pdf) as p:
        nums = list(p.Root.PageLabels.Nums)
    assert nums[0] == 0 and nums[1].get("/S") == "/D" and int(nums[1].get("/St", 1)) == 1
    assert len(nums) == 2                      # one run for the whole letter


def test_characters_beyond_the_bmp_copy_out_as_themselves(tmp_path):
    """A name like 吉𠮷 (U+20BB7, from the fallback font) copies out of the PDF
    as written: the ToUnicode CMap holds its UTF-16 surrogate pair."""
    import os
    if not os.path.exists("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"):
        pytest.skip("Noto Serif CJK (fonts-noto-cjk) not installed")
    src = write_yaml(tmp_path, "发文机关标志: 嘉兴市人民政府文件\n发文字号: 嘉政发〔2025〕7号\n"
                               "标题: 关于表彰吉𠮷同志的决定\n主送机关: 各有关单位\n正文: |\n  吉𠮷同志表现突出。\n"
                               "成文日期: 2025-10-10\n")
    r = run_generate(str(src), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    from pypdf import PdfReader
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "out" / "doc.pdf").pages)
    assert "吉𠮷同志的决定" in text.replace("\n", "") and "\u20bb" not in text
