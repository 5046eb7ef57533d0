"""Identity in the layout's output: every printed line says which element and
which model object drew it, how it was aligned, and carries its runs with the
advances as placed; images come fitted and anchored to their line.  Writers
read this and never guess from positions or text."""
from __future__ import annotations

import builtins
from pathlib import Path

import pytest

from gongwen.elements import Element, Part, part_of
from gongwen.layout import layout
from gongwen.layout.boxes import Align, Image, TabKind
from gongwen.layout.text import _words
from gongwen.model import Paragraph
from gongwen.pipeline import fontbook
from gongwen.reader import read

from conftest import ROOT, write_yaml

DATA = sorted((ROOT / "data").glob("*.yaml"))


def _laid(path: Path):
    doc = read(path)
    return doc, layout(doc, fontbook())


@pytest.mark.parametrize("path", DATA, ids=lambda p: p.stem)
def test_every_paragraph_line_names_its_model_paragraph(path):
    doc, lay = _laid(path)
    groups: dict = {}
    for ln in lay.lines:
        if ln.origin.block is not None and ln.element not in (Element.TABLE, Element.TABLE_HEAD):
            groups.setdefault((ln.origin.attachment, ln.origin.block), []).append(ln)
    assert groups or path.stem == "order-2024"
    for (attachment, block), lines in groups.items():
        blocks = doc.body if attachment is None else doc.attachments[attachment - 1].content
        p = blocks[block]
        assert isinstance(p, Paragraph)
        assert "".join(ln.text for ln in lines).replace(" ", "") == p.text.replace(" ", "")
        assert [ln.first for ln in lines] == [True] + [False] * (len(lines) - 1)
        assert [ln.last for ln in lines] == [False] * (len(lines) - 1) + [True]
        assert {ln.origin.level for ln in lines} == {p.level}
        assert all(ln.align is Align.JUSTIFY for ln in lines)


@pytest.mark.parametrize("path", DATA, ids=lambda p: p.stem)
def test_lines_carry_their_runs_with_advances(path):
    _, lay = _laid(path)
    for ln in lay.lines:
        assert "".join(r.text for r in ln.runs) == ln.text, ln
        for r in ln.runs:
            assert len(r.advances) == len(r.text) == len(r.xs)
            assert all(a > 0 for a in r.advances)
            # advances as placed: each character starts at or after the previous one's advance
            for k in range(len(r.xs) - 1):
                assert r.xs[k + 1] >= r.xs[k] + r.advances[k] - 1e-6
        if part_of(ln.element) in (Part.BODY, Part.IMPRINT) and ln.runs:
            assert ln.end <= ln.frame[1] + 1e-6, ln


def test_the_seed_lines_in_numbers():
    """Pinned figures of the seed notice: the 一级标题 on page 1, its indent of 2 字,
    the signature right-aligned, the 版记's 印发日期 flush right at a tab."""
    doc, lay = _laid(ROOT / "data" / "linzi-ip-week-2023.yaml")
    h1 = [ln for ln in lay.lines if ln.element == Element.HEADING1]
    assert [ln.text for ln in h1][:2] == ["一、指导思想", "二、活动时间"]
    assert [(ln.page, ln.line) for ln in h1][:2] == [(2, 1), (2, 11)]
    assert round(h1[0].x - h1[0].frame[0], 2) == 11.14          # 2 字 of 5.57 mm
    assert round(h1[0].runs[0].advances[0], 3) == 5.571        # 156 mm / 28 字
    date = next(ln for ln in lay.lines if ln.element == Element.DATE)
    assert date.align is Align.RIGHT
    printer = next(ln for ln in lay.lines if ln.element == Element.PRINTER)
    (tab,) = printer.tabs
    assert tab.kind is TabKind.RIGHT and printer.text[tab.index:] == "2022年4月18日印发"
    assert round(printer.end, 3) == round(tab.x, 3) == 179.125   # one 字 of 4号 (4.875 mm) in from the 版心's right


