"""A corpus of hostile inputs (issues 17 and 18), built on demand — nothing large is committed.

    python tests/hostile.py DIR       # writes every case into DIR/<name>/ and lists them

Each case is a folder of files (made here: sparse files cost no disk, bombs
are a few hundred KB compressed), the command line to run on it, and what
must happen: the exit status, words the Chinese message must hold, the field
and line it must name.  tests/test_hostile.py runs every case through the
real command line under a memory cap and a time limit and checks that
nothing is written on error and that every output written is valid.
"""
from __future__ import annotations

import os
import struct
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

GB = 1024 ** 3
MB = 1024 ** 2

NOTICE = ("发文机关标志: 某某市人民政府办公室文件\n"          # 1
          "发文字号: 某政办发〔2023〕3号\n"                 # 2
          "标题: 关于开展安全生产检查的通知\n"                # 3
          "主送机关: 各区县人民政府\n"                       # 4
          "正文: |\n"                                      # 5
          "  为做好安全生产工作，现通知如下。\n"               # 6
          "  一、检查范围\n"                                 # 7
          "  全市各单位。\n"                                 # 8
          "发文机关署名: 某某市人民政府办公室\n"               # 9
          "成文日期: 2023年4月18日\n")                       # 10

TEMPLATE = ("发文机关标志: 某某市人民政府办公室文件\n发文字号: 某政办发〔2023〕{{ 序号 }}号\n"
            "标题: 关于开展安全生产检查的通知\n主送机关: \"{{ 单位 }}：\"\n正文: |\n  请{{ 单位 }}做好检查。\n"
            "发文机关署名: 某某市人民政府办公室\n成文日期: 2023年4月18日\n")


