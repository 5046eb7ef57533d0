#!/usr/bin/env python3
"""Convert the Fandol OpenType/CFF fonts to TrueType (glyf) files in fonts/.

ReportLab embeds only TrueType outlines, so the Fandol fonts shipped by TeX Live
(Debian: texlive-lang-chinese) are converted once, with fontTools' cu2qu (the
otf2ttf recipe, see gongwen.fonts.cff_to_glyf), and the results are committed.

    python tools/convert_fonts.py                 # write fonts/*.ttf
    python tools/convert_fonts.py --check         # verify fonts/ matches a fresh conversion
    python tools/convert_fonts.py --source DIR    # where the Fandol .otf files are

The output is deterministic: same source, same fontTools -> same bytes
(head.created/modified are fixed, no other timestamps are written).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongwen.fonts import cff_to_glyf  # noqa: E402

# output file -> (source file, role it serves)
FONTS = {
    "FandolSong-Bold.ttf": ("FandolSong-Bold.otf", "小标宋 (substitute for 方正小标宋简体)"),
    "FandolFang-Regular.ttf": ("FandolFang-Regular.otf", "仿宋 (for 仿宋_GB2312)"),
    "FandolHei-Regular.ttf": ("FandolHei-Regular.otf", "黑体"),
    "FandolKai-Regular.ttf": ("FandolKai-Regular.otf", "楷体 (for 楷体_GB2312)"),
    "FandolSong-Regular.ttf": ("FandolSong-Regular.otf", "宋体"),
}
SOURCE_DIRS = (
    Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"),
    Path("/usr/share/texmf/fonts/opentype/public/fandol"),
    Path("/usr/local/texlive/texmf-dist/fonts/opentype/public/fandol"),
)
MAX_ERR = 1.0                      # cu2qu tolerance, font units (1/1000 em)
# head.created/modified: the Fandol 0.3 release day, so the bytes never depend on the clock.
FIXED_TIME = "Sat Jul 18 00:00:00 2015"
NOTICE = ("Chinese fonts for TeX system. TrueType (glyf) version converted from the "
          "OpenType/CFF Fandol 0.3 release by gongwen tools/convert_fonts.py "
          f"(fontTools cu2qu, max error {MAX_ERR:g} unit), 2026-11-25. "
          "GPL-3 with the GPL font exception, extended to this version.")


def find_source_dir(explicit: Path | None) -> Path:
    for d in ([explicit] if explicit else []) + [*SOURCE_DIRS]:
        if d and all((d / src).is_file() for src, _ in FONTS.values()):
            return d
    try:                                    # TeX Live installed elsewhere
        import subprocess
        out = subprocess.run(["kpsewhich", "FandolSong-Regular.otf"], capture_output=True,
                             text=True, check=False).stdout.strip()
        if out:
            return Path(out).parent
    except OSError:
        pass
    sys.exit("Fandol .otf files not found: install texlive-lang-chinese (Debian) or "
             "pass --source DIR (CTAN: fonts/fandol)")


def convert(src: Path) -> bytes:
    """The TrueType bytes for one Fandol .otf."""
    from fontTools.misc.timeTools import timestampFromString
    from fontTools.ttLib import TTFont

    font = TTFont(str(src), recalcTimestamp=False)
    cff_to_glyf(font, max_err=MAX_ERR)
    head = font["head"]
    head.created = head.modified = timestampFromString(FIXED_TIME)
    # FandolSong-Regular has hhea.descender = +200 (sign error; OS/2 says -200).
    hhea = font["hhea"]
    if hhea.descent > 0:
        hhea.descent = -hhea.descent
    # GPL-3 §5a: the modified font says that it was modified, and when.
    font["name"].setName(NOTICE, 10, 3, 1, 0x409)
    font["name"].setName(NOTICE, 10, 1, 0, 0)
    buf = io.BytesIO()
    font.save(buf, reorderTables=True)
    return buf.getvalue()


def check_reportlab(data: bytes, name: str) -> str:
    """Register the font with ReportLab and embed a few characters; returns a summary."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    font = TTFont(f"check-{name}", io.BytesIO(data))
    pdfmetrics.registerFont(font)
    canvas = Canvas(io.BytesIO())
    canvas.setFont(font.fontName, 16)
    canvas.drawString(72, 720, "中华人民共和国国务院办公厅 2026年11月25日 ABC，。")
    canvas.showPage()
    canvas.save()
    face = font.face
    return (f"glyphs {face.numGlyphs}, chars {len(face.charToGlyph)}, "
            f"ascent {face.ascent:g} descent {face.descent:g}")


def _job(args: tuple[str, str]) -> tuple[str, bytes, float]:
    out_name, src = args
    t = time.perf_counter()
    data = convert(Path(src))
    return out_name, data, time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, help="folder with the Fandol .otf files")
    ap.add_argument("--out", type=Path, default=ROOT / "fonts", help="output folder (fonts/)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--check", action="store_true",
                    help="do not write; fail if fonts/ differs from a fresh conversion")
    ap.add_argument("--only", action="append", help="convert only this output file (repeatable)")
    args = ap.parse_args(argv)

    src_dir = find_source_dir(args.source)
    todo = [(n, str(src_dir / s)) for n, (s, _) in FONTS.items() if not args.only or n in args.only]
    print(f"source: {src_dir}")
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, min(args.jobs, len(todo)))) as pool:
        results = list(pool.map(_job, todo))
    failed = False
    for out_name, data, secs in results:
        target = args.out / out_name
        digest = hashlib.sha256(data).hexdigest()[:16]
        summary = check_reportlab(data, Path(out_name).stem)
        if args.check:
            same = target.is_file() and target.read_bytes() == data
            failed |= not same
            state = "same" if same else "DIFFERS"
        else:
            args.out.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            state = "written"
        print(f"{out_name:24} {len(data) / 1e6:6.2f} MB  {secs:5.1f} s  sha256 {digest}  "
              f"{state}  [{FONTS[out_name][1]}; {summary}]")
    print(f"total {time.perf_counter() - t0:.1f} s with {args.jobs} job(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
