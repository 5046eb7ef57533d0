"""The import report, in Chinese: what was recognised, part by part, with the
draft's line (or paragraph) numbers; what was rewritten; what was left out
(page numbers, Markdown markers, labels the generator prints itself); and
what the importer was unsure of."""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from .recognise import Found, Recognised
from .source import Draft, Dropped

# Reasons whose text is shown line by line: the clerk should see what went.
_SHOWN = ("页码", "页眉（每页重复的一行）", "Markdown 分隔线", "Markdown 标题标记", "Markdown 加粗标记",
          "Markdown 列表标记", "Markdown 引用标记", "修订中删除的文字", "批注", "隐藏文字", "页眉页脚")


@dataclass
class ImportReport:
    draft: str
    lines: list[str] = field(default_factory=list)
    unsure: list[str] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unit: str = "行"                 # what the draft's numbers count: 行 (text) or 段 (DOCX paragraphs)
    sources: list[int | None] = field(default_factory=list)   # data file line k+1 → the draft line it came from

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def place(self, data_line: int | None) -> str:
        """Where a line of the data file came from in the draft, as the clerk reads
        it: “通知.docx 第 12 段”, or just the draft's name when the line was not
        the draft's (a comment, a value the importer supplied)."""
        src = self.sources[data_line - 1] if data_line and 0 < data_line <= len(self.sources) else None
        return f"{self.draft} 第 {src} {self.unit}" if src else self.draft


def _span(unit: str, a: int, b: int) -> str:
    return f"第 {a} {unit}" if a == b else f"第 {a}–{b} {unit}"


def _numbers(unit: str, srcs: list[int]) -> str:
    srcs = sorted(set(srcs))
    shown = "、".join(str(s) for s in srcs[:12]) + ("……" if len(srcs) > 12 else "")
    return f"第 {shown} {unit}"


def build_report(draft: Draft, rec: Recognised, target: str | None) -> ImportReport:
    u = draft.unit
    rep = ImportReport(draft.name, dropped=list(draft.dropped), missing=list(rec.missing), unit=draft.unit)
    kind = "Word/WPS 文档" if draft.kind == "docx" else f"文字稿，{draft.encoding}编码"
    count = max((x.src for x in draft.lines), default=0)
    head = f"导入草稿“{draft.name}”（{kind}，{count} {u}）"
    rep.lines.append(head + (f" → {target}" if target else "") + "：")
    rep.lines.append("认出的各部分：")
    order = ("份号", "密级", "保密期限", "紧急程度", "发文机关标志", "发文字号", "签发人", "标题", "主送机关")
    found = sorted(rec.found, key=lambda f: (f.first, f.field))
    seen: dict[str, Found] = OrderedDict()
    for f in found:                     # the last report of a field is its full value (签发人 grows)
        seen[f.field] = f
    head_parts = [f for f in seen.values() if f.field in order]
    tail_parts = [f for f in seen.values() if f.field not in order]
    for f in head_parts:
        rep.lines.append(f"  {f.field}（{_span(u, f.first, f.last)}）：{f.shown}")
    if rec.body_span:
        a, b = rec.body_span
        text = f"  正文（{_span(u, a, b)}）：{len(rec.body)} 段，其中标题 {rec.headings} 个"
        if rec.joins:
            text += f"；接回被断开的段落 {len(rec.joins)} 处（" + "，".join(
                f"第 {x} 与 {y} {u}" for x, y in rec.joins[:8]) + ("……" if len(rec.joins) > 8 else "") + "）"
        rep.lines.append(text)
    for f in tail_parts:
        rep.lines.append(f"  {f.field}（{_span(u, f.first, f.last)}）：{f.shown}")
    if "印章" in rec.fields and rec.fields.get("印章") is True:
        rep.lines.append("  印章：草稿看不出是否盖章，按加盖印章的版式排（印章: true）；不盖章请改为 false，"
                         "要印出印章图片请写图片文件名")
    if "版式" in rec.fields:
        rep.lines.append(f"  版式：{rec.fields['版式']}（标题是函，发文机关标志不带“文件”）")
    if rec.changes:
        rep.lines.append(f"改写 {len(rec.changes)} 处：")
        rep.lines.extend(f"  第 {src} {u}：{what}" for src, what in rec.changes)
    if draft.dropped:
        rep.lines.append(f"去掉、不进数据文件的文字 {len(draft.dropped)} 处：")
        groups: dict[str, list[Dropped]] = OrderedDict()
        for d in draft.dropped:
            groups.setdefault(d.why, []).append(d)
        for why, items in groups.items():
            if why in _SHOWN:
                texts = sorted(set(d.text for d in items), key=lambda t: [d.text for d in items].index(t))
                shown = "、".join(f"“{t[:30]}”" for t in texts[:6]) + ("……" if len(texts) > 6 else "")
                rep.lines.append(f"  {why}（{_numbers(u, [d.src for d in items])}）：{shown}")
            else:
                rep.lines.append(f"  {why}：{len(items)} 处")
    notes = list(draft.notes)
    if notes:
        rep.lines.append("草稿里的其他内容：")
        rep.lines.extend(f"  {n}" for n in notes)
    unsure = sorted(rec.unsure, key=lambda x: x[0])
    for missing in rec.missing:
        rep.unsure.append(f"草稿里没有找到{missing}，数据文件里留了“{missing}”一行的注释，请填写")
    rep.unsure.extend(f"第 {src} {u}：{what}" if src else what for src, what in unsure)
    if rep.unsure:
        rep.lines.append(f"请核对（{len(rep.unsure)} 处）：")
        rep.lines.extend(f"  {x}" for x in rep.unsure)
    return rep
