"""Table cells (issue 12, item 4): a contact list with phone numbers and e-mail
addresses.  Cells never split a number, a phone number, a name, a short word
(副科长) or a short header (联系人); an e-mail address breaks only after its @
or a dot; the 序号 column is as narrow as its content.  Read back from the PDF
(pdfplumber: the cells are found between the table's own rules) and from
LibreOffice's rendering of the DOCX."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from gongwen import spec

from conftest import MM
from librender import generate_and_render

ROWS = [
    ["1", "淄博市临淄区市场监督管理局", "吕姿莹", "副科长", "0533-7215055", "lvzy@zblz.gov.cn"],
    ["2", "淄博市临淄区科学技术局", "张建国", "科长", "0533-2181001", "zd@example.gov.cn"],
    ["3", "齐都镇人民政府", "王五", "副主任科员", "0533-7216688", "qdz_zscq@zblz.gov.cn"],
    ["4", "淄博市临淄区财政局", "欧阳明远", "主任", "0533-7211234", "oymy@zblz.gov.cn"],
    ["5", "稷下街道办事处", "李四", "干部", "0533-7110086", "jxjd@zblz.gov.cn"],
    ["6", "淄博市临淄区教育和体育局", "孙六", "副科长", "0533-7212345", "jtj@zblz.gov.cn"],
]
HEADS = {
    "six": ["序号", "单位名称", "联系人", "职务", "联系电话", "电子邮箱"],
    "five": ["序号", "单位名称", "联系人", "联系电话", "电子邮箱"],
}
NOTICE = """\
发文机关标志: 淄博市临淄区市场监督管理局文件
发文字号: 临市监发〔2024〕21号
标题: 关于报送知识产权工作联系人的通知
主送机关: 各镇人民政府、街道办事处，区直有关部门
正文: |
  为加强工作联系，请各单位于5月10日前确定一名知识产权工作联系人，名单见附件。
