"""Any readable PDF as an 附件: made archival (PDF/A-1b) before it is appended.

A clerk attaches whatever PDF the other office sent — LibreOffice's export
(its Type 1 subsets lack /CharSet, so even its own PDF/A-1 is not valid), a
scan, a form drawn with transparency.  Each is checked as it would be
appended (attachment_findings); one that passes goes in unchanged, any
other is converted with Ghostscript's pdfwrite (-dPDFA=1: fonts embedded with
their character sets, colours to RGB, transparency flattened), and, only where
that fails or still does not pass, its pages go in as 300 dpi images — said so,
since their text can then no longer be searched or copied.

The conversion is a pure function of the file's bytes (same input, same
output: Ghostscript's page content and subset names are deterministic, and
only the pages are used), remembered per process.  The version in the archive
keeps the original and the converted file (archive.read_inputs)."""
from __future__ import annotations

import dataclasses
import hashlib
import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import spec
from .errors import GongwenError, Problem
from .pdfbase import MM, save_kwargs, set_metadata, set_output_intent, underlay

IMAGE_DPI = 300
GS_TIMEOUT = 300          # seconds for one file (a 100-page scan takes about a minute)
AS_IS, CONVERTED, IMAGES = "原样", "Ghostscript 转为 PDF/A", f"{IMAGE_DPI} dpi 图像"


@dataclass(frozen=True)
class Archival:
    """An 附件 PDF as it goes into the archival PDF."""
    data: bytes              # the PDF whose pages are appended
    how: str                 # AS_IS, CONVERTED or IMAGES
    why: str = ""            # why the original could not go in as it was (in Chinese)


_memo: dict[str, Archival] = {}


def archival(path: Path, data: bytes | None = None) -> Archival:
    """The archival form of one 附件 PDF (its bytes `data`, read from `path` if not given)."""
    if data is None:
        data = Path(path).read_bytes()
    key = hashlib.sha256(data).hexdigest()
    if key not in _memo:
        _memo[key] = _make(Path(path), data)
    return _memo[key]


def _make(path: Path, data: bytes) -> Archival:
    why = bytes_findings(data)
    if not why:
        return Archival(data, AS_IS)
    gs = ghostscript()
    if gs is None:
        raise GongwenError(Problem(
            f"附件文件“{path.name}”不是 PDF/A（{why.rstrip('。')}），要用 Ghostscript 转换，但这台电脑没有安装 Ghostscript。",
            "安装 Ghostscript（统信 UOS/麒麟/Debian：sudo apt install ghostscript；macOS：brew install ghostscript；"
            "Windows：从 ghostscript.com 安装，并把 gswin64c 所在文件夹加入 PATH），或把附件另存为 PDF/A", field="附件"))
    with tempfile.TemporaryDirectory(prefix="gongwen-pdfa-") as tmp:
        src, out = Path(tmp) / "in.pdf", Path(tmp) / "out.pdf"
        src.write_bytes(data)
        converted = _run(gs, ["-sDEVICE=pdfwrite", "-dPDFA=1", "-dPDFACompatibilityPolicy=1",
                              "-sColorConversionStrategy=RGB", "-sProcessColorModel=DeviceRGB",
                              f"-r{IMAGE_DPI}", f"-sOutputFile={out}", str(src)], out)
        if converted is not None and not bytes_findings(converted):
            return Archival(converted, CONVERTED, why)
        pages = _images(gs, src, Path(tmp))
    if pages is None:
        raise GongwenError(Problem(f"附件文件“{path.name}”不是 PDF/A（{why.rstrip('。')}），"
                                   "Ghostscript 既不能转换它，也不能把它的页面转成图像。",
                                   "用 PDF 阅读器打开检查；或在 WPS/Word 里另存为 PDF/A 再附上", field="附件"))
    return Archival(pages, IMAGES, why)


def prepare(doc, data: dict[Path, bytes] | None = None) -> dict[Path, Archival]:
    """The archival form of every 附件 PDF of `doc` (from `data`, the bytes as
    read, where given), made before rendering so that a failure names the data
    file and the 附件's line."""
    out = {}
    for a in doc.attachments:
        if a.file is None:
            continue
        try:
            out[Path(a.file)] = archival(a.file, (data or {}).get(Path(a.file)))
        except GongwenError as e:
            raise GongwenError([dataclasses.replace(p, file=doc.source, line=doc.lines.get("附件"))
                                for p in e.problems])
    return out


