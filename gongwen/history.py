"""Reading the archive for the clerk: `history` (every version of a document)
and `diff` (what changed between two, element by element, in words).  The
store (archive.py) writes what these read: manifest.json and each version's
elements.json."""
from __future__ import annotations

import datetime as _dt
import difflib
import json
import os
import re
from pathlib import Path

from .archive import MANIFEST, STANDARD_NUMBER, load_manifest, unregistered, version_elements
from .errors import GongwenError, Problem


def _when(entry: dict) -> str:
    try:
        return _dt.datetime.fromisoformat(entry["generated"]).strftime("%Y-%m-%d %H:%M:%S")
    except (KeyError, ValueError):
        return "时间不明"


def history(folder: Path) -> list[str]:
    """One line per version, oldest first, for `generate.py history`."""
    m = load_manifest(folder)
    versions = m["versions"]
    number = m.get("发文字号")
    name = number if number and STANDARD_NUMBER.fullmatch(number) else folder.name   # the folder says organ too
    out = [f"{name}：共 {len(versions)} 个版本，存档在 {folder}{os.sep}"]
    rows: list[tuple[int, str]] = [
        (n, f"  v{n}  未登记：一次中断的生成留下的文件夹，不在清单里；这个版本号不会再用，核对后可以删去")
        for n in unregistered(folder, versions)]
    for i, v in enumerate(versions):
        pdf = v.get("outputs", {}).get("pdf", {})
        parts = [f"v{v['version']}", _when(v), f"{v.get('pages', '?')} 页",
                 f"数据 {v['source']['file']}（sha256 {v['source']['sha256'][:12]}）"]
        if pdf:
            parts.append(f"PDF sha256 {pdf['sha256'][:12]}")
        if (v.get("options") or {}).get("preprinted"):
            parts.append("套打（--preprinted：不印版头，用于预印红头纸）")
        if v.get("reason"):
            parts.append(f"原因：{v['reason']}")
        if v.get("same_document"):
            parts.append("内容改动大，已确认是同一份公文（--same-document）")
        if v.get("note"):
            parts.append(v["note"])
        if i == len(versions) - 1:
            parts.append("← 最新")
        rows.append((v["version"], "  " + "  ".join(parts)))
    return out + [line for _, line in sorted(rows, key=lambda r: r[0])]


def _pick(versions: list[dict], label: str, folder: Path) -> dict:
    m = re.fullmatch(r"[vV]?(\d+)", label.strip())
    for v in versions:
        if m and v["version"] == int(m.group(1)):
            return v
    have = "、".join(f"v{v['version']}" for v in versions) or "无"
    raise GongwenError(Problem(f"存档“{folder}”里没有版本“{label}”（现有：{have}）。",
                               "写 v1、v2 这样的版本号，可先用 history 查看", file=folder / MANIFEST))


def _input_changes(va: dict, vb: dict) -> list[str]:
    """The seal images (印章, 印章2 …, 签名章) that differ between two versions, in
    a clerk's words (附件 PDFs are compared with the elements, see compare())."""
    def by_role(v: dict) -> dict:
        return {i.get("role"): i for i in v.get("inputs", []) if not str(i.get("role", "")).startswith("附件")}
    a, b = by_role(va), by_role(vb)
    out = []
    for role in sorted(set(a) | set(b)):
        x, y = a.get(role, {}), b.get(role, {})      # a record always has its role: {} is none
        if not x:
            out.append(f"{role}：加了“{y.get('file')}”")
        elif not y:
            out.append(f"{role}：去掉了“{x.get('file')}”")
        elif x.get("sha256") != y.get("sha256"):
            same = x.get("file") == y.get("file")
            out.append(f"{role}：图片“{y.get('file')}”换了" if same else
                       f"{role}：“{x.get('file')}”换成了“{y.get('file')}”")
    return out


