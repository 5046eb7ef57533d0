"""Measure the seed PDF against GB/T 9704-2012 (spec numbers in ../shared/spec/gbt9704.md).

Every figure here is read back from the produced PDF with pdfplumber: the
position of each glyph's origin (baseline), its font, size and colour, and the
rules drawn.  Distances are in millimetres from the top-left page corner.
"""
from __future__ import annotations

import functools
import re
from collections import defaultdict

import pytest

from gongwen import spec
from conftest import MM, SEED_ORIGINAL, SEED_TEXT

PAGE_H = 297 * MM


def base_mm(c) -> float:
    """Baseline of a char, mm from the page top (from its text matrix)."""
    return (PAGE_H - c["matrix"][5]) / MM


def x_mm(v: float) -> float:
    return v / MM


def em_top(c) -> float:
    return base_mm(c) - spec.EM_ASCENT * c["size"] * spec.PT


def lines_of(page, pred=lambda c: True):
    """Chars grouped into printed lines by baseline, top to bottom, left to right."""
    rows = defaultdict(list)
    for c in page.chars:
        if pred(c) and c["text"].strip():
            rows[round(base_mm(c), 1)].append(c)
    return [sorted(rows[k], key=lambda c: c["x0"]) for k in sorted(rows)]


def text(chars) -> str:
    return "".join(c["text"] for c in chars)


def in_body(c) -> bool:
    return base_mm(c) < spec.TYPE_BOTTOM + 1


def is_red(col) -> bool:
    return col is not None and len(col) == 3 and abs(col[0] - 1) < 0.01 and abs(col[1] - 0.2) < 0.01


def font(c) -> str:
    return c["fontname"].split("+")[-1]


# --- page and 版心 -----------------------------------------------------------

def test_a4_pages_even_count(seed_pdf):
    assert len(seed_pdf.pages) % 2 == 0
    for p in seed_pdf.pages:
        assert p.width == pytest.approx(210 * MM, abs=0.5)
        assert p.height == pytest.approx(297 * MM, abs=0.5)


def test_no_glyph_outside_type_area(seed_pdf):
    for p in seed_pdf.pages:
        for c in p.chars:
            if not c["text"].strip():
                continue
            top = em_top(c)
            if top > spec.TYPE_BOTTOM + 3:          # page number line, checked below
                continue
            assert x_mm(c["x0"]) >= spec.TYPE_LEFT - 0.05, c
            # the em box of a full line's last glyph may pass the edge by the grid tracking (0.07 mm)
            assert x_mm(c["x1"]) <= spec.TYPE_RIGHT + 0.1, (c["text"], x_mm(c["x1"]))
            assert top >= spec.TYPE_TOP - 0.05
            assert top + c["size"] * spec.PT <= spec.TYPE_BOTTOM + 0.05


def test_full_page_has_22_lines_of_28_characters(seed_pdf):
    # page 4 is full body text (pages 2 and 3 give their last line: a paragraph's
    # last line never stands alone atop a page, a heading keeps its text)
    page = seed_pdf.pages[3]
    lines = lines_of(page, in_body)
    assert len(lines) == 22
    bases = [base_mm(l[0]) for l in lines]
    pitches = [b - a for a, b in zip(bases, bases[1:])]
    assert all(p == pytest.approx(spec.LINE_PITCH, abs=0.01) for p in pitches)
    # the first line's em box is centred in grid cell 1
    assert em_top(lines[0][0]) == pytest.approx(spec.TYPE_TOP + (spec.LINE_PITCH - 16 * spec.PT) / 2, abs=0.05)
    full_cjk = [l for l in lines if len(l) == 28 and all(ord(c["text"]) > 0x2000 for c in l)]
    assert len(full_cjk) >= 5
    for l in full_cjk:
        assert x_mm(l[0]["x0"]) == pytest.approx(spec.TYPE_LEFT, abs=0.05)
        xs = [x_mm(c["x0"]) for c in l]
        steps = [b - a for a, b in zip(xs, xs[1:])]
        assert all(s == pytest.approx(spec.CHAR_PITCH, abs=0.01) for s in steps)


