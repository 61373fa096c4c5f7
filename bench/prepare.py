"""CPU cost of preparing each file (read, redact, split), in this one process: where ingestion's non-model time goes.

Why: on 2 cores the pipeline's ceiling against its bare encoder is encoder / (encoder + preparing core-seconds / 2)
(bench/RESULTS.md, session 19), so the ratio targets of bench/ingest.py move only when preparation gets cheaper.
This names the files and stages to make cheaper. Each file is prepared once to warm up, then --repeat times;
the median CPU time is shown (process CPU, not wall: a shared VM's speed varies between minutes).

    python bench/prepare.py samples/ ../shared/real-dev/long-filing/PAYPAL_2023Q2_10Q.pdf
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from finchat.settings import load_settings  # noqa: E402
from ingest.pipeline import Preparer, find_files  # noqa: E402
from ingest.redact import Redactor  # noqa: E402
from ingest.splitter import Splitter  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", type=Path, nargs="+", help="Files or folders, read as `finchat ingest` reads them.")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    settings = load_settings(data_dir=Path(tempfile.mkdtemp(prefix="finchat-prepare-")))
    ing = settings.ingest
    redactor = Redactor(detect_names=ing.detect_names, names_model=ing.names_model)
    redactor.load()  # the name model's load is not preparation
    gc.freeze()  # as ingest/forked.py's workers do: the collector leaves the loaded models alone
    preparer = Preparer(redactor, Splitter(ing.chunk_size, ing.chunk_overlap), int(ing.max_upload_mb * 2**20),
                        ing.pdf_engine)  # pages read here, one after another: CPU per page, not parallel speed
    print(f"{'file':36}{'CPU ms':>9}{'ms/page':>9}{'chunks':>8}  per stage (ms, wall of the median run)")
    total, chunks = 0.0, 0
    for path in find_files(args.paths):
        first = preparer(path, None)
        if not hasattr(first, "chunks"):
            print(f"{path.name:36}  not prepared: {first.error or first.status}")
            continue
        runs = []
        for _ in range(args.repeat):
            start = time.process_time()
            out = preparer(path, None)
            runs.append((time.process_time() - start, out.result.seconds))
        runs.sort(key=lambda r: r[0])
        cpu, stages = runs[len(runs) // 2]
        pages = out.result.pages
        total, chunks = total + cpu, chunks + len(out.chunks)
        per_page = f"{cpu * 1000 / pages:9.1f}" if pages else f"{'':9}"
        detail = ", ".join(f"{k} {v * 1000:.1f}" for k, v in Counter(stages).items())
        print(f"{path.name[:35]:36}{cpu * 1000:9.1f}{per_page}{len(out.chunks):8}  {detail}")
    if chunks:
        print(f"{'all':36}{total * 1000:9.1f}{'':9}{chunks:8}  = {total * 1000 / chunks:.1f} CPU ms per chunk")


if __name__ == "__main__":
    main()