def diff(folder: Path, a: str | None = None, b: str | None = None) -> list[str]:
    """What changed between two versions (default: the last two), in words."""
    versions = load_manifest(folder)["versions"]
    if a is None:
        if len(versions) < 2:
            n = len(versions)
            raise GongwenError(Problem(f"存档“{folder}”只有 {n} 个版本，没有可比较的。",
                                       "数据改动后再生成一次，就有了新版本", file=folder / MANIFEST))
        va, vb = versions[-2], versions[-1]
    else:
        va, vb = _pick(versions, a, folder), _pick(versions, b or f"v{versions[-1]['version']}", folder)
    ea, eb = version_elements(folder, va), version_elements(folder, vb)

    def head(v):
        extra = f"，原因：{v['reason']}" if v.get("reason") else ""
        return f"v{v['version']}（{_when(v)}{extra}）"

    changes = compare(ea, eb)
    if va.get("options") != vb.get("options"):
        pa, pb = va.get("options", {}).get("preprinted"), vb.get("options", {}).get("preprinted")
        if pa != pb:
            changes.append("版头：" + ("改为用预印红头纸，不印版头" if pb else "改为打印版头（不再用预印红头纸）"))
    if va.get("pages") != vb.get("pages"):
        changes.append(f"页数：{va.get('pages')} 页变为 {vb.get('pages')} 页")
    changes += _input_changes(va, vb)
    out = [f"{head(va)} → {head(vb)}："]
    if changes:
        out += [f"  {c}" for c in changes]
        out.append(f"共 {len(changes)} 处不同。")
    elif {e: o["sha256"] for e, o in va["outputs"].items()} != {e: o["sha256"] for e, o in vb["outputs"].items()}:
        out.append("  文字内容相同；生成的文件不同（字体或程序版本变了）。")
    else:
        out.append("  印出的内容相同（只改了数据文件里不印出的部分，如注释）。")
    return out


# -- comparing, element by element ---------------------------------------------------

# The order changes are told in: the fields' reading order (Document.fields()).
def _order(a: dict, b: dict) -> list[str]:
    keys = list(b)
    return keys + [k for k in a if k not in keys]


def _q(s: str, limit: int = 60) -> str:
    s = s if len(s) <= limit else s[:limit - 1] + "…"
    return f"“{s}”"


def compare(a: dict, b: dict) -> list[str]:
    """The changes between two records of archive.elements(), in words.  A field
    one record lacks (an archive made before the field was recorded) is not told."""
    out: list[str] = []
    for key in _order(a, b):
        if key not in a or key not in b:
            continue
        x, y = a[key], b[key]
        if x == y:
            continue
        if key == "正文":
            out += _paragraph_changes("正文", x or [], y or [])
        elif key == "附件":
            out += _attachments(x or [], y or [])
        elif key == "印章":
            out.append(_seal(x, y))
        elif key == "签名章":
            out.append(_signature_seal(x, y))
        elif isinstance(x, list) or isinstance(y, list):
            out.append(_list(key, x or [], y or []))
        else:
            out.append(_scalar(key, x, y))
    return out


def _signature_seal(x, y) -> str:
    if not x:
        return f"签名章：新增 {_q(y['职务'] + ' ' + y['姓名'])}"
    if not y:
        return f"签名章：删去 {_q(x['职务'] + ' ' + x['姓名'])}"
    parts = [f"{k}{_q(x[k])} 改为 {_q(y[k])}" for k in ("职务", "姓名") if x[k] != y[k]]
    if x["图片"] != y["图片"]:
        parts.append("图片" + ("去掉了" if not y["图片"] else "换了" if x["图片"] else f"改为 {_q(y['图片']['file'])}"))
    return "签名章：" + "；".join(parts)


def _scalar(key: str, x, y) -> str:
    if not x:
        return f"{key}：新增 {_q(y)}"
    if not y:
        return f"{key}：删去 {_q(x)}"
    if len(x) > 30 or len(y) > 30:
        return f"{key}：" + "；".join(_phrases(x, y))
    return f"{key}：{_q(x)} 改为 {_q(y)}"


def _list(key: str, x: list, y: list) -> str:
    added = [v for v in y if v not in x]
    removed = [v for v in x if v not in y]
    parts = []
    if added:
        parts.append("增加 " + "、".join(_q(v) for v in added))
    if removed:
        parts.append("去掉 " + "、".join(_q(v) for v in removed))
    if not parts:
        parts.append("顺序改为 " + "、".join(y))
    return f"{key}：" + "；".join(parts)


def _seal(x, y) -> str:
    def say(s):
        if s is None:
            return "不盖章"
        return "印章图片" if s.get("image") else "盖章（印后手工盖）"
    if x and y and x.get("image") and y.get("image"):
        return "印章：换了一张印章图片"
    return f"印章：{say(x)} 改为 {say(y)}"


