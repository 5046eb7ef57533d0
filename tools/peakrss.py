"""A process's own peak memory, and a script run under an address-space cap.

Why not `ru_maxrss` of the child: on Linux, exec() folds the high-water mark
of the memory the process had *before* the exec into ru_maxrss.  subprocess
starts a child with vfork (or fork, given a preexec_fn), so a child started by
a pytest worker that has grown to 600 MB reports a peak of 600 MB before it has
run a line (measured: a parent at 610 MB, a child printing ru_maxrss first
thing: 610 MB; its VmHWM: 9 MB).  VmHWM in /proc/self/status is the peak of
the child's own address space.

    python tools/peakrss.py CAP_BYTES REPORT_FILE SCRIPT ARGS…

runs SCRIPT as `python SCRIPT ARGS…` would, under RLIMIT_AS = CAP_BYTES (0: no
cap), and writes the peak resident set in MB to REPORT_FILE when it ends
(SystemExit and uncaught exceptions included; the larger of its own VmHWM and
that of any child it waited for).
"""
from __future__ import annotations

import os
import resource
import sys


def own_peak_mb() -> float:
    """The peak resident set of this process's own memory, in MB, together with
    that of the children it has waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return max(int(line.split()[1]), children) / 1024
    except OSError:
        pass
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024   # bytes there, KB here
    return max(own, children) / scale


def command(script: str, args: list[str], report: str, cap: int = 0) -> list[str]:
    """The argv that runs `python script args…` measured by this wrapper."""
    return [sys.executable, os.path.abspath(__file__), str(cap), report, script, *args]


def read_report(report: str) -> float | None:
    try:
        with open(report) as f:
            return float(f.read())
    except (OSError, ValueError):
        return None          # killed before it could write (SIGKILL, a time limit)


def _main() -> None:
    cap, report, script, *args = sys.argv[1:]
    if int(cap):
        resource.setrlimit(resource.RLIMIT_AS, (int(cap), int(cap)))
    sys.argv = [script, *args]
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    with open(script, "rb") as f:
        code = compile(f.read(), script, "exec")
    try:                                  # as `python script` runs it (runpy would cost 0.1 s of imports)
        exec(code, {"__name__": "__main__", "__file__": script, "__builtins__": __builtins__})
    finally:
        with open(report, "w") as f:
            f.write(f"{own_peak_mb():.1f}")


if __name__ == "__main__":
    _main()
