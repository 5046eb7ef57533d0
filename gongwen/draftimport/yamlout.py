"""The recognised parts → the data file a careful clerk would type.

The standard's keys in the order of the printed page, `正文: |` with one
paragraph per line, headings as the draft numbered them, a comment at the
top naming the draft and the day of import.  Every value is written so that
YAML reads back exactly that text (quoted only where YAML needs it), and
`{{`/`{%` of the draft are written so the template engine prints them as they are.
"""
from __future__ import annotations

import datetime as _dt
import json
import re

import yaml

from .source import TableData

ORDER = ("版式", "份号", "密级", "保密期限", "紧急程度", "发文机关标志", "发文字号", "令号", "签发人", "标题",
         "主送机关", "正文", "附件", "发文机关署名", "签名章", "代章", "成文日期", "印章", "附注", "出席", "请假", "列席",
         "抄送机关", "印发机关", "印发日期")
_TEMPLATE = re.compile(r"\{[{%#]|[}%#]\}")


def protect(text: str) -> str:
    """Draft text that Jinja2 would read as a template, made literal."""
    if not _TEMPLATE.search(text):
        return text
    return _TEMPLATE.sub(lambda m: "{{ " + json.dumps(m.group(0)) + " }}", text)


def scalar(text: str) -> str:
    text = protect(text)
    if text and text == text.strip() and "\n" not in text and not re.match(r"[-?:,\[\]{}#&*!|>'\"%@`]", text) \
            and ": " not in text and " #" not in text and not text.endswith(":"):
        try:
            if yaml.safe_load(text) == text:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def block(lines: list[str], indent: str) -> str:
    safe = [protect(x) for x in lines]
    return "|\n" + "".join(f"{indent}{x}\n" for x in safe)


def to_yaml(fields: dict, body: list[str], attachments: list[dict], header: list[str],
            sources: list | None = None, places: dict[str, int] | None = None,
            body_src: list[int] | None = None, attach_src: list[int] | None = None) -> str:
    """The data file's text.  With `sources` (a list, filled here), each line of
    the text gets the draft line it came from, or None (comments, values the
    importer supplied): `places` gives each part's first draft line, `body_src`
    each 正文 paragraph's, `attach_src` each 附件's."""
    out: list[str] = []
    places, body_src, attach_src = places or {}, body_src or [], attach_src or []

    def put(chunk: str, src=None, per_line: list | None = None) -> None:
        out.append(chunk)
        if sources is not None:
            n = chunk.count("\n")
            sources.extend(per_line if per_line is not None and len(per_line) == n else [src] * n)

    for h in header:
        put(f"# {h}\n")
    for key in ORDER:
        if key == "正文":
            first = body_src[0] if body_src else places.get("正文")
            put("正文: " + block(body, "  "), per_line=[first, *body_src])
            continue
        if key == "附件":
            if attachments:
                put("附件:\n", places.get("附件说明"))
                for k, a in enumerate(attachments):
                    src = attach_src[k] if k < len(attach_src) and attach_src[k] else places.get("附件说明")
                    put(f"  - 名称: {scalar(a['名称'])}\n", src)
                    content = a.get("内容") or []
                    if not content:
                        continue
                    if all(isinstance(x, str) for x in content):
                        put("    内容: " + block(content, "      "), src)
                        continue
                    put("    内容:\n", src)
                    for x in content:
                        if isinstance(x, TableData):
                            put(_table(x, "      "), src)
                        else:
                            put(f"      - {scalar(x)}\n", src)
            continue
        if key not in fields:
            continue
        v, src = fields[key], places.get(key)
        if isinstance(v, dict):
            put(f"{key}:\n" + "".join(f"  {k}: {scalar(str(x))}\n" for k, x in v.items()), src)
        elif isinstance(v, bool):
            put(f"{key}: {'true' if v else 'false'}\n", src)
        elif isinstance(v, list) and key == "标题":
            put(f"{key}: " + block(v, "  "), src)
        elif isinstance(v, list):
            put(f"{key}:\n" + "".join(f"  - {scalar(x)}\n" for x in v), src)
        else:
            put(f"{key}: {scalar(str(v))}\n", src)
    return "".join(out)


def _table(t: TableData, indent: str) -> str:
    width = max(len(r) for r in t.rows)
    rows = [r + [""] * (width - len(r)) for r in t.rows]
    cells = lambda r: "[" + ", ".join(json.dumps(protect(c), ensure_ascii=False) for c in r) + "]"
    text = f"{indent}- 表格:\n{indent}    表头: {cells(rows[0])}\n"
    if len(rows) > 1:
        text += f"{indent}    行:\n" + "".join(f"{indent}      - {cells(r)}\n" for r in rows[1:])
    return text


def header_comment(draft_name: str, today: _dt.date | None = None, dated: bool = True) -> str:
    if not dated:
        return f"由草稿“{draft_name}”导入；请对照导入报告核对后再生成。"
    today = today or _dt.date.today()
    return f"由草稿“{draft_name}”导入（{today.isoformat()}）；请对照导入报告核对后再生成。"
