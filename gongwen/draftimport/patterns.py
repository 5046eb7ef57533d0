"""What the parts of a 公文 look like as text: the patterns the recogniser uses.

Each pattern names a part the way a clerk types it, in all the forms
drafts actually carry (full-width and half-width brackets, Arabic and
汉字 numerals, spaces a copied PDF leaves between characters).
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata

from ..markup import parse_chinese_number, typed_number

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A sentence (and so a paragraph) may end here; a line ending otherwise goes on.
SENTENCE_END = "。！？!?；;：:…"
CLOSERS = "”’）)」』》】〕]"
CLOSING_PHRASES = re.compile(r"^(?:特此(?:通知|通报|报告|函告|函复|批复|公告|通告|说明|请示)|此复|此令|妥否，?请批示|"
                             r"以上(?:报告|请示|意见)?(?:妥否)?，?请.{0,6}|当否，?请批示)[。！]?$")

# The end of an organ's name: what a 署名 or 发文机关标志 line ends with.
ORGAN_END = re.compile(
    r"(?:人民政府|政府|委员会|常委会|办公室|办公厅|联席会议|领导小组|工作组|小组|指挥部|党组|党委|党工委|工委|纪委|监委|"
    r"支部|总支|委|办|局|厅|部|院|署|会|中心|处|室|科|所|站|队|集团|公司|协会|学会|联合会|大学|学院|学校|医院|"
    r"法院|检察院|银行|分行|分局|街道|镇|乡|村|社区|区|县|市|省|团|军|社|馆|台|园|府)$")
# The 文种 a title ends with (§7.3.1); a bracketed 试行/暂行 may follow.
DOC_KIND = re.compile(
    r"(?:通知|请示|报告|复函|函|意见|决定|通报|批复|纪要|公告|通告|决议|议案|命令|令|公报|方案|办法|规定|规划|"
    r"要点|细则|答复|说明|建议|总结|计划|安排|指引|制度|规则|章程|条例|通令|预案|标准|名单|通讯录)"
    r"(?:[（(][^（）()]{1,8}[）)])?$")

DATE_ARABIC = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
DATE_ISO = re.compile(r"(?<!\d)(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?!\d)")
DATE_CHINESE = re.compile(r"([〇○零Ｏ0一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
                          r"\s*([一二三四五六七八九十]{1,3})\s*日")

# 发文字号 at the start of a line: 机关代字, the year in any bracket a clerk types, 序号, 号.
DOC_NUMBER = re.compile(
    rf"^(?P<code>[{HAN}A-Za-z]{{1,20}}?)\s*(?P<open>[〔\[［（(【﹝{{｛])\s*(?P<year>\d{{4}})\s*"
    rf"(?P<close>[〕\]］）)】﹞}}｝])\s*(?:第\s*)?(?P<n>\d{{1,5}})\s*号")
SIGNER = re.compile(r"签\s*发\s*人\s*[：:]\s*(?P<names>.*)$")
PERSON = re.compile(rf"^[{HAN}·]{{2,5}}$")
LABEL_LINE = re.compile(rf"^[{HAN}][{HAN}\s\u3000]{{0,7}}[：:]")
ATTACH_NOTE = re.compile(r"^附\s*件\s*[：:]\s*(?P<rest>.*)$")
ATTACH_ITEM = re.compile(r"^(?P<n>\d{1,2})\s*[．.、]\s*(?P<name>.+)$")
ATTACH_LABEL = re.compile(r"^附\s*件\s*(?P<n>\d{1,2})?\s*[：:]?$")
SEAL_ON_BEHALF = re.compile(r"^[（(](?P<text>[^（）()]{2,40}代章)[）)]$")
NOTE = re.compile(r"^[（(](?P<text>.+)[）)]$")
COPIED_TO = re.compile(r"^抄\s*送\s*[：:]\s*(?P<rest>.*)$")
SENT_TO_IN_IMPRINT = re.compile(r"^主\s*送\s*[：:]\s*(?P<rest>.*)$")
PRINTED = re.compile(r"^(?P<organ>.*?)\s*(?P<date>(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年.{1,6}?日|"
                     r"\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2})\s*印\s*发$")


_FULL_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# Characters that are not obviously full-width (CJK, full-width forms, CJK punctuation) nor ASCII:
# only these need Unicode's width table.
_UNSURE_WIDTH = re.compile("[^\x00-\x7f\u1100-\u11ff\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff"
                           "\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u2010-\u2027\u3000-\u303f]")


def width(s: str) -> float:
    """Printed width in 字: full-width characters 1, the rest ½ (“” ‘’ … — are
    "ambiguous" in Unicode but full-width in a Chinese font)."""
    ascii_count = len(s.encode("ascii", "ignore"))
    narrow = sum(1 for ch in _UNSURE_WIDTH.findall(s) if unicodedata.east_asian_width(ch) not in "WFA")
    return len(s) - 0.5 * (ascii_count + narrow)


def ascii_digits(s: str) -> str:
    return s.translate(_FULL_DIGITS)


def ends_sentence(s: str) -> bool:
    s = s.rstrip()
    if not s:
        return True
    if s[-1] in SENTENCE_END:
        return True
    if s[-1] in CLOSERS:
        inner = s.rstrip(CLOSERS)
        return bool(inner) and inner[-1] in SENTENCE_END
    return False


def ends_paragraph(s: str) -> bool:
    """Where a paragraph may end: a sentence's end, but not a ；, which in a
    公文 only ever separates items inside one paragraph."""
    t = s.rstrip().rstrip(CLOSERS)
    return ends_sentence(s) and not (t and t[-1] in "；;")


def is_heading_start(s: str) -> bool:
    return typed_number(s) is not None


def parse_date(s: str) -> tuple[_dt.date, str] | None:
    """A line that is a date and nothing else → (date, how it was written);
    Arabic (2024年5月8日, 2024-5-8, 2024/5/8, 2024.5.8) and 汉字 numerals
    (二〇二四年五月八日)."""
    t = ascii_digits(s.strip()).replace("\u3000", " ")
    if len(t) > 40 or not ("年" in t or "-" in t or "/" in t or "." in t):
        return None
    for rx in (DATE_ARABIC, DATE_ISO):
        m = rx.fullmatch(t)
        if m:
            try:
                return _dt.date(*(int(g) for g in m.groups())), "arabic"
            except ValueError:
                return None
    m = DATE_CHINESE.fullmatch(t)
    if m:
        digits = []
        for ch in m.group(1):
            if ch in "〇○零Ｏ0":
                digits.append("0")
            else:
                digits.append(str("一二三四五六七八九".index(ch) + 1))
        month, day = parse_chinese_number(m.group(2)), parse_chinese_number(m.group(3))
        try:
            return _dt.date(int("".join(digits)), month or 0, day or 0), "chinese"
        except (TypeError, ValueError):
            return None
    return None


def date_shaped(s: str) -> bool:
    """A line written as a date, whether or not that day exists (2024年2月30日)."""
    t = ascii_digits(s.strip()).replace("\u3000", " ")
    return len(t) <= 40 and any(rx.fullmatch(t) for rx in (DATE_ARABIC, DATE_ISO, DATE_CHINESE))


def split_date_tail(s: str) -> tuple[str, tuple[_dt.date, str], str] | None:
    """`机关名称  2023年4月18日` → (机关名称, date, the date as written)."""
    t = s.strip()
    if len(t) > 80 or not t[-1:] in "日0123456789０１２３４５６７８９":
        return None
    for rx in (DATE_ARABIC, DATE_CHINESE, DATE_ISO):
        for m in rx.finditer(ascii_digits(t)):
            if m.end() == len(t) and m.start() > 0:
                d = parse_date(t[m.start():])
                if d:
                    return t[:m.start()].strip(), d, t[m.start():]
    return None


def is_organ(s: str) -> bool:
    s = s.strip()
    return 2 <= len(s) <= 40 and not any(c in s for c in "。，；：:！？、") and bool(ORGAN_END.search(s)) \
        and not is_heading_start(s) and "关于" not in s


def split_organs(s: str) -> list[str]:
    """Organ names on one line, apart by two or more spaces, a tab or 　 (a joint 署名
    typed side by side); a single space only where each piece is an organ."""
    parts = [p for p in re.split(r"[ \t]{2,}|\t|\u3000+", s.strip()) if p.strip()]
    if len(parts) == 1 and " " in s.strip():
        pieces = s.split()
        if all(is_organ(p) for p in pieces):
            parts = pieces
    return [p.strip() for p in parts]