def test_joint_mark_lines_and_the_suffix_of_their_own():
    doc, lay = _laid(ROOT / "data" / "joint-notice-2024.yaml")
    marks = [ln for ln in lay.lines if ln.element == Element.ORGAN_MARK]
    assert [ln.text for ln in marks] == [*doc.organ_mark, doc.mark_suffix]
    assert [ln.origin.item for ln in marks] == [*range(1, len(doc.organ_mark) + 1), None]


def test_table_lines_know_their_cells(tmp_path):
    src = write_yaml(tmp_path, """发文机关标志: 测试局文件
标题: 关于报送名单的通知
正文: 见附件。
附件:
  - 名称: 名单
    内容:
      - 表格:
          表头: [序号, 单位, 联系人]
          行:
            - [1, 第一局, 张三]
            - [2, 第二局, 李四]
成文日期: 2024-05-06
""")
    _, lay = _laid(src)
    rows = [ln for ln in lay.lines if ln.element in (Element.TABLE_HEAD, Element.TABLE)]
    assert [ln.origin.row for ln in rows] == [0, 1, 2]
    assert rows[1].cells == (0, 1, 1, 1, 2, 2)
    assert len(rows[1].edges) == 4 and (rows[1].edges[0], rows[1].edges[-1]) == (28.0, 184.0)   # the 版心
    assert rows[0].align is Align.CENTRE


def _png(path: Path, w: int, h: int) -> Path:
    from PIL import Image as PILImage
    PILImage.new("RGB", (w, h), (220, 0, 0)).save(path)
    return path


def test_seal_image_comes_fitted_and_anchored_to_its_issuer(tmp_path):
    _png(tmp_path / "seal.png", 400, 200)                 # twice as wide as high
    src = write_yaml(tmp_path, """发文机关标志: 测试局文件
标题: 关于测试的通知
正文: 特此通知。
发文机关署名: 测试局
成文日期: 2024-05-06
印章: seal.png
""")
    doc, lay = _laid(src)
    (seal,) = [i for p in lay.pages for i in p.items if isinstance(i, Image)]
    assert seal.width == pytest.approx(42.0) and seal.height == pytest.approx(21.0)   # 42 mm wide, half as high
    assert seal.anchor is not None and seal.anchor.element == Element.ISSUER


def test_attachment_pdf_pages_are_counted_by_the_reader(tmp_path):
    from test_pdfa import _attachment_pdf
    _attachment_pdf(tmp_path / "a.pdf", pages=3)
    src = write_yaml(tmp_path, """发文机关标志: 测试局文件
标题: 关于测试的通知
正文: 特此通知。
附件:
  - 名称: 回执
    文件: a.pdf
成文日期: 2024-05-06
""")
    doc = read(src)
    assert doc.attachments[0].pages == 3


def test_layout_opens_no_file(monkeypatch):
    """Layout is pure geometry: with the document read and fonts loaded, it
    opens nothing (its own word list is package data, loaded once beforehand)."""
    doc = read(ROOT / "data" / "joint-notice-2024.yaml")
    fonts = fontbook()
    fonts.prepare(doc.all_text())
    _words()
    layout(doc, fonts)                 # every face and cache warm

    def refuse(*a, **k):
        raise AssertionError(f"layout opened {a[0]!r}")
    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(Path, "open", refuse)
    layout(doc, fonts)


def test_attendance_lines_name_their_entry():
    doc, lay = _laid(ROOT / "data" / "minutes-2024.yaml")
    lines = [ln for ln in lay.lines if ln.element == Element.ATTENDANCE]
    items = [ln.origin.item for ln in lines]
    assert sorted(set(items)) == list(range(1, len(doc.attendance) + 1))
    for ln in lines:
        assert ln.first == (items.index(ln.origin.item) == lines.index(ln))