def test_every_full_line_is_justified_to_both_edges(seed_pdf):
    checked = 0
    for p in seed_pdf.pages:
        lines = [l for l in lines_of(p, in_body) if font(l[0]).startswith("FandolFang") and l[0]["size"] == 16
                 and x_mm(l[0]["x0"]) in (pytest.approx(spec.TYPE_LEFT, abs=0.05),
                                          pytest.approx(spec.TYPE_LEFT + 2 * spec.CHAR_PITCH, abs=0.05))]
        for l, nxt in zip(lines, lines[1:]):
            left = x_mm(l[0]["x0"])
            nleft = x_mm(nxt[0]["x0"])
            # a line followed by a continuation line (顶格) is a full line
            if abs(nleft - spec.TYPE_LEFT) < 0.05 and abs(left - spec.TYPE_RIGHT) > 50:
                right = x_mm(l[-1]["x0"]) + spec.CHAR_PITCH if ord(l[-1]["text"]) > 0x2000 else x_mm(l[-1]["x1"])
                assert right == pytest.approx(spec.TYPE_RIGHT, abs=0.15), text(l)
                checked += 1
    assert checked > 50


def test_kinsoku(seed_pdf):
    for p in seed_pdf.pages:
        for l in lines_of(p, in_body):
            assert l[0]["text"] not in "，。、；：？！）》」』】〕”’", text(l)
            assert l[-1]["text"] not in "（《「『【〔“‘", text(l)


def test_numbers_and_email_stay_whole(seed_pdf):
    body = [text(l) for p in seed_pdf.pages for l in lines_of(p, in_body)]
    assert any("0533-7215055" in t for t in body)
    assert any("Lzqkjjzscqj@zb.shandong.cn" in t for t in body)
    assert any("〔2023〕3号" in t for t in body)


# --- 版头 ---------------------------------------------------------------------

@functools.lru_cache(maxsize=8)
def red_ink_rows(pdf_path, page_index=0, dpi=400):
    """Rows (mm from the page top) that hold red ink, from a real rasterisation."""
    import pypdfium2
    doc = pypdfium2.PdfDocument(str(pdf_path))
    img = doc[page_index].render(scale=dpi / 72).to_pil().convert("RGB")
    doc.close()
    w, h = img.size
    px = img.load()
    rows = []
    for y in range(h):
        if any(px[x, y][0] > 200 and px[x, y][1] < 140 and px[x, y][2] < 140 for x in range(0, w, 2)):
            rows.append(y * 25.4 / dpi)
    return rows


def test_mark_red_centred_35mm_below_type_top(seed_pdf, seed_outputs):
    p = seed_pdf.pages[0]
    mark = [c for c in p.chars if is_red(c["non_stroking_color"])]
    assert text(mark) == "临淄区知识产权联席会议办公室文件"
    assert all(font(c).startswith("FandolSong-Bold") for c in mark)
    # the printed ink's top edge, measured on a 400 dpi rasterisation
    rows = red_ink_rows(seed_outputs["pdf"])
    assert rows[0] == pytest.approx(spec.MARK_TOP, abs=0.15)
    left, right = x_mm(min(c["x0"] for c in mark)), x_mm(max(c["x1"] for c in mark))
    assert left >= spec.TYPE_LEFT - 0.05 and right <= spec.TYPE_RIGHT + 0.05
    assert (left + right) / 2 == pytest.approx(spec.TYPE_CENTER_X, abs=0.3)
    assert right - left == pytest.approx(spec.TYPE_AREA_WIDTH, abs=1.0)   # long mark: fills the width


def test_doc_number_and_red_rule(seed_pdf, seed_outputs):
    p = seed_pdf.pages[0]
    num = next(l for l in lines_of(p) if text(l) == "临知联办字〔2023〕3号")
    centre = (x_mm(num[0]["x0"]) + x_mm(num[-1]["x1"])) / 2
    assert centre == pytest.approx(spec.TYPE_CENTER_X, abs=0.5)
    assert all(font(c).startswith("FandolFang") and c["size"] == 16 for c in num)
    # two empty lines between the mark's ink and the 发文字号's line
    rows = [y for y in red_ink_rows(seed_outputs["pdf"]) if y < em_top(num[0])]
    mark_bottom = rows[-1]
    cell_top = em_top(num[0]) - (spec.LINE_PITCH - 16 * spec.PT) / 2
    assert cell_top - mark_bottom == pytest.approx(2 * spec.LINE_PITCH, abs=0.15)
    rules = [l for l in p.lines + p.rects if is_red(l.get("stroking_color") or l.get("non_stroking_color"))]
    assert len(rules) == 1
    r = rules[0]
    assert x_mm(r["x0"]) == pytest.approx(spec.TYPE_LEFT, abs=0.1)
    assert x_mm(r["x1"]) == pytest.approx(spec.TYPE_RIGHT, abs=0.1)
    rule_top = r["top"] / MM - (r.get("linewidth", 0) / MM) / 2
    glyph_bottom = em_top(num[0]) + 16 * spec.PT
    assert rule_top - glyph_bottom == pytest.approx(4.0, abs=0.1)


