"""Files in, redacted chunks in the store out: load -> redact -> neutralise -> split -> embed -> commit.

Files are prepared (read, redacted, split) in worker processes, then their chunks are embedded together,
a couple of thousand at a time, because the embedding model is the physical floor of this work and it runs
best on large batches. The two phases take turns rather than overlap: on a small CPU the model already uses
every core, and anything running beside it (a Python thread most of all, through the GIL) slows it down more
than it gains. Chroma's commit uses one core, so the next batch's files are prepared beside it. Each file
is committed on its own, so a failure or a kill never leaves a file half-stored.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter, deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from ingest import forked
from ingest.audience import check as check_audience
from ingest.audience import classify, label_unlabelled
from ingest.injection import neutralise
from ingest.loaders import KINDS, LoadError, Section, load
from ingest.redact import Redactor
from ingest.splitter import Splitter, find_effective_date
from vectorstore.store import Chunk, ChunkStore, FileRecord

log = logging.getLogger(__name__)
QUEUED_FILES_MAX = 64  # files handed to the workers ahead of this process, at most


@dataclass
class FileResult:
    """What happened to one file, as shown to staff."""

    file: str
    status: str  # added | replaced | unchanged | re-embedded | failed
    chunks: int = 0
    pages: int = 0
    redactions: Counter = field(default_factory=Counter)
    effective_date: str = ""
    error: str = ""
    audience: str = ""  # public | staff ("" when it failed)
    audience_reason: str = ""
    seconds: Counter = field(default_factory=Counter)  # time spent per stage preparing it: read, redact, split

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def summary(self) -> str:
        if not self.ok:
            return f"{self.file}: FAILED: {self.error}"
        if self.status == "unchanged":
            return f"{self.file}: unchanged, already ingested ({self.chunks} chunks), {self._audience()}"
        if self.status == "re-embedded":
            why = f"; its original could not be re-read: {self.error}" if self.error else ""
            return f"{self.file}: re-embedded from its stored text ({self.chunks} chunks){why}"
        parts = [f"{self.chunks} chunks"]
        if self.pages:
            parts.append(f"{self.pages} pages")
        redacted = ", ".join(f"{n} {kind}" for kind, n in sorted(self.redactions.items()))
        parts.append(f"redacted: {redacted}" if redacted else "no personal data found")
        if self.effective_date:
            parts.append(f"effective {self.effective_date}")
        parts.append(self._audience())
        return f"{self.file}: {self.status}, " + ", ".join(parts)

    def _audience(self) -> str:
        # Public is the ordinary case; staff-only is what staff must notice, and why it was chosen.
        if self.audience == "public" and not self.audience_reason.startswith("set by staff"):
            return "audience public"
        return f"audience {self.audience} ({self.audience_reason})"


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


def kept_originals(folders: Iterable[Path], uploads: Path) -> dict[str, Path]:
    """Stored file name -> the file to re-read for a re-index: the documents in `folders`, and the originals
    the web app keeps in `uploads`, which win over a folder's file of the same name."""
    found = {p.name: p for p in find_files(f for f in folders if f.exists())}
    if uploads.is_dir():
        found.update({p.name: p for p in uploads.iterdir() if p.is_file()})
    return found


