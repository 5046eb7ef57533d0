"""A tampered or foreign manifest.json is refused with what is wrong, and left
as it is (issue 17.4); texts from the command line are printed back without
control characters (18.5)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile  # noqa: E402

from gongwen import cli  # noqa: E402


@pytest.fixture()
def archived(tmp_path, capsys):
    data = tmp_path / "doc.yaml"
    data.write_text(hostile.NOTICE, encoding="utf-8")
    assert cli.main([str(data), "--archive", str(tmp_path / "b"), "--reason", "初稿\x1b[2J\x1b]0;x\x07"]) == 0
    capsys.readouterr()
    manifest = next((tmp_path / "b").glob("*/manifest.json"))
    return data, tmp_path / "b", manifest


TAMPERED = [
    ("versions-of-numbers", lambda m: {**m, "versions": [1]}, "第 1 个版本记录应是"),
    ("versions-a-string", lambda m: {**m, "versions": "v1"}, "“versions”应是列表"),
    ("no-versions", lambda m: {k: v for k, v in m.items() if k != "versions"}, "缺少版本列表"),
    ("version-a-string", lambda m: {**m, "versions": [{**m["versions"][0], "version": "1"}]}, "版本号“version”应是正整数"),
    ("version-twice", lambda m: {**m, "versions": m["versions"] * 2}, "v1 出现了两次"),
    ("source-missing", lambda m: {**m, "versions": [{**m["versions"][0], "source": None}]}, "“source”"),
    ("outputs-a-list", lambda m: {**m, "versions": [{**m["versions"][0], "outputs": [1]}]}, "“outputs”"),
    ("mark-a-number", lambda m: {**m, "发文机关标志": 5}, "“发文机关标志”应是文字"),
    ("top-a-list", lambda m: [m], "最外层"),
]


@pytest.mark.parametrize("name, change, words", TAMPERED, ids=[t[0] for t in TAMPERED])
def test_tampered_manifest_is_named_and_left_alone(archived, capsys, name, change, words):
    data, root, manifest = archived
    original = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps(change(original), ensure_ascii=False), encoding="utf-8")
    tampered = manifest.read_bytes()
    files_before = sorted(p.name for p in manifest.parent.rglob("*"))
    data.write_text(hostile.NOTICE.replace("全市各单位。", "全市所有单位。"), encoding="utf-8")
    for argv in ([str(data), "--archive", str(root)], ["history", str(data), "--archive", str(root)],
                 ["diff", str(data), "--archive", str(root)]):
        assert cli.main(argv) == 1, argv
        err = capsys.readouterr().err
        assert "内部错误" not in err and "manifest.json" in err and words in err, (argv, err)
        assert manifest.read_bytes() == tampered
        assert sorted(p.name for p in manifest.parent.rglob("*")) == files_before


def test_manifest_not_json_or_huge(archived, capsys):
    data, root, manifest = archived
    manifest.write_text("{versions: [", encoding="utf-8")
    assert cli.main(["history", str(data), "--archive", str(root)]) == 1
    assert "不是 JSON" in capsys.readouterr().err
    with open(manifest, "wb") as f:
        f.truncate(3 * 1024 ** 3)                    # sparse: reading it whole would take 3 GB
    assert cli.main(["history", str(data), "--archive", str(root)]) == 1
    assert "过大" in capsys.readouterr().err


def test_reason_is_stored_and_shown_without_control_characters(archived, capsys):
    data, root, manifest = archived
    assert json.loads(manifest.read_text(encoding="utf-8"))["versions"][0]["reason"] == "初稿[2J]0;x"
    assert cli.main(["history", str(data), "--archive", str(root)]) == 0
    out = capsys.readouterr().out
    assert "原因：初稿[2J]0;x" in out and "\x1b" not in out and "\x07" not in out
