"""ReportLab's parse of a TrueType face, cached on disk.

ReportLab reads a font's cmap, hmtx and loca tables with one Python call per
number: about 25 ms for a 7 MB Fandol face, 130 ms for the five faces a notice
uses — the largest single cost of a cold run.  What the parse produces is plain
data, so:

* the character map and widths (``charToGlyph``, ``charWidths``) and the
  scalars are stored with ``marshal`` — which holds only plain data, never
  objects or code — in ``fonts/.cache/`` (git-ignored) and read back in about a
  millisecond per face;
* ``glyphToChar`` (only used for shaping) is stored too but decoded on first use;
* ``hmetrics`` and ``glyphPos``, which only subsetting reads, a few entries per
  document, are not stored at all: they are read from the font's own hmtx and
  loca tables entry by entry, exactly as ReportLab computes them (checked entry
  for entry against ReportLab's lists before a cache file is written).

The font file is mapped into memory instead of read: subsetting touches only
the pages holding the glyphs it copies, and makeSubset's copy of the whole
``glyf`` table (megabytes, per font and document) becomes a window on the map.

A cache file is never trusted blindly.  It is used only when

* its name matches the font's path, face index, size and modification time and
  the ReportLab version (any change gives another file name);
* its header repeats the same values and the cache format;
* the font's table directory (offsets, lengths and checksums of every table) is
  byte for byte the one recorded, so a font replaced under the same size and
  time is still noticed;
* the values have the types and shapes ReportLab's parse gives.

Otherwise the font is parsed by ReportLab as before and the cache rewritten
(atomically; a cache that cannot be written only costs time).  The PDF is the
same byte for byte with or without the cache (a test compares them);
``GONGWEN_NO_FONT_CACHE=1`` turns it off.
"""
from __future__ import annotations

import hashlib
import marshal
import mmap
import os
import struct
from pathlib import Path

from .files import try_atomic_write

FORMAT = 3
_SKIP = {"_ttf_data", "_pdfScale", "_pos", "hmetrics", "glyphPos"}   # rebuilt on load
_LAZY = ("glyphToChar",)            # stored, decoded on first use
_NAMES = "__ttfname__"               # tag for TTFNameBytes values
_TYPES = (dict, list, tuple, int, float, str, bytes, bool, type(None))


def load_ttfont(key: str, path: Path, index: int, cache_dir: Path | None):
    """A ReportLab ``TTFont`` named key for face index of the TrueType file at
    path: from the cache when a valid one exists, else parsed (and cached)."""
    from reportlab.pdfbase.ttfonts import TTFont  # lazy: ReportLab (~35 ms) only where a PDF is drawn or a face parsed
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        return TTFont(key, str(path), subfontIndex=index)   # ReportLab reports the problem
    if cache_dir is None:
        return TTFont(key, str(path), subfontIndex=index)
    target = _cache_file(path, index, st, cache_dir)
    data = _map(path, st)
    if data is not None:
        font = _from_cache(key, path, index, st, target, data)
        if font is not None:
            return font
    font = TTFont(key, str(path), subfontIndex=index)
    _store(font, index, st, target)
    return font


def _cache_file(path: Path, index: int, st: os.stat_result, cache_dir: Path) -> Path:
    import reportlab  # lazy: ReportLab (~35 ms) only where a PDF is drawn or a face parsed
    tag = hashlib.sha1(
        f"{path.resolve()}|{index}|{st.st_size}|{st.st_mtime_ns}|{reportlab.Version}|{FORMAT}".encode()
    ).hexdigest()[:16]
    stem = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "-" for ch in path.stem)
    return cache_dir / f"rl-{stem[:40]}-{index}-{tag}.marshal"


def _map(path: Path, st: os.stat_result):
    """The file's bytes as a read-only memory map, or None."""
    if st.st_size < 12:
        return None
    try:
        with open(path, "rb") as fh:
            return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None


# -- the font's own tables, read where ReportLab reads them ------------------