# --- 主体 ---------------------------------------------------------------------

def test_title_two_lines_below_rule_centred_22pt(seed_pdf):
    p = seed_pdf.pages[0]
    title = [l for l in lines_of(p) if l[0]["size"] == pytest.approx(22)]
    assert [text(l) for l in title] == ["临淄区知识产权联席会议办公室", "关于开展全区知识产权宣传周活动的通知"]
    for l in title:
        assert all(font(c).startswith("FandolSong-Bold") for c in l)
        centre = (x_mm(l[0]["x0"]) + x_mm(l[-1]["x1"])) / 2
        assert centre == pytest.approx(spec.TYPE_CENTER_X, abs=0.3)
    rule = next(r for r in p.lines + p.rects if is_red(r.get("stroking_color") or r.get("non_stroking_color")))
    cell_top = base_mm(title[0][0]) - spec.EM_ASCENT * 22 * spec.PT - (spec.LINE_PITCH - 22 * spec.PT) / 2
    # title sits on a grid line; at least two whole empty lines between rule and title
    k = (cell_top - spec.TYPE_TOP) / spec.LINE_PITCH
    assert k == pytest.approx(round(k), abs=0.01)
    assert 2 * spec.LINE_PITCH <= cell_top - rule["top"] / MM < 3 * spec.LINE_PITCH
    assert base_mm(title[1][0]) - base_mm(title[0][0]) == pytest.approx(spec.LINE_PITCH, abs=0.01)


def test_addressee_one_line_below_title_flush_left(seed_pdf):
    lines = lines_of(seed_pdf.pages[0])
    i = next(i for i, l in enumerate(lines) if text(l).startswith("区知识产权联席会议成员单位"))
    assert text(lines[i]).endswith("：")
    assert x_mm(lines[i][0]["x0"]) == pytest.approx(spec.TYPE_LEFT, abs=0.05)
    expected = spec.baseline_in_cell(2 * spec.LINE_PITCH, 16) - spec.baseline_in_cell(0, 22)
    assert base_mm(lines[i][0]) - base_mm(lines[i - 1][0]) == pytest.approx(expected, abs=0.02)
    # body paragraph indented two characters
    assert x_mm(lines[i + 1][0]["x0"]) == pytest.approx(spec.TYPE_LEFT + 2 * spec.CHAR_PITCH, abs=0.05)


@pytest.mark.parametrize("heading,face", [("一、指导思想", "FandolHei"), ("六、有关要求", "FandolHei"),
                                          ("（一）开展地理标志保护运用宣传活动", "FandolKai"),
                                          ("（十一）开展知识产权宣传“媒体行”活动", "FandolKai")])
def test_heading_faces(seed_pdf, heading, face):
    for p in seed_pdf.pages:
        for l in lines_of(p):
            if text(l) == heading:
                assert all(font(c).startswith(face) for c in l)
                assert x_mm(l[0]["x0"]) == pytest.approx(spec.TYPE_LEFT + 2 * spec.CHAR_PITCH, abs=0.05)
                return
    pytest.fail(f"heading {heading} not found")


def test_heading_never_last_line_of_page(seed_pdf):
    for p in seed_pdf.pages:
        lines = lines_of(p, in_body)
        if lines:
            assert not font(lines[-1][0]).startswith(("FandolHei", "FandolKai")) or len(lines) < 20


def test_signature_sealed_layout(seed_pdf):
    """印章: true — date 右空四字, 署名 and 代章 centred over it, 附注 on the next line 左空二字."""
    found = {}
    for p in seed_pdf.pages:
        for l in lines_of(p, in_body):
            found[text(l)] = l          # the last occurrence: the title has the same words
    date = found["2023年4月18日"]
    name = found["临淄区知识产权联席会议办公室"]
    proxy = found["（区市场监管局代章）"]
    note = found["（此件公开发布）"]
    date_right = x_mm(date[-1]["x0"]) + spec.CHAR_PITCH
    assert date_right == pytest.approx(spec.TYPE_RIGHT - 4 * spec.CHAR_PITCH, abs=0.1)
    dc = (x_mm(date[0]["x0"]) + date_right) / 2
    for l in (name, proxy):
        c = (x_mm(l[0]["x0"]) + x_mm(l[-1]["x0"]) + spec.CHAR_PITCH) / 2
        assert c == pytest.approx(dc, abs=0.2)
    bases = [base_mm(l[0]) for l in (name, proxy, date, note)]
    assert [b - a for a, b in zip(bases, bases[1:])] == pytest.approx([spec.LINE_PITCH] * 3, abs=0.01)
    assert x_mm(note[0]["x0"]) == pytest.approx(spec.TYPE_LEFT + 2 * spec.CHAR_PITCH, abs=0.05)


