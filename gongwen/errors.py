"""Problems found in a notice, reported in Chinese with file, line and field."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    message: str                 # what is wrong
    hint: str = ""               # what to write instead
    field: str | None = None     # the field, in the standard's words (e.g. 发文字号)
    line: int | None = None      # 1-based
    column: int | None = None    # 1-based
    file: Path | str | None = None
    severity: str = "error"      # "error" or "warning"

    def format(self) -> str:
        """`file:line:col: 错误【field】message` and, when there is a fix, an indented
        `应为：hint` line.  Characters that would break the lines or hide
        (controls, zero-width marks) are shown as their code, e.g. <U+000D>."""
        where = _visible(str(self.file)) if self.file else "<输入>"
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        kind = "错误" if self.severity == "error" else "警告"
        head = f"{where}: {kind}"
        head += f"【{_visible(str(self.field))}】" if self.field else "："
        text = f"{head}{_visible(self.message)}"
        if self.hint:
            text += f"\n    应为：{_visible(self.hint)}"
        return text


def _visible(text: str) -> str:
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable() or ch == "\u3000":
            out.append(ch)
        else:
            out.append(f"<U+{ord(ch):04X}>")
    return "".join(out)


class GongwenError(Exception):
    """One or more problems that stop generation."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


def print_failure(problems: list[Problem], stream=None, nothing_written: bool = True) -> None:
    """The problems, one or two lines each, then the reassurance that no file was touched."""
    import sys
    stream = stream or sys.stderr
    print("\n".join(p.format() for p in problems), file=stream)
    if nothing_written:
        print("未生成任何文件。", file=stream)


# The import names of requirements.txt: missing means this Python is not the .venv's.
REQUIRED = {"reportlab", "jinja2", "yaml", "pypdf", "fontTools", "pikepdf", "PIL", "rl_accel", "docx", "lxml"}
WRONG_PYTHON = ("这个 Python 缺少运行所需的包（{module}）。请用 .venv 里的 Python 运行"
                "（.venv/bin/python generate.py …，Windows：.venv\\Scripts\\python generate.py …）；"
                "还没有 .venv 时先安装：python3 -m venv .venv，再 .venv/bin/pip install -r requirements.txt"
                "（见 docs/使用说明.md）。")


def missing_requirement(e: ModuleNotFoundError) -> bool:
    """Whether the module missing is one of requirements.txt's (not a bug of ours)."""
    return (e.name or "").split(".")[0] in REQUIRED
