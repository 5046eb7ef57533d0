"""`generate.py import DRAFT [-o data/NAME.yaml] [--force]`, and
`generate.py DRAFT.docx|.txt|.md …` (import into a temporary data file, then generate)."""
from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path

from ..errors import GongwenError, Problem
from ..files import atomic_write
from . import import_draft

def _read(draft: str) -> tuple[bytes | Path, str]:
    if draft == "-":
        return sys.stdin.buffer.read(), "标准输入"
    return Path(draft), Path(draft).name


def run_import(args: argparse.Namespace, root: Path) -> int:
    source, name = _read(args.draft)
    stem = Path(name).stem if args.draft != "-" else "导入的草稿"
    out = Path(args.output) if args.output and args.output != "-" else root / "data" / f"{stem}.yaml"
    if args.output != "-" and out.exists() and not args.force:
        raise GongwenError(Problem(f"数据文件“{out}”已经存在，没有覆盖。",
                                   "用 -o 另写一个文件名，或加 --force 覆盖它", field="-o", file=name))
    if args.output != "-" and out.exists() and out.is_dir():
        raise GongwenError(Problem(f"“{out}”是一个文件夹。", "用 -o 写出数据文件的名字，例如 -o data/通知.yaml",
                                   field="-o", file=name))
    shown = "屏幕" if args.output == "-" else str(out)
    yaml_text, report = import_draft(source, name, target=shown)
    if args.output == "-":
        sys.stdout.write(yaml_text)
    else:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(out, yaml_text.encode("utf-8"))
        except OSError as e:
            raise GongwenError(Problem(f"无法写入数据文件“{out}”：{e.strerror or e}。",
                                       "检查文件夹的写权限和磁盘空间，或用 -o 写到别处", field="-o", file=name)) from None
    print(report.text, file=sys.stderr)
    if args.output != "-":
        check = "核对上面“请核对”的各处" if report.unsure else "核对一遍"
        print(f"请打开 {out}，{check}，然后生成：python generate.py {out}", file=sys.stderr)
        print(out)
    return 0


def generate_from_draft(args: argparse.Namespace, generate) -> int:
    """`generate.py DRAFT.docx …`: import the draft into a temporary data file
    named after it and generate from that with the same options (the archive
    keeps the data file of each version).  Every problem generation finds —
    warning or error — names the draft and the line (or paragraph) it came
    from, never the temporary file, which is gone when the clerk reads it."""
    draft = args.file
    source, name = _read(str(draft))
    # no day in its comment: the same draft generated again another day is the same version
    yaml_text, report = import_draft(source, name, dated=False)
    print(report.text, file=sys.stderr)
    missing = [m for m in report.missing if m in ("标题", "发文机关标志")]
    if missing:
        raise GongwenError(Problem(f"草稿里没有找到{'、'.join(missing)}，无法直接生成。",
                                   f"先导入成数据文件再补上：python generate.py import {draft}", file=name))
    redo = f"先导入成数据文件再改：python generate.py import {draft}"
    with tempfile.TemporaryDirectory(prefix="gongwen-import-") as tmp:
        data = Path(tmp) / f"{Path(name).stem}.yaml"
        data.write_text(yaml_text, encoding="utf-8")

        def in_draft(p: Problem) -> Problem:
            if not p.file or Path(str(p.file)) != data:
                return p
            return dataclasses.replace(p, file=report.place(p.line), line=None, column=None)

        args.file = data
        args.show_problem = in_draft
        args.shown_name = name
        try:
            code = generate(args)
        except GongwenError as e:
            raise GongwenError([dataclasses.replace(
                in_draft(p), hint=(p.hint + "；" if p.hint else "") + redo) for p in e.problems]) from None
    print(f"（数据文件是临时的；要修改后再生成，请先导入成数据文件：python generate.py import {draft}）",
          file=sys.stderr)
    return code
