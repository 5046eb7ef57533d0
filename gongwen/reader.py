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
from .model import Attachment, Document, Paragraph, Seal, Span, Table
from . import spec
from .yamlsource import Located, LocatedList, Pos, load, read_text

TEXT_FIELDS = ("发文字号", "份号", "密级", "保密期限", "紧急程度", "标题", "主送机关", "正文",
               "代章", "附注", "印发机关")
LIST_OR_TEXT_FIELDS = ("发文机关标志", "签发人", "发文机关署名", "抄送机关")
DATE_FIELDS = ("成文日期", "印发日期")
KNOWN_KEYS = TEXT_FIELDS + LIST_OR_TEXT_FIELDS + DATE_FIELDS + ("附件", "印章", "变量")
REQUIRED = ("发文机关标志", "标题", "正文")

# Words clerks commonly write for a field, for the did-you-mean hint.
ALIASES = {
    "文号": "发文字号", "字号": "发文字号", "发文号": "发文字号", "主送": "主送机关", "抄送": "抄送机关",
    "日期": "成文日期", "落款": "发文机关署名", "署名": "发文机关署名", "发文机关": "发文机关署名",
    "题目": "标题", "内容": "正文", "红头": "发文机关标志", "机关标志": "发文机关标志", "盖章": "印章",
    "备注": "附注", "印发": "印发机关", "签发": "签发人", "紧急": "紧急程度", "密级和保密期限": "密级",
    "附件说明": "附件", "份数": "份号",
}

_DATE_ISO = re.compile(r"^\s*(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*$")
_DATE_CN = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")


class _Ctx:
    """What every conversion needs: the file, the raw mapping, the problems found."""

    def __init__(self, path: Path | None, data: Located):
        self.path = path
        self.data = data
        self.problems: list[Problem] = []
        self._jinja = None
        self.variables: dict[str, Any] = {}

    def pos(self, key: str) -> Pos | None:
        return self.data.value_pos.get(key) or self.data.key_pos.get(key)

    def error(self, key: str, message: str, hint: str = "", line: int | None = None) -> None:
        p = self.pos(key)
        self.problems.append(Problem(message, hint, field=key, line=line or (p.line if p else None),
                                     column=None if line else (p.column if p else None), file=self.path))

    # -- Jinja2 ---------------------------------------------------------
    def render(self, key: str, text: str, line: int | None = None) -> str:
        if "{{" not in text and "{%" not in text:
            return text
        import jinja2
        from jinja2.sandbox import SandboxedEnvironment
        if self._jinja is None:
            self._jinja = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                                               keep_trailing_newline=True)
        base = line or (self.pos(key).line if self.pos(key) else None)
        try:
            return self._jinja.from_string(text).render(self.variables)
        except jinja2.TemplateSyntaxError as e:
            at = base + (e.lineno or 1) - 1 if base else None
            self.error(key, f"模板语法错误：{e.message}", "检查 {{ }} 与 {% %} 是否成对", line=at)
        except jinja2.UndefinedError as e:
            name = re.search(r"'([^']+)' is undefined", str(e))
            shown = name.group(1) if name else str(e)
            self.error(key, f"模板里的变量“{shown}”没有定义。",
                       f"在“变量:”下加一行 `{shown}: …`，或改正变量名")
        except Exception as e:  # sandbox violations, type errors inside expressions
            self.error(key, f"模板无法展开：{e}", "模板里只写变量名和简单表达式")
        return text

    # -- typed getters --------------------------------------------------
    def text(self, key: str) -> str | None:
        v = self.data.get(key)
        if v is None:
            return None
        if isinstance(v, bool) or isinstance(v, (dict, list)):
            kind = "列表" if isinstance(v, list) else "映射" if isinstance(v, dict) else "真假值"
            self.error(key, f"应是一段文字，这里写成了{kind}。", f"`{key}: 文字内容`")
            return None
        if isinstance(v, (_dt.date, int, float)):
            v = str(v)
        return self.render(key, v).strip()

    def text_list(self, key: str) -> tuple[str, ...]:
        v = self.data.get(key)
        if v is None:
            return ()
        if isinstance(v, str):
            items = [v]
            lines = [None]
        elif isinstance(v, list):
            items = list(v)
            lines = [p.line for p in v.item_pos] if isinstance(v, LocatedList) else [None] * len(v)
        else:
            self.error(key, "应是文字或文字列表。", f"`{key}: 名称`，多个时每行写 `  - 名称`")
            return ()
        out = []
        for item, line in zip(items, lines):
            if isinstance(item, (dict, list)) or item is None or isinstance(item, bool):
                self.error(key, "列表里每一项应是一段文字。", "`  - 名称`", line=line)
                continue
            out.append(self.render(key, str(item), line).strip())
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
        self.error(key, f"无法识别的日期“{v}”。", "写成 2023-04-18 或 2023年4月18日")
        return None


