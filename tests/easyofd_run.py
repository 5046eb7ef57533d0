"""Run easyofd on OFD files in a process of its own, for tests/test_ofd.py.

easyofd changes the process it runs in (it writes temporary files into the
working directory, puts that directory on sys.path, and registering its fonts
leaves ReportLab state that spoils ToUnicode maps of later PDFs drawn in the
same process), so the tests never import it themselves.

    python tests/easyofd_run.py OUT_DIR FILE.ofd [FILE.ofd …]

writes OUT_DIR/N.json (the text of each page, in the order easyofd gives it)
and OUT_DIR/N.pdf (easyofd's rendering) for the N-th file.  Its renderer sets
every glyph in the font registered as 宋体 (on Windows, SimSun): here FandolSong."""
from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    out = Path(argv[0]).resolve()
    files = [Path(a).resolve() for a in argv[1:]]
    out.mkdir(parents=True, exist_ok=True)
    os.chdir(out)
    logging.disable(logging.WARNING)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        from loguru import logger
        logger.remove()
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        pdfmetrics.registerFont(TTFont("宋体", str(ROOT / "fonts" / "FandolSong-Regular.ttf")))
        from easyofd.ofd import OFD
        for n, path in enumerate(files):
            o = OFD()
            o.read(str(path), fmt="path")
            info = o.data[0]["page_info"]
            pages = ["".join(t["text"] for t in info[k]["text_list"]) for k in sorted(info)]
            (out / f"{n}.json").write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
            (out / f"{n}.pdf").write_bytes(o.to_pdf())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
