"""The validated document: what a notice *is*, independent of how it is drawn.

Readers (YAML today) build these objects; layout turns them into geometry;
writers never look at the source data.  Field names follow the standard's
vocabulary (comments give the Chinese term).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from . import spec


@dataclass(frozen=True)
class Span:
    """A stretch of text in one font role (a run)."""
    text: str
    role: str  # one of spec.ROLES


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph.  level 0 = ordinary text, 1–4 = heading levels.

    `spans` holds the printed text including the heading number (一、 …), so
    PDF and DOCX print exactly the same characters.
    """
    spans: tuple[Span, ...]
    level: int = 0
    source_line: int | None = None
    run_in: bool = False          # a heading's first sentence, then text, in one paragraph

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)

    @property
    def whole_heading(self) -> bool:
        """A heading that is a paragraph of its own: never the last line of a page."""
        return self.level > 0 and not self.run_in


@dataclass(frozen=True)
class Table:
    """A 表格 block inside attachment content: header row plus rows of cells."""
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    landscape: bool = False     # 横向: set on A4 landscape pages (§8)


Block = Paragraph | Table


@dataclass(frozen=True)
class Attachment:
    """附件: a name, and either body content or a PDF file to append."""
    number: int            # 1-based; printed only when there are several
    name: str
    content: tuple[Block, ...] = ()
    file: Path | None = None
    pages: int = 0         # pages of `file` (the reader opens it)


@dataclass(frozen=True)
class Seal:
    """印章: sealed layout, optionally with images to draw (one per issuer for
    a joint document, in the order of 发文机关署名)."""
    image: Path | None = None
    images: tuple[Path, ...] = ()
    aspects: tuple[float, ...] = ()     # width / height of each image (of `images`, or of `image`)

    def image_for(self, i: int) -> Path | None:
        """The seal of the i-th issuer (a single image serves a single issuer)."""
        if self.images:
            return self.images[i] if i < len(self.images) else None
        return self.image if i == 0 else None

    def aspect_for(self, i: int) -> float:
        return self.aspects[i] if i < len(self.aspects) else 1.0


@dataclass(frozen=True)
class SignatureSeal:
    """签名章 (orders and the like): the signer's title beside a signature seal."""
    title: str                 # 职务, e.g. 区长
    name: str                  # printed where the seal goes when there is no image
    image: Path | None = None
    aspect: float = 1.0        # the image's width / height (layout fits it to its box)


FORMATS = ("文件", "信函", "命令", "纪要")   # 版式 (GB/T 9704 §7 and §9)
ATTENDANCE_LABELS = ("出席", "请假", "列席")   # 纪要 (§9.4)


@dataclass(frozen=True)
class Field:
    """One field of a Document as the clerk names it (the data's key) and its value."""
    label: str
    attr: str                              # the Document attribute it comes from
    value: Any
    also: tuple[str, ...] = ()             # further attributes folded into it (文件 of a joint mark)


@dataclass(frozen=True)
class PrintedText:
    """A stretch of printed text: which field, in which font role; `index` is
    the n-th item of a list field (1-based), `sub` a part of a mapping field."""
    field: str
    role: str
    text: str
    index: int | None = None
    sub: str | None = None
    paragraph: "Paragraph | None" = None   # a 正文 or 附件 paragraph (its source line)


