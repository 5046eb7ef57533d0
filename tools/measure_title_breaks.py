"""How many of the title breaker's breaks fall inside a word, on the corpus of
real 公文 titles in tests/fixtures/titles.txt (issue 12, item 2).

    .venv/bin/python tools/measure_title_breaks.py [--jieba] [--show]

Each title is laid out as the program lays it out (二号 小标宋, the 版心's width,
the issuing organs of its line as 发文机关署名), and every break is checked
against the corpus's units (a break inside one breaks a word).  With --jieba
the same breaker is also run with jieba's segmentation (jieba.cut, HMM on) in
place of the word list, to compare the two as sources of word boundaries.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "tests" / "fixtures" / "titles.txt"


def read_corpus(path: Path = CORPUS) -> list[tuple[tuple[str, ...], list[str]]]:
    """(issuing organs, units of the title) per line of the corpus."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        organs, units = line.split("\t")
        out.append((tuple(organs.split("｜")), units.split()))
    return out


def unit_bounds(units: list[str]) -> set[int]:
    """Positions between units (where a break breaks no word)."""
    out, i = set(), 0
    for u in units:
        i += len(u)
        out.add(i)
    return out


def in_word_breaks(lines: tuple[str, ...] | list[str], units: list[str]) -> list[int]:
    bounds = unit_bounds(units)
    cuts, i = [], 0
    for ln in lines[:-1]:
        i += len(ln)
        cuts.append(i)
    return [c for c in cuts if c not in bounds]


def lay_title(title: str, organs: tuple[str, ...], fonts) -> tuple[str, ...]:
    """The title's lines as layout breaks them for a document issued by `organs`."""
    from gongwen.layout.body import title_lines
    from gongwen.reader import read_string
    yaml = ("发文机关标志: " + (organs[0] + "文件" if len(organs) == 1 else "\n" + "".join(f"  - {o}\n" for o in organs))
            + f"\n标题: {title}\n正文: |\n  正文。\n发文机关署名:\n" + "".join(f"  - {o}\n" for o in organs))
    doc = read_string(yaml)
    return title_lines(doc, fonts)


def jieba_boundaries(text: str) -> tuple[set[int], set[int]]:
    import jieba
    b, i = set(), 0
    for w in jieba.cut(text, HMM=True):
        i += len(w)
        b.add(i)
    return b, b


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jieba", action="store_true", help="also break with jieba's segmentation")
    ap.add_argument("--show", action="store_true", help="print every broken title")
    args = ap.parse_args()
    from gongwen.fonts import default_book
    from gongwen.layout import text as T
    fonts = default_book()
    corpus = read_corpus()
    options = [("word list", None)]
    if args.jieba:
        t = time.perf_counter()
        import jieba
        jieba.setLogLevel(60)
        jieba.initialize()
        print(f"jieba: import and dictionary load {time.perf_counter() - t:.2f} s", file=sys.stderr)
        options.append(("jieba", jieba_boundaries))
    for name, seg in options:
        saved = T.word_boundaries
        if seg is not None:
            T.word_boundaries = seg
            import gongwen.layout.body as B
            B_saved, B.word_boundaries = B.word_boundaries, seg
        try:
            breaks = bad = titles_bad = 0
            for organs, units in corpus:
                title = "".join(units)
                lines = lay_title(title, organs, fonts)
                wrong = in_word_breaks(lines, units)
                breaks += len(lines) - 1
                bad += len(wrong)
                titles_bad += bool(wrong)
                if args.show or wrong:
                    mark = "✗" if wrong else " "
                    print(f"  {mark} [{name}] " + " / ".join(lines))
            print(f"{name}: {len(corpus)} titles, {breaks} breaks, {bad} inside a word "
                  f"({titles_bad} titles affected)")
        finally:
            T.word_boundaries = saved
            if seg is not None:
                B.word_boundaries = B_saved
    return 0


if __name__ == "__main__":
    sys.exit(main())
