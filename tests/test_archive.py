"""The version archive in build/: v1, v2 … with a manifest, never overwritten;
`history` and `diff` as a clerk reads them.  Every test runs generate.py for
real into a temporary archive folder."""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEED_DATA, run_generate

KEY = "临知联办字〔2023〕3号"
OLD_TIME = "2023年4月20日至26日。"
NEW_TIME = "2023年4月21日至27日。"


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def gen(src: Path, archive: Path, *extra: str):
    r = run_generate(str(src), "--archive", str(archive), *extra)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    return r


def manifest(archive: Path) -> dict:
    return json.loads((archive / KEY / "manifest.json").read_text(encoding="utf-8"))


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    src = tmp_path / "data" / "linzi-ip-week-2023.yaml"
    src.parent.mkdir()
    shutil.copy(SEED_DATA, src)
    return src


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    """v1 from the seed, an unchanged regeneration, then a corrected 活动时间 as v2."""
    base = tmp_path_factory.mktemp("corrected")
    src = base / "linzi-ip-week-2023.yaml"
    shutil.copy(SEED_DATA, src)
    archive = base / "build"
    first = gen(src, archive)
    v1_files = snapshot(archive / KEY / "v1")
    v1_manifest = manifest(archive)
    again = gen(src, archive)
    text = src.read_text(encoding="utf-8")
    assert OLD_TIME in text
    src.write_text(text.replace(OLD_TIME, NEW_TIME), encoding="utf-8")
    second = gen(src, archive, "--reason", "更正活动时间")
    return dict(src=src, archive=archive, first=first, again=again, second=second,
                v1_files=v1_files, v1_manifest=v1_manifest)


def test_first_generation_is_v1_with_a_true_manifest(corrected):
    archive = corrected["archive"]
    v1 = corrected["v1_manifest"]["versions"]
    assert [v["version"] for v in v1] == [1]
    entry = v1[0]
    folder = archive / KEY
    assert entry["source"]["sha256"] == hashlib.sha256(SEED_DATA.read_bytes()).hexdigest()
    assert (folder / entry["source"]["copy"]).read_bytes() == SEED_DATA.read_bytes()
    assert set(entry["outputs"]) >= {"pdf"}
    for ext, out in entry["outputs"].items():
        assert out["file"] == f"v1/linzi-ip-week-2023.{ext}"
        assert hashlib.sha256(corrected["v1_files"][out["file"][3:]][0]).hexdigest() == out["sha256"]
    assert entry["reason"] is None and entry["pages"] == 6
    assert "v1" in corrected["first"].stderr and "新版本" in corrected["first"].stderr


def test_the_readme_path_holds_the_latest_version(corrected):
    archive = corrected["archive"]
    printed = corrected["second"].stdout.split()
    latest = archive / "linzi-ip-week-2023.pdf"
    assert str(latest) in printed
    assert sha(latest) == manifest(archive)["versions"][-1]["outputs"]["pdf"]["sha256"]


def test_unchanged_data_makes_no_new_version(corrected):
    assert "仍是 v1" in corrected["again"].stderr
    assert corrected["v1_manifest"]["versions"] == manifest(corrected["archive"])["versions"][:1]


def test_changed_body_makes_v2_and_leaves_v1_untouched(corrected):
    archive = corrected["archive"]
    m = manifest(archive)
    assert [v["version"] for v in m["versions"]] == [1, 2]
    v1, v2 = m["versions"]
    assert v1 == corrected["v1_manifest"]["versions"][0]            # v1's record: same hashes
    assert snapshot(archive / KEY / "v1") == corrected["v1_files"]  # v1's files: same bytes, never rewritten
    assert v2["reason"] == "更正活动时间"
    assert v2["source"]["sha256"] == sha(corrected["src"])
    assert v2["outputs"]["pdf"]["sha256"] != v1["outputs"]["pdf"]["sha256"]
    for out in v2["outputs"].values():
        assert sha(archive / KEY / out["file"]) == out["sha256"]
    assert "v2" in corrected["second"].stderr and "更正活动时间" in corrected["second"].stderr


def test_generation_time_lives_only_in_the_manifest(corrected):
    archive = corrected["archive"]
    m = manifest(archive)
    for v in m["versions"]:
        stamp = v["generated"]                          # e.g. 2026-11-25T10:54:52+08:00
        day = stamp[:10]
        for out in v["outputs"].values():
            data = (archive / KEY / out["file"]).read_bytes()
            assert day.encode() not in data and day.replace("-", "").encode() not in data


