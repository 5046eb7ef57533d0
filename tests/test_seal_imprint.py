"""Issue 12 item 1: the seals, 署名 and 成文日期 are one block, and the 版记 never
overlaps it.  A seal reaches below the date (it presses on the 署名 and the date
a little below its centre), so those grid lines belong to the signature block:
the 版记 stays under them on an even page or moves to the next even page (a blank
page between if need be, §7.4), and a block that would reach below the 版心
carries text with it (§7.3.5.4).

Measured in the layout over a range of body lengths (one organ and three with
two rows of seals), and in the files of a three-organ notice whose two-row seal
block ends at the foot of page 2 — before the fix its last seal stood at
207.8–249.8 mm over the 版记's first rule at 241.7 mm: our PDF, LibreOffice's
rendering of our DOCX and our OFD."""
from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from gongwen import spec
from gongwen.layout.boxes import Image, Rule, TextRun
from gongwen.model import Seal
from gongwen.pipeline import build
from gongwen.reader import read_string

from conftest import MM, run_generate, write_yaml
from librender import render
from test_pdfa import _seal_png

JOINT = ["淄博市临淄区市场监督管理局", "淄博市临淄区科学技术局", "淄博市临淄区财政局"]
PARAGRAPH = "各单位要高度重视，确定一名联系人，认真组织实施，确保各项工作任务落到实处、取得实效。"


CC = ["区委办公室", "区人大常委会办公室", "区政府办公室", "区政协办公室", "区纪委监委", "区法院", "区检察院",
      "区发展和改革局", "区教育和体育局", "区科学技术局", "区工业和信息化局", "区公安分局", "区民政局", "区司法局",
      "区财政局", "区人力资源和社会保障局", "区自然资源局", "区住房和城乡建设局", "区交通运输局", "区水利局"]


