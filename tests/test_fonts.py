"""The font book with real fonts: Fandol in fonts/, Noto CJK from the system."""
from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from fontTools.ttLib import TTCollection, TTFont

from gongwen import fonts, spec
from gongwen.fonts import FontBook, MissingGlyph

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FANDOL_OTF = Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol")


def _noto_present() -> bool:
    return FontBook()._fallback_source() is not None


needs_noto = pytest.mark.skipif(not _noto_present(), reason="Noto/Source Han CJK serif not installed")


@pytest.fixture(scope="module")
def book() -> FontBook:
    return FontBook()


def _rename(font: TTFont, family: str, ps: str) -> None:
    """Give a font another family (IDs 1, 4, 16) and PostScript name (ID 6)."""
    name = font["name"]
    for rec in list(name.names):
        if rec.nameID in (1, 4, 16, 3):
            name.removeNames(nameID=rec.nameID)
    name.removeNames(nameID=6)
    for nid, text in ((1, family), (4, family), (3, ps), (6, ps)):
        name.setName(text, nid, 3, 1, 0x804 if not text.isascii() else 0x409)
    name.setName(ps, 6, 3, 1, 0x409)


def _small(path: Path, text: str, **kw) -> TTFont:
    """A subset of a real font holding text (keeps tests fast)."""
    from fontTools import subset
    font = TTFont(str(path), **kw)
    opts = subset.Options()
    opts.layout_features = []
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    sub = subset.Subsetter(opts)
    sub.populate(text=text)
    sub.subset(font)
    return font


# -- roles ---------------------------------------------------------------------

EXPECTED = {
    spec.XIAOBIAOSONG: "FandolSong-Bold.ttf",
    spec.FANGSONG: "FandolFang-Regular.ttf",
    spec.HEITI: "FandolHei-Regular.ttf",
    spec.KAITI: "FandolKai-Regular.ttf",
    spec.SONGTI: "FandolSong-Regular.ttf",
}


@pytest.mark.parametrize("role", spec.ROLES)
def test_each_role_resolves_to_fandol_in_fonts(book, role):
    face = book.face(role)
    assert face.path == FONT_DIR / EXPECTED[role]
    assert face.official is False
    assert face.key.isascii() and face.key.startswith("gw-")
    assert face.family.startswith("Fandol")
    assert book.face(role) is face                       # memoised


def test_keys_are_unique_and_report_names_every_role(book):
    keys = {book.face(r).key for r in spec.ROLES}
    assert len(keys) == len(spec.ROLES)
    report = book.report()
    assert [report[r] for r in spec.ROLES] == [
        "FandolSong Bold", "FandolFang Regular", "FandolHei Regular",
        "FandolKai Regular", "FandolSong Regular"]


def test_unknown_role_is_refused(book):
    with pytest.raises(KeyError):
        book.face("隶书")


def test_fonts_folder_has_licence_and_readme():
    assert "GNU GENERAL PUBLIC LICENSE" in (FONT_DIR / "LICENSE-Fandol.txt").read_text()
    assert "As a special exception, if you create a document which uses this font" in (
        FONT_DIR / "LICENSE-Fandol.txt").read_text()
    readme = (FONT_DIR / "README.md").read_text()
    for name in list(EXPECTED.values()) + list(spec.OFFICIAL_FONT.values()):
        assert name in readme


@pytest.mark.parametrize("filename", EXPECTED.values())
def test_committed_files_are_truetype_with_fixed_timestamps(filename):
    font = TTFont(str(FONT_DIR / filename), lazy=True)
    assert font.sfntVersion == "\x00\x01\x00\x00"
    assert "glyf" in font and "CFF " not in font
    assert font["post"].formatType == 3.0
    assert font["head"].created == font["head"].modified
    assert font["hhea"].descent < 0


# -- metrics -------------------------------------------------------------------

