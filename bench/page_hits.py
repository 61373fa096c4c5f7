"""Page hit@1 and hit@5 of FinChat's retrieval on a long PDF, with the ingestion speed, in one run.

    .venv/bin/python bench/page_hits.py                                  # the PayPal 10-Q, bench/long_filing/
    .venv/bin/python bench/page_hits.py --show                           # and every question it misses
    .venv/bin/python bench/page_hits.py --pdf FILE.pdf --questions Q.jsonl

Ingests the PDF into a temporary store through the app's pipeline (load, redact, split, embed, commit), then asks
every question through `Retriever.retrieve(q, k=5)`, the app's hybrid retrieval (dense + BM25, fused; public
documents, as a customer). A question is a hit@k when a chunk among the first k comes from its `page` or one of
its `also_pages` (1-based PDF page index, the number `ingest/pdf.py` stores). Questions are JSONL
{"id","q","page":N,"also_pages":[N…],"kind"} (bench/long_filing/README.md). Target: hit@5 >= 0.8.
Ingestion is timed from the first file read to the last commit, with the embedding model already loaded.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chatbot.retriever import Retriever  # noqa: E402
from finchat.settings import load_settings  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402
from vectorstore.store import ChunkStore  # noqa: E402

TARGET_HIT5 = 0.8
K = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdf", type=Path,
                        default=ROOT.parent / "shared" / "real-dev" / "long-filing" / "PAYPAL_2023Q2_10Q.pdf")
    parser.add_argument("--questions", type=Path, default=ROOT / "bench" / "long_filing" / "questions.jsonl")
    parser.add_argument("--show", action="store_true", help="print every question whose page is not in the top 5")
    args = parser.parse_args()

    items = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    work = Path(tempfile.mkdtemp(prefix="finchat-pages-"))
    try:
        settings = load_settings(data_dir=work / "data")
        store = ChunkStore(settings)
        store.embed(["warm-up"])  # the model loads at start-up in the app, not per document
        ingestor = Ingestor.from_settings(settings, store)
        started = time.perf_counter()
        try:
            results = ingestor.ingest([args.pdf])
        finally:
            ingestor.close()
        ingest_s = time.perf_counter() - started
        for r in results:
            if not r.ok:
                sys.exit(f"{r.file}: {r.error}")
        pages = sum(r.pages for r in results)
        audience = ", ".join(sorted({r.audience for r in results}))
        print(f"ingested {args.pdf.name}: {pages} pages, {store.count()} chunks, audience {audience}, "
              f"in {ingest_s:.1f} s = {pages / ingest_s:.2f} pages/s ({store.count() / ingest_s:.1f} chunks/s)")

        retriever = Retriever(store, settings.retrieval)
        hit1, hit5, by_kind, misses = 0, 0, defaultdict(lambda: [0, 0, 0]), []
        started = time.perf_counter()
        for item in items:
            want = {item["page"], *item.get("also_pages", [])}
            got = [h.chunk.page for h in retriever.retrieve(item["q"], k=K)]
            one, five = bool(got) and got[0] in want, bool(want & set(got))
            hit1, hit5 = hit1 + one, hit5 + five
            kind = by_kind[item.get("kind", "-")]
            kind[0], kind[1], kind[2] = kind[0] + 1, kind[1] + one, kind[2] + five
            if not five:
                misses.append((item, got))
        retrieve_s = time.perf_counter() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)

    n = max(len(items), 1)
    print(f"{len(items)} questions, retrieval {1000 * retrieve_s / n:.0f} ms per question")
    print(f"{'questions':20}{'n':>5}{'page hit@1':>14}{'page hit@5':>14}")
    for kind, (count, one, five) in sorted(by_kind.items()):
        print(f"{kind:20}{count:>5}{one / count:>14.3f}{five / count:>14.3f}")
    print(f"{'all':20}{len(items):>5}{hit1 / n:>14.3f}{hit5 / n:>14.3f}   target hit@5 >= {TARGET_HIT5}: "
          f"{'met' if hit5 / n >= TARGET_HIT5 else 'NOT met'}")
    if args.show:
        for item, got in misses:
            want = [item["page"], *item.get("also_pages", [])]
            print(f"\n✗ {item['id']} ({item.get('kind', '-')}) {item['q']}\n  page {want}, top {K}: {got}")


if __name__ == "__main__":
    main()