def test_history_lists_versions_with_reason(corrected):
    r = run_generate("history", str(corrected["src"]), "--archive", str(corrected["archive"]))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith(f"{KEY}：共 2 个版本")
    assert lines[1].lstrip().startswith("v1") and "6 页" in lines[1]
    assert lines[2].lstrip().startswith("v2") and "原因：更正活动时间" in lines[2] and "最新" in lines[2]
    v = manifest(corrected["archive"])["versions"]
    assert v[1]["outputs"]["pdf"]["sha256"][:12] in lines[2]


def test_history_of_a_generated_pdf_finds_its_document(corrected):
    v1_pdf = corrected["archive"] / KEY / "v1" / "linzi-ip-week-2023.pdf"
    r = run_generate("history", str(v1_pdf), "--archive", str(corrected["archive"]))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"{KEY}：共 2 个版本")


def test_diff_names_the_changed_paragraph_in_words(corrected):
    r = run_generate("diff", str(corrected["src"]), "--archive", str(corrected["archive"]))
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "v1" in out and "v2" in out and "更正活动时间" in out
    assert f"正文第 5 段（在“二、活动时间”下）：“{OLD_TIME}” 改为 “{NEW_TIME}”" in out
    assert "共 1 处不同" in out
    same = run_generate("diff", str(corrected["src"]), "v2", "v1", "--archive", str(corrected["archive"]))
    assert f"“{NEW_TIME}” 改为 “{OLD_TIME}”" in same.stdout


def test_diff_of_unknown_version_says_which_exist(corrected):
    r = run_generate("diff", str(corrected["src"]), "v1", "v7", "--archive", str(corrected["archive"]))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "v7" in r.stderr and "v1、v2" in r.stderr


