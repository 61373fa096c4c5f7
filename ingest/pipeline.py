"""Files in, redacted chunks in the store out: load -> redact -> neutralise -> split -> embed -> commit.

Files are prepared one by one, but their chunks are embedded together, a few files at a time, because the
embedding model is the physical floor of this work and it runs best on large batches. Each file is then
committed on its own, so a failure or a kill never leaves a file half-stored.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ingest.injection import neutralise
from ingest.loaders import KINDS, LoadError, load
from ingest.redact import Redactor
from ingest.splitter import Splitter, find_effective_date
from vectorstore.store import Chunk, ChunkStore, FileRecord

log = logging.getLogger(__name__)


@dataclass
class FileResult:
    """What happened to one file, as shown to staff."""

    file: str
    status: str  # added | replaced | unchanged | failed
    chunks: int = 0
    pages: int = 0
    redactions: Counter = field(default_factory=Counter)
    effective_date: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def summary(self) -> str:
        if not self.ok:
            return f"{self.file}: FAILED: {self.error}"
        if self.status == "unchanged":
            return f"{self.file}: unchanged, already ingested ({self.chunks} chunks)"
        parts = [f"{self.chunks} chunks"]
        if self.pages:
            parts.append(f"{self.pages} pages")
        redacted = ", ".join(f"{n} {kind}" for kind, n in sorted(self.redactions.items()))
        parts.append(f"redacted: {redacted}" if redacted else "no personal data found")
        if self.effective_date:
            parts.append(f"effective {self.effective_date}")
        return f"{self.file}: {self.status}, " + ", ".join(parts)


@dataclass
class _Prepared:
    record: FileRecord
    chunks: list[Chunk]
    result: FileResult


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Files named as they are; folders expanded recursively to the documents in them.

    Inside a folder, hidden files and files of unsupported types (scripts, data, a README without a
    supported extension) are passed over; a file named directly is always tried, so its error is shown.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in KINDS
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            files.append(path)
    return files


class Ingestor:
    """Ingests files into a `ChunkStore`; one instance serves the CLI, the app and the benchmark."""

    def __init__(self, store: ChunkStore, redactor: Redactor, splitter: Splitter, max_bytes: int,
                 chunks_per_commit: int):
        self.store = store
        self.redactor = redactor
        self.splitter = splitter
        self.max_bytes = max_bytes
        self.chunks_per_commit = chunks_per_commit

    @classmethod
    def from_settings(cls, settings, store: ChunkStore) -> Ingestor:
        ing = settings.ingest
        return cls(
            store=store,
            redactor=Redactor(detect_names=ing.detect_names, names_model=ing.names_model),
            splitter=Splitter(ing.chunk_size, ing.chunk_overlap),
            max_bytes=int(ing.max_upload_mb * 1024 * 1024),
            chunks_per_commit=ing.chunks_per_commit,
        )

    def ingest(self, paths: Iterable[Path], on_file: Callable[[FileResult], None] | None = None) -> list[FileResult]:
        """Ingest files and folders; every file gets a result, and a failure never stops the others.

        A background thread reads, redacts and splits the next files while this one embeds and commits,
        so the embedding model, the real bottleneck, is kept busy.
        """
        self.store.repair()
        stored = {r.file: r for r in self.store.list_files()}
        results: list[FileResult] = []
        batch: list[_Prepared] = []

        def done(result: FileResult) -> None:
            results.append(result)
            if on_file:
                on_file(result)

        # Prepare up to a whole batch ahead, so the next batch is ready when this one is embedded.
        prepare = lambda path: self._prepare(path, stored.get(path.name))  # noqa: E731
        for prepared in _prefetch(prepare, find_files(paths), depth=max(8, self.chunks_per_commit // 2)):
            if isinstance(prepared, FileResult):
                done(prepared)
                continue
            batch.append(prepared)
            if sum(len(p.chunks) for p in batch) >= self.chunks_per_commit:
                self._commit(batch, done)
                batch = []
        self._commit(batch, done)
        return results

    def _prepare(self, path: Path, old: FileRecord | None) -> _Prepared | FileResult:
        name = path.name
        try:
            # An oversized or missing file is refused by load() before it is read; others are hashed
            # first, so that an unchanged file is skipped without parsing it.
            file_hash = ""
            if path.is_file() and path.stat().st_size <= self.max_bytes:
                file_hash = hashlib.sha256(path.read_bytes()).hexdigest()
                if old and old.file_hash == file_hash:
                    return FileResult(name, "unchanged", chunks=old.chunks, pages=old.pages,
                                      redactions=Counter(old.redactions), effective_date=old.effective_date)
            doc = load(path, self.max_bytes)
        except LoadError as exc:
            return FileResult(name, "failed", error=str(exc))
        except OSError as exc:
            return FileResult(name, "failed", error=f"{name}: cannot read the file ({exc.strerror or exc})")

        redactions: Counter = Counter()
        for section in doc.sections:
            section.text, found = self.redactor.redact(section.text)
            section.text, instructions = neutralise(section.text)
            redactions += found + Counter(INSTRUCTION=instructions)
        effective = find_effective_date("\n".join(s.text for s in doc.sections))
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        chunks = self.splitter.split(doc, file_hash=file_hash, ingested_at=now, effective_date=effective)
        if not chunks:
            return FileResult(name, "failed", error=f"{name}: no text found")
        record = FileRecord(
            file=name, file_hash=file_hash, chunks=len(chunks), ingested_at=now, kind=doc.kind,
            pages=doc.pages or 0, title=doc.title, effective_date=effective, redactions=dict(redactions),
        )
        result = FileResult(name, "replaced" if old else "added", chunks=len(chunks), pages=doc.pages or 0,
                            redactions=redactions, effective_date=effective)
        return _Prepared(record, chunks, result)

    def _commit(self, batch: list[_Prepared], done: Callable[[FileResult], None]) -> None:
        """Embed a batch in one call (the model batches best across files), then store it."""
        if not batch:
            return
        vectors = self.store.embed([c.text for p in batch for c in p.chunks])
        files, start = [], 0
        for p in batch:
            files.append((p.record, p.chunks, vectors[start : start + len(p.chunks)]))
            start += len(p.chunks)
        self.store.add_files(files)
        for p in batch:
            done(p.result)


def _prefetch(func: Callable, items: list, depth: int) -> Iterator:
    """func(item) for each item, computed by a worker thread up to `depth` items ahead of the consumer."""
    results: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def work() -> None:
        for item in items:
            if stop.is_set():
                return
            try:
                results.put(("ok", func(item)))
            except BaseException as exc:  # re-raised in the consumer, where it can be handled
                results.put(("error", exc))
                return
        results.put(("end", None))

    worker = threading.Thread(target=work, name="ingest-prepare", daemon=True)
    worker.start()
    try:
        while True:
            kind, value = results.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        while worker.is_alive():  # unblock a worker waiting on a full queue
            try:
                results.get_nowait()
            except queue.Empty:
                worker.join(timeout=0.05)
