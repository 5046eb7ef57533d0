"""Line breaking on the character grid, shared by every element.

A paragraph is cut into clusters (one CJK character, or a Latin word / number /
phone number / e-mail address kept whole), filled greedily into lines, then
mended for 避头尾 by pushing characters down to the next line, and finally
justified so that every full line reaches both edges of the 版心.
"""
from __future__ import annotations

import math
import re
from collections import deque
from itertools import accumulate, groupby
from dataclasses import dataclass
from typing import Iterable, Protocol

from .. import spec
from ..model import Span
from .boxes import TextRun

# 避头尾 (spec §3): characters that may not begin / end a line.
NO_LINE_START = set("，。、；：？！）》」』】〕〉］｝〗”’…—·％‰．,.;:?!)]}%")
NO_LINE_END = set("（《「『【〔〈［｛〖“‘([{")

# Latin words, numbers, phone numbers, e-mail addresses and URLs stay whole.
_WORD = re.compile(r"[A-Za-z0-9@._\-+/:#&=?~'*]+")
# Paired punctuation that must not be split (——, ……).
_PAIRS = ("——", "……")
# A number keeps its unit (2035年, 86家, 3.5万元, 临知联办字〔2023〕3号: a line may
# break after 〕, never between the number and what it counts).
NUMBER_UNIT = re.compile(r"\d+(?:[.．]\d+)?(?:万元|亿元|平方米|平方公里|公里|千米|千克|小时|[年月日号个项家人元万亿"
                         r"件次条台所名户吨米倍届期批份页天周岁亩%％‰])")
# Where a table cell may cut an address or a number at need (tables only).
SOFT_BREAK_AFTER = set("-/.@_?&=")
# Body text breaks an e-mail address or a URL only after a / or a dot (an e-mail
# address also after its @): one longer than a line, or one that going whole to
# the next line would leave this one stretched (spec.ADDRESS_MAX_STRETCH_CHARS).
URL_BREAK_AFTER = set("/.@")
EPS = 1e-6


class Face(Protocol):
    key: str
    def advance(self, ch: str) -> float: ...
    def glyph_bounds(self, ch: str) -> tuple[float, float, float, float] | None: ...


class Fonts(Protocol):
    def face_for(self, role: str, ch: str) -> Face: ...


@dataclass(frozen=True)
class Glyph:
    ch: str
    face: str
    role: str
    advance: float     # mm, tracking included
    lead: float = 0.0  # mm of space before it: a Chinese character next to a Latin letter or digit
    tracking: float = 0.0   # mm of tracking in `advance`


@dataclass
class Cluster:
    glyphs: list[Glyph]
    space: bool = False
    joined: bool = False    # a later piece of a broken address: set solid against the one before

    def __post_init__(self) -> None:
        # Summed once: break_lines asks for it many times per cluster.  The
        # Chinese–Latin space inside a cluster (2035|年) counts, as it is set.
        self.width: float = sum(g.advance for g in self.glyphs) + sum(g.lead for g in self.glyphs[1:])

    @property
    def first(self) -> str:
        return self.glyphs[0].ch

    @property
    def last(self) -> str:
        return self.glyphs[-1].ch


@dataclass
class Line:
    glyphs: list[Glyph]
    xs: list[float]    # left edge of each glyph, from the line's left edge (indent included)
    last: bool         # last line of its paragraph (flush left, not justified)

    @property
    def text(self) -> str:
        return "".join(g.ch for g in self.glyphs)


def grid_tracking(size_pt: float) -> float:
    """Extra advance (mm, negative) that puts 28 characters of 3号 in 156 mm,
    scaled for other sizes so every grid element keeps the same proportion."""
    return spec.char_width(size_pt) - size_pt * spec.PT


def shape(spans: Iterable[Span], fonts: Fonts, size_pt: float, tracking: float = 0.0) -> list[Glyph]:
    return _shape(spans, fonts, size_pt, tracking)[0]


def _shape(spans: Iterable[Span], fonts: Fonts, size_pt: float, tracking: float) -> tuple[list[Glyph], bool]:
    """The glyphs, and whether every one came from a face that never changes
    (not a fallback subset, which grows with the document's rare characters)."""
    em = size_pt * spec.PT
    out: list[Glyph] = []
    cache = _face_cache(fonts)
    stable = cache is not None
    for span in spans:
        role = span.role
        for ch in span.text:
            if ch in "\r\n\t":
                ch = " "
            hit = cache.get((role, ch)) if cache is not None else None
            if hit is None:
                face = fonts.face_for(role, ch)
                hit = (face.key, face.advance(ch))
                if cache is not None and getattr(face, "chars", None) is None:
                    cache[(role, ch)] = hit     # fallback subsets change as they grow: never cached
                else:
                    stable = False
            lead = spec.ASIAN_LATIN_SPACE_EM * em if out and _script_change(out[-1].ch, ch) else 0.0
            out.append(Glyph(ch, hit[0], role, hit[1] * em + tracking, lead, tracking))
    return out, stable


PARAGRAPH_CACHE_SIZE = 1024      # ≈ 15 KB each: a 200-page notice, or a batch's last rows, at most ~15 MB


