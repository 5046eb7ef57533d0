"""The 公文 rules: what GB/T 9704-2012 and the 党政机关公文处理工作条例 ask of
the content, checked on a Document the reader has already validated.

`check_document(doc)` returns Problems, errors first; it never raises for bad
data.  Each Problem names the field in the standard's words, the line (and
column where the text can be found in the source), what is wrong and what to
write instead.  Errors stop generation; warnings are printed (``--strict``
makes them errors).

Severity, as a rule of thumb: a form the standard prescribes outright (发文字号,
令号, a 纪要's 期号, 份号, 密级, 紧急程度, 保密期限) and characters no font can print
are errors; what is usually a slip but could be intended (dates, punctuation,
heading numbers, 签发人, the title's 文种, a 函 not in 信函 format, a `××` left
from `generate.py new`) is a warning.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from . import markup, spec
from .errors import GongwenError, Problem
from .fonts import MissingGlyph, default_book
from .model import Document, Paragraph, format_date
from .reader import KNOWN_KEYS

# 党政机关公文处理工作条例 (2012) art. 8: the fifteen 文种; 命令 is also written 令.
GENRES = ("决议", "决定", "命令", "令", "公报", "公告", "通告", "意见", "通知", "通报",
          "报告", "请示", "批复", "议案", "函", "纪要")
UPWARD = ("请示", "报告")                  # 上行文: these carry 签发人
EITHER_WAY = ("意见",)                     # 意见 may go up, down or across
SECRECY_LEVELS = ("绝密", "机密", "秘密")
URGENCY = ("特急", "加急")
TELEGRAM_URGENCY = ("特提", "平急")        # only on telegrams (GB/T 9704 §7.2.3)

MAX_PER_PARAGRAPH = 3                       # half-width punctuation warnings per paragraph
MAX_PUNCT_WARNINGS = 30                     # … and in the whole document
MAX_GLYPH_PROBLEMS = 20

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_PUNCT = r"\u3000-\u303f\uff01-\uff60\u2018-\u201f\u2026\u2014\u00b7"
_CJK = re.compile(f"[{_HAN}{_CJK_PUNCT}]")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.\-]*://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")

HALF_TO_FULL = {",": ("逗号", "，"), ".": ("句点", "。"), ";": ("分号", "；"), ":": ("冒号", "："),
                "?": ("问号", "？"), "!": ("叹号", "！"), "(": ("括号", "（"), ")": ("括号", "）")}

# Punctuation a title may carry (GB/T 9704 §7.3.1 and common practice).
TITLE_ALLOWED = set("《》“”‘’、（）〔〕·")
_RANGE_DASH = set("-—－–~～")


_KEY_PREFIX = re.compile(r"^\s*(?:-\s+)?([^\s:]+)\s*:[ \t]*")
_FIELD_NAMES = set(KNOWN_KEYS) | {"名称", "内容", "文件", "职务", "姓名", "图片"}


@dataclass
class _Where:
    field: str
    line: int | None
    column: int | None = None


class _Checker:
    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = []
        self.src: list[str] = []
        self.archiving = False
        if doc.source is not None:
            try:
                raw = Path(doc.source).read_bytes()[:4 * 1024 * 1024]
                self.src = raw.decode("utf-8-sig", errors="replace").splitlines()
            except OSError:
                self.src = []

    # -- positions ------------------------------------------------------
    def line(self, field: str, item: int | None = None, sub: str | None = None) -> int | None:
        """The value's line: item (1-based) of a list, or a key inside item."""
        lines = self.doc.lines
        keys = []
        if item is not None and sub is not None:
            keys += [f"{field}#{item}.{sub}#", f"{field}#{item}.{sub}"]
        if item is not None:
            keys.append(f"{field}#{item}")
        if item is None and sub is not None:
            keys.append(f"{field}.{sub}")
        keys += [f"{field}#", field]
        for k in keys:
            if k in lines:
                return lines[k]
        if field == "保密期限":              # written as 密级: 机密★1年
            return self.line("密级")
        return None

    def column(self, line: int | None, text: str, index: int = 0) -> int | None:
        """1-based column of text[index] in the source line, found by its context."""
        if not line or not self.src or line > len(self.src) or not text:
            return None
        src = self.src[line - 1]
        key = _KEY_PREFIX.match(src)        # `紧急程度: 紧急`: look for the value after the key
        start = key.end() if key and key.group(1) in _FIELD_NAMES else 0
        index = max(0, min(index, len(text) - 1))
        for left in (6, 4, 2, 1, 0):
            for right in (3, 1, 0):
                a = max(0, index - left)
                snippet = text[a: index + 1 + right]
                k = src.find(snippet, start)
                if k >= 0 and (len(snippet) > 1 or (left == 0 and right == 0)):
                    return k + (index - a) + 1
        return None

    def find_line(self, start: int | None, text: str, span: int = 400) -> int | None:
        """The first source line at or after start that contains text."""
        if not start or not self.src or not text:
            return start
        for n in range(start, min(len(self.src), start + span) + 1):
            if text in self.src[n - 1]:
                return n
        return start

    def add(self, where: _Where, message: str, hint: str = "", severity: str = "warning") -> None:
        self.problems.append(Problem(message, hint, field=where.field, line=where.line,
                                     column=where.column, file=self.doc.source, severity=severity))

    def at(self, field: str, text: str | None = None, index: int = 0, item: int | None = None,
           line: int | None = None) -> _Where:
        ln = line if line is not None else self.line(field, item)
        col = self.column(ln, text, index) if text else None
        return _Where(field, ln, col)


