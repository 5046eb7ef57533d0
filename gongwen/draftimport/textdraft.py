"""Plain-text and Markdown drafts → lines.

Bytes are decoded as UTF-8 (with or without BOM), UTF-16 with a BOM, or
GB18030 (which contains GBK) — never guessed silently: the encoding found is
reported, and bytes that are neither give an error instead of mojibake.
Markdown markers (#, **, ---, >) are dropped and recorded, as are page
numbers and running headers of text copied out of a PDF.
"""
from __future__ import annotations

import codecs
import re
from collections import Counter

from ..errors import GongwenError, Problem
from .source import Draft, Dropped, Line, TableData

SAVE_AS_UTF8 = "在记事本或 WPS 中“另存为”，编码选 UTF-8，再导入"


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """The text and the name of its encoding, in Chinese."""
    if raw.startswith(codecs.BOM_UTF8):
        return _strict(raw[3:], "utf-8", name), "UTF-8（带 BOM）"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(raw, "utf-16", name), "UTF-16"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as e:
        utf8_error = e
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        raise GongwenError(_not_text(raw, utf8_error, name)) from None
    if not _plausible_chinese(text):
        raise GongwenError(_not_text(raw, utf8_error, name))
    return text, "GBK/GB18030"


def _strict(raw: bytes, codec: str, name: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise GongwenError(Problem(f"文件声明是 {codec.upper()} 编码，但第 {line} 行有不合这种编码的字节。",
                                   SAVE_AS_UTF8, line=line, file=name)) from None


def _not_text(raw: bytes, e: UnicodeDecodeError, name: str) -> Problem:
    line = raw[:e.start].count(b"\n") + 1
    return Problem(f"无法确定文字编码：不是 UTF-8（第 {line} 行起有不合 UTF-8 的字节），按 GBK/GB18030 读出来也不像中文。",
                   SAVE_AS_UTF8, line=line, file=name)


def _plausible_chinese(text: str) -> bool:
    """GB18030 decodes almost any bytes; real Chinese text is common Han
    characters, CJK punctuation and ASCII, not rare symbols and private use."""
    ok = bad = 0
    for ch in text:
        o = ord(ch)
        if ch.isspace() or 0x20 <= o < 0x7F or 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F \
                or 0xFF00 <= o <= 0xFFEF or 0x2010 <= o <= 0x2027 or o in (0xB7, 0x2116, 0x2605):
            ok += 1
        else:
            bad += 1
    return ok > 0 and bad <= 0.02 * (ok + bad)


# --- Markdown and page artefacts -------------------------------------------------------

_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})(?:\s+|$)")
_MD_RULE = re.compile(r"^\s{0,3}([-*_＿—])(?:\s*\1){2,}\s*$")
_MD_QUOTE = re.compile(r"^\s{0,3}(>+)\s?")
_MD_BULLET = re.compile(r"^\s{0,3}([-*+])\s+(?=\S)")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_HARD_BREAK = re.compile(r"(?:  +|\\)$")
_PAGE_NUMBER = [
    re.compile(r"^[-—–－―─]{1,2}\s*\d{1,4}\s*[-—–－―─]{1,2}$"),        # — 2 —, -2-
    re.compile(r"^第\s*\d{1,4}\s*页(?:\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?$"),   # 第2页, 第2页共6页
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),                            # 2/6
    re.compile(r"^[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?$"),
]
_BARE_NUMBER = re.compile(r"^\d{1,3}$")


MAX_DRAFT_CHARS = 1_000_000      # some 1 600 pages: more is no notice (the 正文 itself may hold 200 000)


def read_text(raw: bytes, name: str) -> Draft:
    text, encoding = decode(raw, name)
    if len(text) > MAX_DRAFT_CHARS:
        raise GongwenError(Problem(f"草稿太长（{len(text)} 字，超过 {MAX_DRAFT_CHARS} 字），不像一份公文。",
                                   "检查文件是否选对；一份公文的正文不超过 200000 字", file=name))
    if "\x00" in text:
        raise GongwenError(Problem("这不是文字文件（里面有二进制内容）。",
                                   "导入 Word 文档请用 .docx；文字稿请存成 .txt", file=name))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    draft = Draft(name, "text", "行", [], text, encoding)
    raw_lines = text.split("\n")
    lines: list[Line] = []
    page_break = False
    for n, raw_line in enumerate(raw_lines, 1):
        if "\f" in raw_line:                 # pdftotext's page separator
            page_break = True
            raw_line = raw_line.replace("\f", "")
        line = _clean_markdown(raw_line, n, draft)
        if line is None:
            continue
        if line.rule or line.stripped:
            line.page_break = page_break
            page_break = False
        lines.append(line)
    draft.lines = _markdown_tables(_drop_page_artefacts(lines, draft), draft)
    return draft


