"""The signature's page (issue 12, item 6): when the signature group (附件说明,
署名, seals, 成文日期, 附注) does not fit under the text of its page, that page's
lines close up (§7.3.5.4 "调整行距") within spec.SIGNATURE_PAGE_MIN_PITCH —
further, to spec.SIGNATURE_PAGE_LAST_PITCH, where carrying would leave the page
before half empty — before text is carried (one one-line paragraph where two
lines would leave that page half empty); no page before the signature's
page leaves more than spec.MAX_EMPTY_LINES_BEFORE_SIGNATURE of its 22 lines
empty.  Before: the joint notice in data/ left 15 of page 2's lines empty
(its text carried to page 3), and sweeps of sealed notices 9–15.

Measured in the layout over sweeps of body lengths, and in the files — the
joint notice of data/, a three-organ notice with seal images whose page closes
up to the last bound, one that must carry — as our PDF and LibreOffice's
rendering of our DOCX: the same lines on the same pages, baselines within 1 mm,
the seals where the PDF has them."""
from __future__ import annotations

from pathlib import Path

import pytest

from gongwen import spec
from gongwen.layout.boxes import Image
from gongwen.layout.flow import MIN_SPLIT_LINES
from gongwen.pipeline import build
from gongwen.reader import read_string

from conftest import MM, ROOT, run_generate, write_yaml
from librender import render
from test_docx import pages_lines
from test_layout_rules import BASE, body
from test_pdfa import _seal_png
from test_seal_imprint import JOINT, notice

ATTACHMENTS = ("附件:\n  - 名称: 2024年度知识产权质押融资“入园惠企”活动安排表\n    内容: |\n      内容。\n"
               "  - 名称: 联系人名单\n    内容: |\n      内容。\n")


# Organs whose names stand two abreast under their seals: three or four of them
# take two rows of seals, five or six three rows.
ORGANS = [*JOINT, "淄博市临淄区农业农村局", "淄博市临淄区商务局", "淄博市临淄区教育局"]


def big(n: int, seal: str = "true", organs: int = 3) -> str:
    """`organs` organs' seals in rows, a 附注 and a three-line 附件说明 under n one-line paragraphs."""
    t = notice(0, ORGANS[:organs], seal, note=True).replace(
        "正文: |\n", "正文: |\n" + "".join(f"  第{i}项工作按期完成。\n" for i in range(n)))
    return t.replace("抄送机关:", ATTACHMENTS + "抄送机关:")


def one_page(n: int) -> str:
    """n one-line paragraphs and a sealed signature: page 1's lines under the 版头 close up."""
    return BASE + "正文: |\n" + "".join(f"  第{i}项工作按期完成。\n" for i in range(n)) + "成文日期: 2024-03-05\n印章: true\n"


def short_imprint(n: int) -> str:
    """n one-line paragraphs, an unsealed signature, a one-line 版记."""
    return (BASE + "正文: |\n" + "".join(f"  第{i}项工作按期完成。\n" for i in range(n))
            + "发文机关署名: 淄博市临淄区市场监督管理局\n成文日期: 2024-03-05\n"
            + "印发机关: 淄博市临淄区市场监督管理局办公室\n印发日期: 2024-03-05\n")


def one_sealed(n: int) -> str:
    return (BASE + body(n).rstrip("\n") + "\n  # 工作要求\n  请各单位认真落实。\n  特此通知。\n"
            + "成文日期: 2024-03-05\n印章: true\n")


def long_note(n: int) -> str:
    """n one-line paragraphs, a sealed signature, a 附注 and six 附件 whose names take two lines each."""
    items = "".join(f"  - 名称: 第{i}号关于知识产权质押融资工作的有关材料清单\n    内容: |\n      内容。\n" for i in range(6))
    return (BASE + "正文: |\n" + "".join(f"  第{i}项工作按期完成。\n" for i in range(n))
            + "成文日期: 2024-03-05\n印章: true\n附注: 此件公开发布\n附件:\n" + items)