def _subfont_offset(data, index: int) -> int | None:
    if len(data) < 12:
        return None
    if bytes(data[:4]) != b"ttcf":
        return 0
    count = struct.unpack_from(">L", data, 8)[0]
    if not 0 <= index < count or 12 + 4 * (index + 1) > len(data):
        return None
    return struct.unpack_from(">L", data, 12 + 4 * index)[0]


def _directory(data, offset: int) -> bytes | None:
    """The sfnt header and table directory of the face at offset."""
    if offset + 12 > len(data):
        return None
    n = struct.unpack_from(">H", data, offset + 4)[0]
    end = offset + 12 + 16 * n
    if end > len(data):
        return None
    return bytes(data[offset:end])


class _HMetrics:
    """``TTFontFile.hmetrics`` computed on demand from the hmtx table: (advance,
    lsb) as unsigned shorts; past numberOfHMetrics the advance is the last one
    *scaled* to 1000 units per em and the lsb comes from the trailing array —
    just as ReportLab's loop leaves them."""
    __slots__ = ("data", "pos", "nh", "n", "tail_aw")

    def __init__(self, data, pos: int, nh: int, n: int, scale):
        self.data, self.pos, self.nh, self.n = data, pos, nh, n
        self.tail_aw = scale(struct.unpack_from(">H", data, pos + 4 * (nh - 1))[0])

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, g):
        if isinstance(g, slice):
            return [self[i] for i in range(*g.indices(self.n))]
        if g < 0:
            g += self.n
        if not 0 <= g < self.n:
            raise IndexError(g)
        if g < self.nh:
            return struct.unpack_from(">HH", self.data, self.pos + 4 * g)
        return (self.tail_aw, struct.unpack_from(">H", self.data, self.pos + 4 * self.nh + 2 * (g - self.nh))[0])


class _GlyphPos:
    """``TTFontFile.glyphPos`` computed on demand from the loca table."""
    __slots__ = ("data", "pos", "long", "n")

    def __init__(self, data, pos: int, long: bool, n: int):
        self.data, self.pos, self.long, self.n = data, pos, long, n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self.n))]
        if i < 0:
            i += self.n
        if not 0 <= i < self.n:
            raise IndexError(i)
        if self.long:
            return struct.unpack_from(">L", self.data, self.pos + 4 * i)[0]
        return struct.unpack_from(">H", self.data, self.pos + 2 * i)[0] << 1


def _tables(data, table: dict, num_glyphs: int, scale) -> tuple[_HMetrics, _GlyphPos] | None:
    try:
        hhea, head = table["hhea"]["offset"], table["head"]["offset"]
        nh = struct.unpack_from(">H", data, hhea + 34)[0]
        long = struct.unpack_from(">H", data, head + 50)[0] == 1
        loca = table["loca"]["offset"]
        if not 0 < nh <= num_glyphs or loca + (4 if long else 2) * (num_glyphs + 1) > len(data) \
                or table["hmtx"]["offset"] + 4 * nh + 2 * (num_glyphs - nh) > len(data):
            return None
        return (_HMetrics(data, table["hmtx"]["offset"], nh, num_glyphs, scale),
                _GlyphPos(data, loca, long, num_glyphs + 1))
    except (KeyError, TypeError, struct.error):
        return None


# -- writing -------------------------------------------------------------------

def _store(font, index: int, st: os.stat_result, target: Path) -> None:
    # lazy: ReportLab (~35 ms) only where a PDF is drawn or a face parsed
    from reportlab.pdfbase.ttfonts import TTFNameBytes
    face = font.face
    data = face._ttf_data
    offset = _subfont_offset(data, index)
    directory = _directory(data, offset) if offset is not None else None
    if directory is None:
        return
    # Only cache what we reproduce exactly: the on-demand tables must equal
    # ReportLab's lists entry for entry.
    tables = _tables(data, face.table, face.numGlyphs, face._pdfScale)
    if tables is None or tables[0][:] != face.hmetrics or tables[1][:] != face.glyphPos:
        return
    attrs, lazy = {}, {}
    for k, v in face.__dict__.items():
        if k in _SKIP:
            continue
        if isinstance(v, TTFNameBytes):
            v = (_NAMES, v.ustr)
        elif not isinstance(v, _TYPES):
            return                       # something we cannot store faithfully: no cache
        attrs[k] = v
    try:
        for k in _LAZY:
            lazy[k] = marshal.dumps(attrs.pop(k))
        import reportlab  # lazy: ReportLab (~35 ms) only where a PDF is drawn or a face parsed
        blob = marshal.dumps({"format": FORMAT, "reportlab": reportlab.Version, "size": st.st_size,
                              "mtime_ns": st.st_mtime_ns, "index": index, "offset": offset,
                              "directory": directory, "attrs": attrs, "lazy": lazy})
    except (KeyError, ValueError):
        return
    try_atomic_write(target, blob)


