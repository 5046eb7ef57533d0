"""The paragraph memo (layout/text.py paragraph_lines): a font book that has
laid out other notices — and other versions of the same notice, as the web
page's preview does after each keystroke — lays a notice out exactly as a
fresh one does; a paragraph with a fallback glyph is never remembered."""
from __future__ import annotations

import pytest

from gongwen.fonts import FontBook
from gongwen.layout import layout
from gongwen.layout.text import _paragraph_cache
from gongwen.reader import read, read_string

from conftest import ROOT
from test_fonts import needs_noto

SEED = ROOT / "data" / "linzi-ip-week-2023.yaml"
DATA = sorted((ROOT / "data").glob("*.yaml"))


def _lay(doc, book):
    book.prepare(doc.all_text())                 # as pipeline.build does
    return layout(doc, book)


def _same(a, b) -> None:
    assert len(a.pages) == len(b.pages)
    for pa, pb in zip(a.pages, b.pages):
        assert pa.items == pb.items and pa.rotated_items == pb.rotated_items, pa.number
    assert a.lines == b.lines


def test_a_warm_book_lays_out_as_a_fresh_one():
    warm = FontBook(cache_dir=None)
    seed = SEED.read_text(encoding="utf-8")
    # versions of the seed, each with one paragraph changed, then every data file
    for i, old in enumerate(("知识产权宣传周", "2023年4月20日至26日", "临淄区")):
        _lay(read_string(seed.replace(old, f"第{i}版{old}"), SEED), warm)
    memo = _paragraph_cache(warm)
    assert memo and len(memo) > 20                       # the seed's paragraphs are remembered
    for path in DATA:
        doc = read(path)
        _same(_lay(doc, warm), _lay(doc, FontBook(cache_dir=None)))
    # remembered lines are copies: laying out again gives equal, not shared, lists
    doc = read(SEED)
    a, b = _lay(doc, warm), _lay(doc, warm)
    _same(a, b)
    ra = next(r for p in a.pages for r in p.items if getattr(r, "element", "") == "正文")
    rb = next(r for p in b.pages for r in p.items if getattr(r, "element", "") == "正文")
    assert ra == rb and ra is not rb


@needs_noto
def test_a_paragraph_with_a_fallback_glyph_is_not_remembered(monkeypatch):
    """The fallback subset grows with the rare characters a book has set (its
    face key changes): a paragraph set partly in it is broken afresh each time,
    so a book with the memo lays out as the same book without it would."""
    from gongwen.layout import text
    seed = SEED.read_text(encoding="utf-8")
    one = seed.replace("知识产权宣传周", "知识产权宣传周（堃）")
    two = one.replace("2023年4月20日至26日", "2023年4月20日至26日（䶮）", 1)
    warm = FontBook(cache_dir=None)
    first = _lay(read_string(one, SEED), warm)
    keys = {r.face for p in first.pages for r in p.items if getattr(r, "text", "") and "堃" in r.text}
    assert keys and all(k.startswith("gw-fallback-") for k in keys)
    memo = _paragraph_cache(warm)
    assert memo and not any("堃" in "".join(s.text for s in key[0]) for key in memo)
    got = _lay(read_string(two, SEED), warm)
    plain = FontBook(cache_dir=None)
    monkeypatch.setattr(text, "_paragraph_cache", lambda fonts: None)
    _lay(read_string(one, SEED), plain)
    _same(got, _lay(read_string(two, SEED), plain))
