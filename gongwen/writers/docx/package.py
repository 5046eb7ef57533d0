"""The package's other parts: styles (one per element, every font named
explicitly), settings (避头尾 as the layout applies it), the font table, the
footers with the page numbers, section properties and the core properties."""
from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

from lxml import etree

from ... import metadata, spec
from ...layout.text import NO_LINE_END, NO_LINE_START
from ...model import Document
from .body import text_box
from .ooxml import Twips, el, half_points, mm_of_twips, on, root, text_run, twips
from .properties import (BOTTOM, LEFT, PAGE_H, PAGE_W, PITCH, RIGHT, STYLE, STYLES, TOP, Style,
                         cell_margins, char_spacing, exact_line, fonts, ind, paragraph, rpr, spacing)

if TYPE_CHECKING:
    from . import Writer

# Landscape sections (§8): an A4 page 297 mm wide whose 版心 is the portrait
# 版心 turned.  Printed, a landscape page is turned a quarter to the left (its
# top at the left edge of the sheet), so a point (U, V) of it lies at
# (x, y) = (V, PAGE_HEIGHT − U) on the sheet: the 订口 (left margin) becomes the
# top margin, the bottom margin the left one.  As on portrait pages the grid
# lines must fill the text area exactly (LibreOffice centres a grid that leaves
# room over): the bottom margin takes what 15 lines leave of the 156 mm.
LS_W, LS_H = PAGE_H, PAGE_W
LS_TOP = twips(spec.LANDSCAPE_TOP)
LS_BOTTOM = Twips(LS_H - LS_TOP - spec.LANDSCAPE_LINES * PITCH)
LS_LEFT = twips(spec.PAGE_HEIGHT - spec.TYPE_BOTTOM)
LS_RIGHT = Twips(LS_W - LS_LEFT - twips(spec.LANDSCAPE_WIDTH))
PN_LINE = exact_line(spec.PAGE_NUMBER_SIZE)


# A portrait footer's one line ends at the page number's em box top (Layout.page_number_top) + its exact
# height: Word and LibreOffice set the footer's bottom that far above the paper's edge.  A landscape
# section's footer holds only the anchor of its page number.
LS_FOOTER_DISTANCE = LS_BOTTOM // 2


def sect_pr(number_top: float, odd_rid: str, even_rid: str, first_rid: str | None, new_page: bool = False,
            landscape: bool = False) -> etree._Element:
    w, h, top, right, bottom, left, dist = (LS_W, LS_H, LS_TOP, LS_RIGHT, LS_BOTTOM, LS_LEFT, LS_FOOTER_DISTANCE) \
        if landscape else (PAGE_W, PAGE_H, TOP, RIGHT, BOTTOM, LEFT, PAGE_H - twips(number_top) - PN_LINE)
    refs = [("default", odd_rid), ("even", even_rid)] + ([("first", first_rid)] if first_rid else [])
    return el("w:sectPr", *(el("w:footerReference", type=t, attrs={"r:id": rid}) for t, rid in refs),
              el("w:type", val="nextPage") if new_page else None,
              el("w:pgSz", w=w, h=h, orient="landscape" if landscape else None),
              el("w:pgMar", top=top, right=right, bottom=bottom, left=left, header=dist, footer=dist, gutter=0),
              el("w:cols", space=720), el("w:titlePg") if first_rid else None,
              el("w:docGrid", type="lines", linePitch=PITCH))


# --- page numbers ------------------------------------------------------------------

def page_number_para(odd: bool) -> etree._Element:
    """`— N —` in 4号 宋体 (a PAGE field): odd pages right, even pages left, one 字 in (§7.5)."""
    inset = twips(spec.PAGE_NUMBER_INDENT_CHARS * spec.char_width(spec.PAGE_NUMBER_SIZE))
    dash, role = spec.PAGE_NUMBER_DASH, STYLE["页码"].role
    field = [el("w:fldChar", fldCharType="begin"), el("w:instrText", attrs={"xml:space": "preserve"}, text=" PAGE "),
             el("w:fldChar", fldCharType="separate"), el("w:t", text="1"), el("w:fldChar", fldCharType="end")]
    return paragraph("页码", text_run(dash + " ", rpr(role)), *(el("w:r", rpr(role), f) for f in field),
                     text_run(" " + dash, rpr(role)),
                     props=[spacing(before=0, after=0, line=PN_LINE), ind(right=inset) if odd else ind(left=inset)],
                     jc="right" if odd else "left")


