"""Shared fixtures: generate real documents once per session and open them."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_DATA = ROOT / "data" / "linzi-ip-week-2023.yaml"
# The source notice the project started from (a public notice), kept in the
# repository so a clean clone tests against it; ../shared/seed holds the original.
SEED_TEXT = ROOT / "tests" / "fixtures" / "seed-000_9163dc98b3c86c09.txt"
SEED_ORIGINAL = ROOT.parent / "shared" / "seed" / "000_9163dc98b3c86c09.txt"
MM = 72 / 25.4      # points per mm


def run_generate(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "generate.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="session")
def seed_outputs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("seed")
    r = run_generate(str(SEED_DATA), "--out", str(out))
    assert r.returncode == 0, r.stderr
    return {p.suffix[1:]: p for p in out.iterdir()}


@pytest.fixture(scope="session")
def seed_pdf(seed_outputs):
    import pdfplumber
    pdf = pdfplumber.open(seed_outputs["pdf"])
    yield pdf
    pdf.close()


def write_yaml(tmp_path: Path, text: str, name: str = "doc.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


_CJK = r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]"


def unspace(text: str) -> str:
    """Text as the clerk typed it: text extractors turn the Chinese–Latin space
    (spec.ASIAN_LATIN_SPACE_EM, as Word sets it) into a blank; drop it."""
    import re
    text = re.sub(rf"(?<={_CJK}) (?=[0-9A-Za-z])", "", text)
    return re.sub(rf"(?<=[0-9A-Za-z]) (?={_CJK})", "", text)