def _where(paras: list[dict], i: int) -> str:
    p = paras[i]
    if p.get("level"):
        return f"（{'一二三四'[p['level'] - 1]}级标题）"
    for k in range(i - 1, -1, -1):
        if paras[k].get("level"):
            return f"（在“{paras[k]['text'][:20]}”下）"
    return ""


def _paragraph_changes(label: str, x: list[dict], y: list[dict]) -> list[str]:
    """Paragraphs aligned by content: changed, added, removed — numbered as printed."""
    out = []
    ta, tb = [p["text"] for p in x], [p["text"] for p in y]
    sm = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            if [p.get("level") for p in x[i1:i2]] != [p.get("level") for p in y[j1:j2]]:
                for i, j in zip(range(i1, i2), range(j1, j2)):
                    if x[i].get("level") != y[j].get("level"):
                        out.append(f"{label}第 {j + 1} 段：层次改变{_where(y, j)}")
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(pairs):
            i, j = i1 + k, j1 + k
            where = f"{label}第 {j + 1} 段{_where(y, j)}"
            out.append(f"{where}：" + "；".join(_phrases(ta[i], tb[j])))
        for j in range(j1 + pairs, j2):
            out.append(f"{label}第 {j + 1} 段{_where(y, j)}：新增 {_q(tb[j])}")
        for i in range(i1 + pairs, i2):
            out.append(f"{label}原第 {i + 1} 段{_where(x, i)}：删去 {_q(ta[i])}")
    return out


def _word(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _phrases(a: str, b: str) -> list[str]:
    """Changes inside one paragraph, as whole numbers and words, in context."""
    if len(a) <= 30 and len(b) <= 30:
        return [f"{_q(a)} 改为 {_q(b)}"]
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if sm.ratio() < 0.5:
        return [f"整段改写，原为 {_q(a)}，现为 {_q(b)}"]
    regions: list[list[int]] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        if regions and i1 - regions[-1][1] <= 3:
            regions[-1][1], regions[-1][3] = i2, j2
        else:
            regions.append([i1, i2, j1, j2])
    if len(regions) > 4:
        return [f"多处改动，现为 {_q(b, 120)}"]
    out = []
    for i1, i2, j1, j2 in regions:
        # widen to whole numbers / Latin words: "20日至26" rather than "0"…"6"
        while i1 > 0 and j1 > 0 and a[i1 - 1] == b[j1 - 1] and _word(a[i1 - 1]):
            i1, j1 = i1 - 1, j1 - 1
        while i2 < len(a) and j2 < len(b) and a[i2] == b[j2] and _word(a[i2]):
            i2, j2 = i2 + 1, j2 + 1
        old, new = a[i1:i2], b[j1:j2]
        before = a[max(0, i1 - 6):i1]
        if not old:
            out.append(f"在 {_q(before)} 后加上 {_q(new)}" if before else f"在段首加上 {_q(new)}")
        elif not new:
            out.append(f"删去 {_q(old)}")
        else:
            out.append(f"{_q(old)} 改为 {_q(new)}")
    return out


def _attachments(x: list[dict], y: list[dict]) -> list[str]:
    out = []
    for n in range(max(len(x), len(y))):
        label = f"附件{n + 1}"
        if n >= len(x):
            out.append(f"新增{label} {_q(y[n]['名称'])}")
            continue
        if n >= len(y):
            out.append(f"删去{label} {_q(x[n]['名称'])}")
            continue
        p, q = x[n], y[n]
        if p["名称"] != q["名称"]:
            out.append(f"{label}名称：{_q(p['名称'])} 改为 {_q(q['名称'])}")
        if p["内容"] != q["内容"]:
            out += _paragraph_changes(f"{label}", p["内容"], q["内容"])
        fp, fq = p.get("文件"), q.get("文件")
        if fp != fq:
            if fp and fq:
                same_name = fp["file"] == fq["file"]
                out.append(f"{label}的 PDF 文件" + ("内容变了" if same_name else
                                                   f"由 {_q(fp['file'])} 换成 {_q(fq['file'])}"))
            elif fq:
                out.append(f"{label}改为附上 PDF 文件 {_q(fq['file'])}")
            elif fp:
                out.append(f"{label}不再附 PDF 文件 {_q(fp['file'])}，改为写出的内容")
    return out
