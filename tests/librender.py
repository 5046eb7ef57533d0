"""LibreOffice (headless) renders DOCX files to PDF, as tests/test_docx.py does:
fonts/fonts.conf maps the official font names to the Fandol faces the PDF embeds."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, run_generate, write_yaml

FONTS_CONF = ROOT / "fonts" / "fonts.conf"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def render(docx: list[Path], work: Path, fonts_conf: Path = FONTS_CONF) -> dict[str, Path]:
    """stem → the PDF LibreOffice makes of each DOCX (one soffice run for all),
    its fonts found through `fonts_conf` (ours by default)."""
    if SOFFICE is None:
        pytest.skip("未安装 LibreOffice（soffice），无法检查 DOCX 的排版")
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, FONTCONFIG_FILE=str(fonts_conf), HOME=str(work))
    if shutil.which("fc-cache"):
        subprocess.run(["fc-cache", "-f", str(FONTS_CONF.parent)], env=env, capture_output=True, timeout=120)
    inputs = []
    for p in docx:
        q = work / p.name
        shutil.copyfile(p, q)
        inputs.append(str(q))
    profile = (work / "profile").as_uri()
    r = subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(work / "pdf"), *inputs],
                       env=env, capture_output=True, text=True, timeout=600)
    out = {p.stem: work / "pdf" / f"{p.stem}.pdf" for p in docx}
    missing = [n for n, p in out.items() if not p.exists()]
    assert not missing, f"LibreOffice did not convert {missing}: {r.stdout} {r.stderr}"
    return out


def generate_and_render(folder: Path, notices: dict[str, str]) -> dict[str, dict[str, Path]]:
    """Each notice (name → YAML text) generated into folder/name, and every DOCX
    rendered by LibreOffice in one run: name → {"pdf", "docx", "ofd"…, "lo": the rendering}."""
    out: dict[str, dict[str, Path]] = {}
    for name, text in notices.items():
        src = write_yaml(folder, text, f"{name}.yaml")
        r = run_generate(str(src), "--out", str(folder / name))
        assert r.returncode == 0, r.stderr
        out[name] = {p.suffix[1:]: p for p in (folder / name).iterdir()}
    lo = render([f["docx"] for f in out.values()], folder / "lo")
    for name in out:
        out[name]["lo"] = lo[name]
    return out