附件:
  - 名称: 知识产权工作联系人名单
    内容:
      - 表格:
          表头: [{head}]
          行:
{rows}成文日期: 2024-05-06
印章: true
"""


def _notice(name: str) -> str:
    keep = [HEADS["six"].index(h) for h in HEADS[name]]
    rows = "".join("            - [" + ", ".join(r[k] for k in keep) + "]\n" for r in ROWS)
    return NOTICE.format(head=", ".join(HEADS[name]), rows=rows)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, dict[str, Path]]:
    d = tmp_path_factory.mktemp("tables")
    return generate_and_render(d, {name: _notice(name) for name in HEADS})


def table_cells(path: Path, chars_too: bool = False) -> list:
    """The table as printed: rows (between horizontal rules) of cells (between
    vertical rules) of lines (chars sharing a baseline); with chars_too, each
    cell is (lines, its chars, its width between the rules in mm)."""
    import pdfplumber
    out = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            vert = sorted({round(l["x0"] / MM, 1) for l in page.lines + page.rects
                           if abs(l["x1"] - l["x0"]) < 1 and l["bottom"] - l["top"] > 5 * MM})
            hor = sorted({round(l["top"] / MM, 1) for l in page.lines + page.rects
                          if l["x1"] - l["x0"] > 100 * MM and l["bottom"] - l["top"] < 1
                          and l["top"] / MM < spec.TYPE_BOTTOM + 1})
            if len(vert) < 3 or len(hor) < 2:
                continue
            chars = [c for c in page.chars if c["text"].strip()]
            for y0, y1 in zip(hor, hor[1:]):
                row = []
                for x0, x1 in zip(vert, vert[1:]):
                    cs = [c for c in chars if x0 < c["x0"] / MM < x1 and y0 < c["top"] / MM < y1]
                    lines: dict[float, list] = {}
                    for c in cs:
                        key = next((k for k in lines if abs(k - c["bottom"]) < 1), c["bottom"])
                        lines.setdefault(key, []).append(c)
                    texts = ["".join(c["text"] for c in sorted(lines[k], key=lambda c: c["x0"]))
                             for k in sorted(lines)]
                    row.append((texts, cs, x1 - x0) if chars_too else texts)
                if any(row if not chars_too else [c[0] for c in row]):
                    out.append(row)
    return out


def _bad_break(text: str, cut: int, column: str, head: bool) -> str | None:
    """Why a break before text[cut] is wrong, or None."""
    a, b = text[cut - 1], text[cut]
    if a.isdigit() and b.isdigit():
        return "inside a number"
    if head or len(text) <= spec.TABLE_KEEP_CELL_CHARS or column in ("联系人", "职务") and len(text) <= 4:
        return "inside a short cell"
    if "@" in text and a not in "@._-":
        return "inside an e-mail address, not after @ or ."
    if re.search(r"[市区县局]$", text[:cut]) is None and text[cut - 2:cut + 1] in ("临淄区", "淄博市"):
        return "inside a place name"
    return None


@pytest.mark.parametrize("kind", ["pdf", "lo"])
@pytest.mark.parametrize("name", list(HEADS))
def test_cells_break_only_where_a_word_allows(files, name, kind):
    rows = table_cells(files[name][kind])
    heads = HEADS[name]
    assert rows and ["".join(c) for c in rows[0]] == heads
    body = [r for r in rows if ["".join(c) for c in r] != heads]
    assert len(body) == len(ROWS)
    keep = [HEADS["six"].index(h) for h in heads]
    for r, want in zip(body, ROWS):
        assert ["".join(c) for c in r] == [want[k] for k in keep]
    for r in rows:
        for j, lines in enumerate(r):
            text, cut = "".join(lines), 0
            for ln in lines[:-1]:
                cut += len(ln)
                why = _bad_break(text, cut, heads[j], r is rows[0])
                assert why is None, f"{heads[j]} “{text}” broken {why}: {' / '.join(lines)}"


@pytest.mark.parametrize("name", list(HEADS))
def test_phone_numbers_and_names_whole_on_one_line(files, name):
    rows = table_cells(files[name]["pdf"])
    heads = HEADS[name]
    for r in rows[1:]:
        cells = dict(zip(heads, r))
        if "".join(cells["序号"]) == "序号":
            continue
        assert len(cells["联系人"]) == 1
        assert len(cells["联系电话"]) == 1, cells["联系电话"]
        if "职务" in cells:
            assert len(cells["职务"]) == 1 or "".join(cells["职务"]) == "副主任科员"


@pytest.mark.parametrize("name", list(HEADS))
def test_an_address_that_fits_its_column_is_whole(files, name):
    """An e-mail address narrower than its column's text width stands on one line."""
    whole = 0
    for r in table_cells(files[name]["pdf"], chars_too=True)[1:]:
        lines, chars, column = r[-1]
        mail = "".join(lines)
        if "@" not in mail:
            continue
        inner = column - 2 * spec.TABLE_CELL_PADDING_CHARS * spec.CHAR_PITCH
        width = sum(c["x1"] - c["x0"] for c in chars) / MM          # set solid, as on one line
        if width < inner - 0.2:
            assert len(lines) == 1, f"{mail} ({width:.1f} mm) fits {inner:.1f} mm but is broken: {lines}"
            whole += 1
    assert whole >= (1 if name == "five" else 0)


@pytest.mark.parametrize("name", list(HEADS))
def test_serial_number_column_as_narrow_as_its_content(files, name):
    import pdfplumber
    with pdfplumber.open(files[name]["pdf"]) as pdf:
        page = next(p for p in pdf.pages if "序号" in (p.extract_text() or ""))
        vert = sorted({round(l["x0"] / MM, 2) for l in page.lines + page.rects
                       if abs(l["x1"] - l["x0"]) < 1 and l["bottom"] - l["top"] > 5 * MM})
    width = vert[1] - vert[0]
    # the header 序号 (2 字) and the padding: no wider
    assert width == pytest.approx(2 * spec.CHAR_PITCH + 2 * spec.TABLE_CELL_PADDING_CHARS * spec.CHAR_PITCH,
                                  abs=0.3)


@pytest.mark.parametrize("name", list(HEADS))
def test_docx_cells_as_the_pdf(files, name):
    assert table_cells(files[name]["lo"]) == table_cells(files[name]["pdf"])
