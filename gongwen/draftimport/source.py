"""What every draft reader hands the recogniser: the draft as lines with hints.

A text draft gives one `Line` per line of the file; a DOCX gives one per
paragraph (and per line break inside one), with the formatting a clerk's
Word/WPS draft carries as hints.  Nothing here decides what a line *is*.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property


@dataclass
class TableData:
    rows: list[list[str]]           # cell texts, row by row (first row: the header)
    merged: bool = False            # the draft merged cells (spans or vertical merges)


@dataclass
class Line:
    text: str
    src: int                        # 1-based line (text) or paragraph (DOCX) number in the draft
    align: str | None = None        # "center", "right", "left", "both" (DOCX only)
    bold: bool = False              # most of the line is bold
    size: float | None = None       # points, the largest run's size (DOCX only)
    page_break: bool = False        # the line begins a new page (form feed, page number, page break)
    soft: bool = False              # continues the line before within one DOCX paragraph (line break)
    indent: bool = False            # begins indented (spaces, 　, a first-line indent)
    rule: bool = False              # a separator (Markdown ---): a hint of a boundary, no text
    table: TableData | None = None  # a DOCX table, kept whole
    numbered: bool = False          # its number came from Word's automatic numbering
    heading_style: bool = False     # a DOCX paragraph in a heading style (标题 1, Heading 2 …)

    @cached_property          # a line's text is never changed once read
    def stripped(self) -> str:
        return self.text.strip().strip("\u3000").strip()


@dataclass
class Dropped:
    src: int
    text: str
    why: str


@dataclass
class Draft:
    """A draft read into lines, with what the reader already dropped or noticed."""
    name: str                       # the draft's file name (or “标准输入”)
    kind: str                       # "text" or "docx"
    unit: str                       # "行" or "段": what src numbers count
    lines: list[Line]
    text: str                       # the draft's whole text, as read (for the character account)
    encoding: str | None = None     # text drafts: the encoding found
    dropped: list[Dropped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)      # what the reader noticed (tracked changes …)