def signature_page(L) -> int:
    return max(ln.page for ln in L.lines if ln.element in ("署名", "成文日期"))


def page_pitch(L) -> float:
    return L.pages[signature_page(L) - 1].pitch / spec.LINE_PITCH


def seal_clearance(L) -> float:
    """mm from the foot of the last line of text (正文, 附件说明) above the seals
    down to the highest seal's top (the seal, or where `印章: true` leaves room
    for the hand-stamped one) — negative: the seal covers that text."""
    sig = signature_page(L)
    page = L.pages[sig - 1]
    names = [ln for ln in L.lines if ln.page == sig and ln.element == "署名"]
    text = [ln.line for ln in L.lines if ln.page == sig and ln.element in ("正文", "附件说明") and ln.line]
    if not text or not names:
        return float("inf")
    seals = [i for i in page.items if isinstance(i, Image)]
    if seals:
        top = min(s.y for s in seals)
    else:                          # 印章: true — the seal the layout makes room for, as it would draw it
        first = min(ln.line for ln in names)
        date = [ln.line for ln in L.lines if ln.page == sig and ln.element == "成文日期"]
        joint = len(names) > 1 or len(names[0].runs) > 1
        last = first if joint and len(names) > 1 else (date[0] if date else first)
        top = spec.seal_centre(page.line_top(first), page.line_top(last), page.pitch) - spec.SEAL_DIAMETER / 2
    return top - (page.line_top(max(text)) + page.pitch)


def empty_before(L) -> list[int]:
    """Empty lines at the foot of each page before the signature's page."""
    out = []
    for pg in range(1, signature_page(L)):
        used = [ln.line for ln in L.lines if ln.page == pg and ln.line]
        out.append(spec.LINES_PER_PAGE - max(used))
    return out


FAMILIES = {
    "one sealed": [one_sealed(n) for n in range(2, 14)],
    "one sealed, 附件": [one_sealed(n) + ATTACHMENTS for n in range(2, 14)],
    "unsealed": [BASE + body(n) + "发文机关署名: 淄博市临淄区市场监督管理局\n成文日期: 2024-03-05\n" for n in range(2, 14)],
    "three organs": [notice(n, JOINT, "true") for n in range(1, 23)],
    "three organs, 附注": [notice(n, JOINT, "true", note=True) for n in range(1, 23)],
}


BIG = {"three organs, 附注, 附件说明": 3, "four organs, 附注, 附件说明": 4}


@pytest.mark.parametrize("family", [*FAMILIES, *BIG])
def test_no_half_empty_page_before_the_signature(family):
    texts = FAMILIES.get(family) or [big(n, organs=BIG[family]) for n in range(1, 45)]
    closed = one_carried = 0
    for k, text in enumerate(texts, 1):
        L = build(read_string(text, ROOT / "doc.yaml"))
        sig = signature_page(L)
        empty = empty_before(L)
        assert max(empty, default=0) <= spec.MAX_EMPTY_LINES_BEFORE_SIGNATURE, (family, k, empty)
        if family != "unsealed":
            assert seal_clearance(L) >= 0, (family, k, page_pitch(L))
        # the grid gives way on the signature's page only, and within the bound
        for p in L.pages:
            if p.number != sig:
                assert p.pitch == spec.LINE_PITCH, (family, k, p.number)
        page = L.pages[sig - 1]
        assert page.pitch >= spec.SIGNATURE_PAGE_LAST_PITCH - 1e-9, (family, k)
        if page.pitch != spec.LINE_PITCH:
            closed += 1
            assert not any(ln.carried for ln in L.lines), (family, k)       # closer lines first, no carrying
            # nothing below the 版心: the last line and the seal's reach
            last = max(ln.line for ln in L.lines if ln.page == sig and ln.line)
            assert page.line_top(last) + page.pitch <= spec.TYPE_BOTTOM + 1e-6
        if family.endswith("附件说明") and any(ln.carried for ln in L.lines):
            # carried: the fewest lines the rules allow — two one-line paragraphs, or one
            # where two would leave the page before more than half empty
            n = sum(1 for ln in L.lines if ln.carried and ln.element == "正文")
            assert n == 2 or (n == 1 and empty[-1] >= spec.MAX_EMPTY_LINES_BEFORE_SIGNATURE), (family, k, n, empty)
            one_carried += n == 1
        for im in (i for p in L.pages for i in p.items if isinstance(i, Image)):
            assert im.y + im.height <= spec.TYPE_BOTTOM + 1e-6
    assert closed, f"{family}: no body length closed the lines up — the sweep misses the case"
    if family.endswith("附件说明"):
        assert one_carried, "no body length carried a single line — the sweep misses the case"


