"""Any readable PDF can be an 附件 (issue 16 item 3): one that is not PDF/A is
converted with Ghostscript, and only where that fails its pages go in as
300 dpi images — said so, in Chinese.  Attachments made the ways a clerk gets
them: LibreOffice's own PDF/A-1 export, a ReportLab PDF with transparency, a
PDF written by Ghostscript from PostScript."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_generate, unspace
from test_pdfa import needs_preflight, preflight

NOTICE = """\
发文机关标志: 临淄区市场监督管理局文件
发文字号: 临市监发〔2024〕30号
标题: 关于报送知识产权工作情况的通知
主送机关: 各有关单位
正文: |
  请各单位按附件格式报送本年度工作情况。
  特此通知。
附件:
  - 名称: 报送回执
    文件: {file}
发文机关署名: 淄博市临淄区市场监督管理局
成文日期: 2024-05-06
"""

FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"
 office:mimetype="application/vnd.oasis.opendocument.text">
<office:body><office:text><text:p>报名回执：单位名称、联系人、联系电话。</text:p></office:text></office:body>
</office:document>
"""


def _libreoffice_pdfa1(folder: Path) -> Path:
    """LibreOffice's “Export as PDF” with PDF/A-1 ticked (its Type 1 subsets lack /CharSet)."""
    src = folder / "回执.fodt"
    src.write_text(FODT, encoding="utf-8")
    r = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/lo-profile",
                        "--convert-to", 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"1"}}',
                        "--outdir", str(folder), str(src)], capture_output=True, text=True, timeout=180)
    assert r.returncode == 0 and (folder / "回执.pdf").exists(), r.stderr
    return folder / "回执.pdf"


def _reportlab_transparent(folder: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas
    path = folder / "表单.pdf"
    c = Canvas(str(path), pagesize=A4, invariant=1)
    c.setFillColorRGB(1, 0, 0)
    c.setFillAlpha(0.4)                       # transparency: PDF/A-1 has none
    c.rect(100, 500, 300, 200, fill=1, stroke=0)
    c.setFillAlpha(1)
    c.setFillColorRGB(0, 0, 0)
    c.setFont("Helvetica", 24)               # not embedded
    c.drawString(100, 400, "Receipt form")
    c.showPage()
    c.save()
    return path


def _ghostscript_made(folder: Path) -> Path:
    ps = folder / "gs.ps"
    ps.write_text("%!PS\n/Helvetica findfont 20 scalefont setfont 72 700 moveto (Made by Ghostscript) show\n"
                  "0 0 1 setrgbcolor 72 600 200 50 rectfill showpage\n", encoding="ascii")
    path = folder / "gs-made.pdf"
    subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", f"-sOutputFile={path}",
                    str(ps)], check=True, timeout=60)
    return path


MAKERS = {"libreoffice": _libreoffice_pdfa1, "transparency": _reportlab_transparent, "ghostscript": _ghostscript_made}


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """Each attachment through a notice, archived; name → (folder, result, archive)."""
    if not shutil.which("gs"):
        pytest.fail("Ghostscript missing (tools/test.sh installs it)")
    out = {}
    for name, make in MAKERS.items():
        folder = tmp_path_factory.mktemp(name)
        pdf = make(folder)
        src = folder / f"notice-{name}.yaml"
        src.write_text(NOTICE.format(file=pdf.name), encoding="utf-8")
        r = run_generate(str(src), "--archive", str(folder / "build"))
        out[name] = (folder, pdf, src, r)
    return out


@pytest.mark.parametrize("name", list(MAKERS))
def test_attached_pdf_is_converted_and_said_in_chinese(converted, name):
    folder, pdf, src, r = converted[name]
    assert r.returncode == 0, r.stderr
    assert f"附件“报送回执”的 PDF（{pdf.name}）不是 PDF/A（" in r.stderr, r.stderr
    assert "已用 Ghostscript 转为 PDF/A 并入；存档版本里原文件和转换后的文件都保留" in r.stderr
    said = next(l for l in r.stderr.splitlines() if "不是 PDF/A" in l)
    assert not any(w in said for w in ("font", "Type 1", "subset", "transparen")), said
    if name == "libreoffice":
        assert "字体子集缺少字符清单" in said
    if name == "transparency":
        assert "透明" in said and "字体没有嵌入" in said


@pytest.mark.parametrize("name", list(MAKERS))
def test_the_version_keeps_original_and_converted(converted, name):
    folder, pdf, src, r = converted[name]
    version = next((folder / "build").glob("*/v1"))
    kept = version / "files" / "附件1"
    assert (kept / pdf.name).read_bytes() == pdf.read_bytes()
    made = kept / f"{pdf.stem}.pdfa.pdf"
    assert made.exists() and made.read_bytes()[:5] == b"%PDF-"
    manifest = json.loads((version.parent / "manifest.json").read_text(encoding="utf-8"))
    records = {i["file"]: i for i in manifest["versions"][0]["inputs"]}
    assert records[made.name]["made"] == "Ghostscript 转为 PDF/A" and records[made.name]["from"] == pdf.name
    again = run_generate(str(src), "--archive", str(folder / "build"))       # the conversion is repeatable
    assert again.returncode == 0 and "仍是 v1" in again.stderr, again.stderr