@pytest.mark.parametrize("role", spec.ROLES)
def test_advances(book, role):
    face = book.face(role)
    for ch in "国中。，“”（）":
        assert face.advance(ch) == 1.0, ch
    assert 0.45 <= face.advance("1") <= 0.56
    assert face.advance("\u3000") == 1.0
    assert 0.2 < face.advance(" ") < 0.5                 # from the font: 0.333 (Kai 0.389)
    for ch in "\n\t\r\x00\u200b\ufeff":
        assert face.advance(ch) == 0.0
        assert face.covers(ch)
    assert face.width("2026年") == pytest.approx(4 * face.advance("2") + 1.0)


def test_space_advance_comes_from_the_font(book):
    fang = book.face(spec.FANGSONG)
    rl = fang.rl_font.face
    assert fang.advance(" ") == rl.charWidths[32] / 1000 == pytest.approx(0.333)
    assert book.face(spec.KAITI).advance(" ") == pytest.approx(0.389)


def test_coverage(book):
    song = book.face(spec.SONGTI)
    for ch in "中华人民共和国国务院办公厅〇—…·ＡａＢ①":
        assert song.covers(ch), ch
        assert song.has_glyph(ch), ch
    assert not song.covers("\u3d58")       # 㵘, outside GB2312
    assert not song.covers("\ue000")
    assert not song.has_glyph(" ") or song.covers(" ")
    with pytest.raises(MissingGlyph):
        song.advance("\ue000")


def test_vertical_metrics(book):
    for role in spec.ROLES:
        face = book.face(role)
        assert face.ascent - face.descent == pytest.approx(1.0)
        x0, y0, x1, y1 = face.glyph_bounds("国")
        assert 0 < x0 < x1 < 1 and -0.25 < y0 < 0 < y1 < 0.88
    assert book.face(spec.FANGSONG).ascent == pytest.approx(0.88)
    assert book.face(spec.SONGTI).ascent == pytest.approx(0.80)


def test_face_for_prefers_the_role_face(book):
    assert book.face_for(spec.HEITI, "国") is book.face(spec.HEITI)
    assert book.face_for(spec.HEITI, "\u3000") is book.face(spec.HEITI)
    assert book.face_for(spec.HEITI, "\n") is book.face(spec.HEITI)


# -- fallback ------------------------------------------------------------------

@needs_noto
@pytest.mark.parametrize("ch", ["\u3d58", "\u4dae", "\u5803"])   # 㵘, 䶮, 堃: not in Fandol
def test_rare_character_goes_to_fallback(ch):
    book = FontBook(cache_dir=None)
    assert not book.face(spec.FANGSONG).covers(ch)
    face = book.face_for(spec.FANGSONG, ch)
    assert face is not book.face(spec.FANGSONG)
    assert face.official is False and face.key.startswith("gw-fallback-")
    assert face.chars == frozenset({ch})
    assert book.by_key(face.key) is face
    assert face.covers(ch) and face.advance(ch) == 1.0
    assert not face.has_glyph("国")                       # a subset, not the whole font
    assert "Noto" in face.family or "Source Han" in face.family
    assert "补字" in book.report()


@needs_noto
def test_fallback_follows_the_role_weight_and_style():
    """A rare character of the 小标宋 title is set in a bold serif, one of a 黑体
    heading in a sans face, one of the body in the regular serif — where the
    system has those faces (Debian's fonts-noto-cjk does); one subset a style."""
    book = FontBook(cache_dir=None)
    book.prepare("堃䶮")
    files = {r: book.face_for(r, "堃").path.name.lower() for r in (spec.XIAOBIAOSONG, spec.HEITI, spec.FANGSONG)}
    bold = book._fallback_source("serif-bold")
    sans = book._fallback_source("sans")
    if bold is not None:
        assert "bold" in files[spec.XIAOBIAOSONG] and "serif" in files[spec.XIAOBIAOSONG]
    if sans is not None:
        assert "sans" in files[spec.HEITI]
    assert "serif" in files[spec.FANGSONG] and "bold" not in files[spec.FANGSONG]
    assert book.face_for(spec.XIAOBIAOSONG, "䶮") is book.face_for(spec.XIAOBIAOSONG, "堃")


