"""签发人 (§7.2.6): "一般每行排两个姓名，回行时与上一行第一个签发人姓名对齐", the
发文字号 level with the last line of names, the red rule 4 mm under it.
Measured in our PDF and in LibreOffice's rendering of our DOCX."""
from __future__ import annotations

from pathlib import Path

import pytest

from gongwen import spec

from conftest import MM
from librender import generate_and_render
from test_docx import pages_lines, red_lines

UPWARD = """\
发文机关标志: 淄博市临淄区农业农村局文件
发文字号: 临农呈〔2024〕6号
签发人:
{signers}标题: 关于申请2024年度高标准农田建设补助资金的请示
主送机关: 淄博市临淄区人民政府
正文: |
  为加快推进高标准农田建设，现申请补助资金一百二十万元。
  妥否，请批示。
成文日期: 2024-06-12
印章: true
"""
SIGNERS = {"one": ["张建国"], "two": ["张建国", "李四"], "three": ["张建国", "李四", "欧阳明远"],
           "four": ["张建国", "李四", "欧阳明远", "王五"]}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, dict[str, Path]]:
    d = tmp_path_factory.mktemp("signers")
    return generate_and_render(d, {name: UPWARD.format(signers="".join(f"  - {n}\n" for n in names))
                                   for name, names in SIGNERS.items()})


def header_lines(path: Path) -> list[tuple[float, str, list]]:
    """Page 1's lines between the mark and the red rule (签发人 and 发文字号)."""
    rule = red_lines(path)[-1][1] if red_lines(path) else 0
    return [ln for ln in pages_lines(path)[0] if spec.MARK_TOP + 20 < ln[0] < rule]


def _x(chars, text: str) -> float:
    joined = "".join(c["text"] for c in chars)
    return chars[joined.index(text)]["x0"] / MM


@pytest.mark.parametrize("kind", ["pdf", "lo"])
@pytest.mark.parametrize("name", list(SIGNERS))
def test_two_names_a_line_number_on_the_last(files, name, kind):
    names = SIGNERS[name]
    lines = header_lines(files[name][kind])
    rows = [names[i:i + 2] for i in range(0, len(names), 2)]
    assert len(lines) == len(rows), [t for _, t, _ in lines]
    for k, ((_, text, chars), row) in enumerate(zip(lines, rows)):
        want = ("签发人：" if k == 0 else "") + "".join(row)
        assert text.endswith(want)
        if k == len(rows) - 1:
            assert text == "临农呈〔2024〕6号" + want, "the 发文字号 stands on the last line of names"
            assert chars[0]["x0"] / MM == pytest.approx(spec.TYPE_LEFT + spec.CHAR_PITCH, abs=0.3)
        # each name in its column: a wrapped line's first name under the first name above
        assert _x(chars, row[0]) == pytest.approx(_x(lines[0][2], names[0]), abs=0.3)
        if len(row) == 2:
            assert _x(chars, row[1]) == pytest.approx(_x(lines[0][2], names[1]), abs=0.3)
    # the block 右空一字: its widest line ends one 字 from the 版心's right edge
    right = max(c["x1"] for _, _, cs in lines for c in cs) / MM
    assert right == pytest.approx(spec.TYPE_RIGHT - spec.CHAR_PITCH, abs=0.3)
    # and the names are apart: at least one 字 between the two of a line
    first = lines[0][2]
    if len(names) > 1:
        end_1 = max(c["x1"] for c in first if c["x0"] / MM < _x(first, names[1]) - 0.1) / MM
        assert _x(first, names[1]) - end_1 >= spec.CHAR_PITCH - 0.3


@pytest.mark.parametrize("kind", ["pdf", "lo"])
def test_rule_drops_a_line_only_for_a_third_signer(files, kind):
    rule = {n: red_lines(files[n][kind])[-1][1] for n in SIGNERS}
    assert rule["two"] == pytest.approx(rule["one"], abs=0.05)
    assert rule["three"] - rule["two"] == pytest.approx(spec.LINE_PITCH, abs=0.3)
    assert rule["four"] == pytest.approx(rule["three"], abs=0.05)
    # 4 mm below the bottom of the 发文字号's em box
    base = header_lines(files["three"][kind])[-1][0]
    em = spec.BODY_SIZE * spec.PT
    assert rule["three"] - (base + (1 - spec.EM_ASCENT) * em) == pytest.approx(
        spec.RULE_GAP_BELOW_DOC_NUMBER + spec.HEADER_RULE_WIDTH / 2, abs=0.4)


def test_docx_names_where_the_pdf_has_them(files):
    for name in SIGNERS:
        pdf, lo = header_lines(files[name]["pdf"]), header_lines(files[name]["lo"])
        assert [t for _, t, _ in lo] == [t for _, t, _ in pdf]
        for (b0, _, c0), (b1, _, c1) in zip(pdf, lo):
            assert abs(b0 - b1) < 1.0
            for a, b in zip(c0, c1):
                assert abs(a["x0"] - b["x0"]) / MM < 0.5, (name, a["text"])
