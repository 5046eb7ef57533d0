"""The command line as a clerk meets it: help, typos, wrong options, the wrong
Python — every word in Chinese, never argparse's English, never a traceback."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEED_DATA, run_generate

COMMANDS = ("check", "new", "import", "history", "diff", "batch", "serve", "bench")
ENGLISH = re.compile(r"usage|error|argument|options|required|invalid|unrecognized|Traceback", re.I)


def _english(text: str) -> list[str]:
    """English words argparse would print (paths and option names aside)."""
    words = re.sub(r"(--?[a-z-]+|\S*/\S*|\S+\.(yaml|csv|py|md)|GB/T|PDF|DOCX|YAML|CSV|README|Performance)", "", text)
    return ENGLISH.findall(words)


def test_help_lists_every_sub_command_in_chinese():
    r = run_generate("-h")
    assert r.returncode == 0
    assert r.stdout.startswith("用法：generate.py 数据.yaml")
    for section in ("位置参数：", "选项：", "命令（"):
        assert section in r.stdout, r.stdout
    listed = re.findall(r"^  ([a-z]+)  +\S", r.stdout, flags=re.M)
    assert set(COMMANDS) <= set(listed), listed
    assert "显示这份说明并退出" in r.stdout and not _english(r.stdout), r.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_each_sub_command_has_chinese_help(command):
    r = run_generate(command, "-h")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"用法：generate.py {command}"), r.stdout
    assert not _english(r.stdout.replace("python bench/run.py", "")), r.stdout


@pytest.mark.parametrize("typed,meant", [("histroy", "history"), ("chek", "check"), ("dif", "diff"),
                                         ("bacth", "batch"), ("nwe", "new")])
def test_a_mistyped_sub_command_suggests_the_nearest(typed, meant):
    r = run_generate(typed, "data/linzi-ip-week-2023.yaml")
    assert r.returncode == 2
    assert f"不认识的命令“{typed}”，是不是要用 {meant}？" in r.stderr, r.stderr
    assert not _english(r.stderr), r.stderr


def test_usage_errors_are_chinese():
    cases = {
        (str(SEED_DATA), "--bogus"): "不认识的参数：--bogus",
        ("batch", "tpl.yaml"): "缺少参数：数据表",
        ("batch", "a.yaml", "b.csv", "--jobs", "x"): "“x”不是有效的整数",
        ("batch", "a.yaml", "b.csv", "--only", "xlsx"): "“xlsx”不是可选的值（可选：pdf, docx, ofd）",
        (str(SEED_DATA), "--out"): "参数 --out：后面要写一个值",
        (str(SEED_DATA), "--copies-merged"): "--copies-merged 要与 --copies 同用",
        (): "缺少参数：数据.yaml",
    }
    for argv, said in cases.items():
        r = run_generate(*argv)
        assert r.returncode == 2, (argv, r.stderr)
        assert r.stderr.startswith("用法：generate.py"), r.stderr
        assert said in r.stderr and "-h 可看全部用法" in r.stderr, (argv, r.stderr)
        assert not _english(r.stderr), (argv, r.stderr)


def test_new_suggests_the_kind_meant():
    r = run_generate("new", "通之")
    assert r.returncode == 1 and r.stdout == ""
    assert "没有“通之”这个文种，是不是要写“通知”？" in r.stderr, r.stderr
    assert "python generate.py new 通知" in r.stderr


def test_a_python_without_the_requirements_says_which_python_to_use(tmp_path):
    """The system Python (no reportlab, no PyYAML) instead of .venv's: `-S`
    leaves site-packages out, as a Python without the packages installed."""
    r = subprocess.run([sys.executable, "-S", str(ROOT / "generate.py"), str(SEED_DATA), "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "请用 .venv 里的 Python 运行（.venv/bin/python generate.py …，Windows：.venv\\Scripts\\python " \
           "generate.py …）" in r.stderr, r.stderr
    assert "内部错误" not in r.stderr and "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == []


def _old_pythons() -> list[str]:
    """Interpreters older than 3.11 that really run (pyenv shims may not)."""
    found = []
    candidates = sorted(Path.home().glob(".pyenv/versions/3.*/bin/python")) + [Path("/usr/bin/python2")]
    for p in candidates:
        try:
            r = subprocess.run([str(p), "-c", "import sys; print(sys.version_info[:2] < (3, 11))"],
                               capture_output=True, text=True, timeout=20)
        except OSError:
            continue
        if r.stdout.strip() == "True":
            found.append(str(p))
    return found


OLD_PYTHONS = _old_pythons()


@pytest.mark.skipif(not OLD_PYTHONS, reason="no Python older than 3.11 on this machine")
def test_an_old_python_is_told_the_version_needed():
    r = subprocess.run([OLD_PYTHONS[0], str(ROOT / "generate.py"), str(SEED_DATA)], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2, r.stderr
    assert "需要 Python 3.11 或更新的版本" in r.stderr and "请用 .venv 里的 Python 运行" in r.stderr, r.stderr
