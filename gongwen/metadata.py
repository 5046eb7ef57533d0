"""What a file says about itself (PDF document information and XMP, DOCX core
properties): one derivation of title, author, subject and keywords, so the PDF
and the DOCX of a document describe it alike."""
from __future__ import annotations

from .model import Document, format_date


def author(doc: Document) -> str:
    # PDF/A-1 wants exactly one dc:creator matching /Author: joint issuers are one string.
    return "、".join(doc.issuers) or "、".join(doc.organ_mark)


def subject(doc: Document) -> str | None:
    # A 命令 is numbered by its 令号 where other documents have a 发文字号.
    return doc.doc_number or doc.order_number


def title(doc: Document) -> str:
    """The 标题; a 纪要 or 命令 may have none, and is named as it is cited:
    its mark and 期号 or 令号 (临淄区知识产权联席会议纪要第2期, 淄博市临淄区人民政府令第5号)."""
    if doc.title:
        return doc.title
    mark = "、".join(doc.organ_mark) + doc.mark_suffix
    number = subject(doc)
    if not number:
        return mark
    return mark + ("" if number.startswith("第") else "　") + number


def keywords(doc: Document) -> str:
    return " ".join(x for x in (doc.doc_number, doc.order_number,
                                format_date(doc.date) if doc.date else None) if x)
