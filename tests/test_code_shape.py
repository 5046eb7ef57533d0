"""No function in gongwen/ over 60 lines (a function that long does several
things; split it where they part)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 60


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
    over = long_functions()
    assert not over, "functions over 60 lines (split them):\n" + "\n".join(f"{k} ({n})" for k, n in sorted(over.items()))