@needs_noto
def test_fallback_is_cached_by_character_set_and_grows():
    book = FontBook(cache_dir=None)
    a = book.fallback({"\u3d58", "\u4dae"})
    assert book.fallback({"\u4dae", "\u3d58"}) is a
    assert book.fallback({"\u3d58", "\ue000"}) is not a     # E000: dropped, set is {㵘}
    assert book.fallback({"\ue000"}) is None
    # face_for reuses a subset that has the char, and grows a new one otherwise
    assert book.face_for(spec.KAITI, "\u4dae").has_glyph("\u4dae")
    grown = book.face_for(spec.KAITI, "\u5803")
    assert {"\u5803", "\u3d58", "\u4dae"} <= grown.chars


@needs_noto
def test_prepare_builds_one_subset_for_the_document():
    book = FontBook(cache_dir=None)
    text = "关于表彰张堃同志的通报\u3d58\n"
    face = book.prepare(text)
    assert face is not None and face.chars == frozenset({"\u5803", "\u3d58"})
    assert book.face_for(spec.FANGSONG, "\u5803") is face
    assert book.face_for(spec.FANGSONG, "\u3d58") is face
    assert FontBook(cache_dir=None).prepare("国务院办公厅") is None


@needs_noto
def test_fallback_disk_cache(tmp_path):
    first = FontBook(cache_dir=tmp_path).fallback({"\u3d58"})
    fonts._PARSED.pop(first.key, None)                    # as in a new process
    first.register()
    cached = list(tmp_path.glob("fallback-*.ttf"))
    assert len(cached) == 1
    fonts._PARSED.pop(first.key)
    cached[0].write_bytes(cached[0].read_bytes())        # marks the file: it must be read back
    again = FontBook(cache_dir=tmp_path).fallback({"\u3d58"})
    assert again.key == first.key and again.advance("\u3d58") == 1.0
    assert len(list(tmp_path.glob("fallback-*.ttf"))) == 1


@pytest.mark.parametrize("ch", ["\ue000", "\U0010fffd"])
def test_uncovered_character_raises_missing_glyph(ch):
    book = FontBook()
    with pytest.raises(MissingGlyph) as info:
        book.face_for(spec.FANGSONG, ch)
    err = info.value
    assert err.char == ch
    assert f"U+{ord(ch):04X}" in str(err)
    assert ch in str(err)
    assert "字体" in str(err)
    assert err.problems[0].hint                            # a GongwenError with advice


def test_by_key_finds_every_face_handed_out(book):
    for role in spec.ROLES:
        assert book.by_key(book.face(role).key) is book.face(role)
    with pytest.raises(KeyError):
        book.by_key("gw-nothing")


def test_missing_glyph_without_any_fallback_font(tmp_path):
    book = FontBook(search_dirs=[tmp_path])                  # no Noto in an empty folder
    assert book.fallback({"\u3d58"}) is None
    with pytest.raises(MissingGlyph, match="U\\+3D58"):
        book.face_for(spec.FANGSONG, "\u3d58")


# -- PDF embedding -------------------------------------------------------------

def _draw_pdf(runs: list[tuple[fonts.Face, str]]) -> bytes:
    from reportlab.pdfgen.canvas import Canvas
    buf = io.BytesIO()
    canvas = Canvas(buf)
    y = 760
    for face, text in runs:
        face.register()
        face.register()                                     # idempotent
        canvas.setFont(face.key, 16)
        canvas.drawString(72, y, text)
        y -= 30
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _check_embedded(pdf: bytes, expect_fonts: int) -> str:
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    fonts_ = page["/Resources"]["/Font"]
    seen = 0
    for ref in fonts_.values():
        font = ref.get_object()
        if font["/Subtype"] == "/Type1" and font["/BaseFont"] == "/Helvetica":
            continue                                       # the canvas' initial font, unused
        assert font["/Subtype"] == "/TrueType"
        assert re.fullmatch(r"[A-Z]{6}\+[A-Za-z0-9_.-]+", font["/BaseFont"][1:]), font["/BaseFont"]
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor
        program = descriptor["/FontFile2"].get_object().get_data()
        assert len(program) < 200_000                     # a subset, not the 5-8 MB font
        assert "/ToUnicode" in font
        seen += 1
    assert seen == expect_fonts
    return page.extract_text()