@dataclass
class Document:
    source: Path | None
    organ_mark: tuple[str, ...]          # 发文机关标志: one line, or several organs (联合行文)
    mark_suffix: str                     # "文件" for joint marks, printed to the right of the stack
    doc_number: str | None               # 发文字号
    title_lines: tuple[str, ...] | None  # 标题 with explicit breaks, or None → break automatically
    title: str                           # 标题 as one string
    addressees: str | None               # 主送机关, ending with "："
    body: tuple[Block, ...]              # 正文
    signers: tuple[str, ...] = ()        # 签发人 (上行文)
    copy_number: str | None = None       # 份号
    secrecy: str | None = None           # 密级
    secrecy_term: str | None = None      # 保密期限
    urgency: str | None = None           # 紧急程度
    attachments: tuple[Attachment, ...] = ()
    issuers: tuple[str, ...] = ()        # 发文机关署名
    date: _dt.date | None = None         # 成文日期
    seal: Seal | None = None             # 印章 (None → unsealed layout)
    proxy_seal: str | None = None        # 代章
    note: str | None = None              # 附注
    cc: tuple[str, ...] = ()             # 抄送机关
    printer: str | None = None           # 印发机关
    print_date: _dt.date | None = None   # 印发日期
    format: str = "文件"                 # 版式: 文件 | 信函 | 命令 | 纪要
    order_number: str | None = None      # 令号 (命令格式), e.g. 第12号
    signature_seal: SignatureSeal | None = None   # 签名章
    attendance: tuple[tuple[str, str], ...] = ()  # 纪要: (出席/请假/列席, names)
    # Source lines of each field, for messages that point at the data.
    lines: dict[str, int] = field(default_factory=dict)

    def fields(self) -> list["Field"]:
        """Every field the document prints, in reading order, labelled as the
        clerk writes it: the one list font coverage, the checks, the archive's
        record and `diff` all read (a field missing here would be invisible to
        all of them, so tests hold every dataclass field to appear)."""
        f = Field
        present = {label: names for label, names in self.attendance}
        return [
            f("份号", "copy_number", self.copy_number), f("密级", "secrecy", self.secrecy),
            f("保密期限", "secrecy_term", self.secrecy_term), f("紧急程度", "urgency", self.urgency),
            f("发文机关标志", "organ_mark", "、".join(self.organ_mark) + (self.mark_suffix or ""),
              also=("mark_suffix",)),
            f("版式", "format", self.format), f("发文字号", "doc_number", self.doc_number),
            f("令号", "order_number", self.order_number), f("签发人", "signers", list(self.signers)),
            f("标题", "title", self.title),
            f("标题分行", "title_lines", list(self.title_lines) if self.title_lines else None),
            f("主送机关", "addressees", self.addressees), f("正文", "body", self.body),
            *(f(label, "attendance", present.get(label)) for label in ATTENDANCE_LABELS),
            f("发文机关署名", "issuers", list(self.issuers)), f("代章", "proxy_seal", self.proxy_seal),
            f("签名章", "signature_seal", self.signature_seal),
            f("成文日期", "date", format_date(self.date) if self.date else None), f("印章", "seal", self.seal),
            f("附注", "note", self.note), f("附件", "attachments", self.attachments),
            f("抄送机关", "cc", list(self.cc)), f("印发机关", "printer", self.printer),
            f("印发日期", "print_date", format_date(self.print_date) if self.print_date else None),
        ]

    def printed_text(self) -> Iterator["PrintedText"]:
        """(field, font role, text, index) of everything the layout prints, labels
        (签发人：, 抄送：, 附件：) included; index: the n-th item of a list field."""
        yield from self._header_text()
        yield from self._main_text()
        yield from self._closing_text()
        yield PrintedText("页码", spec.SONGTI, "—0123456789 ")

    def _header_text(self) -> Iterator["PrintedText"]:
        """The 版头's texts (printed_text)."""
        X, F, H, K = spec.XIAOBIAOSONG, spec.FANGSONG, spec.HEITI, spec.KAITI
        P = PrintedText
        for i, name in enumerate(self.organ_mark, 1):
            yield P("发文机关标志", X, name, i)
        if self.mark_suffix:
            yield P("发文机关标志", X, self.mark_suffix)
        if self.copy_number:
            yield P("份号", F, self.copy_number)
        if self.secrecy:
            yield P("密级", H, self.secrecy + "★")
        if self.secrecy_term:
            yield P("保密期限", H, self.secrecy_term)
        if self.urgency:
            yield P("紧急程度", H, self.urgency)
        if self.doc_number:
            yield P("发文字号", F, self.doc_number)
        if self.order_number:
            yield P("令号", F, self.order_number)
        if self.signers:
            yield P("签发人", F, "签发人：")
            for i, name in enumerate(self.signers, 1):
                yield P("签发人", K, name, i)

    def _main_text(self) -> Iterator["PrintedText"]:
        """The 主体's texts up to the 附件说明 (printed_text)."""
        X, F, H = spec.XIAOBIAOSONG, spec.FANGSONG, spec.HEITI
        P = PrintedText
        for t in (self.title_lines or (self.title,)):
            yield P("标题", X, t)
        if self.addressees:
            yield P("主送机关", F, self.addressees)
        for field, blocks in [("正文", self.body)] + [("附件", a.content) for a in self.attachments]:
            for b in blocks:
                if isinstance(b, Paragraph):
                    for s in b.spans:
                        yield P(field, s.role, s.text, paragraph=b)
                else:
                    for row in (b.header, *b.rows):
                        yield P(field, F, "".join(row), sub="表格")
        for label, names in self.attendance:
            yield P(label, H, label + "：")
            yield P(label, F, names)
        if self.signature_seal:
            yield P("签名章", F, self.signature_seal.title, sub="职务")
            yield P("签名章", F, self.signature_seal.name, sub="姓名")
        if self.attachments:
            yield P("附件", F, "附件：．0123456789")
            yield P("附件", H, "附件0123456789")
        for a in self.attachments:
            yield P("附件", F, a.name, a.number)
            yield P("附件", X, a.name, a.number)

    def _closing_text(self) -> Iterator["PrintedText"]:
        """The 署名, dates, 附注 and 版记's texts (printed_text)."""
        F = spec.FANGSONG
        P = PrintedText
        for i, name in enumerate(self.issuers, 1):
            yield P("发文机关署名", F, name, i)
        if self.proxy_seal:
            yield P("代章", F, "（" + self.proxy_seal + "）")
        if self.date:
            yield P("成文日期", F, format_date(self.date))
        if self.note:
            yield P("附注", F, "（" + self.note + "）")
        if self.cc:
            yield P("抄送机关", F, "抄送：，。")
            for i, name in enumerate(self.cc, 1):
                yield P("抄送机关", F, name, i)
        if self.printer:
            yield P("印发机关", F, self.printer)
        if self.print_date:
            yield P("印发日期", F, format_date(self.print_date) + "印发")

    def all_text(self) -> str:
        """Every character the document prints (for font coverage up front)."""
        return "".join(p.text for p in self.printed_text())

    @property
    def upward(self) -> bool:
        """上行文: a 签发人 makes the 版头 an upward one."""
        return bool(self.signers)


def format_date(d: _dt.date) -> str:
    """成文日期 form: Arabic numerals, full year, no leading zeros."""
    return f"{d.year}年{d.month}月{d.day}日"
