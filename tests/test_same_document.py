"""A version is a correction of the same document (issue 16 item 1): a copied
data file whose 发文字号 was left unchanged is refused, naming both documents;
`--same-document` overrides; a skeleton's ×× is never archived."""
from __future__ import annotations

import re
import shutil

import pytest

from conftest import ROOT, run_generate

SEED = ROOT / "data" / "linzi-ip-week-2023.yaml"
OTHER = ROOT / "data" / "classified-urgent-2024.yaml"


def _tree(folder):
    return sorted((p.relative_to(folder).as_posix(), p.stat().st_mtime_ns if p.is_file() else 0)
                  for p in folder.rglob("*"))


def _copy_of_other_under_seed_number(path):
    """Last month's header kept (the seed's mark and 发文字号), a new title and
    body from another notice: the clerk's copied file."""
    seed = SEED.read_text(encoding="utf-8")
    mark = re.search(r"^发文机关标志:.*$", seed, re.M).group(0)
    number = re.search(r"^发文字号:.*$", seed, re.M).group(0)
    other = OTHER.read_text(encoding="utf-8")
    other = re.sub(r"^发文机关标志:.*$", mark, other, flags=re.M)
    path.write_text(re.sub(r"^发文字号:.*$", number, other, flags=re.M), encoding="utf-8")
    return path


@pytest.fixture()
def archived(tmp_path):
    src = tmp_path / "linzi-ip-week-2023.yaml"
    shutil.copy(SEED, src)
    archive = tmp_path / "build"
    r = run_generate(str(src), "--archive", str(archive))
    assert r.returncode == 0, r.stderr
    return src, archive


@pytest.mark.parametrize("same_name", [False, True])
def test_copied_file_with_the_number_unchanged_is_refused(archived, tmp_path, same_name):
    src, archive = archived
    before = _tree(archive)
    new = _copy_of_other_under_seed_number(src if same_name else tmp_path / "risk-notice.yaml")
    r = run_generate(str(new), "--archive", str(archive))
    assert r.returncode == 1, r.stderr
    err = r.stderr
    assert f"{new}:7: 错误【发文字号】发文字号“临知联办字〔2023〕3号”已经存档为另一份公文" in err, err
    assert "关于开展全区知识产权宣传周活动的通知" in err and "（v1，数据 linzi-ip-week-2023.yaml）" in err
    assert "关于做好重要时段知识产权领域风险防范工作的紧急通知" in err and f"（数据 {new.name}）" in err
    assert "正文只有" in err and "不像是它的更正" in err
    assert "应为：给这份公文写它自己的发文字号；如果它确实是那份公文的更正，加 --same-document" in err
    assert "未生成任何文件" in err and "Traceback" not in err
    assert _tree(archive) == before                     # nothing written, not even the latest copies


def test_same_document_records_the_version_and_history_says_so(archived, tmp_path):
    src, archive = archived
    new = _copy_of_other_under_seed_number(tmp_path / "risk-notice.yaml")
    r = run_generate(str(new), "--archive", str(archive), "--same-document", "--reason", "改发另一内容")
    assert r.returncode == 0, r.stderr
    assert "存档：新版本 v2" in r.stderr
    h = run_generate("history", str(new), "--archive", str(archive))
    assert h.returncode == 0, h.stderr
    v2 = [l for l in h.stdout.splitlines() if l.strip().startswith("v2")][0]
    assert "--same-document" in v2 and "原因：改发另一内容" in v2


@pytest.mark.parametrize("edit", ["date", "title typo, renamed file", "paragraph added, renamed file"])
def test_corrections_are_new_versions(archived, tmp_path, edit):
    src, archive = archived
    text = src.read_text(encoding="utf-8")
    if edit == "date":
        new, text = src, text.replace("2023年4月20日至26日", "2023年4月21日至27日")
    elif edit.startswith("title"):
        new, text = tmp_path / "linzi-ip-week-2023-更正.yaml", text.replace("宣传周活动", "宣传周系列活动", 1)
    else:
        new = tmp_path / "ip-week-v2.yaml"
        text = text.replace("特此通知。", "请各单位于4月25日前将活动开展情况报区知识产权联席会议办公室。\n  特此通知。")
    assert text != src.read_text(encoding="utf-8")
    new.write_text(text, encoding="utf-8")
    r = run_generate(str(new), "--archive", str(archive))
    assert r.returncode == 0, r.stderr
    assert "存档：新版本 v2" in r.stderr


def test_a_skeleton_with_placeholders_is_not_archived(tmp_path):
    new = run_generate("new", "通知")
    src = tmp_path / "x.yaml"
    src.write_text(new.stdout, encoding="utf-8")
    archive = tmp_path / "build"
    r = run_generate(str(src), "--archive", str(archive))
    assert r.returncode == 1
    assert re.search(r"x\.yaml:4:\d+: 错误【发文字号】还有没替换的“××”.*不能存档", r.stderr), r.stderr
    assert "加 --out 文件夹 导出（不进存档）" in r.stderr
    assert not archive.exists() or not any("××" in p.name for p in archive.rglob("*")), list(archive.rglob("*"))
    out = tmp_path / "look"
    r = run_generate(str(src), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "警告【发文字号】还有没替换的“××”" in r.stderr and "（存档生成时这是错误）" in r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["x.docx", "x.pdf"]


def test_the_rule_separates_corrections_from_other_notices_on_the_examples():
    """tools/same_document.py: every example notice's corrections kept, every
    pair of different notices under one number refused (the figures in docs/)."""
    import runpy
    measure = runpy.run_path(str(ROOT / "tools" / "same_document.py"))
    assert measure["main"]() == 0
