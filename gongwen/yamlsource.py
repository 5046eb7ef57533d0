"""Load YAML safely, keeping the line of every value.

PyYAML's composer gives nodes with positions; we build plain Python values
from them ourselves so that (a) every mapping key and list item keeps its line
for error messages and (b) alias bombs cannot expand: the number of nodes
visited is capped.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
import re
from typing import Any

import yaml

from .errors import GongwenError, Problem
from .inputfiles import read_bounded

MAX_BYTES = 2 * 1024 * 1024      # a notice is a few KB; 2 MB is generous (inputfiles.DATA_BYTES)
# Nodes composed + nodes built.  A long notice with big attachment tables has a
# few thousand; the cap keeps the pure-Python parser under about a second on
# any input (600 000 nodes would take it 12 s) and stops alias bombs.
MAX_NODES = 50_000
MAX_DEPTH = 40

# Magic numbers of files people pick by mistake instead of the .yaml file.
_MAGIC = (
    (b"%PDF", "PDF 文件"), (b"PK\x03\x04", "压缩包或 Word/WPS 文档（.docx/.zip）"),
    (b"\xd0\xcf\x11\xe0", "旧版 Word/WPS 文档（.doc）"), (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"), (b"GIF8", "GIF 图片"), (b"{\\rtf", "RTF 文档"),
)


@dataclass(frozen=True)
class Pos:
    line: int
    column: int


@dataclass(frozen=True)
class Folding:
    """A plain or folded (`>`) scalar whose line breaks YAML turned into
    spaces, and/or indented `#` lines under it that YAML took for comments:
    what happens to `正文:` written without `|`."""
    style: str | None             # None (plain) or ">"
    folded: int                   # source lines of text joined into fewer value lines (0: none)
    comment: Pos | None = None    # the first indented comment line under the value
    comment_text: str = ""


class Located(dict):
    """A mapping that also remembers where each key and value stands."""
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.key_pos: dict[Any, Pos] = {}
        self.value_pos: dict[Any, Pos] = {}   # a block scalar's first text line and its indentation
        self.raw: dict[Any, str] = {}         # plain scalars read as numbers/dates/booleans: the text as typed
        self.folding: dict[Any, Folding] = {}  # plain/folded multi-line text values (see Folding)
        self.pos: Pos | None = None


class LocatedList(list):
    def __init__(self, *a):
        super().__init__(*a)
        self.item_pos: list[Pos] = []
        self.item_raw: list[str | None] = []
        self.item_folding: dict[int, Folding] = {}   # 0-based item index → Folding
        self.pos: Pos | None = None


def _pos(node) -> Pos:
    return Pos(node.start_mark.line + 1, node.start_mark.column + 1)


def read_text(path: Path) -> str:
    """The file's text, or a clear error for files that are not UTF-8 YAML."""
    return decode(read_bytes(path), path)


def read_bytes(path: Path) -> bytes:
    """The file's bytes (at most MAX_BYTES), or a clear error why they cannot be
    read: not a regular file (a FIFO, /dev/zero, a folder), too big, missing."""
    return read_bounded(path, MAX_BYTES, "公文数据文件",
                        f"给出 .yaml 数据文件的路径（小于 {MAX_BYTES // 1024 // 1024} MB）；附件的 PDF 用“文件:”引用")


