"""The dev / held-out split of the Savannah Postal CU questions, reproducible from the files themselves.

    python3 bench/real_dev/split.py          # check that dev.jsonl and heldout.jsonl follow the rule
    python3 bench/real_dev/split.py --write  # rewrite both files from their union by the rule

Rule: group the questions by "kind"; in sorted kind order, sort each group's ids, shuffle them with one
random.Random(SEED) shared across the groups, and put the first round(n / 3) of each group in heldout.jsonl,
the rest in dev.jsonl (both files keep id order). Nothing but the ids and kinds decides the split.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

SEED = 20240917
HERE = Path(__file__).resolve().parent


def split(items: list[dict]) -> tuple[list[dict], list[dict]]:
    rng = random.Random(SEED)
    held: set[str] = set()
    for kind in sorted({i["kind"] for i in items}):
        ids = sorted(i["id"] for i in items if i["kind"] == kind)
        rng.shuffle(ids)
        held.update(ids[:round(len(ids) / 3)])
    ordered = sorted(items, key=lambda i: i["id"])
    return [i for i in ordered if i["id"] not in held], [i for i in ordered if i["id"] in held]


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def write(path: Path, items: list[dict]) -> None:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items))


def main() -> None:
    items = read(HERE / "dev.jsonl") + read(HERE / "heldout.jsonl")
    dev, held = split(items)
    if "--write" in sys.argv:
        write(HERE / "dev.jsonl", dev)
        write(HERE / "heldout.jsonl", held)
    ok = [i["id"] for i in dev] == [i["id"] for i in read(HERE / "dev.jsonl")]
    print(f"{len(dev)} dev, {len(held)} held out; files {'follow' if ok else 'do NOT follow'} the rule (seed {SEED})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
