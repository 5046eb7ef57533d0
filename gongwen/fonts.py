"""The font book: which file serves each font role of the standard, and its metrics.

GB/T 9704-2012 names faces (小标宋, 仿宋, 黑体, 楷体, 宋体), not files.  A FontBook
finds, for each role in ``spec.ROLES``:

1. the user's official font (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312, 宋体, or the
   Windows 仿宋/楷体), recognised by the family name in its ``name`` table, in
   ``GONGWEN_FONT_DIRS``, the repository's ``fonts/`` folder or the system font
   folders; else
2. our free substitute, a Fandol font converted to TrueType in ``fonts/``
   (see ``tools/convert_fonts.py`` and ``fonts/README.md``).

Characters a role's face lacks go, in this order, to the role's Fandol substitute
(when the role face is an official GB2312 font), then to a fallback face: a
subset of Noto Serif CJK SC / Source Han Serif built at run time for just the
characters needed.  When nothing covers a character, ``MissingGlyph`` names it.

Metrics and embedding share one parse: ReportLab's own TrueType parser
(``reportlab.pdfbase.ttfonts.TTFont``), run lazily the first time a face is
used.  Advances are fractions of the em (1.0 for an ideograph).

Layout and the PDF writer both use this module; layout calls ``face_for`` (or
``prepare`` once with the whole text, so one fallback subset serves the
document), the writer calls ``Face.register()`` and draws with ``Face.key``.
"""
from __future__ import annotations

import fnmatch
import hashlib
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import spec
from .errors import GongwenError, Problem
from .files import try_atomic_write
from .fontcache import load_ttfont

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"   # the repository's fonts/
CACHE_DIR = FONT_DIR / ".cache"                                 # git-ignored conversions
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
ENV_DIRS = "GONGWEN_FONT_DIRS"

# role -> (file in fonts/, family shown to the user)
SUBSTITUTES: dict[str, tuple[str, str]] = {
    spec.XIAOBIAOSONG: ("FandolSong-Bold.ttf", "FandolSong Bold"),
    spec.FANGSONG: ("FandolFang-Regular.ttf", "FandolFang Regular"),
    spec.HEITI: ("FandolHei-Regular.ttf", "FandolHei Regular"),
    spec.KAITI: ("FandolKai-Regular.ttf", "FandolKai Regular"),
    spec.SONGTI: ("FandolSong-Regular.ttf", "FandolSong Regular"),
}

# role -> family names (name table IDs 1, 4, 6, 16) accepted as the official
# font, best first.  The GB2312 fonts Word templates name come before the
# Windows fonts of the same style.
OFFICIAL_NAMES: dict[str, tuple[str, ...]] = {
    spec.XIAOBIAOSONG: ("方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK", "FZXiaoBiaoSong-B05"),
    spec.FANGSONG: ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong"),
    spec.HEITI: ("黑体", "SimHei"),
    spec.KAITI: ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi"),
    spec.SONGTI: ("宋体", "SimSun"),
}

CHINESE_NAME = {
    "FZXiaoBiaoSong-B05S": "方正小标宋简体", "FZXiaoBiaoSong-B05": "方正小标宋_GBK",
    "FangSong_GB2312": "仿宋_GB2312", "FangSong": "仿宋", "SimHei": "黑体",
    "KaiTi_GB2312": "楷体_GB2312", "KaiTi": "楷体", "SimSun": "宋体",
}

# File-name patterns (lower case) that make a file in a system folder worth
# opening; system folders are never parsed wholesale.
OFFICIAL_FILES: dict[str, tuple[str, ...]] = {
    spec.XIAOBIAOSONG: ("fzxbs*", "fzxiaobiaosong*", "*小标宋*"),
    spec.FANGSONG: ("simfang.*", "fangsong*", "fs_gb2312*", "*仿宋*"),
    spec.HEITI: ("simhei.*", "*黑体*"),
    spec.KAITI: ("simkai.*", "kaiti*", "kt_gb2312*", "*楷体*"),
    spec.SONGTI: ("simsun.*", "*宋体*"),
}

# Fallback sources for characters outside every role face, best first.
FALLBACK_FILES = ("notoserifcjk*", "notoserifsc*", "sourcehanserif*",
                  "notosanscjk*", "notosanssc*", "sourcehansans*")
FALLBACK_FAMILIES = ("Noto Serif CJK SC", "Noto Serif SC", "Source Han Serif SC",
                     "Source Han Serif CN", "Noto Sans CJK SC", "Noto Sans SC",
                     "Source Han Sans SC", "Source Han Sans CN")
# A missing character is set in a face like its role's: bold serif for 小标宋,
# sans for 黑体, serif for the rest.  Each style lists the files it prefers
# (patterns of FALLBACK_FILES, and the weight in the file name); "serif", the
# first and most complete, also serves a character the others lack.
FALLBACK_STYLE = {spec.XIAOBIAOSONG: "serif-bold", spec.HEITI: "sans"}
_SERIF, _SANS = FALLBACK_FILES[:3], FALLBACK_FILES[3:]
FALLBACK_PREFS = {
    "serif": ((_SERIF, "regular"), (_SANS, "regular")),
    "serif-bold": ((_SERIF, "bold"),),
    "sans": ((_SANS, "regular"),),
}

