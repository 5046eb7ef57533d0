"""Command line: `python generate.py FILE` and its sub-commands.

Every sub-command is one entry of COMMANDS: its name, a line for `-h`, a
function adding its arguments and one running it (importing what it needs
only then, so that generating a notice does not pay for the web server).
Adding a sub-command is adding an entry; main() parses, runs it and turns
every failure into the same Chinese messages (_guarded)."""
from __future__ import annotations

import argparse
import errno
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Callable

from . import archive, history
from .argparse_zh import Parser, nearest
from .batch import batch, copies, copy_numbers, safe_stem
from .checks import check_document
from .controls import printable
from .errors import WRONG_PYTHON, GongwenError, Problem, missing_requirement, print_failure
from .files import DRAFT_SUFFIXES
from .newdoc import KINDS, skeleton
from .pipeline import DEFAULT_FORMATS, build, formats_arg, generate
from .reader import read
from .web import serve

ROOT = Path(__file__).resolve().parent.parent
NOTHING_WRITTEN = "已中断，未生成任何文件。"
SOME_WRITTEN = "已中断：已完成的文件保留，未完成的没有写出。"


@dataclass(frozen=True)
class Command:
    name: str
    summary: str                                            # one line in `generate.py -h`
    arguments: Callable[[argparse.ArgumentParser], None]    # adds the sub-command's arguments
    run: Callable[[argparse.Namespace], int]                 # does the work, returns the exit status
    writes: bool = True           # a failure is followed by 未生成任何文件
    interrupted: Callable[[argparse.Namespace], str] = lambda args: NOTHING_WRITTEN


# -- generating (no sub-command) --------------------------------------------------------

def _generate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, metavar="数据.yaml", help="公文数据文件，例如 data/linzi-ip-week-2023.yaml")
    p.add_argument("--out", type=Path, default=None, metavar="文件夹",
                   help="只导出到这个文件夹，不进版本存档（默认：存档到 build/，见 history、diff）")
    p.add_argument("--reason", default=None, metavar="原因", help="新版本的原因，记入存档，例如 \"更正活动时间\"")
    p.add_argument("--same-document", action="store_true",
                   help="发文字号没变、内容改动很大时用：确认这是同一份公文的更正，存为它的新版本")
    _build_argument(p)
    p.add_argument("--strict", action="store_true", help="把警告也当作错误")
    p.add_argument("--preprinted", action="store_true", help="用于预印红头纸：不印版头")
    p.add_argument("--formats", type=_formats, default=None, metavar="格式",
                   help="要生成的格式，逗号分隔：pdf,docx,ofd（默认 pdf,docx）")
    p.add_argument("--copies", metavar="范围", default=None,
                   help="逐份编号：按份号各生成一份 PDF，例如 1-200（份号 000001—000200）或 1-10,15")
    p.add_argument("--copies-merged", action="store_true",
                   help="与 --copies 同用：所有编号的份合成一个可直接双面打印的 PDF")


def _build_argument(p: argparse.ArgumentParser) -> None:
    """Where the archive is: build/ in the program's folder (one archive for
    every data file, wherever it lies), or a folder given, e.g. on a shared drive."""
    p.add_argument("--build", dest="archive", type=Path, default=None, metavar="文件夹",
                   help="存档所在的文件夹（默认：程序文件夹里的 build/；可以放在共享盘上，history、diff 也要写同一个）")
    p.add_argument("--archive", dest="archive", type=Path, default=None, help=argparse.SUPPRESS)  # old name


def _formats(text: str) -> tuple[str, ...]:
    """--formats pdf,docx,ofd (generate and batch)."""
    return formats_arg(text)


