"""YAML notice → validated Document.

Structural checks live here (types, required fields, dates, files, Jinja2);
the 公文 rules (文号 form, date order …) live in checks.py and run on the
Document this builds.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import re
from pathlib import Path
from typing import Any

from . import markup
from .errors import GongwenError, Problem
from .model import ATTENDANCE_LABELS, FORMATS, Attachment, Document, Paragraph, Seal, SignatureSeal, Table, format_date
from . import spec
from .controls import problem_text
from .inputfiles import image_problem, named_file_problem, pdf_problem
from .controls import printable as forbidden_removed
from .templating import Templates
from .yamlsource import Located, LocatedList, Pos, decode, load, read_text

# House limits that keep generation quick on any input.  200 000 characters
# are some 330 pages; a title set on lines automatically (and an attachment's
# name, which is also set as a title) longer than 100 characters would be
# five or more lines of 二号 and makes the balanced title breaker slow.
MAX_TEXT_CHARS = 200_000
MAX_VARIABLE_CHARS = 20_000      # all 变量 values together
MAX_VARIABLE_ITEMS = 2_000
MAX_AUTO_TITLE_CHARS = 100

TEXT_FIELDS = ("发文字号", "份号", "密级", "保密期限", "紧急程度", "标题", "主送机关", "正文",
               "代章", "附注", "印发机关", "版式", "令号")
LIST_OR_TEXT_FIELDS = ("发文机关标志", "签发人", "发文机关署名", "抄送机关")
DATE_FIELDS = ("成文日期", "印发日期")
ATTENDANCE = ATTENDANCE_LABELS               # 纪要 (§9.4)
KNOWN_KEYS = TEXT_FIELDS + LIST_OR_TEXT_FIELDS + DATE_FIELDS + ("附件", "印章", "签名章") + ATTENDANCE + ("变量",)
REQUIRED = ("发文机关标志", "标题", "正文")
NO_TITLE_FORMATS = ("命令", "纪要")            # these may carry no 标题
SIGNATURE_SEAL_KEYS = ("职务", "姓名", "图片")

# Words clerks commonly write for a field, for the did-you-mean hint.
ALIASES = {
    "文号": "发文字号", "字号": "发文字号", "发文号": "发文字号", "主送": "主送机关", "抄送": "抄送机关",
    "日期": "成文日期", "落款": "发文机关署名", "署名": "发文机关署名", "发文机关": "发文机关署名",
    "题目": "标题", "内容": "正文", "红头": "发文机关标志", "机关标志": "发文机关标志", "盖章": "印章",
    "备注": "附注", "印发": "印发机关", "签发": "签发人", "紧急": "紧急程度", "密级和保密期限": "密级",
    "附件说明": "附件", "份数": "份号", "格式": "版式", "命令号": "令号", "签名": "签名章",
    "出席人员": "出席", "请假人员": "请假", "列席人员": "列席", "参会人员": "出席",
}

_DATE_ISO = re.compile(r"^\s*(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*$")
_CN_DATE_DIGITS = "〇一二三四五六七八九"      # 零 and ○ are read as 〇 too
_DATE_CN_NUMERALS = re.compile(r"^\s*([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
                               r"\s*([一二三四五六七八九十]{1,3})\s*日\s*$")
_DATE_CN = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")


class _Ctx:
    """What every conversion needs: the file, the raw mapping, the problems found."""

    def __init__(self, path: Path | None, data: Located, confine: Path | None = None):
        self.path = path
        self.data = data
        self.confine = confine          # files the data names must lie inside this folder (the web page)
        self.problems: list[Problem] = []
        self._jinja: Templates | None = None
        self.variables: dict[str, Any] = {}

    def pos(self, key: str) -> Pos | None:
        return self.data.value_pos.get(key) or self.data.key_pos.get(key)

    def error(self, key: str, message: str, hint: str = "", line: int | None = None) -> None:
        p = self.pos(key)
        self.problems.append(Problem(message, hint, field=key, line=line or (p.line if p else None),
                                     column=None if line else (p.column if p else None), file=self.path))

    # -- Jinja2 ---------------------------------------------------------
    def render(self, key: str, text: str, line: int | None = None, block: bool = False) -> str:
        """Every text of the document passes here: its templates expanded, and
        characters a document cannot hold refused (before and after expansion).
        `block`: the text is a `|` block whose lines are the file's lines from `line` on."""
        pos = self.pos(key)
        base = line or (pos.line if pos else None)
        if not self._printable(key, text, base, "", block):
            return forbidden_removed(text)
        if "{{" not in text and "{%" not in text and "{#" not in text:
            return text
        if self._jinja is None:
            self._jinja = Templates()
        out, problem = self._jinja.render(text, self.variables)
        if problem is None:
            same_lines = block and out.count("\n") == text.count("\n")   # then offsets are source lines
            if not self._printable(key, out, base, "模板展开后", same_lines):
                return forbidden_removed(out)
            return out
        message, hint, offset = problem
        if offset is None:
            offset = _line_mentioning(text, message)
        at = base + offset - 1 if base and offset else base
        self.error(key, message, hint, line=at)
        return text

    def _printable(self, key: str, text: str, base: int | None, when: str, exact: bool) -> bool:
        bad = problem_text(text)
        if bad is None:
            return True
        offset, message = bad
        self.error(key, f"{when}{message}。",
                   "删去这个字符（多半是从网页或其他软件复制来的，或 YAML 里 \\x07、\\0 之类的转义）",
                   line=base + offset if base and exact else base)
        return False

    # -- typed getters --------------------------------------------------
    def text(self, key: str) -> str | None:
        v = self.data.get(key)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, (str, int, float, _dt.date)):
            self.error(key, f"应是一段文字，这里写成了{_kind(v)}。", f"`{key}: 文字内容`")
            return None
        if not isinstance(v, str):
            v = self.data.raw.get(key, str(v)) if isinstance(self.data, Located) else str(v)
        vp, kp = self.data.value_pos.get(key), self.data.key_pos.get(key)
        return self.render(key, v, block=bool(vp and kp and vp.line > kp.line)).strip()

    def text_list(self, key: str) -> tuple[str, ...]:
        v = self.data.get(key)
        if v is None:
            return ()
        if isinstance(v, str):
            items = [v]
            lines: list[int | None] = [None]
        elif isinstance(v, list):
            items = list(v)
            lines = [p.line for p in v.item_pos] if isinstance(v, LocatedList) else [None] * len(v)
            raws = list(v.item_raw) if isinstance(v, LocatedList) else [None] * len(v)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            items, lines = [self.data.raw.get(key, str(v))], [None]
        else:
            self.error(key, f"应是文字或文字列表，这里写成了{_kind(v)}。", f"`{key}: 名称`，多个时每行写 `  - 名称`")
            return ()
        if isinstance(v, str) or not isinstance(v, list):
            raws = [None]
        out = []
        for item, line, raw in zip(items, lines, raws):
            if item is None:
                continue
            if isinstance(item, bool) or not isinstance(item, (str, int, float, _dt.date)):
                self.error(key, f"列表里每一项应是一段文字，这里写成了{_kind(item)}。", "`  - 名称`", line=line)
                continue
            out.append(self.render(key, raw if raw is not None else str(item), line).strip())
        return tuple(x for x in out if x)

    def date(self, key: str) -> _dt.date | None:
        v = self.data.get(key)
        if v is None:
            return None
        if isinstance(v, _dt.datetime):
            return v.date()
        if isinstance(v, _dt.date):
            return v
        if isinstance(v, str):
            v = self.render(key, v)
            m = _DATE_ISO.match(v) or _DATE_CN.match(v)
            if m:
                y, mo, d = (int(g) for g in m.groups())
                try:
                    return _dt.date(y, mo, d)
                except ValueError:
                    self.error(key, f"日期“{v.strip()}”不存在。", "写成真实的日期，例如 2023-04-18")
                    return None
        shown = v.strip() if isinstance(v, str) else self.data.raw.get(key) or _kind(v)
        m = _DATE_CN_NUMERALS.match(shown) if isinstance(shown, str) else None
        if m:
            year = "".join(str(_CN_DATE_DIGITS.index(ch)) if ch in _CN_DATE_DIGITS else "0" for ch in m.group(1))
            month, day = (markup.parse_chinese_number(g) for g in m.group(2, 3))
            try:
                hint = format_date(_dt.date(int(year), month, day))  # type: ignore[arg-type]  # None: TypeError
            except (TypeError, ValueError):     # 四月三十一日 does not exist either
                hint = "写成真实的日期，例如 2023-04-18"
            self.error(key, f"日期“{shown}”用了汉字数字；成文日期用阿拉伯数字标全年、月、日。", hint)
            return None
        self.error(key, f"无法识别的日期“{str(shown)[:40]}”。", "写成 2023-04-18 或 2023年4月18日")
        return None


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "真假值"
    if isinstance(v, list):
        return "列表"
    if isinstance(v, dict):
        return "“名称: 值”的映射"
    if isinstance(v, (int, float)):
        return "数字"
    if isinstance(v, _dt.date):
        return "日期"
    return "无法识别的内容"


