"""Chunks and their embeddings in Chroma, with a register of ingested files.

Two collections live side by side: `<name>` holds the chunks, `<name>_docs` one record per file.
A file's record is its commit point, which is what makes a file land whole or not at all:
1. the record is marked `pending=<new hash>`;  2. the new chunks are added;
3. the record's `file_hash` becomes the new hash (commit);  4. the file's chunks with any other hash go.
`repair()` finishes or rolls back whatever a killed process left between those steps.

Every file and each of its chunks has an audience, `public` (customers may be answered from it) or `staff`.
Customer searches filter on it inside Chroma's query, so a staff chunk is never even a candidate. Changing it
rewrites metadata only (Chroma's `update` merges metadata keys; the embeddings stay), with the same commit
point: the record is marked `audience_pending`, the chunks are updated, then the record.
A file stored before audiences existed has none (""), so it matches no customer search; the store only reports
such files (`unlabelled()`), and `ingest.audience.label_unlabelled` classifies them: vectorstore never imports ingest.

A chunk's text is kept in its metadata (`text`), not as a Chroma document: the embedded Chroma indexes every
document for full-text search, which nothing here uses (keyword search is `vectorstore.keyword`'s BM25) and
which took half a commit's time or more (`bench/ingest_overlap.py`). Stores written before keep their
documents, and are read as they are.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from vectorstore.encoder import fingerprint, load_embedder

if TYPE_CHECKING:
    from finchat.settings import Settings

log = logging.getLogger(__name__)

_NO_VECTOR = [0.0]  # file records are looked up by id, never by similarity
_TEXT = "text"  # the metadata key of a chunk's text

AUDIENCES = ("public", "staff")


def check(audience: str) -> str:
    """The audience itself, or ValueError naming the allowed ones."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}: use one of {', '.join(AUDIENCES)}")
    return audience


def check_all(audiences: Sequence[str]) -> tuple[str, ...]:
    """The audiences as a tuple, each checked; a bare string is one audience, not its letters."""
    return tuple(check(a) for a in ((audiences,) if isinstance(audiences, str) else audiences))


@dataclass
class Chunk:
    """One retrievable piece of a document, as stored and as cited."""

    text: str  # what is embedded and quoted: "Title > Section" line, then the body
    file: str
    chunk_index: int
    file_hash: str
    ingested_at: str
    page: int | None = None
    section: str = ""
    effective_date: str = ""
    audience: str = "public"  # public | staff; "" = stored before audiences existed, shown to no customer

    @property
    def id(self) -> str:
        # Two files may hold the same bytes under different names; each keeps its own chunks.
        name = hashlib.sha1(self.file.encode()).hexdigest()[:12]
        return f"{name}-{self.file_hash[:16]}-{self.chunk_index}"

    def metadata(self) -> dict[str, Any]:
        # Not dataclasses.asdict, which deep-copies each field: an eighth of a commit's time.
        meta = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "text"}
        if self.page is None:
            del meta["page"]  # Chroma metadata cannot hold None
        return meta

    @classmethod
    def from_record(cls, document: str | None, meta: dict[str, Any]) -> Chunk:
        """A chunk from Chroma: its text is in its metadata, or, in a store written before, its document."""
        fields = {k: meta[k] for k in cls.__dataclass_fields__ if k in meta and k != "text"}
        return cls(text=meta.get(_TEXT, document or ""), **{"audience": "", **fields})


@dataclass
class FileRecord:
    """A committed file: what `docs list` shows and what re-ingest compares against."""

    file: str
    file_hash: str
    chunks: int
    ingested_at: str
    kind: str = ""
    pages: int = 0
    title: str = ""
    effective_date: str = ""
    redactions: dict[str, int] = field(default_factory=dict)
    audience: str = "public"  # who may be answered from it: public | staff; "" = stored before audiences existed
    audience_reason: str = ""  # why: the classifier's cues, or "set by staff"

    def metadata(self) -> dict[str, Any]:
        meta = {k: v for k, v in asdict(self).items() if k != "redactions"}
        meta.update({f"redacted_{k}": v for k, v in self.redactions.items()})
        return meta

    @classmethod
    def from_metadata(cls, meta: dict[str, Any]) -> FileRecord:
        redactions = {k.removeprefix("redacted_"): v for k, v in meta.items() if k.startswith("redacted_")}
        fields = {k: meta[k] for k in cls.__dataclass_fields__ if k in meta and k != "redactions"}
        return cls(redactions=redactions, **{"audience": "", **fields})


