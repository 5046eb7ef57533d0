"""正文 markup → paragraphs with numbered headings.

One paragraph per line.  `# ` … `#### ` start headings of levels 1–4 and are
numbered 一、 （一） 1. （1）; numbers typed by hand are recognised as the same
levels (and set the counter, so later automatic numbers continue from them).
A heading whose first sentence ends in 。 and goes on is a run-in heading: the
first sentence in the heading's face, the rest in 仿宋.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import spec
from .model import Paragraph, Span

_CN_DIGITS = "零一二三四五六七八九"

TYPED_NUMBER = [
    (1, re.compile(r"^([一二三四五六七八九十百]+)、")),
    (2, re.compile(r"^[（(]([一二三四五六七八九十百]+)[）)]")),
    (3, re.compile(r"^(\d{1,3})[.．](?!\d)")),
    (4, re.compile(r"^[（(](\d{1,3})[）)]")),
]
_HASHES = re.compile(r"^(#{1,4})\s+")


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 21 → 二十一 (as headings are numbered)."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return _CN_DIGITS[tens] + "十" + (_CN_DIGITS[ones] if ones else "")
    return str(n)


def parse_chinese_number(s: str) -> int | None:
    """一 → 1, 十 → 10, 十一 → 11, 二十 → 20, 九十九 → 99, 一百 → 100, 12 → 12;
    None for what is not a well-formed number (十十, 二二)."""
    if s.isdigit():
        return int(s)
    digits = {d: i for i, d in enumerate(_CN_DIGITS)}
    if s in digits:
        return digits[s]
    if s == "一百" or s == "百":
        return 100
    tens, sep, ones = s.partition("十")
    if not sep or (tens and tens not in digits) or (ones and ones not in digits) or tens == "零":
        return None
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


def heading_number(level: int, n: int) -> str:
    return {1: f"{chinese_number(n)}、", 2: f"（{chinese_number(n)}）", 3: f"{n}.", 4: f"（{n}）"}[level]


@dataclass(frozen=True)
class TypedNumber:
    level: int
    value: int
    text: str     # the number as typed, e.g. "（一）"


def typed_number(line: str) -> TypedNumber | None:
    for level, rx in TYPED_NUMBER:
        m = rx.match(line)
        if m:
            value = parse_chinese_number(m.group(1))
            if value is not None:           # 十十、 is not a heading number
                return TypedNumber(level, value, m.group(0))
    return None


def parse_body(text: str, first_line: int | None = None) -> list[Paragraph]:
    """Parse 正文 markup.  first_line is the source line of the text's first line."""
    counters = [0, 0, 0, 0, 0]
    out: list[Paragraph] = []
    for i, raw in enumerate(text.splitlines()):
        line = raw.strip()
        if not line:
            continue
        src = first_line + i if first_line is not None else None
        level = 0
        m = _HASHES.match(line)
        if m:
            level = len(m.group(1))
            line = line[m.end():].strip()
        typed = typed_number(line)
        if typed and (level == 0 or level == typed.level):
            level = typed.level
            number, rest = typed.text, line[len(typed.text):]
            counters[level] = typed.value
        elif level:
            counters[level] += 1
            number, rest = heading_number(level, counters[level]), line
        else:
            out.append(Paragraph((Span(line, spec.FANGSONG),), 0, src))
            continue
        for deeper in range(level + 1, 5):
            counters[deeper] = 0
        text = number + rest
        head, sep, tail = text.partition("。")
        run_in = bool(sep and tail.strip())
        out.append(Paragraph(_heading_spans(level, head + sep, tail) if run_in else
                             (Span(text, spec.HEADING_ROLE[level]),), level, src, run_in))
    return out


def _heading_spans(level: int, head: str, tail: str) -> tuple[Span, ...]:
    """A run-in heading: its first sentence in the heading's face, the rest in 仿宋
    (one span where the two faces are the same)."""
    role = spec.HEADING_ROLE[level]
    if role == spec.FANGSONG:
        return (Span(head + tail, role),)
    return (Span(head, role), Span(tail, spec.FANGSONG))