def _line_mentioning(text: str, message: str) -> int | None:
    """1-based line of text holding the name quoted in message (“…”)."""
    m = re.search(r"“([^”]+)”", message)
    if not m:
        return None
    name = m.group(1)
    for n, line in enumerate(text.splitlines(), 1):
        if name in line and ("{{" in line or "{%" in line):
            return n
    return None


def read(path: Path, raw: bytes | None = None, *, confine: Path | None = None) -> Document:
    """Read a notice file into a Document, or raise GongwenError listing every problem.
    `raw`: the file's bytes, read already (the archive keeps exactly what was parsed).
    `confine`: a folder the files the data names (seals, 附件 PDFs) must lie in —
    the web page reads nothing outside its folder."""
    path = Path(path)
    data = load(read_text(path) if raw is None else decode(raw, path), path)
    return build(data, path, confine=confine)


def read_string(text: str, path: Path | None = None) -> Document:
    return build(load(text, path), path)


def build(data: Located, path: Path | None, *, confine: Path | None = None) -> Document:
    ctx = _Ctx(path, data, confine)
    _check_keys(ctx)
    _load_variables(ctx)
    base_dir = path.parent if path else Path.cwd()   # where the files it names are
    organ_mark, suffix, joint = _organ_mark(ctx)
    title_lines = tuple(l.strip() for l in (ctx.text("标题") or "").splitlines() if l.strip())
    addressees = ctx.text("主送机关")
    if addressees:
        addressees = re.sub(r"[:：]*$", "", " ".join(addressees.split())) + "："
    body = _body(ctx, "正文")
    attachments = _attachments(ctx, base_dir)
    seal = _seal(ctx, base_dir)
    fmt = _format(ctx)
    issuers = _issuers(ctx, organ_mark, joint, fmt)
    _seal_count(ctx, issuers)
    copy_number = _copy_number(ctx)
    secrecy, secrecy_term = _secrecy(ctx)
    date = ctx.date("成文日期")
    printer = ctx.text("印发机关")
    print_date = ctx.date("印发日期")
    if printer and print_date is None and "印发日期" not in data:
        print_date = date                   # printed the day it is dated, unless the data says otherwise
    note = re.sub(r"^[（(]|[）)]$", "", ctx.text("附注") or "")
    attendance = tuple((label, names) for label in ATTENDANCE
                       if (names := "、".join(ctx.text_list(label))))

    doc = Document(
        source=path,
        organ_mark=organ_mark,
        mark_suffix=suffix,
        doc_number=ctx.text("发文字号") or None,
        title_lines=title_lines if len(title_lines) > 1 else None,
        title="".join(title_lines),
        addressees=addressees,
        body=tuple(body),
        signers=ctx.text_list("签发人"),
        copy_number=copy_number or None,
        secrecy=secrecy or None,
        secrecy_term=secrecy_term or None,
        urgency=ctx.text("紧急程度") or None,
        attachments=attachments,
        issuers=issuers,
        date=date,
        seal=seal,
        proxy_seal=(re.sub(r"^[（(]|[）)]$", "", ctx.text("代章") or "") or None),
        note=note or None,
        cc=tuple(c for c in (re.sub(r"[，,。；;、]+$", "", c) for c in ctx.text_list("抄送机关")) if c),
        printer=printer or None,
        print_date=print_date,
        format=fmt,
        order_number=ctx.text("令号") or None,
        signature_seal=_signature_seal(ctx, base_dir),
        attendance=attendance,
        lines=_lines(data),
    )
    _check_sizes(ctx, doc)
    if ctx.problems:
        raise GongwenError(sorted(ctx.problems, key=lambda p: p.line or 0))
    return doc


