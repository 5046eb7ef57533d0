"""Characters no document text may hold, and text made safe to print.

A DOCX is XML: C0 control characters (BEL, ESC, NUL … from YAML escapes such
as "\\x07"), U+FFFE/U+FFFF and lone surrogates make it a file Word refuses to
open.  C1 controls and DEL are legal XML but print as nothing and are never
meant.  So the reader refuses them at their field and line (`forbidden`),
and whatever comes from a command line or data and is printed back goes
through `printable`, so a terminal never obeys an ESC sequence hidden in a
--reason or a cell.
"""
from __future__ import annotations

import re

# C0 except tab and line feed, DEL, C1, the non-characters U+FFFE/U+FFFF, surrogates.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# Also hidden when printed: bidi overrides and isolates reorder what a terminal shows.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff\u202a-\u202e\u2066-\u2069]")

_NAMES = {0x00: "空字符 NUL", 0x07: "响铃 BEL", 0x08: "退格 BS", 0x0B: "垂直制表符", 0x0C: "换页符",
          0x0D: "回车符 CR", 0x1B: "转义符 ESC", 0x7F: "删除符 DEL", 0xFFFE: "非字符", 0xFFFF: "非字符"}


def forbidden(text: str) -> tuple[int, str] | None:
    """(index, character) of the first character a document may not hold, or None."""
    m = _FORBIDDEN.search(text)
    return (m.start(), m.group()) if m else None


def describe(ch: str) -> str:
    """`U+0007（响铃 BEL）` for a message."""
    code = ord(ch)
    name = _NAMES.get(code) or ("代理项（不成对的 UTF-16 半个字符）" if 0xD800 <= code <= 0xDFFF else
                                "C1 控制字符" if 0x80 <= code <= 0x9F else "控制字符")
    return f"U+{code:04X}（{name}）"


def problem_text(text: str) -> tuple[int, str] | None:
    """(0-based line offset within `text`, message) for its first forbidden character."""
    hit = forbidden(text)
    if hit is None:
        return None
    at, ch = hit
    return text.count("\n", 0, at), f"有不能印在公文里的字符 {describe(ch)}"


def printable(text: str) -> str:
    """`text` for a terminal, on one line: tabs and line breaks become spaces,
    other control characters and bidi overrides are removed."""
    return _UNPRINTABLE.sub("", re.sub("[\t\n\r]", " ", text))