def paragraph_lines(spans: Iterable[Span], fonts: Fonts, size_pt: float, tracking: float, width: float,
                    first_indent: float = 0.0, justify: bool = True) -> list[Line]:
    """shape + break_lines of one paragraph, remembered per font book: a
    paragraph's lines depend only on its spans, size, tracking, width and
    indent, so a process that lays out many versions of a notice (the web
    page's preview after each keystroke, a batch) breaks an unchanged paragraph
    once.  Paragraphs with a fallback glyph are not remembered; the answer is a
    fresh copy, so no caller shares another's lists."""
    key = (tuple(spans), size_pt, tracking, width, first_indent, justify)
    memo = _paragraph_cache(fonts)
    lines = memo.get(key) if memo is not None else None
    if lines is None:
        glyphs, stable = _shape(key[0], fonts, size_pt, tracking)
        lines = break_lines(glyphs, width, first_indent, justify)
        if memo is not None and stable:
            if len(memo) >= PARAGRAPH_CACHE_SIZE:
                memo.clear()
            memo[key] = lines
    return [Line(list(ln.glyphs), list(ln.xs), ln.last) for ln in lines]


def _paragraph_cache(fonts) -> dict | None:
    if _face_cache(fonts) is None:
        return None
    memo = getattr(fonts, "_paragraph_cache", None)
    if memo is None:
        memo = {}
        fonts._paragraph_cache = memo
    return memo


def _is_asian(ch: str) -> bool:
    """CJK: radicals, punctuation, kana, ideographs (extensions B… included), full-width forms."""
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF
            or 0x20000 <= o <= 0x3FFFF)


def _script_change(a: str, b: str) -> bool:
    """A Chinese character next to a Latin letter or digit (both letters or digits,
    not punctuation): Word and LibreOffice set them apart by ASIAN_LATIN_SPACE_EM."""
    return a.isalnum() and b.isalnum() and _is_asian(a) != _is_asian(b)


def _face_cache(fonts) -> dict | None:
    """(role, ch) → (face key, advance in em) for a FontBook: which face sets a
    character in a role, and its advance, never change for a book's role and
    substitute faces, and looking them up per character is most of shaping."""
    cache = getattr(fonts, "_shape_cache", None)
    if cache is None and type(fonts).__name__ == "FontBook":
        cache = {}
        try:
            fonts._shape_cache = cache
        except AttributeError:
            return None
    return cache


def clusters(glyphs: list[Glyph]) -> list[Cluster]:
    text = "".join(g.ch for g in glyphs)
    out: list[Cluster] = []
    i = 0
    while i < len(glyphs):
        ch = text[i]
        if ch == " ":
            out.append(Cluster([glyphs[i]], space=True))
            i += 1
            continue
        m = NUMBER_UNIT.match(text, i) if ch.isdigit() else None
        if m:
            out.append(Cluster(glyphs[i:m.end()]))
            i = m.end()
            continue
        m = _WORD.match(text, i)
        if m:
            out.append(Cluster(glyphs[i:m.end()]))
            i = m.end()
            continue
        if text[i:i + 2] in _PAIRS:
            out.append(Cluster(glyphs[i:i + 2]))
            i += 2
            continue
        out.append(Cluster([glyphs[i]]))
        i += 1
    return out


def _legal_break(line: list[Cluster], nxt: Cluster) -> bool:
    if nxt.first in NO_LINE_START:
        return False
    if line and line[-1].last in NO_LINE_END:
        return False
    return True


def break_lines(glyphs: list[Glyph], width: float, first_indent: float = 0.0,
                justify: bool = True) -> list[Line]:
    """Break shaped glyphs into lines of at most `width` mm (the first line
    starting `first_indent` mm in) and place every glyph.

    Greedy, with 避头尾 mended by pushing clusters down.  An e-mail address or
    URL is broken after a / or a dot (an e-mail's @ too): when wider than a
    line, and when pushing it whole to the next line would stretch a justified
    line past spec.ADDRESS_MAX_STRETCH_CHARS per gap or leave the punctuation
    after it to start a line (its last piece goes down with that instead)."""
    unit = max((g.advance for g in glyphs if _is_asian(g.ch)), default=0.0)   # 1 字 of this text
    max_stretch = spec.ADDRESS_MAX_STRETCH_CHARS * unit if justify else math.inf
    lines: list[list[Cluster]] = []
    current: list[Cluster] = []
    used = 0.0
    avail = width - first_indent
    # a cluster wider than a whole line: an address at its / and dots, anything else per character
    queue = deque(c2 for c in clusters(glyphs) for c2 in (
        [c] if c.width <= width + EPS or len(c.glyphs) == 1 else
        _address_pieces(c, width) if _is_address(c) else [Cluster([g]) for g in c.glyphs]))
    while queue:
        c = queue.popleft()
        if c.space and not current:
            continue                      # no space at the start of a line
        lead = c.glyphs[0].lead if current else 0.0     # no space at the start of a line
        if not current and c.width > avail + EPS and len(c.glyphs) > 1:
            # too wide even for this line on its own (an indented first line): an address
            # at its / and dots, anything else per character
            queue.extendleft(reversed(_address_pieces(c, width) if _is_address(c) else
                                      [Cluster([g]) for g in c.glyphs]))
            continue
        if used + lead + c.width <= avail + EPS or not current:
            current.append(c)
            used += lead + c.width
            continue
        cut = _last_legal_break(current, c)
        # An address pushed whole would leave this line gaping (or, alone on it, let the
        # punctuation after it start the next line): break it after a / or dot instead.
        k = next((n for n, x in enumerate(current[cut:] + [c]) if _is_address(x)), None)
        if k is not None:
            every = current + [c]
            addr, kept = every[cut + k], current[:cut + k]
            pieces = _address_pieces(addr, width)
            room = avail - _natural(kept + [addr]) + addr.width
            if (cut == 0 or _stretch(current[:cut], avail) > max_stretch) and pieces[0].width <= room + EPS:
                queue.extendleft(reversed(pieces + every[cut + k + 1:]))
                current, used = kept, _natural(kept)
                continue
        if cut == 0:                      # nothing legal: break where it overflows
            cut = len(current)
        queue.appendleft(c)
        queue.extendleft(reversed(current[cut:]))
        lines.append(current[:cut])
        current, used, avail = [], 0.0, width
    if current:
        lines.append(current)
    return _placed(lines, width, first_indent, justify, max_stretch)


