"""A real `generate.py serve` for the web tests: started in its own process on a
free port, its URL read from the first line of its output, always stopped
(terminate, then kill) — every step under a timeout."""
from __future__ import annotations

import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Server:
    def __init__(self, folder: Path, build: Path, start_timeout: float = 30.0):
        self.folder, self.build = folder, build
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.log = (build.parent / "serve.log")
        self._log = open(self.log, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "generate.py"), "serve", str(folder), "--no-browser", "--archive", str(build)],
            stdout=subprocess.PIPE, stderr=self._log, cwd=ROOT, env=env, start_new_session=True)
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + start_timeout
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                self.stop()
                raise TimeoutError(f"serve did not print its URL: {self.log.read_text(errors='replace')}")
            chunk = os.read(self.proc.stdout.fileno(), 1)
            if not chunk:
                self.stop()
                raise RuntimeError(f"serve exited: {self.log.read_text(errors='replace')}")
            line += chunk
        self.url = line.decode().strip()
        self.port = int(self.url.rstrip("/").rsplit(":", 1)[1])
        self._wait_ready(deadline)

    def _wait_ready(self, deadline: float) -> None:
        import httpx
        while True:
            try:
                httpx.get(self.url + "api/info", timeout=5).raise_for_status()
                return
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
                time.sleep(0.1)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()
        self._log.close()


def seed_folder(tmp: Path) -> tuple[Path, Path]:
    """A data folder holding a copy of the seed notice, and an empty archive root."""
    folder, build = tmp / "data", tmp / "build"
    folder.mkdir()
    build.mkdir()
    shutil.copy(ROOT / "data" / "linzi-ip-week-2023.yaml", folder / "linzi-ip-week-2023.yaml")
    return folder, build