def read(path: Path) -> Document:
    """Read a notice file into a Document, or raise GongwenError listing every problem."""
    path = Path(path)
    data = load(read_text(path), path)
    return build(data, path)


def read_string(text: str, path: Path | None = None) -> Document:
    return build(load(text, path), path)


def build(data: Located, path: Path | None) -> Document:
    ctx = _Ctx(path, data)
    _check_keys(ctx)
    _load_variables(ctx)
    base_dir = path.parent if path else Path.cwd()

    mark = ctx.text_list("发文机关标志")
    joint = isinstance(data.get("发文机关标志"), list) and len(mark) > 1
    if joint:
        organ_mark = tuple(m[:-2] if m.endswith("文件") else m for m in mark)
        suffix = "文件"
    else:
        organ_mark, suffix = mark[:1], ""

    title = ctx.text("标题") or ""
    title_lines = tuple(l.strip() for l in title.splitlines() if l.strip())
    addressees = ctx.text("主送机关")
    if addressees:
        addressees = " ".join(addressees.split())
        addressees = re.sub(r"[:：]*$", "", addressees) + "："

    body = _body(ctx, "正文")
    attachments = _attachments(ctx, base_dir)
    seal = _seal(ctx, base_dir)

    issuers = ctx.text_list("发文机关署名")
    if not issuers and organ_mark:
        issuers = organ_mark if joint else (re.sub(r"文件$", "", organ_mark[0]),)

    copy_number = ctx.text("份号")
    if copy_number and copy_number.isdigit() and len(copy_number) < spec.COPY_NUMBER_DIGITS:
        copy_number = copy_number.zfill(spec.COPY_NUMBER_DIGITS)

    date = ctx.date("成文日期")
    printer = ctx.text("印发机关")
    print_date = ctx.date("印发日期")
    if printer and print_date is None:
        print_date = date
    note = ctx.text("附注")
    if note:
        note = re.sub(r"^[（(]|[）)]$", "", note)

    doc = Document(
        source=path,
        organ_mark=organ_mark,
        mark_suffix=suffix,
        doc_number=ctx.text("发文字号"),
        title_lines=title_lines if len(title_lines) > 1 else None,
        title="".join(title_lines),
        addressees=addressees,
        body=tuple(body),
        signers=ctx.text_list("签发人"),
        copy_number=copy_number,
        secrecy=ctx.text("密级"),
        secrecy_term=ctx.text("保密期限"),
        urgency=ctx.text("紧急程度"),
        attachments=attachments,
        issuers=issuers,
        date=date,
        seal=seal,
        proxy_seal=(re.sub(r"^[（(]|[）)]$", "", ctx.text("代章") or "") or None),
        note=note,
        cc=tuple(re.sub(r"[，,。；;、]+$", "", c) for c in ctx.text_list("抄送机关")),
        printer=printer,
        print_date=print_date,
        lines={k: p.line for k, p in data.key_pos.items() if isinstance(k, str)},
    )
    if ctx.problems:
        raise GongwenError(ctx.problems)
    return doc


def _check_keys(ctx: _Ctx) -> None:
    for key in ctx.data:
        if key in KNOWN_KEYS:
            continue
        name = str(key)
        guess = ALIASES.get(name) or next(iter(difflib.get_close_matches(name, KNOWN_KEYS, 1, 0.5)), None)
        hint = f"是不是“{guess}”？" if guess else "可用的字段：" + "、".join(KNOWN_KEYS)
        p = ctx.data.key_pos.get(key)
        ctx.problems.append(Problem(f"不认识的字段“{name}”。", hint, field=name,
                                    line=p.line if p else None, column=p.column if p else None, file=ctx.path))
    for key in REQUIRED:
        v = ctx.data.get(key)
        if v is None or (isinstance(v, (str, list)) and not v):
            ctx.problems.append(Problem(f"缺少必填字段“{key}”。", f"加上一行 `{key}: …`",
                                        field=key, line=1, file=ctx.path))


