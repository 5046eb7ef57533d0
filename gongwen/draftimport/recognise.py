"""Lines of a draft → the parts of a 公文.

The head is read forwards (版头 → 标题 → 主送机关), the tail backwards
(版记 → 附件 → 附注 → 成文日期 → 代章 → 署名 → 附件说明), and what lies
between is the 正文, re-joined into paragraphs.  Formatting (centred, bold,
large, right-aligned, page breaks) only helps where the text alone is
ambiguous; it is never required.  What cannot be placed stays in the 正文 and
is named in the report: nothing is dropped without a record.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..checks import parse_doc_number
from ..model import format_date
from .paragraphs import Wrap, detect_wrap, join_lines, tidy
from .patterns import (ATTACH_ITEM, ATTACH_LABEL, ATTACH_NOTE, CLOSING_PHRASES, COPIED_TO,
                       DOC_KIND, DOC_NUMBER, LABEL_LINE, NOTE, PERSON, PRINTED, SEAL_ON_BEHALF,
                       SENT_TO_IN_IMPRINT, SIGNER, ends_sentence, is_heading_start, is_organ,
                       ascii_digits, date_shaped, parse_date, split_date_tail, split_organs, width)
from .source import Draft, Dropped, Line, TableData


@dataclass
class Found:
    field: str
    first: int
    last: int
    shown: str


@dataclass
class Recognised:
    fields: dict[str, Any] = field(default_factory=dict)    # field → text, or list of texts
    body: list[str] = field(default_factory=list)
    body_src: list[int] = field(default_factory=list)      # each body paragraph's first draft line
    body_span: tuple[int, int] | None = None
    headings: int = 0
    attachments: list[dict] = field(default_factory=list)
    attach_src: list[int] = field(default_factory=list)    # each 附件's label line in the draft
    found: list[Found] = field(default_factory=list)
    unsure: list[tuple[int, str]] = field(default_factory=list)
    changes: list[tuple[int, str]] = field(default_factory=list)
    joins: list[tuple[int, int]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


_HEADER_TOKEN = re.compile(
    r"(?P<l1>份号[：:]?)?(?P<copy>\d{6})(?![\d〔\[（(])|(?P<level>绝密|机密|秘密)(?:(?P<star>[★☆*])"
    r"(?P<term>[0-9一二三四五六七八九十]+(?:年|个月|月|天|日)|长期)?)?|(?P<l2>紧急程度[：:])?(?P<urgency>特急|加急|特提|平急)")


def _s(line: Line) -> str:
    return line.stripped.replace("\t", " ")


class _Reader:
    def __init__(self, draft: Draft):
        self.draft = draft
        self.out = Recognised()
        self.lines = [x for x in draft.lines if (x.stripped or x.table is not None) and not x.rule]
        self.wrap: Wrap | None = None          # how the body's lines were wrapped (detect_wrap), once the head is read

    def drop(self, src: int, text: str, why: str) -> None:
        if text.strip():
            self.draft.dropped.append(Dropped(src, text.strip(), why))

    def found(self, key: str, first: int, last: int, shown: str) -> None:
        self.out.found.append(Found(key, first, last, shown))

    # -- the head ------------------------------------------------------------------
    def head(self) -> int:
        L, i, f = self.lines, 0, self.out.fields
        organs: list[tuple[str, int]] = []        # organ lines that may be the mark
        mark_done = False
        while i < len(L):
            line = L[i]
            s = _s(line)
            if line.table is not None:
                break
            special = self._minutes_or_order(i)
            if special:
                return special
            if not mark_done and not organs and self._header_items(line):
                i += 1
                continue
            m = DOC_NUMBER.match(s.replace(" ", ""))
            if m and "关于" not in s:
                self._doc_number(line, m, s.replace(" ", ""))
                if organs and not mark_done:
                    self._mark([o for o, _ in organs], organs[0][1], organs[-1][1], with_word=False)
                mark_done = True
                organs = []
                i += 1
                continue
            sig = SIGNER.search(s)
            if sig and s.startswith(sig.group(0)[:1]) and not f.get("标题"):
                self._signers(line, sig.group("names"), s[:sig.start()])
                i += 1
                continue
            if f.get("签发人") and PERSON.match(s.replace(" ", "")) and "发文字号" in f:
                self._more_signers(line, s)
                i += 1
                continue
            bare = s.replace(" ", "").replace("\u3000", "")
            if "发文机关标志" not in f and line.size and line.size >= 26 and not organs and \
                    (is_organ(bare) or bare.endswith("文件")) and not self._joint_mark_goes_on(i):
                self._mark([bare[:-2]] if bare.endswith("文件") else [bare], line.src, line.src,
                           with_word=bare.endswith("文件"))
                mark_done = True
                i += 1
                continue
            took = None if mark_done else self._mark_so_far(i, s, bare, organs)
            if took == "mark":
                mark_done, organs = True, []
            if not took:
                break
            i += 1
        if organs:      # organ lines without 文件 or 发文字号 after them: the title's first lines
            i -= len(organs)
        return self._title_and_addressees(i)

    def _mark_so_far(self, i: int, s: str, bare: str, organs: list[tuple[str, int]]) -> str | None:
        """Line i while the mark is not read yet: one ending in 文件 ends the mark
        (with the organ lines before it: "mark"); an organ's line is kept in
        `organs` ("organ"); None: neither (the head's items end here)."""
        line = self.lines[i]
        if bare.endswith("文件") and not any(c in bare for c in "。，；：") and width(bare) <= 60 \
                and "关于" not in bare:
            names = [o for o, _ in organs]
            head = bare[:-2]
            pieces = split_organs(s[:s.rfind("件") - 1]) if head else []
            names += pieces if len(pieces) > 1 else ([head] if head else [])
            first = organs[0][1] if organs else line.src
            self._mark(names, first, line.src, with_word=True, src_line=line)
            return "mark"
        if is_organ(bare) and len(organs) < 6 and not (line.align == "center" and line.bold and
                                                      not organs and self._looks_like_title_next(i)):
            organs.append((bare, line.src))
            return "organ"
        return None

    def _joint_mark_goes_on(self, i: int) -> bool:
        """An organ line in the mark's large type followed, in that same type, by
        another organ line or by 文件 alone: a joint mark typed one organ a line,
        not a mark by itself (a title's first line, in its smaller type, is not)."""
        L = self.lines
        if i + 1 >= len(L) or L[i + 1].table is not None or _s(L[i]).endswith("文件"):
            return False
        size = L[i + 1].size
        if not size or size < 26 or abs(size - (L[i].size or 0)) > 1:
            return False
        nxt = _s(L[i + 1]).replace(" ", "").replace("\u3000", "")
        return nxt == "文件" or is_organ(nxt) and not DOC_KIND.search(nxt) and "关于" not in nxt

    def _minutes_or_order(self, i: int) -> int | None:
        """A 纪要 (…纪要 over 第N期) or a 命令 (…令 over 第N号): their own formats,
        without 标题 or 主送机关 (§10.2, §10.3).  Returns where the 正文 begins."""
        L, f = self.lines, self.out.fields
        if i + 1 >= len(L) or L[i + 1].table is not None or "发文机关标志" in f:
            return None
        mark = _s(L[i]).replace(" ", "")
        number = _s(L[i + 1]).replace(" ", "")
        if any(c in mark for c in "。，；：") or width(mark) > 40:
            return None
        if mark.endswith("纪要") and re.fullmatch(r"(?:〔\d{4}〕)?第\d{1,4}期", number):
            f["版式"], f["发文机关标志"], f["发文字号"] = "纪要", mark, number
            self.found("发文机关标志", L[i].src, L[i].src, f"{mark}（纪要格式）")
            self.found("发文字号", L[i + 1].src, L[i + 1].src, number)
        elif mark.endswith("令") and re.fullmatch(r"第\d{1,4}号", number):
            f["版式"], f["发文机关标志"], f["令号"] = "命令", mark, number
            self.found("发文机关标志", L[i].src, L[i].src, f"{mark}（命令格式）")
            self.found("令号", L[i + 1].src, L[i + 1].src, number)
        else:
            return None
        return i + 2

    def finish_formats(self) -> None:
        """纪要: the 出席/请假/列席 lists after the text; 命令: the signer's 职务 and
        name before the date (the 签名章)."""
        f, body = self.out.fields, self.out.body
        if f.get("版式") == "纪要":
            while body:
                m = re.match(r"^(出席|请假|列席)(?:人员)?[：:](.+)$", body[-1])
                if not m:
                    break
                body.pop()
                self.out.body_src.pop()
                names = [x.strip() for x in re.split(r"[、，,；;]", m.group(2).rstrip("。")) if x.strip()]
                f[m.group(1)] = names
                self.drop(0, m.group(0)[:len(m.group(0)) - len(m.group(2))] +
                          "".join(re.findall(r"[、，,；;。]", m.group(2))), "出席/请假/列席的标签与分隔符（生成时印出）")
                self.found(m.group(1), self.out.body_span[1] if self.out.body_span else 0, 0, "、".join(names))
        if f.get("版式") == "命令" and body:
            m = re.fullmatch(r"(\S{2,12}?)[\s\u3000]+([\u4e00-\u9fff·]{2,4})", body[-1])
            if m:
                body.pop()
                self.out.body_src.pop()
                f["签名章"] = {"职务": m.group(1), "姓名": m.group(2)}
                self.found("签名章", self.out.body_span[1] if self.out.body_span else 0, 0,
                           f"{m.group(1)} {m.group(2)}")

    def _looks_like_title_next(self, i: int) -> bool:
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else None
        return nxt is not None and ("关于" in nxt.stripped or bool(DOC_KIND.search(nxt.stripped)))

    def _header_items(self, line: Line) -> bool:
        """份号, 密级★保密期限, 紧急程度 — alone or several on one line (spaces and
        tabs anywhere: a DOCX sets them apart with tabs)."""
        rest = re.sub(r"[\s\u3000]+", "", line.stripped)
        if not rest:
            return False
        got: list[tuple[str, str]] = []
        labels = ""
        while rest:
            m = _HEADER_TOKEN.match(rest)
            if not m or not m.group(0):
                return False
            if m.group("copy"):
                got.append(("份号", m.group("copy")))
            if m.group("level"):
                got.append(("密级", m.group("level")))
            if m.group("term"):
                got.append(("保密期限", m.group("term")))
            if m.group("urgency"):
                got.append(("紧急程度", m.group("urgency")))
            labels += "".join(g for g in (m.group("l1"), m.group("star"), m.group("l2")) if g)
            rest = rest[m.end():]
        for key, value in got:
            self.out.fields[key] = value
            self.found(key, line.src, line.src, value)
        self.drop(line.src, labels, "版头项目的标签与符号（生成时按标准印出）")
        return True

    def _mark(self, names: list[str], first: int, last: int, with_word: bool, src_line: Line | None = None) -> None:
        names = [n for n in names if n]
        if not names:
            return
        f = self.out.fields
        if len(names) > 1:
            f["发文机关标志"] = names
            if with_word:
                self.drop(last, "文件", "联合行文标志里的“文件”（生成时印在机关名称右侧）")
            self.found("发文机关标志", first, last, "、".join(names) + ("（联合行文）" if len(names) > 1 else ""))
        else:
            f["发文机关标志"] = names[0] + ("文件" if with_word else "")
            self.found("发文机关标志", first, last, f["发文机关标志"])

    def _doc_number(self, line: Line, m: re.Match, s: str) -> None:
        typed = m.group(0)
        fixed = f"{m.group('code')}〔{ascii_digits(m.group('year'))}〕{int(m.group('n'))}号"
        parsed = None
        if fixed != typed:          # the check explains what was wrong
            parsed = parse_doc_number(typed)
            fixed = parsed[1] if parsed else fixed
        self.out.fields["发文字号"] = fixed
        self.found("发文字号", line.src, line.src, fixed)
        if fixed != typed:
            why = "；".join(msg for _, msg in parsed[0]) if parsed and parsed[0] else "写法按标准统一"
            self.out.changes.append((line.src, f"发文字号“{typed}”改为“{fixed}”：{why}"))
            self.drop(line.src, typed, "发文字号的原写法（已改为标准写法）")
        rest = s[m.end():]
        sig = SIGNER.search(_s(line))         # names from the line as typed: the spaces part them
        if sig:
            self._signers(line, sig.group("names"), "")
        elif rest.strip() and self.out.fields.get("签发人"):
            self._more_signers(line, rest)
        elif rest.strip():
            self.out.unsure.append((line.src, f"发文字号后面的“{rest.strip()}”不认识，没有导入"))
            self.drop(line.src, rest, "发文字号后不认识的文字")

    def _signers(self, line: Line, names: str, before: str) -> None:
        found = [n for n in re.split(r"[\s、，,]+", names.replace("\u3000", " ")) if n]
        self.out.fields.setdefault("签发人", [])
        self.out.fields["签发人"].extend(found)
        self.drop(line.src, "签发人：", "“签发人：”标签（生成时印出）")
        self.found("签发人", line.src, line.src, "、".join(self.out.fields["签发人"]))
        if before.strip():
            m = DOC_NUMBER.match(before.replace(" ", ""))
            if m:
                self._doc_number(Line(before, line.src), m, before.replace(" ", ""))

    def _more_signers(self, line: Line, s: str) -> None:
        names = [n for n in s.replace("\u3000", " ").split() if n]
        self.out.fields["签发人"].extend(names)
        self.found("签发人", line.src, line.src, "、".join(self.out.fields["签发人"]))

    def _title_and_addressees(self, i: int) -> int:
        L, f = self.lines, self.out.fields
        title: list[Line] = []
        while i < len(L) and len(title) < 5:
            line = L[i]
            s = _s(line)
            if line.table is not None or ends_sentence(s) or is_heading_start(s) or LABEL_LINE.match(s):
                break
            m = DOC_NUMBER.match(s.replace(" ", ""))
            if m and "关于" not in s:        # a 公告's number, set under its title
                if "发文字号" not in f:
                    self._doc_number(line, m, s.replace(" ", ""))
                i += 1
                break
            limit = 100 if not title else 40
            if width(s) > limit or (title and line.page_break):
                break
            if title and self.draft.kind == "docx" and title[-1].align == "center" and line.align != "center":
                break
            title.append(line)
            i += 1
            if DOC_KIND.search(s.replace(" ", "")):
                break
        if title:
            rows: list[str] = []
            for line in title:
                rows.extend(_title_rows(line.stripped))
            f["标题"] = rows if len(rows) > 1 else rows[0]
            self.found("标题", title[0].src, title[-1].src, "".join(rows) + (f"（分 {len(rows)} 行）" if len(rows) > 1 else ""))
            if not DOC_KIND.search("".join(rows)):
                self.out.unsure.append((title[0].src, "标题不以文种（通知、请示、函……）结尾，请核对标题是否完整"))
        else:
            self.out.missing.append("标题")
        # 主送机关: up to three lines without 。 ending in ：
        acc: list[Line] = []
        for j in range(i, min(i + 3, len(L))):
            s = _s(L[j])
            if L[j].table is not None or "。" in s or "；" in s or is_heading_start(s):
                break
            acc.append(L[j])
            if s.endswith(("：", ":")):
                text = "".join(_s(x) for x in acc)
                if len(text) <= 150 and not re.search(r"如下|现将|现就|为了|为进一步|根据", text) \
                        and not re.match(r"(?:联系人|联系电话|电话|手机|邮\s*箱|传真|地址|附件|抄送|签发人|附注)[：:]",
                                         text):
                    f["主送机关"] = tidy(text[:-1])
                    self.drop(acc[-1].src, text[-1], "主送机关后的冒号（生成时加上）")
                    self.found("主送机关", acc[0].src, acc[-1].src, f["主送机关"])
                    return j + 1
                break
        return i

    # -- the tail ------------------------------------------------------------------
    def tail(self, start: int) -> tuple[int, int]:
        """Reads the end of the draft; returns the 正文's end (exclusive) and where the
        signature block begins (for what lies between the date and the 版记)."""
        L, f = self.lines, self.out.fields
        end = len(L)
        imprint = self._imprint(start, end)
        date_at = self._date(start, imprint)
        if date_at is None:
            self.out.missing.append("成文日期")
            att_start = self._attachment_labels(start, imprint)
            self._attachment_contents(att_start, imprint)
            note_end = self._attachment_note(start, att_start)
            return note_end, att_start
        after = date_at + 1
        # 附注 (and a 代章 written after the date)
        while after < imprint and L[after].table is None:
            s = _s(L[after])
            m = SEAL_ON_BEHALF.match(s.replace(" ", ""))
            if m and "代章" not in f:
                self._on_behalf(L[after], m)
                after += 1
                continue
            if s[:1] in "（(" and "附注" not in f:
                stop = after
                text = s
                while not NOTE.match(text.replace(" ", "")) and stop + 1 < imprint and stop - after < 3:
                    stop += 1
                    text += _s(L[stop])
                m = NOTE.match(text.strip())
                if m:
                    f["附注"] = tidy(m.group("text"))
                    self.drop(L[after].src, text.strip()[0] + text.strip()[-1], "附注的括号（生成时加上）")
                    self.found("附注", L[after].src, L[stop].src, f["附注"])
                    after = stop + 1
                    continue
            if s.startswith("附注") and "附注" not in f:
                f["附注"] = tidy(re.sub(r"^附注[：:]?", "", s))
                self.drop(L[after].src, s[:len(s) - len(s.lstrip("附注：:"))], "“附注”标签")
                self.found("附注", L[after].src, L[after].src, f["附注"])
                after += 1
                continue
            break
        att_start = self._attachment_labels(after, imprint)
        self._attachment_contents(att_start, imprint)
        if after < att_start:     # between the date (and 附注) and the 附件 or 版记: not placed
            self._unplaced(after, att_start)
        sig_start = self._signature(start, date_at)
        return self._attachment_note(start, sig_start), sig_start

    def _imprint(self, start: int, end: int) -> int:
        """版记 at the end: 抄送, 印发机关 and 印发日期.  Returns where it begins."""
        L, f = self.lines, self.out.fields
        k = end
        j = end - 1
        while j >= start and L[j].table is None:
            s = _s(L[j])
            m = PRINTED.match(s.replace(" ", ""))
            if m and "印发日期" not in f:
                d = parse_date(m.group("date"))
                if d:
                    f["印发日期"] = format_date(d[0])
                    self._date_change(L[j].src, m.group("date"), d, "印发日期")
                    self.drop(L[j].src, "印发", "“印发”二字（生成时加上）")
                    self.found("印发日期", L[j].src, L[j].src, f["印发日期"])
                    organ = m.group("organ").strip()
                    if organ:
                        f["印发机关"] = organ
                        self.found("印发机关", L[j].src, L[j].src, organ)
                    elif j - 1 >= start and is_organ(_s(L[j - 1]).replace(" ", "")):
                        j -= 1
                        f["印发机关"] = _s(L[j]).replace(" ", "")
                        self.found("印发机关", L[j].src, L[j].src, f["印发机关"])
                    k = j
                    j -= 1
                    continue
            break
        # 抄送 (and a 主送 moved to the 版记), lines up to the 印发 line
        for j in range(k - 1, max(start, k - 8) - 1, -1):
            s = _s(L[j])
            if L[j].table is not None:
                break
            m = COPIED_TO.match(s) or SENT_TO_IN_IMPRINT.match(s)
            if m:
                text = "".join([m.group("rest")] + [_s(x) for x in L[j + 1:k]])
                key = "抄送机关" if COPIED_TO.match(s) else "主送机关"
                names = [n.strip() for n in re.split(r"[，、,；;]", text.rstrip("。. ")) if n.strip()]
                self.drop(L[j].src, s[:len(s) - len(m.group("rest"))], f"“{key[:2]}：”标签（生成时加上）")
                if text.rstrip().endswith(("。", ".")):
                    self.drop(L[k - 1].src, "。", f"{key[:2]}末尾的句号（生成时加上）")
                seps = re.findall(r"[，、,；;]", text)
                self.drop(L[j].src, "".join(seps), f"{key[:2]}机关之间的分隔符（生成时加上）")
                if key == "主送机关" and "主送机关" not in f:
                    f["主送机关"] = "，".join(names)
                else:
                    f["抄送机关"] = names
                self.found(key, L[j].src, L[k - 1].src, "，".join(names))
                k = j
                # a 抄送 may stand above an earlier 主送 of the 版记
                continue
            if not COPIED_TO.match(s) and j < k - 3:
                break
        return k

    def _date_change(self, src: int, typed: str, d, key: str) -> None:
        shown = format_date(d[0])
        if typed.replace(" ", "") != shown:
            how = "汉字数字改为阿拉伯数字" if d[1] == "chinese" else "写法统一"
            self.out.changes.append((src, f"{key}“{typed.strip()}”改为“{shown}”（{how}）"))
            self.drop(src, typed, f"{key}的原写法（已改写为 {shown}）")

    def _date(self, start: int, end: int) -> int | None:
        """The 成文日期: a line that is a date (or a 署名 and a date), the first one
        followed only by 附注/代章, an 附件, the 版记 or the end."""
        L, f = self.lines, self.out.fields
        candidates = [j for j in range(start, end) if L[j].table is None and
                      (parse_date(_s(L[j])) or self._signed_date(_s(L[j])) or date_shaped(_s(L[j])))]
        if not candidates:
            return None
        chosen = candidates[-1]
        for j in candidates:
            k = j + 1
            while k < end and L[k].table is None and (NOTE.match(_s(L[k]).replace(" ", "")) or
                                                      SEAL_ON_BEHALF.match(_s(L[k]).replace(" ", ""))):
                k += 1
            if k >= end or ATTACH_LABEL.match(_s(L[k]).replace(" ", "")) or L[k].page_break:
                chosen = j
                break
        s = _s(L[chosen])
        d = parse_date(s)
        if not d and not self._signed_date(s):      # 2024年2月30日: where the date stands, but no such day
            self.drop(L[chosen].src, s, "不存在的日期（数据里没有成文日期）")
            self.out.unsure.append((L[chosen].src, f"日期“{s}”不存在：数据里没有写成文日期，"
                                                   "请加一行“成文日期: ”写上正确的日期"))
            return chosen
        if d:
            typed = s
        else:
            organ, d, typed = self._signed_date(s)
            f["发文机关署名"] = split_organs(organ) if len(split_organs(organ)) > 1 else organ
            self.found("发文机关署名", L[chosen].src, L[chosen].src, organ)
        f["成文日期"] = format_date(d[0])
        self._date_change(L[chosen].src, typed, d, "成文日期")
        self.found("成文日期", L[chosen].src, L[chosen].src, f["成文日期"])
        return chosen

    def _signed_date(self, s: str):
        got = split_date_tail(s)
        if got and (is_organ(got[0].replace(" ", "")) or all(is_organ(p) for p in split_organs(got[0]))):
            return got
        return None

    def _on_behalf(self, line: Line, m: re.Match) -> None:
        self.out.fields["代章"] = m.group("text")
        s = line.stripped.replace(" ", "")
        self.drop(line.src, s[0] + s[-1], "代章的括号（生成时加上）")
        self.found("代章", line.src, line.src, m.group("text"))

    def _signature(self, start: int, date_at: int) -> int:
        """代章 and 署名 lines above the date; returns where they begin."""
        L, f = self.lines, self.out.fields
        j = date_at - 1
        if j >= start:
            m = SEAL_ON_BEHALF.match(_s(L[j]).replace(" ", ""))
            if m:
                self._on_behalf(L[j], m)
                j -= 1
        if "发文机关署名" in f:
            return j + 1
        mark = f.get("发文机关标志")
        mark_names = mark if isinstance(mark, list) else [str(mark)[:-2] if str(mark).endswith("文件") else mark] \
            if mark else []
        names: list[str] = []
        first = j + 1
        while j >= start and date_at - j <= 7 and L[j].table is None:
            s = _s(L[j])
            if ends_sentence(s) or LABEL_LINE.match(s) or is_heading_start(s) or CLOSING_PHRASES.match(s) \
                    or ATTACH_ITEM.match(s) or ATTACH_NOTE.match(s) or width(s) > 60:
                break
            pieces = split_organs(s)
            ok = all(is_organ(p.replace(" ", "")) or p.replace(" ", "") in mark_names for p in pieces) \
                or (L[j].align == "right" and width(s) <= 30)
            if not ok:
                break
            names[:0] = [p.replace(" ", "") for p in pieces]
            if not names[len(pieces):]:
                last = j
            first = j
            j -= 1
        if names:
            f["发文机关署名"] = names if len(names) > 1 else names[0]
            self.found("发文机关署名", L[first].src, L[last].src, "、".join(names))
        return first

    def _attachment_note(self, start: int, end: int) -> int:
        """附件说明 (附件：1．… 2．…) just above the 署名; returns the 正文's end."""
        L = self.lines
        for j in range(end - 1, max(start, end - 40) - 1, -1):
            if L[j].table is not None:
                return end
            m = ATTACH_NOTE.match(_s(L[j]))
            if not m:
                continue
            items: list[list] = []
            first_rest = m.group("rest").strip()
            rows = ([(L[j].src, first_rest)] if first_rest else []) + [(x.src, _s(x)) for x in L[j + 1:end]]
            # several items typed on one line: 附件：1．甲 2．乙
            rows = [(src, piece) for src, row in rows
                    for piece in re.split(r"\s+(?=\d{1,2}\s*[．.、]\s*\S)", row) if piece.strip()]
            for src, s in rows:
                im = ATTACH_ITEM.match(s)
                if im:
                    items.append([int(im.group("n")), im.group("name").strip(), src])
                    self.drop(src, s[:len(s) - len(im.group("name"))], "附件说明的序号（生成时编号）")
                elif items and not ends_sentence(items[-1][1]):
                    items[-1][1] += s       # a long name wrapped onto the next line
                elif not items:
                    items.append([1, s, src])
                else:
                    return end              # a paragraph after the list: not an 附件说明
            self.drop(L[j].src, _s(L[j])[:len(_s(L[j])) - len(m.group("rest"))], "“附件：”（生成时按附件列表印出）")
            for _, name, src in items:
                if name.rstrip() != name.rstrip().rstrip("。；;"):
                    self.drop(src, name.rstrip()[-1], "附件名称末尾的标点（附件名称后不加标点）")
            names = [tidy(name.rstrip().rstrip("。；;")) for _, name, _ in items]
            existing = {a["名称"]: a for a in self.out.attachments}
            merged = []
            for k, name in enumerate(names, 1):
                a = existing.get(name) or next((x for x in self.out.attachments if x.get("序号") == k), None)
                if a is None:
                    a = {"名称": name, "内容": [], "src": items[k - 1][2]}
                elif a.get("标题"):
                    self.drop(a["src"], a["标题"], "附件页上的标题（与附件说明的名称相同，数据里只写一次）")
                elif a["名称"] != name:
                    self.out.unsure.append((a["src"], f"附件{k}的标题“{a['名称']}”与附件说明里的“{name}”不同：用附件说明的"))
                    a["名称"] = name
                merged.append(a)
            extra = [a for a in self.out.attachments if a not in merged]
            for a in extra:
                self.out.unsure.append((a["src"], f"附件“{a['名称']}”不在附件说明里：排在最后"))
            self.out.attachments = merged + extra
            self.found("附件说明", L[j].src, L[end - 1].src, f"{len(names)} 个附件：" + "；".join(names))
            return j
        return end

    def _attachment_labels(self, start: int, end: int) -> int:
        L = self.lines
        for j in range(start, end):
            if L[j].table is None and ATTACH_LABEL.match(_s(L[j]).replace(" ", "")):
                return j
        return end

    def _attachment_contents(self, start: int, end: int) -> None:
        """附件1 … 附件2 …: each label, its title lines, its content."""
        L = self.lines
        blocks: list[tuple[int, int]] = []
        for j in range(start, end):
            if L[j].table is None and ATTACH_LABEL.match(_s(L[j]).replace(" ", "")):
                blocks.append((j, end))
                if len(blocks) > 1:
                    blocks[-2] = (blocks[-2][0], j)
        for k, (a, b) in enumerate(blocks, 1):
            label = _s(L[a]).replace(" ", "")
            m = ATTACH_LABEL.match(label)
            self.drop(L[a].src, label, "附件标签“附件N”（生成时印出）")
            number = int(m.group("n")) if m and m.group("n") else k
            j = a + 1
            title: list[str] = []
            while j < b and L[j].table is None and len(title) < 3:
                s = _s(L[j])
                if ends_sentence(s) or is_heading_start(s) or width(s) > 40:
                    break
                if title and self.draft.kind == "docx" and L[j].align != "center":
                    break
                title.append(s)
                j += 1
                if DOC_KIND.search(s) or self.draft.kind != "docx" and not (j < b and L[j].table is None
                                                                             and width(_s(L[j])) < 30
                                                                             and not ends_sentence(_s(L[j]))):
                    break
            name = tidy("".join(title)) if title else f"附件{number}"
            if not title:
                self.out.unsure.append((L[a].src, f"附件{number}没有标题"))
            content = self._paragraphs(L[j:b], attachment=True)
            self.out.attachments.append({"名称": name, "内容": content, "src": L[a].src, "序号": number,
                                         "标题": "".join(title)})
            self.found(f"附件{number}", L[a].src, L[b - 1].src,
                       f"{name}（{_describe(content)}）")

    def _unplaced(self, a: int, b: int) -> None:
        L = self.lines
        srcs: list[int] = []
        paras = self._paragraphs(L[a:b], srcs=srcs)
        for p, src in zip(paras, srcs):
            if isinstance(p, str):
                self.out.body.append(p)
                self.out.body_src.append(src)
        self.out.unsure.append((L[a].src, f"第 {L[a].src}–{L[b - 1].src} {self.draft.unit}在成文日期之后、"
                                          "不是附注、附件或版记：放在正文末尾，请移到该放的地方"))

    def _paragraphs(self, lines: list[Line], attachment: bool = False, srcs: list[int] | None = None) -> list:
        """The lines as paragraphs (and tables); `srcs`, if given, receives each
        item's first draft line."""
        wrap = self.wrap if self.wrap is not None else detect_wrap(lines)
        srcs = [] if srcs is None else srcs
        paras = join_lines(lines, wrap, self.out.unsure)
        out: list = []
        for p in paras:
            if p.table is not None:
                if attachment:
                    out.append(p.table)
                    srcs.append(p.first)
                else:
                    # 正文 holds no tables: its rows as lines, so nothing is lost
                    for row in p.table.rows:
                        out.append("　".join(c for c in row if c))
                        srcs.append(p.first)
                    self.out.unsure.append((p.first, "正文里有表格：正文不能放表格，已按行转成文字；"
                                                     "请把表格移到附件里"))
                continue
            self.out.joins.extend(p.joins)
            text = tidy(p.text)
            if text:
                out.append(text)
                srcs.append(p.first)
                if p.line is not None and self._hash_heading(p.line) and not is_heading_start(text):
                    self.out.unsure.append((p.first, f"“{text[:20]}”在草稿里是 Markdown 标题但没有编号：按普通段落导入"))
                elif p.line is not None and p.line.heading_style and not is_heading_start(text):
                    self.out.unsure.append((p.first, f"“{text[:20]}”在草稿里用了标题样式但没有编号：按普通段落导入；"
                                                     "是标题的话在前面写上编号（一、（一）1.）或 #"))
        return out

    def _hash_heading(self, line: Line) -> bool:
        return any(d.src == line.src and d.why == "Markdown 标题标记" for d in self.draft.dropped)


def _title_rows(text: str) -> list[str]:
    """A title line as printed lines: a space between two pieces of Chinese is
    where the draft broke the title (…办公室 关于…)."""
    rows = [r for r in re.split(r"[ \u3000\t]+", text.strip()) if r]
    joined: list[str] = []
    for r in rows:
        if joined and (re.match(r"[0-9A-Za-z]", r) or re.search(r"[0-9A-Za-z]$", joined[-1]) or len(r) < 2
                       or len(joined[-1]) < 2):
            joined[-1] += r
        else:
            joined.append(r)
    return [tidy(r) for r in joined]


def _describe(content: list) -> str:
    paras = sum(1 for x in content if isinstance(x, str))
    tables = sum(1 for x in content if isinstance(x, TableData))
    parts = [f"{paras} 段"] if paras else []
    if tables:
        parts.append(f"{tables} 个表格")
    return "，".join(parts) or "只有标题"


def recognise(draft: Draft) -> Recognised:
    r = _Reader(draft)
    if not r.lines:
        return r.out
    body_start = r.head()
    r.wrap = detect_wrap(r.lines[body_start:])
    body_end, _ = r.tail(body_start)
    body_lines = r.lines[body_start:body_end]
    srcs: list[int] = []
    paras = r._paragraphs(body_lines, srcs=srcs)
    r.out.body[:0] = [p for p in paras if isinstance(p, str)]
    r.out.body_src[:0] = [s for p, s in zip(paras, srcs) if isinstance(p, str)]
    if body_lines:
        r.out.body_span = (body_lines[0].src, body_lines[-1].src)
    r.finish_formats()
    r.out.headings = sum(1 for p in r.out.body if is_heading_start(p))
    return r.out
