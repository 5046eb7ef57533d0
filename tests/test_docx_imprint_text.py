"""The 版记's text in the DOCX is the data's, and LibreOffice breaks its lines
where the PDF does.  A 抄送 list of Latin and number items wraps at the spaces
inside them (0533-7215056 Room|2024, Linzi|District …) and keeps its phone
numbers whole (0533-7110086 goes down whole, never 0533-|7110086): the DOCX
must keep each space a line break dropped in print and tell LibreOffice not to
break after a hyphen, or it breaks the lines elsewhere."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from gongwen import spec
from librender import generate_and_render
from test_docx import pages_lines

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HEAD = """\
发文机关标志: 临淄区知识产权局文件
发文字号: 临知发〔2024〕7号
标题: 关于开展知识产权服务进企业活动的通知
主送机关: 各镇人民政府、街道办事处，区直各部门
正文: |
  为深入实施知识产权强区战略，现将有关事项通知如下。
发文机关署名: 临淄区知识产权局
成文日期: 2024-05-06
印章: true
印发机关: 临淄区知识产权局办公室
印发日期: 2024-05-06
抄送机关:
"""
CC = {
    "spaces": ["区委办公室（联系电话0533-7215056 Room 2024）", "Linzi District Finance Bureau Office 2024",
               "区人大常委会办公室 Tel 0533-7110086 Ext 8001",
               "淄博市临淄区市场监督管理局 Zibo Linzi Market Supervision Administration", "各镇人民政府、街道办事处"],
    "phones": ["区委办公室 0533-7215056", "区人大常委会办公室 0533-7110086", "Linzi District Finance Bureau 0533-7211234",
               "区政协办公室 0533-7216688", "Zibo Linzi Market Supervision Administration", "区法院 0533-7110001",
               "区检察院 0533-7110002", "Linzi Science and Technology Bureau 0533-2181001", "各镇人民政府、街道办事处"],
}
INVISIBLE = str.maketrans("", "", "\u200b\u2060")     # the breaks told to Word (layout.text.joined_for_word)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, dict[str, Path]]:
    d = tmp_path_factory.mktemp("imprint-text")
    return generate_and_render(d, {name: HEAD + "".join(f"  - {c}\n" for c in cc) for name, cc in CC.items()})


def _imprint_lines(path: Path) -> list[str]:
    last = pages_lines(path)[-1]
    return [t for b, t, cs in last if abs(cs[0]["size"] - spec.IMPRINT_SIZE) < 0.1 and b < spec.TYPE_BOTTOM]


def _copy_to(docx: Path) -> str:
    with zipfile.ZipFile(docx) as z:
        doc = etree.fromstring(z.read("word/document.xml"))
    paras = [p for p in doc.iter(W + "p") if p.find(f"{W}pPr/{W}pStyle[@{W}val='GwCopyTo']") is not None]
    assert len(paras) == 1
    return "".join(t.text or "" for t in paras[0].iter(W + "t"))


@pytest.mark.parametrize("name", CC)
def test_docx_keeps_the_datas_text(files, name):
    want = "抄送：" + "，".join(CC[name]) + "。"
    assert _copy_to(files[name]["docx"]).translate(INVISIBLE) == want


def test_the_pdf_breaks_at_spaces(files):
    """The case the test is about: lines of the PDF end where the data has a space."""
    full = "抄送：" + "，".join(CC["spaces"]) + "。"
    at, spaces = 0, 0
    for line in _imprint_lines(files["spaces"]["pdf"])[:-1]:        # the last is the 印发 line
        for ch in line:
            at = full.index(ch, at) + 1
        spaces += full[at:at + 1] == " "
    assert spaces >= 3


@pytest.mark.parametrize("name", CC)
def test_libreoffice_breaks_the_imprint_like_the_pdf(files, name):
    ours = _imprint_lines(files[name]["pdf"])
    assert len(ours) >= 6
    assert _imprint_lines(files[name]["lo"]) == ours
