"""`generate.py new 文种`: start a document from the skeleton in templates/."""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from .argparse_zh import nearest
from .errors import GongwenError, Problem

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# The fifteen 文种 of the 党政机关公文处理工作条例 (art. 8); 令 is 命令's short name.
KINDS = ("决议", "决定", "命令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复",
         "议案", "函", "纪要")
# The same, the most used first: a typo close to several (通之: 通知, 通告, 通报) means the common one.
BY_USE = ("通知", "请示", "报告", "函", "通报", "意见", "决定", "纪要", "批复", "公告", "通告", "命令", "决议",
          "公报", "议案")
ALIASES = {"令": "命令", "命令（令）": "命令", "会议纪要": "纪要", "信函": "函"}


# An organ that is itself an office prints its own documents (印发机关):
# `--organ 某县人民政府办公室` gives 印发机关 某县人民政府办公室, not …办公室办公室.
OFFICES = ("办公室", "办公厅")


def office(organ: str) -> str:
    """The 印发机关 of an organ: its 办公室, or the organ itself when it is one."""
    return organ if organ.endswith(OFFICES) else organ + "办公室"


def skeleton(kind: str, organ: str = "××", today: _dt.date | None = None) -> str:
    """The YAML skeleton for one 文种."""
    kind = ALIASES.get(kind, kind)
    if kind not in KINDS:
        guess = nearest(kind, BY_USE)
        raise GongwenError(Problem(f"没有“{kind}”这个文种" + (f"，是不是要写“{guess}”？" if guess else "。"),
                                   (f"python generate.py new {guess}；" if guess else "") + "可选："
                                   + "、".join(KINDS), field="文种"))
    organ = organ.strip() or "××"
    # The mark typed for the organ (某县人民政府文件, 某市人民政府令): 署名, 标题 and 印发机关 take the name.
    for mark_end in ("文件",) + (("令",) if kind == "命令" else ()):
        if organ.endswith(mark_end) and len(organ) > len(mark_end):
            organ = organ[: -len(mark_end)]
    import jinja2  # lazy: Jinja2 (~26 ms) only for data with {{ }} or a skeleton
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, autoescape=False)
    env.filters["office"] = office
    text = env.get_template(f"{kind}.yaml.j2").render(kind=kind, organ=organ, today=today or _dt.date.today())
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    # A key the 文种 leaves empty (纪要 has no 标题) is dropped, not left blank.
    kept = [l for i, l in enumerate(lines)
            if not (l.endswith(":") and not l.startswith(" ")
                    and not (i + 1 < len(lines) and lines[i + 1].startswith(" ")))]
    return "\n".join(kept) + "\n"