@dataclass
class Preparer:
    """Reads, redacts and splits one file; runs in a worker process or in this one."""

    redactor: Redactor
    splitter: Splitter
    max_bytes: int
    pdf_engine: str = "pdfium"
    read_workers: int = 0  # processes that read a long PDF's pages (only where this preparer is not a worker)

    def __call__(self, path: Path, old: FileRecord | None, audience: str | None = None) -> _Prepared | FileResult:
        """Prepare one file; `audience` None classifies it (a changed file keeps an audience staff set)."""
        name = path.name
        clock = _Clock()
        try:
            # An oversized or missing file is refused by load() before it is read; others are hashed
            # first, so that an unchanged file is skipped without parsing it.
            file_hash = ""
            if path.is_file() and path.stat().st_size <= self.max_bytes:
                file_hash = hashlib.sha256(path.read_bytes()).hexdigest()
                if old and old.file_hash == file_hash:
                    return FileResult(name, "unchanged", chunks=old.chunks, pages=old.pages,
                                      redactions=Counter(old.redactions), effective_date=old.effective_date,
                                      audience=old.audience, audience_reason=old.audience_reason)
            doc = load(path, self.max_bytes, self.pdf_engine, self.read_workers, self._finish)
            clock.lap("read")  # with the redaction of the pages a long PDF's page workers finished
        except LoadError as exc:
            return FileResult(name, "failed", error=str(exc))
        except OSError as exc:
            return FileResult(name, "failed", error=f"{name}: cannot read the file ({exc.strerror or exc})")

        redactions: Counter = Counter()
        for section in doc.sections:
            redactions += (self._finish(section) if section.found is None else section).found
        clock.lap("redact")
        text = "\n".join(s.text for s in doc.sections)
        effective = find_effective_date(text)
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        chunks = self.splitter.split(doc, file_hash=file_hash, ingested_at=now, effective_date=effective)
        clock.lap("split")
        if not chunks:
            return FileResult(name, "failed", error=f"{name}: no text found")
        if audience:
            reason = "set by staff"
        elif old and old.audience_reason.startswith("set by staff"):
            # A new version of a file staff labelled keeps their label: a re-index must not undo a correction.
            audience, reason = old.audience, "set by staff for an earlier version"
        else:
            audience, reason = classify(text, redactions)
        for chunk in chunks:
            chunk.audience = audience
        record = FileRecord(
            file=name, file_hash=file_hash, chunks=len(chunks), ingested_at=now, kind=doc.kind,
            pages=doc.pages or 0, title=doc.title, effective_date=effective, redactions=dict(redactions),
            audience=audience, audience_reason=reason,
        )
        result = FileResult(name, "replaced" if old else "added", chunks=len(chunks), pages=doc.pages or 0,
                            redactions=redactions, effective_date=effective, audience=audience,
                            audience_reason=reason, seconds=clock.seconds)
        return _Prepared(record, chunks, result)

    def _finish(self, section: Section) -> Section:
        """Personal data redacted and instructions neutralised, what each section needs before it is split,
        with what was found. A long PDF's page workers run it on their pages, in parallel (`ingest.pdf`)."""
        section.text, found = self.redactor.redact(section.text)
        section.text, instructions = neutralise(section.text)
        section.found = found + Counter(INSTRUCTION=instructions)
        return section