def check_document(doc: Document, *, fonts=None, glyphs: bool = True, archiving: bool = False) -> list[Problem]:
    """All 公文-rule problems of doc, errors first.

    `archiving`: the notice is to become a version in the archive, where a
    `××` left from a skeleton is an error (it would open a ××〔2026〕1号 folder);
    exported with --out it is a warning.

    With glyphs (the default) every character is also looked up in the fonts
    (the process's FontBook unless one is given), so characters no font can
    print are reported with their line before any layout is attempted.
    """
    c = _Checker(doc)
    c.archiving = archiving
    _doc_number(c)
    _dates(c)
    _copy_number_and_secrecy(c)
    _urgency(c)
    _title(c)
    _signers(c)
    _addressees(c)
    _letter(c)
    _placeholders(c)
    _attachments(c)
    _headings(c)
    _punctuation(c)
    _invisible(c)
    if glyphs:
        _glyphs(c, fonts)
    return sorted(c.problems, key=lambda p: (p.severity != "error", p.line or 0))


# ---------------------------------------------------------------------------
# 发文字号 (§7.2.4): 机关代字 + 〔YYYY〕 + 序号 + 号

_OPEN = "〔[【(（［{｛<＜《〈「『〖﹝"
_CLOSE = "〕]】)）］}｝>＞》〉」』〗﹞"     # ﹝﹞: the small-form brackets WPS offers beside 〔〕
_CN_DIGIT = "〇○零一二三四五六七八九"
_DOC_NUMBER = re.compile(
    rf"^(?P<code>.*?)(?P<sp1>\s*)(?P<open>[{re.escape(_OPEN)}]?)\s*"
    rf"(?P<year>[0-9０-９]{{2,4}}|[{_CN_DIGIT}]{{2,4}})\s*(?P<nian>年?)\s*"
    rf"(?P<close>[{re.escape(_CLOSE)}]?)(?P<sp2>\s*)(?P<di>第?)\s*"
    rf"(?P<num>[0-9０-９]+|[{_CN_DIGIT}十百千]+)\s*(?P<hao>号?)\s*$")


def _to_ascii_digits(s: str) -> str:
    out = []
    for ch in s:
        if "０" <= ch <= "９":
            out.append(chr(ord(ch) - 0xFEE0))
        elif ch in _CN_DIGIT:
            out.append(str(max(0, _CN_DIGIT.index(ch) - 2)))
        else:
            out.append(ch)
    return "".join(out)


def _cn_int(s: str) -> int | None:
    s2 = _to_ascii_digits(s)
    if s2.isdigit():
        return int(s2)
    return markup.parse_chinese_number(s) or None


def _digits_alone(text: str) -> tuple[list[tuple[int, str]], str, int | None]:
    """Digits alone are a year or a number, never both (the pattern would part "2024" as 202|4)."""
    bare = _to_ascii_digits(text)
    if len(bare) == 4 and 1949 < int(bare) < 2200:
        return [(0, f"只写了年份“{text}”，缺少机关代字和发文序号")], f"机关代字〔{bare}〕N号（N 为发文序号）", int(bare)
    return [(0, f"只写了序号“{text}”，缺少机关代字和年份")], f"机关代字〔年份〕{int(bare)}号", None


