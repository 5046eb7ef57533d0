"""`generate.py new 文种`: start a document from the skeleton in templates/."""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from .errors import GongwenError, Problem

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# The fifteen 文种 of the 党政机关公文处理工作条例 (art. 8); 令 is 命令's short name.
KINDS = ("决议", "决定", "命令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复",
         "议案", "函", "纪要")
ALIASES = {"令": "命令", "命令（令）": "命令", "会议纪要": "纪要", "信函": "函"}


def skeleton(kind: str, organ: str = "××", today: _dt.date | None = None) -> str:
    """The YAML skeleton for one 文种."""
    kind = ALIASES.get(kind, kind)
    if kind not in KINDS:
        raise GongwenError(Problem(f"没有“{kind}”这个文种。", "可选：" + "、".join(KINDS), field="文种"))
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, autoescape=False)
    text = env.get_template(f"{kind}.yaml.j2").render(kind=kind, organ=organ, today=today or _dt.date.today())
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    # A key the 文种 leaves empty (纪要 has no 标题) is dropped, not left blank.
    kept = [l for i, l in enumerate(lines)
            if not (l.endswith(":") and not l.startswith(" ")
                    and not (i + 1 < len(lines) and lines[i + 1].startswith(" ")))]
    return "\n".join(kept) + "\n"
