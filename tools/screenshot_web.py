#!/usr/bin/env python3
"""The README's picture of the web page: `generate.py serve` on a copy of the
seed notice, shown in Debian's Chromium (Playwright) at 1366×768, saved as
a palette PNG (under 200 KB) in docs/.

    .venv/bin/python tools/screenshot_web.py            # → docs/web-page.png
    .venv/bin/python tools/screenshot_web.py --zoom 2   # the same screen at 200 % (683×384 CSS pixels)
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from webserve import Server, seed_folder  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "web-page.png")
    p.add_argument("--zoom", type=float, default=1.0, help="browser zoom (2 = 200 %%)")
    p.add_argument("--chromium", default="/usr/bin/chromium")
    args = p.parse_args(argv)
    from PIL import Image
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory(prefix="gongwen-shot-") as tmp:
        folder, build = seed_folder(Path(tmp))
        srv = Server(folder, build)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
                ctx = browser.new_context(viewport={"width": round(1366 / args.zoom), "height": round(768 / args.zoom)},
                                          device_scale_factor=args.zoom)
                page = ctx.new_page()
                page.goto(srv.url + "?file=linzi-ip-week-2023.yaml")
                page.wait_for_selector('[data-page="6"] svg text')
                page.evaluate("document.fonts.ready.then(() => true)")
                raw = Path(tmp) / "shot.png"
                page.screenshot(path=str(raw))
                browser.close()
        finally:
            srv.stop()
        image = Image.open(raw).convert("RGB")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            args.out, optimize=True)
    print(f"{args.out}: {image.size[0]}×{image.size[1]}, {args.out.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