def parse_doc_number(text: str, year_hint: int | None = None):
    """(wrong parts as (index, message), corrected 文号, year) or None if not a 文号 at all."""
    if _to_ascii_digits(text.strip()).isdigit():
        return _digits_alone(text.strip())
    m = _DOC_NUMBER.match(text)
    if not m:
        return None
    wrong: list[tuple[int, str]] = []
    code = m.group("code").strip()
    o, cl = m.group("open"), m.group("close")
    if not code:
        wrong.append((0, "缺少机关代字（如“国办发”“临知联办字”）"))
    if " " in text.strip() or "\u3000" in text.strip():
        k = max(text.find(" "), text.find("\u3000"))
        wrong.append((k, "不应有空格"))
    if not o and not cl:
        wrong.append((m.start("year"), "年份应放在六角括号〔〕里"))
    elif o != "〔" or cl != "〕":
        shown = (o or "") + "…" + (cl or "")
        idx = m.start("open") if o != "〔" else m.start("close")
        if not o or not cl:
            wrong.append((idx, f"括号不成对（{shown}），年份应放在六角括号〔〕里"))
        else:
            wrong.append((idx, f"年份用了“{o}{cl}”，应使用六角括号“〔〕”（不是 [] 【】 () ［］）"))
    y = m.group("year")
    year = None
    if any(ch in _CN_DIGIT for ch in y):
        wrong.append((m.start("year"), f"年份“{y}”应使用阿拉伯数字"))
    elif any("０" <= ch <= "９" for ch in y):
        wrong.append((m.start("year"), f"年份“{y}”应使用半角阿拉伯数字"))
    year_digits = _to_ascii_digits(y)
    if len(year_digits) == 4:
        year = int(year_digits)
    else:
        if year_hint and str(year_hint).endswith(year_digits):
            year = year_hint
        elif len(year_digits) == 2:
            year = 2000 + int(year_digits)
        wrong.append((m.start("year"), f"年份“{y}”应写全四位（如 2023，不能简写为 23）"))
    if m.group("nian"):
        wrong.append((m.start("nian"), "年份后不加“年”字"))
    if m.group("di"):
        wrong.append((m.start("di"), "序号前不加“第”字"))
    num = m.group("num")
    n = _cn_int(num)
    if any(ch in _CN_DIGIT + "十百千" for ch in num):
        wrong.append((m.start("num"), f"序号“{num}”应使用阿拉伯数字"))
    elif any("０" <= ch <= "９" for ch in num):
        wrong.append((m.start("num"), f"序号“{num}”应使用半角阿拉伯数字"))
    elif len(num) > 1 and num.startswith("0") and n:
        wrong.append((m.start("num"), f"序号“{num}”不编虚位，不加前导零（应为“{n}”）"))
    if n == 0 or n is None:
        wrong.append((m.start("num"), "序号应从 1 起编"))
    if not m.group("hao"):
        wrong.append((len(text.rstrip()), "序号后应加“号”字"))
    fixed = f"{code or '机关代字'}〔{year or '年份'}〕{n or 1}号"
    return wrong, fixed, year


_PERIOD = re.compile(r"^(?:.{0,20}?〔\d{4}〕)?第[1-9]\d*期$")      # 纪要: 第3期, 〔2024〕第3期
_ORDER_NUMBER = re.compile(r"^第[1-9]\d*号$")                     # 命令: 第12号


def _doc_number(c: _Checker) -> None:
    d = c.doc
    if d.format == "命令" and not d.order_number:
        c.add(c.at("版式"), "命令没有令号，打印出来的令没有编号。", "加一行 `令号: 第1号`（按本机关令的顺序编号）")
    if d.format == "命令" and d.order_number:
        n = d.order_number
        if not _ORDER_NUMBER.match(n):
            digits = re.sub(r"\D", "", _to_ascii_digits(n)).lstrip("0")
            c.add(c.at("令号", n), f"令号“{n}”的写法不对：写成“第”加阿拉伯数字加“号”。",
                  f"第{digits or 1}号", "error")
    if not d.doc_number:
        return
    if d.format == "纪要":
        n = d.doc_number
        if not _PERIOD.match(n):
            digits = re.sub(r"\D", "", _to_ascii_digits(n)).lstrip("0")
            c.add(c.at("发文字号", n), f"纪要的编号“{n}”写法不对：写成“第”加阿拉伯数字加“期”。",
                  f"第{digits or 1}期", "error")
        return
    text = d.doc_number
    year_hint = d.date.year if d.date else None
    parsed = parse_doc_number(text, year_hint)
    line = c.line("发文字号")
    if parsed is None:
        c.add(_Where("发文字号", line, c.column(line, text, 0)),
              f"“{text}”不是发文字号的格式：应由机关代字、〔年份〕、序号和“号”组成。",
              "例如 临知联办字〔2023〕3号", "error")
        return
    wrong, fixed, year = parsed
    if len(text) > spec.CHARS_PER_LINE - 4:
        c.add(_Where("发文字号", line), f"发文字号过长（{len(text)} 字），一行放不下。",
              "机关代字用规定的简称，例如 临知联办字〔2023〕3号", "error")
        return
    if wrong:
        wrong.sort()
        c.add(_Where("发文字号", line, c.column(line, text, wrong[0][0])),
              f"“{text}”：" + "；".join(w for _, w in wrong) + "。", fixed, "error")
    if year and d.date and year != d.date.year:
        c.add(_Where("发文字号", line, c.column(line, text, text.find(str(year)) if str(year) in text else 0)),
              f"发文字号的年份 {year} 与成文日期（{format_date(d.date)}）的年份不一致。",
              re.sub(r"〔\d+〕", f"〔{d.date.year}〕", fixed) + "（或核对成文日期）")