# Characters that never need a glyph: controls, format characters (ZWSP, BOM,
# soft hyphen...), line/paragraph separators and variation selectors.  They
# are covered by every face with advance 0; writers must not draw them.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
# Blanks whose advance comes from the font when it has them, else from here.
_BLANK_DEFAULT = {" ": 0.25, "\u00a0": 0.25, "\u3000": 1.0}

# Directories with more font files than this are filtered by file name even
# when they were named explicitly.
_FULL_SCAN_LIMIT = 300


def is_invisible(ch: str) -> bool:
    """True for characters that take no room and have no glyph (controls etc.)."""
    cp = ord(ch)
    if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:    # variation selectors
        return True
    return unicodedata.category(ch) in _INVISIBLE_CATEGORIES


class MissingGlyph(GongwenError):
    """No available font has a glyph for ``char``."""

    def __init__(self, char: str, role: str | None = None):
        self.char = char
        self.role = role
        where = f"（{role}字体及备用字体都没有）" if role else ""
        self.message = f"没有字体能显示字符“{char}”（U+{ord(char):04X}）{where}"
        super().__init__(Problem(
            message=self.message,
            hint="改用常用字，或安装含此字的字体（如 Noto Serif CJK SC），"
                 f"或把字体文件放入 {FONT_DIR} 或 {ENV_DIRS} 所列目录",
        ))

    def __str__(self) -> str:          # the bare message; callers add file and line
        return self.message


# --------------------------------------------------------------------------
# Parsed ReportLab fonts, shared by every FontBook in the process (keyed by the
# ReportLab name, which is derived from the file, so one file parses once).
_PARSED: dict[str, object] = {}


@dataclass(eq=False)
class Face:
    key: str            # name registered in ReportLab: unique, ASCII
    family: str         # human name, e.g. "FandolFang Regular" or "仿宋_GB2312"
    path: Path          # the font file (for a fallback subset: the file it came from)
    official: bool      # True when it is the user's official font
    index: int = 0      # face index inside a .ttc
    chars: frozenset[str] | None = None   # fallback subsets: the characters they hold
    # Returns what ReportLab parses: a TrueType path or bytes, and a face index.
    # Set for fonts that need a conversion (CFF) or are built in memory.
    _source: Callable[[], tuple[Path | bytes, int]] | None = field(default=None, repr=False)
    # Where ReportLab's parse of a font file is cached (see fontcache.py); None: never.
    cache_dir: Path | None = field(default=None, repr=False)

    # -- parsing ---------------------------------------------------------
    @property
    def rl_font(self):
        """The ReportLab ``TTFont`` (parsed on first use, once per process)."""
        font = _PARSED.get(self.key)
        if font is None:
            # lazy: ReportLab (~35 ms) only where a PDF is drawn or a face parsed
            from reportlab.pdfbase.ttfonts import TTFont
            src, index = self._source() if self._source else (self.path, self.index)
            if isinstance(src, bytes):
                font = TTFont(self.key, io.BytesIO(src), subfontIndex=index)
            else:
                cache = None if os.environ.get("GONGWEN_NO_FONT_CACHE") else self.cache_dir
                font = load_ttfont(self.key, Path(src), index, cache)
            _PARSED[self.key] = font
        return font

    @property
    def _maps(self) -> tuple[dict[int, int], dict[int, float]]:
        try:
            return self.__maps
        except AttributeError:
            rl = self.rl_font.face
            self.__maps: tuple[dict[int, int], dict[int, float]] = (rl.charToGlyph, rl.charWidths)
            return self.__maps

    # -- metrics ---------------------------------------------------------
    def has_glyph(self, ch: str) -> bool:
        """True when the font maps ch to a real glyph (not .notdef)."""
        return self._maps[0].get(ord(ch), 0) != 0

    def covers(self, ch: str) -> bool:
        """True when this face can set ch: it has a glyph, or ch is blank/invisible."""
        if self._maps[0].get(ord(ch), 0):
            return True
        return ch in _BLANK_DEFAULT or is_invisible(ch)

    def advance(self, ch: str) -> float:
        """Advance width of ch as a fraction of the em (1.0 for an ideograph).

        Controls advance 0 even where a font maps them (Fandol maps U+0000–U+001F
        to its space glyph);
        blanks take the font's width, or 0.25 em (space) / 1 em (U+3000)."""
        try:
            return self.__advances[ch]           # layout and writer ask per character
        except KeyError:
            pass
        except AttributeError:
            self.__advances: dict[str, float] = {}
        to_glyph, widths = self._maps
        cp = ord(ch)
        if cp < 0x20 or 0x7F <= cp < 0xA0:
            adv = 0.0
        elif to_glyph.get(cp, 0):
            adv = widths[cp] / 1000.0           # ReportLab scales to 1000 units/em
        elif ch in _BLANK_DEFAULT:
            adv = _BLANK_DEFAULT[ch]
        elif is_invisible(ch):
            adv = 0.0
        else:
            raise MissingGlyph(ch)
        self.__advances[ch] = adv
        return adv

    def width(self, text: str) -> float:
        """Sum of the advances of text, in em."""
        return sum(self.advance(ch) for ch in text)

    @property
    def ascent(self) -> float:
        """OS/2 sTypoAscender in em (Fandol: 0.88, FandolSong Regular: 0.80)."""
        return self.rl_font.face.ascent / 1000.0

    @property
    def descent(self) -> float:
        """OS/2 sTypoDescender in em, negative (Fandol: −0.12, FandolSong Regular: −0.20)."""
        return self.rl_font.face.descent / 1000.0

    def glyph_bounds(self, ch: str) -> tuple[float, float, float, float] | None:
        """Ink box (xMin, yMin, xMax, yMax) of ch's glyph in em, y up from the
        baseline; None for a blank glyph.  Read from the glyf header, no outlines."""
        import struct
        gid = self._maps[0].get(ord(ch), 0)
        if not gid:
            raise MissingGlyph(ch)
        rl = self.rl_font.face
        pos = rl.glyphPos[gid]
        if rl.glyphPos[gid + 1] == pos:
            return None
        start = rl.table["glyf"]["offset"]
        _, x0, y0, x1, y1 = struct.unpack_from(">hhhhh", rl._ttf_data, start + pos)
        upem = rl.unitsPerEm
        return (x0 / upem, y0 / upem, x1 / upem, y1 / upem)

    # -- embedding -------------------------------------------------------
    def register(self) -> None:
        """Register with reportlab.pdfbase.pdfmetrics under ``key`` (idempotent)."""
        from reportlab.pdfbase import pdfmetrics  # lazy: ReportLab (~35 ms) only where a PDF is drawn or a face parsed
        font = self.rl_font
        try:
            registered = pdfmetrics._fonts.get(self.key)        # noqa: SLF001 (cheap lookup)
        except AttributeError:                                   # pragma: no cover
            registered = None
        if registered is not font:
            pdfmetrics.registerFont(font)