# --- the files -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, dict[str, Path]]:
    d = tmp_path_factory.mktemp("sigpage")
    for i in range(4):
        _seal_png(d / f"seal{i}.png")
    images = "[seal0.png, seal1.png, seal2.png, seal3.png]"
    sources = {"joint": (ROOT / "data" / "joint-notice-2024.yaml").read_text(encoding="utf-8"),
               "closed": big(19, images, 4),        # closes up to the last bound (0.647 of the pitch)
               "carried": big(21, images.replace(", seal3.png", "")),   # three: one line goes over (two leave 8 empty)
               "imprint": short_imprint(29),         # the 版记 under the signature on page 2, closer lines
               "first": one_page(5),                 # page 1 closes up under its 版头
               "split": long_note(2)}                # the 附件说明 breaks between items 3 and 4
    out = {}
    for name, text in sources.items():
        src = write_yaml(d, text, f"{name}.yaml")
        r = run_generate(str(src), "--out", str(d / name))
        assert r.returncode == 0, r.stderr
        out[name] = {p.suffix[1:]: p for p in (d / name).iterdir()}
        out[name]["layout"] = build(read_string(text, src))
    lo = render([f["docx"] for f in out.values()], d / "lo")
    for name in out:
        out[name]["lo"] = lo[name]
    return out


def _seals(path: Path) -> list[tuple[int, float, float]]:
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        return [(n, round(im["x0"] / MM, 1), im["top"] / MM) for n, p in enumerate(pdf.pages, 1) for im in p.images]


def test_joint_notice_signs_on_page_two(files):
    """data/: the text no longer goes to page 3 with the signature: page 2 holds
    it all on 29 closer lines (7.74 mm), every one of its lines printed on page 2."""
    L = files["joint"]["layout"]
    assert signature_page(L) == 2 and not any(ln.carried for ln in L.lines)
    assert empty_before(L) == [1]
    page = L.pages[1]
    # further than the first bound: carrying would have left page 2 with 15 empty lines
    assert spec.SIGNATURE_PAGE_LAST_PITCH <= page.pitch < spec.SIGNATURE_PAGE_MIN_PITCH
    pdf = pages_lines(files["joint"]["pdf"])
    bases = [b for b, t, _ in pdf[1] if b < spec.TYPE_BOTTOM]
    steps = sorted({round(b - a, 2) for a, b in zip(bases, bases[1:])})
    assert steps[0] == pytest.approx(page.pitch, abs=0.02)       # the closer pitch, evenly
    assert all(abs(s / page.pitch - round(s / page.pitch)) < 0.01 for s in steps)
    assert any(t.startswith("三、工作要求") for _, t, _ in pdf[1])
    assert any("2024年4月8日" in t.replace(" ", "") for _, t, _ in pdf[1])


@pytest.mark.parametrize("name", ["joint", "closed", "carried", "imprint", "first", "split"])
def test_docx_keeps_the_pdf_lines_and_pages(files, name):
    """LibreOffice's rendering of the DOCX: the same lines on the same pages,
    baselines within 1 mm (the closer lines too), seals where the PDF has them."""
    ours, theirs = pages_lines(files[name]["pdf"]), pages_lines(files[name]["lo"])
    assert len(theirs) == len(ours)
    for n, (a, b) in enumerate(zip(ours, theirs), 1):
        assert [t for _, t, _ in b] == [t for _, t, _ in a], f"{name}: page {n} differs"
        for (ba, t, _), (bb, _, _) in zip(a, b):
            assert abs(ba - bb) < 1.0, f"{name}: page {n} {t!r} at {bb:.2f} mm, PDF {ba:.2f} mm"
    sa, sb = _seals(files[name]["pdf"]), _seals(files[name]["lo"])
    assert len(sa) == len(sb)
    for (pa, xa, ya), (pb, xb, yb) in zip(sorted(sa), sorted(sb)):
        assert pa == pb and abs(xa - xb) < 0.5 and abs(ya - yb) < 1.0, (name, (pa, xa, ya), (pb, xb, yb))


