"""Generate every notice in data/ (plain and --preprinted, as PDF, DOCX and
OFD), the batch in data/batch/ and numbered copies (separate and merged), and
compare the outputs byte for byte with a reference folder made by another
version of the code (for refactorings that must not change a byte):

    python tools/compare_outputs.py REFDIR            # compare (exit 1 on a difference)
    python tools/compare_outputs.py REFDIR --write    # make the reference
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ["--formats", "pdf,docx,ofd"]
VARIANTS = {"plain": FORMATS, "preprinted": ["--preprinted", *FORMATS]}
COPIES = ROOT / "data" / "classified-urgent-2024.yaml"      # a 份号 is printed on classified notices


def runs(out: Path) -> list[tuple[str, list[str]]]:
    """(what, generate.py arguments) of every output to compare."""
    jobs = [(f"{data.name} ({name})", [str(data), "--out", str(out / name), *extra])
            for name, extra in VARIANTS.items() for data in sorted((ROOT / "data").glob("*.yaml"))]
    batch = ROOT / "data" / "batch"
    jobs.append(("batch", ["batch", str(batch / "notice-template.yaml"), str(batch / "units.csv"),
                           "--out", str(out / "batch"), *FORMATS, "--quiet", "--jobs", "1"]))
    jobs.append(("copies", [str(COPIES), "--out", str(out / "copies"), "--copies", "1-3"]))
    jobs.append(("copies merged", [str(COPIES), "--out", str(out / "merged"), "--copies", "1-3", "--copies-merged"]))
    return jobs


def generate(out: Path) -> None:
    def one(job: tuple[str, list[str]]) -> str | None:
        what, args = job
        r = subprocess.run([sys.executable, str(ROOT / "generate.py"), *args], capture_output=True, text=True)
        return f"{what}: {r.stderr}" if r.returncode else None
    with ThreadPoolExecutor(2) as pool:
        failed = [f for f in pool.map(one, runs(out)) if f]
    if failed:
        sys.exit("\n".join(failed))
    for log in out.rglob(".gongwen-batch*"):      # the batch's resume log: not an output
        log.unlink()


def compare(ref: Path, new: Path) -> list[str]:
    a = {p.relative_to(ref) for p in ref.rglob("*") if p.is_file()}
    b = {p.relative_to(new) for p in new.rglob("*") if p.is_file()}
    out = [f"only in reference: {p}" for p in sorted(a - b)] + [f"new: {p}" for p in sorted(b - a)]
    out += [f"differs: {p}" for p in sorted(a & b) if (ref / p).read_bytes() != (new / p).read_bytes()]
    return out


def main(argv: list[str]) -> int:
    ref = Path(argv[0])
    if "--write" in argv:
        generate(ref)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        diffs = compare(ref, Path(tmp))
    print("\n".join(diffs) or f"all {sum(1 for p in ref.rglob('*') if p.is_file())} files identical")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
