"""The OFD (issue 15), read back as a receiving system would: the package's
structure checked part by part, every glyph's position against the PDF's,
the 公文 tags against the objects they name, and an independent reader
(easyofd) asked for the text of every page and for a rendering of page 1,
which is compared with our PDF's page 1 at the same resolution.

Documents: the seed, the joint notice with one seal image per organ, the 信函,
the 命令, a notice with a landscape table, one with an 附件 PDF, and one with a
character outside the Basic Multilingual Plane (𠮷, U+20BB7) in its 标题 and
正文, which only the fallback font (Noto CJK) has."""
from __future__ import annotations

import difflib
import io
import re
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gongwen import spec
from conftest import MM, ROOT, SEED_DATA, SEED_TEXT, run_generate, unspace, write_yaml

DATA = ROOT / "data"
O = "{http://www.ofdspec.org/2016}"
PAGE_H = spec.PAGE_HEIGHT * MM


# -- the documents ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """name → {"pdf", "ofd", "docx"?, "stderr"}: each generated once, through the CLI."""
    from test_formats import LANDSCAPE
    from test_pdfa import TRAINING, _attachment_pdf, _seal_png
    base = tmp_path_factory.mktemp("ofd")
    sources = {"seed": SEED_DATA, "letter": DATA / "letter-2024.yaml", "order": DATA / "order-2024.yaml"}
    joint = base / "joint"
    joint.mkdir()
    for i in range(3):
        _seal_png(joint / f"seal{i}.png")
    text = (DATA / "joint-notice-2024.yaml").read_text(encoding="utf-8")
    sources["joint"] = write_yaml(joint, text.replace("印章: true", "印章: [seal0.png, seal1.png, seal2.png]"),
                                  "joint.yaml")
    sources["landscape"] = write_yaml(base, LANDSCAPE, "landscape.yaml")
    _attachment_pdf(base / "回执.pdf", 2)
    sources["attached"] = write_yaml(base, TRAINING.format(file="回执.pdf"), "attached.yaml")
    sources["rare"] = write_yaml(base, RARE, "rare.yaml")
    out = {}
    for name, src in sources.items():
        target = base / f"out-{name}"
        r = run_generate(str(src), "--out", str(target), "--formats", "pdf,docx,ofd")
        assert r.returncode == 0, r.stderr
        out[name] = {"pdf": target / f"{src.stem}.pdf", "ofd": target / f"{src.stem}.ofd", "stderr": r.stderr,
                     "source": src}
    return out


NAMES = ("seed", "joint", "letter", "order", "landscape", "attached", "rare")

# 𠮷 (U+20BB7, a variant of 吉 in place names): a supplementary-plane character, two
# UTF-16 units, a format 12 cmap — in the title (小标宋: Noto Serif CJK Bold) and the body.
RARE = """发文机关标志: 临淄区市场监督管理局文件
发文字号: 临市监发〔2024〕7号
标题: 关于表彰𠮷祥村知识产权工作的通知
主送机关: 各镇人民政府、街道办事处
正文: |
  𠮷祥村（“𠮷”上部为“土”，是“吉”的异体字）在2023年知识产权工作中成绩突出，特予表彰。
  特此通知。
发文机关署名: 临淄区市场监督管理局
成文日期: 2024-04-08
"""


class Package:
    """An OFD package opened with the standard library only."""

    def __init__(self, path: Path):
        self.zip = zipfile.ZipFile(path)
        self.names = set(self.zip.namelist())
        self.xml = {n: ET.fromstring(self.zip.read(n)) for n in self.names if n.endswith(".xml")}
        self.root = self.xml["OFD.xml"]
        self.doc_root = self.root.find(f"{O}DocBody/{O}DocRoot").text
        self.base = self.doc_root.rsplit("/", 1)[0] + "/"
        self.document = self.xml[self.doc_root]
        self.pages = [(int(p.get("ID")), self.base + p.get("BaseLoc"))
                      for p in self.document.iter(f"{O}Page")]

    def res(self, tag: str) -> list[tuple[ET.Element, str]]:
        """(Res root, folder) of PublicRes and DocumentRes."""
        out = []
        for el in self.document.find(f"{O}CommonData"):
            if el.tag in (f"{O}PublicRes", f"{O}DocumentRes"):
                name = self.base + el.text
                root = self.xml[name]
                out.append((root, self.base + root.get("BaseLoc", "").rstrip("/") + "/"))
        return out

    def fonts(self) -> dict[int, str]:
        return {int(f.get("ID")): folder + f.find(f"{O}FontFile").text
                for root, folder in self.res("Fonts") for f in root.iter(f"{O}Font")}

    def media(self) -> dict[int, str]:
        return {int(m.get("ID")): folder + m.find(f"{O}MediaFile").text
                for root, folder in self.res("MultiMedias") for m in root.iter(f"{O}MultiMedia")}

    def content(self, index: int) -> ET.Element:
        return self.xml[self.pages[index][1]]

    def objects(self, index: int) -> list[ET.Element]:
        return [e for e in self.content(index).iter() if e.tag in (f"{O}TextObject", f"{O}PathObject",
                                                                     f"{O}ImageObject")]


