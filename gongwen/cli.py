"""Command line: `python generate.py FILE` and its sub-commands."""
from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

from .errors import GongwenError, Problem, print_failure

ROOT = Path(__file__).resolve().parent.parent


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="generate.py",
        description="把公文数据（YAML）生成符合 GB/T 9704-2012 的红头文件（PDF 与 DOCX）。")
    p.add_argument("file", type=Path, help="公文数据文件，例如 data/linzi-ip-week-2023.yaml")
    p.add_argument("--out", type=Path, default=None,
                   help="只导出到这个文件夹，不进版本存档（默认：存档到 build/，见 history、diff）")
    p.add_argument("--reason", default=None, help="新版本的原因，记入存档，例如 \"更正活动时间\"")
    p.add_argument("--archive", type=Path, default=None, help=argparse.SUPPRESS)   # archive root (tests)
    p.add_argument("--strict", action="store_true", help="把警告也当作错误")
    p.add_argument("--preprinted", action="store_true", help="用于预印红头纸：不印版头")
    p.add_argument("--copies", metavar="范围", default=None,
                   help="逐份编号：按份号各生成一份 PDF，例如 1-200（份号 000001—000200）或 1-10,15")
    p.add_argument("--copies-merged", action="store_true",
                   help="与 --copies 同用：所有编号的份合成一个可直接双面打印的 PDF")
    return p