def _issuers(ctx: _Ctx, organ_mark: tuple[str, ...], joint: bool, fmt: str | None) -> tuple[str, ...]:
    """The 发文机关署名; where none is written, the organs of the mark."""
    issuers = ctx.text_list("发文机关署名")
    # 纪要 carry no 署名 (§9.4) and 命令 sign with the 签名章: no default from the mark.
    if not issuers and organ_mark and fmt not in ("纪要", "命令"):
        issuers = organ_mark if joint else (re.sub(r"文件$", "", organ_mark[0]) or organ_mark[0],)
    return issuers


def _copy_number(ctx: _Ctx) -> str | None:
    """The 份号, a short number written with its leading zeros (7 → 000007)."""
    copy_number = ctx.text("份号")
    if copy_number and copy_number.isascii() and copy_number.isdigit() and len(copy_number) < spec.COPY_NUMBER_DIGITS:
        copy_number = copy_number.zfill(spec.COPY_NUMBER_DIGITS)
    return copy_number


def _organ_mark(ctx: _Ctx) -> tuple[tuple[str, ...], str, bool]:
    """(the organs of the 发文机关标志, its 文件 suffix, whether it is a joint mark)."""
    mark = ctx.text_list("发文机关标志")
    if isinstance(ctx.data.get("发文机关标志"), list) and len(mark) > 1:
        return tuple(m[:-2] if m.endswith("文件") and len(m) > 2 else m for m in mark), "文件", True
    return mark[:1], "", False