def deltas(text: str | None) -> list[float]:
    """An OFD DeltaX/DeltaY array with its `g N d` runs expanded."""
    if not text:
        return []
    items, out, i = text.split(), [], 0
    while i < len(items):
        if items[i] == "g":
            out += [float(items[i + 2])] * int(items[i + 1])
            i += 3
        else:
            out.append(float(items[i]))
            i += 1
    return out


def glyphs(obj: ET.Element) -> list[tuple[str, float, float]]:
    """(char, x, y) of each glyph of a TextObject, in page millimetres."""
    bx, by, _, _ = (float(v) for v in obj.get("Boundary").split())
    out = []
    for code in obj.iter(f"{O}TextCode"):
        x, y = bx + float(code.get("X")), by + float(code.get("Y"))
        dx, dy = deltas(code.get("DeltaX")), deltas(code.get("DeltaY"))
        for k, ch in enumerate(code.text or ""):
            out.append((ch, x, y))
            x += dx[k] if k < len(dx) else 0.0
            y += dy[k] if k < len(dy) else 0.0
    return out


def pdf_page_count(path: Path) -> int:
    import pypdf
    with pypdf.PdfReader(str(path)) as reader:          # closed here: an open file left to the GC warns later
        return len(reader.pages)


# -- structure ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_package_structure(docs, name):
    pkg = Package(docs[name]["ofd"])
    # entry and document root
    assert pkg.root.tag == f"{O}OFD" and pkg.root.get("Version") == "1.0" and pkg.root.get("DocType") == "OFD"
    info = pkg.root.find(f"{O}DocBody/{O}DocInfo")
    assert re.fullmatch(r"[0-9a-f]{32}", info.find(f"{O}DocID").text)
    order = [c.tag[len(O):] for c in info]
    schema = ["DocID", "Title", "Author", "Subject", "Abstract", "CreationDate", "ModDate", "DocUsage", "Cover",
              "Keywords", "Creator", "CreatorVersion", "CustomDatas"]
    assert order == sorted(order, key=schema.index)             # CT_DocInfo's sequence
    import pypdf                                                # the metadata the PDF carries
    with pypdf.PdfReader(str(docs[name]["pdf"])) as reader:
        meta = reader.metadata
    for ours, theirs in (("Title", "/Title"), ("Author", "/Author"), ("Subject", "/Subject")):
        assert (info.findtext(f"{O}{ours}") or None) == meta.get(theirs), ours
    assert info.findtext(f"{O}CreationDate").replace("-", "") == meta["/CreationDate"][2:10]
    assert " ".join(k.text for k in info.iter(f"{O}Keyword")) == meta["/Keywords"]
    assert [c.tag[len(O):] for c in pkg.document] == \
        [t for t in ("CommonData", "Pages", "Outlines", "CustomTags") if pkg.document.find(f"{O}{t}") is not None]
    common = pkg.document.find(f"{O}CommonData")
    assert [c.tag[len(O):] for c in common] == ["MaxUnitID", "PageArea", "PublicRes", "DocumentRes"]
    assert common.find(f"{O}PageArea/{O}PhysicalBox").text == "0 0 210 297"
    max_id = int(common.find(f"{O}MaxUnitID").text)
    # every ID unique and ≤ MaxUnitID
    ids = [int(e.get("ID")) for root in pkg.xml.values() for e in root.iter()
           if e.get("ID") is not None and e.tag.startswith(O)]
    assert len(ids) == len(set(ids)) and max(ids) <= max_id and min(ids) >= 1
    # every file referenced exists
    fonts, media = pkg.fonts(), pkg.media()
    for path in (*[p for _, p in pkg.pages], *fonts.values(), *media.values()):
        assert path in pkg.names, path
    tags_index = pkg.xml[pkg.base + pkg.document.find(f"{O}CustomTags").text]
    tag_files = [pkg.base + t.find(f"{O}FileLoc").text for t in tags_index.iter(f"{O}CustomTag")]
    assert tag_files and all(t in pkg.names for t in tag_files)
    # every object's font and image exists; element order inside objects as the schema has it
    for i in range(len(pkg.pages)):
        for obj in pkg.objects(i):
            kids = [c.tag[len(O):] for c in obj]
            if obj.tag == f"{O}TextObject":
                assert int(obj.get("Font")) in fonts
                assert kids in (["TextCode"], ["FillColor", "TextCode"])
                assert float(obj.get("Size")) > 0
            elif obj.tag == f"{O}PathObject":
                assert kids == ["StrokeColor", "FillColor", "AbbreviatedData"]
                assert float(obj.get("LineWidth")) > 0
            else:
                assert int(obj.get("ResourceID")) in media
            box = [float(v) for v in obj.get("Boundary").split()]
            assert len(box) == 4 and box[2] > 0 and box[3] > 0
    # page count: the PDF's, less the pages of an 附件 PDF (not carried, see the note)
    external = 2 if name == "attached" else 0
    assert len(pkg.pages) == pdf_page_count(docs[name]["pdf"]) - external
    # A4 pages, landscape ones with their own box
    for i in range(len(pkg.pages)):
        area = pkg.content(i).find(f"{O}Area/{O}PhysicalBox")
        assert area is None or area.text == "0 0 297 210"