def _last_legal_break(current: list[Cluster], nxt: Cluster) -> int:
    """The latest legal break at or before nxt (0: none)."""
    cut = len(current)
    following = nxt
    while cut > 0 and not _legal_break(current[:cut], following):
        cut -= 1
        following = current[cut]
    return cut


_ADDRESS_MARK = re.compile(r"[@/]|\.[A-Za-z]")


def _is_address(c: Cluster) -> bool:
    """An e-mail address or URL (not a number: 3.5万元) that has a / or a dot to break after."""
    return len(c.glyphs) > 2 and bool(_ADDRESS_MARK.search("".join(g.ch for g in c.glyphs))) \
        and len(url_pieces(c.glyphs)) > 1


def _address_pieces(c: Cluster, width: float) -> list[Cluster]:
    """An address cut after its / and dots, a piece still wider than `width` per character."""
    out: list[Cluster] = []
    for piece in url_pieces(c.glyphs):
        p = Cluster(piece, joined=True)
        out.extend([Cluster([g], joined=True) for g in piece] if p.width > width + EPS else [p])
    out[0].joined = False
    return out


def _natural(line: list[Cluster]) -> float:
    """Width of clusters set solid, the Chinese–Latin spaces between them included."""
    return sum(c.width for c in line) + sum(c.glyphs[0].lead for c in line[1:])


def _stretch(line: list[Cluster], avail: float) -> float:
    """What justifying the line to `avail` adds to each gap (inf: no gap)."""
    while line and line[-1].space:
        line = line[:-1]
    gaps = sum(not c.joined for c in line[1:])
    return (avail - _natural(line)) / gaps if gaps > 0 else math.inf


def _opens_with_address(line: list[Cluster]) -> bool:
    """The line starts with an address or the rest of one (after an opening bracket or quote)."""
    c = next((c for c in line if c.last not in NO_LINE_END), None)
    return c is not None and (c.joined or _is_address(c))


def _placed(lines: list[list[Cluster]], width: float, first_indent: float, justify: bool,
            max_stretch: float) -> list[Line]:
    """Each line placed, justified but for the last and for one that breaks at or
    inside an address and would still stretch past max_stretch (its address's
    pieces could not be cut closer): that one is set solid, flush left."""
    out = []
    for n, line in enumerate(lines):
        while line and line[-1].space:
            line = line[:-1]
        indent = first_indent if n == 0 else 0.0
        last = n == len(lines) - 1
        gaping = not last and _opens_with_address(lines[n + 1]) and _stretch(line, width - indent) > max_stretch
        out.append(_place(line, indent, width - indent, justify and not last and not gaping, last))
    return out


def break_name(glyphs: list[Glyph], width: float) -> list[Line]:
    """A name that wraps (an 附件's in the 附件说明), each line filled as
    break_lines fills it but for a break that falls inside a word: that one
    moves back to the word's start (材料清/单 → 材料/清单, 活动安/排 →
    活动/安排) where the line keeps two thirds of its characters."""
    text = "".join(g.ch for g in glyphs)
    fwd, bwd = word_boundaries(text)
    safe = fwd & bwd                      # where both matchings agree a word ends
    out: list[Line] = []
    i = 0
    while True:
        lines = break_lines(glyphs[i:], width, 0.0, justify=False)
        if len(lines) == 1:
            return out + lines
        n = len(lines[0].glyphs)
        cut = max((k for k in safe if i + 2 * n / 3 <= k <= i + n and text[k] not in NO_LINE_START
                   and text[k - 1] not in NO_LINE_END), default=i + n)
        out.append(break_lines(glyphs[i:cut], width, 0.0, justify=False)[0])
        i = cut


def url_pieces(glyphs: list) -> list[list]:
    """A long address cut after each / and . (URL_BREAK_AFTER) not at its end nor
    before another (https:// is one piece, never https:/ | /)."""
    pieces, cur = [], []
    for k, g in enumerate(glyphs):
        cur.append(g)
        if g.ch in URL_BREAK_AFTER and k + 1 < len(glyphs) and glyphs[k + 1].ch not in NO_LINE_START \
                and glyphs[k + 1].ch not in URL_BREAK_AFTER:
            pieces.append(cur)
            cur = []
    return pieces + ([cur] if cur else [])


