"""`batch --resume` (issue 17.6): an interrupted batch goes on where it stopped;
rows whose complete outputs exist and whose inputs are unchanged are skipped,
every other row is made again."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile  # noqa: E402
from test_hostile import check_outputs  # noqa: E402

from gongwen import cli  # noqa: E402
from gongwen.batch import RESUME_LOG  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _rows(n: int, changed: int | None = None) -> str:
    return "单位,序号\n" + "".join(f"第{i}单位{'（改）' if i == changed else ''},{i}\n" for i in range(1, n + 1))


def _stamp(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.suffix in (".pdf", ".docx")}


def test_resume_skips_complete_unchanged_rows(tmp_path, capsys):
    (tmp_path / "tpl.yaml").write_text(hostile.TEMPLATE, encoding="utf-8")
    rows = tmp_path / "rows.csv"
    rows.write_text(_rows(8), encoding="utf-8")
    out = tmp_path / "out"
    argv = ["batch", str(tmp_path / "tpl.yaml"), str(rows), "--out", str(out), "--jobs", "1", "-q"]
    assert cli.main(argv) == 0
    capsys.readouterr()
    first = _stamp(out)
    (out / "tpl-001.pdf").unlink()                                   # lost
    (out / "tpl-002.docx").write_bytes((out / "tpl-002.docx").read_bytes()[:100])   # cut short
    rows.write_text(_rows(8, changed=3), encoding="utf-8")           # row 3's data changed
    assert cli.main(argv + ["--resume"]) == 0
    err = capsys.readouterr().err
    assert "生成 3 份" in err and "跳过 5 份" in err, err
    now = _stamp(out)
    remade = {n for n in now if now[n] != first.get(n)}
    assert remade == {f"tpl-00{i}.{e}" for i in (1, 2, 3) for e in ("pdf", "docx")}, remade
    check_outputs(sorted(out.glob("tpl-00[123].*")))
    assert cli.main(argv + ["--resume"]) == 0                        # nothing left to do
    assert "生成 0 份" in capsys.readouterr().err and _stamp(out) == now
    assert cli.main(argv) == 0                                       # without --resume: every row again
    assert "生成 8 份" in capsys.readouterr().err


def test_resume_after_a_kill(tmp_path):
    (tmp_path / "tpl.yaml").write_text(hostile.TEMPLATE, encoding="utf-8")
    (tmp_path / "rows.csv").write_text(_rows(24), encoding="utf-8")
    out = tmp_path / "out"
    argv = [sys.executable, str(ROOT / "generate.py"), "batch", str(tmp_path / "tpl.yaml"),
            str(tmp_path / "rows.csv"), "--out", str(out), "--jobs", "1", "-q"]
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = out / RESUME_LOG
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and p.poll() is None:
        if log.exists() and log.read_text(encoding="utf-8").count("\n") >= 3:
            break
        time.sleep(0.05)
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    done = log.read_text(encoding="utf-8").count("\n")
    r = subprocess.run(argv + ["--resume"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert f"跳过 {done} 份" in r.stderr or done == 24, (done, r.stderr)
    written = sorted(p for p in out.iterdir() if p.suffix in (".pdf", ".docx"))
    assert len(written) == 48 and not list(out.glob(".gw-*"))
    check_outputs(written)