def test_pdf_with_fandol_faces_embeds_subsets_and_extracts(book):
    lines = [(book.face(spec.XIAOBIAOSONG), "关于做好2026年节能工作的通知"),
             (book.face(spec.FANGSONG), "各省、自治区、直辖市人民政府：")]
    pdf = _draw_pdf(lines)
    text = _check_embedded(pdf, expect_fonts=2)
    for _, line in lines:
        assert line in text

    import pdfplumber
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        plumbed = doc.pages[0].extract_text()
    for _, line in lines:
        assert line in plumbed


@needs_noto
def test_pdf_with_fallback_subset_embeds_and_extracts():
    book = FontBook(cache_dir=None)
    rare = book.face_for(spec.FANGSONG, "\u3d58")
    grown = book.face_for(spec.FANGSONG, "\u5803")
    assert rare.key != grown.key
    pdf = _draw_pdf([(book.face(spec.FANGSONG), "张三同志"), (rare, "\u3d58"),
                     (grown, "\u5803\u3d58")])
    text = _check_embedded(pdf, expect_fonts=3)
    assert "张三同志" in text and "\u3d58" in text and "\u5803\u3d58" in text
    # The two subsets carry distinct PostScript names, so distinct BaseFonts.
    from pypdf import PdfReader
    base = {f.get_object()["/BaseFont"] for f in
            PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()}
    base.discard("/Helvetica")
    assert len(base) == 3

    import pdfplumber
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert "\u5803\u3d58" in doc.pages[0].extract_text()


def test_reportlab_accepts_font_bytes():
    from reportlab.pdfbase.ttfonts import TTFont as RLFont
    data = (FONT_DIR / "FandolHei-Regular.ttf").read_bytes()
    font = RLFont("gw-test-bytes", io.BytesIO(data))
    assert font.face.charWidths[ord("国")] == 1000


# -- official fonts ------------------------------------------------------------

def test_official_font_in_search_dir_is_preferred(tmp_path):
    font = _small(FONT_DIR / "FandolFang-Regular.ttf", "国务院办公厅关于2026年 ，。")
    _rename(font, "仿宋_GB2312", "FangSong_GB2312")
    font.save(str(tmp_path / "whatever-name.ttf"))

    book = FontBook(search_dirs=[tmp_path])
    face = book.face(spec.FANGSONG)
    assert face.official is True
    assert face.family == "仿宋_GB2312"
    assert face.path == tmp_path / "whatever-name.ttf"
    assert face.advance("国") == 1.0
    assert book.report()[spec.FANGSONG] == "仿宋_GB2312"
    # other roles still get Fandol
    assert book.face(spec.HEITI).path == FONT_DIR / "FandolHei-Regular.ttf"
    # a character the small official font lacks comes from the role's Fandol face
    assert book.face_for(spec.FANGSONG, "国") is face
    assert book.face_for(spec.FANGSONG, "通") is book.substitute(spec.FANGSONG)
    text = _check_embedded(_draw_pdf([(face, "国务院办公厅")]), expect_fonts=1)
    assert "国务院办公厅" in text


def test_official_font_found_through_environment(tmp_path, monkeypatch):
    font = _small(FONT_DIR / "FandolHei-Regular.ttf", "国务院")
    _rename(font, "SimHei", "SimHei")
    font.save(str(tmp_path / "simhei.ttf"))
    monkeypatch.setenv("GONGWEN_FONT_DIRS", str(tmp_path))
    book = FontBook()
    assert book.search_dirs[0] == tmp_path
    face = book.face(spec.HEITI)
    assert face.official and face.family == "黑体"


