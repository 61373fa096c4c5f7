"""The learned reader: how likely a record answers the question, from the cross-encoder `finchat finetune reader`
trains (finetune/train_reader.py).

It reranks the heuristic's best candidates only (`assistant.reader_candidates`), so a question costs one small
batch through MiniLM, and its probability can back an "I don't know" (`assistant.reader_threshold`).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


class ReaderError(RuntimeError):
    pass


class Reader:
    def __init__(self, path: str | Path):
        path = Path(path)
        if not (path / "config.json").exists():
            raise ReaderError(f"no trained reader in {path}: run `finchat finetune reader --out {path}` first")
        import torch
        from sentence_transformers import CrossEncoder

        self.model = CrossEncoder(str(path), device="cpu")
        self.model.model.float()  # saved in fp16 to halve its size; CPU matmuls want fp32
        self._sigmoid = torch.nn.Sigmoid()
        info = path / "reader.json"
        self.info = json.loads(info.read_text()) if info.exists() else {}
        self.name = path.name

    def scores(self, question: str, records: list[str]) -> np.ndarray:
        """P(record answers question) for each record ("Title > Section: record", as trained)."""
        if not records:
            return np.zeros(0)
        return np.asarray(self.model.predict([(question, r) for r in records], batch_size=32,
                                             activation_fn=self._sigmoid, show_progress_bar=False), dtype=float)
