"""`generate.py new 文种`: a skeleton for each of the 15 文种 that generates as it stands."""
from __future__ import annotations

import pytest

from gongwen.newdoc import KINDS
from gongwen.reader import read

from conftest import run_generate

CLOSINGS = {"通知": "特此通知。", "请示": "妥否，请批示。", "函": "特此函告。", "批复": "此复。",
            "报告": "特此报告。", "公告": "特此公告。", "通告": "特此通告。", "通报": "特此通报。"}


@pytest.mark.parametrize("kind", KINDS)
def test_skeleton_generates(kind, tmp_path):
    r = run_generate("new", kind, "--organ", "淄博市临淄区人民政府")
    assert r.returncode == 0, r.stderr
    src = tmp_path / f"{kind}.yaml"
    src.write_text(r.stdout, encoding="utf-8")
    doc = read(src)
    assert doc.format == {"函": "信函", "命令": "命令", "纪要": "纪要"}.get(kind, "文件")
    assert doc.upward == (kind in ("请示", "报告"))
    if kind in CLOSINGS:
        assert doc.body[-1].text == CLOSINGS[kind]
    if kind not in ("纪要", "命令"):
        assert doc.title.endswith(kind)
    g = run_generate(str(src), "--out", str(tmp_path / "out"))
    assert g.returncode == 0, g.stderr
    assert (tmp_path / "out" / f"{kind}.pdf").stat().st_size > 1000


def test_unknown_kind_lists_the_fifteen():
    r = run_generate("new", "报销单")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "请示" in r.stderr and "纪要" in r.stderr