# -- reading -------------------------------------------------------------------

def _from_cache(key: str, path: Path, index: int, st: os.stat_result, target: Path, data):
    try:
        blob = target.read_bytes()
    except OSError:
        return None
    try:
        record = marshal.loads(blob)
    except (EOFError, ValueError, TypeError):
        return None
    import reportlab  # lazy: ReportLab (~35 ms) only where a PDF is drawn or a face parsed
    if not isinstance(record, dict) or record.get("format") != FORMAT \
            or record.get("reportlab") != reportlab.Version or record.get("size") != st.st_size \
            or record.get("mtime_ns") != st.st_mtime_ns or record.get("index") != index \
            or len(data) != st.st_size:
        return None
    attrs, lazy = record.get("attrs"), record.get("lazy")
    if not isinstance(attrs, dict) or not _plausible(attrs) or not isinstance(lazy, dict) \
            or set(lazy) != set(_LAZY) or not all(isinstance(b, bytes) for b in lazy.values()):
        return None
    offset = _subfont_offset(data, index)
    if offset is None or offset != record.get("offset") or _directory(data, offset) != record.get("directory"):
        return None
    return _build(key, attrs, lazy, data, path, index)


def _plausible(a: dict) -> bool:
    """The shapes ReportLab's own parse gives (a damaged or foreign record fails)."""
    try:
        n = a["numGlyphs"]
        return (isinstance(n, int) and n > 0
                and isinstance(a["charToGlyph"], dict) and isinstance(a["charWidths"], dict)
                and isinstance(a["table"], dict) and all(isinstance(t, dict) for t in a["table"].values())
                and isinstance(a["unitsPerEm"], int) and a["unitsPerEm"] > 0
                and all(isinstance(a[k], tuple) and len(a[k]) == 2 and a[k][0] == _NAMES
                        for k in ("name", "familyName", "styleName", "fullName", "uniqueFontID"))
                and all(t in a["table"] for t in ("glyf", "loca", "hmtx", "hhea", "head")))
    except (KeyError, TypeError):
        return False


def _names(ustr: str):
    # lazy: ReportLab (~35 ms) only where a PDF is drawn or a face parsed
    from reportlab.pdfbase.ttfonts import TTFNameBytes
    b = bytes.__new__(TTFNameBytes, ustr.encode("utf8"))
    b.ustr = ustr
    return b


_CachedFace = None


def _face_class():
    """TTFontFace with lazily decoded attributes and a copy-free glyf table."""
    global _CachedFace
    if _CachedFace is not None:
        return _CachedFace
    # lazy: ReportLab (~35 ms) only where a PDF is drawn or a face parsed
    from reportlab.pdfbase.ttfonts import TTFontFace

    class CachedFace(TTFontFace):
        def __getattr__(self, name):          # only called for attributes not set
            lazy = self.__dict__.get("_gw_lazy")
            if not lazy or name not in lazy:
                raise AttributeError(name)
            try:
                value = marshal.loads(lazy[name])
            except (EOFError, ValueError, TypeError):
                value = None
            if not isinstance(value, dict):   # damaged: take ReportLab's own parse
                value = getattr(TTFontFace(self._gw_path, subfontIndex=self._gw_index), name)
            del lazy[name]
            self.__dict__[name] = value
            return value

        def makeSubset(self, subset):
            # A pure function of the font and the subset: the same subset (the
            # faces of a title or page numbers in a batch, every face of
            # numbered copies) is cut once per process.
            key = (self._gw_path, self._gw_index, tuple(subset))
            data = _memo_get(_SUBSETS, key)
            if data is None:
                data = _memo_put(_SUBSETS, key, super().makeSubset(subset))
            return data

        def addSubsetObjects(self, doc, fontname, subset):
            ref = super().addSubsetObjects(doc, fontname, subset)
            # Compress an identical font program once per process, too.
            stream = getattr(doc, "idToObject", {}).get(f"fontFile:{self.filename}({fontname})")
            if stream is not None and getattr(stream, "filters", None) == [_flate()]:
                stream.filters = [_MemoFlate()]
            return ref

        def get_table(self, tag):
            # makeSubset copies the whole glyf table (megabytes) to cut a few
            # glyphs out of it; a window on the mapped file gives the same bytes.
            if tag == "glyf":
                pos, length = self.get_table_pos(tag)
                return _Window(self._ttf_data, pos, length)
            return super().get_table(tag)

    _CachedFace = CachedFace
    return CachedFace


