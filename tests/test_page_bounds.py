"""Issue 17 item 1: never a glyph off the paper.  A 版记 taller than the room on
the last page flows over pages of its own (the last even, each part between its
outer rules: gongwen/layout/imprint.py), elements that can never fit are a
Chinese error naming the field and the limit before anything is written, absurd
sizes end at once, and layout's last look (limits.check_inside) stops any item
outside the paper or the 版心 as an internal error — never a file.

Measured in our PDF (pdfplumber: every char, rect, line and image), in
LibreOffice's rendering of our DOCX and in our OFD (every glyph's position)."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from gongwen import spec

from conftest import MM, run_generate, write_yaml
from librender import render
from test_ofd import O, Package, glyphs

BASE = """\
发文机关标志: 淄博市临淄区市场监督管理局文件
发文字号: 临市监发〔2024〕7号
{signers}标题: 关于做好知识产权工作的通知
主送机关: {addressees}
正文: |
  为进一步做好知识产权工作，现将有关事项通知如下。
  特此通知。
发文机关署名: 淄博市临淄区市场监督管理局
成文日期: 2024-03-05
印章: true
{extra}印发机关: {printer}
印发日期: 2024-03-05
"""
PRINTER = "淄博市临淄区市场监督管理局办公室"


def organs(n: int) -> list[str]:
    return [f"淄博市临淄区第{i}街道办事处" for i in range(1, n + 1)]


def notice(addressees: str = "各有关单位", extra: str = "", printer: str = PRINTER, signers: list[str] = ()) -> str:
    s = "签发人:\n" + "".join(f"  - {n}\n" for n in signers) if signers else ""
    return BASE.format(addressees=addressees, extra=extra, printer=printer, signers=s)


def cc(names: list[str]) -> str:
    return "抄送机关:\n" + "".join(f"  - {n}\n" for n in names)


GOOD = {"cc42": notice(extra=cc(organs(42))),                 # 抄送 from the foot of page 1 over page 2
        "cc50": notice(extra=cc(organs(50))),                 # 抄送 over two pages of its own
        "addr300": notice(addressees="、".join(organs(300)))}  # 主送 moved to the 版记, over eight pages


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> dict[str, dict[str, Path]]:
    d = tmp_path_factory.mktemp("bounds")
    out = {}
    for name, text in GOOD.items():
        src = write_yaml(d, text, f"{name}.yaml")
        r = run_generate(str(src), "--out", str(d / name), "--formats", "pdf,docx,ofd")
        assert r.returncode == 0, r.stderr
        out[name] = {p.suffix[1:]: p for p in (d / name).iterdir()}
    lo = render([out[n]["docx"] for n in GOOD], d / "lo")
    for name in GOOD:
        out[name]["lo"] = lo[name]
    return out


def pages_of(path: Path) -> list[dict]:
    import pdfplumber
    out = []
    with pdfplumber.open(path) as pdf:
        for pg in pdf.pages:
            objs = pg.chars + pg.rects + pg.lines + pg.images
            lines = (pg.extract_text() or "").split("\n")
            number = bool(lines) and re.fullmatch(r"— \d+ —", lines[-1].strip()) is not None
            out.append({
                "off_paper": [o for o in objs if o["x0"] < -0.01 or o["top"] < -0.01 or o["x1"] > pg.width + 0.01
                              or o["bottom"] > pg.height + 0.01],
                # the 版心 holds everything but the page number (§7.5)
                "off_area": [c["text"] for c in pg.chars if not (c["top"] >= spec.TYPE_BOTTOM * MM
                                                                 and c["text"] in "—0123456789 ") and not (
                    spec.TYPE_LEFT * MM - 0.5 <= c["x0"] and c["x1"] <= spec.TYPE_RIGHT * MM + 0.5
                    and spec.TYPE_TOP * MM - 0.5 <= c["top"] and c["bottom"] <= spec.TYPE_BOTTOM * MM + 0.5)],
                "rules": sorted(round(r["top"] / MM, 1) for r in pg.rects + pg.lines if r["width"] > 150 * MM),
                "lines": [ln for ln in lines[:-1 if number else None] if ln.strip()],
                "numbered": number})
    return out


def joined(lines: list[str]) -> str:
    return "".join(lines).replace(" ", "")


@pytest.mark.parametrize("kind", ["pdf", "lo"])
@pytest.mark.parametrize("name,label,count,pages", [("cc42", "抄送：", 42, 2), ("cc50", "抄送：", 50, 4),
                                                    ("addr300", "主送：", 300, 10)])
def test_long_imprint_flows_over_pages_of_its_own(good, kind, name, label, count, pages):
    """All on the paper and in the 版心; the 版记's pages follow the text, the last
    even, each between a rule above its first line and the rule on the 版心's
    bottom; every organ in order, the 印发 line last, on the last rule."""
    got = pages_of(good[name][kind])
    assert len(got) == pages
    assert all(not p["off_paper"] and not p["off_area"] for p in got), [(p["off_paper"], p["off_area"]) for p in got]
    text_pages = [i for i, p in enumerate(got) if any("特此通知" in ln for ln in p["lines"])]
    imprint = [i for i, p in enumerate(got) if any(label in ln for ln in p["lines"])]
    first = imprint[0]
    assert text_pages == [0] and first == {"cc42": 0, "cc50": 2, "addr300": 2}[name]
    if first == 2:                                   # a blank page between, unnumbered
        assert not got[1]["lines"] and not got[1]["numbered"]
    assert [p["numbered"] for p in got] == [True] + [first == 0] * (pages - 1)
    flow = [ln for p in got[first:] for ln in p["lines"]]
    for p in got[first:]:
        assert p["rules"][-1] == pytest.approx(spec.TYPE_BOTTOM - spec.IMPRINT_OUTER_RULE, abs=0.3)
        assert len(p["rules"]) >= 2
    assert got[first + 1]["rules"][0] == pytest.approx(spec.TYPE_TOP, abs=0.3)     # a full page: from line 1
    assert len(got[-1]["lines"]) == spec.LINES_PER_PAGE                            # the last page full
    text = joined(flow)
    assert text.count(label) == 1
    text = text[text.index(label):]
    positions = [text.find(o + ("，" if label == "抄送：" else "、")) for o in organs(count)[:-1]]
    assert all(a < b for a, b in zip(positions, positions[1:])) and -1 not in positions
    assert joined(got[-1]["lines"][-1:]) == PRINTER + "2024年3月5日印发"
    assert len(got) % 2 == 0


def test_ofd_draws_the_same_pages_on_the_paper(good):
    for name in GOOD:
        pkg = Package(good[name]["ofd"])
        assert len(pkg.pages) == len(pages_of(good[name]["pdf"]))
        for i in range(len(pkg.pages)):
            for obj in pkg.content(i).iter(f"{O}TextObject"):
                for ch, x, y in glyphs(obj):
                    assert 0 <= x <= spec.PAGE_WIDTH and 0 <= y <= spec.PAGE_HEIGHT, (name, i, ch, x, y)


# -- what can never fit: a clear error, nothing written -------------------------------------

BAD = {
    "signers200": (notice(signers=[f"张{chr(0x4e00 + i)}国" for i in range(200)]), "签发人", ("200 个", "最多排 20 个签发人")),
    "signer-long": (notice(signers=["欧阳" * 20]), "签发人", ("排不下", "最多 11 个字")),
    "printer200": (notice(printer=("淄博市临淄区市场监督管理局办公室" * 13)[:200]), "印发机关",
                   ("200 个字", "最多排 19 个字")),
    "proxy362": (notice(extra="代章: " + ("淄博市临淄区市场监督管理局" * 28)[:360] + "代章\n"), "代章",
                 ("362 个字", "最多排 26 个字")),
    "signer-name": (notice().replace("发文机关署名: 淄博市临淄区市场监督管理局", "发文机关署名: " + "临淄" * 15), "发文机关署名",
                    ("30 个字", "最多排 28 个字")),
    "seal-rows": (notice().replace("发文机关署名: 淄博市临淄区市场监督管理局", "发文机关署名:\n" + "".join(
        f"  - 区{c}局\n" for c in "甲乙丙丁戊己庚辛壬癸子丑寅")), "发文机关署名", ("13 个", "每排 3 枚", "最多 12 个机关")),
    "addr320k": (notice(addressees="各有关单位" * 64_000), "主送机关", ("320000 个字", "最多排 10 页")),
    "cc20000": (notice(extra=cc(organs(20_000))), "抄送机关", ("20000 个机关", "最多排 10 页")),
    "cc400": (notice(extra=cc(organs(400))), "抄送机关", ("400 个机关", "要排 11 页", "最多排 10 页")),
}


@pytest.mark.parametrize("name", list(BAD))
def test_what_can_never_fit_is_refused_naming_field_and_limit(tmp_path, name):
    text, field, words = BAD[name]
    src = write_yaml(tmp_path, text, f"{name}.yaml")
    out = tmp_path / "out"
    r = run_generate(str(src), "--out", str(out))          # run_generate's timeout bounds it
    assert r.returncode == 1, r.stderr
    assert f"【{field}】" in r.stderr and "未生成任何文件" in r.stderr and "Traceback" not in r.stderr
    assert all(w in r.stderr for w in words), r.stderr
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith(field))
    assert f"{name}.yaml:{line}:" in r.stderr
    assert not out.exists() or not any(out.iterdir())


# -- layout's last look ---------------------------------------------------------------------

def test_an_item_off_the_paper_stops_generation_before_any_file(tmp_path, monkeypatch, capsys):
    """A fault of layout's own (here a page number put 40 mm below the paper) is
    caught by the last look: an internal error naming page, element and place,
    and no file."""
    import gongwen.layout as layout_mod
    from gongwen import cli
    from gongwen.layout.limits import LayoutFault, check_inside
    real = layout_mod.page_number

    def low(n, fonts):
        return [r.__class__(**{**r.__dict__, "baseline": r.baseline + 40}) for r in real(n, fonts)]
    monkeypatch.setattr(layout_mod, "page_number", low)
    src = write_yaml(tmp_path, notice(), "doc.yaml")
    out = tmp_path / "out"
    assert cli.main([str(src), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "内部错误（LayoutFault" in err and "第 1 页的页码" in err and "纸张以外" in err and "未生成任何文件" in err
    assert not out.exists() or not any(out.iterdir())
    monkeypatch.undo()
    from gongwen.pipeline import build
    from gongwen.reader import read_string
    L = build(read_string(notice()))
    check_inside(L)                                    # the real layout passes
    page = L.pages[0]
    run = [i for i in page.items if i.__class__.__name__ == "TextRun" and i.element == "正文"][0]
    page.items.append(run.__class__(**{**run.__dict__, "xs": tuple(x + 2 * spec.CHAR_PITCH + 5 for x in run.xs)}))
    with pytest.raises(LayoutFault, match="版心以外"):
        check_inside(L)                                # a line pushed past the 版心's right edge


@pytest.mark.parametrize("name", ["printer200", "cc400"])
def test_check_says_it_too(tmp_path, name):
    """`check` lays the notice out (writing nothing) and reports the same limit."""
    text, field, words = BAD[name]
    src = write_yaml(tmp_path, text, f"{name}.yaml")
    r = run_generate("check", str(src))
    assert r.returncode == 1 and f"【{field}】" in r.stdout and all(w in r.stdout for w in words), r.stdout
