"""Lines → paragraphs: re-join what a hard wrap or a page break split.

A draft copied out of a PDF has one line per printed line; a Word draft
pasted from one has a paragraph per line; and any draft may carry a
paragraph cut in two by a page break (…事业发展 / 中涌现…).  A line is joined
to the next when it does not end a sentence and the next one continues it;
for hard-wrapped text (most lines as wide as the widest) a full line goes on
unless an indented line or a heading follows.  Every join is reported with
both line numbers, and a full line ending in 。 — a paragraph's end or a
sentence's end at the margin, which no rule can tell apart without
indentation — is reported as unsure.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .patterns import (ATTACH_LABEL, ATTACH_NOTE, COPIED_TO, LABEL_LINE, NOTE, ends_paragraph, ends_sentence,
                       is_heading_start, parse_date, width)
from .source import Line, TableData

HAN = "\u3400-\u9fff\uf900-\ufaff"


@dataclass
class Para:
    text: str
    first: int                      # draft line/paragraph numbers it came from
    last: int
    joins: list[tuple[int, int]] = field(default_factory=list)   # (line, next line) re-joined
    table: TableData | None = None
    line: Line | None = None        # the first line, for its hints
    last_line: str = ""             # the draft's last line in it (for the width of a wrapped line)


@dataclass
class Wrap:
    width: float | None             # the wrap width in 字 of hard-wrapped text, None if not wrapped
    indented: bool                  # paragraphs of the wrapped text begin indented
    chars: int | None = None        # … or in characters, for text cut every N characters

    def __bool__(self) -> bool:
        return bool(self.width or self.chars)

    def full(self, line: str, short: float) -> bool:
        """As wide as a wrapped line, less `short` 字 (by printed width or by count)."""
        return bool(self.width and width(line) >= self.width - short) or \
            bool(self.chars and len(line) >= self.chars - short)


def detect_wrap(lines: list[Line]) -> Wrap:
    """Hard-wrapped text: at least 40 % of the longer lines are about as wide as a
    line can be (the widest width that so many reach — an odd long line, a
    版记 set apart with spaces, does not set the measure)."""
    text = [x for x in lines if x.table is None and "   " not in x.stripped and width(x.stripped) >= 10]
    if len(text) < 5:
        return Wrap(None, False)
    indented = sum(1 for x in text if x.indent)

    def measure(values: list[float]) -> float | None:
        counts = Counter(round(v) for v in values)
        for top in sorted(counts, reverse=True):
            if top <= 60 and sum(c for v, c in counts.items() if top - 2 <= v <= top) >= max(4, 0.4 * len(values)):
                return float(top)
        return None
    by_width = measure([width(x.stripped) for x in text])
    by_count = measure([len(x.stripped) for x in text])
    if by_width is None and by_count is None:
        return Wrap(None, False)
    return Wrap(by_width, 3 <= indented <= 0.6 * len(text), int(by_count) if by_count else None)


def starts_paragraph(s: str) -> bool:
    """A line that always begins a paragraph of its own."""
    return bool(is_heading_start(s) or LABEL_LINE.match(s) or ATTACH_NOTE.match(s) or ATTACH_LABEL.match(s)
                or COPIED_TO.match(s) or parse_date(s) or NOTE.match(s))


def complete_alone(s: str) -> bool:
    """A line that is whole by itself when it is short: a heading, 联系人：…, a date."""
    return bool((is_heading_start(s) and width(s) <= 30) or LABEL_LINE.match(s) or parse_date(s)
                or NOTE.match(s) or ATTACH_LABEL.match(s))


def join_lines(lines: list[Line], wrap: Wrap, unsure: list[tuple[int, str]]) -> list[Para]:
    out: list[Para] = []
    for line in lines:
        s = line.stripped
        if line.table is not None:
            out.append(Para("", line.src, line.src, table=line.table, line=line))
            continue
        if not s:
            continue
        prev = out[-1] if out and out[-1].table is None else None
        if prev is not None and _continues(prev, line, wrap, unsure):
            prev.joins.append((prev.last, line.src))
            prev.text = _glue(prev.text, s)
            prev.last = line.src
            prev.last_line = s
            continue
        out.append(Para(s, line.src, line.src, line=line, last_line=s))
    return out


def _continues(prev: Para, line: Line, wrap: Wrap, unsure: list[tuple[int, str]]) -> bool:
    a, b, last_line = prev.text, line.stripped, prev.last_line
    if starts_paragraph(b):
        return False
    if line.soft:                   # a line break inside one DOCX paragraph
        return not complete_alone(last_line)
    if wrap:
        # a paragraph's first line is two 字 shorter (its indent, lost in copying), any line
        # one or two shorter where 避头尾 pulled a character over
        # (a heading's first line the same, but a heading rarely fills it: a stricter measure)
        short = 2.5 if prev.joins or is_heading_start(a) else 4.5
        full = wrap.full(last_line, short)
        if wrap.indented:
            return full and not line.indent
        if not full:
            return False
        if ends_paragraph(a):
            unsure.append((line.src, f"第 {prev.last} 行排满且以“{a[-1]}”结尾：按段落结束处理；"
                                     f"若与下一行（第 {line.src} 行）是同一段，请在数据里把两行接起来"))
            return False
        return True
    if ends_sentence(a) or complete_alone(last_line) or width(a) < 10:
        return False
    return True


def _glue(a: str, b: str) -> str:
    # Latin words broken at a line end were apart by a space; Chinese and numbers join directly.
    if re.search(r"[A-Za-z]$", a) and re.match(r"[A-Za-z]", b):
        return a + " " + b
    return a + b


def tidy(text: str) -> str:
    """A paragraph's spaces as a clerk types them: none around digits and Latin
    in Chinese text (a PDF's or a converter's Chinese–Latin gap; the generator
    sets its own), a single space between two 汉字 kept as the full-width
    space it stood for (邮 箱 → 邮　箱), tabs as spaces."""
    t = text.replace("\t", " ").strip(" \u3000")
    t = re.sub(r" {2,}", " ", t)
    t = re.sub(rf"(?<=[{HAN}\u3000-\u303f\uff00-\uffef“”‘’—…]) (?=[0-9A-Za-z])", "", t)
    t = re.sub(rf"(?<=[0-9A-Za-z%]) (?=[{HAN}\u3000-\u303f\uff00-\uffef“”‘’—…])", "", t)
    t = re.sub(rf"(?<=[{HAN}]) (?=[{HAN}])", "\u3000", t)
    t = re.sub(rf"(?<=[\u3000-\u303f\uff00-\uffef“”‘’]) | (?=[\u3000-\u303f\uff00-\uffef“”‘’])", "", t)
    return t
