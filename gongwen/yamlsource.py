"""Load YAML safely, keeping the line of every value.

PyYAML's composer gives nodes with positions; we build plain Python values
from them ourselves so that (a) every mapping key and list item keeps its line
for error messages and (b) alias bombs cannot expand: the number of nodes
visited is capped.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import GongwenError, Problem

MAX_BYTES = 2 * 1024 * 1024      # a notice is a few KB; 2 MB is generous
MAX_NODES = 200_000
MAX_DEPTH = 40


@dataclass(frozen=True)
class Pos:
    line: int
    column: int


class Located(dict):
    """A mapping that also remembers where each key and value stands."""
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.key_pos: dict[Any, Pos] = {}
        self.value_pos: dict[Any, Pos] = {}   # a block scalar's first text line
        self.pos: Pos | None = None


class LocatedList(list):
    def __init__(self, *a):
        super().__init__(*a)
        self.item_pos: list[Pos] = []
        self.pos: Pos | None = None


def _pos(node) -> Pos:
    return Pos(node.start_mark.line + 1, node.start_mark.column + 1)


def read_text(path: Path) -> str:
    """The file's text, or a clear error for files that are not UTF-8 YAML."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise GongwenError(Problem("文件不存在。", "检查文件路径和文件名", file=path))
    except IsADirectoryError:
        raise GongwenError(Problem("这是一个文件夹，不是公文数据文件。", "给出 .yaml 文件的路径", file=path))
    except OSError as e:
        raise GongwenError(Problem(f"无法读取文件（{e.strerror}）。", file=path))
    if len(raw) > MAX_BYTES:
        raise GongwenError(Problem(f"文件过大（{len(raw)} 字节），不像一份公文数据。",
                                   f"公文数据文件应小于 {MAX_BYTES // 1024 // 1024} MB", file=path))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]          # a BOM from Notepad is harmless
    if b"\x00" in raw[:4096]:
        enc = "UTF-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "二进制"
        raise GongwenError(Problem(f"文件是{enc}内容，不是 UTF-8 文本。",
                                   "用文本编辑器另存为“UTF-8”编码的 .yaml 文件", file=path))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        guess = ""
        try:
            raw.decode("gb18030")
            guess = "（看起来是 GBK/GB18030 编码）"
        except UnicodeDecodeError:
            pass
        raise GongwenError(Problem(f"文件不是 UTF-8 编码{guess}。",
                                   "用文本编辑器另存为“UTF-8”编码", line=line, file=path))
    if not text.strip():
        raise GongwenError(Problem("文件是空的。", "从 `python generate.py new 通知` 生成的样板开始填写", file=path))
    return text


def load(text: str, path: Path | None) -> Located:
    """Parse YAML text into Located/LocatedList/scalars; errors name the line."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        problem = _explain_yaml_error(e, text, line)
        raise GongwenError(Problem(problem[0], problem[1], line=line, column=col, file=path))
    except yaml.YAMLError as e:
        raise GongwenError(Problem(f"YAML 格式错误：{e}", file=path))
    except RecursionError:
        raise GongwenError(Problem("YAML 嵌套过深。", f"公文数据的嵌套不超过 {MAX_DEPTH} 层", file=path))
    finally:
        loader.dispose()
    if node is None:
        raise GongwenError(Problem("文件里没有任何内容。", "至少写出 发文机关标志、标题、正文", file=path))
    budget = [MAX_NODES]
    value = _build(node, loader, path, budget, 0)
    if not isinstance(value, Located):
        raise GongwenError(Problem("文件的最外层应是“字段: 内容”的形式。",
                                   "例如 `标题: 关于……的通知`", line=1, file=path))
    return value


def _explain_yaml_error(e: yaml.MarkedYAMLError, text: str, line: int | None) -> tuple[str, str]:
    problem = (e.problem or "").strip()
    src = text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else ""
    if "\t" in src or "found character '\\t'" in problem:
        return ("这一行用了制表符（Tab）缩进，YAML 只认空格。", "把 Tab 换成两个空格")
    if "mapping values are not allowed" in problem:
        return ("这一行的冒号位置不对（值里含有半角冒号“: ”，或缩进不齐）。",
                "内容含冒号时整段加引号，例如 `附注: \"时间: 上午\"`；或检查缩进")
    if "found unexpected end of stream" in problem or "found unexpected end" in problem:
        return ("引号没有闭合。", "在内容末尾补上对应的引号")
    if "could not find expected ':'" in problem:
        return ("这一行缺少“字段: 内容”中的冒号，或上一行的引号没有闭合。", "写成 `字段: 内容`（冒号后有空格）")
    if "found duplicate anchor" in problem or "found undefined alias" in problem:
        return (f"YAML 引用（& / *）有误：{problem}", "删除 & 和 * 引用，直接写出内容")
    if "expected <block end>" in problem or "did not find expected key" in problem:
        return ("缩进不齐：同一层的字段要左对齐。", "检查这一行与上一行的缩进")
    return (f"YAML 格式错误：{problem or e}", "检查这一行的引号、冒号和缩进")


def _build(node, loader, path, budget, depth):
    budget[0] -= 1
    if budget[0] < 0:
        raise GongwenError(Problem("YAML 内容过多（可能是 & / * 引用层层展开）。",
                                   "删除 & 和 * 引用，直接写出内容", line=_pos(node).line, file=path))
    if depth > MAX_DEPTH:
        raise GongwenError(Problem("YAML 嵌套过深。", f"公文数据的嵌套不超过 {MAX_DEPTH} 层",
                                   line=_pos(node).line, file=path))
    if isinstance(node, yaml.MappingNode):
        out = Located()
        out.pos = _pos(node)
        for k, v in node.value:
            key = _build(k, loader, path, budget, depth + 1)
            if isinstance(key, (dict, list)):
                raise GongwenError(Problem("字段名不能是列表或映射。", line=_pos(k).line, file=path))
            if key == "<<":      # merge keys are a YAML nicety a notice never needs
                raise GongwenError(Problem("不支持 YAML 合并键 “<<”。", "直接写出各字段", line=_pos(k).line, file=path))
            if key in out:
                raise GongwenError(Problem(f"字段“{key}”写了两次。", "删除重复的一处",
                                           line=_pos(k).line, column=_pos(k).column, file=path, field=str(key)))
            out[key] = _build(v, loader, path, budget, depth + 1)
            out.key_pos[key] = _pos(k)
            vp = _pos(v)
            if isinstance(v, yaml.ScalarNode) and v.style in ("|", ">"):
                vp = Pos(vp.line + 1, 1)
            out.value_pos[key] = vp
        return out
    if isinstance(node, yaml.SequenceNode):
        out = LocatedList()
        out.pos = _pos(node)
        for item in node.value:
            out.append(_build(item, loader, path, budget, depth + 1))
            out.item_pos.append(_pos(item))
        return out
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.constructor.ConstructorError, ValueError, OverflowError) as e:
        # e.g. 2023-02-30 is resolved as a timestamp and fails to construct
        raw = node.value
        if node.tag.endswith(":timestamp"):
            raise GongwenError(Problem(f"日期 {raw} 不存在。", "写成真实的日期，例如 2023-04-18",
                                       line=_pos(node).line, column=_pos(node).column, file=path))
        raise GongwenError(Problem(f"无法读取的值 {raw!r}：{e}", line=_pos(node).line, file=path))
