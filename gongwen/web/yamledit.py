"""The form and the YAML text kept in step.

The YAML text is the document; the form is a view of it.  `fields` reads the
values the form shows; `apply_edits` replaces only the edited keys' lines, so
the clerk's comments, order and other keys stay exactly as written.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
from typing import Any

import yaml

from ..errors import GongwenError, Problem
from ..reader import DATE_FIELDS, KNOWN_KEYS
from ..yamlsource import Located, load

# Where a key the text lacks is inserted: the form's order (版头, 主体, 版记).
ORDER = ("份号", "密级", "保密期限", "紧急程度", "发文机关标志", "发文字号", "签发人", "版式", "令号",
         "标题", "主送机关", "正文", "附件", "发文机关署名", "成文日期", "印章", "代章", "附注", "签名章",
         "出席", "请假", "列席", "变量", "抄送机关", "印发机关", "印发日期")
# Keys a one-item list is written for as plain text (the reader takes both).
TEXT_WHEN_SINGLE = ("发文机关标志", "发文机关署名", "签发人")
_DATE_PLAIN = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


def _plain(value: Any, raw: str | None = None) -> Any:
    """A loaded value as JSON: dates and numbers as typed."""
    if isinstance(value, dict):
        raws = value.raw if isinstance(value, Located) else {}
        return {str(k): _plain(v, raws.get(k)) for k, v in value.items()}
    if isinstance(value, list):
        item_raws = getattr(value, "item_raw", None) or [None] * len(value)
        return [_plain(v, r) for v, r in zip(value, item_raws)]
    if isinstance(value, (bool, str)) or value is None:
        return value
    if raw is not None:
        return raw
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)


def fields(text: str) -> dict[str, Any]:
    """The top-level values of the YAML text, for the form (raises GongwenError)."""
    return plain_fields(load(text, None))


def plain_fields(data: Any) -> dict[str, Any]:
    """The top-level values of loaded YAML (yamlsource.load), as JSON for the form."""
    if not isinstance(data, dict):
        return {}
    return _plain(data)


def _scalar(s: str) -> str:
    """One line of text as a YAML scalar: plain where YAML reads it back as the
    same text, else double-quoted (JSON's escapes are YAML's)."""
    if s and s == s.strip() and "\n" not in s and not s.startswith(("'", '"', "&", "*", "!", "|", ">", "%",
                                                                     "@", "`", "{", "[", "-", "?", "#", ",")):
        try:
            if yaml.safe_load(f"k: {s}") == {"k": s}:
                return s
        except yaml.YAMLError:
            pass
    return json.dumps(s, ensure_ascii=False)


def _block(head: str, text: str, indent: int) -> list[str]:
    """A multi-line text as a literal block (`|`), indented under its key."""
    pad = " " * (indent + 2)
    body = text.rstrip("\n")
    chomp = "" if text.endswith("\n") else "-"
    lines = body.split("\n")
    ind = "2" if lines and lines[0].startswith(" ") else ""
    return [f"{head} |{ind}{chomp}"] + [pad + line if line.strip() else "" for line in lines]


def _emit(head: str, value: Any, indent: int, key: str | None = None) -> list[str]:
    """Lines for `head` (e.g. `标题:` or `-`) followed by value, at indent."""
    pad = " " * indent
    if isinstance(value, bool):
        return [f"{pad}{head} {'true' if value else 'false'}"]
    if isinstance(value, (int, float)):
        return [f"{pad}{head} {value}"]
    if isinstance(value, str):
        if "\n" in value.strip("\n"):
            return [pad + line if i == 0 else line for i, line in enumerate(_block(head, value, indent))]
        if key in DATE_FIELDS and _DATE_PLAIN.fullmatch(value.strip()):
            return [f"{pad}{head} {value.strip()}"]
        return [f"{pad}{head} {_scalar(value)}"]
    if isinstance(value, list):
        if not value:
            return [f"{pad}{head} []"]
        out = [f"{pad}{head}"]
        for item in value:
            if isinstance(item, dict) and item:
                sub = _mapping(item, indent + 4)
                sub[0] = " " * (indent + 2) + "- " + sub[0][indent + 4:]
                out += sub
            elif isinstance(item, list):
                out += _emit("-", item, indent + 2)
            else:
                out += _emit("-", item if item is not None else "", indent + 2)
        return out
    if isinstance(value, dict):
        if not value:
            return [f"{pad}{head} {{}}"]
        return [f"{pad}{head}"] + _mapping(value, indent + 2)
    return [f"{pad}{head} {_scalar(str(value))}"]


def _mapping(d: dict, indent: int) -> list[str]:
    out: list[str] = []
    for k, v in d.items():
        out += _emit(f"{_scalar(str(k))}:", v, indent)
    return out


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict)):
        return all(_empty(v) for v in (value.values() if isinstance(value, dict) else value))
    return False


def _clean(key: str, value: Any) -> Any:
    """The form's value as the data format writes it: empty list items dropped,
    a single name as text where the key takes text."""
    if isinstance(value, list):
        value = [v for v in value if not _empty(v)]
        if key in TEXT_WHEN_SINGLE and len(value) == 1 and isinstance(value[0], str):
            return value[0]
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if not _empty(v)}
    return value


def emit_key(key: str, value: Any) -> list[str]:
    return _emit(f"{_scalar(key)}:", value, 0, key)


def _same(a: Any, b: Any) -> bool:
    """The value read back equals what the form sent (dates compared as text)."""
    return json.dumps(_normal(a), ensure_ascii=False, sort_keys=True) == \
        json.dumps(_normal(b), ensure_ascii=False, sort_keys=True)


def _normal(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _normal(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_normal(x) for x in v]
    if isinstance(v, str):
        return v.rstrip("\n")
    return v


def apply_edits(text: str, edits: dict[str, Any]) -> str:
    """The YAML text with each edited key's lines replaced (or the key added in
    the form's order, or removed when emptied).  Raises GongwenError when the
    text itself does not parse: the 源文件 has to be mended first."""
    for key in edits:
        if key not in KNOWN_KEYS:
            raise GongwenError(Problem(f"没有“{key}”这一项。", "可用的项见 README 的数据格式表", field=key))
    for key, value in edits.items():
        text = _apply_one(text, key, _clean(key, value))
    return text


def _apply_one(text: str, key: str, value: Any) -> str:
    data = load(text, None) if text.strip() else Located()
    if not isinstance(data, Located):
        raise GongwenError(Problem("源文件不是“项: 内容”的形式，表单无法改写。", "先在“源文件”里改正"))
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    starts = sorted((p.line, k) for k, p in data.key_pos.items())
    new = [] if _empty(value) else emit_key(key, value)
    if key in data.key_pos:
        first = data.key_pos[key].line - 1
        later = [ln - 1 for ln, _ in starts if ln - 1 > first]
        end = later[0] if later else len(lines)
        # comments and blank lines just above the next key belong to it
        while end > first + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")) \
                and not lines[end - 1].startswith(" "):
            end -= 1
        lines[first:end] = new
    else:
        rank = ORDER.index(key) if key in ORDER else len(ORDER)
        before = [(ln, k) for ln, k in starts if (ORDER.index(k) if k in ORDER else len(ORDER)) <= rank]
        if before:
            _, prev = max(before)
            first = data.key_pos[prev].line - 1
            later = [ln - 1 for ln, _ in starts if ln - 1 > first]
            at = later[0] if later else len(lines)
            while at > first + 1 and not lines[at - 1].strip():
                at -= 1
        else:
            at = min((ln - 1 for ln, _ in starts), default=len(lines))
        lines[at:at] = new
    out = "\n".join(lines) + "\n"
    back = load(out, None)
    if not _empty(value) and not _same(_plain(back.get(key)), value):
        # our plain emitter missed a YAML subtlety: JSON (flow YAML) always reads back exactly
        return _apply_one_json(text, key, value)
    return out


def _apply_one_json(text: str, key: str, value: Any) -> str:
    data = load(text, None) if text.strip() else Located()
    lines = text.rstrip("\n").split("\n") if text.strip() else []
    line = f"{_scalar(key)}: {json.dumps(value, ensure_ascii=False)}"
    if key in data.key_pos:
        starts = sorted(p.line - 1 for p in data.key_pos.values())
        first = data.key_pos[key].line - 1
        later = [s for s in starts if s > first]
        lines[first:later[0] if later else len(lines)] = [line]
    else:
        lines.append(line)
    return "\n".join(lines) + "\n"