def test_history_without_archive_says_how_to_make_one(seed_copy, tmp_path):
    r = run_generate("history", str(seed_copy), "--archive", str(tmp_path / "empty"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "还没有存档" in r.stderr and "generate.py" in r.stderr


def test_out_is_a_plain_export(seed_copy, tmp_path):
    out = tmp_path / "export"
    r = run_generate(str(seed_copy), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"linzi-ip-week-2023.{e}" for e in ("pdf", "docx") if (out / f"linzi-ip-week-2023.{e}").exists())
    assert not (out / KEY).exists()


def test_a_version_left_by_a_crash_is_never_reused(seed_copy, tmp_path):
    archive = tmp_path / "build"
    gen(seed_copy, archive)
    # a crash after renaming v2 into place but before the manifest was updated
    orphan = archive / KEY / "v2"
    orphan.mkdir()
    (orphan / "half.pdf").write_bytes(b"%PDF-1.4 broken")
    (archive / KEY / ".v3.xyz.tmp").mkdir()                   # and a temporary folder
    seed_copy.write_text(seed_copy.read_text(encoding="utf-8").replace(OLD_TIME, NEW_TIME), encoding="utf-8")
    r = gen(seed_copy, archive)
    assert "v3" in r.stderr
    assert [v["version"] for v in manifest(archive)["versions"]] == [1, 3]
    assert (orphan / "half.pdf").read_bytes() == b"%PDF-1.4 broken"
    assert (archive / KEY / "v3" / "linzi-ip-week-2023.pdf").read_bytes().startswith(b"%PDF-1.4")


def test_unwritable_archive_is_a_message_not_a_traceback(seed_copy, tmp_path):
    blocker = tmp_path / "build"
    blocker.write_text("a file where the build folder should be")
    r = run_generate(str(seed_copy), "--archive", str(blocker))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "无法写入存档文件夹" in r.stderr and "同名的文件" in r.stderr and "未生成任何文件" in r.stderr


def test_attachment_file_change_is_a_new_version_and_diff_says_so(tmp_path):
    from test_pdfa import TRAINING, _attachment_pdf
    d = tmp_path / "data"
    d.mkdir()
    _attachment_pdf(d / "回执.pdf", 1)
    src = d / "training.yaml"
    src.write_text(TRAINING.format(file="回执.pdf"), encoding="utf-8")
    archive = tmp_path / "build"
    gen(src, archive)
    _attachment_pdf(d / "回执.pdf", 2, text="回执表")              # same data file, new 附件 PDF
    r = gen(src, archive, "--reason", "回执改为两页")
    assert "v2" in r.stderr
    out = run_generate("diff", str(src), "--archive", str(archive)).stdout
    assert "附件2的 PDF 文件内容变了" in out
    assert "页数：6 页变为 8 页" in out        # one more 附件 page, and the 版记 moves to an even page


def test_safe_names_for_folders():
    from gongwen.archive import safe_name
    assert safe_name("临知联办字〔2023〕3号") == "临知联办字〔2023〕3号"
    assert safe_name('国办发/2023:"5"号') == "国办发_2023__5_号"
    assert safe_name("  ..con.. ") == "_con"
    assert "/" not in safe_name("../../etc/passwd") and not safe_name("../x").startswith(".")


@pytest.mark.parametrize("old,new,expect", [
    ("在第23个世界知识产权日来临之际，为全面贯彻党的二十大精神，经研究决定，于2023年4月20日至26日在全区开展宣传周活动。",
     "在第23个世界知识产权日来临之际，为全面贯彻党的二十大精神，经研究决定，于2023年4月21日至27日在全区开展宣传周活动。",
     "“20日至26” 改为 “21日至27”"),
    ("区知识产权联席会议各成员单位知识产权宣传周工作开展情况，请于4月29日前报区知识产权联席会议办公室。",
     "区知识产权联席会议各成员单位知识产权宣传周工作开展情况，请于4月29日前书面报区知识产权联席会议办公室。",
     "在 “4月29日前” 后加上 “书面”"),
    ("区知识产权联席会议各成员单位知识产权宣传周工作开展情况，请于4月29日前报区知识产权联席会议办公室。",
     "区知识产权联席会议各成员单位宣传周工作开展情况，请于4月29日前报区知识产权联席会议办公室。",
     "删去 “知识产权”"),
])
def test_changes_inside_a_long_paragraph_read_as_words(old, new, expect):
    from gongwen.history import compare
    a = {"正文": [{"level": 0, "text": old}]}
    b = {"正文": [{"level": 0, "text": new}]}
    (line,) = compare(a, b)
    assert line.startswith("正文第 1 段：")
    assert expect in line


def test_paragraph_added_and_removed_are_numbered_as_printed():
    from gongwen.history import compare
    a = {"正文": [{"level": 0, "text": "甲。"}, {"level": 1, "text": "一、要求"}, {"level": 0, "text": "乙。"}]}
    b = {"正文": [{"level": 0, "text": "甲。"}, {"level": 1, "text": "一、要求"}, {"level": 0, "text": "乙。"},
                  {"level": 0, "text": "丙。"}], "成文日期": "2023年4月19日"}
    a["成文日期"] = "2023年4月18日"
    assert compare(a, b) == ["正文第 4 段（在“一、要求”下）：新增 “丙。”",
                             "成文日期：“2023年4月18日” 改为 “2023年4月19日”"]
    assert compare(b, a)[0] == "正文原第 4 段（在“一、要求”下）：删去 “丙。”"


def test_the_archive_keeps_the_bytes_that_were_rendered(seed_copy, tmp_path, monkeypatch):
    """The clerk saves the data again while it is being rendered: the version
    holds the data its PDF was made from, not the newer file."""
    from gongwen import pipeline
    original = seed_copy.read_bytes()
    render = pipeline.render

    def render_then_edit(doc, *a, **kw):
        out = render(doc, *a, **kw)
        seed_copy.write_bytes(original.replace(OLD_TIME.encode(), NEW_TIME.encode()))
        return out
    monkeypatch.setattr(pipeline, "render", render_then_edit)
    archive = tmp_path / "build"
    pipeline.generate(seed_copy, archive, archive=True)
    entry = manifest(archive)["versions"][0]
    assert (archive / KEY / entry["source"]["copy"]).read_bytes() == original
    assert entry["source"]["sha256"] == hashlib.sha256(original).hexdigest()
    assert seed_copy.read_bytes() != original


def test_folder_names_are_cut_by_bytes_not_characters():
    from gongwen.archive import safe_name
    long_cn = "临淄区知识产权联席会议办公室" * 20                     # 280 characters, 840 bytes
    name = safe_name(long_cn)
    assert len(name.encode("utf-8")) <= 255 and long_cn.startswith(name)
    assert len(name.encode("utf-8")) > 252                           # cut between characters, not short of it
    latin = "a" * 250
    assert safe_name(latin) == latin                                 # 250 bytes fit: no cut at 120


LONG_STEM = "a" * 246                        # + ".yaml": a 251-byte name, its .docx 251 bytes


def test_a_long_data_file_name_exports_and_archives(tmp_path):
    src = tmp_path / f"{LONG_STEM}.yaml"
    shutil.copy(SEED_DATA, src)
    out = tmp_path / "export"
    r = run_generate(str(src), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == [f"{LONG_STEM}.docx", f"{LONG_STEM}.pdf"]
    archive = tmp_path / "build"
    r = gen(src, archive)
    assert "新版本 v1" in r.stderr
    assert (archive / KEY / "v1" / f"{LONG_STEM}.pdf").is_file()
    assert not [p for p in archive.rglob("*.tmp")]


def test_a_file_name_too_long_for_the_outputs_is_a_clear_message(tmp_path):
    src = tmp_path / ("a" * 251 + ".yml")        # 255 bytes: its .docx would have 256
    shutil.copy(SEED_DATA, src)
    for extra in (("--out", str(tmp_path / "export")), ("--archive", str(tmp_path / "build"))):
        r = run_generate(str(src), *extra)
        assert r.returncode == 1, r.stderr
        assert "Traceback" not in r.stderr and "内部错误" not in r.stderr
        assert "文件名过长" in r.stderr and ".docx" in r.stderr and "改成短一些的名字" in r.stderr
        assert "未生成任何文件" in r.stderr
    assert not (tmp_path / "export").exists() or not list((tmp_path / "export").iterdir())
    assert not (tmp_path / "build").exists() or not list((tmp_path / "build").rglob("*.pdf"))


def _run_without_write_access(*args: str):
    """generate.py as a user the archive's permissions bind: root gives up the
    capabilities that would let it write anyway (setpriv, util-linux)."""
    import os
    import subprocess
    import sys
    from conftest import ROOT
    prefix: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("以 root 运行且没有 setpriv，无法模拟只读存档")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
    return subprocess.run([*prefix, sys.executable, str(ROOT / "generate.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def _read_only(folder: Path, on: bool) -> None:
    import os
    import stat
    for p in [folder, *folder.rglob("*")]:
        mode = p.stat().st_mode
        os.chmod(p, mode & ~0o222 if on else mode | stat.S_IWUSR)


def test_a_read_only_archive_still_answers_for_unchanged_data(seed_copy, tmp_path):
    archive = tmp_path / "build"
    gen(seed_copy, archive)
    (archive / "linzi-ip-week-2023.docx").unlink()         # the latest copy cannot be put back
    _read_only(archive, True)
    try:
        r = _run_without_write_access(str(seed_copy), "--archive", str(archive))
        assert r.returncode == 0, r.stderr
        assert "仍是 v1" in r.stderr and "Traceback" not in r.stderr
        assert str(archive / KEY / "v1" / "linzi-ip-week-2023.docx") in r.stdout.split()
        seed_copy.write_text(seed_copy.read_text(encoding="utf-8").replace(OLD_TIME, NEW_TIME),
                             encoding="utf-8")
        r = _run_without_write_access(str(seed_copy), "--archive", str(archive))
        assert r.returncode == 1 and "Traceback" not in r.stderr
        assert "没有写权限" in r.stderr and "未生成任何文件" in r.stderr
    finally:
        _read_only(archive, False)
    assert [v["version"] for v in manifest(archive)["versions"]] == [1]


def _aged(p: Path, seconds: float = 3600) -> Path:
    import os
    import time
    t = time.time() - seconds
    os.utime(p, (t, t))
    return p


def test_debris_of_a_killed_run_is_swept_quietly(seed_copy, tmp_path):
    import fcntl
    archive = tmp_path / "build"
    gen(seed_copy, archive)
    folder = archive / KEY
    half = folder / ".v2.k1ll3d0e.tmp"                       # killed while writing v2
    half.mkdir()
    (half / "linzi-ip-week-2023.pdf").write_bytes(b"%PDF-1.4 half")
    _aged(half)
    stale = [folder / ".manifest.json.abcd1234.tmp",           # the earlier, long temporary names
             archive / ".linzi-ip-week-2023.pdf.abcd1234.tmp",
             archive / ".gw-abcd1234.tmp"]
    for p in stale:
        p.write_bytes(b"partial")
        _aged(p)
    busy = archive / ".gw-busy0001.tmp"                      # another run still writing it
    busy.write_bytes(b"being written")
    _aged(busy)
    fresh = archive / ".gw-fresh001.tmp"                     # newer than this run: not ours to judge
    fresh.write_bytes(b"new")
    import os
    import time
    os.utime(fresh, (time.time() + 600,) * 2)
    keep = archive / "notes.tmp"                             # not a name we make
    keep.write_bytes(b"a clerk's file")
    _aged(keep)
    with open(busy, "rb") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        r = gen(seed_copy, archive)
    assert "仍是 v1" in r.stderr
    assert not half.exists() and not any(p.exists() for p in stale)
    assert busy.exists() and fresh.exists() and keep.exists()
    normal = (str(seed_copy), "    应为：", "共 6 页", "存档：数据与输出都没变")   # the seed's warning, fonts, archive
    assert [l for l in r.stderr.splitlines() if not l.startswith(normal)] == []


def test_history_shows_a_version_folder_left_out_of_the_manifest(seed_copy, tmp_path):
    archive = tmp_path / "build"
    gen(seed_copy, archive)
    shutil.copytree(archive / KEY / "v1", archive / KEY / "v2")     # renamed into place, then killed
    r = run_generate("history", str(seed_copy), "--archive", str(archive))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith(f"{KEY}：共 1 个版本")
    assert lines[1].lstrip().startswith("v1") and "最新" in lines[1]
    assert lines[2].lstrip().startswith("v2") and "未登记" in lines[2]
    seed_copy.write_text(seed_copy.read_text(encoding="utf-8").replace(OLD_TIME, NEW_TIME), encoding="utf-8")
    assert "新版本 v3" in gen(seed_copy, archive).stderr                # v2 is never reused


def test_an_export_sweeps_its_own_stale_temporary_files(seed_copy, tmp_path):
    out = tmp_path / "export"
    out.mkdir()
    stale = out / ".gw-abcd1234.tmp"
    stale.write_bytes(b"partial")
    _aged(stale)
    r = run_generate(str(seed_copy), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["linzi-ip-week-2023.docx", "linzi-ip-week-2023.pdf"]


def _sealed_training(d: Path) -> Path:
    from test_pdfa import TRAINING, _attachment_pdf, _seal_png
    (d / "附件").mkdir(parents=True)
    _attachment_pdf(d / "附件" / "回执.pdf", 1)
    _seal_png(d / "seal.png")
    src = d / "training.yaml"
    src.write_text(TRAINING.format(file="附件/回执.pdf").replace("印章: true", "印章: seal.png"), encoding="utf-8")
    return src


def test_a_version_keeps_its_seal_and_attachment_files_and_can_be_rebuilt(tmp_path):
    from PIL import Image
    d = tmp_path / "data"
    src = _sealed_training(d)
    archive = tmp_path / "build"
    gen(src, archive)
    folder = archive / "临知联办字〔2023〕4号"
    Image.new("RGB", (300, 300), (230, 0, 0)).save(d / "seal.png")       # a new seal: v2
    assert "新版本 v2" in gen(src, archive).stderr
    v1, v2 = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["versions"]
    assert [(i["role"], i["path"]) for i in v1["inputs"]] == [("印章", "seal.png"), ("附件2", "附件/回执.pdf")]
    for i in v1["inputs"]:
        assert i["copy"].startswith("v1/files/")
        assert hashlib.sha256((folder / i["copy"]).read_bytes()).hexdigest() == i["sha256"]
    assert v1["inputs"][0]["sha256"] != v2["inputs"][0]["sha256"]
    # rebuild v1 from its folder alone: the data copy, and each file put back where the data names it
    again = tmp_path / "rebuild"
    again.mkdir()
    shutil.copy(folder / v1["source"]["copy"], again / v1["source"]["file"])
    for i in v1["inputs"]:
        (again / i["path"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / i["copy"], again / i["path"])
    r = run_generate(str(again / "training.yaml"), "--out", str(again / "out"))
    assert r.returncode == 0, r.stderr
    assert sha(again / "out" / "training.pdf") == v1["outputs"]["pdf"]["sha256"]


def test_a_seal_saved_again_while_rendering_is_not_archived(tmp_path, monkeypatch):
    from PIL import Image
    from gongwen import pipeline
    from gongwen.errors import GongwenError
    d = tmp_path / "data"
    src = _sealed_training(d)
    render = pipeline.render

    def render_then_resave(doc, *a, **kw):
        out = render(doc, *a, **kw)
        Image.new("RGB", (300, 300), (230, 0, 0)).save(d / "seal.png")
        return out
    monkeypatch.setattr(pipeline, "render", render_then_resave)
    archive = tmp_path / "build"
    with pytest.raises(GongwenError) as e:
        pipeline.generate(src, archive, archive=True)
    assert "seal.png" in str(e.value) and "再生成一次" in str(e.value)
    assert not archive.exists() or not list(archive.rglob("*.pdf"))


# -- one folder per document, whatever the numbers and file names ------------------------------

def _variant(src: Path, dest: Path, *swaps: tuple[str, str]) -> Path:
    text = src.read_text(encoding="utf-8")
    for old, new in swaps:
        assert old in text
        text = text.replace(old, new)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text, encoding="utf-8")
    return dest


def _folders(archive: Path) -> list[str]:
    return sorted(p.name for p in archive.iterdir() if p.is_dir())


def _recorded(folder: Path) -> tuple:
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return m["发文机关标志"], m["发文字号"], [v["version"] for v in m["versions"]]


def test_minutes_of_two_organs_numbered_alike_are_two_documents(tmp_path):
    minutes = Path(SEED_DATA).parent / "minutes-2024.yaml"
    a = _variant(minutes, tmp_path / "a" / "minutes.yaml")
    b = _variant(minutes, tmp_path / "b" / "minutes.yaml", ("临淄区知识产权联席会议纪要", "临淄区科技创新工作会议纪要"))
    archive = tmp_path / "build"
    assert "新版本 v1" in gen(a, archive).stderr
    assert "新版本 v1" in gen(b, archive).stderr                   # not v2 of the other organ's 第2期
    assert _folders(archive) == ["临淄区知识产权联席会议纪要-第2期", "临淄区科技创新工作会议纪要-第2期"]
    assert _recorded(archive / "临淄区科技创新工作会议纪要-第2期") == ("临淄区科技创新工作会议纪要", "第2期", [1])
    assert "仍是 v1" in gen(a, archive).stderr
    for src, name in ((a, "临淄区知识产权联席会议纪要"), (b, "临淄区科技创新工作会议纪要")):
        r = run_generate("history", str(src), "--archive", str(archive))
        assert r.returncode == 0 and f"{name}-第2期" in r.stdout.splitlines()[0] and "共 1 个版本" in r.stdout


def test_two_orders_in_files_of_the_same_name_are_two_documents(tmp_path):
    order = Path(SEED_DATA).parent / "order-2024.yaml"
    a = _variant(order, tmp_path / "a" / "order.yaml")
    b = _variant(order, tmp_path / "b" / "order.yaml", ("令号: 第5号", "令号: 第6号"))
    archive = tmp_path / "build"
    gen(a, archive)
    assert "新版本 v1" in gen(b, archive).stderr
    assert _folders(archive) == ["淄博市临淄区人民政府令-第5号", "淄博市临淄区人民政府令-第6号"]
    m = json.loads((archive / "淄博市临淄区人民政府令-第6号" / "manifest.json").read_text(encoding="utf-8"))
    assert m["令号"] == "第6号" and m["发文字号"] is None


def test_another_organ_with_the_same_number_never_joins_the_archive(seed_copy, tmp_path):
    other = _variant(seed_copy, tmp_path / "other" / "linzi-ip-week-2023.yaml",
                     ("发文机关标志: 临淄区知识产权联席会议办公室文件", "发文机关标志: 临淄区市场监督管理局文件"))
    archive = tmp_path / "build"
    gen(seed_copy, archive)
    r = gen(other, archive)
    assert f"新版本 v1，在 {archive / (KEY + '-2') / 'v1'}" in r.stderr
    assert _recorded(archive / KEY) == ("临淄区知识产权联席会议办公室文件", KEY, [1])
    assert _recorded(archive / f"{KEY}-2") == ("临淄区市场监督管理局文件", KEY, [1])
    assert "仍是 v1" in gen(seed_copy, archive).stderr and "仍是 v1" in gen(other, archive).stderr
    r = run_generate("history", str(other), "--archive", str(archive))
    assert r.stdout.startswith(f"{KEY}：共 1 个版本，存档在 {archive / (KEY + '-2')}")


def test_an_archive_from_before_identities_carries_on(seed_copy, tmp_path):
    archive = tmp_path / "build"
    gen(seed_copy, archive)
    path = archive / KEY / "manifest.json"
    m = json.loads(path.read_text(encoding="utf-8"))
    del m["发文机关标志"]                                            # as written before this change
    path.write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    assert "仍是 v1" in gen(seed_copy, archive).stderr
    other = _variant(seed_copy, tmp_path / "other" / "x.yaml",
                     ("发文机关标志: 临淄区知识产权联席会议办公室文件", "发文机关标志: 临淄区市场监督管理局文件"))
    gen(other, archive)
    assert _folders(archive) == [KEY, f"{KEY}-2"]


def test_a_long_organ_mark_and_file_name_make_a_folder_name_that_fits(tmp_path):
    organ = "淄博市临淄区知识产权保护和运用工作领导小组办公室" * 3             # 72 characters, 216 bytes
    src = _variant(SEED_DATA, tmp_path / f"{'通知' * 30}.yaml",
                   ("发文机关标志: 临淄区知识产权联席会议办公室文件", f"发文机关标志: {organ}文件"),
                   ("发文字号: 临知联办字〔2023〕3号\n", ""))
    archive = tmp_path / "build"
    r = gen(src, archive)
    (folder,) = [p for p in archive.iterdir() if p.is_dir()]
    assert len(folder.name.encode("utf-8")) <= 255 and folder.name.startswith(organ)
    assert f"新版本 v1，在 {folder / 'v1'}" in r.stderr


def test_history_finds_the_folder_of_data_that_is_now_broken(tmp_path):
    minutes = Path(SEED_DATA).parent / "minutes-2024.yaml"
    src = _variant(minutes, tmp_path / "m.yaml")
    archive = tmp_path / "build"
    gen(src, archive)
    _variant(src, src, ("印发日期: 2024-03-14", "印发日期: 2024-02-30"))     # an impossible date now
    r = run_generate("history", str(src), "--archive", str(archive))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("临淄区知识产权联席会议纪要-第2期：共 1 个版本")


def test_export_is_all_or_nothing_when_the_disk_fills(tmp_path):
    """--out: the PDF and the DOCX are both written under temporary names before
    either is renamed, so a disk that fills while writing the second leaves no
    new PDF beside a missing or old DOCX (a tmpfs just big enough for the PDF)."""
    import os
    import subprocess

    from gongwen.pipeline import render
    from gongwen.reader import read
    blobs, _ = render(read(SEED_DATA))
    mnt = tmp_path / "small"
    mnt.mkdir()
    size = len(blobs["pdf"]) + 4096
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        out = subprocess.run([sys.executable, str(ROOT / "generate.py"), str(SEED_DATA), "--out", str(mnt)],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 1 and "Traceback" not in out.stderr
        assert "磁盘" in out.stderr or "空间" in out.stderr
        assert os.listdir(mnt) == [], os.listdir(mnt)
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


def test_diff_names_a_changed_seal_image(tmp_path):
    """A seal image saved anew makes v2, and diff says it was the seal — not
    "fonts or program changed"."""
    from PIL import Image as PILImage
    d = tmp_path / "data"
    d.mkdir()
    PILImage.new("RGB", (200, 200), (255, 51, 51)).save(d / "seal.png")
    text = SEED_DATA.read_text(encoding="utf-8").replace("印章: true", "印章: seal.png")
    assert "印章: seal.png" in text
    src = d / "notice.yaml"
    src.write_text(text, encoding="utf-8")
    archive = tmp_path / "build"
    gen(src, archive)
    PILImage.new("RGB", (200, 200), (200, 0, 0)).save(d / "seal.png")
    r = gen(src, archive, "--reason", "换章")
    assert "v2" in r.stderr
    out = run_generate("diff", str(src), "--archive", str(archive)).stdout
    assert "印章：图片“seal.png”换了" in out and "字体或程序版本" not in out