WORD_JOINER, ZERO_WIDTH_SPACE = "\u2060", "\u200b"


def line_sources(spans: Iterable[Span], texts: list[str]) -> list[tuple[Span, ...]]:
    """The data's text of each printed line of a paragraph (`texts`: the lines as
    broken, which drop the spaces at a break): its characters from its first
    through the spaces after its last (spaces before the paragraph's first
    character belong to no line), in spans of one role — what an editable copy
    keeps where print dropped a space."""
    chars = [(" " if ch in "\r\n\t" else ch, s.role) for s in spans for ch in s.text]
    counts = list(accumulate(ch != " " for ch, _ in chars))     # characters up to each, spaces not counted
    out, done = [], 0
    for text in texts:
        upto = done + len(text.replace(" ", ""))
        mine = [c for c, n in zip(chars, counts) if done < n <= upto]
        out.append(tuple(Span("".join(c for c, _ in g), role) for role, g in groupby(mine, key=lambda c: c[1])))
        done = upto
    return out


def joined_for_word(text: str, breaks: Iterable[int] = ()) -> str:
    """The text with this breaker's address breaks told to Word and LibreOffice
    (whose own rules, UAX #14, differ): a zero-width space where the layout
    ended a line inside an address (`breaks`: the offsets in `text` where its
    lines end), and a word joiner after every other / or - of a word (they
    would break there — 0533-|7215056, Linzi-|Zibo — where this breaker never
    breaks a word that fits a line; they never break after a dot or an @ on
    their own).  A number and its unit get
    nothing: LibreOffice breaks 2035|年 whatever joins them, and a joiner there
    takes away the Chinese–Latin space it sets."""
    ends = set(breaks)
    out, i = [], 0
    for m in _WORD.finditer(text):
        out.append(text[i:m.start()])
        tok = m.group()
        inside = {e - m.start() for e in ends if m.start() < e < m.end()}
        if inside or "/" in tok or "-" in tok:
            tok = "".join(ch + (ZERO_WIDTH_SPACE if j + 1 in inside else
                                WORD_JOINER if ch in "-/" and j + 1 < len(tok) else "")
                          for j, ch in enumerate(tok))
        out.append(tok)
        i = m.end()
    out.append(text[i:])
    return "".join(out)


def _place(line: list[Cluster], indent: float, avail: float, justify: bool, last: bool) -> Line:
    leads = [0.0] + [c.glyphs[0].lead for c in line[1:]]
    natural = sum(c.width for c in line) + sum(leads)
    gaps = sum(not c.joined for c in line[1:])     # never a gap inside an address
    extra = (avail - natural) / gaps if justify and gaps > 0 and natural < avail else 0.0
    glyphs, xs = [], []
    x = indent
    for n, (c, lead) in enumerate(zip(line, leads)):
        if n and not c.joined:
            x += extra
        x += lead
        for k, g in enumerate(c.glyphs):
            if k:
                x += g.lead
            glyphs.append(g)
            xs.append(x)
            x += g.advance
    return Line(glyphs, xs, last)


def line_width(glyphs: list[Glyph]) -> float:
    """Width set solid, including the Chinese–Latin spaces inside the line."""
    return sum(g.advance + g.lead for g in glyphs) - (glyphs[0].lead if glyphs else 0.0)


# --- titles -----------------------------------------------------------------

# Where a title may break well: before these words …
_BREAK_BEFORE = ("关于", "印发", "转发", "开展", "做好", "加强", "进一步", "推进", "实施", "贯彻",
                 "召开", "举办", "表彰", "促进", "加快", "深化", "完善", "强化", "健全", "优化", "提升",
                 "支持", "助力", "落实", "建立", "组织", "申请", "设立", "同意", "调整", "降低", "商请",
                 "的通知", "的请示", "的报告", "的意见", "的决定", "的函", "的批复")
# … and after these characters (organ suffixes, conjunctions).
_BREAK_AFTER = set("局委厅院府部室办处所站会的和与及暨")
# Never broken: numbers and Latin words with the unit that follows a number
# (2023年度, 2024—2026年, 3号), and bracketed or quoted groups short enough to keep whole.
_HARD_GROUPS = re.compile(r"〔[^〕]*〕|（[^）]{0,12}）|“[^”]{0,12}”"
                          r"|[A-Za-z0-9.\-—～~]+(?:年度|年|月|日|号|期|届|次|项|条|个)?")
_BOOK_TITLE = re.compile(r"《[^》]*》")
# A single-character suffix ends the name before it (临淄|区 is one name) …
_NAME_SUFFIX = set("区市县省镇乡村局委厅办部院处")
# … and a place name before an administrative suffix has at least two characters,
# so 沂|水县 splits a name even where the word list does not know it.
_PLACE_SUFFIX = set("省市县区州旗镇乡村")
_WORDS: dict[str, str] | None = None
_MAX_WORD = 9
# Parts of speech (jieba's tags) that start a phrase: a break before an adverb,
# a preposition or a conjunction falls between the title's phrases (…关于 |
# 进一步加强…); nouns side by side make one noun phrase (家政 | 服务业, 危险 |
# 化学品), broken only at need.  Verbs are neither: in a title most of them are
# nouns in use (职业资格考试, 知识产权保护, 风险防范: a noun and the verb after
# it are one noun phrase too), and _BREAK_BEFORE names those that open a phrase.
_PHRASE_START_TAGS = ("d", "p", "c")
_NOUN_TAGS = ("n", "nz", "ns", "nt", "nr", "ng", "an", "j")
# "X行业" terms are one name (知识产权代理行业, 成品油零售行业): the 行业 and up
# to two words before it, back to a verb, a function word or a name's end.
_INDUSTRY = "行业"