def footer(w: "Writer", name: str, odd: bool | None, landscape: bool = False) -> str:
    """A footer part with the page number (odd=None: an empty footer, for blank
    and 版记-only pages); returns its relationship id."""
    ftr = root("w:ftr", "w", "r", *(("wp", "a", "wps", "mc") if landscape else ()))
    if odd is None:
        ftr.append(paragraph("页码"))
    elif not landscape:
        ftr.append(page_number_para(odd))
    else:
        # the portrait footer line turned onto the landscape page (see LS_LEFT): a text
        # box on its left margin whose text runs down the page, a quarter turned
        # clockwise, so that it reads upright on the sheet as printed
        line = mm_of_twips(PN_LINE)
        box = text_box(w, [page_number_para(odd)], spec.PAGE_HEIGHT - w.lay.page_number_top - line, spec.TYPE_LEFT,
                       line, spec.TYPE_AREA_WIDTH, "页码", vert="vert")
        ftr.append(paragraph("页码", box, props=[spacing(before=0, after=0, line=20)], snap=False))
    w.pkg.add(f"word/{name}", ftr, "footer")
    return w.pkg.relate("footer", name)


# --- styles, settings, fonts ----------------------------------------------------------

def _normal_ppr() -> etree._Element:
    # Line breaking as the layout does it, told to Word and LibreOffice.  LibreOffice's
    # DOCX import reads w:overflowPunct inverted (hanging = not w:val), so w:val="1"
    # keeps 、。，．：；！？ from hanging past the 版心 as the layout never lets them;
    # space between Chinese and Latin: what the layout does (spec.ASIAN_LATIN_SPACE_EM).
    auto = None if spec.ASIAN_LATIN_SPACE_EM else False
    return el("w:pPr", on("w:widowControl", False), on("w:kinsoku", True), on("w:wordWrap", True),
              on("w:overflowPunct", True), on("w:topLinePunct", False), on("w:autoSpaceDE", auto),
              on("w:autoSpaceDN", auto), on("w:adjustRightInd", False), el("w:jc", val="both"))


def _style(s: Style) -> etree._Element:
    props = [el("w:keepNext") if s.keep_next else None, el("w:keepLines") if s.exact else None,
             el("w:snapToGrid", val=0) if not s.snap else None,
             el("w:spacing", line=PITCH, lineRule="exact") if s.exact else None,
             ind(first=twips(s.first_line_chars * spec.char_width(s.size)), first_chars=s.first_line_chars)
             if s.first_line_chars else None, el("w:jc", val=s.jc) if s.jc else None]
    return el("w:style", el("w:name", val=s.element), el("w:basedOn", val="Normal"), el("w:next", val=s.sid),
              el("w:qFormat"), el("w:pPr", *props) if any(p is not None for p in props) else None,
              rpr(s.role, s.size, s.color, spacing_tw=char_spacing(s.size) if s.grid else 0),
              type="paragraph", customStyle=1, styleId=s.sid)