@pytest.mark.parametrize("name", NAMES)
def test_fonts_are_embedded_truetype_subsets(docs, name):
    from fontTools.ttLib import TTFont
    pkg = Package(docs[name]["ofd"])
    used: dict[int, set[str]] = {}
    for i in range(len(pkg.pages)):
        for obj in pkg.content(i).iter(f"{O}TextObject"):
            used.setdefault(int(obj.get("Font")), set()).update(obj.find(f"{O}TextCode").text or "")
    for fid, path in pkg.fonts().items():
        font = TTFont(io.BytesIO(pkg.zip.read(path)))
        assert "glyf" in font and "CFF " not in font           # TrueType outlines
        cmap = font.getBestCmap()
        chars = used.get(fid, set())
        assert chars and all(ord(c) in cmap for c in chars if c.strip())
        assert font["maxp"].numGlyphs <= len(chars) + 1 + 8     # a subset: .notdef, the text's glyphs
        for cp, g in cmap.items():                              # the outlines are real
            assert font["glyf"][g].numberOfContours != 0 or chr(cp).isspace()


@pytest.mark.parametrize("name", ["seed", "rare"])
def test_glyphs_where_the_pdf_has_them(docs, name):
    """Every character at the PDF's origin: DeltaX reproduces the layout's
    justification and the mark's compression to the micrometre — a
    supplementary-plane character counting as one glyph, as in the PDF."""
    import pdfplumber
    pkg = Package(docs[name]["ofd"])
    with pdfplumber.open(docs[name]["pdf"]) as pdf:
        assert len(pkg.pages) == len(pdf.pages)
        worst = 0.0
        for i, page in enumerate(pdf.pages):
            ours = [g for obj in pkg.content(i).iter(f"{O}TextObject") for g in glyphs(obj) if g[0].strip()]
            theirs = [(c["text"], c["matrix"][4] / MM, (PAGE_H - c["matrix"][5]) / MM)
                      for c in page.chars if c["text"].strip()]
            key = lambda g: (round(g[2], 1), g[1])                   # reading order: baseline, then x
            ours.sort(key=key)
            theirs.sort(key=key)
            assert [g[0] for g in ours] == [g[0] for g in theirs]
            for a, b in zip(ours, theirs):
                worst = max(worst, abs(a[1] - b[1]), abs(a[2] - b[2]))
        assert worst < 0.005, worst
        if name == "rare":
            rare = [g for obj in pkg.content(0).iter(f"{O}TextObject") for g in glyphs(obj) if g[0] == "𠮷"]
            assert len(rare) == 3                                   # the title's one, the body's two