def _secrecy(ctx: _Ctx) -> tuple[str | None, str | None]:
    """(密级, 保密期限), from their own fields or from 机密★1年 written in one."""
    secrecy = ctx.text("密级")
    secrecy_term = ctx.text("保密期限")
    if secrecy and "★" in secrecy:          # 机密★1年 written in one field, as it is printed
        level, _, term = secrecy.partition("★")
        secrecy = level.strip() or None
        if term.strip() and not secrecy_term:
            secrecy_term = term.strip()
    return secrecy, secrecy_term


def _check_sizes(ctx: _Ctx, doc: Document) -> None:
    if not doc.title_lines and len(doc.title) > MAX_AUTO_TITLE_CHARS:
        ctx.error("标题", f"标题过长（{len(doc.title)} 字）。",
                  f"精简到 {MAX_AUTO_TITLE_CHARS} 字以内；或写成 `标题: |`，下面每行一段，自己分行")
    for a in doc.attachments:
        if len(a.name) > MAX_AUTO_TITLE_CHARS:
            items = ctx.data.get("附件")
            line = items.item_pos[a.number - 1].line if isinstance(items, LocatedList) and a.number <= len(items) else None
            ctx.error("附件", f"附件名称过长（{len(a.name)} 字）。", f"精简到 {MAX_AUTO_TITLE_CHARS} 字以内", line=line)
    total = 0
    for b in list(doc.body) + [b for a in doc.attachments for b in a.content]:
        if isinstance(b, Paragraph):
            total += len(b.text)
        elif isinstance(b, Table):
            total += sum(len(c) for row in (b.header, *b.rows) for c in row)
    if total > MAX_TEXT_CHARS:
        ctx.error("正文", f"正文和附件共 {total} 字，超过 {MAX_TEXT_CHARS} 字（约 330 页），不像一份公文。",
                  "把长的材料另存为 PDF，用附件的“文件:”引用")


def _lines(data: Located) -> dict[str, int]:
    """Source lines for messages.  `字段` is the key's line; `字段#` the value's
    first text line (a block scalar's first line after `|`); `字段#2` the line
    of list item 2 (1-based); `附件#2.名称` a key inside attachment 2;
    `签名章.职务` a key inside a mapping.  (Code that wants field names only
    should take the part before `#` or `.`.)"""
    out: dict[str, int] = {}
    for k, p in data.key_pos.items():
        if not isinstance(k, str):
            continue
        out[k] = p.line
        vp = data.value_pos.get(k)
        if vp:
            out[f"{k}#"] = vp.line
        v = data.get(k)
        if isinstance(v, Located):                     # 签名章: 职务, 姓名 …
            for sk, sp in v.key_pos.items():
                if isinstance(sk, str):
                    out[f"{k}.{sk}"] = sp.line
        if isinstance(v, LocatedList):
            for i, ip in enumerate(v.item_pos, 1):
                out[f"{k}#{i}"] = ip.line
                item = v[i - 1]
                if isinstance(item, Located):
                    for sk, sp in item.key_pos.items():
                        if isinstance(sk, str):
                            out[f"{k}#{i}.{sk}"] = sp.line
                            svp = item.value_pos.get(sk)
                            if svp:
                                out[f"{k}#{i}.{sk}#"] = svp.line
    return out


def _blank(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, str):
        return not v.strip()
    if isinstance(v, list):
        return all(_blank(x) for x in v)
    return False


def _check_keys(ctx: _Ctx) -> None:
    for key in ctx.data:
        if key in KNOWN_KEYS:
            continue
        name = str(key)
        stripped = name.strip().rstrip(":：")
        guess = (stripped if stripped in KNOWN_KEYS else None) or ALIASES.get(stripped) \
            or next(iter(difflib.get_close_matches(stripped, KNOWN_KEYS, 1, 0.5)), None)
        hint = f"是不是“{guess}”？" if guess else "可用的字段：" + "、".join(KNOWN_KEYS)
        p = ctx.data.key_pos.get(key)
        ctx.problems.append(Problem(f"不认识的字段“{name[:30]}”。", hint, field=name[:30],
                                    line=p.line if p else None, column=p.column if p else None, file=ctx.path))
    fmt = ctx.data.get("版式")
    for key in REQUIRED:
        if key == "标题" and fmt in NO_TITLE_FORMATS:
            continue
        if _blank(ctx.data.get(key)):
            p = ctx.data.key_pos.get(key)
            what = "是空的" if key in ctx.data else "缺少必填字段"
            msg = f"“{key}”是空的。" if key in ctx.data else f"缺少必填字段“{key}”。"
            ctx.problems.append(Problem(msg, f"加上一行 `{key}: …`" if what != "是空的" else f"在 `{key}:` 后写出内容",
                                        field=key, line=p.line if p else 1, file=ctx.path))


