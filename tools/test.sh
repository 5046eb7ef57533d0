#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh Debian machine, then run it.
# Debian packages: poppler (pdftoppm), LibreOffice (renders the DOCX), Ghostscript
# (the 附件 PDF/A conversion, also a runtime need), a Java
# runtime and PDFBox (PDF/A preflight), Noto CJK (the fallback font for rare
# characters), DejaVu Sans (a wider Latin face for one DOCX test), Chromium (the web page tests, driven by Playwright).  Python packages go into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
need=()
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
command -v java >/dev/null || need+=(default-jre-headless)
command -v gs >/dev/null || need+=(ghostscript)   # converts an 附件 PDF to PDF/A
# PDFBox Preflight (tests/test_pdfa.py): preflight.jar ships in libpdfbox2-java, which brings
# commons-logging; Preflight also needs javax.activation and JAXB on the class path.
for jar in pdfbox2 preflight fontbox2 xmpbox commons-logging javax.activation jaxb-api; do
  [ -f /usr/share/java/$jar.jar ] || { need+=(libpdfbox2-java libactivation-java libjaxb-api-java); break; }
done
# The web page tests (tests/test_web_page.py) drive Debian's Chromium with Playwright
# (`playwright install` cannot download a browser here).
[ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc >/dev/null 2>&1 || need+=(fonts-noto-cjk)
# DejaVu Sans: tests/test_docx_other_fonts.py opens the DOCX with Latin wider than ours, as the official fonts are
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -r requirements-test.txt   # the runtime's requirements and the test tools
# The tests start generate.py hundreds of times: with PYTHONDONTWRITEBYTECODE set (some sandboxes and CI
# images set it) every start compiles gongwen/ from source again, 0.5 s instead of 0.2 s of CPU each.
# A clerk's Python writes bytecode; so do the tests.
unset PYTHONDONTWRITEBYTECODE
.venv/bin/python -m compileall -q gongwen generate.py >/dev/null
.venv/bin/python -m mypy                            # the types of gongwen/ (mypy.ini)
exec .venv/bin/python -m pytest -q "$@"
