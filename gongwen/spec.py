"""GB/T 9704-2012 in numbers: the one place where the standard's geometry lives.

Every length is in millimetres, measured from the top-left corner of the A4 page
(y grows downwards), unless the name says otherwise.  Layout code reads these
names; writers never invent geometry of their own.  Where the standard leaves
room, the choice is marked "house decision" and explained.
"""
from __future__ import annotations

PT = 25.4 / 72  # one point in mm

# §5.2.1 — page and 版心
PAGE_WIDTH = 210.0
PAGE_HEIGHT = 297.0
TOP_MARGIN = 37.0          # 天头
LEFT_MARGIN = 28.0         # 订口
TYPE_AREA_WIDTH = 156.0    # 版心 width
TYPE_AREA_HEIGHT = 225.0   # 版心 height
TYPE_LEFT = LEFT_MARGIN
TYPE_RIGHT = LEFT_MARGIN + TYPE_AREA_WIDTH          # 184
TYPE_TOP = TOP_MARGIN
TYPE_BOTTOM = TOP_MARGIN + TYPE_AREA_HEIGHT         # 262
TYPE_CENTER_X = (TYPE_LEFT + TYPE_RIGHT) / 2        # 居中 means centred on the 版心

# §5.2.2 — 22 lines × 28 characters fill the 版心.  The standard's own line
# (character + 7/8) cannot fit 22 lines of 3号 in 225 mm, so, like every Word/WPS
# template, the grid divides the 版心 evenly (house decision, see spec §3).
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH = TYPE_AREA_HEIGHT / LINES_PER_PAGE      # 1 行 = 10.227 mm
CHAR_PITCH = TYPE_AREA_WIDTH / CHARS_PER_LINE       # 1 字 (3号) = 5.571 mm

# Chinese type sizes (号) in points
SIZE_PT = {
    "初号": 42.0, "小初": 36.0, "一号": 26.0, "小一": 24.0, "二号": 22.0, "小二": 18.0,
    "三号": 16.0, "小三": 15.0, "四号": 14.0, "小四": 12.0, "五号": 10.5, "小五": 9.0,
}
BODY_SIZE = SIZE_PT["三号"]
TITLE_SIZE = SIZE_PT["二号"]
IMPRINT_SIZE = SIZE_PT["四号"]       # 版记
PAGE_NUMBER_SIZE = SIZE_PT["四号"]

# House decision: a glyph's em box is centred vertically in its grid cell and
# the baseline sits 0.88 em below the em-box top (the ideographic em box of
# CJK fonts spans +0.88 … −0.12 em around the baseline).
EM_ASCENT = 0.88

# Font roles (the standard names faces, not files)
XIAOBIAOSONG = "小标宋"
FANGSONG = "仿宋"
HEITI = "黑体"
KAITI = "楷体"
SONGTI = "宋体"
ROLES = (XIAOBIAOSONG, FANGSONG, HEITI, KAITI, SONGTI)

# The official faces each role names in Word (proprietary; never shipped).
OFFICIAL_FONT = {
    XIAOBIAOSONG: "方正小标宋简体",
    FANGSONG: "仿宋_GB2312",
    HEITI: "黑体",
    KAITI: "楷体_GB2312",
    SONGTI: "宋体",
}

# §6 — colours.  Red is CMYK 0/80/80/0; PDF/A with an sRGB intent wants RGB.
RED_RGB = (1.0, 0.2, 0.2)     # 255/51/51
BLACK_RGB = (0.0, 0.0, 0.0)

# §7.2 — 版头
COPY_NUMBER_DIGITS = 6                    # 份号
MARK_TOP = TYPE_TOP + 35.0                # 发文机关标志 top edge, 35 mm below 版心 top
MARK_MAX_HEIGHT = 20.0                    # house rule: glyph (em) height at most 20 mm
MARK_MIN_HSCALE = 0.70                    # house rule: compress to 70 % before shrinking
MARK_GAP_LINES = 2                        # 发文字号: two empty lines below the mark
RULE_GAP_BELOW_DOC_NUMBER = 4.0           # red rule 4 mm below the 发文字号
HEADER_RULE_WIDTH = 1.0 * PT              # house choice: 1 pt (0.35 mm)
JOINT_MARK_LINE_GAP = 0.15                # house choice: gap between stacked organ names, in em
SIGNER_RIGHT_INDENT_CHARS = 1             # 签发人 右空一字; 发文字号 then 左空一字
# §7.2.6: several 签发人 "一般每行排两个姓名，回行时与上一行第一个签发人姓名对齐",
# the 发文字号 level with the last line.  House choice: one 字 between the two
# names of a line (the names stand in two columns, each as wide as its widest).
SIGNERS_PER_LINE = 2
SIGNER_NAME_GAP_CHARS = 1

