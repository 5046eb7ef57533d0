"""One registry of the document's fields (model.Document.fields) and of the
公文's elements (gongwen.elements): every field of Document is recorded by the
archive and told by `diff`, so a changed 签名章 or 令号 can no longer pass as
"only the program changed"."""
from __future__ import annotations

import dataclasses
import datetime as dt

from gongwen.archive import elements
from gongwen.history import compare
from gongwen.elements import INFO, Element, Part
from gongwen.model import Attachment, Document, Paragraph, Seal, SignatureSeal, Span, Table
from gongwen.reader import KNOWN_KEYS, read

from conftest import ROOT, run_generate, write_yaml

NOT_PRINTED = {"source", "lines"}       # where the data came from, not what it says

# One change for each field of Document.  A field added to Document without a
# change here fails test_every_field_has_a_change_here: add one, and the
# tests below hold the archive and diff to see it.
P = Paragraph((Span("新的一段。", "fangsong"),))
CHANGES = {
    "organ_mark": ("另一机关",), "mark_suffix": "文件", "doc_number": "临知字〔2024〕9号",
    "title_lines": ("关于另一件事", "的通知"), "title": "关于另一件事的通知", "addressees": "各镇：",
    "body": (P,), "signers": ("王五",), "copy_number": "000009", "secrecy": "机密", "secrecy_term": "5年",
    "urgency": "特急", "attachments": (Attachment(1, "另一个附件", (P,)),), "issuers": ("另一机关",),
    "date": dt.date(2031, 1, 2), "seal": Seal(), "proxy_seal": "区政府办公室代章", "note": "此件不公开",
    "cc": ("区委办公室",), "printer": "另一办公室", "print_date": dt.date(2031, 1, 3), "format": "信函",
    "order_number": "第99号", "signature_seal": SignatureSeal("副区长", "李四"),
    "attendance": (("出席", "赵六"), ("列席", "钱七")),
}


def _doc() -> Document:
    return read(ROOT / "data" / "order-2024.yaml")


def test_every_field_has_a_change_here():
    names = {f.name for f in dataclasses.fields(Document)} - NOT_PRINTED
    assert names == set(CHANGES)


def test_every_field_of_document_is_listed_by_fields():
    doc = _doc()
    listed = {f.attr for f in doc.fields()} | {a for f in doc.fields() for a in f.also}
    assert {f.name for f in dataclasses.fields(Document)} - NOT_PRINTED <= listed


def test_diff_tells_a_change_of_every_field():
    doc = _doc()
    before = elements(doc)
    for name, value in CHANGES.items():
        changed = dataclasses.replace(doc, **{name: value})
        told = compare(before, elements(changed))
        assert told, f"diff misses a change of {name}"
        labels = {f.label for f in changed.fields() if f.attr == name or name in f.also}
        assert any(label in t for t in told for label in labels), (name, told)


def test_attendance_is_told_by_its_own_label():
    doc = dataclasses.replace(_doc(), attendance=(("出席", "张三、李四"),))
    told = compare(elements(doc), elements(dataclasses.replace(doc, attendance=(("出席", "张三"), ("请假", "李四")))))
    assert told == ["出席：“张三、李四” 改为 “张三”", "请假：新增 “李四”"]


def test_a_record_made_before_a_field_existed_is_not_told_as_new():
    doc = _doc()
    old = {k: v for k, v in elements(doc).items() if k not in ("令号", "签名章", "版式", "标题分行")}
    assert compare(old, elements(doc)) == []


def test_diff_names_the_changed_signature_seal(tmp_path):
    """The bug of issue 11: a changed 签名章 姓名 was told as a program change."""
    text = (ROOT / "data" / "order-2024.yaml").read_text(encoding="utf-8")
    src = write_yaml(tmp_path, text, "order.yaml")
    archive = tmp_path / "build"
    assert run_generate(str(src), "--archive", str(archive)).returncode == 0
    src.write_text(text.replace("张建国", "王建军"), encoding="utf-8")
    assert run_generate(str(src), "--archive", str(archive)).returncode == 0
    r = run_generate("diff", str(src), "--archive", str(archive))
    assert r.returncode == 0, r.stderr
    assert "签名章：姓名“张建国” 改为 “王建军”" in r.stdout
    assert "程序版本" not in r.stdout


def test_all_text_holds_every_printed_field():
    doc = dataclasses.replace(_doc(), attendance=(("出席", "𠮷田"),), order_number="第㐀号")
    text = doc.all_text()
    for ch in "𠮷㐀张建国区长":
        assert ch in text
    table = Table(("序号", "单位"), (("1", "䶮局"),))
    doc = dataclasses.replace(doc, attachments=(Attachment(1, "名单", (table,)),))
    assert "䶮" in doc.all_text()


def test_every_element_has_its_part_role_and_size():
    assert set(INFO) == set(Element)
    assert INFO[Element.ORGAN_MARK].part is Part.HEADER
    assert INFO[Element.COPY_TO].part is Part.IMPRINT
    assert INFO[Element.TITLE].size == 22            # 二号
    assert INFO[Element.BODY].size == 16             # 三号
    assert Element.BODY == "正文"                      # a StrEnum: prints as the standard's term


def test_the_reader_knows_every_field_key():
    doc = _doc()
    keys = {f.label for f in doc.fields()} - {"标题分行"}     # 标题 given as a block holds its breaks
    assert keys <= set(KNOWN_KEYS)