def open_client(settings: Settings):
    """An embedded PersistentClient under the data dir, or an HttpClient when a Chroma URL is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    url = settings.vectorstore.chroma_url
    if url:
        from urllib.parse import urlparse

        parsed = urlparse(url)
        return chromadb.HttpClient(
            host=parsed.hostname or "localhost",
            port=parsed.port or (443 if parsed.scheme == "https" else 8000),
            ssl=parsed.scheme == "https",
            settings=chroma_settings,
        )
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


class ModelMismatch(RuntimeError):
    """The store's vectors were written by another embedding model than the configured one."""


# Stores written before the model was recorded were all written by the bundled model on torch.
_UNRECORDED = "all-MiniLM-L6-v2 (torch)"


class ChunkStore:
    """The vector store: add whole files, delete files, search chunks.

    The chunk collection's metadata names the embedding model that wrote its vectors (`embedding_model`);
    a store is opened only with that model, because vectors of two models are not comparable and a search
    would silently return noise. `reembed_begin/_finish` bracket a switch (`finchat docs reindex`).
    """

    def __init__(self, settings: Settings, embedder=None, *, reindexing: bool = False):
        self.settings = settings
        self.client = open_client(settings)
        name = settings.vectorstore.collection
        self.chunks = self.client.get_or_create_collection(
            name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        self.files = self.client.get_or_create_collection(f"{name}_docs", embedding_function=None)
        self._embedder = embedder
        self._max_batch = self.client.get_max_batch_size()
        self.model = fingerprint(settings)
        if not reindexing:
            self._check_model()

    def _check_model(self) -> None:
        meta = self.chunks.metadata or {}
        if meta.get("embedding_model_pending"):
            raise ModelMismatch(
                f"a re-index of the documents with {meta['embedding_model_pending']} was interrupted; "
                "run `finchat docs reindex` again to finish it")
        written = self.stored_model()
        if self.count() == 0:  # nothing embedded yet: the store takes the configured model
            if meta.get("embedding_model") != self.model:
                self._set_model(embedding_model=self.model)
        elif written != self.model:
            raise ModelMismatch(
                f"the documents in the store were embedded with {written}, but the configured embedding model is "
                f"{self.model}; run `finchat docs reindex` to re-embed them with it, or configure {written} again")

    def _set_model(self, **keys: str) -> None:
        self.chunks.modify(metadata={**(self.chunks.metadata or {}), **keys})

    def stored_model(self) -> str:
        """The embedding model that wrote the stored vectors."""
        return (self.chunks.metadata or {}).get("embedding_model") or _UNRECORDED

    def reembed_begin(self) -> None:
        """Mark the store as being re-embedded with the configured model: until `reembed_finish` it is refused."""
        self._set_model(embedding_model_pending=self.model)

    def reembed_finish(self) -> None:
        self._set_model(embedding_model=self.model, embedding_model_pending="")

    def reembed_file(self, file: str) -> int:
        """Re-embed a stored file's chunks from their stored text with the configured model; their count."""
        got = self.chunks.get(where={"file": file}, include=["documents", "metadatas"])
        texts = [Chunk.from_record(d, m).text for d, m in zip(got["documents"], got["metadatas"])]
        for start in range(0, len(got["ids"]), self._max_batch):
            ids = got["ids"][start : start + self._max_batch]
            self.chunks.update(ids=ids, embeddings=self.embed(texts[start : start + self._max_batch]))
        return len(got["ids"])

    @property
    def embedder(self):
        if self._embedder is None:
            self._embedder = load_embedder(self.settings)
        return self._embedder

    def embed(self, texts: list[str]) -> list[list[float]]:
        vectors = self.embedder.encode(
            texts,
            batch_size=self.settings.ingest.embed_batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.tolist()

    def embed_order(self, texts: list[str]) -> list[int]:
        """Indices of the texts, shortest first, by the width each pads its batch to: tokens for the int8
        graph, characters for sentence-transformers (which sorts each call's texts by them). Consecutive slices
        of this order pad least. Characters misjudge tables: digits and symbols take a token each, so with
        slices by characters the long filing's embed stage ran 5-19% slower than its bare encoder
        (bench/RESULTS.md, session 21)."""
        lengths = self.embedder.token_counts(texts) if hasattr(self.embedder, "token_counts") else list(map(len, texts))
        return sorted(range(len(texts)), key=lengths.__getitem__)

    # --- files -------------------------------------------------------------------------------

    def file_record(self, file: str) -> FileRecord | None:
        got = self.files.get(ids=[file], include=["metadatas"])
        if not got["ids"] or not got["metadatas"][0].get("file_hash"):
            return None
        return FileRecord.from_metadata(got["metadatas"][0])

    def list_files(self) -> list[FileRecord]:
        got = self.files.get(include=["metadatas"])
        records = [FileRecord.from_metadata(m) for m in got["metadatas"] if m.get("file_hash")]
        return sorted(records, key=lambda r: r.file.lower())

    def add_files(self, files: list[tuple[FileRecord, list[Chunk], list[list[float]]]]) -> None:
        """Store files' chunks and commit their records; older versions of those files are replaced.

        One round of calls serves the whole batch (Chroma calls cost milliseconds each); every file in it
        is pending until step 3, so a kill before then rolls all of them back and after it none.
        """
        if not files:
            return
        names = [record.file for record, _, _ in files]
        got = self.files.get(ids=names, include=["metadatas"])
        old = {m["file"]: m for m in got["metadatas"] if m.get("file_hash")}
        self.files.upsert(  # 1. pending
            ids=names,
            embeddings=[_NO_VECTOR] * len(names),
            metadatas=[{**old.get(r.file, {"file": r.file}), "pending": r.file_hash} for r, _, _ in files],
        )
        chunks = [c for _, cs, _ in files for c in cs]  # 2. chunks
        vectors = [v for _, _, vs in files for v in vs]
        for start in range(0, len(chunks), self._max_batch):
            batch = chunks[start : start + self._max_batch]
            self.chunks.upsert(
                ids=[c.id for c in batch],
                embeddings=vectors[start : start + self._max_batch],
                metadatas=[{**c.metadata(), _TEXT: c.text} for c in batch],
            )
        self.files.upsert(  # 3. commit (upsert merges metadata: clear a stale audience change too)
            ids=names,
            embeddings=[_NO_VECTOR] * len(names),
            metadatas=[{**r.metadata(), "pending": "", "audience_pending": "", "audience_pending_reason": ""}
                       for r, _, _ in files],
        )
        for record, chunks, _ in files:  # 4. the replaced versions' chunks
            if record.file in old:  # (the same bytes chunked anew may have left chunks past the new last one)
                self.chunks.delete(where={"$and": [{"file": record.file}, {"$or": [
                    {"file_hash": {"$ne": record.file_hash}}, {"chunk_index": {"$gte": len(chunks)}}]}]})

    def add_file(self, record: FileRecord, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        """Store one file (see `add_files`)."""
        self.add_files([(record, chunks, vectors)])

    def delete_file(self, file: str) -> bool:
        """Remove a file and all its chunks; False when no such file is stored."""
        if self.file_record(file) is None:
            return False
        self.chunks.delete(where={"file": file})
        self.files.delete(ids=[file])
        return True

    def set_audience(self, file: str, audience: str, reason: str = "set by staff") -> bool:
        """Make a stored file public or staff-only without re-embedding it; False when no such file is stored."""
        check(audience)
        if self.file_record(file) is None:
            return False
        self.files.update(ids=[file], metadatas=[{"audience_pending": audience,  # 1. intent
                                                  "audience_pending_reason": reason}])
        ids = self.chunks.get(where={"file": file}, include=[])["ids"]
        for start in range(0, len(ids), self._max_batch):  # 2. chunks; their other metadata keys are kept
            batch = ids[start : start + self._max_batch]
            self.chunks.update(ids=batch, metadatas=[{"audience": audience}] * len(batch))
        self.files.update(ids=[file], metadatas=[{"audience": audience, "audience_reason": reason,  # 3. commit
                                                  "audience_pending": "", "audience_pending_reason": ""}])
        return True

    def unlabelled(self) -> list[tuple[FileRecord, str]]:
        """Each committed file stored before audiences existed, with its body text rebuilt from its chunks, for
        the ingest side to classify; one `files.get` when there is none."""
        found = []
        for meta in self.files.get(include=["metadatas"])["metadatas"]:
            if not meta.get("file_hash") or meta.get("audience"):
                continue
            record = FileRecord.from_metadata(meta)
            got = self.chunks.get(where={"$and": [{"file": record.file}, {"file_hash": record.file_hash}]},
                                  include=["documents", "metadatas"])
            chunks = sorted((Chunk.from_record(t, m) for t, m in zip(got["documents"], got["metadatas"])),
                            key=lambda c: c.chunk_index)
            found.append((record, _body(record, chunks)))
        return sorted(found, key=lambda pair: pair[0].file.lower())

    def repair(self) -> list[str]:
        """Roll back files that a killed ingest left half-written and finish interrupted audience changes;
        returns the names of the rolled-back files."""
        got = self.files.get(where={"pending": {"$ne": ""}}, include=["metadatas"])
        repaired = []
        for meta in got["metadatas"]:
            file, committed = meta["file"], meta.get("file_hash", "")
            if committed:
                self.chunks.delete(where={"$and": [{"file": file}, {"file_hash": {"$ne": committed}}]})
                self.files.upsert(ids=[file], embeddings=[_NO_VECTOR], metadatas=[{**meta, "pending": ""}])
            else:
                self.chunks.delete(where={"file": file})
                self.files.delete(ids=[file])
            repaired.append(file)
        if repaired:
            log.warning("rolled back unfinished ingest of %s", ", ".join(repaired))
        for meta in self.files.get(include=["metadatas"])["metadatas"]:
            if meta.get("audience_pending") and meta.get("file_hash"):
                log.warning("%s: finishing an interrupted change of audience to %s", meta["file"],
                            meta["audience_pending"])
                self.set_audience(meta["file"], meta["audience_pending"], meta.get("audience_pending_reason", ""))
        return repaired

    # --- chunks ------------------------------------------------------------------------------

    def count(self) -> int:
        return self.chunks.count()

    def all_chunks(self, audiences: Sequence[str] | None = None) -> list[Chunk]:
        """Every stored chunk of those audiences (None = all, for the BM25 view and staff tools); paged so a
        large store is not one giant request."""
        out: list[Chunk] = []
        page = 1000
        for offset in range(0, self.count(), page):
            got = self.chunks.get(include=["documents", "metadatas"], limit=page, offset=offset)
            out += [Chunk.from_record(t, m) for t, m in zip(got["documents"], got["metadatas"])]
        if audiences is None:
            return out
        wanted = check_all(audiences)
        return [c for c in out if c.audience in wanted]

    def search(self, query: str, k: int, audiences: Sequence[str] | None = ("public",)) -> list[tuple[Chunk, float]]:
        """Dense search: the k chunks of those audiences (None = all) most similar to the query, with cosine
        similarity. The audience is a filter inside Chroma's query, not a cut of its results."""
        wanted = None if audiences is None else check_all(audiences)
        if self.count() == 0 or wanted == ():
            return []
        where = None if wanted is None else {"audience": {"$in": list(wanted)}}
        got = self.chunks.query(
            query_embeddings=self.embed([query]), n_results=k, where=where,
            include=["documents", "metadatas", "distances"],
        )
        return [
            (Chunk.from_record(t, m), 1.0 - d)
            for t, m, d in zip(got["documents"][0], got["metadatas"][0], got["distances"][0])
        ]

    def version(self) -> str:
        """Fingerprint of the committed files; it changes when a file is added, replaced, deleted or re-audienced."""
        return ",".join(sorted(f"{r.file}:{r.file_hash}:{r.audience}" for r in self.list_files()))


def _body(record: FileRecord, chunks: list[Chunk]) -> str:
    """A file's text as far as its stored chunks hold it: each chunk's title line and overlap dropped."""
    lines: list[str] = []
    seen: set[str] = set()
    for c in chunks:
        header = " > ".join(part for part in (record.title, c.section) if part)
        text = c.text.removeprefix(f"{header}\n") if header else c.text
        for line in text.splitlines():
            if line not in seen or not line.strip():
                seen.add(line)
                lines.append(line)
    return "\n".join(lines)
