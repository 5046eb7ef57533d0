#!/usr/bin/env python3
"""Benchmark of the web page's live preview (issue 14): a warm
`POST /api/render` of the seed notice, as the page sends it after a keystroke.

    python bench/web.py                 # 50 edits (median, p95), and where the time goes
    python bench/web.py --edits 200     # more edits
    python bench/web.py --profile       # also the top functions of one render (cProfile)

A real `generate.py serve` is started in its own process on a free port
(nothing else in this process competes with it); one keep-alive connection
sends, after five untimed warm-up renders, one request per edit — the seed
with its 标题 changed each time, so nothing is answered from a cache of the
whole document.  Each figure is the wall time from sending the request to
having the whole JSON answer, as the page's fetch sees it; the server's CPU
time per render (/proc/PID/stat over the timed edits) is printed beside it,
since on a busy machine the wall time is mostly waiting for a core.  Then the same
edits are run in this process through the server's own steps (read + check,
layout, SVG), each step's CPU time measured, to say where the
time goes.
"""
from __future__ import annotations

import argparse
import os
import selectors
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "linzi-ip-week-2023.yaml"
TITLE = "关于开展全区知识产权宣传周活动的通知"
TARGET_P95_MS = 150.0          # issue 14


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def edits(n: int) -> list[bytes]:
    seed = SEED.read_text(encoding="utf-8")
    assert TITLE in seed
    return [seed.replace(TITLE, f"关于开展全区知识产权宣传周第{i + 1}批活动的通知").encode("utf-8") for i in range(n)]


def percentile(xs: list[float], q: float) -> float:
    """The q-th percentile, nearest rank (p95 of 50 = the 48th smallest)."""
    s = sorted(xs)
    k = max(0, min(len(s) - 1, -(-len(s) * q // 100) - 1))
    return s[int(k)]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (/proc/PID/stat), or NaN."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def start_server(folder: Path, build: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, str(ROOT / "generate.py"), "serve", str(folder), "--no-browser",
                             "--archive", str(build)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            cwd=ROOT, env=env, start_new_session=True)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    line, deadline = b"", time.monotonic() + 60
    while not line.endswith(b"\n"):
        if not sel.select(max(0.0, deadline - time.monotonic())):
            stop_server(proc)
            raise SystemExit("bench/web.py: serve did not print its URL")
        chunk = os.read(proc.stdout.fileno(), 1)
        if not chunk:
            raise SystemExit("bench/web.py: serve exited")
        line += chunk
    return proc, line.decode().strip()


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    if proc.stdout:
        proc.stdout.close()


def over_http(n: int) -> dict:
    import httpx
    bodies = edits(n)
    with tempfile.TemporaryDirectory(prefix="gongwen-bench-web-") as tmp:
        folder, build = Path(tmp) / "data", Path(tmp) / "build"
        folder.mkdir()
        build.mkdir()
        (folder / SEED.name).write_bytes(SEED.read_bytes())
        proc, url = start_server(folder, build)
        try:
            with httpx.Client(base_url=url, timeout=60) as client:
                for _ in range(60):
                    try:
                        client.get("api/info").raise_for_status()
                        break
                    except httpx.HTTPError:
                        time.sleep(0.1)
                target = f"api/render?name={SEED.name}"
                headers = {"Content-Type": "text/yaml; charset=utf-8"}
                for body in bodies[:5]:                                  # warm: imports, fonts, caches
                    client.post(target, content=body, headers=headers).raise_for_status()
                walls, sizes = [], []
                cpu0 = cpu_seconds(proc.pid)
                for i, body in enumerate(bodies):
                    t0 = time.perf_counter()
                    r = client.post(target, content=body, headers=headers)
                    res = r.json()
                    walls.append((time.perf_counter() - t0) * 1000)
                    assert r.status_code == 200 and res["pages"] == 6, (r.status_code, res.get("pages"))
                    assert f"第{i + 1}批" in res["preview"]["pages"][0]["svg"]
                    sizes.append(len(r.content))
                cpu = (cpu_seconds(proc.pid) - cpu0) / len(bodies) * 1000
                small = []                      # the HTTP floor: a request that does nothing
                for _ in range(50):
                    t0 = time.perf_counter()
                    client.get("api/files").raise_for_status()
                    small.append((time.perf_counter() - t0) * 1000)
        finally:
            stop_server(proc)
    return {"walls": walls, "bytes": statistics.median(sizes), "cpu_ms": cpu, "floor_ms": statistics.median(small)}


def in_process(n: int, profile: bool) -> dict:
    """The server's steps, timed apart (CPU-bound, in this one thread)."""
    sys.path.insert(0, str(ROOT))
    from gongwen.pipeline import build
    from gongwen.web import service
    from gongwen.writers.svg import render_svg
    bodies = edits(n)
    folder = service.Folder(ROOT / "data", ROOT / "build")
    source = folder.data_path(SEED.name)
    href = lambda p: "/api/file"                                         # noqa: E731
    ext = lambda p, i: "/api/external"                                   # noqa: E731
    for body in bodies[:5]:
        service.render(folder, body, SEED.name, href, ext)
    steps: dict[str, list[float]] = {"read + check (and the form's values)": [], "layout": [], "SVG": [],
                                     "total": []}
    clock = time.thread_time                  # CPU of this thread: what load inflates least
    for body in bodies:
        t0 = clock()
        c = service.check(folder, body, source)
        t1 = clock()
        lay = build(c.doc)
        t2 = clock()
        render_svg(lay, href, ext)
        t3 = clock()
        for k, v in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t3 - t0)):
            steps[k].append(v * 1000)
    out = {k: statistics.median(v) for k, v in steps.items()}
    import json
    answer = service.render(folder, bodies[-1], SEED.name, href, ext)
    t0 = clock()
    for _ in range(20):
        json.dumps(answer, ensure_ascii=False)
    out["JSON of the answer"] = (clock() - t0) / 20 * 1000
    if profile:
        import cProfile
        import pstats
        pr = cProfile.Profile()
        pr.enable()
        for body in bodies[:20]:
            service.render(folder, body, SEED.name, href, ext)
        pr.disable()
        pstats.Stats(pr, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench/web.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--edits", type=int, default=50, help="timed edits (default 50)")
    p.add_argument("--profile", action="store_true", help="print cProfile's top functions of 20 renders")
    args = p.parse_args(argv)
    before = loadavg()
    http = over_http(args.edits)
    walls = http["walls"]
    med, p95 = statistics.median(walls), percentile(walls, 95)
    steps = in_process(args.edits, args.profile)
    after = loadavg()
    verdict = "met" if p95 <= TARGET_P95_MS else "NOT met"
    print(f"warm POST /api/render of the seed (6 pages), {len(walls)} edits: median {med:.1f} ms, "
          f"p95 {p95:.1f} ms, min {min(walls):.1f} ms, max {max(walls):.1f} ms "
          f"(target p95 ≤ {TARGET_P95_MS:.0f} ms: {verdict}); the server's CPU time per render "
          f"{http['cpu_ms']:.1f} ms (what the machine's load inflates least); answer {http['bytes'] / 1024:.0f} KB")
    print("in this process, median CPU per step: " + ", ".join(f"{k} {v:.1f} ms" for k, v in steps.items()))
    print(f"HTTP round trip of a request that does nothing (GET /api/files): {http['floor_ms']:.1f} ms median")
    print(f"load average before/after: {before} / {after}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