# ---------------------------------------------------------------------------
# 成文日期 and 印发日期 (§7.3.5, §7.4.3)

def _dates(c: _Checker) -> None:
    d = c.doc
    if d.print_date and d.date and d.print_date < d.date:
        line = c.line("印发日期")
        c.add(_Where("印发日期", line, _value_column(c, "印发日期", line)),
              f"印发日期（{format_date(d.print_date)}）早于成文日期（{format_date(d.date)}）。",
              f"{format_date(d.date)} 或更晚（印发不能早于成文）；或核对成文日期")
    if d.date is None and "成文日期" not in d.lines and d.format != "纪要":
        c.add(_Where("成文日期", 1), "缺少成文日期：公文应当标注成文日期。",
              "加上一行 `成文日期: 2023年4月18日`（阿拉伯数字，年份写全）")


def _value_column(c: _Checker, field: str, line: int | None) -> int | None:
    if not line or not c.src or line > len(c.src):
        return None
    src = c.src[line - 1]
    m = re.match(rf"\s*{re.escape(field)}\s*:\s*", src)
    return m.end() + 1 if m and m.end() < len(src) else None


# ---------------------------------------------------------------------------
# 份号, 密级和保密期限, 紧急程度 (§7.2.1–7.2.3)

_TERM = re.compile(r"^(?:[1-9]\d{0,2}年|[1-9]\d{0,2}个月|长期)$")


def _copy_number_and_secrecy(c: _Checker) -> None:
    d = c.doc
    if d.copy_number is not None:
        cn = d.copy_number
        digits = _to_ascii_digits(cn)
        if not (len(cn) == spec.COPY_NUMBER_DIGITS and cn.isascii() and cn.isdigit()):
            if digits.isdigit() and len(digits) <= spec.COPY_NUMBER_DIGITS:
                hint = digits.zfill(spec.COPY_NUMBER_DIGITS)
            else:
                hint = "000001（6 位阿拉伯数字，不足 6 位前面补 0）"
            c.add(c.at("份号", cn), f"份号“{cn}”应为 6 位阿拉伯数字。", hint, "error")
        elif int(cn) == 0:
            c.add(c.at("份号", cn), "份号不能是 000000。", "从 000001 起编", "error")
    if d.secrecy is not None:
        s = d.secrecy
        if s not in SECRECY_LEVELS:
            base = s.rstrip("级").strip()
            if base in SECRECY_LEVELS:
                hint = base
            elif s in ("公开", "内部", "非密", "不公开", "无", "普通", "一般", "内部公开"):
                hint = "不涉密的公文删去“密级”一行（“此件公开发布”等写在附注里）"
            else:
                hint = "绝密、机密 或 秘密"
            c.add(c.at("密级", s), f"密级“{s}”不是规定的密级。", hint, "error")
        if d.copy_number is None:
            c.add(c.at("密级", s), "涉密公文应当标注份号，这里写了密级却没有份号。",
                  "加上一行 `份号: 000001`（6 位阿拉伯数字）", "error")
    if d.secrecy_term is not None:
        t = d.secrecy_term
        if d.secrecy is None:
            c.add(c.at("保密期限", t), "写了保密期限，却没有密级。",
                  "加上 `密级: 机密`（或 绝密、秘密），或删去保密期限", "error")
        if not _TERM.match(t):
            c.add(c.at("保密期限", t), f"保密期限“{t}”的写法不对：用阿拉伯数字加“年”或“个月”，或写“长期”。",
                  _fix_term(t), "error")


def _fix_term(t: str) -> str:
    s = t.strip().lstrip("★☆*").replace(" ", "").replace("\u3000", "")
    s = re.sub(r"^保密期?限?", "", s)
    s = _to_ascii_digits(s)
    m = re.match(r"^([一二两三四五六七八九十]+)", s)
    if m:
        n = _cn_int(m.group(1).replace("两", "二"))
        if n:
            s = str(n) + s[m.end():]
    s = re.sub(r"^(\d+)个?月$", r"\1个月", s)
    s = re.sub(r"^(\d+)年(?:内|以内)?$", r"\1年", s)
    s = re.sub(r"^0+(\d)", r"\1", s)
    if _TERM.match(s):
        return s
    return "1年、6个月 或 长期（印出来是 机密★1年）"