@dataclass
class Case:
    name: str
    files: dict[str, bytes | Callable[[Path], None]]   # name → content, or a function making it
    argv: list[str]                    # {d}: the case's folder; the runner adds --out
    exit: int = 1
    words: tuple[str, ...] = ()        # all in the message
    field: str | None = None           # 【field】 in the message
    line: int | None = None            # FILE:line in the message
    outputs: int = 0                   # files written on success
    batch: bool = False                # a batch: outputs counted in the out folder

    def build(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in self.files.items():
            p = folder / name
            if callable(content):
                content(p)
            else:
                p.write_bytes(content)

    def command(self, folder: Path) -> list[str]:
        return [a.replace("{d}", str(folder)) for a in self.argv]


def _notice(**fields: str) -> bytes:
    """NOTICE with fields replaced in place (same lines) or appended."""
    lines = NOTICE.splitlines()
    for key, value in fields.items():
        for i, ln in enumerate(lines):
            if ln.startswith(f"{key}:"):
                lines[i] = f"{key}: {value}"
                break
        else:
            lines.append(f"{key}: {value}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _fifo(p: Path) -> None:
    os.mkfifo(p)


def _sparse(head: bytes, size: int) -> Callable[[Path], None]:
    def make(p: Path) -> None:
        with open(p, "wb") as f:
            f.write(head)
            f.truncate(size)
    return make


def _link(target: str) -> Callable[[Path], None]:
    def make(p: Path) -> None:
        p.symlink_to(target)
    return make


def png(width: int, height: int, pixels: bytes | None = None) -> bytes:
    """A PNG of the declared size; its pixel data is one compressed row repeated
    (a 20 000 × 20 000 image header costs a few KB)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = pixels if pixels is not None else b"\x00" + b"\xff\x00\x00\xff" * width
    comp = zlib.compressobj(9)
    data = b"".join(comp.compress(raw) for _ in range(min(height, 64))) + comp.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", data) + chunk(b"IEND", b""))


def flate_bomb_pdf(p: Path, decoded: int = 200 * MB) -> None:
    """A one-page PDF whose content stream inflates to `decoded` bytes (of spaces)."""
    import pikepdf
    comp = zlib.compressobj(9)
    block = b" " * MB
    data = b"".join(comp.compress(block) for _ in range(decoded // MB)) + comp.flush()
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    stream = pikepdf.Stream(pdf, b"")
    stream.write(data, filter=pikepdf.Name.FlateDecode)       # the bytes as given, declared Flate
    pdf.pages[0].Contents = pdf.make_indirect(stream)
    pdf.save(p, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)


def small_pdf(p: Path) -> None:
    """A one-page 附件 PDF that can join a PDF/A file: an embedded TrueType font, RGB."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas
    font = Path(__file__).resolve().parent.parent / "fonts" / "FandolFang-Regular.ttf"
    pdfmetrics.registerFont(TTFont("gw-hostile-fang", str(font)))
    c = Canvas(str(p), invariant=1, initialFontName="gw-hostile-fang")
    c.setFont("gw-hostile-fang", 16)
    c.setFillColorRGB(0, 0, 0)
    c.drawString(100, 700, "参会回执")
    c.showPage()
    c.save()


def _rows_deep(p: Path) -> None:
    p.write_text("- 单位: " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")


def _rows_alias(p: Path) -> None:
    lines = ["a0: &a0 [区教育局, 区教育局, 区教育局, 区教育局, 区教育局, 区教育局, 区教育局, 区教育局, 区教育局]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    lines += ["行:", "  - 单位: *a9"]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")


CSV_OK = "单位,序号\n区教育局,1\n区财政局,2\n".encode("utf-8")


def cases() -> list[Case]:
    gen = ["{d}/doc.yaml"]
    batch = ["batch", "{d}/tpl.yaml", "{d}/rows.csv"]
    out: list[Case] = [
        # -- good inputs: the outputs are checked for validity
        Case("good-notice", {"doc.yaml": NOTICE.encode()}, gen, exit=0, outputs=2),
        Case("good-batch", {"tpl.yaml": TEMPLATE.encode(), "rows.csv": CSV_OK}, batch, exit=0, outputs=4, batch=True),
        Case("good-seal-and-pdf", {"doc.yaml": _notice(印章="seal.png") + "附件:\n  - 名称: 表\n    文件: a.pdf\n".encode(),
                                   "seal.png": png(400, 400), "a.pdf": small_pdf}, gen, exit=0, outputs=2),
        Case("mojibake-cell-warns", {"tpl.yaml": TEMPLATE.encode(),
                                     "rows.csv": "单位,序号\n區教育局,1\n鍖烘暀鑲插眬,2\n".encode("utf-8")},
             batch, exit=0, outputs=4, batch=True, words=("大多不是常用汉字", "鍖烘暀"), field="单位", line=3),

        # -- 17.2 characters XML cannot hold: refused at field and line
        Case("ctl-title-bel", {"doc.yaml": _notice(标题='"关于开展\\x07安全生产检查的通知"')}, gen,
             words=("U+0007",), field="标题", line=3),
        Case("ctl-number-esc", {"doc.yaml": _notice(发文字号='"某政办发〔2023〕\\x1b[2J3号"')}, gen,
             words=("U+001B",), field="发文字号", line=2),
        Case("ctl-addressee-nul", {"doc.yaml": _notice(主送机关='"各区县\\0人民政府"')}, gen,
             words=("U+0000",), field="主送机关", line=4),
        Case("ctl-note-backspace", {"doc.yaml": _notice(附注='"此件\\b公开"')}, gen,
             words=("U+0008",), field="附注", line=11),
        Case("ctl-c1", {"doc.yaml": _notice(代章='"某局\\x85代章"')}, gen, words=("U+0085",), field="代章", line=11),
        Case("ctl-fffe", {"doc.yaml": _notice(标题='"关于\\uFFFE的通知"')}, gen, words=("U+FFFE",), field="标题", line=3),
        Case("ctl-ffff", {"doc.yaml": _notice(标题='"关于\\uFFFF的通知"')}, gen, words=("U+FFFF",), field="标题", line=3),
        Case("ctl-lone-surrogate", {"doc.yaml": _notice(标题='"关于\\udc00的通知"')}, gen,
             words=("U+DC00",), field="标题", line=3),
        Case("ctl-via-template", {"doc.yaml": NOTICE.replace("  全市各单位。", "  全市各单位{{ x }}。").encode()
                                  + "变量:\n  x: \"\\a\"\n".encode()}, gen,
             words=("模板展开后", "U+0007"), field="正文", line=8),
        Case("ctl-in-csv-cell", {"tpl.yaml": TEMPLATE.encode(),
                                 "rows.csv": "单位,序号\n区教育局,1\n\"区\x1b[31m财政局\",2\n".encode()},
             batch, words=("U+001B",), field="单位", line=3),

        # -- 17.3 inputs that never end: refused by type or size before reading
        Case("data-fifo", {"doc.yaml": _fifo}, gen, words=("命名管道",)),
        Case("data-dev-zero", {}, ["/dev/zero"], words=("字符设备",)),
        Case("data-link-to-dev-zero", {"doc.yaml": _link("/dev/zero")}, gen, words=("字符设备",)),
        Case("data-folder", {"doc.yaml": lambda p: p.mkdir()}, gen, words=("文件夹",)),
        Case("data-sparse-3GB", {"doc.yaml": _sparse(NOTICE.encode(), 3 * GB)}, gen, words=("过大", "2 MB")),
        Case("template-fifo", {"tpl.yaml": _fifo, "rows.csv": CSV_OK}, batch, words=("命名管道",)),
        Case("rows-fifo", {"tpl.yaml": TEMPLATE.encode(), "rows.csv": _fifo}, batch, words=("命名管道",)),
        Case("rows-dev-zero", {"tpl.yaml": TEMPLATE.encode(), "rows.csv": _link("/dev/zero")}, batch,
             words=("字符设备",)),
        Case("rows-sparse-csv", {"tpl.yaml": TEMPLATE.encode(), "rows.csv": _sparse(CSV_OK, 2 * GB)}, batch,
             words=("过大", "64 MB")),
        Case("rows-yaml-deep", {"tpl.yaml": TEMPLATE.encode(), "rows.yaml": _rows_deep},
             ["batch", "{d}/tpl.yaml", "{d}/rows.yaml"], words=("嵌套过深",), line=1),
        Case("rows-yaml-alias-bomb", {"tpl.yaml": TEMPLATE.encode(), "rows.yaml": _rows_alias},
             ["batch", "{d}/tpl.yaml", "{d}/rows.yaml"], words=("内容过多",)),
        Case("rows-yaml-sparse", {"tpl.yaml": TEMPLATE.encode(), "rows.yaml": _sparse(b"- a: 1\n", 100 * MB)},
             ["batch", "{d}/tpl.yaml", "{d}/rows.yaml"], words=("过大", "8 MB")),

        # -- 17.5 a CSV in an encoding we do not read
        Case("csv-shift-jis", {"tpl.yaml": TEMPLATE.encode(),
                               "rows.csv": "単位,序号\n株式会社テスト,1\n山田太郎,2\n".encode("shift_jis")},
             batch, words=("不像 GBK", "Shift-JIS")),

        # -- 18.3 / 17.3 files named by the data: size, pixels, decompressed size
        Case("seal-sparse-2GB", {"doc.yaml": _notice(印章="seal.png"), "seal.png": _sparse(png(10, 10), 2 * GB)},
             gen, words=("过大", "20 MB", "seal.png"), field="印章", line=11),
        Case("seal-huge-pixels", {"doc.yaml": _notice(印章="seal.png"), "seal.png": png(20_000, 20_000)}, gen,
             words=("过大", "像素", "seal.png"), field="印章", line=11),
        Case("seal-fifo", {"doc.yaml": _notice(印章="seal.png"), "seal.png": _fifo}, gen,
             words=("命名管道", "seal.png"), field="印章", line=11),
        Case("seal-dev-zero", {"doc.yaml": _notice(印章="seal.png"), "seal.png": _link("/dev/zero")}, gen,
             words=("字符设备", "seal.png"), field="印章", line=11),
        Case("pdf-sparse-2GB", {"doc.yaml": NOTICE.encode() + "附件:\n  - 名称: 表\n    文件: a.pdf\n".encode(),
                                "a.pdf": _sparse(b"%PDF-1.4\n", 2 * GB)}, gen,
             words=("过大", "100 MB", "a.pdf"), field="附件", line=13),
        Case("pdf-flate-bomb", {"doc.yaml": NOTICE.encode() + "附件:\n  - 名称: 表\n    文件: a.pdf\n".encode(),
                                "a.pdf": flate_bomb_pdf}, gen, words=("解压后", "64 MB", "a.pdf"), field="附件", line=13),
        Case("pdf-fifo", {"doc.yaml": NOTICE.encode() + "附件:\n  - 名称: 表\n    文件: a.pdf\n".encode(),
                          "a.pdf": _fifo}, gen, words=("命名管道", "a.pdf"), field="附件", line=13),

        # -- 18.1 template expansions: refused before they are built
        Case("jinja-join-join", {"doc.yaml": NOTICE.replace("  全市各单位。", "  {{ ('x' * 100000)|join('y' * 100000)|length }}").encode()},
             gen, words=("过长",), field="正文", line=8),
        Case("jinja-list-string", {"doc.yaml": NOTICE.replace("  全市各单位。", "  {{ ['x' * 100000] * 100000 }}").encode()},
             gen, words=("过长",), field="正文", line=8),
        Case("jinja-range-join", {"doc.yaml": NOTICE.replace("  全市各单位。", "  {{ range(1000)|join('x' * 100000) }}").encode()},
             gen, words=("过长",), field="正文", line=8),
    ]
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    root = Path(argv[0])
    for c in cases():
        c.build(root / c.name)
        print(f"{c.name:28} exit {c.exit}  generate.py {' '.join(c.command(root / c.name))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
