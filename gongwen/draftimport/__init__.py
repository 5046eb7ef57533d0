"""Draft import: a clerk's existing draft (Word/WPS .docx, .txt, .md, pasted
text) → our data file, with a report in Chinese.  A reader: it produces the
data file the YAML reader takes, and knows nothing of layout.

    from gongwen.draftimport import import_draft
    yaml_text, report = import_draft(Path("草稿.docx"))          # or bytes, with a name
    yaml_text, report = import_draft(data, "草稿.txt")
    print(report.text)

`import_draft(source, name=None, today=None, target=None, dated=True) -> Imported(yaml_text, report)`

* `source`: a path (str or Path), or the draft's bytes (then `name` — the file
  name the clerk gave, e.g. "通知.docx" — says what it is; without a suffix
  the bytes are sniffed: DOCX, else text).
* `dated=False` leaves the day of import out of the header comment, so the
  same draft gives the same text on any day (the one-step `generate.py
  DRAFT.docx`, whose data the archive compares byte for byte).
* `yaml_text`: the data file's text, UTF-8 when written; it generates as is
  (unless `report.missing` names a required part the draft lacked).
* `report`: an `ImportReport` — `.text` the whole report (Chinese, several lines),
  `.lines`, `.unsure` (what to check, one sentence each), `.dropped` (each
  left-out piece: draft line/paragraph, text, reason), `.missing` (parts not
  found: 标题, 发文机关标志, 成文日期 …).
* Bad drafts raise `gongwen.errors.GongwenError`, whose `.problems` carry the
  Chinese message and hint (a PDF or .doc renamed, an encrypted or broken
  DOCX, an empty file, no 正文 found, an undecodable text).  Nothing is written:
  this function never touches the disk except to read `source`.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import NamedTuple

from ..errors import GongwenError, Problem
from .docxdraft import read_docx
from .recognise import Recognised, recognise
from .report import ImportReport, build_report
from .source import Draft, Dropped
from .textdraft import read_text
from .yamlout import header_comment, to_yaml

__all__ = ["import_draft", "Imported", "ImportReport", "read_draft"]

MAX_DRAFT_BYTES = 50 * 1024 * 1024


class Imported(NamedTuple):
    yaml_text: str
    report: ImportReport


def import_draft(source: Path | str | bytes, name: str | None = None, today: _dt.date | None = None,
                 target: str | None = None, dated: bool = True) -> Imported:
    if isinstance(source, (bytes, bytearray)):
        raw, name = bytes(source), name or "草稿"
    else:
        path = Path(source)
        name = name or path.name
        try:
            if path.stat().st_size > MAX_DRAFT_BYTES:
                raise GongwenError(Problem(f"草稿文件过大（超过 {MAX_DRAFT_BYTES // 1024 // 1024} MB）。",
                                           "公文草稿一般不过几 MB；图片多时请先删去图片再导入", file=name))
            raw = path.read_bytes()
        except FileNotFoundError:
            raise GongwenError(Problem(f"找不到草稿文件“{path}”。", "检查文件名和所在文件夹", file=name)) from None
        except IsADirectoryError:
            raise GongwenError(Problem(f"“{path}”是文件夹，不是草稿文件。", "写出草稿文件的名字，例如 草稿.docx",
                                       file=name)) from None
        except OSError as e:
            raise GongwenError(Problem(f"无法读取草稿文件“{path}”：{e.strerror or e}。", "检查文件的读取权限",
                                       file=name)) from None
    draft = read_draft(raw, name)
    rec = recognise(draft)
    _complete(rec, draft)
    if not rec.body:
        raise GongwenError(Problem("草稿里找不到正文：认不出标题、主送机关之后的段落。",
                                   "导入的应是一份公文的全文（标题、主送机关、正文、署名、日期）；"
                                   "检查文件是否选对，或把正文粘贴进 .txt 再导入", file=name))
    report = build_report(draft, rec, target)
    header = [header_comment(name, today, dated)]
    for key in rec.missing:
        if key in ("标题", "发文机关标志"):
            header.append(f"{key}: 草稿里没有找到，请在下面加一行“{key}: …”")
    places: dict[str, int] = {}          # each part's first draft line (签发人 is reported as it grows)
    for f in rec.found:
        if f.first:
            places[f.field] = min(places.get(f.field, f.first), f.first)
    text = to_yaml(rec.fields, rec.body, rec.attachments, header, sources=report.sources,
                   places=places, body_src=rec.body_src, attach_src=rec.attach_src)
    return Imported(text, report)


def read_draft(raw: bytes, name: str) -> Draft:
    """The draft's bytes → lines, choosing the reader by content (a renamed
    file is told apart by what it is, not by its name)."""
    suffix = Path(name).suffix.lower()
    if not raw.strip(b" \t\r\n\x00\xef\xbb\xbf\f"):
        raise GongwenError(Problem("草稿文件是空的。", "选择写有公文内容的文件", file=name))
    head = raw[:8]
    if raw.lstrip()[:5] == b"%PDF-":
        raise GongwenError(Problem("这是一个 PDF 文件" + (f"（只是扩展名是 {suffix}）" if suffix != ".pdf" else "") +
                                   "，导入不读 PDF。",
                                   "在 PDF 阅读器里全选、复制文字，粘贴到一个 .txt 文件再导入；"
                                   "或在 Word/WPS 里打开 PDF，另存为 .docx", file=name))
    if head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        if "EncryptedPackage".encode("utf-16-le") in raw[:1 << 20] or "EncryptedPackage".encode("utf-16-le") in raw:
            raise GongwenError(Problem("这个 Word 文档设置了打开密码（已加密），无法读取。",
                                       "在 Word/WPS 中打开它，去掉密码（文件→信息→保护文档→用密码进行加密，清空），"
                                       "保存后再导入", file=name))
        raise GongwenError(Problem("这是旧版 Word/WPS 格式（.doc 或 .wps），不是 .docx。",
                                   "在 Word 或 WPS 中打开，“另存为”选“Word 文档（*.docx）”，再导入 .docx 文件",
                                   file=name))
    if raw[:5] == b"{\\rtf":
        raise GongwenError(Problem("这是 RTF 格式的文档，不是 .docx。",
                                   "在 Word 或 WPS 中打开，“另存为”选“Word 文档（*.docx）”，再导入", file=name))
    if head[:4] == b"PK\x03\x04":
        return read_docx(raw, name)
    if suffix in (".docx", ".docm", ".dotx", ".wps", ".doc"):
        raise GongwenError(Problem(f"这个文件的扩展名是 {suffix}，但内容不是 Word 文档（可能已损坏，或是改了扩展名的其他文件）。",
                                   "在 Word 或 WPS 中打开它，“另存为”选“Word 文档（*.docx）”，再导入", file=name))
    return read_text(raw, name)


def _complete(rec: Recognised, draft: Draft) -> None:
    """What the draft implies but does not spell out: a mark from the 署名 when
    there is no 版头, the 信函 format for a 函, the sealed layout."""
    f = rec.fields
    sig = f.get("发文机关署名")
    if "发文机关标志" not in f:
        if sig:
            names = sig if isinstance(sig, list) else [sig]
            typed = "".join(f.get("标题") or []) if isinstance(f.get("标题"), list) else str(f.get("标题", ""))
            letter = typed.rstrip("）)").endswith("函") or "函" in typed[-4:]
            f["发文机关标志"] = names if len(names) > 1 else names[0] + ("" if letter else "文件")
            rec.unsure.append((0, f"草稿没有版头：发文机关标志按署名补为“{'、'.join(names)}"
                                  f"{'' if letter or len(names) > 1 else '文件'}”，请核对"))
        else:
            rec.missing.append("发文机关标志")
    title = f.get("标题")
    title_text = "".join(title) if isinstance(title, list) else str(title or "")
    mark = f.get("发文机关标志")
    if title_text.endswith("函") and isinstance(mark, str) and not mark.endswith("文件"):
        f["版式"] = "信函"
    special = f.get("版式") in ("纪要", "命令")        # neither is sealed nor signed by an organ
    if f.get("成文日期") and (sig or "发文机关署名" in f) and not special:
        f["印章"] = True
    if f.get("成文日期") and "发文机关署名" not in f and not special:
        rec.unsure.append((0, "成文日期上面没有认出署名：生成时署名取发文机关标志（去掉“文件”），请核对"))
    if special and "标题" in rec.missing:
        rec.missing.remove("标题")
    if "成文日期" in rec.missing and f.get("版式") == "纪要":
        rec.missing.remove("成文日期")
    if "成文日期" in rec.missing:
        rec.missing.remove("成文日期")
        rec.unsure.append((0, "草稿里没有找到成文日期：生成的文件没有日期，请加一行“成文日期: 2024年5月8日”"))
    rec.attach_src = [a.get("src", 0) for a in rec.attachments]
    for k, a in enumerate(rec.attachments, 1):
        a.pop("src", None)
        a.pop("序号", None)
        a.pop("标题", None)
