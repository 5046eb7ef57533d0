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


def to_yaml(fields: dict, body: list[str], attachments: list[dict], header: list[str]) -> str:
    out = [f"# {h}\n" for h in header]
    for key in ORDER:
        if key == "正文":
            out.append("正文: " + block(body, "  "))
            continue
        if key == "附件":
            if attachments:
                out.append("附件:\n")
                for a in attachments:
                    out.append(f"  - 名称: {scalar(a['名称'])}\n")
                    content = a.get("内容") or []
                    if not content:
                        continue
                    if all(isinstance(x, str) for x in content):
                        out.append("    内容: " + block(content, "      "))
                        continue
                    out.append("    内容:\n")
                    for x in content:
                        if isinstance(x, TableData):
                            out.append(_table(x, "      "))
                        else:
                            out.append(f"      - {scalar(x)}\n")
            continue
        if key not in fields:
            continue
        v = fields[key]
        if isinstance(v, dict):
            out.append(f"{key}:\n" + "".join(f"  {k}: {scalar(str(x))}\n" for k, x in v.items()))
        elif isinstance(v, bool):
            out.append(f"{key}: {'true' if v else 'false'}\n")
        elif isinstance(v, list) and key == "标题":
            out.append(f"{key}: " + block(v, "  "))
        elif isinstance(v, list):
            out.append(f"{key}:\n" + "".join(f"  - {scalar(x)}\n" for x in v))
        else:
            out.append(f"{key}: {scalar(str(v))}\n")
    return "".join(out)


def _table(t: TableData, indent: str) -> str:
    width = max(len(r) for r in t.rows)
    rows = [r + [""] * (width - len(r)) for r in t.rows]
    cells = lambda r: "[" + ", ".join(json.dumps(protect(c), ensure_ascii=False) for c in r) + "]"
    text = f"{indent}- 表格:\n{indent}    表头: {cells(rows[0])}\n"
    if len(rows) > 1:
        text += f"{indent}    行:\n" + "".join(f"{indent}      - {cells(r)}\n" for r in rows[1:])
    return text


def header_comment(draft_name: str, today: _dt.date | None = None) -> str:
    today = today or _dt.date.today()
    return f"由草稿“{draft_name}”导入（{today.isoformat()}）；请对照导入报告核对后再生成。"