def _load_variables(ctx: _Ctx) -> None:
    v = ctx.data.get("变量")
    if v is None:
        return
    if not isinstance(v, dict):
        ctx.error("变量", "应是“名称: 值”的映射。", "`变量:` 下每行写 `  名称: 值`")
        return
    chars, items = 0, 0
    stack = [v]
    while stack:
        x = stack.pop()
        items += 1
        if isinstance(x, dict):
            stack.extend(x.keys())
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)
        else:
            chars += len(str(x)) if isinstance(x, str) else 1
    if chars > MAX_VARIABLE_CHARS or items > MAX_VARIABLE_ITEMS:
        ctx.error("变量", f"变量的内容过多（{chars} 字、{items} 项）。",
                  f"变量只用来填写名称、日期等短内容：合计不超过 {MAX_VARIABLE_CHARS} 字、{MAX_VARIABLE_ITEMS} 项")
        return
    ctx.variables = {str(k): val for k, val in v.items()}


def _body(ctx: _Ctx, key: str, data: Located | None = None, line: int | None = None,
          field: str | None = None) -> list[Paragraph | Table]:
    data = ctx.data if data is None else data
    v = data.get(key)
    field = field or key
    if v is None:
        return []
    p = data.value_pos.get(key) if isinstance(data, Located) else None
    at = p.line if p else line
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        v = data.raw.get(key, str(v)) if isinstance(data, Located) else str(v)
    if isinstance(v, list) and key == "内容":
        return _mixed_content(ctx, v, field)
    if not isinstance(v, str):
        ctx.error(field, f"应是一段文字（每段一行），这里写成了{_kind(v)}。",
                  f"写成 `{key}: |`，下一行起每段缩进两格", line=at)
        return []
    folding = data.folding.get(key) if isinstance(data, Located) else None
    if folding is not None:
        kp = data.key_pos.get(key)
        _folding_error(ctx, field, key, v, folding, kp.line if kp else at)
        return []
    before = len(ctx.problems)
    kp = data.key_pos.get(key) if isinstance(data, Located) else None
    text = ctx.render(field, v, at, block=bool(p and kp and p.line > kp.line))
    if len(ctx.problems) > before:         # the template failed: its source is not the text
        return []
    try:
        return [*markup.parse_body(text, at)]
    except GongwenError as e:          # markup reports its own problems (tables …)
        for prob in e.problems:
            ctx.problems.append(prob if prob.file else Problem(prob.message, prob.hint, prob.field or field,
                                                               prob.line, prob.column, ctx.path, prob.severity))
        return []


def _folding_error(ctx: _Ctx, field: str, key: str, value: str, f, line: int | None) -> None:
    """`正文:` (or an 附件's `内容:`) written without `|`: YAML joined its lines
    into one paragraph, or took its `# 标题` lines for comments."""
    what = "正文" if key == "正文" else "附件内容"
    hint = f"{what}有多段时写成 `{key}: |`，下面每段一行"
    shown = _short(" ".join(value.split()), 24)
    if f.folded:
        how = "用了“>”" if f.style == ">" else "没有写“|”"
        ctx.error(field, f"{what}{how}，YAML 把下面的各行连成了一段（“{shown}”）。",
                  hint, line=line)
    if f.comment is not None:
        ctx.error(field, f"{what}没有写“|”，第 {f.comment.line} 行“{_short(f.comment_text, 16)}”"
                  "被 YAML 当作注释，不会印出。", hint + "（`# ` 开头的行是一级标题）", line=line)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _mixed_content(ctx: _Ctx, items: list, field: str) -> list[Paragraph | Table]:
    """附件 内容 written as a list: paragraphs (markup text) and 表格 blocks."""
    out: list[Paragraph | Table] = []
    for i, item in enumerate(items):
        line = items.item_pos[i].line if isinstance(items, LocatedList) else None
        folding = items.item_folding.get(i) if isinstance(items, LocatedList) else None
        if isinstance(item, str) and folding is not None and folding.folded:
            ctx.error(field, "附件内容的这一项写了几行，YAML 把它们连成了一段"
                      f"（“{_short(' '.join(item.split()), 24)}”）。",
                      "每段写成单独的一项 `- 一段文字`；或写成 `- |`，下面每段一行", line=line)
            continue
        if isinstance(item, str):
            text = ctx.render(field, item, line)
            out += markup.parse_body(text, line)
        elif isinstance(item, dict) and set(item) == {"表格"}:
            table = _table(ctx, item["表格"], field, line)
            if table:
                out.append(table)
        else:
            ctx.error(field, "内容列表里的每一项应是一段文字，或一个“表格”。",
                      "`- 一段文字`，或 `- 表格:` 下写 `表头: [列1, 列2]` 和 `行:`", line=line)
    return out


