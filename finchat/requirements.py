"""Write `requirements.txt` for a Hugging Face Space from the pins in `pyproject.toml` (one source of truth).

A Space installs requirements.txt with plain pip: the PyTorch CPU index comes first so `torch==2.13.0` resolves
to the CPU build, and the bundled models' packages are listed too (a Space cannot pass `--no-deps`; their few
extra dependencies are harmless there). Run: `python -m finchat.requirements` (the Makefile does).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def model_packages(makefile: Path) -> list[str]:
    """The `MODELS :=` pins of the Makefile (what `make run` installs with --no-deps)."""
    match = re.search(r"^MODELS\s*:=\s*(.+)$", makefile.read_text(encoding="utf-8"), re.M)
    return match.group(1).split() if match else []


def render(root: Path = ROOT) -> str:
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = ["# Generated from pyproject.toml by `python -m finchat.requirements`; do not edit by hand.",
             f"--extra-index-url {CPU_INDEX}", *project["dependencies"], *model_packages(root / "Makefile")]
    return "\n".join(lines) + "\n"


def main() -> None:
    target = ROOT / "requirements.txt"
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