def _urgency(c: _Checker) -> None:
    u = c.doc.urgency
    if u is None or u in URGENCY:
        return
    if u in TELEGRAM_URGENCY:
        c.add(c.at("紧急程度", u), f"紧急程度“{u}”只用于电报。", "一般公文写 特急 或 加急（不紧急的删去这一行）")
        return
    hint = "特急" if "特" in u else "加急" if u in ("急", "紧急", "急件", "加急件") else "特急 或 加急"
    c.add(c.at("紧急程度", u), f"紧急程度“{u}”不是规定的写法。", hint, "error")


# ---------------------------------------------------------------------------
# 标题 (§7.3.1), 文种, 签发人 (§7.2.5), 主送机关

_TRAILING_PAREN = re.compile(r"[（(][^（）()]{1,12}[）)]\s*$")


def genre_of(title: str) -> str | None:
    """The 文种 the title ends in (…的通知 → 通知), ignoring a trailing （试行）-like note."""
    t = title.strip()
    for _ in range(2):
        t = _TRAILING_PAREN.sub("", t).strip()
    t = t.rstrip("。.!！ \u3000")
    for g in sorted(GENRES, key=len, reverse=True):
        if t.endswith(g):
            return g
    return None


def _title(c: _Checker) -> None:
    d = c.doc
    title = d.title
    if not title:
        return
    first = c.line("标题")
    lines = d.title_lines or (title,)
    g = genre_of(title)
    last_line = c.find_line(first, lines[-1]) if lines else first
    if g is None:
        c.add(_Where("标题", last_line, c.column(last_line, lines[-1], len(lines[-1]) - 1)),
              f"标题“{_short(title)}”没有以文种结尾。",
              "标题末尾写明文种，如“……的通知”；文种有：" + "、".join(GENRES))
    elif g in UPWARD and re.search(r"请示报告$|报告请示$", _TRAILING_PAREN.sub("", title).strip()):
        c.add(_Where("标题", last_line), "“请示”和“报告”是两个文种，不能混用为“请示报告”。",
              "请求批准的写“请示”，汇报工作的写“报告”")
    # punctuation a title may not carry
    shown = 0
    for text in lines:
        ln = c.find_line(first, text)
        for i, ch in enumerate(text):
            if not _is_punct(ch) or ch in TITLE_ALLOWED:
                continue
            if ch in _RANGE_DASH and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
                continue            # 2022-2025年
            if ch in "()":
                hint = "改为全角括号“（）”"
            elif ch in "[]【】":
                hint = "文号的年份用六角括号“〔〕”"
            elif ch in "\"'":
                hint = "改为中文引号“”"
            elif ch in ",，" and "、" not in text:
                hint = "并列词语之间用顿号“、”，或删去标点"
            else:
                hint = "删去这个标点（标题中一般只用书名号、引号、顿号、括号）"
            c.add(_Where("标题", ln, c.column(ln, text, i)),
                  f"标题中不宜使用标点“{ch}”（…{_around(text, i)}…）。", hint)
            shown += 1
            if shown >= 5:
                return


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P") or ch in "~～"


def _signers(c: _Checker) -> None:
    d = c.doc
    g = genre_of(d.title) if d.title else None
    if g is None:
        return
    if d.signers and g not in UPWARD + EITHER_WAY:
        c.add(c.at("签发人", d.signers[0], item=1 if "签发人#1" in d.lines else None),
              f"签发人只标注在上行文（请示、报告）上；本件标题的文种是“{g}”。",
              "删去“签发人”，或核对标题末尾的文种")
    if g in UPWARD and not d.signers:
        c.add(_Where("标题", c.find_line(c.line("标题"), (d.title_lines or (d.title,))[-1])),
              f"“{g}”是上行文，应当标注签发人。", "加上一行 `签发人: 姓名`")


def _letter(c: _Checker) -> None:
    d = c.doc
    if d.title and genre_of(d.title) == "函" and d.format == "文件":
        c.add(_Where("标题", c.find_line(c.line("标题"), (d.title_lines or (d.title,))[-1])),
              "函一般用信函格式（GB/T 9704 §9.2），这里是文件格式。", "加上一行 `版式: 信函`")


_PLACEHOLDER = "××"