def _clean_markdown(raw: str, n: int, draft: Draft) -> Line | None:
    s = raw.rstrip()
    hard = _MD_HARD_BREAK.search(raw)
    if hard and hard.group(0).strip() == "\\":
        draft.dropped.append(Dropped(n, "\\", "Markdown 换行标记"))
        s = s[:-1].rstrip()
    if any(rx.match(s.strip()) for rx in _PAGE_NUMBER):      # - 2 - is a page number, not a list item
        return Line(s, n)
    if _MD_RULE.match(s):
        draft.dropped.append(Dropped(n, s.strip(), "Markdown 分隔线"))
        return Line("", n, rule=True)
    indent = bool(re.match(r"^[ \t\u3000]{2,}|^\t|^\u3000", s))
    for rx, why in ((_MD_QUOTE, "Markdown 引用标记"), (_MD_HEADING, "Markdown 标题标记"),
                    (_MD_BULLET, "Markdown 列表标记")):
        m = rx.match(s)
        if m:
            draft.dropped.append(Dropped(n, m.group(1), why))
            s = s[m.end():]
    def strong(m: re.Match) -> str:
        draft.dropped.append(Dropped(n, m.group(1), "Markdown 加粗标记"))
        draft.dropped.append(Dropped(n, m.group(1), "Markdown 加粗标记"))
        return m.group(2)
    s = _MD_STRONG.sub(strong, s)
    return Line(s, n, indent=indent)


_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _markdown_tables(lines: list[Line], draft: Draft) -> list[Line]:
    """Markdown tables (| 序号 | 单位 |, a |---| rule under the header) → tables."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _PIPE_ROW.match(lines[j].text):
            j += 1
        if j - i >= 2 and _PIPE_RULE.match(lines[i + 1].text):
            rows = []
            for k in range(i, j):
                line = lines[k]
                if k == i + 1:
                    draft.dropped.append(Dropped(line.src, line.text.strip(), "Markdown 表格的分隔行"))
                    continue
                cells = [c.strip() for c in line.text.strip().strip("|").split("|")]
                draft.dropped.append(Dropped(line.src, "|" * line.text.count("|"), "Markdown 表格的竖线"))
                rows.append(cells)
            out.append(Line("", lines[i].src, table=TableData(rows), page_break=lines[i].page_break))
            i = j
            continue
        out.append(lines[i])
        i += 1
    return out


def _drop_page_artefacts(lines: list[Line], draft: Draft) -> list[Line]:
    """Page numbers between pages, then running headers/footers: lines that
    repeat next to every page boundary.  Both are dropped and recorded; the
    line after a page boundary is marked as beginning a new page."""
    out: list[Line] = []
    for i, line in enumerate(lines):
        s = line.stripped
        is_number = any(rx.match(s) for rx in _PAGE_NUMBER)
        if not is_number and _BARE_NUMBER.match(s):
            # A lone number is a page number only standing alone between blank lines or page breaks.
            before = _neighbour(lines, i, -1)
            after = _neighbour(lines, i, 1)
            is_number = (before is None or not before.stripped or before.page_break or line.page_break) and \
                (after is None or not after.stripped or after.page_break)
        if is_number:
            draft.dropped.append(Dropped(line.src, s, "页码"))
            _mark_next_page(lines, i)
            continue
        out.append(line)
    # running headers: the same short line right at two or more page boundaries
    near: Counter[str] = Counter()
    where: dict[str, list[int]] = {}
    for i, line in enumerate(out):
        if line.page_break and line.stripped:
            for j in (i, _prev_text(out, i)):
                if j is not None and len(out[j].stripped) <= 40:
                    near[out[j].stripped] += 1
                    where.setdefault(out[j].stripped, []).append(j)
    headers = {s for s, c in near.items() if c >= 2}
    if not headers:
        return out
    kept: list[Line] = []
    for i, line in enumerate(out):
        if line.stripped in headers and i in where[line.stripped]:
            draft.dropped.append(Dropped(line.src, line.stripped, "页眉（每页重复的一行）"))
            if line.page_break:
                _mark_next_page(out, i)
            continue
        kept.append(line)
    return kept


def _neighbour(lines: list[Line], i: int, step: int) -> Line | None:
    j = i + step
    return lines[j] if 0 <= j < len(lines) else None


def _prev_text(lines: list[Line], i: int) -> int | None:
    j = i - 1
    while j >= 0 and not lines[j].stripped:
        j -= 1
    return j if j >= 0 else None


def _mark_next_page(lines: list[Line], i: int) -> None:
    for j in range(i + 1, len(lines)):
        if lines[j].stripped:
            lines[j].page_break = True
            return
