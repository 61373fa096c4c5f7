"""Ingestion throughput against its physical floor, the bare embedding model, in one run.

    .venv/bin/python bench/ingest.py                    # samples replicated to >= 2,000 chunks
    .venv/bin/python bench/ingest.py --min-chunks 500   # quicker

Prints pages/s, chunks/s and peak RSS of the whole pipeline (load, redact, split, embed, Chroma commit), then
the chunks/s of one `SentenceTransformer.encode` call on the very same chunk texts, and their ratio.
Target: pipeline >= 0.85 x bare encoder.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from finchat.settings import load_settings  # noqa: E402
from ingest.loaders import load  # noqa: E402
from ingest.pipeline import Ingestor, find_files  # noqa: E402
from ingest.splitter import Splitter  # noqa: E402
from vectorstore.store import ChunkStore, load_embedder  # noqa: E402

TARGET_RATIO = 0.85


def replicate(samples: Path, dest: Path, min_chunks: int, splitter: Splitter, max_bytes: int) -> int:
    """Copy the sample documents as copy001_*, copy002_*, … until they hold at least min_chunks chunks."""
    per_copy = 0
    sources = []
    for path in find_files([samples]):
        try:
            doc = load(path, max_bytes)
        except Exception:
            continue  # only ingestible documents count
        sources.append(path)
        per_copy += len(splitter.split(doc, file_hash="0" * 64, ingested_at=""))
    copies = -(-min_chunks // per_copy)
    for i in range(1, copies + 1):
        for path in sources:
            shutil.copy(path, dest / f"copy{i:03d}_{path.name}")
    return copies


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--min-chunks", type=int, default=2000)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="finchat-bench-"))
    try:
        settings = load_settings(data_dir=work / "data")
        ing = settings.ingest
        corpus = work / "corpus"
        corpus.mkdir()
        splitter = Splitter(ing.chunk_size, ing.chunk_overlap)
        copies = replicate(args.samples, corpus, args.min_chunks, splitter, int(ing.max_upload_mb * 2**20))

        embedder = load_embedder(settings)
        embedder.encode(["warm-up"])  # model loading is not ingestion; keep it out of both timings
        store = ChunkStore(settings, embedder=embedder)
        ingestor = Ingestor.from_settings(settings, store)
        ingestor.redactor.redact("Dear Jane Doe, warm-up.")  # likewise the name detector's lazy load

        start = time.perf_counter()
        results = ingestor.ingest([corpus])
        pipeline_s = time.perf_counter() - start
        rss = peak_rss_mb()
        failed = [r for r in results if not r.ok]
        chunks = sum(r.chunks for r in results if r.ok)
        pages = sum(max(r.pages, 1) for r in results if r.ok)

        texts = [c.text for c in store.all_chunks()]
        start = time.perf_counter()
        embedder.encode(texts, batch_size=ing.embed_batch_size, normalize_embeddings=True)
        bare_s = time.perf_counter() - start

        ratio = (chunks / pipeline_s) / (len(texts) / bare_s)
        print(f"corpus: {args.samples} x {copies} copies = {len(results)} files "
              f"({len(failed)} failed), {pages} pages (non-PDF files count as 1), {chunks} chunks")
        print(f"{'':24}{'pipeline':>12}{'bare encode':>14}")
        print(f"{'wall time (s)':24}{pipeline_s:12.1f}{bare_s:14.1f}")
        print(f"{'chunks/s':24}{chunks / pipeline_s:12.1f}{len(texts) / bare_s:14.1f}")
        print(f"{'pages/s':24}{pages / pipeline_s:12.1f}{'':>14}")
        print(f"peak RSS: {rss:.0f} MB")
        verdict = "PASS" if ratio >= TARGET_RATIO else "FAIL"
        print(f"pipeline / bare encoder throughput: {ratio:.2f} (target >= {TARGET_RATIO}) {verdict}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
