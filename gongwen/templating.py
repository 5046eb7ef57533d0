"""The Jinja2 sandbox for the data's templates (`{{ 会议名称 }}`, if/for at most).

A notice's data fills in 变量; the web form will render whatever a browser
sends.  So every template runs bounded in what it may do and in what it may
build:

* the sandbox stops attribute tricks; a whitelist of harmless filters, no
  {% set %}/macros/method calls, no loop inside a loop (_vet);
* every intermediate value is bounded (MAX_VALUE): `*` and `+` on strings and
  lists, `~` chains, `join`, `sum`, every filter's result and every `{{ }}`
  before it becomes text are weighed *before* they are built where building
  is the cost (a C call such as `str.join` cannot be interrupted), so no
  expression allocates more than a few MB — `('x' * 100000)|join('y' * 100000)`
  is refused, not computed;
* the expanded text of a field is capped (MAX_OUTPUT) and, in the main thread,
  timed (TIME_LIMIT per field, TOTAL_TIME per document).

`Templates.render(text, variables)` gives the text or a problem
(message, hint, line offset in the text).
"""
from __future__ import annotations

import functools
import itertools
import re
from typing import Any

FILTERS = ("abs", "capitalize", "count", "d", "default", "first", "float", "int", "join", "last",
           "length", "list", "lower", "max", "min", "reverse", "round", "sort", "string",
           "sum", "title", "trim", "unique", "upper", "wordcount", "items", "dictsort")
MAX_OUTPUT = 500_000       # characters one field may expand to
MAX_VALUE = 200_000        # weight (characters + items) of any value built inside an expression
MAX_RANGE = 1_000
MAX_CHARS_AS_ITEMS = 50_000  # a text split into a list of its characters (each one an object of ~76 bytes)
TIME_LIMIT = 2.0           # seconds per field …
TOTAL_TIME = 5.0           # … and for the whole document
MAX_CONCAT = 50            # operands of one ~ chain
_CONCAT = "gw_concat"      # the filter `~` chains are rewritten to (bounded str_join)


class Unsafe(Exception):
    """A construct the sandbox refuses, or a value over a limit."""

    def __init__(self, message: str, lineno: int | None = None):
        super().__init__(message)
        self.lineno = lineno


class _TooBig(Exception):
    pass


class _Timeout(Exception):
    pass


def weight(value: Any, limit: int = MAX_VALUE) -> int:
    """How much building `value` costs, in characters and items (a list of
    100 000 references to one long string weighs what joining it would make).
    Stops counting past `limit` (the answer is then only known to exceed it)."""
    total = 0
    stack = [value]
    while stack:
        x = stack.pop()
        if isinstance(x, str):
            total += len(x)
        elif isinstance(x, (list, tuple, set, frozenset)):
            total += len(x)
            stack.extend(x)
        elif isinstance(x, dict):
            total += len(x)
            stack.extend(x.keys())
            stack.extend(x.values())
        elif isinstance(x, range):
            total += len(x) * 4
        elif isinstance(x, int) and not isinstance(x, bool):
            total += x.bit_length() // 3 + 1
        else:
            total += 1
        if total > limit:
            return total
    return total


def text_length(value: Any, limit: int = MAX_VALUE) -> int:
    """An upper bound of len(str(value)), found without building it (str() of a
    list writes every item's repr in one C call).  Stops counting past `limit`."""
    if isinstance(value, str):
        return len(value)
    return _repr_length(value, limit)


def _repr_length(value: Any, limit: int) -> int:
    total = 0
    stack = [value]
    while stack:
        x = stack.pop()
        if isinstance(x, str):
            if x.isprintable():          # quotes, and a backslash before a quote or backslash at most
                total += len(x) + 2 + x.count("\\") + min(x.count("'"), x.count('"'))
            else:                        # \U0010ffff at worst
                total += 10 * len(x) + 2
        elif isinstance(x, (list, tuple, set, frozenset)):
            total += 5 + 2 * len(x) + 11 * isinstance(x, frozenset)     # set(), (1,)
            stack.extend(x)
        elif isinstance(x, dict):
            total += 2 + 4 * len(x)
            stack.extend(x.keys())
            stack.extend(x.values())
        elif isinstance(x, bool) or x is None:
            total += 5
        elif isinstance(x, int):
            total += x.bit_length() * 30103 // 100000 + 2
        elif isinstance(x, float):
            total += 24
        elif isinstance(x, range):
            total += 48
        else:                            # dates and the like: small and fixed
            total += len(repr(x))
        if total > limit:
            return total
    return total


def _as_text(value: Any, what: str, limit: int = MAX_VALUE) -> str:
    """str(value), refused before it is built when it would be over `limit` characters."""
    if isinstance(value, str):
        return value
    if text_length(value, limit) > limit:
        raise Unsafe(f"{what}得到的文字过长（超过 {limit} 字）")
    return str(value)