def _table(ctx: _Ctx, t, field: str, line: int | None) -> Table | None:
    hint = "`表格:` 下写 `表头: [序号, 单位, 联系人]` 和 `行:`，每行写 `- [1, 某局, 张三]`"
    if not isinstance(t, dict) or not isinstance(t.get("表头"), list) or not t.get("表头"):
        ctx.error(field, "表格缺少“表头”。", hint, line=line)
        return None
    unknown = [k for k in t if k not in ("表头", "行", "横向")]
    if unknown:
        ctx.error(field, f"表格里有不认识的项“{unknown[0]}”。", hint, line=line)
    rows = t.get("行") or []
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        ctx.error(field, "表格的“行”应是列表，每行一个 `[单元格, …]`。", hint, line=line)
        return None

    def cell(v) -> str:
        if v is None:
            return ""
        if isinstance(v, (dict, list)):
            ctx.error(field, "表格的单元格应是文字或数字。", hint, line=line)
            return ""
        return ctx.render(field, str(v), line).strip()

    header = tuple(cell(v) for v in t["表头"])
    body = tuple(tuple(cell(v) for v in r) for r in rows)
    wide = [i + 1 for i, r in enumerate(body) if len(r) > len(header)]
    if wide:
        ctx.error(field, f"表格第{wide[0]}行的单元格比表头多。", "每行的单元格数不超过表头的列数", line=line)
    landscape = t.get("横向", False)
    if not isinstance(landscape, bool):
        ctx.error(field, "表格的“横向”应是 true 或 false。", "`横向: true`：表格太宽时横排在 A4 横向页上", line=line)
        landscape = False
    return Table(header, body, landscape)


def _format(ctx: _Ctx) -> str:
    v = ctx.text("版式")
    if not v:
        return FORMATS[0]
    v = v.removesuffix("格式").strip()
    alias = {"函": "信函", "令": "命令", "会议纪要": "纪要", "文件格式": "文件", "普通": "文件"}.get(v, v)
    if alias in FORMATS:
        return alias
    guess = next(iter(difflib.get_close_matches(v, FORMATS, 1, 0.3)), None)
    ctx.error("版式", f"不认识的版式“{v[:20]}”。",
              (f"是不是“{guess}”？" if guess else "") + "版式有：" + "、".join(FORMATS) + "（不写即为“文件”）")
    return FORMATS[0]


def _signature_seal(ctx: _Ctx, base_dir: Path) -> SignatureSeal | None:
    """签名章: `职务` and `姓名`, and optionally `图片` (the seal image)."""
    v = ctx.data.get("签名章")
    if v is None:
        return None
    if not isinstance(v, dict):
        ctx.error("签名章", f"应是“职务、姓名”两项，这里写成了{_kind(v)}。",
                  "`签名章:` 下写 `  职务: 区长` 和 `  姓名: 张三`（可加 `  图片: 签名章.png`）")
        return None
    for k in v:
        if k not in SIGNATURE_SEAL_KEYS:
            guess = next(iter(difflib.get_close_matches(str(k), SIGNATURE_SEAL_KEYS, 1, 0.3)), None)
            kp = v.key_pos.get(k) if isinstance(v, Located) else None
            ctx.error("签名章", f"签名章里有不认识的项“{str(k)[:20]}”。",
                      f"是不是“{guess}”？" if guess else "签名章只有 职务、姓名、图片 三项",
                      line=kp.line if kp else None)
    parts = {}
    for k in ("职务", "姓名"):
        x = v.get(k)
        kp = v.key_pos.get(k) if isinstance(v, Located) else None
        if isinstance(x, (int, float)) and not isinstance(x, bool):
            x = str(x)
        if not isinstance(x, str) or not x.strip():
            ctx.error("签名章", f"签名章缺少“{k}”。", f"`  {k}: …`", line=kp.line if kp else None)
            continue
        parts[k] = ctx.render("签名章", x, kp.line if kp else None).strip()
    image = None
    pic = v.get("图片")
    if pic is not None:
        kp = v.key_pos.get("图片") if isinstance(v, Located) else None
        line = kp.line if kp else None
        if not isinstance(pic, str) or not pic.strip():
            ctx.error("签名章", "签名章的“图片”应是图片文件的路径。", "`  图片: 签名章.png`", line=line)
        else:
            image = _image_file(ctx, "签名章", base_dir, pic.strip(), line, "签名章图片")
    if len(parts) < 2:
        return None
    return SignatureSeal(parts["职务"], parts["姓名"], image, _aspect(image) if image else 1.0)


