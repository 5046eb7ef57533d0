"""A full disk, at every fill level (issue 18.2): the message says exactly what happened.

A document with v1 archived gets changed data; its archive lies on a tmpfs
just big enough for v1 plus N KB, for every N from "nothing of v2 fits" to
"everything fits" (one tmpfs per level).  Each level ends in one of three
states, and the message names it:

* nothing recorded — exit 1, "没有存档新版本", "未生成任何文件"; the manifest,
  v1 and the latest copies byte for byte as they were, no v2 folder, no debris;
* v2 complete and recorded, only build/'s latest copies stale — exit 1,
  "已完整写入并登记", the copies still v1's, v2's files matching the manifest;
* everything written — exit 0, latest copies = v2.

Mounting needs root; without it the test is skipped with the reason.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile  # noqa: E402

STEP_KB = 8


def _mount(path: Path, kb: int) -> None:
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kb}k,mode=755", "tmpfs", str(path)], check=True,
                   capture_output=True, timeout=30)


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=30)


def _can_mount(tmp: Path) -> str | None:
    if os.geteuid() != 0:
        return "mounting a tmpfs needs root"
    probe = tmp / "probe"
    probe.mkdir()
    try:
        _mount(probe, 64)
    except (subprocess.CalledProcessError, OSError, subprocess.TimeoutExpired) as e:
        return f"mount -t tmpfs failed here ({getattr(e, 'stderr', b'') or e})"
    _umount(probe)
    return None


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _generate(data: Path, archive: Path, capsys) -> tuple[int, str]:
    from gongwen import cli
    status = cli.main([str(data), "--archive", str(archive), "--reason", "更正"])
    return status, capsys.readouterr().err


def _kb_used(root: Path) -> int:
    return sum((p.stat().st_size + 4095) // 4096 * 4 for p in root.rglob("*") if p.is_file())


def _version_complete(folder: Path, n: int) -> dict:
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    entry = next(v for v in m["versions"] if v["version"] == n)
    for o in entry["outputs"].values():
        assert hashlib.sha256((folder / o["file"]).read_bytes()).hexdigest() == o["sha256"]
    assert hashlib.sha256((folder / entry["source"]["copy"]).read_bytes()).hexdigest() == entry["source"]["sha256"]
    return entry


def test_every_fill_level_says_what_happened(tmp_path, capsys):
    why = _can_mount(tmp_path)
    if why:
        pytest.skip(why)
    base = tmp_path / "base"
    base.mkdir()
    data = tmp_path / "doc.yaml"
    data.write_text(hostile.NOTICE, encoding="utf-8")
    status, err = _generate(data, base / "b", capsys)
    assert status == 0, err
    v1_kb = _kb_used(base)
    changed = hostile.NOTICE.replace("全市各单位。", "全市各单位，含驻市单位。")
    data.write_text(changed, encoding="utf-8")
    # how much v2 needs, measured on an ordinary folder
    big = tmp_path / "big"
    shutil.copytree(base, big)
    status, err = _generate(data, big / "b", capsys)
    assert status == 0, err
    need_kb = _kb_used(big) - v1_kb
    seen: dict[str, list[int]] = {"nothing": [], "stale-latest": [], "all": []}
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    extra = 0
    while extra <= 2 * need_kb + 64:
        _mount(mnt, v1_kb + extra)
        try:
            try:
                shutil.copytree(base, mnt, dirs_exist_ok=True)
            except (OSError, shutil.Error):
                extra += STEP_KB                         # v1 alone does not fit yet
                continue
            before = _files(mnt)
            folder = next(p for p in (mnt / "b").iterdir() if p.is_dir())
            status, err = _generate(data, mnt / "b", capsys)
            assert "内部错误" not in err and "Traceback" not in err, err
            after = _files(mnt)
            has_v2 = (folder / "v2").exists()
            if status == 0:
                entry = _version_complete(folder, 2)
                for ext, o in entry["outputs"].items():
                    assert (mnt / "b" / f"doc.{ext}").read_bytes() == (folder / o["file"]).read_bytes()
                seen["all"].append(extra)
            elif "已完整写入并登记" in err:
                assert "无法更新（磁盘已满）" in err and "仍是 v1" in err, err
                _version_complete(folder, 2)
                for ext in ("pdf", "docx"):
                    assert after[f"b/doc.{ext}"] == before[f"b/doc.{ext}"], "a latest copy half-replaced"
                seen["stale-latest"].append(extra)
            else:
                assert status == 1, err
                assert "磁盘已满" in err and "没有存档新版本" in err and "未生成任何文件" in err, err
                assert not has_v2 and after == before, sorted(set(after) ^ set(before))
                assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
                seen["nothing"].append(extra)
            if status == 0:
                break
        finally:
            _umount(mnt)
        extra += STEP_KB
    assert seen["nothing"] and seen["stale-latest"] and seen["all"], seen
    # the states follow each other as space grows: nothing, then a recorded version, then everything
    assert max(seen["nothing"]) < min(seen["stale-latest"]) <= max(seen["stale-latest"]) < min(seen["all"]), seen