def _bounded(value: Any, what: str) -> Any:
    if weight(value) > MAX_VALUE:
        raise Unsafe(f"{what}得到的内容过长（超过 {MAX_VALUE} 字）")
    return value


def _items(value: Any, what: str) -> list:
    """An iterable as a list, refusing one longer than the limit before it is built."""
    if isinstance(value, dict):
        value = list(value)
    if isinstance(value, str) and len(value) > MAX_CHARS_AS_ITEMS:
        raise Unsafe(f"{what} 要把文字拆成单字，文字过长（超过 {MAX_CHARS_AS_ITEMS} 字）")
    if not isinstance(value, (str, list, tuple, range)):
        value = list(itertools.islice(iter(value), MAX_VALUE + 1))
    if len(value) > MAX_VALUE:
        raise Unsafe(f"{what}的项数过多（超过 {MAX_VALUE} 项）")
    return list(value)


def _guard_join(join):
    @functools.wraps(join)
    def bounded_join(eval_ctx, value, d="", attribute=None):
        items = _items(value, "join")
        sep = _as_text(d, "join 的分隔符")
        total = max(0, len(items) - 1) * len(sep)
        if total > MAX_VALUE:
            raise Unsafe(f"join 连接得到的文字过长（超过 {MAX_VALUE} 字）")
        for x in items:
            total += text_length(x, MAX_VALUE - total + 1)
            if total > MAX_VALUE:
                raise Unsafe(f"join 连接得到的文字过长（超过 {MAX_VALUE} 字）")
        return join(eval_ctx, items, sep, attribute)
    return bounded_join


def _guard_sum(total):
    @functools.wraps(total)
    def bounded_sum(environment, iterable, attribute=None, start=0):
        items = _items(iterable, "sum")
        if isinstance(start, (str, list, tuple)) and weight(start) + weight(items) > MAX_VALUE:
            raise Unsafe(f"sum 得到的内容过长（超过 {MAX_VALUE} 字）")
        return total(environment, items, attribute, start)
    return bounded_sum


_SPLITS_TEXT = ("list", "sort", "unique")     # a text given to these becomes a list of characters


def _guard_result(name: str, f):
    """Any other filter: its inputs are bounded and it is linear in them; what
    it would build is weighed before (`string`: the text of a list; `list`,
    `sort`, `unique`: the characters of a text) and its result after."""
    @functools.wraps(f)
    def bounded(*args, **kwargs):
        for a in (*args, *kwargs.values()):
            if isinstance(a, (str, list, tuple, dict)):
                _bounded(a, f"过滤器 {name} 的输入")
                if name == "string":
                    _as_text(a, f"过滤器 {name} ")
                elif name in _SPLITS_TEXT and isinstance(a, str) and len(a) > MAX_CHARS_AS_ITEMS:
                    raise Unsafe(f"过滤器 {name} 要把文字拆成单字，文字过长（超过 {MAX_CHARS_AS_ITEMS} 字）")
        return _bounded(f(*args, **kwargs), f"过滤器 {name} ")
    return bounded


def _concat(values) -> str:
    total = 0
    for v in values:
        total += text_length(v, MAX_VALUE - total + 1)
        if total > MAX_VALUE:
            raise Unsafe(f"~ 拼接得到的文字过长（超过 {MAX_VALUE} 字）")
    return "".join(v if isinstance(v, str) else str(v) for v in values)


def _finalize(value: Any) -> Any:
    """Every `{{ }}` before it becomes text: str() of a huge list is built in one C call."""
    if isinstance(value, str):
        if len(value) > MAX_OUTPUT:
            raise _TooBig()
        return value
    _bounded(value, "{{ }} 里的表达式")
    if text_length(value, MAX_OUTPUT) > MAX_OUTPUT:
        raise _TooBig()
    return value


def _small_range(*args):
    if len(args) > 3 or not all(isinstance(a, int) and not isinstance(a, bool) for a in args):
        raise Unsafe("range() 只接受整数")
    r = range(*args)
    if len(r) > MAX_RANGE:
        raise Unsafe(f"range() 最多 {MAX_RANGE} 个数")
    return r