def test_closed_and_carried_cases(files):
    closed, carried = files["closed"]["layout"], files["carried"]["layout"]
    page = closed.pages[signature_page(closed) - 1]
    assert spec.SIGNATURE_PAGE_LAST_PITCH <= page.pitch < spec.SIGNATURE_PAGE_MIN_PITCH
    assert not any(ln.carried for ln in closed.lines)
    seals = [i for i in page.items if isinstance(i, Image)]
    assert len(seals) == 4
    assert seal_clearance(closed) >= 0
    rows = sorted({round(s.y, 1) for s in seals})
    assert len(rows) == 2 and rows[1] - rows[0] >= spec.SEAL_DIAMETER + spec.JOINT_SEAL_GAP - 1e-6
    assert all(s.y + s.height <= spec.TYPE_BOTTOM + 1e-6 for s in seals)
    assert [ln.text for ln in carried.lines if ln.carried and ln.element == "正文"] == ["第20项工作按期完成。"]
    assert empty_before(carried) == [0, spec.MAX_EMPTY_LINES_BEFORE_SIGNATURE]
    assert all(p.pitch == spec.LINE_PITCH for p in carried.pages)


def test_a_long_attachment_note_breaks_between_its_items():
    """A short notice with a long 附件说明 (six items, 12 lines): no 正文 can go
    with the signature without emptying page 1, and carrying leaves a longer
    one's page before half empty — the 附件说明 breaks between its items
    instead (§7.3.5.1 measures the seal from the 正文 "或附件说明" above it).
    Before: the whole 附件说明 and the signature went to page 2 with no text
    above them, page 1 left with 8 empty lines (and page 2 at 24 paragraphs)."""
    split = 0
    for n in range(1, 45):
        L = build(read_string(long_note(n), ROOT / "doc.yaml"))
        sig = signature_page(L)
        assert max(empty_before(L), default=0) <= spec.MAX_EMPTY_LINES_BEFORE_SIGNATURE, n
        above = [ln for ln in L.lines if ln.page == sig and ln.line and ln.element in ("正文", "附件说明")]
        assert above, n                                    # something of the text above the seal
        notes = [ln for ln in L.lines if ln.element == "附件说明"]
        for item in {ln.origin.item for ln in notes}:      # each item whole on one page
            assert len({ln.page for ln in notes if ln.origin.item == item}) == 1, n
        if len({ln.page for ln in notes}) > 1:
            split += 1
            assert {ln.page for ln in notes} == {sig - 1, sig} and not any(ln.carried for ln in L.lines), n
    assert split >= 3, "no body length broke the 附件说明 — the sweep misses the case"


def two_line(n: int, organs: int) -> str:
    """n two-line paragraphs, `organs` organs' seals in rows and a 附注, no 附件说明."""
    return notice(n, ORGANS[:organs], "true", note=True)