def test_gb2312_name_beats_windows_name(tmp_path):
    for fam, ps, file in (("仿宋", "FangSong", "simfang.ttf"),
                          ("仿宋_GB2312", "FangSong_GB2312", "FS_GB2312.ttf")):
        font = _small(FONT_DIR / "FandolFang-Regular.ttf", "国")
        _rename(font, fam, ps)
        font.save(str(tmp_path / file))
    face = FontBook(search_dirs=[tmp_path]).face(spec.FANGSONG)
    assert face.family == "仿宋_GB2312" and face.path.name == "FS_GB2312.ttf"


def test_official_ttc_uses_the_right_subfont(tmp_path):
    other = _small(FONT_DIR / "FandolHei-Regular.ttf", "国")
    _rename(other, "新宋体", "NSimSun")
    song = _small(FONT_DIR / "FandolSong-Regular.ttf", "国务院")
    _rename(song, "宋体", "SimSun")
    coll = TTCollection()
    coll.fonts = [other, song]
    coll.save(str(tmp_path / "simsun.ttc"))
    face = FontBook(search_dirs=[tmp_path]).face(spec.SONGTI)
    assert face.official and face.family == "宋体" and face.index == 1
    assert face.rl_font.face.name == b"SimSun"
    assert face.advance("院") == 1.0
    _check_embedded(_draw_pdf([(face, "国务院")]), expect_fonts=1)


@pytest.mark.skipif(not (FANDOL_OTF / "FandolKai-Regular.otf").is_file(), reason="Fandol .otf absent")
def test_official_cff_font_is_converted_once_into_cache(tmp_path):
    fonts_dir, cache = tmp_path / "fonts", tmp_path / "cache"
    fonts_dir.mkdir()
    font = _small(FANDOL_OTF / "FandolKai-Regular.otf", "国务院办公厅")
    assert "CFF " in font
    _rename(font, "楷体_GB2312", "KaiTi_GB2312")
    font.save(str(fonts_dir / "kaiti_gb2312.otf"))

    face = FontBook(search_dirs=[fonts_dir], cache_dir=cache).face(spec.KAITI)
    assert face.official and face.family == "楷体_GB2312"
    assert face.advance("院") == 1.0
    converted = list(cache.glob("*.ttf"))
    assert len(converted) == 1
    assert TTFont(str(converted[0]), lazy=True).sfntVersion == "\x00\x01\x00\x00"
    stamp = converted[0].stat().st_mtime_ns
    fonts._PARSED.pop(face.key)                          # as in a new process
    again = FontBook(search_dirs=[fonts_dir], cache_dir=cache).face(spec.KAITI)
    assert again.advance("院") == 1.0
    assert converted[0].stat().st_mtime_ns == stamp      # reused, not converted again
    _check_embedded(_draw_pdf([(again, "国务院办公厅")]), expect_fonts=1)


def test_font_forbidding_embedding_is_skipped(tmp_path):
    font = _small(FONT_DIR / "FandolFang-Regular.ttf", "国")
    _rename(font, "仿宋_GB2312", "FangSong_GB2312")
    font["OS/2"].fsType = 0x0002
    font.save(str(tmp_path / "fs.ttf"))
    book = FontBook(search_dirs=[tmp_path])
    assert book.face(spec.FANGSONG).official is False
    assert any("禁止嵌入" in w for w in book.warnings)


def test_system_folders_are_filtered_by_file_name(tmp_path, monkeypatch):
    # A non-explicit folder: only files named like official fonts are opened.
    font = _small(FONT_DIR / "FandolFang-Regular.ttf", "国")
    _rename(font, "仿宋_GB2312", "FangSong_GB2312")
    font.save(str(tmp_path / "random.ttf"))
    monkeypatch.setattr(fonts, "default_search_dirs", lambda: [FONT_DIR, tmp_path])
    assert FontBook().face(spec.FANGSONG).official is False
    shutil.move(tmp_path / "random.ttf", tmp_path / "仿宋_GB2312.ttf")
    assert FontBook().face(spec.FANGSONG).official is True
