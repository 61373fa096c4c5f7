"""The int8 encoders (onnxruntime, OpenVINO) against the torch one, the store's record of the model that wrote
it, and re-indexing."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from typer.testing import CliRunner

from finchat.cli import app
from finchat.settings import load_settings
from vectorstore.encoder import OnnxEncoder, OpenVinoEncoder, fingerprint, int8_model, load_embedder
from vectorstore.store import Chunk, ChunkStore, FileRecord, ModelMismatch

from conftest import SAMPLES

TEXTS = ["Outgoing international wire transfer: $45.00", "What does it cost to send money abroad?",
         "Monthly maintenance fee waived with a $1,500 minimum daily balance",
         "Certificate of deposit, 12 months | APY 4.25% | minimum opening deposit $500",
         "We share your personal information with affiliates for their everyday business purposes."]


def with_backend(backend: str, data_dir) -> object:
    settings = load_settings(data_dir=data_dir)
    settings.vectorstore.embedding_backend = backend
    return settings


@pytest.mark.parametrize("backend, kind, closest", [("onnx-int8", OnnxEncoder, 0.97),
                                                     ("openvino-int8", OpenVinoEncoder, 0.99)])
def test_int8_vectors_agree_with_torch_and_rank_alike(tmp_path, torch_embedder, backend, kind, closest):
    encoder = load_embedder(with_backend(backend, tmp_path / "data"))
    assert type(encoder) is kind
    assert int8_model(with_backend(backend, tmp_path)).is_file()  # built once, outside any data dir
    assert not (tmp_path / "data" / "models").exists()
    ours = encoder.encode(TEXTS, batch_size=2, normalize_embeddings=True)
    ref = torch_embedder.encode(TEXTS, normalize_embeddings=True)
    assert ours.shape == ref.shape and np.allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-5)
    # The same direction; quantisation moves it a little, OpenVINO's activation scale per group of 64 values
    # less than onnxruntime's one per tensor.
    assert (ours * ref).sum(1).min() > closest
    # The same nearest text for each query, which is what retrieval needs.
    assert ((ours @ ours.T).argsort(1)[:, -2] == (ref @ ref.T).argsort(1)[:, -2]).all()
    # One text alone is encoded nearly as in a batch: padding does not leak into the mean, and only the
    # activations' int8 scales, which are taken at run time, differ.
    alone = encoder.encode(TEXTS[2], normalize_embeddings=True)
    assert alone.shape == (384,) and float(alone @ ours[2]) > 0.99


def test_the_openvino_graph_holds_every_linear_layer_in_int8(models_dir):
    """Its weights are int8 with one scale per output channel, and no fp32 copy of them is left in the file."""
    import onnx

    settings = load_settings()
    settings.vectorstore.models_dir = models_dir
    settings.vectorstore.embedding_backend = "openvino-int8"
    graph = onnx.load(str(int8_model(settings))).graph
    dequantised = {n.output[0] for n in graph.node if n.op_type == "DequantizeLinear"}
    products = [n for n in graph.node if n.op_type == "MatMul"]
    assert len(dequantised) == 36  # 6 layers x (query, key, value, attention output, feed-forward in and out)
    assert sum(n.input[1] in dequantised for n in products) == 36  # the rest are attention's own products
    big = [i for i in graph.initializer if i.data_type == onnx.TensorProto.FLOAT and len(i.dims) == 2]
    assert sorted(tuple(i.dims) for i in big) == [(2, 384), (512, 384), (30522, 384)]  # the embedding tables


def test_the_store_records_its_model_and_refuses_another(tmp_path, torch_embedder):
    settings = with_backend("torch", tmp_path / "data")
    store = ChunkStore(settings, embedder=torch_embedder)
    chunk = Chunk(text="Overdraft fee: $35 per item", file="fees.txt", chunk_index=0, file_hash="a" * 64,
                  ingested_at="2026-01-01T00:00:00")
    store.add_file(FileRecord("fees.txt", "a" * 64, 1, "2026-01-01T00:00:00"), [chunk], store.embed([chunk.text]))
    assert store.stored_model() == fingerprint(settings) == "all-MiniLM-L6-v2 (torch)"
    other = with_backend("onnx-int8", settings.data_dir)
    with pytest.raises(ModelMismatch, match=r"embedded with all-MiniLM-L6-v2 \(torch\).*finchat docs reindex"):
        ChunkStore(other)
    # An empty store takes whichever model is configured.
    empty = with_backend("onnx-int8", tmp_path / "empty")
    assert ChunkStore(empty).stored_model() == "all-MiniLM-L6-v2 (onnx-int8)"


def test_reindex_switches_the_model_from_the_originals_and_the_stored_text(tmp_path, monkeypatch):
    settings = with_backend("openvino-int8", tmp_path / "data")
    monkeypatch.setenv("FINCHAT_VECTORSTORE__EMBEDDING_BACKEND", "torch")
    runner = CliRunner()
    kept = tmp_path / "kept"
    kept.mkdir()
    shutil.copy(SAMPLES / "faq.md", kept)
    shutil.copy(SAMPLES / "rates.html", kept)
    assert runner.invoke(app, ["ingest", str(kept)]).exit_code == 0  # written with torch
    (kept / "rates.html").unlink()  # its original is gone: it can only be re-embedded from its stored text

    monkeypatch.setenv("FINCHAT_VECTORSTORE__EMBEDDING_BACKEND", "openvino-int8")
    refused = runner.invoke(app, ["search", "savings rate"])
    assert refused.exit_code == 1 and "finchat docs reindex" in refused.output

    store = ChunkStore(settings, reindexing=True)
    store.reembed_begin()  # a re-index killed half-way leaves the store refused until one finishes
    with pytest.raises(ModelMismatch, match="interrupted"):
        ChunkStore(settings)

    done = runner.invoke(app, ["docs", "reindex", str(kept)])
    assert done.exit_code == 0, done.output
    assert "faq.md: replaced" in done.output and "rates.html: re-embedded from its stored text" in done.output
    assert "were all-MiniLM-L6-v2 (torch)" in done.output
    store = ChunkStore(settings)
    assert store.stored_model() == "all-MiniLM-L6-v2 (openvino-int8)"
    # The stored vectors are now the int8 model's: a chunk's own text finds itself with similarity ~1.
    for chunk in store.all_chunks():
        top, similarity = store.search(chunk.text, k=1, audiences=None)[0]
        assert similarity > 0.99, (chunk.file, similarity)
    searched = runner.invoke(app, ["search", "savings rate"])
    assert searched.exit_code == 0 and "rates.html" in searched.output


def test_texts_ordered_by_their_tokens_are_encoded_from_the_ids_counted_then(embedder):
    """The ingestor counts a batch's tokens to order it, then encodes it in slices; each slice takes the ids
    counted for its texts (tokenising them again cost 0.2 s in 2,000 chunks), and gets the very same vectors."""
    texts = ["| 1.25 | 3.40 | 5.60 |", "Statements are mailed each month.", "Overdraft fee: $31.00 per item"]
    # int8 activations are scaled per model call, so each call is compared with the same call made afresh
    fresh_all, fresh_slice = (embedder.encode(t, normalize_embeddings=True) for t in (texts, texts[::2]))
    embedder.token_counts(texts)
    assert set(embedder._ids) == set(texts)
    assert np.array_equal(embedder.encode(texts[::2], normalize_embeddings=True), fresh_slice)
    assert set(embedder._ids) == {texts[1]}  # taken once used, so a batch's ids are not kept
    assert np.array_equal(embedder.encode(texts, normalize_embeddings=True), fresh_all)


def test_a_file_chunked_anew_leaves_no_chunk_of_its_old_chunking(store):
    def add(lines):
        chunks = [Chunk(text=t, file="f.txt", chunk_index=i, file_hash="e" * 64, ingested_at="x")
                  for i, t in enumerate(lines)]
        store.add_file(FileRecord("f.txt", "e" * 64, len(chunks), "x"), chunks, store.embed(lines))

    add(["one", "two", "three"])
    add(["one and two and three"])  # same bytes, new settings: one chunk now
    assert [c.text for c in store.all_chunks()] == ["one and two and three"]


def test_texts_are_embedded_in_order_of_their_tokens_not_their_characters(store, torch_embedder, tmp_path):
    """A table row is short in characters and long in tokens (a digit or a bar is a token each); slices of
    the pipeline's embedding order pad least only if it counts what the model pads to."""
    row, prose = "| 1.25 | 3.40 | 5.60 | 7.85 |", "Statements are mailed to every member each month."
    tokens = store.embedder.token_counts([row, prose])
    assert len(row) < len(prose) and tokens[0] > tokens[1]
    assert store.embedder.token_counts(["word " * 1000]) == [256]  # truncated as the model sees it
    assert store.embed_order([row, prose]) == [1, 0]
    # sentence-transformers sorts each call's texts by characters; its order does the same.
    torch_store = ChunkStore(with_backend("torch", tmp_path / "torch"), embedder=torch_embedder)
    assert torch_store.embed_order([row, prose]) == [0, 1]


def test_the_default_encoder_serves_several_threads_at_once(embedder):
    """The web app embeds each customer's question on its own thread; OpenVINO's infer request is not
    reentrant, so the encoder serialises its calls: every thread gets its own text's vector."""
    from concurrent.futures import ThreadPoolExecutor

    assert isinstance(embedder, OpenVinoEncoder)
    alone = [embedder.encode(t, normalize_embeddings=True) for t in TEXTS]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda t: embedder.encode(t, normalize_embeddings=True), TEXTS * 8))
    for i, vector in enumerate(together):
        assert np.allclose(vector, alone[i % len(TEXTS)], atol=1e-5)