def ghostscript() -> str | None:
    """The Ghostscript command: gs (Linux, macOS) or gswin64c/gswin32c (Windows)."""
    for name in ("gs", "gswin64c", "gswin32c"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(gs: str, args: list[str], out: Path) -> bytes | None:
    try:
        r = subprocess.run([gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", *args], capture_output=True,
                           timeout=GS_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if r.returncode != 0 or not out.exists() or out.stat().st_size == 0:
        return None
    return _pages_only(out)


def _pages_only(path: Path) -> bytes | None:
    """Ghostscript's file without what changes from run to run (its dates,
    document ID and metadata): only the pages are appended, and the archive
    must see the same input give the same converted file."""
    import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read
    try:
        with pikepdf.open(path) as pdf:
            for key in ("/Metadata", "/OutputIntents"):
                if key in pdf.Root:
                    del pdf.Root[key]
            for key in ("/Info", "/ID"):         # qpdf keeps an existing ID's first half
                if key in pdf.trailer:
                    del pdf.trailer[key]
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True)
            return out.getvalue()
    except pikepdf.PdfError:
        return None


def _images(gs: str, src: Path, tmp: Path) -> bytes | None:
    """Every page rendered at IMAGE_DPI and put on a page of its printed size,
    as a PDF/A-1b-compatible image (RGB, Flate, no transparency)."""
    import zlib

    import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read
    from PIL import Image
    pattern = tmp / "page-%05d.png"
    try:
        r = subprocess.run([gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=png16m", f"-r{IMAGE_DPI}",
                            "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4", f"-sOutputFile={pattern}", str(src)],
                           capture_output=True, timeout=GS_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    files = sorted(tmp.glob("page-*.png"))
    if r.returncode != 0 or not files:
        return None
    pdf = pikepdf.new()
    for f in files:
        with Image.open(f) as im:
            rgb = im.convert("RGB")
        w, h = rgb.size
        image = pikepdf.Stream(pdf, zlib.compress(rgb.tobytes(), 6), Type=pikepdf.Name.XObject,
                               Subtype=pikepdf.Name.Image, Width=w, Height=h, ColorSpace=pikepdf.Name.DeviceRGB,
                               BitsPerComponent=8, Filter=pikepdf.Name.FlateDecode)
        size = (w * 72 / IMAGE_DPI, h * 72 / IMAGE_DPI)
        page = pdf.add_blank_page(page_size=size)
        page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        page.obj.Contents = pikepdf.Stream(pdf, f"q {size[0]:.2f} 0 0 {size[1]:.2f} 0 0 cm /Im0 Do Q".encode())
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def note(name: str, file: Path, a: Archival) -> str | None:
    """What the clerk is told about one 附件 PDF that did not go in as it was."""
    if a.how == CONVERTED:
        return (f"附件“{name}”的 PDF（{Path(file).name}）不是 PDF/A（{a.why.rstrip('。')}），"
                "已用 Ghostscript 转为 PDF/A 并入；存档版本里原文件和转换后的文件都保留。")
    if a.how == IMAGES:
        return (f"附件“{name}”的 PDF（{Path(file).name}）不是 PDF/A（{a.why.rstrip('。')}），且无法转换，"
                f"已按 {IMAGE_DPI} dpi 图像并入：这些页的文字在 PDF 里不能再搜索或复制。")
    return None


# -- is it PDF/A as it is? ------------------------------------------------------

_PLAIN = (  # what a finding means, for a clerk (first match wins)
    (("CharSet",), "字体子集缺少字符清单（/CharSet）"),
    (("DeviceCMYK", "CMYK"), "用了 CMYK 颜色（存档 PDF 只能用 RGB 或灰度）"),
    (("embed", "FontFile"), "有字体没有嵌入"),
    (("transparen", "SMask", "/Group", "blend", "CA", "ca "), "含透明效果（PDF/A-1 不允许）"),
    (("JavaScript", "/JS", "Action", "/AA"), "含脚本或动作"),
    (("Encrypt",), "加了密"),
    (("LZW",), "用了 LZW 压缩"),
    (("ICC", "ICCBased"), "颜色配置文件不合要求"),
)


def attachment_findings(path: Path) -> str:
    """Why one 附件 PDF, underlaid as `finish` does, is not PDF/A-1b ('' if it is)."""
    return bytes_findings(Path(path).read_bytes())


def bytes_findings(data: bytes) -> str:
    """attachment_findings of a PDF given as bytes."""
    import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read
    import pikepdf.pdfa
    with pikepdf.open(io.BytesIO(data)) as src, pikepdf.new() as pdf:
        for k in range(len(src.pages)):
            pdf.add_blank_page(page_size=(spec.PAGE_WIDTH * MM, spec.PAGE_HEIGHT * MM))
            form = pdf.copy_foreign(src.pages[k].as_form_xobject())
            underlay(pdf.pages[k], form, f"/GwAttachmentPage{k + 1}")
        set_metadata(pdf, "附件", "", None, "", None)
        set_output_intent(pdf)
        out = io.BytesIO()
        pdf.save(out, **save_kwargs())
    report = pikepdf.pdfa.validate_written(io.BytesIO(out.getvalue()), "1b")
    if report.passed:
        return ""
    reasons: list[str] = []
    for f in report.findings:
        text = f"{f.rule} {f.message}"
        plain = next((p for keys, p in _PLAIN if any(k in text for k in keys)), None)
        reasons.append(plain or f"不符合 PDF/A-1b 的一项规定（{f.rule}）")
    uniq = list(dict.fromkeys(reasons))
    return "；".join(uniq[:4]) + ("等" if len(uniq) > 4 else "") + "。"
