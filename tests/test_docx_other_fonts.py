"""The DOCX opened with other fonts than ours loses no text.  A clerk opens it
in Word or WPS with the official faces, whose digits and Latin letters need not
be as wide as those of our Fandol substitutes: a cell's line then wraps and
the cell needs a line more.  Rendered in LibreOffice with a font mapping whose
Latin and digits are a quarter wider (DejaVu Sans before each Fandol face),
every cell of a contact list whose cells are nearly full still shows all its
text, inside its cell's rules and on the paper; and an 附件说明 item whose
name fills its line wraps under the name's first character."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import MM, run_generate, write_yaml
from librender import FONTS_CONF, render
from test_table_cells import NOTICE as CONTACTS, table_cells

HEAD = ["序号", "单位名称", "联系人", "联系电话", "电子邮箱"]
ROWS = [
    ["1", "淄博市临淄区市场监督管理局知识产权科", "欧阳明远", "0533-7215055 13805331234", "lvzy.zscq@zblz.gov.cn"],
    ["2", "淄博市临淄区科学技术局", "张建国", "0533-2181001", "zhangjianguo@example.gov.cn"],
    ["3", "齐都镇人民政府", "王五", "0533-7216688", "qdz_zscq_2024@zblz.gov.cn"],
    ["4", "Linzi District Finance Bureau", "Ouyang Mingyuan", "0533-7211234", "oymy@zblz.gov.cn"],
    ["5", "稷下街道办事处", "李四", "0533-7110086-8001", "jxjd_office@zblz.gov.cn"],
]
# test_table_cells' contact list, with a second 附件 for the 附件说明 below
NOTICE = CONTACTS.replace("成文日期", "  - 名称: {note}\n成文日期", 1)
NOTE = "2023年至2024年第1—12期专利申请量汇总表1"     # one line in the PDF, to its last character
WIDE = "DejaVu Sans"        # digits 0.636 em, FandolFang's 0.5 em


def _wide_conf(folder: Path) -> Path:
    """fonts/fonts.conf with the wide Latin face preferred to each Fandol face
    (the Chinese characters, which it lacks, still come from Fandol)."""
    text = FONTS_CONF.read_text(encoding="utf-8").replace('<dir prefix="relative">.</dir>',
                                                          f"<dir>{FONTS_CONF.parent}</dir>")
    text = re.sub(r"<prefer><family>(Fandol[^<]*)</family></prefer>",
                  rf"<prefer><family>{WIDE}</family><family>\1</family></prefer>", text)
    conf = folder / "fonts.conf"
    conf.write_text(text, encoding="utf-8")
    return conf


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    r = subprocess.run(["fc-list", WIDE], capture_output=True, text=True)
    if WIDE not in r.stdout:
        pytest.skip(f"未安装字体 {WIDE}，无法用更宽的西文字体检查 DOCX")
    d = tmp_path_factory.mktemp("other-fonts")
    rows = "".join("            - [" + ", ".join(row) + "]\n" for row in ROWS)
    src = write_yaml(d, NOTICE.format(head=", ".join(HEAD), rows=rows, note=NOTE), "contacts.yaml")
    r = run_generate(str(src), "--out", str(d / "out"))
    assert r.returncode == 0, r.stderr
    out = {p.suffix[1:]: p for p in (d / "out").iterdir()}
    out["wide"] = render([out["docx"]], d / "lo", _wide_conf(d))["contacts"]
    return out


def _body_rows(path: Path) -> list[list[list[str]]]:
    return [r for r in table_cells(path) if ["".join(c) for c in r] != HEAD]


def test_wider_fonts_wrap_the_cells(files):
    """The mapping does what the test needs: some cell takes more lines than in the PDF."""
    ours, wide = _body_rows(files["pdf"]), _body_rows(files["wide"])
    assert len(wide) == len(ours) == len(ROWS)
    grown = [(a, b) for ra, rb in zip(ours, wide) for a, b in zip(ra, rb) if len(b) > len(a)]
    assert len(grown) >= 3, "the wider Latin face wraps no cell: the test would prove nothing"


def test_every_cell_whole_and_inside_its_rules(files):
    """table_cells reads a cell's characters between its own rules: a line
    clipped off its row (or drawn over the next) would be missing here."""
    wide = _body_rows(files["wide"])
    assert len(wide) == len(ROWS)
    for got, want in zip(wide, ROWS):
        assert ["".join(c) for c in got] == [w.replace(" ", "") for w in want]


def test_nothing_off_the_paper(files):
    import pdfplumber
    with pdfplumber.open(files["wide"]) as pdf:
        for n, page in enumerate(pdf.pages, 1):
            for c in page.chars:
                assert 0 <= c["x0"] and c["x1"] <= page.width and 0 <= c["top"] and c["bottom"] <= page.height, \
                    f"page {n}: {c['text']!r} at ({c['x0'] / MM:.1f}, {c['top'] / MM:.1f}) mm"


def test_a_wrapped_note_item_hangs_under_its_name(files):
    """The 附件说明's hanging indent is the layout's: the line a wider face
    wraps onto starts under the name's first character, not under 附件：."""
    from test_docx import pages_lines

    def item(path: Path) -> list[tuple[str, list]]:
        lines = [(t, cs) for _, t, cs in pages_lines(path)[0]]
        k = next(k for k, (t, _) in enumerate(lines) if t.startswith("2．" + NOTE[:4]))
        return lines[k:k + 2]
    (pdf_text, pdf_chars), _ = item(files["pdf"])
    assert pdf_text.endswith(NOTE)
    first_of_name = pdf_chars[len(pdf_text) - len(NOTE)]["x0"] / MM
    (text, _), (rest, chars) = item(files["wide"])
    assert not text.endswith(NOTE) and (text + rest).endswith(NOTE), "the name must wrap in the wider face"
    assert chars[0]["x0"] / MM == pytest.approx(first_of_name, abs=0.5)
