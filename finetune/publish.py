"""Package a trained adapter for sharing: weights, PEFT config, training config, plots and a model card.

    finchat finetune publish adapters/smollm2-finchat --out dist/smollm2-finchat
    finchat finetune publish adapters/smollm2-finchat --out dist/smollm2-finchat --push-to-hub my-bank/finchat-lora

The package is built in a temporary folder beside --out and renamed into place only when everything (including the
upload, when asked) has succeeded: a failure leaves no half-written folder and no half-made upload of ours.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from finetune.config import row_layout
from finetune.dataset import read_pairs
from finetune.train import METRICS_FILE, TRAIN_ARGS_FILE, VALIDATION_FILE

ADAPTER_FILES = ("adapter_model.safetensors", "adapter_config.json")
EXTRA_FILES = (TRAIN_ARGS_FILE, METRICS_FILE)
EVAL_FILES = ("eval.json", "loss_curve.png", "metrics.png")
CARD_FILE = "README.md"
LICENSE = "apache-2.0"
TAGS = ("finchat", "lora", "peft", "banking", "customer-service")
OFFLINE_VARIABLES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
PACKAGE_MODE = 0o755


class PublishError(RuntimeError):
    """The adapter cannot be published; nothing was written or uploaded."""


def _hub_token() -> str | None:
    from huggingface_hub import get_token

    return os.environ.get("HF_TOKEN") or get_token()


def _check_hub() -> str:
    """The Hugging Face token to push with, or PublishError saying why pushing cannot work here."""
    offline = [v for v in OFFLINE_VARIABLES if os.environ.get(v, "").lower() in {"1", "true", "yes", "on"}]
    if offline:
        raise PublishError(f"cannot push to the Hugging Face Hub: offline mode is on ({', '.join(offline)}); unset "
                           f"it on a machine with network access")
    token = _hub_token()
    if not token:
        raise PublishError("cannot push to the Hugging Face Hub: no token; run `hf auth login` or set HF_TOKEN")
    return token


def model_card(adapter: Path, config: dict[str, Any], evaluation: dict[str, Any] | None) -> str:
    """README.md for the adapter: base model, data, hyperparameters and the evaluation table."""
    from finetune.evaluate import SideMetrics
    from finetune.report import metrics_table

    base_model = config.get("base_model", config["model"]["base"])
    model, data, train, run = config["model"], config["data"], config["train"], config.get("run", {})
    header = ["---", f"base_model: {base_model}", "library_name: peft", f"license: {LICENSE}",
              "pipeline_tag: text-generation", "tags:", *[f"- {t}" for t in TAGS], "---", ""]
    hyper = {"LoRA rank r": model["lora_r"], "LoRA alpha": model["lora_alpha"], "LoRA dropout": model["lora_dropout"],
             "bias": model["lora_bias"], "target modules": _targets(adapter),
             "4-bit": f"{model['bnb_4bit_quant_type']}, double quant {model['bnb_4bit_use_double_quant']}, compute "
                      f"{model['bnb_4bit_compute_dtype']}" if run.get("quantised") else "no (full-precision base)",
             "batch": f"{train['per_device_train_batch_size']} x {train['gradient_accumulation_steps']} accumulation",
             "optimizer": run.get("optimizer", train["optim"]), "learning rate": train["learning_rate"],
             "schedule": f"{train['lr_scheduler_type']}, warm-up ratio {train['warmup_ratio']}",
             "max grad norm": train["max_grad_norm"], "steps": run.get("steps", train["max_steps"]),
             "max length": data["max_length"], "rows": row_layout(data),
             "loss on answers only": data["completion_only_loss"]}
    lines = [*header, f"# FinChat LoRA adapter for {base_model}", "",
             "A LoRA adapter trained with FinChat's `finchat finetune train` (TRL SFTTrainer + PEFT) so that the base "
             "model answers bank customers' general questions in a bank's voice and politely refuses personal "
             "investment, tax and legal advice and predictions.", "",
             "## Use", "", "```bash", "FINCHAT_ADAPTER=path/to/this/folder finchat ask \"What is APY?\"", "```", "",
             "## Data", "",
             f"{run.get('train_pairs', '?')} training and {run.get('validation_pairs', '?')} validation "
             f"question-answer pairs from `{Path(data['data']).name}` (split seed {data['split_seed']}): FinChat's "
             "own pairs are written by the FinChat team (financial terms, customer-service answers, refusals; see "
             "finetune/data/DATA_CARD.md). General information only: no real bank's fees or rates.", "",
             "## Training", "", "| Hyperparameter | Value |", "|---|---|",
             *[f"| {k} | {v} |" for k, v in hyper.items()], "",
             f"Trained on {run.get('device', '?')} in {run.get('seconds', '?')} s "
             f"({run.get('input_tokens', '?')} input tokens).", ""]
    if evaluation:
        base, tuned = SideMetrics(**evaluation["base"]), SideMetrics(**evaluation["tuned"])
        lines += ["## Evaluation", "",
                  f"On {evaluation['validation_pairs']} held-out pairs (ROUGE-L and key-term accuracy on "
                  f"{evaluation['examples']} greedy answers):", "", metrics_table(base, tuned), ""]
        lines += ["![training loss](loss_curve.png)", "", "![metrics](metrics.png)", ""]
    else:
        lines += ["## Evaluation", "", "Not evaluated: run `finchat finetune evaluate` before publishing.", ""]
    lines += ["## Limits", "",
              "The adapter changes wording and tone; it adds no knowledge of any bank's products. FinChat answers "
              "customers from retrieved documents with citations and checks figures and abstention in code; a "
              "fine-tuned small model still makes mistakes and must not be used for advice.", ""]
    return "\n".join(lines)


def _targets(adapter: Path) -> str:
    targets = json.loads((adapter / "adapter_config.json").read_text(encoding="utf-8")).get("target_modules")
    return ", ".join(sorted(targets)) if isinstance(targets, list) else str(targets)


def _build(adapter: Path, folder: Path) -> None:
    config = json.loads((adapter / TRAIN_ARGS_FILE).read_text(encoding="utf-8"))
    for name in (*ADAPTER_FILES, *EXTRA_FILES):
        if (adapter / name).is_file():
            shutil.copy2(adapter / name, folder / name)
    evaluation = None
    for name in EVAL_FILES:
        if (adapter / "eval" / name).is_file():
            shutil.copy2(adapter / "eval" / name, folder / name)
    if (folder / "eval.json").is_file():
        evaluation = json.loads((folder / "eval.json").read_text(encoding="utf-8"))
    (folder / CARD_FILE).write_text(model_card(adapter, config, evaluation), encoding="utf-8")


def _push(folder: Path, repo: str, token: str, private: bool) -> str:
    from huggingface_hub import HfApi

    api = HfApi(endpoint=os.environ.get("HF_ENDPOINT") or None, token=token)
    url = api.create_repo(repo, private=private, exist_ok=True)
    api.upload_folder(repo_id=repo, folder_path=folder, commit_message="FinChat LoRA adapter")
    return str(url)


def publish(adapter: str | Path, out: str | Path, push_to_hub: str | None = None, private: bool = True) -> Path:
    """Write the adapter package to `out` (and upload it to `push_to_hub`); PublishError leaves nothing behind."""
    adapter, out = Path(adapter), Path(out)
    missing = [n for n in (*ADAPTER_FILES, TRAIN_ARGS_FILE) if not (adapter / n).is_file()]
    if missing:
        raise PublishError(f"{adapter} is not a trained adapter folder: {', '.join(missing)} missing")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise PublishError(f"{out} already exists and is not empty; choose another --out or remove it")
    if (adapter / VALIDATION_FILE).is_file():
        read_pairs(adapter / VALIDATION_FILE)  # a readable split, or DatasetError before anything is written
    token = _check_hub() if push_to_hub else None
    out.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        _build(adapter, building)
        if push_to_hub:
            try:
                _push(building, push_to_hub, token or "", private)
            except Exception as err:  # network, auth and hub errors come in many types; all mean the same here
                raise PublishError(f"push to the Hugging Face Hub repo {push_to_hub} failed, nothing was written "
                                   f"locally: {err}") from err
        if out.exists():
            out.rmdir()  # empty, checked above
        building.chmod(PACKAGE_MODE)  # mkdtemp makes it owner-only
        building.rename(out)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return out