def styles_part() -> etree._Element:
    body = spec.FANGSONG
    hp = half_points(spec.BODY_SIZE)
    styles = root("w:styles", "w", "r")
    styles.append(el("w:docDefaults",
                     el("w:rPrDefault", el("w:rPr", fonts(body), el("w:sz", val=hp), el("w:szCs", val=hp),
                                           el("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))),
                     el("w:pPrDefault", _normal_ppr())))
    styles.append(el("w:style", el("w:name", val="Normal"), el("w:qFormat"), _normal_ppr(),
                     rpr(body, spec.BODY_SIZE, spacing_tw=char_spacing(spec.BODY_SIZE)),
                     type="paragraph", default=1, styleId="Normal"))
    styles.append(el("w:style", el("w:name", val="Default Paragraph Font"), el("w:uiPriority", val=1),
                     el("w:semiHidden"), type="character", default=1, styleId="DefaultParagraphFont"))
    styles.append(el("w:style", el("w:name", val="Normal Table"), el("w:uiPriority", val=99), el("w:semiHidden"),
                     el("w:tblPr", el("w:tblInd", w=0, type="dxa"), cell_margins()),
                     type="table", default=1, styleId="TableNormal"))
    styles.extend(_style(s) for s in STYLES)
    return styles


def settings_part() -> etree._Element:
    s = root("w:settings", "w", "r")
    s.extend([el("w:zoom", percent=100), el("w:defaultTabStop", val=twips(spec.CHAR_PITCH * 2)),
              el("w:evenAndOddHeaders"), el("w:characterSpacingControl", val="doNotCompress"),
              el("w:noLineBreaksAfter", lang="zh-CN", val="".join(sorted(NO_LINE_END))),
              el("w:noLineBreaksBefore", lang="zh-CN", val="".join(sorted(NO_LINE_START))),
              el("w:compat", el("w:compatSetting", name="compatibilityMode",
                                uri="http://schemas.microsoft.com/office/word", val=15)),
              el("w:decimalSymbol", val="."), el("w:listSeparator", val=",")])
    return s


# The Latin names Word and WPS know the official faces by (fonts/fonts.conf maps both).
ALT_NAMES = {spec.XIAOBIAOSONG: "FZXiaoBiaoSong-B05S", spec.FANGSONG: "FangSong_GB2312", spec.HEITI: "SimHei",
             spec.KAITI: "KaiTi_GB2312", spec.SONGTI: "SimSun"}


def font_table_part() -> etree._Element:
    t = root("w:fonts", "w", "r")
    seen: set[str] = set()
    for role in spec.ROLES:
        name = spec.OFFICIAL_FONT[role]
        if name not in seen:
            seen.add(name)
            t.append(el("w:font", el("w:altName", val=ALT_NAMES[role]), el("w:charset", val=86),
                        el("w:family", val="auto"), el("w:pitch", val="variable"), name=name))
    return t


CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC, DCTERMS = "http://purl.org/dc/elements/1.1/", "http://purl.org/dc/terms/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def core_part(doc: Document) -> etree._Element:
    # the PDF's instant: midnight, China time (pdfbase.TZ); the standard's own date when the data has none
    when = f"{(doc.date or _dt.date(2012, 7, 1)).isoformat()}T00:00:00+08:00"
    core = etree.Element(f"{{{CP}}}coreProperties", nsmap={"cp": CP, "dc": DC, "dcterms": DCTERMS,
                                                          "dcmitype": "http://purl.org/dc/dcmitype/", "xsi": XSI})
    for tag, value in ((f"{{{DC}}}title", metadata.title(doc)), (f"{{{DC}}}subject", metadata.subject(doc) or ""),
                       (f"{{{DC}}}creator", metadata.author(doc)), (f"{{{CP}}}keywords", metadata.keywords(doc)),
                       (f"{{{CP}}}lastModifiedBy", "gongwen"), (f"{{{CP}}}revision", "1")):
        etree.SubElement(core, tag).text = value
    for tag in ("created", "modified"):
        etree.SubElement(core, f"{{{DCTERMS}}}{tag}", {f"{{{XSI}}}type": "dcterms:W3CDTF"}).text = when
    return core


def app_part(pages: int) -> etree._Element:
    ep = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    p = etree.Element(f"{{{ep}}}Properties",
                      nsmap={None: ep, "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"})
    etree.SubElement(p, f"{{{ep}}}Application").text = "gongwen"
    etree.SubElement(p, f"{{{ep}}}Pages").text = str(pages)
    return p

