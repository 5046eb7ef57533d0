"""The cache of ReportLab's font parse (gongwen/fontcache.py): the same PDF bytes
with and without it, and never used when stale or damaged."""
from __future__ import annotations

import hashlib
import marshal
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from gongwen import fontcache

from conftest import ROOT, SEED_DATA

FONT = ROOT / "fonts" / "FandolSong-Regular.ttf"
SAMPLE = [ord(c) for c in "临淄区知识产权联席会议办公室文件〔2023〕3号，。：“”《》ABCxyz 0123456789"]


def generate(out: Path, **env) -> bytes:
    e = dict(os.environ, **env)
    r = subprocess.run([sys.executable, str(ROOT / "generate.py"), str(SEED_DATA), "--out", str(out)],
                       cwd=ROOT, env=e, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return (out / f"{SEED_DATA.stem}.pdf").read_bytes()


def test_seed_pdf_is_the_same_with_and_without_the_cache(tmp_path):
    generate(tmp_path / "warm")                                   # makes sure the cache exists
    cached = generate(tmp_path / "cached")
    parsed = generate(tmp_path / "parsed", GONGWEN_NO_FONT_CACHE="1")
    assert hashlib.sha256(cached).hexdigest() == hashlib.sha256(parsed).hexdigest()


def copy_font(tmp_path: Path) -> Path:
    p = tmp_path / "font.ttf"
    shutil.copyfile(FONT, p)
    return p


def same_as_reportlab(font, path: Path) -> None:
    ref = TTFont("ref", str(path))
    a, b = font.face, ref.face
    assert type(a).__name__ == "CachedFace"
    for attr in ("name", "familyName", "ascent", "descent", "bbox", "flags", "italicAngle", "stemV",
                 "numGlyphs", "unitsPerEm", "defaultWidth", "charToGlyph", "charWidths", "glyphToChar"):
        assert getattr(a, attr) == getattr(b, attr), attr
    assert a.name.ustr == b.name.ustr
    assert list(a.hmetrics) == b.hmetrics and list(a.glyphPos) == b.glyphPos
    assert a.makeSubset(SAMPLE) == b.makeSubset(SAMPLE)


def test_cached_face_equals_reportlabs_parse(tmp_path):
    path = copy_font(tmp_path)
    cache = tmp_path / "cache"
    first = fontcache.load_ttfont("gw-a", path, 0, cache)
    assert type(first.face).__name__ == "TTFontFace"               # parsed, then stored
    assert len(list(cache.iterdir())) == 1
    same_as_reportlab(fontcache.load_ttfont("gw-b", path, 0, cache), path)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "wrong shapes", "other format"])
def test_damaged_cache_is_ignored_and_rewritten(tmp_path, damage):
    path = copy_font(tmp_path)
    cache = tmp_path / "cache"
    fontcache.load_ttfont("gw-a", path, 0, cache)
    (entry,) = cache.iterdir()
    blob = entry.read_bytes()
    if damage == "truncated":
        entry.write_bytes(blob[: len(blob) // 2])
    elif damage == "garbage":
        entry.write_bytes(os.urandom(len(blob)))
    else:
        record = marshal.loads(blob)
        if damage == "wrong shapes":
            record["attrs"]["charToGlyph"] = [1, 2, 3]
        else:
            record["format"] = -1
        entry.write_bytes(marshal.dumps(record))
    font = fontcache.load_ttfont("gw-b", path, 0, cache)
    assert type(font.face).__name__ == "TTFontFace"                # parsed again, not trusted
    same_as_reportlab(fontcache.load_ttfont("gw-c", path, 0, cache), path)   # and cached anew


def test_font_replaced_under_the_same_size_and_time_is_noticed(tmp_path):
    path = copy_font(tmp_path)
    cache = tmp_path / "cache"
    fontcache.load_ttfont("gw-a", path, 0, cache)
    st = path.stat()
    data = bytearray(path.read_bytes())
    data[12 + 4] ^= 0xFF                 # first table's checksum in the table directory
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    font = fontcache.load_ttfont("gw-b", path, 0, cache)
    assert type(font.face).__name__ == "TTFontFace"


def test_unwritable_cache_only_costs_time(tmp_path):
    path = copy_font(tmp_path)
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    font = fontcache.load_ttfont("gw-a", path, 0, blocker)
    assert font.face.charToGlyph[ord("临")]
