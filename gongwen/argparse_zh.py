"""argparse speaking Chinese: its own messages (usage, errors, -h) are
translated, because the clerk reads Chinese.

argparse looks its messages up through `gettext` at the moment it uses them
(module globals `_` and `ngettext`); a Parser swaps in this table only while
one of its own methods runs, so any other argparse user in the process is
left as it was."""
from __future__ import annotations

import argparse
import difflib
import re
import sys
import unicodedata
from contextlib import contextmanager
from typing import NoReturn

_MESSAGES = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示这份说明并退出",
    "show program's version number and exit": "显示版本号并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "不认识的参数：%s",
    "the following arguments are required: %s": "缺少参数：%s",
    "one of the arguments %s is required": "参数 %s 至少要写一个",
    "not allowed with argument %s": "不能与参数 %s 同用",
    "ignored explicit argument %r": "这个选项不带值，却写了“%s”",
    "expected one argument": "后面要写一个值",
    "expected at most one argument": "后面最多写一个值",
    "expected at least one argument": "后面至少要写一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "unexpected option string: %s": "多余的选项：%s",
    "invalid %(type)s value: %(value)r": "“%(value)s”不是有效的%(type)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "“%(value)s”不是可选的值（可选：%(choices)s）",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "不认识的命令“%(parser_name)s”（可用：%(choices)s）",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
}
_PLURALS = {"expected %s argument": "后面要写 %s 个值"}
_TYPE_NAMES = {"int": "整数", "float": "数", "Path": "路径", "str": "文字"}


def _(message: str) -> str:
    return _MESSAGES.get(message, message)


def _n(singular: str, plural: str, n: int) -> str:
    return _PLURALS.get(singular, singular if n == 1 else plural)


@contextmanager
def _chinese():
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _, _n
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


def width(text: str) -> int:
    """Columns on a terminal: a 汉字 takes two (argparse counts one)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help layout measured in terminal columns, so that Chinese
    option names and help line up and wrap at the terminal's edge."""

    def add_argument(self, action):
        if action.help is not argparse.SUPPRESS:
            names = [self._format_action_invocation(a) for a in (action, *self._iter_indented_subactions(action))]
            self._action_max_length = max(self._action_max_length, max(map(width, names)) + self._current_indent)
            self._add_item(self._format_action, [action])

    def _format_action(self, action):
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        header = self._format_action_invocation(action)
        room = help_position - self._current_indent - 2
        if not action.help:
            parts = [" " * self._current_indent + header + "\n"]
        elif width(header) <= room:
            parts = [" " * self._current_indent + header + " " * (room - width(header) + 2)]
        else:
            parts = [" " * self._current_indent + header + "\n", " " * help_position]
        if action.help and action.help.strip():
            lines = self._split_lines(self._expand_help(action), help_width)
            parts.append(lines[0] + "\n")
            parts += [" " * help_position + line + "\n" for line in lines[1:]]
        for sub in self._iter_indented_subactions(action):
            parts.append(self._format_action(sub))
        return "".join(parts)

    def _split_lines(self, text, limit):
        """Greedy fill by columns; a line may break between any two 汉字, never inside a Latin word."""
        lines, line = [], ""
        for token in re.findall(r"[\x21-\x7e]+|\s+|.", " ".join(text.split())):
            if width(line + token) > limit and line.strip():
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        return lines + [line.rstrip()] if line.strip() else lines or [""]

    def format_help(self):
        # argparse ends a section heading with an ASCII colon
        return re.sub(r"^(\S[^\n]*):$", r"\1：", super().format_help(), flags=re.M)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose every message is Chinese; a usage error says
    where to look (`-h`) and exits with status 2, as argparse does."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", Formatter)
        with _chinese():
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs):
        with _chinese():
            return super().add_subparsers(**kwargs)

    def parse_known_args(self, args=None, namespace=None):
        with _chinese():
            return super().parse_known_args(args, namespace)

    def parse_args(self, args=None, namespace=None):
        with _chinese():
            return super().parse_args(args, namespace)

    def format_usage(self) -> str:
        with _chinese():
            return super().format_usage()

    def format_help(self) -> str:
        with _chinese():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        message = re.sub(r"不是有效的(\w+)", lambda m: "不是有效的" + _TYPE_NAMES.get(m.group(1), m.group(1)),
                         message)
        message = message.replace("'", "")          # argparse quotes choices as Python literals
        with _chinese():
            self.print_usage(sys.stderr)
        top = self.prog.split()[0]
        where = (f"{self.prog} -h 可看全部用法；{top} -h 列出所有命令" if self.prog != top else
                 f"{self.prog} -h 可看全部用法和命令")
        self.exit(2, f"{self.prog}：错误：{message}\n（{where}）\n")


def nearest(word: str, choices: list[str] | tuple[str, ...]) -> str | None:
    """The choice a typo most likely meant (histroy → history, 通之 → 通知):
    the most similar, at least half alike; on a tie the one listed first (list
    the common ones first)."""
    scored = [(difflib.SequenceMatcher(None, word, c).ratio(), -i, c) for i, c in enumerate(choices)]
    best = max(scored, default=None)
    return best[2] if best and best[0] >= 0.5 else None