def test_a_rare_character_comes_from_the_fallback_font_with_its_own_cmap(docs):
    """𠮷 is drawn with a font resource of its own (Noto CJK's subset), whose cmap
    maps U+20BB7 (format 12: beyond 16 bits) to a glyph with outlines; the
    title's is the bold face, the body's the regular."""
    from fontTools.ttLib import TTFont
    pkg = Package(docs["rare"]["ofd"])
    fonts = {int(f.get("ID")): f for root, _ in pkg.res("Fonts") for f in root.iter(f"{O}Font")}
    sizes: dict[int, set[float]] = {}
    for obj in pkg.content(0).iter(f"{O}TextObject"):
        if "𠮷" in (obj.find(f"{O}TextCode").text or ""):
            assert set(obj.find(f"{O}TextCode").text) == {"𠮷"}    # a run of its own, in its own face
            sizes.setdefault(int(obj.get("Font")), set()).add(float(obj.get("Size")))
    assert len(sizes) == 2
    assert sorted(min(v) for v in sizes.values()) == pytest.approx([16 * 25.4 / 72, 22 * 25.4 / 72], abs=0.01)
    title_font = max(sizes, key=lambda fid: min(sizes[fid]))
    assert fonts[title_font].get("FontName").endswith("Bold")              # two faces, two names
    assert len({fonts[fid].get("FontName") for fid in sizes}) == 2
    for fid in sizes:
        assert "Noto" in fonts[fid].get("FontName")
        font = TTFont(io.BytesIO(pkg.zip.read(pkg.fonts()[fid])))
        assert any(t.format == 12 and 0x20BB7 in t.cmap for t in font["cmap"].tables)
        assert font["glyf"][font.getBestCmap()[0x20BB7]].numberOfContours > 0


def test_a_character_no_font_has_is_refused_and_nothing_written(tmp_path):
    """𪚥 (U+2A6A5, CJK Extension B): in no font here, so the OFD, like the PDF, is
    refused with the character named at its line, and nothing is written."""
    from gongwen.pipeline import fontbook
    if fontbook().fallback({"𪚥"}) is not None:
        pytest.skip("a font on this machine has 𪚥")
    src = write_yaml(tmp_path, RARE.replace("特此通知。", "𪚥字村同样表现突出。\n  特此通知。"), "rare.yaml")
    r = run_generate(str(src), "--out", str(tmp_path / "out"), "--formats", "ofd")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "rare.yaml:7:" in r.stderr and "没有字体能打印字符“𪚥”（U+2A6A5" in r.stderr, r.stderr
    assert "未生成任何文件" in r.stderr and not (tmp_path / "out").exists()


def test_red_rule_and_imprint_rules(docs):
    pkg = Package(docs["seed"]["ofd"])
    rules = [(o, [float(v) for v in o.get("Boundary").split()]) for o in pkg.content(0).iter(f"{O}PathObject")]
    red = [o for o, _ in rules if o.find(f"{O}StrokeColor").get("Value") == "255 51 51"]
    assert len(red) == 1 and float(red[0].get("LineWidth")) == pytest.approx(spec.HEADER_RULE_WIDTH, abs=0.001)
    assert sorted(float(o.get("LineWidth")) for o in pkg.content(len(pkg.pages) - 1).iter(f"{O}PathObject")) \
        == pytest.approx([0.35, 0.35], abs=0.001)                 # 版记: first and last rule
    joint = Package(docs["joint"]["ofd"])                          # 抄送 and 印发: a rule between them
    last = joint.content(len(joint.pages) - 1)                     # (under the 附件's table, 0.5 pt borders)
    widths = sorted(w for o in last.iter(f"{O}PathObject")
                    if abs((w := float(o.get("LineWidth"))) - spec.TABLE_BORDER) > 0.001)
    assert widths == pytest.approx([0.25, 0.35, 0.35], abs=0.001)
    assert all(o.find(f"{O}StrokeColor").get("Value") == "0 0 0" for o in last.iter(f"{O}PathObject"))


