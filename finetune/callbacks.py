"""Trainer callbacks: metrics to a CSV file (always available, unlike TensorBoard) and a compact progress bar."""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

METRICS_FIELDS = ("step", "epoch", "loss", "learning_rate", "grad_norm", "num_input_tokens_seen", "elapsed_s")


class MetricsCsv(TrainerCallback):
    """Appends every logged training metric to a CSV file: the loss curve the evaluation report plots."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.start = time.perf_counter()
        with self.path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerow(METRICS_FIELDS)

    def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, float] | None = None, **kwargs: Any) -> None:
        if not logs or "loss" not in logs:
            return  # the final summary (train_runtime, ...) is not a curve point
        row = {**logs, "step": state.global_step, "epoch": state.epoch,
               "num_input_tokens_seen": state.num_input_tokens_seen,
               "elapsed_s": round(time.perf_counter() - self.start, 2)}
        with self.path.open("a", encoding="utf-8", newline="") as f:
            csv.writer(f).writerow([row.get(name, "") for name in METRICS_FIELDS])


class RichProgress(TrainerCallback):
    """One progress bar with the step count, elapsed time and the last logged loss, on stderr."""

    def __init__(self) -> None:
        self.progress: Any = None
        self.task: Any = None

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(TextColumn("training"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                 TextColumn("{task.fields[loss]}"), console=Console(stderr=True))
        self.task = self.progress.add_task("train", total=state.max_steps, loss="")
        self.progress.start()

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.progress.update(self.task, completed=state.global_step)

    def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, float] | None = None, **kwargs: Any) -> None:
        if self.progress is not None and logs and "loss" in logs:
            self.progress.update(self.task, loss=f"loss {logs['loss']:.3f}")

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self.progress is not None:
            self.progress.stop()