def test_three_rows_of_seals_the_limit(monkeypatch):
    """Five organs, three rows of seals and a 附注: the group takes 16–19 of the
    22 lines by itself.  Where the page before the signature's keeps more than
    spec.MAX_EMPTY_LINES_BEFORE_SIGNATURE lines empty, it is the geometry, not
    a path the layout misses — measured, not assumed:

    * the signature's page holds the least of the text the rules allow above
      the group — one line, the 附件说明's last item, under one-line paragraphs;
      two, a whole two-line paragraph, without a 附件说明 (one line alone at the
      top of a page would be a widow, issue 12 item 9) — so the page before
      holds all the rest and cannot be fuller: with 14 one-line paragraphs it
      holds 10 lines of 正文, the empty line and the 附件说明's first item (13
      lines, 9 empty), with 15 one line more (8 empty); with 9 two-line
      paragraphs 12 lines (10 empty), with 10 14 (8 empty);
    * the group does not fit under all of that text on the page before at
      any pitch down to the last bound: with the bound lowered to where glyphs
      outgrow their lines (0.56), those lengths close up only below 0.64 — at
      0.564, the 42 mm seals' rows fitting only there — or not at all."""
    overs = {}
    for kind, make, lengths, least in (("附件说明", lambda n: big(n, organs=5), range(1, 23), 1),
                                       ("two-line", lambda n: two_line(n, 5), range(1, 23), MIN_SPLIT_LINES)):
        over = overs[kind] = {}
        for n in lengths:
            L = build(read_string(make(n), ROOT / "doc.yaml"))
            empty = empty_before(L)
            if max(empty, default=0) <= spec.MAX_EMPTY_LINES_BEFORE_SIGNATURE:
                continue
            over[n] = empty[-1]
            assert all(p.pitch == spec.LINE_PITCH for p in L.pages)
            sig = signature_page(L)
            above = [ln for ln in L.lines if ln.page == sig and ln.line and ln.element in ("正文", "附件说明")]
            assert len(above) == least, (kind, n, [ln.text for ln in above])
            if least > 1:                 # one paragraph, whole: none of its lines left on the page before
                assert len({ln.origin.block for ln in above}) == 1 and above[0].first and above[-1].last
                assert not any(ln.origin.block == above[0].origin.block for ln in L.lines if ln.page == sig - 1)
            group = [ln.line for ln in L.lines if ln.page == sig and ln.element in ("署名", "成文日期", "附注")]
            assert max(group) - min(group) + 1 >= 13          # three rows of seals, the date and the 附注
    assert overs == {"附件说明": {14: 9, 15: 8}, "two-line": {9: 10, 10: 8, 20: 10, 21: 8}}
    monkeypatch.setattr(spec, "SIGNATURE_PAGE_LAST_PITCH", 0.56 * spec.LINE_PITCH)   # glyphs outgrow their lines below
    for kind, make in (("附件说明", lambda n: big(n, organs=5)), ("two-line", lambda n: two_line(n, 5))):
        for n in overs[kind]:
            L = build(read_string(make(n), ROOT / "doc.yaml"))
            if max(empty_before(L), default=0) <= spec.MAX_EMPTY_LINES_BEFORE_SIGNATURE:
                assert page_pitch(L) < 0.57, (kind, n, page_pitch(L))


def test_the_imprint_shares_the_closer_page(files):
    """An even signature page closes its lines up so that the 版记 stands under
    the signature there (before: two lines carried to page 3, the 版记 on page 4),
    to the last bound (spec.SIGNATURE_PAGE_LAST_PITCH): a sealed notice whose
    page 2 could close up round the signature at 0.955 of the pitch but round
    the 版记 too only at 0.80 used to carry two lines to page 3 and put the 版记
    on page 4; now it is two pages (tests/test_imprint_closer.py sweeps it)."""
    L = files["imprint"]["layout"]
    assert len(L.pages) == 2 and L.imprint_page == 2 and signature_page(L) == 2
    page = L.pages[1]
    assert spec.SIGNATURE_PAGE_MIN_PITCH <= page.pitch < spec.LINE_PITCH
    last = max(ln.line for ln in L.lines if ln.page == 2 and ln.line and ln.element in ("成文日期", "署名", "正文"))
    imprint_top = min(ln.line for ln in L.lines if ln.page == 2 and ln.element in ("抄送机关", "印发机关"))
    assert page.line_top(last) + page.pitch <= spec.line_top(imprint_top) + 1e-6
    sealed = build(read_string(one_sealed(6) + "抄送机关:\n  - 区委办公室\n印发机关: 淄博市临淄区市场监督管理局办公室\n"
                               "印发日期: 2024-03-05\n", ROOT / "doc.yaml"))
    assert not sealed.blank_pages and len(sealed.pages) == 2 and sealed.imprint_page == 2
    assert signature_page(sealed) == 2 and not any(ln.carried for ln in sealed.lines)
    assert spec.SIGNATURE_PAGE_LAST_PITCH <= sealed.pages[1].pitch < spec.SIGNATURE_PAGE_MIN_PITCH
    assert seal_clearance(sealed) >= 0
    for kind in ("pdf", "lo"):
        lines = pages_lines(files["imprint"][kind])
        assert len(lines) == 2 and any(t.endswith("印发") for _, t, _ in lines[1]), kind