def test_landscape_pages_stand_upright(docs):
    pkg = Package(docs["landscape"]["ofd"])
    turned = [i for i in range(len(pkg.pages)) if pkg.content(i).find(f"{O}Area/{O}PhysicalBox") is not None]
    assert len(turned) >= 2
    for i in turned:
        texts = [o for o in pkg.content(i).iter(f"{O}TextObject")]
        assert "单位名称" in joined(texts) and "备注" in joined(texts)
        for o in texts:
            x, y, w, h = (float(v) for v in o.get("Boundary").split())
            assert 0 <= x and x + w <= 297.01 and 0 <= y and y + h <= 210.01
        # the page number runs down the sheet's edge
        number = [o for o in texts if o.get("ReadDirection") == "90"]
        assert number and all(o.get("CharDirection") == "90" for o in number)


# -- 公文 tags -------------------------------------------------------------------------------

def tag_texts(pkg: Package) -> dict[str, list]:
    """Tag element → the TextObjects' text (or the objects) it points at."""
    objects = {}
    page_of = {}
    for i, (pid, _) in enumerate(pkg.pages):
        for o in pkg.objects(i):
            objects[int(o.get("ID"))] = o
            page_of[int(o.get("ID"))] = pid
    index = pkg.xml[pkg.base + pkg.document.find(f"{O}CustomTags").text]
    tag = index.find(f"{O}CustomTag")
    root = pkg.xml[pkg.base + tag.find(f"{O}FileLoc").text]
    assert root.tag == "{" + tag.get("NameSpace") + "}公文"
    out: dict[str, list] = {}
    for part in root:
        for el in part:
            name = el.tag.split("}")[1] + (f"#{el.get('序号')}" if el.get("序号") else "")
            for ref in el.iter(f"{O}ObjectRef"):
                oid = int(ref.text)
                assert oid in objects, (name, oid)                       # points at an existing object
                assert page_of[oid] == int(ref.get("PageRef"))           # on the page it names
                out.setdefault(f"{part.tag.split('}')[1]}/{name}", []).append(objects[oid])
    return out


def joined(objs) -> str:
    return "".join(o.find(f"{O}TextCode").text for o in objs if o.tag == f"{O}TextObject")


@pytest.mark.parametrize("name", NAMES)
def test_tags_point_at_the_objects_that_draw_each_element(docs, name):
    from gongwen.reader import read
    from gongwen.model import format_date
    doc = read(docs[name]["source"])
    tags = tag_texts(Package(docs[name]["ofd"]))
    assert joined(tags["版头/发文机关标志"]).replace("文件", "") == "".join(doc.organ_mark).replace("文件", "")
    if doc.doc_number:
        assert joined(tags["版头/发文字号"]) == doc.doc_number
    if doc.title:
        assert joined(tags["主体/标题"]) == doc.title.replace("\n", "")
    if doc.addressees:
        assert joined(tags["主体/主送机关"]) in (doc.addressees, doc.addressees.rstrip("：") + "：")
    assert len(joined(tags["主体/正文"])) > 10
    if doc.date:
        assert joined(tags["主体/成文日期"]) == format_date(doc.date)
    if doc.cc:
        assert "、".join(doc.cc) in joined(tags["版记/抄送机关"]).replace("，", "、")
    if doc.printer and doc.format != "信函":
        assert joined(tags["版记/印发机关"]) == doc.printer
        when = doc.print_date or doc.date
        if doc.print_date:                                          # set apart, flush right: its own objects
            assert joined(tags["版记/印发日期"]) == format_date(when) + "印发"
    if doc.attachments:
        assert tags["主体/附件说明"]
        for a in doc.attachments:                                   # each 附件 by its number
            got = joined(tags[f"主体/附件#{a.number}"])
            assert a.name.replace("\n", "") in got
        assert not any(k == "主体/附件" for k in tags)
    if doc.note:
        assert joined(tags["主体/附注"]).strip("（）()") == doc.note
    if doc.issuers and doc.format != "命令":
        assert "".join(doc.issuers) == joined(tags["主体/发文机关署名"])
    if name == "joint":
        seals = tags["主体/印章"]
        assert len(seals) == 3 and all(o.tag == f"{O}ImageObject" for o in seals)
    if doc.signers:
        assert "签发人" in "".join(tags)


# -- determinism and the command line -----------------------------------------------------