def _placeholders(c: _Checker) -> None:
    """The `××` that `generate.py new` leaves for the clerk to replace."""
    shown = 0
    for field, text, line in _all_text(c):
        if text and _PLACEHOLDER in text:
            i = text.index(_PLACEHOLDER)
            if c.archiving:
                c.add(_Where(field, line, c.column(line, text, i)),
                      f"还有没替换的“{_PLACEHOLDER}”（…{_around(text, i)}…），不能存档。",
                      "换成实际内容再生成；只想先看看样子，加 --out 文件夹 导出（不进存档）", severity="error")
            else:
                c.add(_Where(field, line, c.column(line, text, i)),
                      f"还有没替换的“{_PLACEHOLDER}”（…{_around(text, i)}…）。",
                      "换成实际内容（存档生成时这是错误）")
            shown += 1
            if shown >= 10:
                return


def _all_text(c: _Checker):
    """(field, text, line) of every text the data gave, once each."""
    seen = set()
    for field, role, text, line in _printed_text(c):
        if field == "页码" or (field, text) in seen or field not in c.doc.lines:
            continue            # not given in the data (the 署名 taken from the mark …)
        seen.add((field, text))
        yield field, text, line


def _addressees(c: _Checker) -> None:
    d = c.doc
    if genre_of(d.title or "") == "请示" and d.addressees:
        names = [n for n in re.split(r"[，、,；;\s]+", d.addressees.rstrip("：:")) if n]
        if len(names) > 1:
            c.add(c.at("主送机关", names[1]),
                  f"请示应当只写一个主送机关，这里写了 {len(names)} 个。",
                  "只写主管的上级机关，需要其他机关知道的写进“抄送机关”")


# ---------------------------------------------------------------------------
# 附件说明 (§7.3.4)

_TRAILING_PUNCT = "。，、；：！？.,;:!?…—-"
_TYPED_ATTACHMENT_NUMBER = re.compile(r"^(?:附件\s*\d*\s*[:：.．、]?|\d+\s*[.．、:：])\s*")


def _attachments(c: _Checker) -> None:
    for a in c.doc.attachments:
        name = a.name
        line = c.line("附件", a.number, "名称") if f"附件#{a.number}.名称" in c.doc.lines else \
            c.line("附件", a.number)
        if name and name[-1] in _TRAILING_PUNCT:
            c.add(_Where("附件", line, c.column(line, name, len(name) - 1)),
                  f"附件名称“{_short(name)}”后面不加标点符号。", name.rstrip(_TRAILING_PUNCT))
        m = _TYPED_ATTACHMENT_NUMBER.match(name)
        if m and m.end() < len(name):
            c.add(_Where("附件", line, c.column(line, name, 0)),
                  f"附件名称“{_short(name)}”前面不用自己编号。",
                  f"{name[m.end():]}（“附件：”和序号由程序按 1．2． 自动加上）")


# ---------------------------------------------------------------------------
# 结构层次序数 (§7.3.3): 一、 （一） 1. （1）, in order, no level skipped

_FOLDED_HEADING = re.compile(r"[。：；！？\s](#{1,4}\s|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")


def _headings(c: _Checker) -> None:
    # `正文:` without `|` folds every line into one paragraph: headings inside it
    # are the sign.
    paragraphs = [b for b in c.doc.body if isinstance(b, Paragraph)]
    if len(paragraphs) == 1:
        m = _FOLDED_HEADING.search(paragraphs[0].text)
        if m:
            c.add(c.at("正文", m.group(1).strip(), line=paragraphs[0].source_line),
                  f"正文只有一段，但段中有标题“{m.group(1).strip()}”：多半是 `正文:` 后漏写了“|”，各行被连成了一段。",
                  "写成 `正文: |`，下一行起每段一行、缩进两格")
    _heading_run(c, c.doc.body, "正文")
    for a in c.doc.attachments:
        _heading_run(c, a.content, "附件")


_UNSPACED_HASHES = re.compile(r"^(#{1,4})(?=[^#\s])")