def _generate(args: argparse.Namespace) -> int:
    if args.file.suffix.lower() in DRAFT_SUFFIXES:      # a draft: import it, then generate from that
        return _draft_command().generate_from_draft(args, _generate)
    if args.copies_merged and not args.copies:
        raise _UsageError("--copies-merged 要与 --copies 同用，例如 --copies 1-200 --copies-merged")
    if args.out is not None:
        problem = out_dir_problem(args.out, args.file)
        if problem:
            raise GongwenError(problem)
    if args.copies and args.formats not in (None, ("pdf",)):
        raise _UsageError("逐份编号（--copies）只生成 PDF；去掉 --formats，或写 --formats pdf")
    if args.copies:
        return copies(args.file, copy_numbers(args.copies), args.copies_merged,
                      args.out or ROOT / "build" / f"{args.file.stem}-份号", args.strict, args.preprinted,
                      show=getattr(args, "show_problem", None), name=getattr(args, "shown_name", None))
    formats = args.formats or DEFAULT_FORMATS
    if args.out is not None:
        result = generate(args.file, args.out, args.preprinted, args.strict, formats=formats)
    else:
        result = generate(args.file, args.archive or ROOT / "build", args.preprinted, args.strict,
                          archive=True, reason=args.reason, same_document=args.same_document,
                          formats=formats)
    show = getattr(args, "show_problem", lambda p: p)      # a draft generated in one step: names the draft
    for w in result.warnings:
        print(show(w).format(), file=sys.stderr)
    for path in result.outputs:
        print(path)
    fonts = "，".join(f"{role}→{fam}" for role, fam in result.fonts.items())
    print(f"共 {result.pages} 页；PDF 字体：{fonts}", file=sys.stderr)
    for note in result.notes:
        print(note, file=sys.stderr)
    stored = result.archived
    if stored is not None:
        where = stored.folder / f"v{stored.version}"
        if stored.new and stored.latest_failed:
            # the version is whole and recorded; only build/'s copies are stale — say exactly that
            stale = "、".join(f"{stored.folder.parent / args.file.stem}.{ext}" for ext in stored.files)
            earlier = f"仍是 v{stored.version - 1} 或更早的" if stored.version > 1 else "没有写出"
            print(f"存档：新版本 v{stored.version} 已完整写入并登记，在 {where}；"
                  f"但最新副本 {stale} 无法更新（{stored.latest_failed}），它们{earlier}。"
                  f"请用 {where} 里的文件；腾出空间后再生成一次即可更新最新副本（不会再建新版本）。", file=sys.stderr)
            return 1
        if stored.new:
            why = "；".join(x for x in (f"原因：{printable(args.reason)}" if args.reason else None, stored.note) if x)
            print(f"存档：新版本 v{stored.version}，在 {where}" + (f"（{why}）" if why else ""), file=sys.stderr)
        else:
            print(f"存档：数据与输出都没变，仍是 v{stored.version}（{where}），没有新建版本"
                  + ("；--reason 未记录" if stored.reason_unused else "")
                  + (f"；{stored.latest_note}，文件就在 {where}" if stored.latest_note else ""), file=sys.stderr)
    elif args.reason:
        print("提示：--out 只导出，不进存档，--reason 未记录。", file=sys.stderr)
    return 0


def _copies_interrupted(args: argparse.Namespace) -> str:
    return SOME_WRITTEN if args.copies and not args.copies_merged else NOTHING_WRITTEN


GENERATE = Command("", "生成公文", _generate_arguments, _generate, interrupted=_copies_interrupted)


# -- check -----------------------------------------------------------------------------------

def _check_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, metavar="数据.yaml", help="公文数据文件")
    p.add_argument("--strict", action="store_true", help="把警告也当作错误")


def _check(args: argparse.Namespace) -> int:
    """The problems, one or two lines each, on stdout.  Exit 0 when clean or
    with warnings only, 1 on errors (and on warnings with --strict)."""
    try:
        doc = read(args.file)
        problems = check_document(doc)
        if not any(x.severity == "error" for x in problems):
            try:
                build(doc)                 # what the page cannot hold (layout.limits), said as generate says it
            except GongwenError as e:
                problems += e.problems
    except GongwenError as e:
        problems = e.problems
    except RecursionError:
        problems = [Problem("数据嵌套过深，无法检查。", "简化数据的层次", file=args.file)]
    errors = [x for x in problems if x.severity == "error"]
    warnings = [x for x in problems if x.severity != "error"]
    for prob in problems:
        print(prob.format())
    if not problems:
        print(f"{args.file}: 未发现问题。")
    else:
        print(f"{args.file}: {len(errors)} 个错误，{len(warnings)} 个警告。"
              + ("（--strict：警告按错误处理）" if args.strict and warnings else ""))
    sys.stdout.flush()
    return 1 if errors or (args.strict and warnings) else 0


# -- new --------------------------------------------------------------------------------------

def _new_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", metavar="文种", help="、".join(KINDS))
    p.add_argument("--organ", default="××", metavar="机关名称", help="发文机关名称，填进样板")


def _new(args: argparse.Namespace) -> int:
    sys.stdout.write(skeleton(args.kind, args.organ))
    return 0


# -- history and diff ---------------------------------------------------------------------

def _history_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, metavar="数据.yaml", help="公文数据文件（或 build/ 下的存档文件夹）")
    _build_argument(p)


def _diff_arguments(p: argparse.ArgumentParser) -> None:
    _history_arguments(p)
    p.add_argument("versions", nargs="*", metavar="版本", help="两个版本号，例如 v1 v2（不写：最近两个版本）")