# --- 版记 ---------------------------------------------------------------------

def test_imprint_on_last_even_page_at_bottom(seed_pdf):
    last = seed_pdf.pages[-1]
    assert len(seed_pdf.pages) % 2 == 0
    rules = sorted(last.lines + last.rects, key=lambda r: r["top"])
    assert len(rules) >= 2
    bottom = rules[-1]
    width = bottom.get("linewidth") or (bottom["bottom"] - bottom["top"])
    assert (bottom["top"] / MM + width / MM / 2) == pytest.approx(spec.TYPE_BOTTOM, abs=0.05)
    assert width / MM == pytest.approx(0.35, abs=0.01)
    assert rules[0].get("linewidth", 0) / MM == pytest.approx(0.35, abs=0.01)
    for r in rules:
        assert x_mm(r["x0"]) == pytest.approx(spec.TYPE_LEFT, abs=0.1)
        assert x_mm(r["x1"]) == pytest.approx(spec.TYPE_RIGHT, abs=0.1)
    line = lines_of(last, in_body)[-1]
    assert text(line) == "临淄区知识产权联席会议办公室2022年4月18日印发"
    ch = spec.char_width(14)
    assert all(c["size"] == pytest.approx(14) for c in line)
    assert x_mm(line[0]["x0"]) == pytest.approx(spec.TYPE_LEFT + ch, abs=0.05)
    assert x_mm(line[-1]["x0"]) + ch == pytest.approx(spec.TYPE_RIGHT - ch, abs=0.1)
    # the 印发 line sits between the last two rules
    assert rules[-2]["top"] < line[0]["top"] and line[0]["bottom"] < rules[-1]["top"]


# --- page numbers -------------------------------------------------------------

def test_page_numbers(seed_pdf):
    ch = spec.char_width(14)
    for i, p in enumerate(seed_pdf.pages, start=1):
        nums = [l for l in lines_of(p) if base_mm(l[0]) > spec.TYPE_BOTTOM + 3]
        body = lines_of(p, in_body)
        if not body:
            assert not nums, f"page {i} is blank and must carry no number"
            continue
        assert len(nums) == 1
        l = nums[0]
        assert text(l) == f"—{i}—"
        assert all(font(c).startswith("FandolSong-Regular") and c["size"] == 14 for c in l)
        # the dashes' ink 7 mm below the 版心 (measured in test_page_numbers.py):
        # with FandolSong's dash the em box's top stands 2.8 mm higher
        assert em_top(l[0]) == pytest.approx(spec.TYPE_BOTTOM + 7 - 2.81, abs=0.05)
        if i % 2:
            assert x_mm(l[-1]["x1"]) == pytest.approx(spec.TYPE_RIGHT - ch, abs=0.05)
        else:
            assert x_mm(l[0]["x0"]) == pytest.approx(spec.TYPE_LEFT + ch, abs=0.05)


# --- the text itself ------------------------------------------------------------

def _normalise(s: str) -> str:
    s = s.replace("(", "（").replace(")", "）")
    return re.sub(r"[\s#*\-]+", "", s)


def test_text_is_the_seed_in_order(seed_pdf):
    if SEED_ORIGINAL.exists():                    # the fixture is the original, unchanged
        assert SEED_TEXT.read_bytes() == SEED_ORIGINAL.read_bytes()
    got = "".join(text(l) for p in seed_pdf.pages for l in lines_of(p, in_body))
    want = SEED_TEXT.read_text(encoding="utf-8")
    assert _normalise(got) == _normalise(want)


def test_fonts_embedded_as_subsets_and_no_base14(seed_outputs):
    from pypdf import PdfReader
    r = PdfReader(seed_outputs["pdf"])
    names = set()
    for page in r.pages:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            names.add(f["/BaseFont"])
            desc = f.get("/FontDescriptor") or f["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in desc.get_object()
    assert names and all(re.match(r"/[A-Z]{6}\+", n) for n in names), names
    assert not any("Helvetica" in n for n in names)
