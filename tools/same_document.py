#!/usr/bin/env python3
"""Measure the rule that tells a correction from another document archived
under the same number (history.likeness): every example notice in data/
against every other (a copied file given a new title and body), and each
against the corrections a clerk makes.  Prints the figures docs/存档与版本.md
quotes.  Run: .venv/bin/python tools/same_document.py"""
from __future__ import annotations

import copy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongwen.archive import elements          # noqa: E402
from gongwen.likeness import TEXT_SAME, TITLE_SAME, likeness   # noqa: E402
from gongwen.reader import read               # noqa: E402

ADDED = "请各单位高度重视，明确专人负责，确保各项工作落到实处，并于月底前报送工作总结。"


def _paras(e: dict) -> list[dict]:
    return e["正文"]


def corrections(e: dict) -> dict[str, dict]:
    """The corrections a clerk makes to an issued notice, applied to its elements."""
    out: dict[str, dict] = {}
    paras = _paras(e)
    longest = max(range(len(paras)), key=lambda i: len(paras[i]["text"]))

    def edit(name, change):
        x = copy.deepcopy(e)
        change(x)
        out[name] = x

    def date(x):
        p = x["正文"][longest]
        digits = next((c for c in p["text"] if c.isdigit()), None)
        p["text"] = p["text"].replace(digits, str((int(digits) + 1) % 10), 1) if digits else p["text"] + "（更正）"
    edit("一个日期", date)
    edit("一个词", lambda x: x["正文"][longest].update(text=x["正文"][longest]["text"][:10] + "认真"
                                                   + x["正文"][longest]["text"][12:]))
    edit("加一段", lambda x: x["正文"].insert(len(paras) // 2, {"level": 0, "text": ADDED}))
    if len(paras) > 1:
        edit("删一段", lambda x: x["正文"].pop(longest))
    if e.get("标题"):         # 纪要 and 命令 have none
        edit("标题错字", lambda x: x.update(标题=x["标题"][:-3] + "补" + x["标题"][-2:]))

    def rewrite_third(x):      # a heavy correction: every third paragraph written anew
        for i in range(1, len(x["正文"]), 3):
            x["正文"][i]["text"] = ADDED[: max(8, len(x["正文"][i]["text"]))]
    if len(paras) >= 3:
        edit("重写三分之一", rewrite_third)
    edit("加附件", lambda x: x["附件"].append({"名称": "报名回执", "内容": [{"level": 0, "text": "单位、联系人、电话"}]}))
    return out


def main() -> int:
    docs = {p.stem: elements(read(p)) for p in sorted((ROOT / "data").glob("*.yaml"))}
    print(f"rule: another document when title < {TITLE_SAME} (and the data file renamed) or text < {TEXT_SAME}\n")
    print("corrections (same file name, then renamed):")
    worst_text, worst_title, refused, n = 1.0, 1.0, [], 0
    for name, e in docs.items():
        for what, x in corrections(e).items():
            for renamed in (False, True):
                lk = likeness(e, x, name, name + "-更正" if renamed else name)
                n += 1
                worst_text = min(worst_text, lk.text)
                worst_title = min(worst_title, lk.title)
                if lk.another_document:
                    refused.append((name, what, renamed, lk))
    print(f"  {n} pairs, text likeness min {worst_text:.2f}, title likeness min {worst_title:.2f}; "
          f"refused: {len(refused)}")
    for r in refused:
        print("   ", r)
    print("\ndifferent notices under one number (each data file's text under another's number):")
    best_text, best_title, passed = 0.0, 0.0, []
    for a, ea in docs.items():
        for b, eb in docs.items():
            if a == b:
                continue
            for same_file in (False, True):
                lk = likeness(ea, eb, a, a if same_file else b)
                best_text, best_title = max(best_text, lk.text), max(best_title, lk.title)
                if not lk.another_document:
                    passed.append((a, b, same_file, lk))
    m = len(docs) * (len(docs) - 1) * 2
    print(f"  {m} pairs, text likeness max {best_text:.2f}, title likeness max {best_title:.2f}; "
          f"taken for a correction: {len(passed)}")
    for r in passed:
        print("   ", r)
    return 1 if refused or passed else 0


if __name__ == "__main__":
    sys.exit(main())