# §7.3 — 主体
TITLE_GAP_LINES = 2                       # 标题: two empty lines below the red rule
ADDRESSEE_GAP_LINES = 1                   # 主送机关: one empty line below the title
PARAGRAPH_INDENT_CHARS = 2
HEADING_ROLE = {1: HEITI, 2: KAITI, 3: FANGSONG, 4: FANGSONG}
ATTACHMENT_NOTE_GAP_LINES = 1             # 附件说明 one empty line below the body
ATTACHMENT_NOTE_INDENT_CHARS = 2
ATTACHMENT_NUMBER_POINT = "．"            # 附件：1．名称 (full-width, unlike the 1. heading)
SIGNATURE_GAP_LINES_UNSEALED = 1          # 署名 one empty line below the body
# House decision: a sealed 署名 stands two empty lines below the body, so a
# 42 mm seal centred over 署名 and date reaches up to within one line of the text.
# On a signature page whose lines close up, more: the seal must not cover the
# text above (layout.body._seal_clearance).
SIGNATURE_GAP_LINES_SEALED = 2
DATE_RIGHT_INDENT_SEALED = 4              # 成文日期 右空四字 (sealed)
SIGNATURE_RIGHT_INDENT_UNSEALED = 2       # 署名 右空二字 (unsealed)
DATE_OFFSET_UNSEALED = 2                  # date starts 2 字 right of the 署名's first char
SEAL_DIAMETER = 42.0                      # common 公章 size; image is scaled to it
# The seal presses on 署名 and date "a little below its centre" (§7.3.5.1).
SEAL_CENTER_ABOVE_BLOCK = 0.25            # in lines, above the middle of 署名…date
# §7.3.5.2 joint sealed: seals in neat rows, not touching, within the 版心.
# House choice: 4 mm between seals; a row of seals takes as many grid lines
# as a seal and that gap need (5 lines for a 42 mm seal).
JOINT_SEAL_GAP = 4.0
# Two organ names sharing a row of seals stand at least 2 字 apart (house
# choice: read as two names, and wide enough for the DOCX writer's tab stops).
JOINT_NAME_GAP_CHARS = 2
NOTE_INDENT_CHARS = 2                     # 附注 左空二字, on the line after the date


def seal_centre(top: float, bottom: float, pitch: float = LINE_PITCH) -> float:
    """y of a seal's centre over the grid lines whose tops are top … bottom
    (署名 … 成文日期): their middle, raised a little (§7.3.5.1); `pitch` the
    lines' pitch on that page (SIGNATURE_PAGE_MIN_PITCH)."""
    return (top + bottom + pitch) / 2 - SEAL_CENTER_ABOVE_BLOCK * pitch


# §7.3.5.4: "当公文排版后所剩空白处不能容下印章或签发人签名章、成文日期时，可以采取
# 调整行距、字距的措施解决" — before text is carried over to keep the signature
# company, the lines of the signature's page are set closer: that page only
# (every other page keeps the 22-line grid), all its lines alike, by as little
# as makes the signature group (附件说明, 署名, seals, 成文日期, 附注) fit under its
# text.  House bound: the pitch no tighter than 0.85 of the grid's — 8.69 mm,
# 24.6 pt for 29 pt, still 1.54 times the 3号 character — so at most 25 lines
# where 22 stand (on page 1 the lines under the 版头 close up alike, the 版头
# stays): a page looks set a little closer, not crammed.  The pitch is a whole
# number of twips (1/20 pt, as Word stores a line height), so the DOCX sets
# exactly the PDF's lines.  Only a page of running text gives way (no table
# rows on it); the 版记 to follow on an even page is made room for first
# (to SIGNATURE_PAGE_LAST_PITCH, below).
SIGNATURE_PAGE_MIN_PITCH = 0.85 * LINE_PITCH
# When the lines cannot close up that far, text is carried (as few lines as the
# rules allow) — unless carrying would leave the page before the signature's
# with more than MAX_EMPTY_LINES_BEFORE_SIGNATURE of its 22 lines empty (a
# half-empty page reads as a page left out): then the signature's page closes
# up further, to 0.64 of the grid's pitch at the most (6.54 mm, 18.5 pt: 1.16
# times the 3号 character, 2.5 pt of white between lines — a page set close,
# no line touching the next; below 0.56 glyphs outgrow their lines), and only past
# that is text carried, then a single one-line paragraph where two lines would
# leave the page half empty.  The bound is the least a group of two rows of
# seals needs: closer lines do not shrink the 42 mm seal, so at these pitches
# the first seal needs three empty lines above it to stay off the text
# (layout.body._seal_clearance) and a row of seals seven lines; four organs,
# a 附注 and a three-line 附件说明 under 15 lines of text need 0.647 (three
# organs 0.666).  Where carrying would still leave the page before half
# empty, the 附件说明 breaks between its items instead (flow._note_split).  A
# group of three rows of seals (five organs or more whose names do not stand
# three abreast) takes 16–19 of the 22 lines by itself: under 10–12 lines of
# text no pitch down to the bound fits it, and the page before keeps 8–10 lines
# empty — the limit; closer still would be crammed (0.564, or no pitch at all).
# It is the least the rules leave: the signature's page then holds only the one
# line (a 附件说明 item, a one-line paragraph) or the whole two-line paragraph
# (no widow) that must share the seals' page, the page before all the rest.
# The same bound holds the 版记 (§7.4) on an even signature page: where it does
# not fit under the signature group, the page closes up for both, as little as
# makes them fit, down to this pitch, before the 版记 moves to the next even
# page (a blank page between, or text carried to an odd page before it) — the
# standard lets 行距 give way to spare the signature a page of its own (§7.3.5.4);
# a page of closer lines costs the clerk less than a blank page and a 版记 page.
SIGNATURE_PAGE_LAST_PITCH = 0.64 * LINE_PITCH
MAX_EMPTY_LINES_BEFORE_SIGNATURE = 7

