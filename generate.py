#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Generate a GB/T 9704 red-header document: `python generate.py data/NOTICE.yaml`."""
import sys

if sys.version_info < (3, 11):     # said before any import that would fail in older syntax or packages
    sys.stderr.write("需要 Python 3.11 或更新的版本，这个 Python 是 %d.%d。请用 .venv 里的 Python 运行"
                     "（.venv/bin/python generate.py …，Windows：.venv\\Scripts\\python generate.py …）；"
                     "安装见 docs/使用说明.md。\n" % sys.version_info[:2])
    sys.exit(2)

try:
    from gongwen.cli import main  # noqa: E402
except ModuleNotFoundError as e:   # a Python without the requirements installed (not .venv's)
    from gongwen.errors import WRONG_PYTHON, missing_requirement
    if not missing_requirement(e):
        raise
    sys.stderr.write(WRONG_PYTHON.format(module=e.name) + "\n")
    sys.exit(2)

if __name__ == "__main__":
    sys.exit(main())
