"""Ingestion throughput against its physical floor, the bare embedding model, in one run.

    .venv/bin/python bench/ingest.py                    # samples replicated to >= 2,000 chunks
    .venv/bin/python bench/ingest.py --min-chunks 5000  # several embed batches
    .venv/bin/python bench/ingest.py --pdf ../shared/real-dev/long-filing/PAYPAL_2023Q2_10Q.pdf   # real PDFs
    .venv/bin/python bench/ingest.py --pdf ../shared/real-dev/long-filing/*.pdf --rounds 3       # medians

Prints pages/s, chunks/s, the time of each stage and the peak RSS of the whole pipeline (read, redact, split,
embed, Chroma commit) with the configured encoder (`vectorstore.embedding_backend`), then the chunks/s of each
bare encoder on the very same chunk texts, its own first (the nearest in time to the pipeline, on a VM whose CPU
drifts): fp32 (sentence-transformers on torch), int8 on onnxruntime, int8 on OpenVINO. Targets: pipeline >= 0.85
x its own bare encoder; int8 (the configured one, else OpenVINO's) >= 2 x fp32; peak RSS <= 1.2 GB;
real PDFs (--pdf) >= 10 pages/s end to end. `--rounds N` repeats it all and judges the median of each figure.
It also prints the most the pipeline could reach of its encoder: the CPU time it spends outside its embed stage
(reading, redacting, committing), spread over every core, added to the encoder's time.
The int8 graphs are built beforehand, once, into the user's models directory, as a second ingestion finds them.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from finchat.settings import load_settings  # noqa: E402
from ingest.loaders import load  # noqa: E402
from ingest.pipeline import Ingestor, find_files  # noqa: E402
from ingest.splitter import Splitter  # noqa: E402
from vectorstore.encoder import GRAPHS, fingerprint, graphs_dir, int8_model, load_embedder  # noqa: E402
from vectorstore.store import ChunkStore  # noqa: E402

TARGET_RATIO, TARGET_INT8, TARGET_RSS_MB, TARGET_PAGES = 0.85, 2.0, 1200, 10.0
BACKENDS = {"torch": "bare fp32", "onnx-int8": "bare ort int8", "openvino-int8": "bare ov int8"}


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


def peak_rss_mb() -> tuple[float, float]:
    """Peak RSS of this process and of the largest of its (worker) children, in MB.

    A child counts once it has been reaped, and the ingestor lets its workers exit on their own: wait for them."""
    deadline = time.monotonic() + 30
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its reaped children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bare(settings, backend: str, texts: list[str]) -> tuple[float, float]:
    """(chunks/s, CPU seconds) of one encode call of that backend over the texts (model loaded and warmed
    beforehand)."""
    settings.vectorstore.embedding_backend = backend
    encoder = load_embedder(settings)
    encoder.encode(["warm-up"])
    start, cpu = time.perf_counter(), cpu_seconds()
    encoder.encode(texts, batch_size=settings.ingest.embed_batch_size, normalize_embeddings=True)
    return len(texts) / (time.perf_counter() - start), cpu_seconds() - cpu


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--min-chunks", type=int, default=2000)
    parser.add_argument("--pdf", type=Path, nargs="+", help="Real PDFs to ingest instead of replicated samples.")
    parser.add_argument("--rounds", type=int, default=1,
                        help="Repeat the whole measurement; with more than one, the median of each figure is judged "
                             "(a shared VM's speed varies, up to 3x within an hour).")
    args = parser.parse_args()

    in_child(build_graphs)  # as a user's second ingestion finds them: exporting imports torch (~180 MB of RSS)
    rounds = [measure(args)] if args.rounds == 1 else [in_child(measure, args) for _ in range(args.rounds)]
    if len(rounds) > 1:
        print(f"\nmedian of {len(rounds)} rounds (each round: the pipeline, then the bare encoders):")
        checks = [("ratio", "pipeline / its bare encoder", ">=", TARGET_RATIO),
                  ("speedup", "int8 / fp32 encoder", ">=", TARGET_INT8), ("rss", "peak RSS (MB)", "<=", TARGET_RSS_MB)]
        if args.pdf:
            checks.append(("rate", "real PDFs, pages/s", ">=", TARGET_PAGES))
        for key, label, op, target in checks:
            values = sorted(r[key] for r in rounds)
            mid = statistics.median(values)
            ok = mid <= target if op == "<=" else mid >= target
            print(f"  {label}: {mid:.2f} (rounds: {', '.join(f'{v:.2f}' for v in values)}; target {op} {target}) "
                  f"{verdict(ok)}")
        values = sorted(r["ceiling"] for r in rounds)
        print(f"  the most the pipeline's other CPU work allows: {statistics.median(values):.2f} "
              f"(rounds: {', '.join(f'{v:.2f}' for v in values)})")


def build_graphs() -> None:
    """The user's int8 graphs, exported once into their models directory, where every round finds them."""
    settings = load_settings()
    for backend in GRAPHS:
        settings.vectorstore.embedding_backend = backend
        int8_model(settings)