def test_same_data_same_bytes_any_time_zone(docs, tmp_path):
    import os
    import subprocess
    import sys
    src = docs["joint"]["source"]
    r = subprocess.run([sys.executable, str(ROOT / "generate.py"), str(src), "--out", str(tmp_path),
                        "--formats", "ofd"], capture_output=True, text=True,
                       env={**os.environ, "TZ": "America/New_York"}, timeout=300)
    assert r.returncode == 0, r.stderr
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".ofd"]
    assert (tmp_path / "joint.ofd").read_bytes() == docs["joint"]["ofd"].read_bytes()


def test_clerk_is_told_the_ofd_lacks_the_attachment_pdf_pages(docs):
    assert "附件2（回执.pdf）的页面只在 PDF 里，DOCX、OFD 中只有它的标签页" in docs["attached"]["stderr"]


def test_unknown_format_is_refused_in_chinese(tmp_path):
    r = run_generate(str(SEED_DATA), "--out", str(tmp_path), "--formats", "pdf,wps")
    assert r.returncode == 2 and "不认识的输出格式“wps”" in r.stderr
    assert not any(tmp_path.iterdir())


def test_archive_records_the_ofd(tmp_path):
    import json
    arch = tmp_path / "build"
    r = run_generate(str(SEED_DATA), "--archive", str(arch))
    assert r.returncode == 0, r.stderr
    r = run_generate(str(SEED_DATA), "--archive", str(arch), "--formats", "pdf,docx,ofd")
    assert r.returncode == 0 and "v2" in r.stderr and "另生成了 OFD" in r.stderr, r.stderr
    folder = next(p for p in arch.iterdir() if p.is_dir())
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    out = manifest["versions"][-1]["outputs"]["ofd"]
    assert (folder / out["file"]).is_file() and (arch / "linzi-ip-week-2023.ofd").is_file()
    import hashlib
    assert hashlib.sha256((folder / out["file"]).read_bytes()).hexdigest() == out["sha256"]
    r = run_generate(str(SEED_DATA), "--archive", str(arch))           # fewer formats: nothing new
    assert r.returncode == 0 and "仍是 v2" in r.stderr, r.stderr


def test_batch_writes_ofd(tmp_path):
    r = run_generate("batch", str(DATA / "batch" / "notice-template.yaml"), str(DATA / "batch" / "units.csv"),
                     "--out", str(tmp_path), "--formats", "ofd", "--jobs", "1", "--quiet")
    assert r.returncode == 0, r.stderr
    files = sorted(p for p in tmp_path.iterdir() if not p.name.startswith("."))   # .gongwen-batch.jsonl: the resume log
    assert files and all(p.suffix == ".ofd" for p in files)
    assert all(zipfile.is_zipfile(p) for p in files)


# -- an independent reader: easyofd ----------------------------------------------------------

