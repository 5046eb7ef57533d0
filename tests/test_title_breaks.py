"""Titles never break inside a word (issue 12, item 2), measured on a corpus of
real 公文 titles (tests/fixtures/titles.txt: 80 titles, each written as its
unbreakable units — issuing organs' names, words, 加强和改进, X行业 terms …).

Every title is laid out as generate.py lays it out (the organs of its line as
发文机关署名 and mark); four of them, the kinds the audit found broken, are
generated and read back from the PDF and from LibreOffice's rendering of the DOCX.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gongwen import spec
from gongwen.fonts import default_book

from conftest import MM, ROOT
from librender import generate_and_render

sys.path.insert(0, str(ROOT / "tools"))
from measure_title_breaks import in_word_breaks, lay_title, read_corpus  # noqa: E402

CORPUS = read_corpus()


def test_corpus_is_large_enough_and_long():
    assert len(CORPUS) >= 50
    long = [u for _, u in CORPUS if len("".join(u)) > 20]     # more than one line of 二号
    assert len(long) >= 50


@pytest.fixture(scope="module")
def fonts():
    return default_book()


@pytest.mark.parametrize("organs,units", CORPUS, ids=["".join(u)[:24] for _, u in CORPUS])
def test_no_break_inside_a_word(fonts, organs, units):
    title = "".join(units)
    lines = lay_title(title, organs, fonts)
    assert "".join(lines) == title
    assert not in_word_breaks(lines, units), " / ".join(lines)
    assert all(len(ln) >= 2 for ln in lines), "a single character on a line"


def test_issuing_organs_name_never_broken(fonts):
    """The issuer's name stays whole even where the rest of the title would
    balance better broken inside it."""
    organs = ("淄博市临淄区市场监督管理局", "淄博市临淄区科学技术局", "淄博市临淄区财政局")
    title = "".join(organs) + "关于联合开展知识产权质押融资工作的通知"
    lines = lay_title(title, organs, fonts)
    cuts = {sum(map(len, lines[:k])) for k in range(1, len(lines))}
    for o in organs:
        a = title.index(o)
        assert not any(a < c < a + len(o) for c in cuts), " / ".join(lines)


def test_an_organ_not_among_the_issuers_is_found_by_its_form(fonts):
    title = "淄博市人民政府关于同意淄博市临淄区人民政府调整部分行政区划的批复"
    lines = lay_title(title, ("淄博市人民政府",), fonts)
    inner = title.index("淄博市临淄区人民政府", 3)
    cuts = {sum(map(len, lines[:k])) for k in range(1, len(lines))}
    assert not any(inner < c < inner + 10 for c in cuts), " / ".join(lines)


# Place names no dictionary knows (made up: each character pair unlisted), with
# every kind of administrative suffix and organ head: found by their form alone.
UNKNOWN_PLACES = ("禾坪县", "湫渡镇", "桑岚区", "峁川乡", "雩都旗", "黎坝村", "栎溪市", "岢岚朵彝族自治县",
                  "沅岭州", "淄博市桑岚区")
HEADS = ("人民政府", "人民政府办公室", "人民代表大会常务委员会", "应急管理局", "教育和体育局", "委员会")


@pytest.mark.parametrize("place", UNKNOWN_PLACES)
def test_an_organ_whose_place_no_word_list_knows_stays_whole(fonts, place):
    from gongwen.layout.text import _words
    core = place.rstrip("县镇区乡旗村市州").replace("朵彝族自治", "")[-2:]
    assert core not in _words(), "the place must be unknown to the word list for this test to mean anything"
    for head in HEADS:
        organ = place + head
        for title, issuer in ((f"潍坊市人民政府关于同意{organ}调整部分行政区划的批复", "潍坊市人民政府"),
                              (f"山东省教育厅关于转发{organ}关于做好校园安全工作的通知的通知", "山东省教育厅"),
                              (f"{organ}关于进一步加强安全生产工作的通知", "山东省人民政府")):
            lines = lay_title(title, (issuer,), fonts)
            a = title.index(organ)
            cuts = {sum(map(len, lines[:k])) for k in range(1, len(lines))}
            assert not any(a < c < a + len(organ) for c in cuts), " / ".join(lines)


# --- the printed title: PDF and DOCX -------------------------------------------

CASES = {
    "joint": (("淄博市临淄区市场监督管理局", "淄博市临淄区科学技术局", "淄博市临淄区财政局"),
              "淄博市临淄区市场监督管理局 淄博市临淄区科学技术局 淄博市临淄区财政局 关于 开展 2024年度 "
              "知识产权 质押融资 “入园惠企” 活动 的 通知"),
    "shangqing": (("淄博市临淄区人力资源和社会保障局",),
                  "淄博市临淄区人力资源和社会保障局 关于 商请 协助 核查 企业 职工 养老保险 缴费 情况 的 函"),
    "gaijin": (("淄博市临淄区发展和改革局",),
               "淄博市临淄区发展和改革局 关于 进一步 加强和改进 政府投资项目 管理 的 通知"),
    "linqu": (("临朐县教育局",), "中共临朐县委办公室 临朐县人民政府办公室 关于 印发 《临朐县 2026年度 乡村振兴 "
                                "重点任务 清单》 的 通知"),
    "hangye": (("国家知识产权局",), "国家知识产权局 关于 开展 知识产权代理行业 “蓝天” 专项整治行动 的 通知"),
}


def _yaml(organs: tuple[str, ...], title: str) -> str:
    mark = (f"发文机关标志: {organs[0]}文件\n" if len(organs) == 1 else
            "发文机关标志:\n" + "".join(f"  - {o}\n" for o in organs))
    return (mark + "发文字号: 临文〔2024〕3号\n" + f"标题: {title}\n主送机关: 各有关单位\n"
            "正文: |\n  请认真贯彻执行。\n发文机关署名:\n" + "".join(f"  - {o}\n" for o in organs)
            + "成文日期: 2024-05-06\n")


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, dict[str, Path]]:
    d = tmp_path_factory.mktemp("titles")
    return generate_and_render(d, {name: _yaml(organs, units.replace(" ", "")) for name, (organs, units) in CASES.items()})


def title_lines(pdf_path: Path) -> list[str]:
    """The lines set in 二号 on page 1, top to bottom."""
    import pdfplumber
    with pdfplumber.open(pdf_path) as pdf:
        cs = [c for c in pdf.pages[0].chars if c["text"].strip() and abs(c["size"] - spec.TITLE_SIZE) < 0.6
              and c["top"] / MM > spec.TYPE_TOP + 60]
    rows: dict[float, list] = {}
    for c in cs:
        rows.setdefault(round(c["bottom"], 0), []).append(c)
    return ["".join(c["text"] for c in sorted(rows[k], key=lambda c: c["x0"])) for k in sorted(rows)]


@pytest.mark.parametrize("name", list(CASES))
def test_printed_title_breaks_at_words(printed, name):
    units = CASES[name][1].split()
    pdf = title_lines(printed[name]["pdf"])
    assert "".join(pdf) == "".join(units)
    assert len(pdf) >= 2
    assert not in_word_breaks(pdf, units), " / ".join(pdf)
    assert title_lines(printed[name]["lo"]) == pdf, "LibreOffice breaks the DOCX's title elsewhere"


def test_where_the_matchings_disagree_the_one_without_lone_characters_wins():
    from gongwen.layout.text import _lone_char, chosen_boundaries
    # forward 草原|生态, backward 草|原生态: the lone 草 is a word cut in two
    assert chosen_boundaries("草原生态", {2, 4}, {0, 1, 4}) == {0, 2, 4}
    # a lone character beside a break is no word (…自治州非 | 物质…), a function word is
    assert _lone_char("州非物质", 2, "非", "物质", False)
    assert _lone_char("州非物质", 1, "州", "非", False)
    assert not _lone_char("工作的通知", 3, "的", "通知", False)