def in_child(fn, *args):
    """fn(*args) in a forked process: peak RSS is a process's lifetime peak, so each round needs its own."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=lambda: send.send(fn(*args)))
    child.start()
    result = receive.recv()
    child.join()
    return result


def measure(args) -> dict[str, float]:
    """One round: ingest the corpus into a fresh store, then time both bare encoders on its chunk texts."""
    work = Path(tempfile.mkdtemp(prefix="finchat-bench-"))
    try:
        settings = load_settings(data_dir=work / "data")
        settings.vectorstore.models_dir = graphs_dir(load_settings())  # the user's, built by build_graphs
        ing = settings.ingest
        corpus = work / "corpus"
        corpus.mkdir()
        if args.pdf:
            for path in args.pdf:
                shutil.copy(path, corpus / path.name)
            what = ", ".join(p.name for p in args.pdf)
        else:
            splitter = Splitter(ing.chunk_size, ing.chunk_overlap)
            copies = replicate(args.samples, corpus, args.min_chunks, splitter, int(ing.max_upload_mb * 2**20))
            what = f"{args.samples} x {copies} copies"

        backend, encoder_name = settings.vectorstore.embedding_backend, fingerprint(settings)
        embedder = load_embedder(settings)
        embedder.encode(["warm-up"])  # model loading is not ingestion; keep it out of the timings
        store = ChunkStore(settings, embedder=embedder)
        ingestor = Ingestor.from_settings(settings, store)
        ingestor.load()  # likewise the name detector's and the PDF reader's lazy loads

        start, cpu = time.perf_counter(), cpu_seconds()
        results = ingestor.ingest([corpus])
        pipeline_s = time.perf_counter() - start
        rss, rss_workers = peak_rss_mb()  # waits for the workers to exit, so their CPU time counts
        pipeline_cpu = cpu_seconds() - cpu
        failed = [r for r in results if not r.ok]
        chunks = sum(r.chunks for r in results if r.ok)
        pages = sum(max(r.pages, 1) for r in results if r.ok)
        prepared = sum((r.seconds for r in results), Counter())
        ingestor_seconds, embed_cpu = ingestor.seconds, ingestor.cpu["embed"]

        texts = [c.text for c in store.all_chunks()]
        del embedder, store, ingestor
        names = [backend, *(n for n in BACKENDS if n != backend)]
        timed = {name: bare(settings, name, texts) for name in names}
        speeds = {name: rate for name, (rate, _) in timed.items()}

        own = speeds[backend]
        int8 = backend if backend in GRAPHS else "openvino-int8"
        ratio = (chunks / pipeline_s) / own
        # The CPU the pipeline spends outside its embed stage (reading, redacting, splitting, committing), at best
        # spread over every core, adds to the encoder's time: the pipeline can reach at most this of the encoder.
        cores = len(os.sched_getaffinity(0))
        encoder_s, other_cpu = len(texts) / own, pipeline_cpu - embed_cpu
        ceiling = encoder_s / (encoder_s + other_cpu / cores)
        print(f"corpus: {what} = {len(results)} files ({len(failed)} failed), {pages} pages "
              f"(non-PDF files count as 1), {chunks} chunks; pipeline encoder: {encoder_name}, "
              f"PDF engine: {ing.pdf_engine}")
        print(f"{'':24}{'pipeline':>12}" + "".join(f"{BACKENDS[n]:>14}" for n in BACKENDS))
        print(f"{'chunks/s':24}{chunks / pipeline_s:12.1f}" + "".join(f"{speeds[n]:14.1f}" for n in BACKENDS))
        print(f"{'pages/s':24}{pages / pipeline_s:12.1f}" + "".join(f"{pages / chunks * speeds[n]:14.1f}"
                                                                    for n in BACKENDS))
        print(f"{'wall time (s)':24}{pipeline_s:12.1f}" + "".join(f"{len(texts) / speeds[n]:14.1f}" for n in BACKENDS))
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in [*prepared.items(), *ingestor_seconds.items()])
        print(f"stages: {stages}  (read/redact/split: CPU time in the preparing processes)")
        print(f"peak RSS: {rss:.0f} MB (ingesting process), {rss_workers:.0f} MB (largest worker) "
              f"(target <= {TARGET_RSS_MB}) {verdict(max(rss, rss_workers) <= TARGET_RSS_MB)}")
        print(f"pipeline / its bare encoder: {ratio:.2f} (target >= {TARGET_RATIO}) {verdict(ratio >= TARGET_RATIO)}")
        print(f"CPU: pipeline {pipeline_cpu:.1f} core-s, its embed stage {embed_cpu:.1f} (the bare encoder "
              f"{timed[backend][1]:.1f}); the other {other_cpu:.1f} core-s on {cores} cores allow at most "
              f"{ceiling:.2f} of the encoder; reached {ratio / ceiling:.2f} of that")
        speedup = speeds[int8] / speeds["torch"]
        print(f"int8 ({int8}) / fp32 encoder: {speedup:.2f}x (target >= {TARGET_INT8}) "
              f"{verdict(speedup >= TARGET_INT8)}")
        if args.pdf:
            rate = pages / pipeline_s
            print(f"real PDFs end to end: {rate:.1f} pages/s (target >= {TARGET_PAGES}) "
                  f"{verdict(rate >= TARGET_PAGES)}")
        return {"ratio": ratio, "ceiling": ceiling, "speedup": speedup, "rss": max(rss, rss_workers),
                "rate": pages / pipeline_s}
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
