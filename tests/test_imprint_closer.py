"""The 版记 on the signature's page (issue 12, item 6, and the audit's finding):
when the 版记 does not fit under the signature group on an even last page, that
page's lines close up (§7.3.5.4 "调整行距") within spec.SIGNATURE_PAGE_LAST_PITCH
so that it stands there, before it moves on to the next even page — a blank
page between, or text carried to an odd page before it.  Before: an unsealed
notice with 14 抄送 organs whose signature just fitted page 2 printed a blank
page 3 and the 版记 alone on page 4.

A family of notices — unsealed and sealed (a seal image), 4 to 20 抄送 organs,
body lengths that bring the signature to the foot of page 2 — measured in our
PDF: no blank page that closer lines within the bound could have saved; the
版记's rules and text clear of the signature group and the seal; every page on
the grid but the signature's, whose lines stand evenly at one pitch no closer
than the bound.  LibreOffice's rendering of the DOCX of the tightest cases:
the same pages and line breaks."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from gongwen import spec
from gongwen.pipeline import build, fontbook
from gongwen.reader import read_string
from gongwen.writers.docx import render_docx
from gongwen.writers.pdf import render_pdf

from conftest import MM
from librender import render
from test_docx import _base, pages_lines
from test_layout_rules import BASE
from test_pdfa import _seal_png
from test_seal_imprint import CC

ORGANS = (4, 8, 12, 14, 16, 20)
LENGTHS = range(14, 38)          # one-line paragraphs: the signature ends page 2 from about 20 on


def notice(n: int, cc: int, sealed: bool) -> str:
    """n one-line paragraphs, one organ's signature (a seal image or none), `cc` 抄送 organs."""
    return (BASE + "正文: |\n" + "".join(f"  第{i}项工作按期完成，各单位要认真落实。\n" for i in range(n))
            + "发文机关署名: 淄博市临淄区市场监督管理局\n成文日期: 2024-03-05\n"
            + ("印章: seal0.png\n" if sealed else "")
            + "抄送机关:\n" + "".join(f"  - {c}\n" for c in CC[:cc])
            + "印发机关: 淄博市临淄区市场监督管理局办公室\n印发日期: 2024-03-05\n")


FAMILY = [(sealed, cc, n) for sealed in (False, True) for cc in ORGANS for n in LENGTHS]


@pytest.fixture(scope="module")
def family(tmp_path_factory) -> dict[tuple[bool, int, int], tuple[object, object, bytes, list[dict]]]:
    """(sealed, cc, n) → (Document, Layout, PDF bytes, the PDF's pages measured)."""
    d = tmp_path_factory.mktemp("imprint")
    _seal_png(d / "seal0.png")
    out = {}
    for key in FAMILY:
        sealed, cc, n = key
        doc = read_string(notice(n, cc, sealed), d / "doc.yaml")
        lay = build(doc)
        pdf = render_pdf(lay, doc, fontbook())
        out[key] = (doc, lay, pdf, _measure(pdf))
    return out


def _measure(data: bytes) -> list[dict]:
    """Per PDF page: 3号 baselines and glyph feet, 版记 (4号, inside the 版心) glyph tops
    and baselines, the black full-width rules, the images' feet, the 二号 glyphs' feet."""
    import pdfplumber
    out = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for p in pdf.pages:
            chars = [c for c in p.chars if c["text"].strip()]
            body = [c for c in chars if abs(c["size"] - spec.BODY_SIZE) < 0.1]
            small = [c for c in chars if abs(c["size"] - spec.IMPRINT_SIZE) < 0.1 and c["bottom"] / MM < spec.TYPE_BOTTOM]
            out.append({
                "chars": len(chars) + len(p.images),
                "base": sorted({round(_base(c), 2) for c in body}),
                "body_foot": max((c["bottom"] / MM for c in body), default=0.0),
                "imprint_top": min((c["top"] / MM for c in small), default=None),
                "imprint_lines": len({round(c["bottom"] / MM, 1) for c in small}),
                "rules": sorted(ln["top"] / MM for ln in p.lines
                                if abs(ln["x1"] - ln["x0"] - spec.TYPE_AREA_WIDTH * MM) < MM),
                "image_foot": max((im["bottom"] / MM for im in p.images), default=0.0),
                "title_foot": max((c["bottom"] / MM for c in chars if c["size"] > 20), default=0.0),
            })
    return out


def _signature_page(lay) -> int:
    return max(ln.page for ln in lay.lines if ln.element in ("署名", "成文日期"))


def _avoidable(lay, sealed: bool, pages: list[dict]) -> bool:
    """Could the signature's page, its lines closer within the bound, have held
    the 版记 — counted from the PDF: its lines of text, then one empty line,
    署名 and date (unsealed), or the 42 mm seal pressing on them, a line at most
    off the text and a line of reach below (sealed)?"""
    sig = _signature_page(lay)
    text = sum(1 for ln in lay.lines if ln.page == sig and ln.element == "正文")
    imprint = pages[-1]["imprint_lines"]
    room = (spec.LINES_PER_PAGE - imprint) * spec.LINE_PITCH
    lines = int(room / (spec.SIGNATURE_PAGE_LAST_PITCH - 1e-9))       # the most the bound allows above the 版记
    pitch = room / lines
    if sealed:
        return text * pitch + spec.SEAL_DIAMETER + 2 * pitch <= room
    return text + 1 + 2 <= lines


