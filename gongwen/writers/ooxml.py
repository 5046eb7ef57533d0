"""OOXML package plumbing for the DOCX writer: units, XML text, and a zip
container whose bytes depend only on its content (fixed entry order, fixed
timestamps, no random ids), so the same data always gives the same file."""
from __future__ import annotations

import io
import zipfile

from ..xmltext import escape, quoteattr


# Units.  OOXML measures page geometry in twips (1/20 pt), borders in 1/8 pt,
# font sizes in half-points and drawings in EMU (1/36000 mm).
TWIPS_PER_MM = 1440 / 25.4
EMU_PER_MM = 36000


def twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


def emu(mm: float) -> int:
    return round(mm * EMU_PER_MM)


def mm_of_twips(t: float) -> float:
    return t / TWIPS_PER_MM


NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
}
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def xmlns(*prefixes: str) -> str:
    return " ".join(f'xmlns:{p}="{NS[p]}"' for p in prefixes)


def text(s: str) -> str:
    """Character data."""
    return escape(s)


def attr(s: str) -> str:
    """An attribute value, quoted."""
    return quoteattr(s)


# --- the package ------------------------------------------------------------

CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT = {
    "styles": "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml",
    "settings": "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml",
    "fontTable": "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml",
    "footer": "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
    "core": "application/vnd.openxmlformats-package.core-properties+xml",
    "app": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
}
IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "gif": "image/gif",
               "bmp": "image/bmp", "tif": "image/tiff", "tiff": "image/tiff"}

# A fixed, valid zip timestamp (the zip epoch): no clock time in the file.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class Package:
    """Parts of a WordprocessingML package, written in the order they were added."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, bytes]] = []
        self.overrides: list[tuple[str, str]] = []
        self.defaults: dict[str, str] = {"rels": "application/vnd.openxmlformats-package.relationships+xml",
                                         "xml": "application/xml"}
        self.doc_rels: list[tuple[str, str, str]] = []    # (id, type, target)

    def add(self, name: str, data: str | bytes, content_type: str | None = None) -> None:
        blob = data.encode("utf-8") if isinstance(data, str) else data
        self.parts.append((name, blob))
        if content_type:
            self.overrides.append(("/" + name, content_type))

    def relate(self, rel_type: str, target: str) -> str:
        """A relationship from word/document.xml; returns its id (rId1, rId2 … in order)."""
        rid = f"rId{len(self.doc_rels) + 1}"
        self.doc_rels.append((rid, f"{REL}/{rel_type}", target))
        return rid

    def image(self, data: bytes, ext: str) -> str:
        ext = ext.lower().lstrip(".")
        n = sum(1 for name, _ in self.parts if name.startswith("word/media/")) + 1
        name = f"word/media/image{n}.{ext}"
        self.add(name, data)
        self.defaults.setdefault(ext, IMAGE_TYPES.get(ext, "application/octet-stream"))
        return self.relate("image", f"media/image{n}.{ext}")

    def to_bytes(self) -> bytes:
        types = [XML_DECL, '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">']
        types += [f'<Default Extension="{e}" ContentType="{t}"/>' for e, t in sorted(self.defaults.items())]
        types += [f'<Override PartName="/word/document.xml" ContentType="{CT_MAIN}"/>']
        types += [f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in self.overrides]
        types.append("</Types>")
        root_rels = (XML_DECL + f'<Relationships xmlns="{PKG_REL}">'
                     f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/>'
                     '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
                     'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
                     f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/>'
                     "</Relationships>")
        doc_rels = (XML_DECL + f'<Relationships xmlns="{PKG_REL}">'
                    + "".join(f'<Relationship Id="{i}" Type="{t}" Target="{g}"/>' for i, t, g in self.doc_rels)
                    + "</Relationships>")
        entries = [("[Content_Types].xml", "".join(types).encode("utf-8")),
                   ("_rels/.rels", root_rels.encode("utf-8")),
                   ("word/_rels/document.xml.rels", doc_rels.encode("utf-8"))] + self.parts
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for name, blob in entries:
                info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 0
                z.writestr(info, blob, compresslevel=6)
        return buf.getvalue()