def _load_variables(ctx: _Ctx) -> None:
    v = ctx.data.get("变量")
    if v is None:
        return
    if not isinstance(v, dict):
        ctx.error("变量", "应是“名称: 值”的映射。", "`变量:` 下每行写 `  名称: 值`")
        return
    ctx.variables = {str(k): val for k, val in v.items()}


def _body(ctx: _Ctx, key: str, data: Located | None = None) -> list[Paragraph | Table]:
    data = ctx.data if data is None else data
    v = data.get(key)
    if v is None:
        return []
    p = data.value_pos.get(key)
    if not isinstance(v, str):
        ctx.error(key, "应是一段文字（每段一行）。", f"写成 `{key}: |`，下一行起每段缩进两格", line=p.line if p else None)
        return []
    text = ctx.render(key, v, p.line if p else None)
    return markup.parse_body(text, p.line if p else None)


def _attachments(ctx: _Ctx, base_dir: Path) -> tuple[Attachment, ...]:
    v = ctx.data.get("附件")
    if v is None:
        return ()
    if not isinstance(v, list):
        ctx.error("附件", "应是列表。", "每个附件写 `  - 名称: …` 加 `内容: |` 或 `文件: 某.pdf`")
        return ()
    out = []
    for i, item in enumerate(v, 1):
        line = v.item_pos[i - 1].line if isinstance(v, LocatedList) else None
        if isinstance(item, str):
            out.append(Attachment(i, ctx.render("附件", item, line).strip()))
            continue
        if not isinstance(item, dict):
            ctx.error("附件", f"第{i}个附件写法不对。", "`  - 名称: …`", line=line)
            continue
        for k in item:
            if k not in ("名称", "内容", "文件"):
                guess = next(iter(difflib.get_close_matches(str(k), ("名称", "内容", "文件"), 1, 0.3)), None)
                kp = item.key_pos.get(k) if isinstance(item, Located) else None
                ctx.error("附件", f"第{i}个附件里有不认识的项“{k}”。",
                          f"是不是“{guess}”？" if guess else "附件只有 名称、内容、文件 三项",
                          line=kp.line if kp else line)
        name = item.get("名称")
        if not isinstance(name, str) or not name.strip():
            ctx.error("附件", f"第{i}个附件缺少“名称”。", "`  - 名称: 附件的标题`", line=line)
            continue
        name = ctx.render("附件", name, line).strip()
        content: list = []
        file = None
        if item.get("内容") is not None and item.get("文件") is not None:
            ctx.error("附件", f"附件“{name}”同时写了“内容”和“文件”。", "二者只写一个", line=line)
        if item.get("内容") is not None:
            content = _body(ctx, "内容", item) if isinstance(item, Located) else []
        if item.get("文件") is not None:
            file = base_dir / str(item["文件"])
            if not file.is_file():
                ctx.error("附件", f"附件文件“{item['文件']}”不存在。", "检查路径（相对于本数据文件所在的文件夹）", line=line)
            elif file.suffix.lower() != ".pdf":
                ctx.error("附件", f"附件文件“{item['文件']}”不是 PDF。", "把附件另存为 PDF 后再引用", line=line)
        out.append(Attachment(i, name, tuple(content), file))
    return tuple(out)


def _seal(ctx: _Ctx, base_dir: Path) -> Seal | None:
    v = ctx.data.get("印章")
    if v is None or v is False:
        return None
    if v is True:
        return Seal()
    if isinstance(v, str):
        image = base_dir / v
        if not image.is_file():
            ctx.error("印章", f"印章图片“{v}”不存在。", "检查路径（相对于本数据文件所在的文件夹），或写 `印章: true` 手工盖章")
            return Seal()
        if image.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            ctx.error("印章", f"印章图片“{v}”不是 PNG 或 JPEG。", "用透明背景的 PNG 图片")
        return Seal(image)
    ctx.error("印章", "应是 true、false 或印章图片的路径。", "`印章: true`（打印后手工盖章）或 `印章: 印章.png`")
    return None
