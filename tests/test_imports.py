"""How gongwen's modules import each other: every in-package import at a
module's top (none hidden inside a function, where it hid an import circle),
no circle among the modules, and every third-party import left inside a
function (to keep a run that does not need the library from loading it) says
why in a comment."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "gongwen"

# The in-package imports left inside a function, on purpose: `serve` loads
# the web app, and with it Starlette and uvicorn, which no other command needs;
# the command line loads the draft importer only for a draft (its patterns
# cost 35 ms at import, an eighth of a whole notice).
LAZY = {"gongwen/web/__init__.py:serve", "gongwen/cli.py:_draft_command"}


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for p in sorted(PACKAGE.rglob("*.py")):
        parts = list(p.relative_to(ROOT).with_suffix("").parts)
        package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if package else parts)] = (p, package)
    return out


MODULES = _modules()


def _functions(tree: ast.AST):
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _in_package(node: ast.AST) -> bool:
    return (isinstance(node, ast.ImportFrom) and (node.level > 0 or (node.module or "").startswith("gongwen"))) \
        or (isinstance(node, ast.Import) and any(a.name.split(".")[0] == "gongwen" for a in node.names))


def _rel(p: Path) -> str:
    return p.relative_to(ROOT).as_posix()


def test_no_in_package_import_inside_a_function():
    found = []
    for name, (path, _) in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in _functions(tree):
            if f"{_rel(path)}:{fn.name}" in LAZY:
                continue
            for node in ast.walk(fn):
                if _in_package(node):
                    found.append(f"{_rel(path)}:{node.lineno} (in {fn.name})")
    assert not found, "in-package imports inside functions (move them to the module's top):\n" + "\n".join(
        sorted(set(found)))


def _targets(module: str, package: bool, node: ast.AST) -> set[str]:
    """The gongwen modules an import statement loads (besides their parents)."""
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in MODULES}
    assert isinstance(node, ast.ImportFrom)
    if node.level:
        base = module.split(".") if package else module.split(".")[:-1]
        base = base[:len(base) - node.level + 1]
        name = ".".join(base + ([node.module] if node.module else []))
    else:
        name = node.module or ""
    subs = {f"{name}.{a.name}" for a in node.names if f"{name}.{a.name}" in MODULES}
    if len(subs) == len(node.names):          # from . import body, header: those modules only
        return subs
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return subs | ({name} if name else set())


def _runtime_imports(tree: ast.Module):
    """Every import statement run when the module is used: at its top, inside
    functions, but not under `if TYPE_CHECKING:`."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    return [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) and id(n) not in skip]


def import_graph() -> dict[str, set[str]]:
    graph = {}
    for name, (path, package) in MODULES.items():
        deps: set[str] = set()
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            deps |= _targets(name, package, node)
        graph[name] = deps - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph)))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_among_gongwen_modules():
    graph = import_graph()
    assert graph["gongwen.pipeline"] >= {"gongwen.archive", "gongwen.checks", "gongwen.files"}   # it sees them
    assert "gongwen.pipeline" not in graph["gongwen.archive"] | graph["gongwen.checks"]
    assert cycles(graph) == []


def test_a_third_party_import_inside_a_function_says_why():
    missing = []
    for name, (path, _) in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for fn in _functions(ast.parse("\n".join(lines))):
            for node in ast.walk(fn):
                if isinstance(node, ast.Import):
                    top = node.names[0].name.split(".")[0]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    top = (node.module or "").split(".")[0]
                else:
                    continue
                if top in sys.stdlib_module_names or top == "gongwen":
                    continue
                k = node.lineno - 1              # the run of imports it is in, and the line above it
                while k > 0 and lines[k - 1].strip().startswith(("import ", "from ")):
                    k -= 1
                if not any("#" in lines[i] for i in range(max(k - 1, 0), node.lineno)):
                    missing.append(f"{_rel(path)}:{node.lineno} {lines[node.lineno - 1].strip()}")
    assert not missing, "say in a comment what importing it here saves:\n" + "\n".join(sorted(set(missing)))
