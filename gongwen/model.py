"""The validated document: what a notice *is*, independent of how it is drawn.

Readers (YAML today) build these objects; layout turns them into geometry;
writers never look at the source data.  Field names follow the standard's
vocabulary (comments give the Chinese term).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path


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


@dataclass(frozen=True)
class Seal:
    """印章: sealed layout, optionally with images to draw (one per issuer for
    a joint document, in the order of 发文机关署名)."""
    image: Path | None = None
    images: tuple[Path, ...] = ()

    def image_for(self, i: int) -> Path | None:
        """The seal of the i-th issuer (a single image serves a single issuer)."""
        if self.images:
            return self.images[i] if i < len(self.images) else None
        return self.image if i == 0 else None


@dataclass(frozen=True)
class SignatureSeal:
    """签名章 (orders and the like): the signer's title beside a signature seal."""
    title: str                 # 职务, e.g. 区长
    name: str                  # printed where the seal goes when there is no image
    image: Path | None = None
    aspect: float = 1.0        # the image's width / height (layout fits it to its box)


FORMATS = ("文件", "信函", "命令", "纪要")   # 版式 (GB/T 9704 §7 and §9)


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

    def all_text(self) -> str:
        """Every character the document prints (for font coverage up front)."""
        parts = [*self.organ_mark, self.mark_suffix, self.doc_number or "", self.title,
                 self.addressees or "", *self.signers, self.copy_number or "", self.secrecy or "",
                 self.secrecy_term or "", self.urgency or "", *self.issuers, self.proxy_seal or "",
                 self.note or "", *self.cc, self.printer or ""]
        blocks = list(self.body)
        for a in self.attachments:
            parts.append(a.name)
            blocks += a.content
        for b in blocks:
            if isinstance(b, Paragraph):
                parts.append(b.text)
            else:
                parts += [*b.header, *(c for row in b.rows for c in row)]
        return "".join(parts)

    @property
    def upward(self) -> bool:
        """上行文: a 签发人 makes the 版头 an upward one."""
        return bool(self.signers)


def format_date(d: _dt.date) -> str:
    """成文日期 form: Arabic numerals, full year, no leading zeros."""
    return f"{d.year}年{d.month}月{d.day}日"
