"""WordprocessingML as element trees (lxml): typed units, elements built with
their children in schema order, and a zip container whose bytes depend only
on its content (fixed entry order and timestamps, no random ids)."""
from __future__ import annotations

import functools
import re
from typing import NewType

from lxml import etree

from ..zipped import fixed_zip

# Units.  OOXML measures page geometry in twips (1/20 pt), borders in 1/8 pt,
# font sizes in half-points and drawings in EMU (1/36000 mm).
Twips = NewType("Twips", int)
Emu = NewType("Emu", int)
TWIPS_PER_MM = 1440 / 25.4


def twips(mm: float) -> Twips:
    return Twips(round(mm * TWIPS_PER_MM))


def emu(mm: float) -> Emu:
    return Emu(round(mm * 36000))


def mm_of_twips(t: float) -> float:
    return t / TWIPS_PER_MM


def half_points(size_pt: float) -> int:
    return max(2, int(size_pt * 2 + 1e-6))           # rounded down: never wider than the PDF


def eighths(thickness_mm: float) -> int:
    """A border's width in Word's eighths of a point."""
    return max(2, round(thickness_mm * 72 / 25.4 * 8))


NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "xml": "http://www.w3.org/XML/1998/namespace",
}

# Schema order of the children of the elements we build (Word rejects other orders).
ORDER = {
    "w:pPr": ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "widowControl", "pBdr", "tabs", "kinsoku",
              "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "adjustRightInd",
              "snapToGrid", "spacing", "ind", "jc", "textAlignment", "rPr", "sectPr"),
    "w:rPr": ("rFonts", "color", "spacing", "w", "position", "sz", "szCs", "lang"),
    "w:sectPr": ("footerReference", "type", "pgSz", "pgMar", "cols", "titlePg", "docGrid"),
    "w:tblPr": ("tblW", "tblInd", "tblBorders", "tblLayout", "tblCellMar", "tblLook"),
    "w:trPr": ("cantSplit", "trHeight", "tblHeader"),
}


@functools.cache
def qn(tag: str) -> str:
    """`w:p` → `{…/main}p` (cached: a notice's DOCX names some 1 700 of them)."""
    prefix, _, local = tag.partition(":")
    return f"{{{NS[prefix]}}}{local}"


# ORDER as each child's rank, by its Clark name: sorting by it costs no lookups in tuples
_RANK = {tag: {qn(f"w:{name}"): i for i, name in enumerate(names)} for tag, names in ORDER.items()}
_BAD_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def el(tag: str, *children: etree._Element | None, attrs: dict[str, object] | None = None, text: str | None = None,
       **w_attrs: object) -> etree._Element:
    """An element: `attrs` with prefixed names (`r:id`, `distT`), `w_attrs`
    in the w: namespace (val=…); None children are left out, and the
    children of elements listed in ORDER are put in schema order."""
    e = etree.Element(qn(tag))
    if text is not None:
        e.text = text
    if attrs:
        for k, v in attrs.items():
            if v is not None:
                e.set(qn(k) if ":" in k else k, str(v))
    for k, v in w_attrs.items():
        if v is not None:
            e.set(qn("w:" + k), str(v))
    kids = [c for c in children if c is not None]
    rank = _RANK.get(tag)
    if rank and len(kids) > 1:
        kids.sort(key=lambda c: rank[c.tag])
    e.extend(kids)
    return e


def on(tag: str, value: bool | None) -> etree._Element | None:
    """A toggle property: True → present, False → w:val="0", None → absent."""
    return None if value is None else el(tag) if value else el(tag, val=0)


def text_run(s: str, rpr: etree._Element | None = None) -> etree._Element:
    text = _BAD_XML.sub("", re.sub(r"[\r\n\t]", " ", s))
    return el("w:r", rpr, el("w:t", attrs={"xml:space": "preserve"}, text=text))


def serialise(root: etree._Element) -> bytes:
    """A part's XML.  Elements built apart take their parent's namespace
    prefixes when appended (lxml reconciles them), so each is declared once, on the root."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def root(tag: str, *prefixes: str) -> etree._Element:
    return etree.Element(qn(tag), nsmap={p: NS[p] for p in prefixes})


# --- the package ------------------------------------------------------------

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
CT = {"main": f"{WML}.document.main+xml", **{k: f"{WML}.{k}+xml" for k in ("styles", "settings", "fontTable", "footer")},
      "core": "application/vnd.openxmlformats-package.core-properties+xml",
      "app": "application/vnd.openxmlformats-officedocument.extended-properties+xml"}
IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg"}


class Package:
    """Parts of a WordprocessingML package, written in the order they were added."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, bytes]] = []
        self.types = {"rels": "application/vnd.openxmlformats-package.relationships+xml", "xml": "application/xml"}
        self.overrides: list[tuple[str, str]] = [("/word/document.xml", CT["main"])]
        self.rels: list[tuple[str, str, str]] = []    # from word/document.xml: (id, type, target)

    def add(self, name: str, data: bytes | etree._Element, content_type: str | None = None) -> None:
        self.parts.append((name, data if isinstance(data, bytes) else serialise(data)))
        if content_type:
            self.overrides.append(("/" + name, CT[content_type]))

    def relate(self, rel_type: str, target: str) -> str:
        """A relationship from word/document.xml; returns its id (rId1, rId2 … in order)."""
        self.rels.append((f"rId{len(self.rels) + 1}", f"{REL}/{rel_type}", target))
        return self.rels[-1][0]

    def image(self, data: bytes, ext: str) -> str:
        n = sum(1 for name, _ in self.parts if name.startswith("word/media/")) + 1
        self.add(f"word/media/image{n}.{ext}", data)
        self.types.setdefault(ext, IMAGE_TYPES.get(ext, "application/octet-stream"))
        return self.relate("image", f"media/image{n}.{ext}")

    def to_bytes(self) -> bytes:
        types = etree.Element(f"{{{CT_NS}}}Types", nsmap={None: CT_NS})
        types.extend(etree.Element(f"{{{CT_NS}}}Default", Extension=e, ContentType=t) for e, t in sorted(self.types.items()))
        types.extend(etree.Element(f"{{{CT_NS}}}Override", PartName=n, ContentType=t) for n, t in self.overrides)
        core = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
        root_rels = [("rId1", f"{REL}/officeDocument", "word/document.xml"), ("rId2", core, "docProps/core.xml"),
                     ("rId3", f"{REL}/extended-properties", "docProps/app.xml")]
        entries = [("[Content_Types].xml", serialise(types)), ("_rels/.rels", _rels(root_rels)),
                   ("word/_rels/document.xml.rels", _rels(self.rels)), *self.parts]
        return fixed_zip(entries, 0)


def _rels(rels: list[tuple[str, str, str]]) -> bytes:
    r = etree.Element(f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL})
    r.extend(etree.Element(f"{{{PKG_REL}}}Relationship", Id=i, Type=t, Target=g) for i, t, g in rels)
    return serialise(r)