def main(argv: list[str] | None = None) -> int:
    import gc
    # A run allocates many small objects (glyphs, runs, parsed tables) and frees
    # few: collecting every 700 allocations costs about 5 % of a run's time.
    gc.set_threshold(50_000, 20, 20)
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "check":
            return _check(argv[1:])
        if argv and argv[0] in ("history", "diff"):
            return _archive_command(argv[0], argv[1:])
        if argv and argv[0] == "batch":
            from .batch import batch_main
            return batch_main(argv[1:], ROOT)
        if argv and argv[0] == "new":
            return _new(argv[1:])
        if argv and argv[0] == "bench":
            import runpy
            sys.argv = [str(ROOT / "bench" / "run.py"), *argv[1:]]
            runpy.run_path(str(ROOT / "bench" / "run.py"), run_name="__main__")
            return 0
        args = _parser().parse_args(argv)
        if args.copies_merged and not args.copies:
            _parser().error("--copies-merged 要与 --copies 同用，例如 --copies 1-200 --copies-merged")
        if args.out is not None:
            problem = out_dir_problem(args.out, args.file)
            if problem:
                raise GongwenError(problem)
        if args.copies:
            from .batch import copies_main
            return copies_main(args.file, args.copies, args.copies_merged,
                               args.out or ROOT / "build" / f"{args.file.stem}-份号", args.strict, args.preprinted)
        from .pipeline import generate
        if args.out is not None:
            result = generate(args.file, args.out, args.preprinted, args.strict)
        else:
            result = generate(args.file, args.archive or ROOT / "build", args.preprinted, args.strict,
                              archive=True, reason=args.reason)
    except GongwenError as e:
        print_failure(e.problems)
        return 1
    except KeyboardInterrupt:
        print("已中断，未生成任何文件。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as e:  # a bug of ours: one line for the clerk, the trace on request
        import os
        if os.environ.get("GONGWEN_DEBUG"):
            raise
        print(f"内部错误（{type(e).__name__}: {e}），未生成任何文件。请把数据文件和这行信息发给维护者；"
              "设置 GONGWEN_DEBUG=1 可看到详细信息。", file=sys.stderr)
        return 2
    for w in result.warnings:
        print(w.format(), file=sys.stderr)
    for path in result.outputs:
        print(path)
    fonts = "，".join(f"{role}→{fam}" for role, fam in result.fonts.items())
    print(f"共 {result.pages} 页；PDF 字体：{fonts}", file=sys.stderr)
    for note in result.notes:
        print(note, file=sys.stderr)
    stored = result.archived
    if stored is not None:
        where = stored.folder / f"v{stored.version}"
        if stored.new:
            why = "；".join(x for x in (f"原因：{args.reason}" if args.reason else None, stored.note) if x)
            print(f"存档：新版本 v{stored.version}，在 {where}" + (f"（{why}）" if why else ""), file=sys.stderr)
        else:
            print(f"存档：数据与输出都没变，仍是 v{stored.version}（{where}），没有新建版本"
                  + ("；--reason 未记录" if stored.reason_unused else "")
                  + (f"；{stored.latest_note}，文件就在 {where}" if stored.latest_note else ""), file=sys.stderr)
    elif args.reason:
        print("提示：--out 只导出，不进存档，--reason 未记录。", file=sys.stderr)
    return 0


_OUT_HINT = "用 --out 指定一个可以写入的文件夹（不存在时会自动建立），或不写 --out（存档到 build/）"


def out_dir_problem(out: Path, source: Path | None) -> Problem | None:
    """Why the --out folder cannot be written, found before any work is done:
    it is a file, a file stands on its path, or it is not writable (read-only
    disk, no permission).  None when it looks writable."""
    try:
        if out.exists() and not out.is_dir():
            return Problem(f"输出文件夹“{out}”是一个已有的文件，不是文件夹。",
                           "换一个文件夹名，或把这个同名文件改名、移走", field="--out", file=source)
        existing = out
        while not existing.exists() and existing.parent != existing:
            existing = existing.parent
        if not existing.is_dir():
            return Problem(f"无法建立输出文件夹“{out}”：路径上的“{existing}”是一个文件，不是文件夹。",
                           _OUT_HINT, field="--out", file=source)
        if not os.access(existing, os.W_OK | os.X_OK):
            return Problem(f"无法写入输出文件夹“{out}”：{_why_not_writable(existing)}。", _OUT_HINT,
                           field="--out", file=source)
    except (OSError, ValueError) as e:        # a name too long, a NUL in it, a folder we may not look into
        return Problem(f"无法使用输出文件夹“{out}”：{_reason(e)}。", _OUT_HINT, field="--out", file=source)
    return None


def _why_not_writable(folder: Path) -> str:
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return f"“{folder}”所在的磁盘是只读的"
    except (OSError, AttributeError):
        pass
    return f"没有写入“{folder}”的权限"


def _reason(e: BaseException) -> str:
    if not isinstance(e, OSError):
        return "路径里有不能出现在文件名中的字符"
    return {errno.EACCES: "没有权限查看这个路径", errno.EPERM: "没有权限查看这个路径",
            errno.ENAMETOOLONG: "路径或文件名过长", errno.ELOOP: "路径里的符号链接绕成了圈"}.get(
                e.errno, e.strerror or type(e).__name__)


def _new(argv: list[str]) -> int:
    from .newdoc import KINDS, skeleton
    p = argparse.ArgumentParser(prog="generate.py new",
                                description="按文种生成一份公文数据样板，输出到屏幕，例如 "
                                            "`python generate.py new 请示 > data/x.yaml`。")
    p.add_argument("kind", metavar="文种", help="、".join(KINDS))
    p.add_argument("--organ", default="××", help="发文机关名称，填进样板")
    args = p.parse_args(argv)
    sys.stdout.write(skeleton(args.kind, args.organ))
    return 0


def _check(argv: list[str]) -> int:
    """`generate.py check FILE [--strict]`: the problems, one or two lines each,
    on stdout.  Exit 0 when clean or with warnings only, 1 on errors (and on
    warnings with --strict)."""
    p = argparse.ArgumentParser(prog="generate.py check", description="检查公文数据，不生成文件。")
    p.add_argument("file", type=Path, help="公文数据文件")
    p.add_argument("--strict", action="store_true", help="把警告也当作错误")
    args = p.parse_args(argv)
    try:
        from .checks import check_document
        from .reader import read
        problems = check_document(read(args.file))
    except GongwenError as e:
        problems = e.problems
    except RecursionError:
        from .errors import Problem
        problems = [Problem("数据嵌套过深，无法检查。", "简化数据的层次", file=args.file)]
    except Exception as e:              # a bug of ours: say so in one line, keep the trace for debugging
        import os
        if os.environ.get("GONGWEN_DEBUG"):
            raise
        print(f"{args.file}: 内部错误（{type(e).__name__}），这是程序的问题，不是数据的问题。"
              "请把数据文件报告给维护者（设 GONGWEN_DEBUG=1 可看详细信息）。", file=sys.stderr)
        return 2
    errors = [x for x in problems if x.severity == "error"]
    warnings = [x for x in problems if x.severity != "error"]
    try:
        for prob in problems:
            print(prob.format())
        if not problems:
            print(f"{args.file}: 未发现问题。")
        else:
            print(f"{args.file}: {len(errors)} 个错误，{len(warnings)} 个警告。"
                  + ("（--strict：警告按错误处理）" if args.strict and warnings else ""))
        sys.stdout.flush()
    except BrokenPipeError:            # `generate.py check x.yaml | head`
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1 if errors or (args.strict and warnings) else 0


def _archive_command(name: str, argv: list[str]) -> int:
    """`generate.py history FILE` and `generate.py diff FILE [vA vB]`."""
    if name == "history":
        p = argparse.ArgumentParser(prog="generate.py history", description="列出一份公文存档的所有版本。")
    else:
        p = argparse.ArgumentParser(prog="generate.py diff",
                                    description="逐项说明两个版本的不同（默认：最近两个版本）。")
    p.add_argument("file", type=Path, help="公文数据文件（或 build/ 下的存档文件夹）")
    if name == "diff":
        p.add_argument("versions", nargs="*", metavar="版本", help="两个版本号，例如 v1 v2")
    p.add_argument("--archive", type=Path, default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    from . import archive
    try:
        folder = archive.folder_for(args.file, args.archive or ROOT / "build")
        if name == "history":
            lines = archive.history(folder)
        else:
            if len(args.versions) not in (0, 2):
                from .errors import Problem
                raise GongwenError(Problem("diff 要两个版本号，或者不写（比较最近两个版本）。",
                                           "python generate.py diff 数据.yaml v1 v2", file=args.file))
            lines = archive.diff(folder, *(args.versions or (None, None)))
    except GongwenError as e:
        print_failure(e.problems, nothing_written=False)
        return 1
    print("\n".join(lines))
    return 0