# Break costs: the lower, the better the place (shape costs are added to these).
COST_CANONICAL = -4.0     # before 关于: the organ / subject split every reader expects
COST_PHRASE, COST_WORD, COST_HALF_WORD, COST_IN_WORD, COST_IN_BOOK_TITLE = 0.0, 2.0, 5.0, 30.0, 8.0
COST_NOUN_PAIR = 15.0     # between two nouns of one noun phrase
COST_IN_LONG_WORD = 45.0  # inside a listed word of 4+ characters both matchings find (非物|质文化遗产):
                          # worse than a line more (COST_EXTRA_LINE) and two noun pairs
_LONG_WORD = 4
COST_EXTRA_LINE = 8.0     # one line more than the fewest: only for clearly better breaks


def _words() -> dict[str, str]:
    """The title breaker's word list, word → part of speech (from jieba's
    dictionary, see tools/make_wordlist.py)."""
    global _WORDS
    if _WORDS is None:
        from pathlib import Path
        path = Path(__file__).resolve().parent.parent / "data" / "words.txt"
        # "word tag" lines after one comment line: split once, pair up (a loop
        # over 60 000 lines would cost more than the rest of the title breaking)
        body = path.read_text(encoding="utf-8").split("\n", 1)[1].split()
        _WORDS = dict(zip(body[0::2], body[1::2]))
    return _WORDS


def word_boundaries(text: str) -> tuple[set[int], set[int]]:
    """Word boundaries by forward and by backward maximum matching."""
    words = _words()
    fwd, i = set(), 0
    while i < len(text):
        step = next((k for k in range(min(_MAX_WORD, len(text) - i), 1, -1) if text[i:i + k] in words), 1)
        i += step
        fwd.add(i)
    bwd, j = set(), len(text)
    while j > 0:
        step = next((k for k in range(min(_MAX_WORD, j), 1, -1) if text[j - k:j] in words), 1)
        bwd.add(j)
        j -= step
    bwd.add(0)
    return fwd, bwd


def _score(text: str, a: int, cuts: list[int]) -> tuple[int, int]:
    """(words, single Chinese characters) of a segmentation of text[a:cuts[-1]]."""
    singles = sum(1 for x, y in zip([a] + cuts, cuts) if y - x == 1 and _is_asian(text[x]))
    return len(cuts), singles


def chosen_boundaries(text: str, fwd: set[int], bwd: set[int]) -> set[int]:
    """Where forward and backward maximum matching disagree (草原|生态 against
    草|原生态, 旗人|民政|府 against 旗|人民政府办公室), the boundaries of the
    better one, stretch by stretch between the places both agree on: fewer
    words, then fewer single characters (a lone 草 is a word cut in two), then
    the backward one (the more often right of the two).  The agreed places
    are in it too."""
    common = sorted(fwd & bwd | {0, len(text)})
    out = set(common)
    for a, b in zip(common, common[1:]):
        f = sorted(x for x in fwd if a < x <= b)
        r = sorted(x for x in bwd if a < x <= b)
        if f != r:
            out.update(f if _score(text, a, f) < _score(text, a, r) else r)
    return out


# Single characters that stand as words of their own at a line's end or start:
# function words (关于 … 的 | 通知, 和 | 与 | 及 | 等 …) and, at the end, the
# suffixes that close an organ's or a place's name (…局 | , …县 | ).  Any
# other lone character a matching leaves (非 | 物质文化遗产, 草 | 原生态, 州 | 级)
# is part of a word the list does not hold: a break beside it is in a word.
_LONE_OK = set("的和与及暨并或等对向在为将由从把被给于以之各")
_LONE_OK_AT_END = _LONE_OK | _BREAK_AFTER | _PLACE_SUFFIX | _NAME_SUFFIX


def _lone_char(text: str, i: int, left: str, right: str, name_start: bool) -> bool:
    """A break before text[i] between `left` and `right` (the longest listed
    words ending and starting there) leaves a Chinese character that is no
    word on its own.  Not a number's unit (2024年 | ) nor the first character
    of a name (… | 沂南县人民代表大会 …, a place the list need not know)."""
    lone_left = len(left) == 1 and _is_asian(left) and left not in _LONE_OK_AT_END \
        and (i < 2 or _is_asian(text[i - 2]))
    lone_right = len(right) == 1 and _is_asian(right) and right not in _LONE_OK and not name_start \
        and (i + 1 >= len(text) or _is_asian(text[i + 1]))
    return lone_left or lone_right


