"""Generate every notice in data/ (plain and --preprinted) and compare the
outputs byte for byte with a reference folder made by another version of the
code (for refactorings that must not change a byte):

    python tools/compare_outputs.py REFDIR            # compare (exit 1 on a difference)
    python tools/compare_outputs.py REFDIR --write    # make the reference
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = {"plain": [], "preprinted": ["--preprinted"]}


def generate(out: Path) -> None:
    for name, extra in VARIANTS.items():
        for data in sorted((ROOT / "data").glob("*.yaml")):
            r = subprocess.run([sys.executable, str(ROOT / "generate.py"), str(data), "--out", str(out / name),
                                *extra], capture_output=True, text=True)
            if r.returncode:
                sys.exit(f"{data.name} ({name}): {r.stderr}")


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