def safe_binop(op: str, left, right):
    """`*`, `**`, `%`, `+` with their results weighed before they are built."""
    import operator as _op
    if op == "**":
        if not all(isinstance(x, (int, float)) for x in (left, right)) or abs(right) > 64 or abs(left) > 10 ** 6:
            raise Unsafe("乘方只用于小的数")
        return left ** right
    if op == "%":
        if isinstance(left, str):
            raise Unsafe("不支持 % 格式化")
        return left % right
    if op == "*":
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and not isinstance(n, bool):
                if max(weight(seq), 1) * max(n, 0) > MAX_VALUE:
                    raise Unsafe(f"重复得到的内容过长（超过 {MAX_VALUE} 字）")
        if isinstance(left, int) and isinstance(right, int) and (abs(left).bit_length() + abs(right).bit_length() > 4096):
            raise Unsafe("数字过大")
        return left * right
    if op == "+":
        if isinstance(left, (str, list, tuple)) and weight(left) + weight(right) > MAX_VALUE:
            raise Unsafe(f"拼接得到的内容过长（超过 {MAX_VALUE} 字）")
        return left + right
    return {"-": _op.sub, "/": _op.truediv, "//": _op.floordiv}[op](left, right)


class Templates:
    """The sandboxed Jinja2 environment for one document's templates."""

    def __init__(self):
        import jinja2  # lazy: Jinja2 (~26 ms) only for data with {{ }} or a skeleton
        from jinja2.sandbox import SandboxedEnvironment

        class Env(SandboxedEnvironment):
            intercepted_binops = frozenset({"*", "**", "%", "+"})

            def call_binop(self, context, operator, left, right):
                return safe_binop(operator, left, right)

        env = Env(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True,
                  finalize=_finalize)
        filters = {}
        for name in FILTERS:
            f = env.filters[name]
            filters[name] = (_guard_join(f) if name == "join" else _guard_sum(f) if name == "sum"
                             else _guard_result(name, f))
        filters[_CONCAT] = _concat
        env.filters = filters
        env.globals = {"range": _small_range}
        self.env = env
        self.jinja2 = jinja2
        self.spent = 0.0          # seconds of rendering so far in this document

    def render(self, text: str, variables: dict) -> tuple[str, tuple[str, str, int | None] | None]:
        jinja2 = self.jinja2
        try:
            tree = self.env.parse(text)
            _vet(tree, jinja2.nodes)
            _bound_concats(tree, jinja2.nodes)
            template = self.env.from_string(tree)
            return self._run(template, variables), None
        except jinja2.TemplateSyntaxError as e:
            return ("", (f"模板语法错误：{_explain(e.message or '')}", "检查 {{ }} 与 {% %} 是否成对、是否有 {% endif %} / {% endfor %}",
                         e.lineno or 1))
        except jinja2.UndefinedError as e:
            msg = str(e)
            name = re.search(r"'([^']+)' is undefined", msg)
            if name:
                shown = name.group(1)
                return ("", (f"模板里的变量“{shown}”没有定义。", f"在“变量:”下加一行 `{shown}: …`，或改正变量名", None))
            attr = re.search(r"has no attribute '([^']+)'", msg)
            shown = attr.group(1) if attr else msg
            return ("", (f"模板里取不到“{shown}”：变量里没有这一项。", "检查变量名和“变量:”下的写法", None))
        except Unsafe as e:
            return ("", (f"模板里不能这样写：{e}。", "模板只用来填写变量，例如 `{{ 会议名称 }}`",
                         e.lineno or _template_line(e)))
        except _TooBig:
            return ("", (f"模板展开后的文字过长（超过 {MAX_OUTPUT} 字）。", "检查 {% for %} 循环", None))
        except _Timeout:
            return ("", ("模板展开用时过长，已停止。",
                         f"简化 {{% for %}} 循环和表达式（每处不超过 {TIME_LIMIT:g} 秒，全文不超过 {TOTAL_TIME:g} 秒）", None))
        except jinja2.exceptions.SecurityError:
            return ("", ("模板里访问了不允许的内容。", "模板只用来填写变量，例如 `{{ 会议名称 }}`", None))
        except (RecursionError, MemoryError):
            return ("", ("模板过于复杂，无法展开。", "模板只用来填写变量，例如 `{{ 会议名称 }}`", None))
        except Exception as e:  # type errors and the like inside expressions
            return ("", (f"模板无法展开（{type(e).__name__}）。", "模板里只写变量名和简单表达式", None))

    def _run(self, template, variables) -> str:
        import signal
        import threading
        import time
        limit = min(TIME_LIMIT, TOTAL_TIME - self.spent)
        if limit <= 0:
            raise _Timeout()
        use_timer = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        old_handler = None
        started = time.monotonic()
        if use_timer:
            def on_alarm(signum, frame):
                raise _Timeout()
            old_handler = signal.signal(signal.SIGALRM, on_alarm)
            old_timer = signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            parts, size = [], 0
            for chunk in template.generate(variables):
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise _TooBig()
                parts.append(chunk)
            return "".join(parts)
        finally:
            self.spent += time.monotonic() - started
            if use_timer:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, old_handler)
                if old_timer and old_timer[0] > 0:      # give an outer timer back what it had left
                    signal.setitimer(signal.ITIMER_REAL, old_timer[0], old_timer[1])