def _word_at(text: str, i: int, before: bool) -> str:
    """The longest listed word ending (before=True) or starting at i, else one character."""
    words = _words()
    if before:
        return next((text[i - k:i] for k in range(min(_MAX_WORD, i), 1, -1) if text[i - k:i] in words), text[i - 1:i])
    return next((text[i:i + k] for k in range(min(_MAX_WORD, len(text) - i), 1, -1) if text[i:i + k] in words),
                text[i:i + 1])


def name_spans(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Where the issuing organs' names (and their shorter forms after a place
    name: 淄博市临淄区财政局 → 临淄区财政局) stand in the title."""
    forms = set()
    for name in names:
        name = name.strip()
        if name.endswith("文件") and len(name) > 4:
            name = name[:-2]
        forms.add(name)
        forms.update(name[k + 1:] for k in range(1, len(name) - 3) if name[k] in _PLACE_SUFFIX)
    spans: list[tuple[int, int]] = []
    for form in sorted((f for f in forms if len(f) >= 3), key=len, reverse=True):
        start = text.find(form)
        while start >= 0:
            end = start + len(form)
            if not any(a <= start and end <= b for a, b in spans):
                spans.append((start, end))
            start = text.find(form, start + 1)
    return spans


# An organ's head after its place name, longest first at each position (…县委办公室, not
# …县委 | 办公室), with up to 12 characters of its function before it (临朐县应急管理局);
# a 部 is not 部门.  Sub-organs that follow a head belong to it (…局办公室, …局党组,
# a party committee's departments: 中共临朐县委宣传部).
_ORGAN_END = re.compile(r"[\u4e00-\u9fff]{0,12}?(?:人民代表大会常务委员会|人大常委会|人民政府办公室|人民政府办公厅|"
                        r"人民政府|委员会办公室|委员会|委办公室|委办|办公室|办公厅|党委|党组|政府|局|厅|委|办|院|"
                        r"部(?!门))(?:办公室|办公厅|党组|机关党委|宣传部|组织部|统战部|政法委员会|政法委|"
                        r"机构编制委员会办公室|编办|网信办|巡察办|老干部局|党校)?")
# A party organ's name starts before its place (中共临朐县委办公室).
_PARTY = ("中国共产党", "共青团", "中共")
# Where a place name cannot reach back over: a word that opens a phrase, a function word.
_PLACE_STOP_TAGS = ("v", "d", "p", "c", "r", "m", "q", "f", "u")
_PLACE_STOP_CHARS = set("的和与及、等对向在为将由从")
_ORGAN_HEAD_END = set("局厅部院府室会")
_PLACE_CORE = 4            # characters of a place name before its suffix (鄂托克前旗, 乌鲁木齐市) …
_AUTONOMOUS_CORE = 8       # … and before 自治州/自治县 (延边朝鲜族自治州, 凉山彝族自治州)


def _place_start(text: str, p: int, stops: set[int]) -> int:
    """Where the place name ending at text[p] (its 省/市/县/区/州/旗/镇/乡/村)
    starts: back over known place names (ns) and unknown characters (临朐,
    沂南: jieba does not know every county), each earlier place of a chain
    (淄博市临淄区), to a word that opens a phrase (关于, 同意, 印发 …), a
    function word, an organ's end or the title's start; a party organ's 中共
    belongs to it.  p itself when no place name ends there."""
    words = _words()
    autonomous = text.endswith("自治", 0, p)
    j, core = (p - 2, 2) if autonomous else (p, 0)
    limit = _AUTONOMOUS_CORE if autonomous else _PLACE_CORE
    while j > 0 and j not in stops:
        w = _word_at(text, j, before=True)
        tag = words.get(w, "") if len(w) > 1 else ""
        if w in _PARTY:
            return j - len(w) if core else p
        if len(w) > 1 and (tag.startswith(_PLACE_STOP_TAGS) or any(w.endswith(b) for b in _BREAK_BEFORE)
                           or w[-1] in _ORGAN_HEAD_END                         # an organ before: 公安部|市场
                           or text[j - len(w) - 1:j - len(w)].isdigit()):      # 2025年度: a number's unit
            break
        if len(w) == 1 and (not _is_asian(w) or w in _PLACE_STOP_CHARS or w in NO_LINE_START):
            break
        if w in _PLACE_SUFFIX and core:
            core = 0                  # an earlier place of the chain: its own name before it
        elif not tag.startswith("ns") and core + len(w) > limit:
            break
        else:
            core += len(w)
        j -= len(w)
    return j if j < p - 2 * autonomous else p


def organ_form_spans(text: str, ends: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Other organs named in a title, known by their form: a place name (see
    _place_start: 临朐县, 淄博市临淄区, 延边朝鲜族自治州, known to the word list
    or not) and the organ after it up to its head (临朐县人民政府办公室,
    中共临朐县委办公室, 淄博市临淄区科学技术局) — never 关于, 的 or a word
    that opens a phrase (举办, 开展) between.  `ends`: where the issuing
    organs' names end, which no place name reaches back over."""
    out: list[tuple[int, int]] = []
    stops = {0, *ends}
    for p, ch in enumerate(text):
        if ch not in _PLACE_SUFFIX or (out and p < out[-1][1]):
            continue
        start = _place_start(text, p, stops)
        m = _ORGAN_END.match(text, p + 1) if start < p else None
        if m is None or "关于" in text[start:m.end()] or "的" in text[p + 1:m.end()] \
                or any(b in text[p + 1:m.end()] for b in _BREAK_BEFORE):
            continue
        if out and start < out[-1][1]:
            start = out[-1][1]
        out.append((start, m.end()))
        stops.add(m.end())
    return out