# --------------------------------------------------------------------------
# CFF -> TrueType (the otf2ttf recipe from fontTools' Snippets), shared by
# tools/convert_fonts.py, official CFF fonts and fallback subsets.

def cff_to_glyf(font, max_err: float = 1.0, post_format: float = 3.0) -> None:
    """Replace the CFF outlines of a fontTools ``TTFont`` by quadratic TrueType ones.

    Cubic curves are approximated with cu2qu within ``max_err`` font units and
    contours reversed to TrueType's clockwise direction.  hmtx left side
    bearings, vmtx top side bearings (from VORG) and maxp are rebuilt; the
    post table becomes format 3 (no glyph names: CID fonts only have cidNNNNN
    names, and ReportLab writes format 3 into its subsets anyway).
    """
    from fontTools.pens.cu2quPen import Cu2QuPen  # lazy: fontTools only to convert or subset a font
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    if "CFF " not in font:
        if "glyf" in font:
            return
        raise ValueError("only CFF (not CFF2) fonts can be converted")
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyph = pen.glyph(dropImpliedOnCurves=True)
        glyph.recalcBounds(glyf)
        glyf.glyphs[name] = glyph

    vorg = font["VORG"] if "VORG" in font else None
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    _side_bearings(font, glyf, order, vorg)
    if vorg is not None:
        del font["VORG"]
    font["maxp"] = _maxp(len(order))         # the rest is recalculated on save
    post = font["post"]
    post.formatType = post_format
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def _side_bearings(font, glyf, order: list[str], vorg) -> None:
    """hmtx left side bearings from the new outlines; vmtx top side bearings
    from VORG's vertical origins where the font has them."""
    hmtx = font["hmtx"]
    for name in order:
        g = glyf.glyphs[name]
        adv = hmtx[name][0]
        hmtx[name] = (adv, g.xMin if g.numberOfContours else 0)
    if "vmtx" not in font:
        return
    vmtx = font["vmtx"]
    for name in order:
        g = glyf.glyphs[name]
        if not g.numberOfContours:
            continue
        adv, tsb = vmtx[name]
        if vorg is not None:
            origin = vorg.VOriginRecords.get(name, vorg.defaultVertOriginY)
            tsb = origin - g.yMax
        vmtx[name] = (adv, tsb)


def _maxp(glyphs: int):
    """A version 1.0 maxp table for `glyphs` TrueType glyphs, its maxima to be recalculated."""
    from fontTools.ttLib import newTable  # lazy: fontTools only to convert or subset a font
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = glyphs
    maxp.maxZones = 1
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxPoints", "maxContours",
                 "maxCompositePoints", "maxCompositeContours", "maxComponentElements",
                 "maxComponentDepth"):
        setattr(maxp, attr, 0)
    return maxp


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]", "", name).casefold()


