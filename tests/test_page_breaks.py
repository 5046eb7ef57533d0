"""Page breaks (issue 12, items 5 and 9): a heading — and the headings under it —
never ends a page; a paragraph broken by a page keeps two lines at least on
either side (the page gives a line rather than leave one alone: the 22-line
grid stays); a 出席/列席 entry is never broken by a page.

Notices written so that each rule is forced at a page foot: a 一级 heading with
a 二级 one under it on lines 21–22, a paragraph whose last line would stand
alone atop the next page, one whose first line would stand alone at the foot,
a heading with a three-line paragraph at the foot (the upward 请示's case), and
a 纪要 whose 出席 list starts on a page's last line.  Measured in the PDF
(pdfplumber: which text is on which page and grid line) and in LibreOffice's
rendering of the DOCX: the same lines on the same pages and grid lines."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from gongwen import spec

from librender import generate_and_render
from test_docx import pages_lines

HEAD = """发文机关标志: 淄博市临淄区市场监督管理局文件
发文字号: 临市监发〔2024〕7号
标题: 关于做好知识产权工作的通知
主送机关: 各有关单位
正文: |
"""
TEXT = "知识产权保护是激励创新的基本手段，是创新原动力的基本保障，是国际竞争力的核心要素" * 20
TAGS = [a + b for a, b in itertools.product("甲乙丙丁戊己庚辛", "子丑寅卯辰巳午未")]


def _para(lines: int, tag: str) -> str:
    """A paragraph of `lines` printed lines (26 characters after the indent, 28 on the others)."""
    return (tag + TEXT)[:26 + 28 * (lines - 1) - 2] + "。"


def _feet() -> tuple[str, list[str]]:
    """The notice, and its paragraphs in order (headings as printed)."""
    tags = iter(TAGS)
    paras: list[str] = []
    src: list[str] = []

    def p(n: int) -> None:
        paras.append(_para(n, next(tags)))
        src.append(paras[-1])

    def h(text: str, printed: str) -> None:
        paras.append(printed)
        src.append(text)
    # page 1 (text from line 14): 一级 on line 21, 二级 on 22 — both go over with their text
    p(3), p(3), p(1), h("# 资金用途", "一、资金用途"), h("## 资金来源", "（一）资金来源"), p(3)
    # page 2: a five-line paragraph from line 19: three lines here, two over (not 4 + 1)
    p(3), p(3), p(3), p(3), p(1), p(5)
    # page 3: a four-line paragraph from line 22: all of it goes over (not 1 + 3)
    for _ in range(6):
        p(3)
    p(1), p(4)
    # page 4: a heading on line 21 with a three-line paragraph: both go over
    for _ in range(5):
        p(3)
    p(1), h("# 工作要求", "二、工作要求"), p(3)
    return HEAD + "".join(f"  {s}\n" for s in src) + "发文机关署名: 淄博市临淄区市场监督管理局\n成文日期: 2024-03-05\n", paras


NAMES = ["王某（副区长）", "吕某（区市场监管局局长）", "孙某（区科技局局长）", "赵某（区财政局副局长）",
         "钱某（区教体局局长）", "周某（区政府办公室副主任）", "李某（区司法局副局长）"]
MINUTES = ("版式: 纪要\n发文机关标志: 临淄区知识产权联席会议纪要\n发文字号: 第2期\n正文: |\n"
           + "".join(f"  {_para(3, t)}\n" for t in TAGS[:3])       # text to line 20, the 出席 entry from 22
           + "出席:\n" + "".join(f"  - {n}\n" for n in NAMES) + "列席:\n  - 刘某（区政府办公室副主任）\n")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, dict[str, Path]]:
    d = tmp_path_factory.mktemp("pagebreaks")
    return generate_and_render(d, {"feet": _feet()[0], "minutes": MINUTES})


def printed(path: Path) -> list[tuple[int, int, str]]:
    """(page, grid line, text) of every line printed in the 版心's grid, page numbers left out."""
    em = spec.BODY_SIZE * spec.PT
    first_base = spec.TYPE_TOP + (spec.LINE_PITCH - em) / 2 + spec.EM_ASCENT * em
    out = []
    for n, page in enumerate(pages_lines(path), 1):
        for base, text, _ in page:
            if base < spec.TYPE_BOTTOM:
                out.append((n, round((base - first_base) / spec.LINE_PITCH) + 1, text))
    return out


def _paragraph_lines(lines: list[tuple[int, int, str]], paras: list[str]) -> list[list[tuple[int, int, str]]]:
    """The printed lines of each paragraph, in order, from the first paragraph's first line."""
    start = next(i for i, ln in enumerate(lines) if ln[2].startswith(paras[0][:4]))
    out, i = [], start
    for p in paras:
        got, text = [], ""
        while len(text) < len(p):
            got.append(lines[i])
            text += lines[i][2]
            i += 1
        assert text == p, (text, p)
        out.append(got)
    return out


@pytest.mark.parametrize("kind", ["pdf", "lo"])
def test_no_heading_ends_a_page_and_no_line_stands_alone(files, kind):
    text, paras = _feet()
    lines = printed(files["feet"][kind])
    by_para = _paragraph_lines(lines, paras)
    last_line = {}
    for pg, ln, _ in lines:
        last_line[pg] = max(last_line.get(pg, 0), ln)
    for p, got in zip(paras, by_para):
        pages = [pg for pg, _, _ in got]
        if p.startswith(("一、", "二、", "（一）")):
            assert len(set(pages)) == 1 and last_line[pages[0]] > got[-1][1], f"{kind}: {p} ends page {pages[0]}"
        for pg in set(pages):
            if len(set(pages)) > 1:
                assert pages.count(pg) >= 2, f"{kind}: {p[:4]}… has one line alone on page {pg}"
    # the rules were forced: each case page gives its foot line(s)
    heading = {p: got[0] for p, got in zip(paras, by_para)}
    assert heading["一、资金用途"][:2] == (2, 1) and heading["（一）资金来源"][:2] == (2, 2)
    assert heading["二、工作要求"][:2] == (5, 1)
    assert [last_line[n] for n in (1, 2, 3, 4)] == [20, 21, 21, 20]
    five = next(got for p, got in zip(paras, by_para) if len(got) == 5)
    assert [pg for pg, _, _ in five] == [2, 2, 2, 3, 3]


def test_attendance_entry_never_broken_by_a_page(files):
    for kind in ("pdf", "lo"):
        lines = printed(files["minutes"][kind])
        entry = [ln for ln in lines if ln[2].startswith("出席")]
        assert entry and entry[0][:2] == (2, 1), f"{kind}: the 出席 entry starts at {entry[:1]}"
        names = "".join(t for pg, _, t in lines if pg == 2 and "（" in t and not t.startswith("列席"))
        assert all(n in names for n in NAMES), f"{kind}: 出席 names not all on page 2: {names}"
        assert max(ln for pg, ln, _ in lines if pg == 1) == 20


@pytest.mark.parametrize("name", ["feet", "minutes"])
def test_docx_breaks_pages_where_the_pdf_does(files, name):
    """LibreOffice's rendering of the DOCX: the same lines on the same pages and grid lines."""
    ours, theirs = printed(files[name]["pdf"]), printed(files[name]["lo"])
    assert len(pages_lines(files[name]["lo"])) == len(pages_lines(files[name]["pdf"]))
    assert theirs == ours