def _heading_run(c: _Checker, blocks: Iterable, field: str) -> None:
    for b in blocks:                     # `##明确任务`: meant as a heading, printed as it stands
        m = _UNSPACED_HASHES.match(b.text) if isinstance(b, Paragraph) and b.level == 0 else None
        if m:
            c.add(_Where(field, b.source_line, c.column(b.source_line, m.group(1), 0)),
                  f"“{b.text[:12]}”会原样印出“{m.group(1)}”：标题标记后要空一格。",
                  f"写成 `{m.group(1)} {b.text[len(m.group(1)):][:12]}`")
    heads = [b for b in blocks if isinstance(b, Paragraph) and b.level > 0]
    if not heads:
        return
    base = min(h.level for h in heads)
    last = {1: 0, 2: 0, 3: 0, 4: 0}
    shown = {1: "", 2: "", 3: "", 4: ""}
    depth = base - 1
    for h in heads:
        tn = markup.typed_number(h.text)
        if tn is None:
            continue
        level = h.level
        where = _Where(field, h.source_line, c.column(h.source_line, tn.text, 0))
        if level > depth + 1:
            missing = markup.heading_number(depth + 1, 1).rstrip("、.")
            parent = shown.get(depth, "") if depth >= 1 else ""
            under = f"“{parent}”下" if parent else ""
            c.add(where, f"结构层次跳级：{under}直接用了“{tn.text}”，缺少“{markup.heading_number(depth + 1, 1)}”这一层。",
                  f"层次依次为 一、（一）1.（1）；把“{tn.text}”改为“{markup.heading_number(depth + 1, tn.value or 1)}”，"
                  f"或补上“{missing}”一层")
        else:
            expected = last[level] + 1
            if tn.value != expected:
                exp = markup.heading_number(level, expected)
                if last[level]:
                    msg = f"序数不连续：前一个是“{shown[level]}”，这里是“{tn.text}”。"
                else:
                    msg = f"序数不连续：这一层应从“{markup.heading_number(level, 1)}”开始，这里是“{tn.text}”。"
                c.add(where, msg, f"“{exp}”")
        last[level] = tn.value
        shown[level] = tn.text
        for deeper in range(level + 1, 5):
            last[deeper] = 0
            shown[deeper] = ""
        depth = level


# ---------------------------------------------------------------------------
# Half-width punctuation inside Chinese text

def halfwidth_marks(text: str) -> list[int]:
    """Indexes of half-width , . ; : ? ! ( ) used inside Chinese text.

    Not flagged: 3.5, 1,000, 9:30 (between digits), e-mail addresses and URLs,
    marks inside Latin words (e.g., Node.js) or with no Chinese next to them,
    a `1.` heading number at the start, a full stop right after a Latin letter
    (an abbreviation such as Co.)."""
    skip: set[int] = set()
    for rx in (_EMAIL, _URL):
        for m in rx.finditer(text):
            skip.update(range(m.start(), m.end()))
    number = re.match(r"^\s*\d{1,3}\.", text)
    if number:
        skip.add(number.end() - 1)
    out = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch not in HALF_TO_FULL or i in skip:
            continue
        prev = text[i - 1] if i > 0 else ""
        nxt = text[i + 1] if i + 1 < n else ""
        if prev and nxt and _ASCII_ALNUM.match(prev) and _ASCII_ALNUM.match(nxt):
            continue                       # 3.5  9:30  1,000  Node.js
        if ch == "." and prev and re.match(r"[A-Za-z]", prev):
            continue                       # Co.  e.g.
        left = _neighbour(text, i, -1)
        right = _neighbour(text, i, +1)
        if bool(left and _CJK.match(left)) or bool(right and _CJK.match(right)):
            out.append(i)
    # a pair of half-width brackets goes together: (Co., Ltd.) after Chinese text
    flagged = set(out)
    stack = []
    for i, ch in enumerate(text):
        if i in skip:
            continue
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            j = stack.pop()
            if (i in flagged) != (j in flagged):
                flagged.update((i, j))
    return sorted(flagged)


def _neighbour(text: str, i: int, step: int) -> str:
    j = i + step
    while 0 <= j < len(text) and text[j] in " \t":
        j += step
    return text[j] if 0 <= j < len(text) else ""


def _punctuation(c: _Checker) -> None:
    d = c.doc
    count = [0]

    def scan(text: str | None, field: str, line: int | None) -> None:
        if not text or count[0] >= MAX_PUNCT_WARNINGS:
            return
        marks = halfwidth_marks(text)
        for k, i in enumerate(marks):
            if count[0] >= MAX_PUNCT_WARNINGS:
                return
            if k == MAX_PER_PARAGRAPH:
                c.add(_Where(field, line), f"这一段还有 {len(marks) - k} 处半角标点。",
                      "把中文里的 , . ; : ? ! ( ) 都改为全角 ，。；：？！（）")
                count[0] += 1
                return
            ch = text[i]
            name, full = HALF_TO_FULL[ch]
            if ch == "." and text[i:i + 3] == "...":
                name, full = "省略号", "……"
            c.add(_Where(field, line, c.column(line, text, i)),
                  f"中文里用了半角{name}“{ch}”（…{_around(text, i)}…）。", f"改为全角“{full}”")
            count[0] += 1

    def fixed(field: str, text: str | None, item: int | None = None) -> None:
        if text:
            ln = c.line(field, item)
            scan(text, field, c.find_line(ln, text[:6]) if ln else ln)

    fixed("主送机关", d.addressees)
    for p in _paragraphs(d.body):
        scan(p.text, "正文", p.source_line)
    for a in d.attachments:
        ln = c.line("附件", a.number, "名称") if f"附件#{a.number}.名称" in d.lines else c.line("附件", a.number)
        scan(a.name, "附件", ln)
        for p in _paragraphs(a.content):
            scan(p.text, "附件", p.source_line)
    for i, name in enumerate(d.issuers, 1):
        fixed("发文机关署名", name, i if f"发文机关署名#{i}" in d.lines else None)
    fixed("代章", d.proxy_seal)
    fixed("附注", d.note)
    for i, name in enumerate(d.cc, 1):
        fixed("抄送机关", name, i if f"抄送机关#{i}" in d.lines else None)
    fixed("印发机关", d.printer)