def _ascii_key(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-") or "font"


@dataclass
class _Candidate:
    path: Path
    index: int
    names: dict[str, str]     # normalised -> as written
    ps_name: str
    cff: bool
    fs_type: int


def _read_candidates(path: Path) -> list[_Candidate]:
    """The faces in a font file, with their names (reads only name/OS/2)."""
    from fontTools.ttLib import TTCollection, TTFont  # lazy: fontTools only to convert or subset a font
    out: list[_Candidate] = []
    try:
        with open(path, "rb") as fh:
            collection = fh.read(4) == b"ttcf"
        holder = TTCollection(str(path), lazy=True) if collection else TTFont(str(path), lazy=True)
        fonts = holder.fonts if collection else [holder]
    except Exception:           # unreadable or not a font: ignore, like a font manager
        return []
    try:
        for index, font in enumerate(fonts):
            names: dict[str, str] = {}
            ps = ""
            for rec in font["name"].names:
                if rec.nameID in (1, 4, 6, 16, 21):
                    try:
                        text = rec.toUnicode(errors="ignore").strip("\x00 ")
                    except Exception:       # undecodable legacy Mac encodings
                        continue
                    if text:
                        names.setdefault(_norm(text), text)
                        if rec.nameID == 6 and not ps:
                            ps = text
            fs_type = font["OS/2"].fsType if "OS/2" in font else 0
            out.append(_Candidate(path, index, names, ps, font.sfntVersion == "OTTO", fs_type))
    except Exception:           # a broken face: keep the ones read so far
        pass
    finally:
        holder.close()
    return out


def _embeddable(fs_type: int) -> bool:
    """ReportLab refuses restricted (0x0002) and no-subsetting/bitmap-only fonts."""
    return not (fs_type == 0x0002 or fs_type & 0x0300)


def default_search_dirs() -> list[Path]:
    """The repository's fonts/, then the user's and the system's font folders."""
    home = Path.home()
    dirs = [FONT_DIR, home / ".fonts", home / ".local/share/fonts",
            Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
            home / "Library/Fonts", Path("/Library/Fonts")]
    if os.name == "nt":
        dirs.append(Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts")
        if os.environ.get("LOCALAPPDATA"):
            dirs.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft/Windows/Fonts")
    else:
        dirs.append(Path("/mnt/c/Windows/Fonts"))      # WSL: the Windows fonts
    return dirs


def _env_dirs() -> list[Path]:
    raw = os.environ.get(ENV_DIRS, "")
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]


def _font_files(root: Path) -> list[Path]:
    """Font files under root (recursive, hidden folders such as .cache skipped)."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.lower().endswith(FONT_SUFFIXES):
                found.append(Path(dirpath) / name)
    return found


class FontBook:
    """Resolves font roles to faces; one per document run (cheap to create)."""

    def __init__(self, search_dirs: list[Path] | None = None, *,
                 cache_dir: Path | None = CACHE_DIR):
        explicit = search_dirs is not None
        dirs = _env_dirs() + ([Path(d) for d in search_dirs] if search_dirs is not None else default_search_dirs())
        self.search_dirs: list[Path] = []
        self._full_scan: set[Path] = set()   # folders whose every font file is checked
        env = set(_env_dirs())
        for d in dirs:
            d = d.expanduser()
            if d in self.search_dirs:
                continue
            self.search_dirs.append(d)
            if explicit or d in env or d.resolve() == FONT_DIR:
                self._full_scan.add(d)
        self.cache_dir = cache_dir
        self.warnings: list[str] = []
        self._faces: dict[str, Face] = {}
        self._substitutes: dict[str, Face] = {}
        self._scanned: tuple[list[_Candidate], list[Path]] | None = None
        # per fallback style (FALLBACK_PREFS): source face, its coverage, subsets
        self._fallback_src: dict[str, tuple[Path, int, str] | None] = {}
        self._fallback_cmap: dict[str, _Cmap] = {}
        self._fallbacks: dict[tuple[str, frozenset[str]], Face] = {}     # this document's (see forget_fallbacks)
        self._fallback_built: dict[tuple[str, frozenset[str]], Face] = {}  # every subset made, kept for reuse
        self._fallback_chars: set[str] = set()         # every character a fallback has had to set
        self._last_fallback: dict[str, Face] = {}
        self._covered: dict[tuple[str, ...], set[str]] = {}   # prepare: characters the role faces set

    # -- discovery -------------------------------------------------------
    def _scan(self) -> tuple[list[_Candidate], list[Path]]:
        """Official candidates (name tables read) and fallback files (not opened)."""
        if self._scanned is not None:
            return self._scanned
        official_patterns = [p for pats in OFFICIAL_FILES.values() for p in pats]
        substitute_files = {FONT_DIR / f for f, _ in SUBSTITUTES.values()}
        candidates: list[_Candidate] = []
        fallback_files: list[Path] = []
        seen: set[Path] = set()
        for d in self.search_dirs:
            if not d.is_dir():
                continue
            files = _font_files(d)
            full = d in self._full_scan and len(files) <= _FULL_SCAN_LIMIT
            for path in files:
                real = path.resolve()
                if real in seen or real in substitute_files:
                    continue
                seen.add(real)
                lower = path.name.lower()
                if any(fnmatch.fnmatch(lower, p) for p in FALLBACK_FILES):
                    fallback_files.append(path)
                    continue
                if full or any(fnmatch.fnmatch(lower, p) for p in official_patterns):
                    candidates.extend(_read_candidates(path))
        self._scanned = (candidates, fallback_files)
        return self._scanned

    def _find_official(self, role: str) -> Face | None:
        candidates, _ = self._scan()
        for wanted in OFFICIAL_NAMES[role]:
            w = _norm(wanted)
            for cand in candidates:
                if w not in cand.names:
                    continue
                if not _embeddable(cand.fs_type):
                    self.warnings.append(
                        f"{cand.path}（{wanted}）禁止嵌入（fsType=0x{cand.fs_type:04X}），未使用")
                    continue
                return self._official_face(cand, wanted)
        return None

    def _official_face(self, cand: _Candidate, family: str) -> Face:
        family = CHINESE_NAME.get(family, family)     # as Word's font menu shows it
        digest = hashlib.sha1(f"{cand.path.resolve()}|{cand.index}".encode()).hexdigest()[:8]
        key = f"gw-{_ascii_key(cand.ps_name or cand.path.stem)}-{digest}"
        source = None
        if cand.cff:
            source = self._converted_source(cand)
        return Face(key=key, family=family, path=cand.path, official=True,
                    index=cand.index, _source=source, cache_dir=self.cache_dir)

    def _converted_source(self, cand: _Candidate) -> Callable[[], tuple[Path | bytes, int]]:
        """A CFF font converted once to TrueType in cache_dir (or in memory)."""
        def source() -> tuple[Path | bytes, int]:
            from fontTools.ttLib import TTFont  # lazy: fontTools only to convert or subset a font
            st = cand.path.stat()
            tag = hashlib.sha1(
                f"{cand.path.resolve()}|{cand.index}|{st.st_size}|{st.st_mtime_ns}".encode()
            ).hexdigest()[:10]
            target = (self.cache_dir / f"{_ascii_key(cand.path.stem)}-{cand.index}-{tag}.ttf"
                      if self.cache_dir else None)
            if target is not None and target.is_file():
                return target, 0
            self.warnings.append(f"{cand.path} 是 CFF 字体，首次使用时转换为 TrueType（较慢，只做一次）")
            font = TTFont(str(cand.path), fontNumber=cand.index)
            cff_to_glyf(font)
            buf = io.BytesIO()
            font.save(buf)
            data = buf.getvalue()
            if target is not None and try_atomic_write(target, data):
                return target, 0
            self.warnings.append(f"{cand.path} 无法缓存转换结果，每次运行都要重新转换")
            return data, 0
        return source

    def substitute(self, role: str) -> Face:
        """Our Fandol face for role (in the repository's fonts/)."""
        self._check_role(role)
        face = self._substitutes.get(role)
        if face is None:
            filename, family = SUBSTITUTES[role]
            path = FONT_DIR / filename
            if not path.is_file():
                raise GongwenError(Problem(
                    message=f"缺少{role}的替代字体文件 {path}",
                    hint="运行 python tools/convert_fonts.py 生成 fonts/ 中的 Fandol 字体"))
            face = Face(key=f"gw-{Path(filename).stem}", family=family, path=path, official=False,
                        cache_dir=self.cache_dir)
            self._substitutes[role] = face
        return face

    @staticmethod
    def _check_role(role: str) -> None:
        if role not in spec.ROLES:
            raise KeyError(f"未知字体角色“{role}”，应为 {'、'.join(spec.ROLES)} 之一")

    # -- the API ---------------------------------------------------------
    def face(self, role: str) -> Face:
        """The face serving role: the user's official font if found, else Fandol."""
        self._check_role(role)
        face = self._faces.get(role)
        if face is None:
            face = self._find_official(role) or self.substitute(role)
            self._faces[role] = face
        return face

    def face_for(self, role: str, ch: str) -> Face:
        """The face that sets ch in role: role face, its Fandol substitute, or the fallback."""
        face = self.face(role)
        if face.covers(ch):
            return face
        if face.official:
            try:
                sub = self.substitute(role)
            except GongwenError:
                sub = None
            if sub is not None and sub.has_glyph(ch):
                return sub
        for style in dict.fromkeys((FALLBACK_STYLE.get(role, "serif"), "serif")):
            last = self._last_fallback.get(style)
            if last is not None and last.has_glyph(ch):
                return last
            for (st, _), fb in self._fallbacks.items():
                if st == style and fb.has_glyph(ch):
                    return fb
            # one subset per style for all the document's missing characters
            subset = self.fallback(self._fallback_chars | {ch}, style)
            if subset is not None and subset.has_glyph(ch):
                return subset
        raise MissingGlyph(ch, role)

    def by_key(self, key: str) -> Face:
        """The face this book handed out under ReportLab name key (for the PDF writer)."""
        for face in (*self._faces.values(), *self._substitutes.values(), *self._fallbacks.values(),
                     *self._fallback_built.values()):
            if face.key == key:
                return face
        raise KeyError(f"no face registered as {key!r} in this FontBook")

    def prepare(self, text: str, roles: Iterable[str] = spec.ROLES) -> Face | None:
        """Build, up front, one fallback subset for every character of text the role
        faces lack, so one embedded font serves the whole document."""
        faces = [self.face(r) for r in roles]
        # characters found in the role faces once are found there again (a book's
        # faces never change): a long-running process checks only the new ones
        known = self._covered.setdefault(tuple(roles), set())
        need = set()
        for ch in set(text) - known:
            if any(f.covers(ch) for f in faces):
                known.add(ch)
                continue
            if any(self._substitute_has(r, ch) for r in roles if self.face(r).official):
                known.add(ch)
                continue
            need.add(ch)
        if not need:
            return None
        return self.fallback(self._fallback_chars | need)

    def _substitute_has(self, role: str, ch: str) -> bool:
        try:
            return self.substitute(role).has_glyph(ch)
        except GongwenError:
            return False

    def fallback(self, chars: set[str], style: str = "serif") -> Face | None:
        """A face holding those of chars the style's fallback font (Noto Serif CJK
        SC, its Bold, Noto Sans CJK SC, or a Source Han face) has: a subset built
        in memory, converted to TrueType and cached by style and character set.
        None when there is no such font or it has none of chars."""
        src = self._fallback_source(style)
        if src is None:
            return None
        path, index, family = src
        cmap = self._fallback_coverage(style)
        have = frozenset(c for c in chars if ord(c) in cmap and not is_invisible(c))
        if not have:
            return None
        face = self._fallbacks.get((style, have)) or self._fallback_built.get((style, have))
        if face is None:
            st = path.stat()
            digest = hashlib.sha1(
                f"{path.resolve()}|{index}|{st.st_size}|{st.st_mtime_ns}|".encode()
                + "".join(sorted(have)).encode("utf-8", "surrogatepass")
            ).hexdigest()[:12]
            key = f"gw-fallback-{digest}"
            cache_dir = self.cache_dir

            def source(path=path, index=index, have=have, digest=digest) -> tuple[Path | bytes, int]:
                target = cache_dir / f"fallback-{digest}.ttf" if cache_dir else None
                if target is not None and target.is_file():
                    return target.read_bytes(), 0
                data = build_subset(path, index, have, suffix=digest[:8])
                if target is not None:
                    try_atomic_write(target, data)
                return data, 0

            face = Face(key=key, family=family, path=path, official=False, index=index,
                        chars=have, _source=source)
            self._fallback_built[(style, have)] = face
        self._fallbacks[(style, have)] = face
        self._fallback_chars |= have
        self._last_fallback[style] = face
        return face

    def forget_fallbacks(self) -> None:
        """Begin a new document: the rare characters of earlier ones are
        forgotten, so its fallback subset holds its own characters only — as in
        a fresh `generate.py` process.  A long-running process (the web page)
        calls this before each document; the subsets made stay at hand."""
        self._fallbacks.clear()
        self._fallback_chars.clear()
        self._last_fallback.clear()

    def _fallback_source(self, style: str = "serif") -> tuple[Path, int, str] | None:
        """(file, face index, family) of the style's fallback font, or None."""
        if style in self._fallback_src:
            return self._fallback_src[style]
        _, files = self._scan()
        found = None
        for patterns, weight in FALLBACK_PREFS[style]:
            def rank(p: Path) -> tuple[int, int, int]:
                low = p.name.lower()
                other = re.search(r"thin|light|medium|semibold|bold|black|heavy", low)
                fit = 0 if weight in low else (1 if weight == "regular" and not other else 2)
                return (fit, next(i for i, pat in enumerate(patterns) if fnmatch.fnmatch(low, pat)),
                        files.index(p))
            mine = [p for p in files if any(fnmatch.fnmatch(p.name.lower(), pat) for pat in patterns)]
            for path in sorted(mine, key=rank):
                if weight == "bold" and rank(path)[0]:
                    break                      # no bold file: this style has no source
                found = _fallback_face(path)
                if found:
                    break
            if found:
                break
        self._fallback_src[style] = found
        return found

    def _fallback_coverage(self, style: str = "serif") -> "_Cmap":
        if style not in self._fallback_cmap:
            from fontTools.ttLib import TTFont  # lazy: fontTools only to convert or subset a font
            path, index, _ = self._fallback_src[style]          # type: ignore[misc]
            font = TTFont(str(path), fontNumber=index, lazy=True)
            try:
                self._fallback_cmap[style] = _Cmap(font)
            finally:
                font.close()
        return self._fallback_cmap[style]

    def report(self) -> dict[str, str]:
        """Role -> family of the face serving it (plus "补字" when a fallback subset
        was built), for the CLI's message."""
        out = {role: self.face(role).family for role in spec.ROLES}
        if self._last_fallback:
            faces = "、".join(dict.fromkeys(f"{f.family}{'' if st != 'serif-bold' else ' Bold'}"
                                            for st, f in self._last_fallback.items()))
            out["补字"] = f"{faces}（{len(self._fallback_chars)} 字子集）"
        return out


def _fallback_face(path: Path) -> tuple[Path, int, str] | None:
    """The simplified-Chinese face of a Noto / Source Han file, or its first face."""
    cands = _read_candidates(path)
    for wanted in FALLBACK_FAMILIES:
        for cand in cands:
            if _norm(wanted) in cand.names:
                return (path, cand.index, wanted)
    if cands:   # an unknown Noto/Source Han layout: take its first face
        first = cands[0]
        return (path, first.index, next(iter(first.names.values()), path.stem))
    return None


class _Cmap:
    """Unicode -> glyph id straight from the raw cmap table (fontTools' own decoder
    takes ~0.1 s on the 44 000-character Noto CJK cmap; this takes a few ms)."""

    def __init__(self, font):
        import struct
        from bisect import bisect_right
        self._bisect = bisect_right
        data = font.reader["cmap"]
        _, count = struct.unpack_from(">HH", data, 0)
        records = [struct.unpack_from(">HHI", data, 4 + 8 * i) for i in range(count)]
        by_kind = {}
        for plat, enc, off in records:
            fmt = struct.unpack_from(">H", data, off)[0]
            by_kind.setdefault((plat, enc, fmt), off)
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.gids: list[int] = []
        self.table: dict[int, int] = {}
        for kind in ((3, 10, 12), (0, 6, 12), (0, 4, 12), (3, 1, 4), (0, 3, 4), (0, 4, 4)):
            off = by_kind.get(kind)
            if off is None:
                continue
            if kind[2] == 12:
                n = struct.unpack_from(">I", data, off + 12)[0]
                for start, end, gid in struct.iter_unpack(">III", data[off + 16: off + 16 + 12 * n]):
                    self.starts.append(start)
                    self.ends.append(end)
                    self.gids.append(gid)
            else:
                seg2 = struct.unpack_from(">H", data, off + 6)[0]
                seg = seg2 // 2
                ends = struct.unpack_from(f">{seg}H", data, off + 14)
                starts = struct.unpack_from(f">{seg}H", data, off + 16 + seg2)
                deltas = struct.unpack_from(f">{seg}h", data, off + 16 + 2 * seg2)
                ro_pos = off + 16 + 3 * seg2
                ranges = struct.unpack_from(f">{seg}H", data, ro_pos)
                for k in range(seg):
                    for cp in range(starts[k], ends[k] + 1):
                        if cp == 0xFFFF:
                            continue
                        if ranges[k] == 0:
                            gid = (cp + deltas[k]) & 0xFFFF
                        else:
                            pos = ro_pos + 2 * k + ranges[k] + 2 * (cp - starts[k])
                            gid = struct.unpack_from(">H", data, pos)[0] if pos + 2 <= len(data) else 0
                            gid = (gid + deltas[k]) & 0xFFFF if gid else 0
                        if gid:
                            self.table[cp] = gid
            return

    def get(self, cp: int) -> int:
        if self.table:
            return self.table.get(cp, 0)
        k = self._bisect(self.starts, cp) - 1
        if k >= 0 and cp <= self.ends[k]:
            return self.gids[k] + cp - self.starts[k]
        return 0

    def __contains__(self, cp: int) -> bool:
        return self.get(cp) != 0


def build_subset(path: Path, index: int, chars: Iterable[str], suffix: str = "") -> bytes:
    """TrueType bytes holding just chars from the CFF or TrueType font at path.

    Outlines are read from the source's CFF (or glyf) table glyph by glyph and
    converted with cu2qu; the font is rebuilt with FontBuilder, which is much
    faster than fontTools.subset on a 65 535-glyph CJK font.  The PostScript
    name gets ``suffix`` so that different subsets embedded in one PDF never
    share a BaseFont name."""
    import struct
    from fontTools.ttLib import TTFont  # lazy: fontTools only to convert or subset a font

    src = TTFont(str(path), fontNumber=index, lazy=True)
    try:
        cmap = _Cmap(src)
        wanted = {ord(c): cmap.get(ord(c)) for c in chars}
        wanted = {cp: gid for cp, gid in sorted(wanted.items()) if gid}
        reader = src.reader
        upem = struct.unpack_from(">H", reader["head"], 18)[0]
        hhea = reader["hhea"]
        gid_name: dict[int, str] = {0: ".notdef"}
        for cp, gid in wanted.items():
            if gid not in gid_name:
                gid_name[gid] = f"g{gid}"
        glyphs, metrics = _subset_outlines(src, gid_name)
        strings, ps = _subset_names(src, suffix)
        os2 = src["OS/2"]
        h = struct.unpack_from(">hhh", hhea, 4)
    finally:
        src.close()
    return _subset_font(upem, gid_name, {cp: gid_name[gid] for cp, gid in wanted.items()}, glyphs, metrics, h,
                        strings, ps, os2)


def _subset_outlines(src, gid_name: dict[int, str]) -> tuple[dict, dict[str, tuple[int, int]]]:
    """The glyphs of `gid_name` as quadratic TrueType glyphs, and their (advance, lsb)."""
    import struct
    from fontTools.pens.cu2quPen import Cu2QuPen  # lazy: fontTools only to convert or subset a font
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    hmtx = src.reader["hmtx"]
    n_hmetrics = struct.unpack_from(">H", src.reader["hhea"], 34)[0]
    cubic = "glyf" not in src                  # CFF/CFF2: counter-clockwise cubics
    draw = _glyph_drawer(src)
    glyphs = {}
    metrics = {}
    for gid, name in gid_name.items():
        pen = TTGlyphPen(None)
        draw(gid, Cu2QuPen(pen, 1.0, reverse_direction=cubic))
        glyph = pen.glyph(dropImpliedOnCurves=True)
        glyphs[name] = glyph
        glyph.recalcBounds(None)
        advance = struct.unpack_from(">H", hmtx, 4 * min(gid, n_hmetrics - 1))[0]
        metrics[name] = (advance, glyph.xMin if glyph.numberOfContours else 0)
    return glyphs, metrics


def _glyph_drawer(src) -> Callable[[int, object], None]:
    """draw(gid, pen): the source's outline of a glyph; a TrueType source's
    composite glyphs decomposed."""
    order = src.getGlyphOrder()
    if "CFF " in src:
        charstrings = src["CFF "].cff.topDictIndex[0].CharStrings

        def draw(gid: int, pen) -> None:
            charstrings[order[gid]].draw(pen)
        return draw
    # lazy: fontTools only to convert or subset a font
    from fontTools.pens.recordingPen import DecomposingRecordingPen
    glyph_set = src.getGlyphSet()

    def draw_decomposed(gid: int, pen) -> None:
        rec = DecomposingRecordingPen(glyph_set)
        glyph_set[order[gid]].draw(rec)
        rec.replay(pen)
    return draw_decomposed


def _subset_names(src, suffix: str) -> tuple[dict[int, str], str]:
    """The source's name strings the subset keeps, by name ID, its PostScript
    name (6) with `suffix`; and that name as the source has it."""
    name_src = src["name"]
    strings = {}
    for nid in (0, 1, 2, 3, 4, 5, 6, 13, 14):
        text = name_src.getDebugName(nid)
        if text:
            strings[nid] = text
    ps = strings.get(6, "Fallback")
    if suffix:
        strings[6] = f"{ps[:50]}-{suffix}"
    return strings, ps


def _subset_font(upem: int, gid_name: dict[int, str], cmap: dict[int, str], glyphs: dict,
                 metrics: dict[str, tuple[int, int]], h: tuple[int, int, int], strings: dict[int, str], ps: str,
                 os2) -> bytes:
    """The subset as TrueType bytes, built with FontBuilder (no time stamps)."""
    from fontTools.fontBuilder import FontBuilder  # lazy: fontTools only to convert or subset a font

    fb = FontBuilder(upem, isTTF=True)
    fb.setupGlyphOrder(list(gid_name.values()))
    fb.setupCharacterMap(cmap)
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics(metrics)
    fb.setupHorizontalHeader(ascent=h[0], descent=h[1], lineGap=h[2])
    fb.setupNameTable({
        "copyright": strings.get(0, ""), "familyName": strings.get(1, ps),
        "styleName": strings.get(2, "Regular"), "uniqueFontIdentifier": strings.get(3, ps),
        "fullName": strings.get(4, ps), "version": strings.get(5, "Version 1.0"),
        "psName": strings.get(6, ps), "licenseDescription": strings.get(13, ""), "licenseInfoURL": strings.get(14, ""),
    }, mac=False)
    fb.setupOS2(
        version=min(os2.version, 4), usWeightClass=os2.usWeightClass, usWidthClass=os2.usWidthClass,
        fsType=os2.fsType, sTypoAscender=os2.sTypoAscender, sTypoDescender=os2.sTypoDescender,
        sTypoLineGap=os2.sTypoLineGap, usWinAscent=os2.usWinAscent, usWinDescent=os2.usWinDescent,
        achVendID=os2.achVendID, panose=os2.panose, ulCodePageRange1=os2.ulCodePageRange1,
        ulCodePageRange2=os2.ulCodePageRange2, sxHeight=getattr(os2, "sxHeight", 0),
        sCapHeight=getattr(os2, "sCapHeight", 0), fsSelection=os2.fsSelection,
    )
    fb.setupPost()
    fb.setupMaxp()
    fb.updateHead(created=0, modified=0)
    buf = io.BytesIO()
    fb.font.save(buf)
    return buf.getvalue()


_DEFAULT: FontBook | None = None


def default_book() -> FontBook:
    """A process-wide FontBook with the default search folders."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = FontBook()
    return _DEFAULT