# §7.3.7 — 附件 pages
ATTACHMENT_LABEL_LINE = 1                 # "附件2" 顶格 on line 1
ATTACHMENT_TITLE_LINE = 3                 # title centred on line 3

# §7.4 — 版记
IMPRINT_OUTER_RULE = 0.35                 # first and last rule, mm
IMPRINT_INNER_RULE = 0.25                 # rules between items, mm
IMPRINT_INDENT_CHARS = 1                  # 左右各空一字 (4号 characters)

# §7.5 — page numbers
# "一字线上距版心下边缘7mm": the sentence measures the 一字线 itself — the dash
# stroke, its ink — not the line box around it, so the top of the dashes' ink
# lies 7 mm below the 版心 (269 mm).  Where the em box then stands depends on
# the face's dash (FandolSong: ink 0.29–0.31 em above the baseline, em top
# ≈ 2.8 mm higher); layout.page_number_top computes it and every writer reads
# that (the DOCX footer, the OFD) — none measures the font itself.
PAGE_NUMBER_DASH_TOP = TYPE_BOTTOM + 7.0
# A page holding only the 版记: §7.5 says "公文的版记页前有空白页的，空白页和
# 版记页均不编排页码" — the 版记 page goes unnumbered *when a blank page stands
# before it*, together with that blank page.  The condition would say nothing
# if every 版记-only page were unnumbered, and a blank page is the only thing
# the sentence exempts besides it; so a 版记 page that directly follows a page
# of text (the text ended on an odd page, the 版记 takes the even page behind
# it) is an ordinary page of the document and carries its number, like the
# even last pages the standard's figures of 末页 show with 版记 and 页码
# (图5–图8: "— 2 —" 左空一字 under the 版记).  Numbers run on without a gap
# either way: a blank page keeps its place in the count.
IMPRINT_PAGE_NUMBERED_AFTER_TEXT = True
PAGE_NUMBER_INDENT_CHARS = 1              # odd: 右空一字, even: 左空一字 (4号 characters)
PAGE_NUMBER_DASH = "\u2014"               # 一字线


def char_width(size_pt: float) -> float:
    """Width of one 字 of the given type size, in mm (3号 → the grid pitch)."""
    return CHAR_PITCH * size_pt / BODY_SIZE


def line_top(k: int) -> float:
    """Top of grid line k (1-based) on any page."""
    return TYPE_TOP + (k - 1) * LINE_PITCH


def baseline_in_cell(cell_top: float, size_pt: float, pitch: float = LINE_PITCH) -> float:
    """Baseline of a glyph of size_pt whose em box is centred in a cell."""
    em = size_pt * PT
    return cell_top + (pitch - em) / 2 + EM_ASCENT * em

