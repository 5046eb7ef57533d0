"""Command line: `python generate.py FILE` and its sub-commands."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import GongwenError

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = ("check",)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="generate.py",
        description="把公文数据（YAML）生成符合 GB/T 9704-2012 的红头文件（PDF 与 DOCX）。")
    p.add_argument("file", type=Path, help="公文数据文件，例如 data/linzi-ip-week-2023.yaml")
    p.add_argument("--out", type=Path, default=None, help="输出文件夹（默认 build/）")
    p.add_argument("--strict", action="store_true", help="把警告也当作错误")
    p.add_argument("--preprinted", action="store_true", help="用于预印红头纸：不印版头")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "check":
            return _check(argv[1:])
        args = _parser().parse_args(argv)
        from .pipeline import generate
        result = generate(args.file, args.out or ROOT / "build", args.preprinted, args.strict)
    except GongwenError as e:
        print("\n".join(p.format() for p in e.problems), file=sys.stderr)
        print("未生成任何文件。", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断，未生成任何文件。", file=sys.stderr)
        return 130
    for w in result.warnings:
        print(w.format(), file=sys.stderr)
    for path in result.outputs:
        print(path)
    fonts = "，".join(f"{role}→{fam}" for role, fam in result.fonts.items())
    print(f"共 {result.pages} 页；PDF 字体：{fonts}", file=sys.stderr)
    return 0


def _check(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="generate.py check", description="检查公文数据，不生成文件。")
    p.add_argument("file", type=Path)
    p.add_argument("--strict", action="store_true")
    args = p.parse_args(argv)
    from .reader import read
    doc = read(args.file)
    try:
        from .checks import check_document
    except ImportError:
        problems = []
    else:
        problems = check_document(doc)
    for prob in problems:
        print(prob.format(), file=sys.stderr)
    errors = [x for x in problems if x.severity == "error" or args.strict]
    if not problems:
        print(f"{args.file}: 未发现问题。")
    return 1 if errors else 0