def decode(raw: bytes, path: Path | None = None) -> str:
    """UTF-8 text from the file's bytes; every other encoding is a clear error."""
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise GongwenError(Problem(f"这是{what}，不是公文数据（YAML 文本）。",
                                       "给出 .yaml 数据文件的路径", file=path))
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise GongwenError(Problem("文件是 UTF-32 编码，不是 UTF-8。",
                                   "用文本编辑器另存为“UTF-8”编码的 .yaml 文件", file=path))
    head = raw[:4096]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\x00" in head and _looks_utf16(head)):
        raise GongwenError(Problem("文件是 UTF-16 编码（Windows 记事本的“Unicode”），不是 UTF-8。",
                                   "用文本编辑器另存为“UTF-8”编码的 .yaml 文件", file=path))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]          # a BOM from Notepad is harmless
    if b"\x00" in head or _mostly_control_bytes(head):
        raise GongwenError(Problem("不是文本文件：文件是二进制内容（程序、图片、压缩包之类），不是公文数据。",
                                   "给出 .yaml 数据文件的路径（用文本编辑器写成、另存为 UTF-8 的文本文件）", file=path))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        col = len(raw[raw.rfind(b"\n", 0, e.start) + 1: e.start].decode("utf-8", "replace")) + 1
        guess = ""
        try:
            raw.decode("gb18030")
            guess = "（看起来是 GBK/GB18030 编码）"
        except UnicodeDecodeError:
            pass
        raise GongwenError(Problem(f"文件不是 UTF-8 编码{guess}。",
                                   "用文本编辑器（记事本：另存为 → 编码选“UTF-8”）另存后再试",
                                   line=line, column=col, file=path))
    if not text.strip():
        raise GongwenError(Problem("文件是空的。", "至少写出 发文机关标志、标题、正文 三个字段", file=path))
    return text


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a BOM: the zero bytes of ASCII characters (keys' colons,
    spaces, line ends) fall on one side of each 2-byte unit only, and the text
    read that way is printable.  A program or an image has zeros on both sides
    and reads as NULs and unassigned characters."""
    head = head[: len(head) // 2 * 2]
    if not head:
        return False
    zeros_even, zeros_odd = head[0::2].count(0), head[1::2].count(0)
    for enc, many, few in (("utf-16-le", zeros_odd, zeros_even), ("utf-16-be", zeros_even, zeros_odd)):
        if many < 2 or few * 4 > many:
            continue
        text = head.decode(enc, "replace")
        good = sum(1 for ch in text if ch in "\t\r\n" or (ch.isprintable() and ch != "\ufffd"))
        if good >= 0.95 * len(text):
            return True
    return False


_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0c\x1b") + b"\x7f"


def _mostly_control_bytes(head: bytes) -> bool:
    """Binary content without NUL bytes: control bytes no text has, more than
    a stray one pasted from elsewhere (which the YAML reader names with its line)."""
    n = sum(head.count(b) for b in _CONTROL_BYTES)
    return n >= 8 and n * 50 >= len(head)


class _Loader(yaml.SafeLoader):
    """SafeLoader that counts nodes and depth while composing, so a file of
    600 000 tiny nodes or a 10 000-deep list stops early with a clear error."""

    def __init__(self, stream, path, max_nodes: int = MAX_NODES):
        super().__init__(stream)
        self._path = path
        self._budget = max_nodes
        self._max_nodes = max_nodes
        self._depth = 0

    def compose_node(self, parent, index):
        self._budget -= 1
        if self._budget < 0:
            mark = self.peek_event().start_mark
            raise GongwenError(Problem("YAML 内容过多，不像一份公文数据。",
                                       f"公文数据不超过 {MAX_NODES} 项；删除多余内容",
                                       line=mark.line + 1, file=self._path))
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise GongwenError(Problem("YAML 嵌套过深。", f"公文数据的嵌套不超过 {MAX_DEPTH} 层",
                                           line=mark.line + 1, column=mark.column + 1, file=self._path))
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load(text: str, path: Path | None) -> Located:
    """Parse a notice's YAML text into Located/LocatedList/scalars; errors name the line."""
    value, node, text = load_value(text, path)
    if not isinstance(value, Located):
        p = _pos(node)
        if re.search(r"^[^\s:：#][^:：\n]{0,20}：", text, re.M):
            raise GongwenError(Problem("字段名后用了全角冒号“：”，YAML 要求半角冒号加空格。",
                                       "写成 `标题: 关于……的通知`（半角冒号，后面一个空格）", line=p.line, file=path))
        raise GongwenError(Problem("文件的最外层应是“字段: 内容”的形式。",
                                   "每行写 `字段: 内容`，例如 `标题: 关于……的通知`", line=p.line, file=path))
    return value