@pytest.fixture(scope="module")
def easyofd_out(docs, tmp_path_factory) -> dict[str, tuple[list[str], Path]]:
    """name → (easyofd's text of each page, its rendering as a PDF), for every
    document, from one run of tests/easyofd_run.py in a process of its own."""
    import json
    import subprocess
    import sys
    pytest.importorskip("easyofd")
    out = tmp_path_factory.mktemp("easyofd")
    r = subprocess.run([sys.executable, str(ROOT / "tests" / "easyofd_run.py"), str(out),
                        *(str(docs[n]["ofd"]) for n in NAMES)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    return {n: (json.loads((out / f"{k}.json").read_text(encoding="utf-8")), out / f"{k}.pdf")
            for k, n in enumerate(NAMES)}


def squeeze(s: str) -> str:
    return re.sub(r"\s+", "", unspace(s))


@pytest.mark.parametrize("name", NAMES)
def test_easyofd_reads_every_page_as_the_pdf_has_it(docs, easyofd_out, name):
    import pdfplumber
    pages = easyofd_out[name][0]
    with pdfplumber.open(docs[name]["pdf"]) as pdf:
        # the PDF's text, less the pages of an 附件 PDF the OFD does not carry
        theirs = [squeeze(p.extract_text() or "") for p in pdf.pages]
    if name == "attached":
        theirs = [t for t in theirs if "回执" not in t or "附件" in t]
    assert len(pages) == len(theirs)
    for ours, pdf_text in zip(pages, theirs):
        assert sorted(squeeze(ours)) == sorted(pdf_text)        # the same characters on each page


def test_easyofd_gives_back_the_seed_text_in_order(easyofd_out):
    from test_pdf_seed import _normalise                            # as the PDF's text is judged
    pages = easyofd_out["seed"][0]
    text = _normalise("".join(re.sub(r"—\d+—$", "", squeeze(p)) for p in pages))   # less the page numbers
    seed = _normalise(SEED_TEXT.read_text(encoding="utf-8"))
    m = difflib.SequenceMatcher(None, seed, text, autojunk=False)
    matched = sum(b.size for b in m.get_matching_blocks())
    assert matched / len(seed) >= 0.99, matched / len(seed)


def raster(pdf_bytes: bytes, dpi: int):
    """Page 1 at `dpi` dots per inch of the physical page (210 mm wide)."""
    import pypdfium2
    pdf = pypdfium2.PdfDocument(pdf_bytes)
    page = pdf[0]
    scale = dpi * spec.PAGE_WIDTH / 25.4 / page.get_width()
    img = page.render(scale=scale).to_pil().convert("RGB")
    pdf.close()
    return img


def features(img, dpi: int) -> dict[str, float]:
    """In mm from the page's top-left: the mark's red ink (top, bottom, left),
    the red rule (y, left, right) and the first body line's ink (top, bottom, left)."""
    px = img.load()
    w, h = img.size
    mm = 25.4 / dpi
    red_rows: dict[int, list[int]] = {}
    for y in range(h // 2):
        xs = [x for x in range(w) if px[x, y][0] > 180 and px[x, y][1] < 140 and px[x, y][2] < 140]
        if xs:
            red_rows[y] = xs
    rule = max(red_rows, key=lambda y: len(red_rows[y]))
    rule_rows = [y for y in red_rows if len(red_rows[y]) > 0.8 * len(red_rows[rule])]
    mark = [y for y in red_rows if y < min(rule_rows) - 5 and len(red_rows[y]) > 0]
    mark = [y for y in mark if y < mark[-1] + 1]
    out = {"mark_top": min(mark) * mm, "mark_bottom": max(mark) * mm,
           "mark_left": min(min(red_rows[y]) for y in mark) * mm,
           "rule_y": (min(rule_rows) + max(rule_rows)) / 2 * mm,
           "rule_left": min(red_rows[rule]) * mm, "rule_right": max(red_rows[rule]) * mm}
    return out


def ink_band(img, dpi: int, top_mm: float, bottom_mm: float) -> tuple[float, float, float]:
    """(top, bottom, left) in mm of the dark ink between two heights."""
    px = img.load()
    w, _ = img.size
    mm = 25.4 / dpi
    rows, left = [], w
    for y in range(int(top_mm / mm), int(bottom_mm / mm)):
        xs = [x for x in range(w) if sum(px[x, y]) < 300]
        if xs:
            rows.append(y)
            left = min(left, xs[0])
    return rows[0] * mm, rows[-1] * mm, left * mm


def test_easyofd_renders_page_1_like_our_pdf(docs, easyofd_out, tmp_path):
    """The mark, the red rule and the first body line within 1 mm of where our
    PDF has them.  (easyofd ignores HScale, so the mark is compared by its ink
    top, bottom and left edge, not its right.)"""
    from gongwen.pipeline import build
    from gongwen.reader import read
    dpi = 100
    theirs = raster(easyofd_out["seed"][1].read_bytes(), dpi)
    ours = raster(docs["seed"]["pdf"].read_bytes(), dpi)
    theirs.save(tmp_path / "easyofd-page1.png")
    ours.save(tmp_path / "pdf-page1.png")
    a, b = features(ours, dpi), features(theirs, dpi)
    for key in a:
        assert b[key] == pytest.approx(a[key], abs=1.0), (key, a, b)
    lay = build(read(SEED_DATA))
    first = next(r for r in lay.pages[0].items if getattr(r, "element", "") == "正文")
    band = (first.baseline - first.size * spec.PT * 1.1, first.baseline + first.size * spec.PT * 0.3)
    la, lb = ink_band(ours, dpi, *band), ink_band(theirs, dpi, *band)
    for x, y in zip(la, lb):
        assert y == pytest.approx(x, abs=1.0), (la, lb)