# §9 — special formats
# 信函: the mark's top edge 30 mm from the top of the paper; red double rules
# 170 mm long, centred on the paper.  Thicknesses are not given by the standard:
# house choice 0.6 mm (thick) and 0.2 mm (thin) with 0.6 mm between them.
LETTER_MARK_TOP = 30.0
LETTER_RULE_LENGTH = 170.0
LETTER_RULE_GAP_BELOW_MARK = 4.0
LETTER_BOTTOM_RULE_FROM_PAPER_BOTTOM = 20.0
LETTER_RULE_THICK = 0.6
LETTER_RULE_THIN = 0.2
LETTER_RULE_SPACING = 0.6
LETTER_ITEM_GAP = 7 / 8 * SIZE_PT["三号"] * PT     # items 7/8 of a 3号 height below the rules
# 命令（令）: the mark's top edge 20 mm below the 版心 top; 令号 two empty lines
# below it, the text two empty lines below the 令号.
ORDER_MARK_TOP = TYPE_TOP + 20.0
ORDER_NUMBER_GAP_LINES = 2
ORDER_TEXT_GAP_LINES = 2
# 签名章 (§7.3.5.3): two empty lines below the text, the seal 右空四字, the
# signer's title 左空二字 from the seal; the date one empty line below, 右空四字.
SIGNATURE_SEAL_GAP_LINES = 2
SIGNATURE_SEAL_RIGHT_INDENT = 4
SIGNATURE_SEAL_TITLE_GAP = 2
SIGNATURE_SEAL_BOX = (40.0, 15.0)     # house choice: the seal image fits this box (mm)
SIGNATURE_SEAL_DATE_GAP_LINES = 1
# 纪要: attendance lists one empty line below the text, 左空二字.
ATTENDANCE_GAP_LINES = 1
ATTENDANCE_INDENT_CHARS = 2

# §8 — tables (house choices: the standard gives no numbers): text in 3号 on the
# line grid so a table keeps the page's rhythm; borders 0.5 pt; half a 字 of
# padding on each side of a cell; no column narrower than two 字.
TABLE_BORDER = 0.5 * PT
TABLE_CELL_PADDING_CHARS = 0.3        # 1.7 mm, about Word's default cell margin (1.9 mm)
TABLE_MIN_COLUMN_CHARS = 2
TABLE_KEEP_HEADER_CHARS = 6            # headers this short never wrap (while the width allows)
TABLE_KEEP_CELL_CHARS = 4              # cells this short (names, 副科长, 联系人) are one word
# How far a table's cells may break, tried in order until every column holds
# its widest unbreakable piece (then the rest of the width is shared by content):
# 0 short cells and headers whole, words whole; 1 a long word at its shorter
# words (市场监督管理局 → 市场|监督|管理局), short headers by words; 2 e-mail
# addresses and URLs cut after @ . / _ and phone numbers after -, never inside
# a run of digits; 3 Chinese at any character (a header too; a short cell such
# as a name stays whole), numbers and addresses as in 2;
# 4 everything at any character but runs of digits (a phone number stays whole);
# 5 any character (a table that wide wants 横向: true).
TABLE_BREAK_LEVELS = ("whole", "shorter words", "addresses at @ . / _ -", "Chinese characters",
                      "all but digits", "characters")

# Body text: an e-mail address or URL that does not fit in what is left of a line
# goes whole to the next one unless that leaves the line stretched by more than
# this many 字 per gap between its characters when justified (house decision:
# a third of a character — a full line of 3号 then still holds about two thirds
# of its 28 characters); past it the address is broken after a / or a dot so
# both lines are set close.
ADDRESS_MAX_STRETCH_CHARS = 1 / 3

# Space between a Chinese character and a Latin letter or digit next to it, in em
# (house decision: as Word and LibreOffice set it by default — LibreOffice puts
# 1/5 of the font's line height there, 1.2 em / 5 with the Fandol faces).
ASIAN_LATIN_SPACE_EM = 0.24

# §8 — a table too wide for the page is set on A4 landscape pages.  The page is
# turned so that the table's head lies at the binding edge of odd pages and at
# the outer edge of even ones — the left of the sheet either way — and the page
# number stays where portrait pages have it.  Layout places landscape content in
# the turned page's own frame (u across the long side, v down the short side),
# whose 版心 is the portrait 版心 turned: writers map (u, v) → (x, y) =
# (v, TYPE_TOP + TYPE_BOTTOM − u).
LANDSCAPE_LEFT = TYPE_TOP                  # u of the turned 版心's left edge
LANDSCAPE_TOP = TYPE_LEFT                  # v of its top edge
LANDSCAPE_WIDTH = TYPE_AREA_HEIGHT         # 225 mm
LANDSCAPE_LINES = int(TYPE_AREA_WIDTH // LINE_PITCH)   # 15 grid lines across 156 mm


def landscape_line_top(k: int) -> float:
    """Top (v) of grid line k on a landscape page."""
    return LANDSCAPE_TOP + (k - 1) * LINE_PITCH


def landscape_to_page(u: float, v: float) -> tuple[float, float]:
    """A point of the turned frame on the portrait page (mm from its top-left)."""
    return v, TYPE_TOP + TYPE_BOTTOM - u