def load_value(text: str, path: Path | None, max_nodes: int = MAX_NODES):
    """(value, root node, text): any YAML document under the same limits of
    nodes (aliases counted as expanded) and depth — a batch's rows use it too."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise GongwenError(Problem("文件是空的。", "至少写出 发文机关标志、标题、正文 三个字段", file=path))
    loader = None
    try:
        loader = _Loader(text, path, max_nodes)
        node = loader.get_single_node()
    except yaml.reader.ReaderError as e:
        raise GongwenError(_reader_problem(e, text, path))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        message, hint, at, *field = _explain_yaml_error(e, text, line)
        if at != line:
            line, col = at, None
        raise GongwenError(Problem(message, hint, line=line, column=col, file=path,
                                   field=field[0] if field else None))
    except yaml.YAMLError as e:
        raise GongwenError(Problem(f"YAML 格式错误：{e}", "检查引号、冒号和缩进", file=path))
    except RecursionError:
        raise GongwenError(Problem("YAML 嵌套过深。", f"公文数据的嵌套不超过 {MAX_DEPTH} 层", file=path))
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        raise GongwenError(Problem("文件里没有任何内容（只有注释或空行）。",
                                   "至少写出 发文机关标志、标题、正文 三个字段", file=path))
    budget = [max_nodes]
    lines = text.splitlines()
    return _build(node, loader, path, budget, 0, lines), node, text


def _reader_problem(e: yaml.reader.ReaderError, text: str, path: Path | None) -> Problem:
    pos = e.position if isinstance(e.position, int) else 0
    before = text[:pos]
    line = before.count("\n") + 1
    col = pos - (before.rfind("\n") + 1) + 1
    ch = e.character
    code = f"U+{ch:04X}" if isinstance(ch, int) else str(ch)
    return Problem(f"文件里有不能出现在文本中的控制字符（{code}）。",
                   "删除这个字符（常见于从网页或其他软件复制来的文字）", line=line, column=col, file=path)


_TEXT_KEY = re.compile(r"^(\s*)(?:-\s+)?(正文|内容)\s*:(?:\s+(.*))?$")


def _comment_in_plain_text(src_lines: list[str], line: int | None):
    """(key line, key, comment line, comment) when the error line belongs to a
    `正文:` or `内容:` written without `|` and an indented `# ` line before it
    ended the text: YAML took the heading for a comment and cannot read on."""
    if not line or line > len(src_lines):
        return None
    s = src_lines[line - 1]
    indent = len(s) - len(s.lstrip(" "))
    comments = []                          # (line, indentation, text), nearest first
    for n in range(line - 1, 0, -1):
        t = src_lines[n - 1]
        body = t.lstrip(" ")
        if not body.strip():
            continue
        ind = len(t) - len(body)
        if body.startswith("#"):
            comments.append((n, ind, body.strip()))
            continue
        if ind >= indent:
            continue                       # an earlier line of the same text
        m = _TEXT_KEY.match(t)
        if not m or (m.group(3) or "").lstrip().startswith(("|", ">", "[", "{", "\"", "'")):
            return None
        inside = [c for c in comments if c[1] > len(m.group(1))]
        if not inside:
            return None
        cline, _, ctext = inside[-1]          # the first one under the key ended the text
        return n, m.group(2), cline, ctext
    return None


def _indent(s: str) -> int:
    return len(s) - len(s.lstrip(" "))


_KEY_NO_SPACE = re.compile(r"^\s*(?:-\s+)?([^\s:：#\-\"'][^\s:：\"']{0,30}):(\S.*)$")


def _colon_without_space(src_lines: list[str], line: int | None):
    """(line, key, rest) of a `字段:内容` (no space after the colon) at or just
    above the error line: YAML reads it as text and fails one line later."""
    if not line:
        return None
    limit = _indent(src_lines[line - 1]) if line <= len(src_lines) else 0
    seen = 0
    for n in range(min(line, len(src_lines)), 0, -1):
        s = src_lines[n - 1]
        if not s.strip() or s.lstrip().startswith("#"):
            continue
        m = _KEY_NO_SPACE.match(s)
        if m and _indent(s) <= limit and ": " not in s and not m.group(2).startswith("//"):
            return n, m.group(1), m.group(2)
        seen += 1
        if seen >= 2:
            return None
    return None


def _unindented_text_line(src_lines: list[str], line: int | None):
    """(line, key) of a line of a `key: |` block written with less indentation
    than the block (at the key's own indentation or further left): YAML ends the
    text above it, reads that line and any after it as one more value, and fails
    further down."""
    if not line:
        return None

    def text(s: str) -> bool:
        body = s.lstrip(" ")
        return bool(body) and not re.search(r":(\s|$)", body) and not body.startswith(("#", "-"))
    for n in range(min(line, len(src_lines) + 1) - 1, max(0, line - 40), -1):
        s = src_lines[n - 1]
        if not text(s):
            continue
        above = next((k for k in range(n - 1, 0, -1) if src_lines[k - 1].strip()), None)
        if above is None or _indent(src_lines[above - 1]) <= _indent(s):
            continue                       # not the first line after deeper content
        inner = _indent(src_lines[above - 1])
        for k in range(above, 0, -1):      # the block holding the line above: its key
            t = src_lines[k - 1]
            m = re.match(r"^(\s*)(?:-\s+)?([^\s:#][^:]*?)\s*:\s*[|>][-+0-9]*\s*(#.*)?$", t)
            if m and len(m.group(1)) < inner:
                key_indent = _indent(t) + (len(t.lstrip(" ")) - len(t.lstrip(" ").lstrip("- ")) if
                                           t.lstrip().startswith("- ") else 0)
                if key_indent >= _indent(s):
                    return n, m.group(2)
                break
            if t.strip() and _indent(t) < inner:
                break
    return None


def _unclosed_quote(src_lines: list[str], line: int | None):
    """(line, quote) of a value above the error line that opens a quote and
    does not close it on its line."""
    for n in range(min(line or 0, len(src_lines)) - 1, 0, -1):
        m = re.match(r"^\s*(?:-\s+)?[^\s:#][^:]*:\s+([\"'])(.*)$", src_lines[n - 1])
        if m and m.group(1) not in m.group(2).replace("\\" + m.group(1), ""):
            return n, m.group(1)
    return None


def _explain_yaml_error(e: yaml.MarkedYAMLError, text: str, line: int | None) -> tuple:
    """(what is wrong, what to write, the line to point at[, field]) for a YAML syntax error."""
    problem = (e.problem or "").strip()
    context = (e.context or "").strip()
    return _slip(e, text.splitlines(), line, problem, context) or _by_message(problem, context, line)


def _slip(e: yaml.MarkedYAMLError, src_lines: list[str], line: int | None, problem: str, context: str) -> tuple | None:
    """The explanation of a slip seen in the lines themselves (a Tab, a quote
    not closed, a colon without its space, a text line indented too little …)."""
    def src(n):
        return src_lines[n - 1] if n and 0 < n <= len(src_lines) else ""

    # The scanner often notices a slip one line late: look at the line before too.
    for n in (line, (line or 1) - 1):
        s = src(n)
        if "\t" in s[: len(s) - len(s.lstrip())] or (n == line and ("'\\t'" in problem or "tab character" in problem)):
            return ("这一行用了制表符（Tab），YAML 只认空格。", "把 Tab 换成两个空格", n)
    if "while scanning a quoted scalar" in context and e.context_mark is not None:
        at = e.context_mark.line + 1             # where the quote opened, not the end of the file
        quote = src(at)[e.context_mark.column: e.context_mark.column + 1] or "\""
        return (f"这一行的引号 {quote} 没有闭合（YAML 一直读到了文件末尾）。",
                f"在这一行内容的末尾补上 {quote}，或去掉开头的 {quote}", at)
    slip = _colon_without_space(src_lines, line)
    if slip:
        at, key, rest = slip
        return (f"“{key}:”后面少了一个空格：YAML 的冒号后面必须有空格。",
                f"写成 `{key}: {rest[:20]}`", at, key)
    unindented = _unindented_text_line(src_lines, line)
    if unindented:
        at, key = unindented
        how = "没有缩进" if _indent(src(at)) == 0 else "缩进不够"
        return (f"这一行{how}，YAML 认为“{key}”到上一行就结束了，读不懂这一行。",
                f"“{key}”的每一行都与上面的段落对齐（比“{key}:”多空两格）", at,
                {"正文": "正文", "内容": "附件"}.get(key))
    quoted = _unclosed_quote(src_lines, line) if "could not find expected ':'" in problem else None
    if quoted:
        at, quote = quoted
        return (f"这一行的引号 {quote} 没有闭合，其后几行都被当成了它的内容。",
                f"在这一行内容的末尾补上 {quote}，或去掉开头的 {quote}", at)
    plain = _comment_in_plain_text(src_lines, line)
    if plain:
        at, key, cline, ctext = plain
        what = "正文" if key == "正文" else "附件内容"
        shown = ctext if len(ctext) <= 16 else ctext[:15] + "…"
        return (f"{what}没有写“|”，第 {cline} 行“{shown}”被 YAML 当作注释，其后第 {line} 行无法读取。",
                f"{what}有多段时写成 `{key}: |`，下面每段一行（`# ` 开头的行是一级标题）", at,
                "正文" if key == "正文" else "附件")
    for n in (line, (line or 1) - 1):
        s = src(n)
        if re.match(r"^\s*[^\s:：#\-][^:：]{0,20}：", s) and not re.match(r"^\s*[^:：]{1,20}:\s", s):
            return ("字段名后用了全角冒号“：”，YAML 要求半角冒号加空格。",
                    "写成 `字段: 内容`（半角冒号，后面一个空格）", n)
    colonless = _missing_colon(e, src_lines) if "could not find expected ':'" in problem else None
    if colonless:
        return colonless
    for n in (line, (line or 1) - 1):
        s = src(n)
        m = re.match(r"^\s*(?:-\s+)?[^\s:]+:\s+([\[{])", s)
        if m and ("flow" in context or "block end" in problem or "expected key" in problem
                  or "expected ','" in problem):
            return (f"内容以“{m.group(1)}”开头，YAML 会把它当作列表或映射。",
                    "整段内容加引号，例如 `发文字号: \"[2023]3号\"`", n)
    return None


def _missing_colon(e: yaml.MarkedYAMLError, src_lines: list[str]) -> tuple | None:
    """A line without its colon: the scanner reads it to its end and stops at
    the next line, but the key it was scanning began on this one."""
    if "simple key" not in (e.context or "") or e.context_mark is None:
        return None
    at = e.context_mark.line + 1
    bare = src_lines[at - 1].strip() if 0 < at <= len(src_lines) else ""
    if not bare:
        return None
    shown = bare if len(bare) <= 16 else bare[:15] + "…"
    key, _, rest = bare.partition(" ")
    return (f"这一行“{shown}”缺少“字段: 内容”中的冒号。",
            f"写成 `{key}: {rest.strip()[:20] or '内容'}`（冒号后有空格）", at)


def _by_message(problem: str, context: str, line: int | None) -> tuple:
    """The explanation of a YAML error by what the parser said."""
    if "expected a single document" in context:
        return ("文件里有多份 YAML 文档（用 --- 隔开）。",
                "一个文件只写一份公文；删除 --- 及其后的内容，或分成两个文件", line)
    if "mapping values are not allowed" in problem:
        return ("这一行的冒号位置不对（内容里含有半角冒号“: ”，或缩进不齐）。",
                "内容含冒号时整段加引号，例如 `附注: \"时间: 上午\"`；或检查缩进", line)
    if "found unexpected end" in problem:
        return ("引号没有闭合。", "在内容末尾补上对应的引号", line)
    if "could not find expected ':'" in problem:
        return ("这一行缺少“字段: 内容”中的冒号，或上一行的引号没有闭合。", "写成 `字段: 内容`（冒号后有空格）", line)
    if "anchor" in problem or "anchor" in context or "alias" in problem:
        return ("YAML 引用（& / *）有误。", "删除 & 和 * 引用，直接写出内容", line)
    if "expected <block end>" in problem or "did not find expected key" in problem:
        return ("缩进不齐：同一层的字段要左对齐。", "检查这一行与上一行的缩进", line)
    if "while parsing a flow" in context or "flow" in problem:
        return ("方括号 [ ] 或花括号 { } 没有配对。",
                "内容以 [ 或 { 开头时整段加引号，例如 `发文字号: \"[2023]3号\"`", line)
    if "cannot start any token" in problem:
        ch = re.search(r"'(.)'", problem)
        shown = f"“{ch.group(1)}”" if ch else ""
        return (f"内容不能以字符{shown}开头。", "整段内容加引号，例如 `附注: \"@所有人\"`", line)
    if "while scanning" in context:
        return ("这一行有 YAML 不能识别的写法。", "整段内容加引号，或检查冒号和缩进", line)
    return ("YAML 格式错误。", "检查这一行的引号、冒号和缩进", line)


def _block_indent(lines: list[str], first: int) -> int:
    """1-based column where a block scalar's text starts (its first non-blank line)."""
    for k in range(first - 1, min(len(lines), first + 200)):
        s = lines[k]
        if s.strip():
            return len(s) - len(s.lstrip(" ")) + 1
    return 1


_YAML_TAG = "tag:yaml.org,2002:"
# What plain YAML resolves by itself (and may be written out, `!!str 12`): text,
# numbers, booleans, dates, null, lists and mappings.
_PLAIN_TAGS = {_YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")}


def _refuse_tag(node, path) -> None:
    """An explicit tag (`!!python/object/apply:os.system`, `!!binary`, `!foo`):
    the safe loader would not run it, but the clerk's data would say something
    we ignore, so it is an error at its line."""
    if node.tag in _PLAIN_TAGS:
        return
    shown = "!!" + node.tag[len(_YAML_TAG):] if node.tag.startswith(_YAML_TAG) else node.tag
    p = _pos(node)
    raise GongwenError(Problem(f"YAML 标签“{shown}”不能用：公文数据只写文字、数字、日期、列表和“字段: 内容”。",
                               f"删去“{shown}”，直接写出内容（内容要按原样保留时加引号）",
                               line=p.line, column=p.column, file=path))


def _build(node, loader, path, budget, depth, lines):
    budget[0] -= 1
    if budget[0] < 0:
        raise GongwenError(Problem("YAML 内容过多（可能是 & / * 引用层层展开）。",
                                   "删除 & 和 * 引用，直接写出内容", line=_pos(node).line, file=path))
    if depth > MAX_DEPTH:
        raise GongwenError(Problem("YAML 嵌套过深（或 & / * 引用了自身）。", f"公文数据的嵌套不超过 {MAX_DEPTH} 层",
                                   line=_pos(node).line, file=path))
    _refuse_tag(node, path)
    if isinstance(node, yaml.MappingNode):
        return _build_mapping(node, loader, path, budget, depth, lines)
    if isinstance(node, yaml.SequenceNode):
        return _build_sequence(node, loader, path, budget, depth, lines)
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError, TypeError):
        # e.g. 2023-02-30 is resolved as a timestamp and fails to construct
        raw = node.value
        if node.tag.endswith(":timestamp"):
            return raw          # 2023-02-30: the reader reports it with the field's name
        raise GongwenError(Problem(f"无法读取的值“{str(raw)[:40]}”。", "整段内容加引号",
                                   line=_pos(node).line, column=_pos(node).column, file=path))


def _build_mapping(node, loader, path, budget, depth, lines) -> Located:
    """A mapping: keys checked (no merge key, no list as a key, none twice), each key's
    and value's position, raw text and folding kept."""
    out = Located()
    out.pos = _pos(node)
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.tag.endswith(":merge"):
            raise GongwenError(Problem("不支持 YAML 合并键 “<<”。", "直接写出各字段", line=_pos(k).line, file=path))
        key = _build(k, loader, path, budget, depth + 1, lines)
        if isinstance(key, (dict, list)):
            raise GongwenError(Problem("字段名不能是列表或映射。", "写成 `字段: 内容`",
                                       line=_pos(k).line, file=path))
        if key == "<<":      # merge keys are a YAML nicety a notice never needs
            raise GongwenError(Problem("不支持 YAML 合并键 “<<”。", "直接写出各字段", line=_pos(k).line, file=path))
        try:
            dup = key in out
        except TypeError:                      # unhashable (cannot happen after the check above)
            dup = False
        if dup:
            raise GongwenError(Problem(f"字段“{key}”写了两次。", "删除重复的一处",
                                       line=_pos(k).line, column=_pos(k).column, file=path, field=str(key)))
        out[key] = _build(v, loader, path, budget, depth + 1, lines)
        out.key_pos[key] = _pos(k)
        vp = _pos(v)
        if isinstance(v, yaml.ScalarNode) and v.style in ("|", ">"):
            vp = Pos(vp.line + 1, _block_indent(lines, vp.line + 1))
        out.value_pos[key] = vp
        raw = _raw(v, out[key])
        if raw is not None:
            out.raw[key] = raw
        folding = _folding(v, out[key], lines, k.start_mark)
        if folding is not None:
            out.folding[key] = folding
    return out


def _build_sequence(node, loader, path, budget, depth, lines) -> LocatedList:
    """A list, with each item's position, raw text and folding."""
    out = LocatedList()
    out.pos = _pos(node)
    for item in node.value:
        value = _build(item, loader, path, budget, depth + 1, lines)
        out.append(value)
        out.item_pos.append(_pos(item))
        out.item_raw.append(_raw(item, value))
        folding = _folding(item, value, lines, None)
        if folding is not None:
            out.item_folding[len(out) - 1] = folding
    return out


def _folding(node, value, lines: list[str], key_mark) -> Folding | None:
    """How a plain or `>` text value lost the line structure of its source:
    the lines YAML joined with spaces and, for a mapping value (key_mark
    given), the first comment line indented under its key (`正文:` then
    `  # 工作要求`: YAML drops it as a comment).  None when nothing was lost.
    Decided from the node's style and marks, not by guessing at the text."""
    if not isinstance(node, yaml.ScalarNode) or node.style not in (None, ">") or not isinstance(value, str):
        return None
    start, end = node.start_mark, node.end_mark
    if node.style is None:
        text = [lines[start.line][start.column:] if start.line < len(lines) else ""]
        text += lines[start.line + 1: end.line + 1]
    else:                                   # `>`: the text starts on the line after the indicator
        last = end.line if end.column > 0 else end.line - 1
        text = lines[start.line + 1: last + 1]
    source_lines = sum(1 for t in text if t.strip())
    value_lines = sum(1 for t in value.split("\n") if t.strip())
    folded = max(0, source_lines - value_lines)
    comment, comment_text = None, ""
    if key_mark is not None and node.style is None:
        key_col = key_mark.column

        def first_comment(rows):
            for n in rows:
                if n >= len(lines):
                    return None
                s = lines[n]
                body = s.lstrip(" ")
                if not body.strip():
                    continue
                if not body.startswith("#"):
                    return None
                if len(s) - len(body) > key_col:
                    return n
            return None

        # between the key and a value that starts on a later line, then after the value
        n = first_comment(range(key_mark.line + 1, start.line)) if start.line > key_mark.line else None
        if n is None:
            n = first_comment(range(end.line + 1, len(lines)))
        if n is not None:
            comment = Pos(n + 1, len(lines[n]) - len(lines[n].lstrip(" ")) + 1)
            comment_text = lines[n].strip()
    if not folded and comment is None:
        return None
    return Folding(node.style, folded, comment, comment_text)


def _raw(node, value) -> str | None:
    """The text as typed for a plain scalar YAML turned into something else
    (`份号: 000010` is the octal number 8 to YAML, `000010` to a clerk)."""
    if isinstance(node, yaml.ScalarNode) and node.style is None and not isinstance(value, str):
        return node.value
    return None