def notice(paragraphs: int, organs: list[str], seal: str, note: bool = False, proxy: bool = False,
           cc: int = 2) -> str:
    """A notice of `paragraphs` two-line paragraphs, signed by `organs`, `cc` 抄送机关."""
    lines = ["发文机关标志:", *(f"  - {o}" for o in organs), "发文字号: 临市监发〔2024〕12号",
             "标题: 关于开展知识产权质押融资活动的通知", "主送机关: 各镇人民政府、街道办事处", "正文: |",
             *(f"  {PARAGRAPH}" for _ in range(paragraphs)),
             "发文机关署名:", *(f"  - {o}" for o in organs), "成文日期: 2024-04-08", f"印章: {seal}"]
    if note:
        lines.append("附注: 此件公开发布")
    if proxy:
        lines.append("代章: 区市场监管局代章")
    lines += ["抄送机关:", *(f"  - {c}" for c in CC[:cc]),
              "印发机关: 淄博市临淄区市场监督管理局办公室", "印发日期: 2024-04-08"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def seals(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("seals")
    for i in range(3):
        _seal_png(d / f"seal{i}.png")
    return d


def images(organs: list[str]) -> str:
    return "[" + ", ".join(f"seal{i}.png" for i in range(len(organs))) + "]" if len(organs) > 1 else "seal0.png"


CASES = [(JOINT, False, False), (JOINT, True, False), (JOINT[:1], False, False), (JOINT[:1], True, True)]


@pytest.mark.parametrize("organs,note,proxy", CASES, ids=["joint", "joint-note", "one", "one-note-proxy"])
def test_seal_never_meets_the_imprint_nor_leaves_the_type_area(seals, organs, note, proxy):
    """Every body length from one paragraph to two pages, under a short 版记 and
    a tall one (2 and 20 抄送机关): on every page, each seal image lies above the
    版记's first rule and inside the 版心; the 版记 is on an even page; a
    hand-stamped seal (`印章: true`) gets the same room."""
    paths = tuple(seals / f"seal{i}.png" for i in range(len(organs)))
    behind_blank = closer = 0
    for n, cc in ((n, cc) for cc in (2, 20) for n in range(1, 23)):   # the signature ends at every line of pages 1, 2
        doc = read_string(notice(n, organs, "true", note, proxy, cc), seals / "doc.yaml")
        by_hand = build(doc)
        doc.seal = Seal(paths[0], paths if len(paths) > 1 else (), (1.0,) * len(paths))
        L = build(doc)
        assert len(by_hand.pages) == len(L.pages) and by_hand.imprint_page == L.imprint_page, n
        assert L.imprint_page % 2 == 0 and L.imprint_page == len(L.pages)
        drawn = [i for p in L.pages for i in p.items if isinstance(i, Image) and i.element == "印章"]
        assert len(drawn) == len(organs), n
        for page in L.pages:
            seal = [i for i in page.items if isinstance(i, Image) and i.element == "印章"]
            rules = [i for i in page.items if isinstance(i, Rule) and i.element == "版记"]
            for s in seal:
                assert spec.TYPE_LEFT - 1e-6 <= s.x and s.x + s.width <= spec.TYPE_RIGHT + 1e-6, (n, page.number)
                assert s.y + s.height <= spec.TYPE_BOTTOM + 1e-6, (n, page.number, s.y + s.height)
                if rules:
                    first = min(r.y - r.thickness / 2 for r in rules)
                    assert s.y + s.height <= first, (n, page.number, s.y + s.height, first)
                    # the 署名 and date above it too
                    texts = [t for t in page.items if isinstance(t, TextRun) and t.element in ("署名", "成文日期")]
                    assert all(t.baseline < first for t in texts)
        behind_blank += any(p.kind == "blank" for p in L.pages)
        closer += L.imprint_page == len(L.pages) and L.pages[-1].pitch < spec.LINE_PITCH and any(
            ln.page == len(L.pages) and ln.element == "成文日期" for ln in L.lines)
    # the 版记 under the seals on lines set closer for it; behind a blank page where two
    # rows of seals leave no room for a tall 版记 even so (one organ's seal always makes room)
    assert closer, "no body length set the 版记 under the seals on closer lines: the sweep misses the case"
    assert behind_blank or len(organs) == 1, "no body length put the 版记 behind a blank page: the sweep misses the case"


# -- the files of the three-organ notice whose seals end at the foot of page 2 -------------

FOOT = 8          # paragraphs: the second row's seal ends at 260.0 mm on page 2
FOOT_CC = 16      # 抄送机关: a 版记 too tall for page 2 even on closer lines (a shorter one closes it up)


@pytest.fixture(scope="module")
def files(seals, tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("seal-foot")
    src = write_yaml(seals, notice(FOOT, JOINT, images(JOINT), cc=FOOT_CC), "seal-foot.yaml")
    r = run_generate(str(src), "--out", str(d), "--formats", "pdf,docx,ofd")
    assert r.returncode == 0, r.stderr
    out = {p.suffix[1:]: p for p in d.iterdir()}
    out["lo"] = render([out["docx"]], d / "lo")["seal-foot"]
    return out


def measure(path: Path) -> list[dict]:
    """Per page: seal images (top, bottom mm), full-width rules' tops (mm), text."""
    import pdfplumber
    out = []
    with pdfplumber.open(path) as pdf:
        for pg in pdf.pages:
            rules = sorted(r["top"] / MM for r in pg.rects + pg.lines if r["width"] > 150 * MM and r["top"] > 150 * MM)
            out.append({"seals": [(im["top"] / MM, im["bottom"] / MM) for im in pg.images], "rules": rules,
                        "text": pg.extract_text() or "",
                        "off": [o for o in pg.chars + pg.rects + pg.lines + pg.images
                                if o["x0"] < -0.01 or o["top"] < -0.01 or o["x1"] > pg.width + 0.01
                                or o["bottom"] > pg.height + 0.01]})
    return out


@pytest.mark.parametrize("kind", ["pdf", "lo"])
def test_imprint_moves_to_the_next_even_page(files, kind):
    """PDF and LibreOffice's DOCX alike: seals and date on page 2 at the foot,
    page 3 blank, the 版记 (16 抄送机关: too tall for page 2 even on closer lines) alone on page 4 —
    the seal's bottom never over a rule."""
    pages = measure(files[kind])
    assert len(pages) == 4
    assert [len(p["seals"]) for p in pages] == [0, 3, 0, 0]
    assert "2024年4月8日" in pages[1]["text"].replace(" ", "") and not pages[1]["rules"]
    # the date on line 21 (page 1's last two-line paragraph goes over whole, issue 12 item 9): the foot
    assert max(b for _, b in pages[1]["seals"]) == pytest.approx(260.0, abs=0.5)
    assert max(b for _, b in pages[1]["seals"]) <= spec.TYPE_BOTTOM
    assert not pages[2]["text"].strip() and not pages[2]["rules"]                    # blank, unnumbered
    assert pages[3]["text"].startswith("抄送") and "印发" in pages[3]["text"]
    assert pages[3]["rules"][0] == pytest.approx(200.8, abs=0.3) and len(pages[3]["rules"]) >= 3   # 6 lines of 抄送
    for p in pages:
        assert not p["off"]
        for _, bottom in p["seals"]:
            assert all(bottom < r for r in p["rules"])


def test_ofd_puts_the_imprint_where_the_pdf_does(files):
    """The OFD draws the same layout: images on page 2 only, the 版记 rules on page 4 only."""
    z = zipfile.ZipFile(files["ofd"])
    contents = sorted((n for n in z.namelist() if n.endswith("Content.xml")),
                      key=lambda n: int(n.split("Page_")[1].split("/")[0]))
    assert len(contents) == 4
    tags = [{e.tag.rsplit("}", 1)[1] for e in ET.fromstring(z.read(n)).iter()} for n in contents]
    assert ["ImageObject" in t for t in tags] == [False, True, False, False]
    assert ["PathObject" in t for t in tags] == [True, False, False, True]     # red rule, then 版记's
