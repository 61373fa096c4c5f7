"""The Chroma store: whole-file commits, replace, delete, repair — embedded and against a real server."""

from __future__ import annotations

import pytest

from vectorstore.keyword import KeywordIndex
from vectorstore.store import Chunk, ChunkStore, FileRecord


def _file(store: ChunkStore, name: str, file_hash: str, lines: list[str]) -> tuple[FileRecord, list[Chunk]]:
    chunks = [Chunk(text=t, file=name, chunk_index=i, file_hash=file_hash, ingested_at="2026-01-01T00:00:00",
                    page=1) for i, t in enumerate(lines)]
    return FileRecord(file=name, file_hash=file_hash, chunks=len(chunks), ingested_at="2026-01-01T00:00:00"), chunks


def _add(store, name, file_hash, lines):
    record, chunks = _file(store, name, file_hash, lines)
    store.add_file(record, chunks, store.embed([c.text for c in chunks]))


@pytest.fixture(params=["embedded", "server"])
def any_store(request, settings, embedder):
    if request.param == "server":
        url = request.getfixturevalue("chroma_server")
        settings.vectorstore.chroma_url = url
        settings.vectorstore.collection = f"test_{request.node.name[-40:].replace('[', '_').replace(']', '')}"
    store = ChunkStore(settings, embedder=embedder)
    yield store
    if request.param == "server":
        store.client.delete_collection(settings.vectorstore.collection)
        store.client.delete_collection(f"{settings.vectorstore.collection}_docs")


def test_add_search_and_list(any_store):
    _add(any_store, "fees.pdf", "a" * 64, ["Overdraft fee: $35 per item", "Wire transfer outgoing: $25"])
    _add(any_store, "rates.csv", "b" * 64, ["Product: Gold Savings | APY: 1.10%"])
    assert [r.file for r in any_store.list_files()] == ["fees.pdf", "rates.csv"]
    top, score = any_store.search("how much is an overdraft", k=1)[0]
    assert top.file == "fees.pdf" and "Overdraft" in top.text and top.page == 1
    assert 0 < score <= 1


def test_texts_are_kept_out_of_the_full_text_index_and_old_stores_still_read(any_store):
    """A chunk's text is stored in its metadata, so Chroma indexes no document; a chunk written the old way,
    as a Chroma document (a store from before), is still searched, listed and re-embedded."""
    _add(any_store, "fees.pdf", "a" * 64, ["Overdraft fee: $35 per item"])
    got = any_store.chunks.get(include=["documents", "metadatas"])
    assert got["documents"] == [None] and got["metadatas"][0]["text"] == "Overdraft fee: $35 per item"
    _, (old,) = _file(any_store, "old.txt", "b" * 64, ["Wire transfer outgoing: $25"])
    any_store.chunks.upsert(ids=[old.id], embeddings=any_store.embed([old.text]), documents=[old.text],
                            metadatas=[old.metadata()])
    assert sorted(c.text for c in any_store.all_chunks()) == ["Overdraft fee: $35 per item",
                                                             "Wire transfer outgoing: $25"]
    assert any_store.search("outgoing wire", k=1)[0][0].text == "Wire transfer outgoing: $25"
    any_store.chunks.update(ids=[old.id], embeddings=[[0.0] * len(any_store.embed(["x"])[0])])
    assert any_store.reembed_file("old.txt") == 1
    assert any_store.search("outgoing wire", k=1)[0][1] > 0.5  # its vector is its text's again


def test_replace_keeps_only_new_version(any_store):
    _add(any_store, "fees.pdf", "a" * 64, ["Overdraft fee: $35 per item", "Old line two", "Old line three"])
    _add(any_store, "fees.pdf", "c" * 64, ["Overdraft fee: $30 per item"])
    assert any_store.count() == 1
    assert any_store.file_record("fees.pdf").file_hash == "c" * 64
    assert "$30" in any_store.search("overdraft fee", k=3)[0][0].text


def test_delete_removes_every_chunk(any_store):
    _add(any_store, "fees.pdf", "a" * 64, ["one", "two", "three"])
    _add(any_store, "other.txt", "d" * 64, ["four"])
    assert any_store.delete_file("fees.pdf") is True
    assert any_store.count() == 1 and [r.file for r in any_store.list_files()] == ["other.txt"]
    assert any_store.delete_file("fees.pdf") is False


def test_repair_rolls_back_a_half_written_new_file(store):
    # Provoke a kill between "chunks written" and "record committed" by doing steps 1-2 of add_file by hand.
    record, chunks = _file(store, "half.txt", "e" * 64, ["half written chunk"])
    store.files.upsert(ids=["half.txt"], embeddings=[[0.0]], metadatas=[{"file": "half.txt", "pending": "e" * 64}])
    store.chunks.upsert(ids=[chunks[0].id], embeddings=store.embed([chunks[0].text]),
                        documents=[chunks[0].text], metadatas=[chunks[0].metadata()])
    assert store.list_files() == []  # never visible as a document
    assert store.repair() == ["half.txt"]
    assert store.count() == 0 and store.files.count() == 0


def test_repair_keeps_the_committed_version_of_a_replaced_file(store):
    _add(store, "fees.pdf", "a" * 64, ["Overdraft fee: $35 per item"])
    record, chunks = _file(store, "fees.pdf", "f" * 64, ["Overdraft fee: $99 per item (unfinished)"])
    old = store.file_record("fees.pdf")
    store.files.upsert(ids=["fees.pdf"], embeddings=[[0.0]], metadatas=[{**old.metadata(), "pending": "f" * 64}])
    store.chunks.upsert(ids=[chunks[0].id], embeddings=store.embed([chunks[0].text]),
                        documents=[chunks[0].text], metadatas=[chunks[0].metadata()])
    store.repair()
    assert store.count() == 1 and "$35" in store.all_chunks()[0].text
    assert store.file_record("fees.pdf").file_hash == "a" * 64


def test_keyword_index_follows_the_store(store):
    index = KeywordIndex(store)
    assert index.search("ACH", 3) == []
    _add(store, "fees.pdf", "a" * 64, ["ACH origination: $1.50 per batch", "Teller withdrawal: $2.50 each"])
    hits = index.search("ACH origination fee", 3)
    assert hits and hits[0][0].text.startswith("ACH")
    assert index.search("2.50", 3)[0][0].text.startswith("Teller")
    store.delete_file("fees.pdf")
    assert index.search("ACH", 3) == []