def _aspect(image: Path) -> float:
    """Width / height of an image already checked by _image_file."""
    from PIL import Image as _PIL  # lazy: Pillow only for a seal or 签名章 image
    with _PIL.open(image) as im:
        w, h = im.size
    return w / h if h else 1.0


_ATTACHMENT_KEYS = ("名称", "内容", "文件")


def _attachments(ctx: _Ctx, base_dir: Path) -> tuple[Attachment, ...]:
    v = ctx.data.get("附件")
    if v is None:
        return ()
    if isinstance(v, str):                      # one attachment, name only
        pos = ctx.pos("附件")
        v_items, lines = [v], list[int | None]([pos.line if pos else None])
    elif isinstance(v, list):
        v_items = list(v)
        lines = [p.line for p in v.item_pos] if isinstance(v, LocatedList) else [None] * len(v)
    else:
        ctx.error("附件", f"应是列表，这里写成了{_kind(v)}。",
                  "每个附件写 `  - 名称: …`，再加 `    内容: |` 或 `    文件: 某.pdf`")
        return ()
    out: list[Attachment] = []
    for i, (item, line) in enumerate(zip(v_items, lines), 1):
        if isinstance(item, (str, int, float)) and not isinstance(item, bool):
            name = ctx.render("附件", str(item), line).strip()
            if not name:
                ctx.error("附件", f"第{i}个附件是空的。", "写出附件名称，或删去这一行", line=line)
                continue
            out.append(Attachment(len(out) + 1, name))
            continue
        if not isinstance(item, dict):
            ctx.error("附件", f"第{i}个附件写法不对（写成了{_kind(item)}）。", "`  - 名称: …`", line=line)
            continue
        for k in item:
            if k not in _ATTACHMENT_KEYS:
                guess = next(iter(difflib.get_close_matches(str(k), _ATTACHMENT_KEYS, 1, 0.3)), None)
                kp = item.key_pos.get(k) if isinstance(item, Located) else None
                ctx.error("附件", f"第{i}个附件里有不认识的项“{str(k)[:30]}”。",
                          f"是不是“{guess}”？" if guess else "附件只有 名称、内容、文件 三项",
                          line=kp.line if kp else line)
        name = item.get("名称")
        if isinstance(name, (int, float)) and not isinstance(name, bool):
            name = item.raw.get("名称", str(name)) if isinstance(item, Located) else str(name)
        if name is None or (isinstance(name, str) and not name.strip()):
            ctx.error("附件", f"第{i}个附件缺少“名称”。", "`  - 名称: 附件的标题`", line=line)
            continue
        if not isinstance(name, str):
            ctx.error("附件", f"第{i}个附件的“名称”应是一段文字，这里写成了{_kind(name)}。",
                      "`  - 名称: 附件的标题`", line=line)
            continue
        name = ctx.render("附件", name, line).strip()
        content: list = []
        file = None
        if item.get("内容") is not None and item.get("文件") is not None:
            ctx.error("附件", f"附件“{name}”同时写了“内容”和“文件”。", "二者只写一个", line=line)
        if item.get("内容") is not None:
            content = _body(ctx, "内容", item, line, field="附件") if isinstance(item, Located) else []
        f = item.get("文件")
        if f is not None:
            fline = item.value_pos["文件"].line if isinstance(item, Located) and "文件" in item.value_pos else line
            if not isinstance(f, str) or not f.strip():
                ctx.error("附件", f"附件“{name}”的“文件”应是 PDF 文件的路径。", "`    文件: 附件1.pdf`", line=fline)
            else:
                file = _attached_pdf(ctx, base_dir, f.strip(), fline)
        out.append(Attachment(len(out) + 1, name, tuple(content), file, _pdf_pages(file) if file else 0))
    return tuple(out)


def _attached_pdf(ctx: _Ctx, base_dir: Path, name: str, line: int | None) -> Path | None:
    if not _confined(ctx, "附件", base_dir, name, line, "附件文件"):
        return None
    file = base_dir / name
    missing = named_file_problem(file)
    if missing:
        ctx.error("附件", f"附件文件“{name}”{missing}", "检查路径（相对于本数据文件所在的文件夹）", line=line)
        return None
    if file.suffix.lower() != ".pdf":
        ctx.error("附件", f"附件文件“{name}”不是 PDF。", "把附件另存为 PDF 后再引用", line=line)
        return None
    problem = pdf_problem(file)
    if problem:
        ctx.error("附件", f"附件文件“{name}”{problem}", "用 PDF 阅读器打开检查，或重新导出 PDF", line=line)
        return None
    return file