class _Clock:
    """Seconds per stage, and this process's CPU seconds (all its threads), for the benchmark's breakdown
    (`FileResult.seconds`, `Ingestor.seconds`, `Ingestor.cpu`)."""

    def __init__(self) -> None:
        self.seconds: Counter = Counter()
        self.cpu: Counter = Counter()
        self._last, self._last_cpu = time.perf_counter(), time.process_time()

    def lap(self, stage: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.seconds[stage] += now - self._last
        self.cpu[stage] += cpu - self._last_cpu
        self._last, self._last_cpu = now, cpu


class Ingestor:
    """Ingests files into a `ChunkStore`; one instance serves the CLI, the app and the benchmark."""

    def __init__(self, store: ChunkStore, redactor: Redactor, splitter: Splitter, max_bytes: int,
                 chunks_per_commit: int, workers: int = 0, pdf_engine: str = "pdfium", progress_chunks: int = 256):
        self.store = store
        self.progress_chunks = progress_chunks  # chunks embedded between two progress reports
        self.chunks_per_commit = chunks_per_commit
        # Worker processes are forked, so they start at once with the parent's loaded name model; where fork
        # does not exist (Windows, and macOS by choice), files are prepared here.
        self.workers = workers if forked.can_fork() else 0
        self.preparer = Preparer(redactor, splitter, max_bytes, pdf_engine, read_workers=self.workers)
        self._pool: ProcessPoolExecutor | None = None
        self.seconds: Counter = Counter()  # the last ingest's time waiting for prepared files, embedding, committing
        self.cpu: Counter = Counter()  # ... and this process's CPU time in each

    @property
    def redactor(self) -> Redactor:
        return self.preparer.redactor

    def load(self) -> None:
        """Load what preparing files needs now, not inside the first file: the name detector, and the PDF
        reader (pdfplumber and `ingest.pdfium_scan`'s compiled loops: ~0.6 s), which are imported only when
        needed. Workers forked after this share them, instead of each importing its own."""
        self.redactor.load()
        import ingest.pdf  # noqa: F401

    @property
    def max_bytes(self) -> int:
        return self.preparer.max_bytes

    @classmethod
    def from_settings(cls, settings, store: ChunkStore) -> Ingestor:
        ing = settings.ingest
        return cls(
            store=store,
            redactor=Redactor(detect_names=ing.detect_names, names_model=ing.names_model),
            splitter=Splitter(ing.chunk_size, ing.chunk_overlap),
            max_bytes=int(ing.max_upload_mb * 1024 * 1024),
            chunks_per_commit=ing.chunks_per_commit,
            workers=ing.prepare_workers,
            pdf_engine=ing.pdf_engine,
        )

    def ingest(self, paths: Iterable[Path], on_file: Callable[[FileResult], None] | None = None,
               audience: str | None = None, force: bool = False,
               on_embedded: Callable[[int, float], None] | None = None) -> list[FileResult]:
        """Ingest files and folders; every file gets a result, in order, and a failure never stops the others.

        `audience` None classifies each file (`ingest/audience.py`); "public" or "staff" is staff's choice for
        every file of the call, and it also relabels unchanged files, without re-embedding them. `force`
        prepares unchanged files again (a re-index with new settings or a new embedding model). `on_embedded`
        hears (chunks, pages) every `progress_chunks` chunks embedded, so a progress bar moves within one long
        file too; a file's pages are spread over its chunks.

        Files are prepared until a batch holds `chunks_per_commit` chunks. The batch is embedded while the
        workers wait (they are handed only the files it is expected to need), then committed while they
        prepare the next one.
        """
        if audience is not None:
            check_audience(audience)
        self.store.repair()
        label_unlabelled(self.store)  # files stored before audiences existed get one before they are compared
        stored = {r.file: r for r in self.store.list_files()}
        files = find_files(paths)
        if len(files) > 1:  # one file: not worth a hand-over
            self._start_workers()
        results: list[FileResult] = []
        batch: list[_Prepared] = []
        self.seconds, self.cpu = Counter(), Counter()
        pending: deque[tuple[Path, FileRecord | None, str | None, Future | None]] = deque()
        todo = iter(files)
        batch_chunks = files_made = chunks_made = 0  # the batch's chunks; the files prepared so far, and theirs

        def done(result: FileResult) -> None:
            results.append(result)
            if on_file:
                on_file(result)

        def ahead(room: int) -> int:
            """Files expected to fill `room` chunks, judged by the files prepared so far. Workers get no more than
            that: a file still being prepared while its batch is embedded slows the model (the two take turns),
            and a queue short of the batch leaves a worker idle until this process hands it the next file."""
            return -(-room * files_made // chunks_made) if chunks_made else 2 * self.workers

        def queue(files: int) -> None:
            """Hand files to the workers until `files` are queued (1 to QUEUED_FILES_MAX); without workers, or
            once they broke, one at a time, prepared here when its turn comes."""
            limit = min(max(files, 1), QUEUED_FILES_MAX) if self._pool else 1
            while len(pending) < limit and (path := next(todo, None)) is not None:
                old = stored.get(path.name)
                if force and old:
                    old = replace(old, file_hash="")  # never "unchanged"; its audience label is kept
                pending.append((path, old, audience, self._submit(path, old, audience)))

        try:
            while True:
                queue(ahead(self.chunks_per_commit - batch_chunks))
                if not pending:
                    break
                clock = _Clock()
                prepared = self._result(*pending.popleft())
                clock.lap("prepare (waited for)")
                self._count(clock)
                if isinstance(prepared, FileResult):
                    if audience and prepared.status == "unchanged" and prepared.audience != audience:
                        self.store.set_audience(prepared.file, audience)
                        prepared.audience, prepared.audience_reason = audience, "set by staff"
                    done(prepared)
                    continue
                batch.append(prepared)
                batch_chunks += len(prepared.chunks)
                files_made, chunks_made = files_made + 1, chunks_made + len(prepared.chunks)
                if batch_chunks >= self.chunks_per_commit:
                    vectors = self._embed(batch, on_embedded)
                    queue(ahead(self.chunks_per_commit))  # the next batch is prepared while Chroma commits this one
                    self._store(batch, vectors, done)
                    batch, batch_chunks = [], 0
            if batch:
                self._store(batch, self._embed(batch, on_embedded), done)
        finally:
            # Workers live for one call: forked again next time, they start from the parent's current state
            # instead of holding copy-on-write pages of a long-running app.
            self.close()
        return results

    def reindex(self, originals: dict[str, Path],
                on_file: Callable[[FileResult], None] | None = None) -> list[FileResult]:
        """Every stored file again, with today's settings and the configured embedding model.

        A file whose original is kept (`originals`: stored name -> file) is prepared again from it, so a new
        parser or chunking applies too; the others, and any whose original no longer reads, have their stored
        chunk texts re-embedded. Until all are done the store refuses to open for search (`ChunkStore.reembed_begin`),
        so no question is ever answered from a mix of two models' vectors; a killed re-index is finished by the
        next one. The old version of a file stays until its new one is committed.
        """
        self.store.reembed_begin()
        records = self.store.list_files()

        def report(result: FileResult) -> None:
            if on_file and result.ok:  # a failed one is reported once it has been re-embedded instead
                on_file(result)

        # One call for all the originals: batched embedding and the worker processes, as for any ingest.
        read = {r.file: r for r in self.ingest([originals[r.file] for r in records if r.file in originals],
                                               on_file=report, force=True)}
        results = []
        for record in records:
            result = read.get(record.file)
            if result is None or not result.ok:
                result = FileResult(record.file, "re-embedded", chunks=self.store.reembed_file(record.file),
                                    pages=record.pages, effective_date=record.effective_date,
                                    audience=record.audience, audience_reason=record.audience_reason,
                                    error=result.error if result else "")
                if on_file:
                    on_file(result)
            results.append(result)
        self.store.reembed_finish()
        return results

    def _submit(self, path: Path, old: FileRecord | None, audience: str | None) -> Future | None:
        """The file handed to a worker, or None when it is to be prepared in this process."""
        if self._pool is None:
            return None
        try:
            return self._pool.submit(_prepare_in_worker, path, old, audience)
        except BrokenProcessPool:
            self._broken()
            return None

    def _result(self, path: Path, old: FileRecord | None, audience: str | None,
                future: Future | None) -> _Prepared | FileResult:
        if future is not None:
            try:
                return future.result()
            except BrokenProcessPool:  # the file is tried again here
                self._broken()
        return self.preparer(path, old, audience)

    def _broken(self) -> None:
        log.warning("a file-preparation worker died (killed, or out of memory); preparing the remaining files in "
                    "this process")
        self.close()

    def _start_workers(self) -> None:
        if self.workers and self._pool is None:
            self._pool = forked.pool(self.workers, _init_worker, (self.preparer,))

    def close(self) -> None:
        """Stop the worker processes, dropping files not yet prepared."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def _embed(self, batch: list[_Prepared], on_embedded: Callable[[int, float], None] | None) -> list[list[float]]:
        """A batch's vectors: the model batches best across files, on texts of like length in tokens."""
        clock = _Clock()
        texts = [c.text for p in batch for c in p.chunks]
        share = [(p.result.pages or 1) / len(p.chunks) for p in batch for _ in p.chunks]  # pages per chunk
        order = self.store.embed_order(texts)
        vectors: list[list[float]] = [[]] * len(texts)
        for start in range(0, len(order), self.progress_chunks):
            part = order[start : start + self.progress_chunks]
            for i, vector in zip(part, self.store.embed([texts[i] for i in part])):
                vectors[i] = vector
            if on_embedded:
                on_embedded(len(part), sum(share[i] for i in part))
        clock.lap("embed")
        self._count(clock)
        return vectors

    def _count(self, clock: _Clock) -> None:
        self.seconds.update(clock.seconds)
        self.cpu.update(clock.cpu)

    def _store(self, batch: list[_Prepared], vectors: list[list[float]], done: Callable[[FileResult], None]) -> None:
        """Commit a batch's files with their vectors, then report them."""
        clock = _Clock()
        files, start = [], 0
        for p in batch:
            files.append((p.record, p.chunks, vectors[start : start + len(p.chunks)]))
            start += len(p.chunks)
        self.store.add_files(files)
        clock.lap("commit")
        self._count(clock)
        for p in batch:
            done(p.result)


_worker_preparer: Preparer | None = None


def _init_worker(preparer: Preparer) -> None:
    """In a forked worker: keep the preparer; its long PDFs are read here, page after page (no pool in a pool)."""
    global _worker_preparer
    _worker_preparer = replace(preparer, read_workers=0)


def _prepare_in_worker(path: Path, old: FileRecord | None, audience: str | None) -> _Prepared | FileResult:
    return _worker_preparer(path, old, audience)