def test_no_blank_page_the_closer_lines_could_save(family):
    closed = blank = 0
    for key, (doc, lay, pdf, pages) in family.items():
        empty = [i for i, p in enumerate(pages, 1) if not p["chars"]]
        assert len(pages) % 2 == 0, key               # the 版记 on an even page
        sig = _signature_page(lay)
        if empty:
            blank += 1
            assert empty == [sig + 1] and len(pages) == sig + 2, key
            assert not _avoidable(lay, key[0], pages), key
        elif len(pages) == sig and lay.pages[sig - 1].pitch < spec.LINE_PITCH:
            closed += 1
    # the sweep meets both: the 版记 kept on a closer page, and a page too full for it even so
    assert closed >= 40 and blank >= 1, (closed, blank)


def test_the_imprint_clears_the_signature_and_the_seal(family):
    shared = 0
    for key, (doc, lay, pdf, pages) in family.items():
        last = pages[-1]
        assert last["rules"] and last["imprint_top"] is not None, key
        first_rule = last["rules"][0]
        assert first_rule < last["imprint_top"], key              # the 版记's text under its first rule
        assert last["rules"][-1] == pytest.approx(spec.TYPE_BOTTOM, abs=0.3), key
        if _signature_page(lay) == len(pages):
            shared += 1
            # date, 署名 and text above the 版记's first rule; the seal too
            assert last["body_foot"] <= first_rule + 1e-6, key
            assert last["image_foot"] <= first_rule + 1e-6, key
    assert shared, "the sweep never put the 版记 under the signature"


def test_the_grid_holds_but_on_the_signature_page(family):
    top = spec.baseline_in_cell(spec.line_top(1), spec.BODY_SIZE, spec.LINE_PITCH)
    for key, (doc, lay, pdf, pages) in family.items():
        sig = _signature_page(lay)
        for n, page in enumerate(pages, 1):
            bases = [b for b in page["base"] if b > page["title_foot"]]
            if not bases:
                continue
            if n != sig:
                assert all(abs((b - top) / spec.LINE_PITCH - round((b - top) / spec.LINE_PITCH)) < 0.01
                           for b in bases), (key, n)
                assert lay.pages[n - 1].pitch == spec.LINE_PITCH, (key, n)
                continue
            # the signature's page: one pitch, evenly, no closer than the bound
            pitch = min(b - a for a, b in zip(bases, bases[1:]))
            assert pitch >= spec.SIGNATURE_PAGE_LAST_PITCH - 0.02, key
            assert pitch == pytest.approx(lay.pages[n - 1].pitch, abs=0.02), key
            assert all(abs((b - a) / pitch - round((b - a) / pitch)) < 0.01 for a, b in zip(bases, bases[1:])), key


def test_docx_keeps_the_closer_pages(family, tmp_path):
    """The tightest closer page of each kind of notice, and one whose 版记 still
    moves on: LibreOffice's rendering of the DOCX has the PDF's pages and lines."""
    picks: dict[tuple[bool, int], tuple[float, tuple]] = {}
    moved = None
    for key, (doc, lay, pdf, pages) in family.items():
        sig = _signature_page(lay)
        if sig == len(lay.pages):
            pitch = lay.pages[sig - 1].pitch
            if key[:2] not in picks or pitch < picks[key[:2]][0]:
                picks[key[:2]] = (pitch, key)
        elif lay.blank_pages and moved is None:
            moved = key
    keys = [k for _, k in picks.values()] + ([moved] if moved else [])
    d = tmp_path / "docx"
    d.mkdir()
    _seal_png(d / "seal0.png")
    paths = []
    for key in keys:
        doc, lay, pdf, _ = family[key]
        stem = "n{}-{}-{}".format(int(key[0]), key[1], key[2])
        (d / f"{stem}.pdf").write_bytes(pdf)
        (d / f"{stem}.docx").write_bytes(render_docx(lay, doc))
        paths.append(d / f"{stem}.docx")
    lo = render(paths, tmp_path / "lo")
    for path in paths:
        ours, theirs = pages_lines(path.with_suffix(".pdf")), pages_lines(lo[path.stem])
        assert len(theirs) == len(ours), path.stem
        for n, (a, b) in enumerate(zip(ours, theirs), 1):
            assert [t for _, t, _ in b] == [t for _, t, _ in a], f"{path.stem}: page {n} differs"
            for (ba, t, _), (bb, _, _) in zip(a, b):
                assert abs(ba - bb) < 1.0, f"{path.stem}: page {n} {t!r} at {bb:.2f} mm, PDF {ba:.2f} mm"


def test_the_signature_gap_gives_way_to_the_imprint():
    """A sealed notice with a 代章 and a 附注 (two-line paragraphs, 14 抄送机关):
    its signature fits page 2 with two empty lines above it, the 版记 only with
    one — the seal's least clearance there.  Before, pagination counted on the
    one, placed it with two, and the 版记 went behind a blank page (4 pages);
    now the gap gives way, on the grid."""
    from test_seal_imprint import JOINT
    from test_seal_imprint import notice as two_line
    from conftest import ROOT
    L = build(read_string(two_line(10, JOINT[:1], "true", note=True, proxy=True, cc=14), ROOT / "doc.yaml"))
    assert len(L.pages) == 2 and not L.blank_pages and L.imprint_page == 2
    assert all(p.pitch == spec.LINE_PITCH for p in L.pages)
    text = max(ln.line for ln in L.lines if ln.page == 2 and ln.element == "正文")
    name = min(ln.line for ln in L.lines if ln.page == 2 and ln.element == "署名")
    assert name - text - 1 == 1
    note = max(ln.line for ln in L.lines if ln.page == 2 and ln.element == "附注")
    imprint = min(ln.line for ln in L.lines if ln.page == 2 and ln.element == "抄送机关")
    assert note < imprint
    seal_foot = spec.seal_centre(L.pages[1].line_top(name), L.pages[1].line_top(name + 2), spec.LINE_PITCH) \
        + spec.SEAL_DIAMETER / 2
    assert seal_foot <= spec.line_top(imprint)