def _industry_spans(text: str, names: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """"X行业" terms, kept whole: 行业 with up to two nouns before it."""
    words = _words()
    stops = {b for _, b in names}
    out = []
    k = text.find(_INDUSTRY)
    while k > 0:
        start = k
        for _ in range(2):
            if start in stops:
                break
            w = _word_at(text, start, before=True)
            if len(w) < 2 or words.get(w, "n").startswith(_PHRASE_START_TAGS) or \
                    any(w.startswith(b) or w.endswith(b) for b in _BREAK_BEFORE):
                break
            start -= len(w)
        if start < k:
            out.append((start, k + len(_INDUSTRY)))
        k = text.find(_INDUSTRY, k + 1)
    return out


def _pair_spans(text: str) -> list[tuple[int, int]]:
    """Verb pairs joined by 和/与/及 that the word list holds (加强和改进): one act."""
    words = _words()
    out = []
    for m in re.finditer("[和与及]", text):
        k = m.start()
        out += [(k - 2, k + 3)] if k >= 2 and text[k - 2:k + 3] in words else []
    return out


def _other_names(text: str, organ: list[tuple[int, int]], in_name: set[int], name_ends: set[int],
                 name_starts: set[int]) -> None:
    """Names in a title besides the issuing organs' (`organ`), added to in_name
    (positions inside a name), name_ends and name_starts."""
    # other organs, found by their form, are words: broken only where nothing else will do
    for a, b in organ_form_spans(text, name_ends):
        if not any(x <= a and b <= y for x, y in organ):
            in_name.update(range(a + 1, b))
            name_ends.add(b)
            name_starts.add(a)
    # an autonomous prefecture's or county's name is one name without an organ after it too
    # (延边朝鲜族自治州 | 非物质文化遗产: not 延边朝鲜族 | 自治州)
    for p, ch in enumerate(text):
        if ch in _PLACE_SUFFIX and text.endswith("自治", 0, p) and not any(x < p < y for x, y in organ):
            a = _place_start(text, p, {0, *name_ends})
            if a < p - 2:
                in_name.update(range(a + 1, p + 1))
                name_starts.add(a)


def _break_costs(text: str, max_chars: float, names: Iterable[str] = ()) -> dict[int, float]:
    """Cost of a break before each position where one is allowed."""
    n = len(text)
    forbidden: set[int] = set()
    for m in _HARD_GROUPS.finditer(text):
        forbidden.update(range(m.start() + 1, m.end()))
    in_book: set[int] = set()
    for m in _BOOK_TITLE.finditer(text):
        span = range(m.start() + 1, m.end())
        (forbidden if m.end() - m.start() <= max_chars else in_book).update(span)
    # The issuing organs' names are never broken (one longer than a line only where
    # a word of it allows); neither are "X行业" terms.
    organ = name_spans(text, names)
    name_ends = {b for _, b in organ}
    name_starts = {a for a, _ in organ}
    in_name: set[int] = set()
    for a, b in organ + _industry_spans(text, organ) + _pair_spans(text):
        (forbidden if b - a <= max_chars else in_name).update(range(a + 1, b))
    _other_names(text, organ, in_name, name_ends, name_starts)
    words = _words()
    fwd, bwd = word_boundaries(text)
    chosen = chosen_boundaries(text, fwd, bwd)
    agreed = sorted(fwd & bwd | {0})
    in_long = {k for a, b in zip(agreed, agreed[1:]) if b - a >= _LONG_WORD and text[a:b] in words
               for k in range(a + 1, b)}
    cost_at = {}
    for i in range(2, n - 1):                 # never a single character on a line
        if i in forbidden or text[i] in NO_LINE_START or text[i - 1] in NO_LINE_END:
            continue
        left, right = _word_at(text, i, before=True), _word_at(text, i, before=False)
        # phrase rules hold only between words: where the better matching ends one,
        # and no lone character is left beside the break (非 | 物质 …)
        on_boundary = i in chosen and not _lone_char(text, i, left, right, i in name_starts)
        if text.startswith("关于", i):
            cost = COST_CANONICAL
        elif i in name_ends:                  # after an organ's name: between organs, or before its subject
            cost = COST_PHRASE
        elif text.endswith("关于", 0, i):       # 关于 stays with what it introduces
            cost = COST_HALF_WORD
        elif text[i] in _NAME_SUFFIX or (text[i + 1] in _PLACE_SUFFIX and text[i:i + 2] not in words):
            cost = COST_IN_WORD
        elif on_boundary and (any(text.startswith(w, i) for w in _BREAK_BEFORE) or text[i - 1] in _BREAK_AFTER):
            cost = COST_PHRASE
        elif on_boundary and len(right) > 1 and words.get(right, "").startswith(_PHRASE_START_TAGS):
            cost = COST_PHRASE
        elif on_boundary and len(left) > 1 and len(right) > 1 and words.get(left, "").startswith(_NOUN_TAGS) \
                and words.get(right, "").startswith(_NOUN_TAGS + ("v",)):
            cost = COST_NOUN_PAIR
        elif on_boundary and i in fwd and i in bwd:
            cost = COST_WORD
        elif on_boundary:
            cost = COST_HALF_WORD
        else:
            cost = COST_IN_WORD
        if i in in_name:
            cost = max(cost, COST_IN_WORD)
        if i in in_long:
            cost = max(cost, COST_IN_LONG_WORD)
        cost_at[i] = cost + (COST_IN_BOOK_TITLE if i in in_book else 0.0)
    return cost_at


def break_title(text: str, max_chars: float, widths: list[float] | None = None,
                names: Iterable[str] = ()) -> list[str]:
    """Break a title into balanced lines at most max_chars 字 wide; `widths` gives
    each character's width in 字 (default: 1, half for digits and Latin letters);
    `names` are the issuing organs', never broken.

    Breaks fall at word boundaries (word list + 公文 phrasing: before 关于,
    after an organ's suffix …), never inside numbers, 〔〕 or short bracketed and
    quoted groups, and inside a 《》 title only when it cannot fit on a line.
    The lines form a trapezoid or a diamond (their lengths rise, then fall:
    never a line shorter than both its neighbours); the fewest lines, or one
    more when that is cheaper, and the most even such split wins.
    """
    n = len(text)
    # widths in 字: a digit or Latin letter of the title face is half a 字, so
    # 2024—2026年 is narrower than its character count (the shape is of widths)
    if widths is None:
        widths = [0.5 if ord(ch) < 0x2E80 and ch not in "—…" else 1.0 for ch in text]
    units = [0.0]
    for w in widths:
        units.append(units[-1] + w)
    if units[-1] <= max_chars:
        return [text]
    cost_at = _break_costs(text, max_chars, names)
    k = max(2, math.ceil(units[-1] / max_chars - 1e-9))
    found = [(f[0] + COST_EXTRA_LINE * (lines - k), f[1]) for lines in (k, k + 1)
             if (f := _best_split(units, lines, max_chars, cost_at))]
    if not found:                             # nothing legal: cut evenly
        size = -(-n // k)
        return [text[i:i + size] for i in range(0, n, size)]
    cuts = [0] + min(found)[1] + [n]
    return [text[a:b] for a, b in zip(cuts, cuts[1:])]


SHAPE_TOLERANCE = 0.5      # 字: lines this close count as equally long (no valley)


def _best_split(units: list[float], lines: int, max_chars: float, cost_at: dict[int, float]):
    """Cheapest cut of a title (units[i]: width in 字 of its first i characters)
    into `lines` lines whose widths rise, then fall: break costs plus the
    squared deviation of each line from the mean.  Dynamic programming over
    (end of line, its width, still rising?): O(n² · max_chars · lines),
    bounded whatever the title's length.  Returns (cost, cuts) or None."""
    n = len(units) - 1
    ideal = units[n] / lines
    ends = sorted(cost_at) + [n]
    # tables[j]: state (end, width in half 字, rising) of line j → (cost, state of line j−1)
    tables: list[dict] = [{(0, 0, True): (0.0, None)}]
    for j in range(1, lines + 1):
        table: dict = {}
        for state0, (c0, _) in tables[-1].items():
            a, half, rising = state0
            la = half / 2
            for b in ends:
                length = units[b] - units[a]
                if b - a < 2 or length > max_chars or (b == n) != (j == lines):
                    continue
                if not rising and length > la + SHAPE_TOLERANCE:
                    continue                   # a valley: a line shorter than both neighbours
                c = c0 + (length - ideal) ** 2 / lines + (cost_at[b] if b < n else 0.0)
                state = (b, round(length * 2), rising and length >= la - SHAPE_TOLERANCE)
                if state not in table or c < table[state][0]:
                    table[state] = (c, state0)
        if not table:
            return None
        tables.append(table)
    cost, state = min((v[0], st) for st, v in tables[-1].items())
    cuts = []
    for table in reversed(tables[1:]):
        state = table[state][1]
        if state[0]:
            cuts.append(state[0])
    return cost, sorted(cuts)


# --- from glyphs to positioned runs ------------------------------------------

def runs(glyphs: list[Glyph], xs: list[float], x0: float, baseline: float, size_pt: float,
         element: str, color=spec.BLACK_RGB, hscale: float = 1.0) -> list:
    """Group placed glyphs into TextRuns of one face each."""
    out = []
    start = 0
    for i in range(1, len(glyphs) + 1):
        if i == len(glyphs) or glyphs[i].face != glyphs[start].face or glyphs[i].role != glyphs[start].role:
            seg = glyphs[start:i]
            out.append(TextRun("".join(g.ch for g in seg), tuple(x0 + x for x in xs[start:i]), baseline,
                               seg[0].face, seg[0].role, size_pt, hscale, color, element,
                               tuple(g.advance * hscale for g in seg), seg[0].tracking * hscale))
            start = i
    return out


def natural(glyphs: list[Glyph], hscale: float = 1.0) -> list[float]:
    """x of each glyph set solid (no justification), from 0."""
    xs, x = [], 0.0
    for i, g in enumerate(glyphs):
        if i:
            x += g.lead * hscale
        xs.append(x)
        x += g.advance * hscale
    return xs
