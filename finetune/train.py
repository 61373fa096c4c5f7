"""Train a LoRA adapter on question-answer pairs with TRL's SFTTrainer; the adapter then serves via FINCHAT_ADAPTER.

    # the bundled SmolLM2-135M on the CPU, the paper's hyperparameters (60 steps, ~5 minutes on 2 cores)
    finchat finetune train --output-dir adapters/smollm2-finchat
    # Falcon-7B in 4-bit NF4 with double quantisation and bf16 compute (QLoRA; needs a CUDA GPU)
    finchat finetune train --base falcon-7b --output-dir adapters/falcon-finchat
    # any local model folder, your own data, settings from a file (flags override it)
    python -m finetune.train --base ./my-model --data staff_feedback.csv --config run.yaml --max-steps 100

The output folder holds adapter_model.safetensors, adapter_config.json, train_args.json (every argument, the base
model and the run's figures), metrics.csv (the loss curve), validation.jsonl (the held-out pairs) and checkpoints.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from finetune.base_model import load_base, prepare_for_training, prompt_completion
from finetune.config import (Arguments, DataArguments, ModelArguments, TrainArguments, lora_config, parse_arguments,
                             save_arguments, sft_config)
from finetune.dataset import QAPair, read_pairs, split_pairs, write_jsonl

log = logging.getLogger(__name__)

TRAIN_ARGS_FILE = "train_args.json"
METRICS_FILE = "metrics.csv"
VALIDATION_FILE = "validation.jsonl"


@dataclass
class TrainResult:
    output_dir: Path
    steps: int
    seconds: float
    tokens: int  # non-padding input tokens seen
    train_loss: float
    trainable_params: int
    model: Any = field(repr=False, default=None)  # the trained PeftModel, still in memory


LIBRARY_NOISE = (
    "`is_gradient_checkpointing` is deprecated",  # PEFT 0.21 asks transformers 5 by the old name
    "Unable to fetch remote file", "Could not find a config file",  # PEFT's hub look-up of the base model, offline
)


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence library warnings that a user of this script can do nothing about."""
    with warnings.catch_warnings():
        for message in LIBRARY_NOISE:
            warnings.filterwarnings("ignore", message=re.escape(message))
        yield


@contextmanager
def _no_hub_lookups() -> Iterator[None]:
    """PEFT asks the Hub, each time it saves an adapter, whether the base model's config is there (to tell whether
    the vocabulary changed, which these LoRA targets never do): a request to huggingface.co from a bank's server at
    every checkpoint. PEFT reads HF_HUB_OFFLINE when it asks, so the training loop runs with it set; the base model
    is loaded before."""
    before = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ["HF_HUB_OFFLINE"]
        else:
            os.environ["HF_HUB_OFFLINE"] = before


def report_targets() -> list[str]:
    """Metric sinks beside metrics.csv: TensorBoard if installed, Weights & Biases if installed and configured."""
    targets = []
    if importlib.util.find_spec("tensorboard"):
        targets.append("tensorboard")
    if importlib.util.find_spec("wandb") and os.environ.get("WANDB_API_KEY"):
        targets.append("wandb")
    return targets


def make_trainer(model: Any, tokenizer: Any, train_pairs: list[QAPair], model_args: ModelArguments,
                 data_args: DataArguments, train_args: TrainArguments, callbacks: list[Any] | None = None) -> Any:
    """TRL's SFTTrainer over prompt-completion examples of the pairs, LoRA attached by the trainer."""
    from datasets import Dataset
    from trl import SFTTrainer

    config = sft_config(data_args, train_args, torch.cuda.is_available(), report_targets())
    return SFTTrainer(
        model=model,
        args=config,
        train_dataset=Dataset.from_list([prompt_completion(p, tokenizer) for p in train_pairs]),
        processing_class=tokenizer,
        peft_config=lora_config(model_args, model.config.model_type),
        callbacks=callbacks,
    )


def main(model_args: ModelArguments, data_args: DataArguments, train_args: TrainArguments,
         progress: bool = True) -> TrainResult:
    """Train, save the adapter and its full config into train_args.output_dir."""
    from transformers import set_seed
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    from finetune.callbacks import MetricsCsv, RichProgress

    if train_args.threads:
        torch.set_num_threads(train_args.threads)
    train_pairs, validation = split_pairs(read_pairs(data_args.data), data_args.validation_fraction,
                                          data_args.split_seed)
    out = Path(train_args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    set_seed(train_args.seed)  # before the LoRA weights are initialised inside SFTTrainer
    model, tokenizer = load_base(model_args)
    quantised = bool(getattr(model, "is_loaded_in_4bit", False))
    model = prepare_for_training(model, model_args)
    cuda = torch.cuda.is_available()
    with _quiet(), _no_hub_lookups():
        trainer = make_trainer(model, tokenizer, train_pairs, model_args, data_args, train_args,
                               callbacks=[MetricsCsv(out / METRICS_FILE)])
        for callback in (ProgressCallback, PrinterCallback):
            trainer.remove_callback(callback)
        if progress:
            trainer.add_callback(RichProgress())
        trainable = sum(p.numel() for p in trainer.model.parameters() if p.requires_grad)
        log.info("training %d LoRA parameters on %d pairs (%d held out)", trainable, len(train_pairs),
                 len(validation))
        start = time.perf_counter()
        outcome = trainer.train()
        seconds = time.perf_counter() - start
        trainer.save_model(str(out))
    write_jsonl(validation, out / VALIDATION_FILE)
    result = TrainResult(out, trainer.state.global_step, seconds, int(trainer.state.num_input_tokens_seen),
                         float(outcome.training_loss), trainable, trainer.model)
    optim = trainer.args.optim
    save_arguments((model_args, data_args, train_args), out / TRAIN_ARGS_FILE,
                   base_model=model.name_or_path if hasattr(model, "name_or_path") else model_args.base,
                   model_type=trainer.model.config.model_type,
                   run={"device": "cuda" if cuda else "cpu", "optimizer": getattr(optim, "value", optim),
                        "steps": result.steps, "seconds": round(seconds, 1),
                        "input_tokens": result.tokens, "train_loss": round(result.train_loss, 4),
                        "trainable_params": trainable, "quantised": quantised, "train_pairs": len(train_pairs),
                        "validation_pairs": len(validation)})
    return result


def parse(argv: list[str] | None = None, prog: str | None = None) -> Arguments:
    """The arguments of `main` from flags and an optional --config file; --help shows this module's examples."""
    return parse_arguments(argv, prog=prog, description="Train a LoRA adapter on question-answer pairs.",
                           epilog=__doc__)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    main(*parse())
