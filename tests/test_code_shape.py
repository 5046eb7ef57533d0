"""No function in gongwen/ over 60 lines (a function that long does several
things; split it where they part)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 60
# Functions in modules other work is changing at the time of writing, to be
# split next.  Only shrink this list.
NOT_YET = {
    "gongwen/layout/flow.py:paginate",
}


def long_functions() -> dict[str, int]:
    """'path:name' → lines, of every function (nested ones too) over LIMIT lines."""
    out = {}
    for path in sorted((ROOT / "gongwen").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > LIMIT:
                    out[f"{path.relative_to(ROOT).as_posix()}:{node.name}"] = n
    return out


def test_no_function_over_60_lines():
    found = long_functions()
    over = {k: n for k, n in found.items() if k not in NOT_YET}
    assert not over, "functions over 60 lines (split them):\n" + "\n".join(f"{k} ({n})" for k, n in sorted(over.items()))
    assert not NOT_YET - set(found), f"no longer over {LIMIT} lines: take them off NOT_YET: {NOT_YET - set(found)}"