_SUBSETS: dict = {}            # (font, index, subset) → TrueType bytes, most recent last
_DEFLATED: dict = {}           # (length, sha1) of a font program → its Flate stream
_MEMO_SIZE = 24


def _memo_get(memo: dict, key):
    value = memo.pop(key, None)
    if value is not None:
        memo[key] = value                  # most recently used last
    return value


def _memo_put(memo: dict, key, value):
    memo[key] = value
    while len(memo) > _MEMO_SIZE:
        memo.pop(next(iter(memo)))
    return value


def _flate():
    # lazy: ReportLab (~35 ms) only where a PDF is drawn or a face parsed
    from reportlab.pdfbase.pdfdoc import PDFZCompress
    return PDFZCompress


class _MemoFlate:
    """ReportLab's Flate filter, remembering its output for identical input."""
    pdfname = "FlateDecode"

    def encode(self, text):
        if isinstance(text, str):
            text = text.encode("utf8")
        key = (len(text), hashlib.sha1(text).digest())
        out = _memo_get(_DEFLATED, key)
        if out is None:
            out = _memo_put(_DEFLATED, key, _flate().encode(text))
        return out

    def decode(self, encoded):
        return _flate().decode(encoded)


class _Window:
    """data[start:start+length] without the copy: slicing it gives bytes."""
    __slots__ = ("data", "start", "length")

    def __init__(self, data, start: int, length: int):
        self.data, self.start, self.length = data, start, length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, k):
        if not isinstance(k, slice) or k.step not in (None, 1):
            raise TypeError("_Window supports plain slices only")
        a, b, _ = k.indices(self.length)
        return bytes(self.data[self.start + a:self.start + max(a, b)])


def _build(key: str, attrs: dict, lazy: dict, data, path: Path, index: int):
    """A TTFont as ``TTFont(key, file)`` would build it, from the parsed values."""
    from fnmatch import fnmatch
    from weakref import WeakKeyDictionary

    from reportlab import rl_config  # lazy: ReportLab (~35 ms) only where a PDF is drawn or a face parsed
    from reportlab.pdfbase.ttfonts import TTEncoding, TTFont

    cls = _face_class()
    face = cls.__new__(cls)
    d = face.__dict__
    for k, v in attrs.items():
        if isinstance(v, tuple) and len(v) == 2 and v[0] == _NAMES:
            v = _names(v[1])
        d[k] = v
    upem = face.unitsPerEm
    if upem == 1000:
        face._pdfScale = lambda x: x
    else:
        mult = 1000 / upem
        face._pdfScale = lambda x: x * mult
    tables = _tables(data, face.table, face.numGlyphs, face._pdfScale)
    if tables is None:
        return None
    face.hmetrics, face.glyphPos = tables
    face._gw_lazy = dict(lazy)
    face._gw_path = str(path)
    face._gw_index = index
    face._ttf_data = data
    face._pos = 0

    font = TTFont.__new__(TTFont)
    font.fontName = key
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(key, g) for g in rl_config.unShapedFontGlob)   # as TTFont.__init__
    return font
