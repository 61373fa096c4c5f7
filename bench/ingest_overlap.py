"""Would ingestion gain from reading a PDF's pages beside the encoder instead of before it? Measured, in rounds.

    .venv/bin/python bench/ingest_overlap.py                        # the long filing, 2 rounds
    .venv/bin/python bench/ingest_overlap.py --pdf FILE --rounds 3

Each round times, on the same file and its chunk texts: reading its pages in the page workers (as `finchat
ingest` does), the bare configured encoder on its chunks, both in turns, and both side by side (the read in a
thread, the encode in this one), and side by side with the read at nice 19 (so it only takes what the encoder
leaves idle). Side by side wins only if a core is idle during either stage; on a 2-core machine both stages keep
both cores busy, which is why the pipeline reads a batch, then embeds it
(`ingest/pipeline.py`). Also prints the chroma commit of the same chunks with and without their texts as
Chroma documents, since Chroma's embedded store indexes every document for full-text search.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from finchat.settings import load_settings  # noqa: E402
from ingest import pdf  # noqa: E402
from ingest.loaders import load  # noqa: E402
from ingest.splitter import Splitter  # noqa: E402
from vectorstore.encoder import load_embedder  # noqa: E402

FILING = ROOT.parent / "shared" / "real-dev" / "long-filing" / "PAYPAL_2023Q2_10Q.pdf"


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def commit_seconds(texts: list[str], vectors, with_documents: bool) -> float:
    """One upsert of the chunks into a fresh embedded Chroma collection, as `ChunkStore.add_files` makes it."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    with tempfile.TemporaryDirectory() as tmp:
        client = chromadb.PersistentClient(path=tmp, settings=ChromaSettings(anonymized_telemetry=False))
        chunks = client.get_or_create_collection("bench", embedding_function=None,
                                                 configuration={"hnsw": {"space": "cosine"}})
        size = client.get_max_batch_size()
        ids = [f"c{i}" for i in range(len(texts))]
        metadatas = [{"file": "bench.pdf", "chunk_index": i} for i in range(len(texts))]
        start = time.perf_counter()
        for a in range(0, len(texts), size):
            extra = {"documents": texts[a : a + size]} if with_documents else {}
            chunks.upsert(ids=ids[a : a + size], embeddings=vectors[a : a + size],
                          metadatas=metadatas[a : a + size], **extra)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdf", type=Path, default=FILING)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    settings = load_settings()
    ing = settings.ingest
    data = args.pdf.read_bytes()
    texts = [c.text for c in Splitter(ing.chunk_size, ing.chunk_overlap).split(
        load(args.pdf, 2**40), file_hash="0" * 64, ingested_at="")]
    encoder = load_embedder(settings)
    encoder.encode(["warm-up"] * 16)
    workers = ing.prepare_workers

    def read() -> None:
        pdf.read_pdf(data, args.pdf.name, workers=workers)

    def read_niced() -> None:
        os.setpriority(os.PRIO_PROCESS, 0, 19)  # on Linux this thread only; the page workers it forks inherit it
        read()

    def side_by_side(reader) -> float:
        thread = threading.Thread(target=reader)
        start = time.perf_counter()
        thread.start()
        encode()
        thread.join()
        return time.perf_counter() - start

    def encode():
        return encoder.encode(texts, batch_size=ing.embed_batch_size, normalize_embeddings=True)

    print(f"{args.pdf.name}: {len(texts)} chunks; {workers} page workers; encoder "
          f"{settings.vectorstore.embedding_backend}")
    vectors = encode()
    for r in range(1, args.rounds + 1):
        a, b = timed(read), timed(encode)
        both, niced = side_by_side(read), side_by_side(read_niced)
        docs, bare = commit_seconds(texts, vectors, True), commit_seconds(texts, vectors, False)
        print(f"round {r}: read {a:.2f} s, encode {b:.2f} s; in turns {a + b:.2f} s, side by side {both:.2f} s "
              f"({niced:.2f} s with the read at nice 19); commit {docs:.2f} s with documents, {bare:.2f} s without",
              flush=True)


if __name__ == "__main__":
    main()