def _pdf_pages(file: Path) -> int:
    """Pages of an attached PDF pdf_problem has found readable."""
    from pypdf import PdfReader          # imported here: only documents with a PDF 附件 need it (~25 ms)
    return len(PdfReader(str(file)).pages)


_TRUE_WORDS = ("是", "有", "盖章", "加盖")
_FALSE_WORDS = ("否", "无", "不盖章", "不盖")


def _seal(ctx: _Ctx, base_dir: Path) -> Seal | None:
    v = ctx.data.get("印章")
    if isinstance(v, str) and v.strip() in _TRUE_WORDS:
        v = True
    if isinstance(v, str) and v.strip() in _FALSE_WORDS:
        v = False
    if v is None or v is False:
        return None
    if v is True:
        return Seal()
    if isinstance(v, str) and v.strip():
        image = _image_file(ctx, "印章", base_dir, v.strip(), None, "印章图片", "；或写 `印章: true` 打印后手工盖章")
        return Seal(image, aspects=(_aspect(image),) if image else ())
    if isinstance(v, list) and v and all(isinstance(x, str) and x.strip() for x in v):
        # 联合行文: one seal per issuer, in the order of 发文机关署名
        lines: list[int | None] = [p.line for p in v.item_pos] if isinstance(v, LocatedList) else [None] * len(v)
        images = tuple(_image_file(ctx, "印章", base_dir, x.strip(), ln, "印章图片") for x, ln in zip(v, lines))
        found = tuple(i for i in images if i is not None)
        if len(found) == len(images):
            return Seal(found[0], found, tuple(_aspect(i) for i in found))
        return Seal()
    ctx.error("印章", "应是 true、false 或印章图片的路径。", "`印章: true`（打印后手工盖章）或 `印章: 印章.png`；联合行文每个机关一枚：`印章: [甲.png, 乙.png]`")
    return None


def _seal_count(ctx: _Ctx, issuers: tuple[str, ...]) -> None:
    """A list of seal images has one per 署名, in the order of 发文机关署名: an
    image more is never drawn, an image fewer leaves an organ unsealed.  (A
    single image, not a list, is the host organ's seal.)"""
    v = ctx.data.get("印章")
    if not (isinstance(v, list) and v and all(isinstance(x, str) and x.strip() for x in v)):
        return
    if not issuers or len(v) == len(issuers):
        return
    names = "、".join(issuers) if len(issuers) <= 4 else "、".join(issuers[:4]) + "……"
    if len(issuers) == 1:
        hint = f"只写一枚：`印章: {v[0].strip()}`；联合行文时在 发文机关署名 下逐行列出各机关，每个机关一枚印章"
    else:
        hint = (f"按 发文机关署名 的顺序每个机关一枚：`印章: [{', '.join(f'机关{i}.png' for i in range(1, len(issuers) + 1))}]`"
                "；或写 `印章: true` 打印后手工盖章")
    ctx.error("印章", f"印章列了 {len(v)} 枚图片，发文机关署名却有 {len(issuers)} 个（{names}）：每个署名机关对应一枚印章。",
              hint)


def _image_file(ctx: _Ctx, key: str, base_dir: Path, name: str, line: int | None, what: str,
                extra_hint: str = "") -> Path | None:
    """The image file, checked: it exists, is a PNG or JPEG and opens."""
    if not _confined(ctx, key, base_dir, name, line, what):
        return None
    image = base_dir / name
    missing = named_file_problem(image)
    if missing:
        ctx.error(key, f"{what}“{name}”{missing}", "检查路径（相对于本数据文件所在的文件夹）" + extra_hint, line=line)
        return None
    if image.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        ctx.error(key, f"{what}“{name}”不是 PNG 或 JPEG。", "用透明背景的 PNG 图片", line=line)
        return None
    problem = image_problem(image)
    if problem:
        ctx.error(key, f"{what}“{name}”{problem}", "用图像软件重新导出为 PNG", line=line)
        return None
    return image


def _confined(ctx: _Ctx, key: str, base_dir: Path, name: str, line: int | None, what: str) -> bool:
    """False (and the error said) when the file lies outside ctx.confine — by
    `..`, an absolute path or a link pointing out.  Nothing of it is read."""
    if ctx.confine is None:
        return True
    try:
        inside = (base_dir / name).resolve().is_relative_to(Path(ctx.confine).resolve())
    except (OSError, ValueError, RuntimeError):
        inside = False
    if not inside:
        ctx.error(key, f"{what}“{name}”不在文件夹“{ctx.confine}”里，网页版不读取这个文件夹以外的文件。",
                  f"把文件复制到“{ctx.confine}”里，写相对于数据文件的路径", line=line)
    return inside