def _history(args: argparse.Namespace) -> int:
    # printable: a --reason or a text from the data never reaches the terminal as an ESC sequence
    print("\n".join(map(printable, history.history(archive.folder_for(args.file, args.archive or ROOT / "build")))))
    return 0


def _diff(args: argparse.Namespace) -> int:
    if len(args.versions) not in (0, 2):
        raise GongwenError(Problem("diff 要两个版本号，或者不写（比较最近两个版本）。",
                                   "python generate.py diff 数据.yaml v1 v2", file=args.file))
    folder = archive.folder_for(args.file, args.archive or ROOT / "build")
    print("\n".join(map(printable, history.diff(folder, *(args.versions or (None, None))))))
    return 0


# -- batch -------------------------------------------------------------------------------------

def _batch_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("template", type=Path, metavar="模板.yaml", help="公文模板（YAML，用 {{ 列名 }} 引用数据表的列）")
    p.add_argument("rows", type=Path, metavar="数据表", help="数据表：CSV（第一行为列名）或 YAML 列表")
    p.add_argument("--out", type=Path, default=None, metavar="文件夹", help="输出文件夹（默认 build/模板名/）")
    p.add_argument("--name", metavar="列名", default=None, help="用这一列的值给输出文件命名（默认用行号）")
    p.add_argument("--formats", type=_formats, default=None, metavar="格式",
                   help="要生成的格式，逗号分隔：pdf,docx,ofd（默认 pdf,docx）")
    p.add_argument("--only", choices=("pdf", "docx", "ofd"), default=None,
                   help="只生成一种格式（等于 --formats 该格式）")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="同时运行的进程数（默认：8 份及以上时每个 CPU 核一个）")
    p.add_argument("--strict", action="store_true", help="把警告也当作错误（该行不生成）")
    p.add_argument("--preprinted", action="store_true", help="用于预印红头纸：不印版头")
    p.add_argument("--quiet", "-q", action="store_true", help="不显示进度")
    p.add_argument("--resume", action="store_true",
                   help="接着上次中断的批量生成：已完整生成、数据未变的行跳过")


def _batch(args: argparse.Namespace) -> int:
    if args.jobs is not None and args.jobs < 1:
        raise _UsageError("--jobs 至少为 1")
    if args.only and args.formats and args.formats != (args.only,):
        raise _UsageError("--only 与 --formats 只写一个")
    if args.out is not None:
        problem = out_dir_problem(args.out, args.template)
        if problem:
            raise GongwenError(problem)
    return batch(args.template, args.rows, args.out or ROOT / "build" / safe_stem(args.template.stem), args.name,
                 args.formats or ((args.only,) if args.only else DEFAULT_FORMATS), args.jobs, args.strict, args.preprinted, args.quiet,
                 args.resume)


# -- import ------------------------------------------------------------------------------------

def _import_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("draft", metavar="草稿", help="草稿文件，例如 通知.docx；- 表示从标准输入读文字")
    p.add_argument("-o", "--output", metavar="数据文件", default=None,
                   help="写到这个数据文件（默认 data/草稿名.yaml；- 表示输出到屏幕）")
    p.add_argument("--force", action="store_true", help="数据文件已存在时覆盖它")


def _import(args: argparse.Namespace) -> int:
    return _draft_command().run_import(args, ROOT)


def _draft_command() -> ModuleType:
    """The draft importer, loaded only for a draft: its recogniser compiles some hundred patterns
    at import (35 ms, an eighth of a whole notice) that `generate.py notice.yaml` never needs."""
    from .draftimport import command
    return command


# -- bench -------------------------------------------------------------------------------------

def _bench_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("options", nargs=argparse.REMAINDER, metavar="选项", help="见 python bench/run.py -h")


def _bench(args: argparse.Namespace) -> int:
    import runpy
    sys.argv = [str(ROOT / "bench" / "run.py"), *args.options]
    runpy.run_path(str(ROOT / "bench" / "run.py"), run_name="__main__")
    return 0


# -- serve -------------------------------------------------------------------------------------

def _serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", nargs="?", type=Path, default=ROOT / "data", metavar="文件夹",
                   help="打开和保存数据文件的文件夹（默认 data/）")
    p.add_argument("--port", type=int, default=None, help="端口（默认 8704，被占用时用下一个空闲的）")
    p.add_argument("--no-browser", action="store_true", help="不自动打开浏览器")
    p.add_argument("--archive", type=Path, default=None, help=argparse.SUPPRESS)   # archive root (tests)


def _serve(args: argparse.Namespace) -> int:
    return serve(args.folder, args.port, not args.no_browser, args.archive)


