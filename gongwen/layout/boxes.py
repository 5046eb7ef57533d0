"""What layout produces: pages of positioned items, in millimetres from the
top-left corner of the page.  Writers draw these and decide nothing."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import spec


@dataclass(frozen=True)
class TextRun:
    """Characters of one face and size, each at its own x (already justified)."""
    text: str
    xs: tuple[float, ...]      # left edge of each character
    baseline: float
    face: str                  # FontBook face key (a role's face or the fallback)
    role: str                  # the role the text asked for (DOCX names its official font)
    size: float                # pt
    hscale: float = 1.0        # horizontal compression (发文机关标志)
    color: tuple[float, float, float] = spec.BLACK_RGB
    element: str = "正文"      # which element of the 公文 this belongs to


@dataclass(frozen=True)
class Rule:
    x0: float
    x1: float
    y: float                   # centre line of the stroke
    thickness: float           # mm
    color: tuple[float, float, float] = spec.BLACK_RGB
    element: str = "版记"


@dataclass(frozen=True)
class VRule:
    """A vertical rule (table borders)."""
    x: float
    y0: float
    y1: float
    thickness: float
    color: tuple[float, float, float] = spec.BLACK_RGB
    element: str = "表格"


@dataclass(frozen=True)
class Image:
    path: Path
    x: float
    y: float                   # top edge
    width: float
    height: float
    element: str = "印章"


Item = TextRun | Rule | VRule | Image


@dataclass
class Page:
    number: int                       # physical page number, 1-based
    items: list[Item] = field(default_factory=list)
    show_number: bool = True          # blank pages and a 版记 page behind one carry none (§7.5)
    kind: str = "body"                # body | attachment | blank | imprint | external
    external: tuple[Path, int] | None = None   # an appended PDF page (file, index)
    # Landscape pages (§8): content in the turned frame (spec.landscape_to_page);
    # `items` keeps what stays upright, such as the page number.
    rotated_items: list[Item] = field(default_factory=list)

    def texts(self, element: str | None = None) -> list[TextRun]:
        return [i for i in self.items if isinstance(i, TextRun) and (element is None or i.element == element)]


@dataclass
class LaidLine:
    """One printed line of text as the line breaker decided it (shared with DOCX)."""
    element: str
    text: str
    page: int
    line: int | None                  # grid line 1…22, None off the grid (版头)
    carried: bool = False             # went over with the signature block (§7.3.5.4): keep with it


@dataclass
class Layout:
    pages: list[Page]
    lines: list[LaidLine]             # every line in reading order
    title_lines: tuple[str, ...]      # the 标题 as broken (DOCX prints the same breaks)
    fonts: dict[str, str]             # role → family actually used
    imprint_page: int | None = None   # physical page of the 版记
    blank_pages: tuple[int, ...] = ()
    # em top of the page-number line (its dashes' ink 7 mm below the 版心, §7.5):
    # the DOCX footer and the OFD place the number from this
    page_number_top: float = spec.PAGE_NUMBER_DASH_TOP
