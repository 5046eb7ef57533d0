"""What layout produces: pages of positioned items, in millimetres from the
top-left corner of the page.  Writers draw these and decide nothing."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from .. import spec
from ..elements import Element
from ..model import Span


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
    element: str = Element.BODY   # which element of the 公文 this belongs to
    advances: tuple[float, ...] = ()   # mm each character takes as placed (tracking and scale included)
    tracking: float = 0.0      # mm of tracking inside each advance (the 28-character grid)

    @property
    def end(self) -> float:
        """Right edge of the last character's advance."""
        return self.xs[-1] + self.advances[-1] if self.xs else 0.0

    def part(self, a: int, b: int) -> "TextRun":
        """Its characters a … b−1 as placed (a line cut at its tab stops)."""
        return replace(self, text=self.text[a:b], xs=self.xs[a:b], advances=self.advances[a:b])


@dataclass(frozen=True)
class Rule:
    x0: float
    x1: float
    y: float                   # centre line of the stroke
    thickness: float           # mm
    color: tuple[float, float, float] = spec.BLACK_RGB
    element: str = Element.IMPRINT


@dataclass(frozen=True)
class VRule:
    """A vertical rule (table borders)."""
    x: float
    y0: float
    y1: float
    thickness: float
    color: tuple[float, float, float] = spec.BLACK_RGB
    element: str = Element.TABLE


@dataclass(frozen=True)
class Image:
    """An image in the box it is drawn in: already fitted to its proportions."""
    path: Path
    x: float
    y: float                   # top edge
    width: float
    height: float
    element: str = Element.SEAL
    # the line it belongs with (a seal: its 署名), which it moves with in an editor
    anchor: "LaidLine | None" = field(default=None, compare=False)


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
    # §7.3.5.4: a signature's page may set its lines closer, from line `pitch_from` on
    pitch: float = spec.LINE_PITCH
    pitch_from: int = 1

    def line_top(self, k: int) -> float:
        """Top of grid line k on this page."""
        return spec.line_top(min(k, self.pitch_from)) + max(0, k - self.pitch_from) * self.pitch

    def texts(self, element: str | None = None) -> list[TextRun]:
        return [i for i in self.items if isinstance(i, TextRun) and (element is None or i.element == element)]


class Align(StrEnum):
    """How layout set a line in its frame (the values are WordprocessingML's)."""
    LEFT = "left"
    CENTRE = "center"
    RIGHT = "right"
    JUSTIFY = "both"


class TabKind(StrEnum):
    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True)
class Tab:
    """A piece of a line set apart from what precedes it (签名章's name beside the
    title, 印发日期 flush right, one organ's 署名 in a row): from character
    `index` on, starting at x (LEFT) or ending at x (RIGHT), mm."""
    index: int
    kind: TabKind
    x: float


@dataclass(frozen=True)
class Origin:
    """The model object a line came from."""
    attachment: int | None = None     # 附件 number (its label, title, content); None: the document itself
    block: int | None = None          # index of the paragraph or table in 正文 or in the 附件's content
    level: int = 0                    # that paragraph's heading level (0: text)
    row: int | None = None            # table row (0: the header)
    item: int | None = None           # n-th item of a list field (署名, 附件说明 entry, 出席 entry, 签发人), 1-based
    run_in: bool = False              # a heading run into its text (one paragraph)


@dataclass
class LaidLine:
    """One printed line of text as layout set it: which element and model
    object it belongs to, how it was aligned, and its runs.  Writers group
    lines by `origin` and read alignment, indents and tabs from here."""
    element: str
    text: str
    page: int
    line: int | None                  # grid line 1…22, None off the grid (版头)
    carried: bool = False             # went over with the signature block (§7.3.5.4): keep with it
    origin: Origin = Origin()
    first: bool = True                # first line of its paragraph (or table row, list item)
    last: bool = True                 # last line of it
    align: Align = Align.LEFT
    runs: tuple[TextRun, ...] = ()
    frame: tuple[float, float] = (spec.TYPE_LEFT, spec.TYPE_RIGHT)   # left and right edge it was set in
    wrap: float | None = None         # x where its paragraph's lines after the first start
    tabs: tuple[Tab, ...] = ()
    cells: tuple[int, ...] = ()       # table lines: the column of each character
    edges: tuple[float, ...] = ()     # table lines: the column edges, left to right
    block: int = -1                   # the layout block it was placed in
    # kept on its page with the line after it, as the flow kept it (flow.kept_with_next):
    # a heading with its text, the signature block and what went over with it
    keep_with_next: bool = False
    # a 正文 paragraph's line as the data has it: its spans, with the spaces after it that the
    # line break dropped in print (an editable copy keeps them; flow.Row.source)
    source: tuple[Span, ...] | None = None
    # begins a page the flow began on purpose (layout._mark_breaks): a writer whose text
    # flows again must break before it, its lines would not run out there
    break_before: bool = False
    # a table's header again atop a page the table runs on to: a writer whose tables repeat
    # their header row themselves leaves it out
    repeated: bool = False

    @property
    def x(self) -> float:
        """Left edge of its first character."""
        return self.runs[0].xs[0] if self.runs else self.frame[0]

    @property
    def end(self) -> float:
        return max(r.end for r in self.runs) if self.runs else self.frame[0]

    @property
    def size(self) -> float:
        return self.runs[0].size if self.runs else spec.BODY_SIZE


@dataclass
class Layout:
    pages: list[Page]
    lines: list[LaidLine]             # every line in reading order
    title_lines: tuple[str, ...]      # the 标题 as broken
    fonts: dict[str, str]             # role → family actually used
    imprint_page: int | None = None   # physical page of the 版记 (its first, when it is taller than a page)
    blank_pages: tuple[int, ...] = ()
    # em top of the page-number line (its dashes' ink 7 mm below the 版心, §7.5):
    # the DOCX footer and the OFD place the number from this
    page_number_top: float = spec.PAGE_NUMBER_DASH_TOP

    def line_top(self, page: int, k: int) -> float:
        """Top of grid line k on physical page `page` (its own pitch, spec.SIGNATURE_PAGE_MIN_PITCH)."""
        return self.pages[page - 1].line_top(k) if 0 < page <= len(self.pages) else spec.line_top(k)