COMMANDS: list[Command] = [
    Command("check", "只检查数据（公文规则和数据错误），不生成文件", _check_arguments, _check, writes=False),
    Command("new", "按文种生成一份数据样板：new 通知 > data/x.yaml", _new_arguments, _new, writes=False),
    Command("history", "列出一份公文存档的所有版本", _history_arguments, _history, writes=False),
    Command("diff", "逐项说明两个版本的不同（默认：最近两个版本）", _diff_arguments, _diff, writes=False),
    Command("batch", "用模板和数据表批量生成，每行一份", _batch_arguments, _batch,
            interrupted=lambda args: SOME_WRITTEN),
    Command("import", "把已有的草稿（Word/WPS 的 .docx、.txt、.md）转成数据文件，报告认出的各部分",
            _import_arguments, _import),
    Command("bench", "测量生成速度（见 README 的 Performance）", _bench_arguments, _bench, writes=False),
    Command("serve", "在本机浏览器里编写公文：表单、逐页预览、检查、下载、保存与版本", _serve_arguments, _serve,
            writes=False),
]


# -- parsing and running -------------------------------------------------------------------

class _UsageError(Exception):
    """A combination of options argparse cannot express: reported as its own usage errors are."""


def _main_parser() -> argparse.ArgumentParser:
    width = max(len(c.name) for c in COMMANDS)
    listing = "\n".join(f"  {c.name:<{width}}  {c.summary}" for c in COMMANDS)
    p = Parser(prog="generate.py",
               usage="generate.py 数据.yaml [选项]\n       generate.py 命令 [参数] [选项]",
               description="把公文数据（YAML）生成符合 GB/T 9704-2012 的红头文件（PDF 与 DOCX）。",
               epilog=f"命令（generate.py 命令 -h 看每个命令的用法）：\n{listing}\n\n"
                      "使用说明：docs/使用说明.md")
    GENERATE.arguments(p)
    return p


def _command_parser(command: Command) -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The parser of `generate.py COMMAND …` and the command's own (for its -h)."""
    p = Parser(prog="generate.py", usage=argparse.SUPPRESS, add_help=False)
    sub = p.add_subparsers(dest="command", metavar="命令", required=True)
    own = sub.add_parser(command.name, prog=f"generate.py {command.name}", help=command.summary,
                         description=command.summary + "。")
    command.arguments(own)
    return p, own


def _parse(argv: list[str]) -> tuple[Command, argparse.ArgumentParser, argparse.Namespace]:
    names = {c.name: c for c in COMMANDS}
    first = argv[0] if argv else ""
    if first in names:
        parser, own = _command_parser(names[first])
        return names[first], own, parser.parse_args(argv)
    parser = _main_parser()
    # A word that is no file and looks like a mistyped command (histroy): say which was meant.
    if first and not first.startswith("-") and not Path(first).exists() and not Path(first).suffix:
        guess = nearest(first, list(names))
        parser.error(f"不认识的命令“{first}”" + (f"，是不是要用 {guess}？" if guess else "。")
                     + (f"（例如 generate.py {guess} -h）" if guess else
                        f"（命令有：{'、'.join(names)}；生成公文写数据文件的路径，例如 generate.py data/x.yaml）"))
    return GENERATE, parser, parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    import gc
    # A run allocates many small objects (glyphs, runs, parsed tables) and frees
    # few: collecting every 700 allocations costs about 5 % of a run's time.
    gc.set_threshold(50_000, 20, 20)
    argv = list(sys.argv[1:] if argv is None else argv)
    command, parser, args = _parse(argv)
    return _guarded(command, parser, args)


def _guarded(command: Command, parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Run a command; every way it can fail ends in one Chinese message and an exit status."""
    try:
        return command.run(args)
    except _UsageError as e:
        parser.error(str(e))
    except GongwenError as e:
        print_failure(e.problems, nothing_written=command.writes)
        return 1
    except KeyboardInterrupt:
        print("\n" + command.interrupted(args), file=sys.stderr)
        return 130
    except BrokenPipeError:            # `generate.py check x.yaml | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except ModuleNotFoundError as e:
        if missing_requirement(e):
            print(WRONG_PYTHON.format(module=e.name), file=sys.stderr)
            return 2
        return _internal(e, command)
    except Exception as e:  # a bug of ours: one line for the clerk, the trace on request
        return _internal(e, command)


def _internal(e: BaseException, command: Command) -> int:
    if os.environ.get("GONGWEN_DEBUG"):
        raise e
    print(f"内部错误（{type(e).__name__}: {e}）" + ("，未生成任何文件" if command.writes else "")
          + "。这是程序的问题，不是数据的问题：请把数据文件和这行信息发给维护者；"
          "设置 GONGWEN_DEBUG=1 可看到详细信息。", file=sys.stderr)
    return 2


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
                e.errno or 0, e.strerror or type(e).__name__)