def _paragraphs(blocks) -> list[Paragraph]:
    return [b for b in blocks if isinstance(b, Paragraph)]


# ---------------------------------------------------------------------------
# Invisible characters pasted from elsewhere

_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def _invisible(c: _Checker) -> None:
    d = c.doc
    seen = 0
    items: list[tuple[str, str, int | None]] = [("标题", d.title, c.line("标题"))]
    items += [("正文", p.text, p.source_line) for p in _paragraphs(d.body)]
    for a in d.attachments:
        items += [("附件", p.text, p.source_line) for p in _paragraphs(a.content)]
    for field, text, line in items:
        if not text:
            continue
        for what, rx, hint in (("制表符（Tab）", re.compile("\t"), "换成全角空格“　”或删去"),
                               ("看不见的控制字符", _INVISIBLE, "删去（常见于从网页或其他软件复制来的文字）")):
            m = rx.search(text)
            if m:
                c.add(_Where(field, line, c.column(line, text, m.start())),
                      f"文字里有{what}（U+{ord(m.group()):04X}），打印时会变成空白或消失。", hint)
                seen += 1
                if seen >= 10:
                    return


# ---------------------------------------------------------------------------
# Characters no font can print

def _glyphs(c: _Checker, fonts) -> None:
    try:
        if fonts is None:
            fonts = default_book()
    except GongwenError as e:            # no usable font at all
        c.problems.extend(e.problems)
        return
    items = list(_printed_text(c))
    if hasattr(fonts, "prepare"):
        try:
            fonts.prepare("".join(t for _, _, t, _ in items))
        except MissingGlyph:
            pass
        except GongwenError as e:
            c.problems.extend(e.problems)
            return
    seen: set[str] = set()
    # (role, ch) the book has shaped from a face that never changes: printable, known already
    cache: dict[tuple[str, str], bool] = dict.fromkeys(getattr(fonts, "_shape_cache", None) or (), True)
    for field, role, text, line in items:
        for i, ch in enumerate(text):
            if ch in "\r\n\t" or ch in seen:
                continue
            key = (role, ch)
            ok = cache.get(key)
            if ok is None:
                try:
                    fonts.face_for(role, ch)
                    ok = True
                except MissingGlyph:
                    ok = False
                cache[key] = ok
            if ok:
                continue
            seen.add(ch)
            name = unicodedata.name(ch, "")
            c.add(_Where(field, line, c.column(line, text, i)),
                  f"没有字体能打印字符“{ch}”（U+{ord(ch):04X}{'，' + name if name else ''}）。",
                  "换用常用字或通用写法；确需此字时，把含有它的字体放进 fonts/ 文件夹", "error")
            if len(seen) >= MAX_GLYPH_PROBLEMS:
                return


def _printed_text(c: _Checker):
    """(field, font role, text, line) for everything the layout will print."""
    d = c.doc
    first_title = c.line("标题")
    for p in d.printed_text():
        yield p.field, p.role, p.text, _line_of(c, p, first_title)


def _line_of(c: _Checker, p, first_title: int | None) -> int | None:
    """The data line a stretch of printed text comes from."""
    if p.field == "页码" or p.sub == "表格":
        return None
    if p.paragraph is not None:
        return p.paragraph.source_line
    if p.field == "标题":
        return c.find_line(first_title, p.text)
    if p.field == "保密期限":
        return c.line("保密期限") or c.line("密级")
    if p.sub is not None:
        return c.line(p.field, sub=p.sub)
    if p.field == "附件" and p.index is not None:
        return c.line("附件", p.index)
    if p.index is not None:
        return c.line(p.field, p.index if f"{p.field}#{p.index}" in c.doc.lines else None)
    return c.line(p.field)


# ---------------------------------------------------------------------------

def _short(text: str, n: int = 24) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _around(text: str, i: int, n: int = 6) -> str:
    return text[max(0, i - n): i + n + 1].replace("\n", " ")
