"""The elements of a 公文 (GB/T 9704 §7–§9), named once.

Every line, run, rule and image the layout hands the writers says which of
these it belongs to; writers pick styles (DOCX), tags (OFD) and bookmarks
(PDF) by it and never guess from positions or text.  `Element` is a StrEnum:
its value is the standard's own term, so it prints, compares and serialises as
that term.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from . import spec


class Part(StrEnum):
    """The three parts of a 公文 (§7.1), and what lies outside them."""
    HEADER = "版头"
    BODY = "主体"
    IMPRINT = "版记"
    PAGE = "页面"            # page numbers, blank pages


class Element(StrEnum):
    COPY_NUMBER = "份号"
    SECRECY = "密级"
    URGENCY = "紧急程度"
    ORGAN_MARK = "发文机关标志"
    SIGNER = "签发人"
    DOC_NUMBER = "发文字号"
    ORDER_NUMBER = "令号"
    HEADER_RULE = "版头分隔线"
    LETTER_RULE = "信函分隔线"
    TITLE = "标题"
    ADDRESSEE = "主送机关"
    BODY = "正文"
    HEADING1 = "一级标题"
    HEADING2 = "二级标题"
    HEADING3 = "三级标题"
    HEADING4 = "四级标题"
    TABLE_HEAD = "表头"
    TABLE = "表格"
    ATTENDANCE = "出席"
    ATTACHMENT_NOTE = "附件说明"
    ISSUER = "署名"
    PROXY_SEAL = "代章"
    SIGNATURE_SEAL = "签名章"
    DATE = "成文日期"
    SEAL = "印章"
    NOTE = "附注"
    ATTACHMENT_LABEL = "附件标签"
    ATTACHMENT_TITLE = "附件标题"
    GAP = "空行"                          # an empty grid line inside a block
    IMPRINT_ADDRESSEE = "版记主送"
    COPY_TO = "抄送机关"
    PRINTER = "印发机关"
    IMPRINT = "版记"                      # the 版记's rules
    PAGE_NUMBER = "页码"
    BLANK_PAGE = "空白页"


@dataclass(frozen=True)
class ElementInfo:
    part: Part
    role: str                 # font role (spec.ROLES)
    size: float               # pt
    field: str | None         # the data key a clerk writes it under, if any


B, T, I = spec.BODY_SIZE, spec.TITLE_SIZE, spec.IMPRINT_SIZE
F, H, X, S = spec.FANGSONG, spec.HEITI, spec.XIAOBIAOSONG, spec.SONGTI
E = Element
INFO: dict[Element, ElementInfo] = {
    E.COPY_NUMBER: ElementInfo(Part.HEADER, F, B, "份号"),
    E.SECRECY: ElementInfo(Part.HEADER, H, B, "密级"),
    E.URGENCY: ElementInfo(Part.HEADER, H, B, "紧急程度"),
    E.ORGAN_MARK: ElementInfo(Part.HEADER, X, spec.MARK_MAX_HEIGHT / spec.PT, "发文机关标志"),
    E.SIGNER: ElementInfo(Part.HEADER, F, B, "签发人"),
    E.DOC_NUMBER: ElementInfo(Part.HEADER, F, B, "发文字号"),
    E.ORDER_NUMBER: ElementInfo(Part.HEADER, F, B, "令号"),
    E.HEADER_RULE: ElementInfo(Part.HEADER, F, B, None),
    E.LETTER_RULE: ElementInfo(Part.HEADER, F, B, None),
    E.TITLE: ElementInfo(Part.BODY, X, T, "标题"),
    E.ADDRESSEE: ElementInfo(Part.BODY, F, B, "主送机关"),
    E.BODY: ElementInfo(Part.BODY, F, B, "正文"),
    E.HEADING1: ElementInfo(Part.BODY, spec.HEADING_ROLE[1], B, "正文"),
    E.HEADING2: ElementInfo(Part.BODY, spec.HEADING_ROLE[2], B, "正文"),
    E.HEADING3: ElementInfo(Part.BODY, spec.HEADING_ROLE[3], B, "正文"),
    E.HEADING4: ElementInfo(Part.BODY, spec.HEADING_ROLE[4], B, "正文"),
    E.TABLE_HEAD: ElementInfo(Part.BODY, H, B, "附件"),
    E.TABLE: ElementInfo(Part.BODY, F, B, "附件"),
    E.ATTENDANCE: ElementInfo(Part.BODY, F, B, "出席"),
    E.ATTACHMENT_NOTE: ElementInfo(Part.BODY, F, B, "附件"),
    E.ISSUER: ElementInfo(Part.BODY, F, B, "发文机关署名"),
    E.PROXY_SEAL: ElementInfo(Part.BODY, F, B, "代章"),
    E.SIGNATURE_SEAL: ElementInfo(Part.BODY, F, B, "签名章"),
    E.DATE: ElementInfo(Part.BODY, F, B, "成文日期"),
    E.SEAL: ElementInfo(Part.BODY, F, B, "印章"),
    E.NOTE: ElementInfo(Part.BODY, F, B, "附注"),
    E.ATTACHMENT_LABEL: ElementInfo(Part.BODY, H, B, "附件"),
    E.ATTACHMENT_TITLE: ElementInfo(Part.BODY, X, T, "附件"),
    E.GAP: ElementInfo(Part.BODY, F, B, None),
    E.IMPRINT_ADDRESSEE: ElementInfo(Part.IMPRINT, F, I, "主送机关"),
    E.COPY_TO: ElementInfo(Part.IMPRINT, F, I, "抄送机关"),
    E.PRINTER: ElementInfo(Part.IMPRINT, F, I, "印发机关"),
    E.IMPRINT: ElementInfo(Part.IMPRINT, F, I, None),
    E.PAGE_NUMBER: ElementInfo(Part.PAGE, S, spec.PAGE_NUMBER_SIZE, None),
    E.BLANK_PAGE: ElementInfo(Part.PAGE, F, B, None),
}
assert set(INFO) == set(Element), "every element has its entry"

HEADINGS = (E.HEADING1, E.HEADING2, E.HEADING3, E.HEADING4)


def heading(level: int) -> Element:
    """The element of a body paragraph: 正文 (level 0) or its heading level."""
    return E.BODY if level == 0 else HEADINGS[level - 1]


def part_of(element: str) -> Part:
    return INFO[Element(element)].part
