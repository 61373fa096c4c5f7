"""The base model to fine-tune or evaluate: the bundled SmolLM2 GGUF, Falcon-7B in 4-bit, or a local folder."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import torch

from chatbot.models import bundled_gguf, count_4bit_layers, format_chat, load_causal_lm, quantization_config
from finetune.config import BASE_IDS, EMBEDDED, ModelArguments
from finetune.dataset import QAPair

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

log = logging.getLogger(__name__)


def unflag_gguf(model: PreTrainedModel) -> PreTrainedModel:
    """Make a GGUF-loaded model trainable and savable.

    transformers dequantises GGUF weights to plain fp32 layers on load but keeps the model flagged as GGUF-quantised,
    and Trainer then refuses it ("do not support training"); clearing the flags gives an ordinary model.
    """
    model.hf_quantizer = None
    model.is_quantized = False
    model.quantization_method = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    return model


def load_base(args: ModelArguments) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """Model and tokenizer of `args.base`, 4-bit when asked (and not the GGUF), named by its hub id when known."""
    cuda = torch.cuda.is_available()
    if args.base == EMBEDDED:
        gguf = bundled_gguf()
        model, tokenizer = load_causal_lm(gguf.parent, gguf_file=gguf.name)
        unflag_gguf(model)
    else:
        source = BASE_IDS.get(args.base, args.base)
        quantization = quantization_config(args)
        dtype = getattr(torch, args.bnb_4bit_compute_dtype) if cuda else torch.float32
        model, tokenizer = load_causal_lm(source, quantization=quantization, dtype=dtype,
                                          device_map="auto" if cuda else "cpu")
        if quantization is not None:
            log.info("%s loaded in 4-bit: %d Linear4bit layers", source, count_4bit_layers(model))
    name = BASE_IDS.get(args.base, args.base)
    model.name_or_path = model.config._name_or_path = name  # PEFT records it as the adapter's base model
    return model, tokenizer


def prepare_for_training(model: PreTrainedModel, args: ModelArguments) -> PreTrainedModel:
    """A 4-bit model made trainable (fp32 norms, input grads, optional checkpointing); other models unchanged."""
    if not getattr(model, "is_loaded_in_4bit", False):
        return model
    from peft import prepare_model_for_kbit_training

    # torch warns that checkpointing without an explicit use_reentrant will become an error; False is its advice
    return prepare_model_for_kbit_training(model, use_gradient_checkpointing=args.gradient_checkpointing,
                                           gradient_checkpointing_kwargs={"use_reentrant": False})


def prompt_completion(pair: QAPair, tokenizer: PreTrainedTokenizerBase) -> dict[str, Any]:
    """The pair as TRL's prompt-completion example, in the layout the chatbot serves (chat template or `User:`):
    a RAFT pair carries the assistant's system prompt and numbered context, as `chatbot.assistant` sends them."""
    from chatbot import prompts

    user = prompts.USER_PROMPT.format(context=pair.context, question=pair.question) if pair.context else pair.question
    messages = [{"role": "system", "content": pair.system}] if pair.system else []
    prompt = format_chat(tokenizer, [*messages, {"role": "user", "content": user}])
    separator = "" if prompt.endswith(("\n", " ")) else " "
    return {"prompt": prompt, "completion": separator + pair.answer}