def test_page_one_closes_up_under_its_header(files):
    """On page 1 only the lines from the 标题 down close up; the 版头 stays."""
    L = files["first"]["layout"]
    page = L.pages[0]
    assert len(L.pages) == 1 and spec.SIGNATURE_PAGE_MIN_PITCH <= page.pitch < spec.LINE_PITCH
    title = next(ln for ln in L.lines if ln.element == "标题")
    assert page.pitch_from == title.line
    number = next(ln for ln in L.lines if ln.element == "发文字号")
    main = build(read_string(one_page(4), ROOT / "doc.yaml"))       # one line less: the grid
    assert main.pages[0].pitch == spec.LINE_PITCH
    assert number.runs[0].baseline == next(ln for ln in main.lines if ln.element == "发文字号").runs[0].baseline


def test_attachment_names_wrap_between_words():
    """A wrapped 附件 name breaks where a word ends (issue 12 item 2's rule for
    titles, in the 附件说明): before, “…活动安 / 排” in data/'s joint notice and
    “…材料清 / 单” here; the DOCX carries the same breaks (test above, “joint”, “split”)."""
    L = build(read_string(long_note(2), ROOT / "doc.yaml"))
    notes = [ln.text for ln in L.lines if ln.element == "附件说明"]
    assert notes[:2] == ["附件：1．第0号关于知识产权质押融资工作的有关材料", "清单"]
    joint = build(read_string((ROOT / "data" / "joint-notice-2024.yaml").read_text(encoding="utf-8"), ROOT / "doc.yaml"))
    wrapped = [ln.text for ln in joint.lines if ln.element == "附件说明"]
    assert any(t.endswith("活动") for t in wrapped) and "安排" in wrapped, wrapped


def test_the_addressees_stay_when_the_text_is_carried():
    """§7.3.2 sends the 主送机关 to the 版记 only when they are so many that page 1
    shows no 正文 — not when its one paragraph went over with the signature
    (§7.3.5.4).  Before: a one-paragraph 印发 notice under a three-line title lost
    its 主送 to the 版记."""
    text = ("发文机关标志: 中共临朐县委办公室文件\n发文字号: 临办发〔2026〕10号\n"
            "标题: 中共临朐县委办公室临朐县人民政府办公室关于印发《临朐县2026年度乡村振兴重点任务清单》的通知\n"
            "主送机关: 各镇党委、政府，县直各部门\n正文: |\n"
            "  《临朐县2026年度乡村振兴重点任务清单》已经县委、县政府同意，现印发给你们，请结合实际认真贯彻落实。\n"
            "附件:\n  - 名称: 临朐县2026年度乡村振兴重点任务清单\n    内容: |\n      一、产业发展。\n"
            "  - 名称: 临朐县2026年度乡村振兴重点项目表\n    内容: |\n      一、项目。\n"
            "发文机关署名: 中共临朐县委办公室\n成文日期: 2026-02-10\n印章: true\n印发机关: 中共临朐县委办公室\n")
    L = build(read_string(text, ROOT / "doc.yaml"))
    assert [ln.page for ln in L.lines if ln.element == "主送机关"] == [1]
    assert not any(ln.element == "版记主送" for ln in L.lines)
    assert max(empty_before(L)) <= spec.MAX_EMPTY_LINES_BEFORE_SIGNATURE