_ALLOWED_NODES = ("Template", "Output", "TemplateData", "Name", "Const", "Getattr", "Getitem", "Slice",
                  "Filter", "Test", "If", "For", "CondExpr", "Compare", "Operand", "And", "Or", "Not",
                  "Neg", "Pos", "Concat", "Add", "Sub", "Mul", "Div", "FloorDiv", "Mod", "Pow",
                  "Tuple", "List", "Dict", "Pair", "Keyword", "Call")
_TAG_NAMES = {"Assign": "{% set %}", "AssignBlock": "{% set %}", "Macro": "{% macro %}",
              "CallBlock": "{% call %}", "FilterBlock": "{% filter %}", "With": "{% with %}",
              "Include": "{% include %}", "Import": "{% import %}", "FromImport": "{% from %}",
              "Extends": "{% extends %}", "Block": "{% block %}"}


def _vet(node, nodes, loops: int = 0) -> None:
    """Refuse the parts of Jinja2 a notice never needs and that could run away."""
    kind = type(node).__name__
    lineno = getattr(node, "lineno", None)

    def unsafe(msg):
        raise Unsafe(msg, lineno)

    if kind not in _ALLOWED_NODES:
        unsafe(f"不支持 {_TAG_NAMES.get(kind, kind)}")
    if kind == "Call":
        if not (isinstance(node.node, nodes.Name) and node.node.name == "range"):
            unsafe("不能调用函数或方法（只支持 range）")
    if kind == "Concat":
        if len(node.nodes) > MAX_CONCAT:
            unsafe(f"一次最多拼接 {MAX_CONCAT} 段")
        if any(isinstance(n, nodes.Concat) for n in node.find_all(nodes.Concat) if n is not node):
            unsafe("不支持嵌套的 ~ 拼接")
    if kind == "Filter" and node.name not in FILTERS:
        unsafe(f"不支持过滤器“{node.name}”")
    if kind == "Test" and node.name in ("test", "filter"):
        unsafe(f"不支持测试“{node.name}”")
    if kind == "For":
        if node.recursive:
            unsafe("不支持递归循环")
        if loops >= 1:
            unsafe("不支持循环套循环")
        _vet(node.iter, nodes, loops)
        if node.test is not None:
            _vet(node.test, nodes, loops + 1)
        for child in list(node.body) + list(node.else_):
            _vet(child, nodes, loops + 1)
        return
    for child in node.iter_child_nodes():
        _vet(child, nodes, loops)


def _bound_concats(tree, nodes) -> None:
    """`a ~ b ~ c` compiles to one unchecked str_join: make it our bounded join."""
    for parent in list(tree.find_all(nodes.Node)):
        for field in parent.fields:
            value = getattr(parent, field, None)
            if isinstance(value, nodes.Concat):
                setattr(parent, field, _concat_node(value, nodes))
            elif isinstance(value, list):
                setattr(parent, field, [_concat_node(v, nodes) if isinstance(v, nodes.Concat) else v
                                        for v in value])


def _concat_node(node, nodes):
    return nodes.Filter(nodes.List(list(node.nodes), lineno=node.lineno), _CONCAT, [], [], None, None,
                        lineno=node.lineno)


def _template_line(e: BaseException) -> int | None:
    """The template line running when a value was refused at run time (from
    the compiled template's frame in the traceback)."""
    tb, line = e.__traceback__, None
    while tb is not None:                      # Jinja rewrites its frames to the template's own lines
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        else:
            template = tb.tb_frame.f_globals.get("__jinja_template__")
            if template is not None:
                line = template.get_corresponding_lineno(tb.tb_lineno)
        tb = tb.tb_next
    return line


def _explain(message: str) -> str:
    m = message
    if "unexpected end of template" in m:
        return "模板没有结束（缺少 {% endif %} 或 {% endfor %}，或 {{ 没有对应的 }}）。"
    if "unknown tag" in m:
        tag = re.search(r"unknown tag '([^']+)'", m)
        return f"不认识的模板标签“{tag.group(1) if tag else ''}”。"
    if "unexpected '}'" in m or "unexpected '%'" in m:
        return "多了或少了括号（{{ }} / {% %} 不成对）。"
    if "expected token" in m:
        return "{{ }} 或 {% %} 里的写法不对。"
    if "unexpected char" in m:
        ch = re.search(r"unexpected char '(.+?)'", m)
        return f"{{{{ }}}} 里有不能识别的字符“{ch.group(1) if ch else ''}”（变量名不能含标点）。"
    if "Encountered unknown" in m or "unexpected" in m:
        return "模板标签写错或位置不对。"
    return "写法不对。"