def _final_pdfs(converted) -> list[Path]:
    return [next((f / "build").glob("*/v1/*.pdf")) for f, *_ in converted.values()]


def test_outputs_with_converted_attachments_pass_pikepdf_validation(converted):
    import pikepdf.pdfa
    for pdf in _final_pdfs(converted):
        report = pikepdf.pdfa.validate_written(open(pdf, "rb"), "1b")
        assert report.passed, (pdf, [f"{f.rule} {f.message}" for f in report.findings][:5])


@needs_preflight
def test_outputs_with_converted_attachments_pass_pdfbox_preflight(converted, tmp_path):
    files = []
    for name, pdf in zip(converted, _final_pdfs(converted)):
        files.append(tmp_path / f"{name}.pdf")
        shutil.copy(pdf, files[-1])
    assert preflight(files, tmp_path) == {f.name: [] for f in files}


def test_attachment_content_survives_conversion(converted):
    """The text stays text where it can (LibreOffice, Ghostscript); the
    transparent form keeps its red box (flattened by Ghostscript)."""
    import pdfplumber
    import pypdfium2
    texts = {}
    for name, pdf in zip(converted, _final_pdfs(converted)):
        with pdfplumber.open(pdf) as doc:
            texts[name] = unspace(doc.pages[-1].extract_text() or "")
            last = len(doc.pages) - 1
    assert "报名回执：单位名称、联系人、联系电话。" in texts["libreoffice"], texts["libreoffice"]
    assert "Made by Ghostscript" in texts["ghostscript"], texts["ghostscript"]
    pdf = _final_pdfs(converted)[list(converted).index("transparency")]
    image = pypdfium2.PdfDocument(str(pdf))[last].render(scale=50 / 72).to_pil().convert("RGB")
    # the 40 % red over white: (255, 153, 153) inside the box (100..400 × 500..700 pt from the bottom)
    px = image.getpixel((int(250 * 50 / 72), int((842 - 600) * 50 / 72)))
    assert px[0] > 240 and 120 < px[1] < 190 and 120 < px[2] < 190, px


def _fake_gs_without_pdfwrite(folder: Path) -> Path:
    """A Ghostscript whose PDF writer fails (a broken install), rendering still
    real: the fallback to page images must take over."""
    real = shutil.which("gs")
    bindir = folder / "bin"
    bindir.mkdir()
    script = bindir / "gs"
    script.write_text(f'#!/bin/sh\ncase "$*" in *pdfwrite*) echo "pdfwrite broken" >&2; exit 1;; esac\n'
                      f'exec {real} "$@"\n')
    script.chmod(0o755)
    return bindir


def test_where_conversion_fails_pages_go_in_as_300_dpi_images(tmp_path):
    import pikepdf
    import pikepdf.pdfa
    pdf = _reportlab_transparent(tmp_path)
    src = tmp_path / "n.yaml"
    src.write_text(NOTICE.format(file=pdf.name), encoding="utf-8")
    env = {**os.environ, "PATH": f"{_fake_gs_without_pdfwrite(tmp_path)}:{os.environ['PATH']}"}
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, str(ROOT / "generate.py"), str(src), "--out", str(out)], env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "且无法转换，已按 300 dpi 图像并入：这些页的文字在 PDF 里不能再搜索或复制" in r.stderr, r.stderr
    report = pikepdf.pdfa.validate_written(open(out / "n.pdf", "rb"), "1b")
    assert report.passed, [f.message for f in report.findings][:5]
    with pikepdf.open(out / "n.pdf") as doc:              # the appended page: a form holding one image
        form = next(iter(doc.pages[-1].Resources.XObject.values()))
        image = next(iter(form.Resources.XObject.values()))
        assert (int(image.Width), int(image.Height)) == (2480, 3508)    # A4 at 300 dpi
        assert "/Font" not in form.Resources


def test_without_ghostscript_the_clerk_is_told_how_to_install_it(tmp_path):
    pdf = _reportlab_transparent(tmp_path)
    src = tmp_path / "n.yaml"
    src.write_text(NOTICE.format(file=pdf.name), encoding="utf-8")
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, str(ROOT / "generate.py"), str(src), "--out", str(out)],
                       env={**os.environ, "PATH": str(tmp_path / "nothing")}, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 1, r.stderr
    assert f"{src}:" in r.stderr and "【附件】" in r.stderr and "没有安装 Ghostscript" in r.stderr, r.stderr
    assert "sudo apt install ghostscript" in r.stderr and "未生成任何文件" in r.stderr
    assert not out.exists() or not any(out.iterdir())
