"""Generator backends behind one small interface: chat messages in, text pieces out as they are generated.

    generator = make_generator(settings.generation)   # "embedded" (default), "falcon" or "openai"
    for piece in generator.stream([{"role": "user", "content": "What is the monthly fee?"}]):
        print(piece, end="")
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import torch

from chatbot.models import (
    GeneratorError,
    attach_adapter,
    bundled_gguf,
    format_chat,
    load_causal_lm,
    quantization_config,
)

if TYPE_CHECKING:
    from finchat.settings import GenerationSettings

__all__ = ["Generator", "GeneratorError", "make_generator", "quantization_config", "BACKENDS"]

log = logging.getLogger(__name__)


class Generator(Protocol):
    """What the assistant needs from a model: a name to show users and a token stream."""

    name: str
    warning: str | None  # why the generator serves less than configured (e.g. a refused adapter), else None

    def stream(self, messages: list[dict[str, str]], max_new_tokens: int | None = None) -> Iterator[str]:
        """Text pieces of the reply to chat messages, as they are generated."""
        ...


class _Stop:
    """Stopping criterion that ends generation once the reader has gone away."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor, **kwargs: Any) -> torch.Tensor:
        return torch.full((input_ids.shape[0],), self.event.is_set(), dtype=torch.bool)


class LocalGenerator:
    """A transformers causal LM in this process, streamed through TextIteratorStreamer."""

    def __init__(self, model: Any, tokenizer: Any, name: str, settings: GenerationSettings,
                 warning: str | None = None, generate_kwargs: dict[str, Any] | None = None):
        self.model, self.tokenizer, self.name, self.warning = model, tokenizer, name, warning
        self.settings = settings
        self.generate_kwargs = generate_kwargs or {}
        if settings.cpu_threads:
            torch.set_num_threads(settings.cpu_threads)  # process-wide, like every torch thread setting
        # One generation at a time: the CPU gains nothing from two, and a static KV cache is shared state.
        self._lock = threading.Lock()

    def stream(self, messages: list[dict[str, str]], max_new_tokens: int | None = None) -> Iterator[str]:
        """Generate in a background thread and yield the decoded text as it arrives."""
        from transformers import StoppingCriteriaList, TextIteratorStreamer

        prompt = format_chat(self.tokenizer, messages)
        inputs = self.tokenizer(prompt, return_tensors="pt", add_special_tokens=False).to(self.model.device)
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        stop = _Stop()
        sampling = ({"do_sample": True, "temperature": self.settings.temperature}
                    if self.settings.temperature > 0 else {"do_sample": False})
        kwargs = {**inputs, **sampling, **self.generate_kwargs, "streamer": streamer,
                  "stopping_criteria": StoppingCriteriaList([stop]),
                  "max_new_tokens": max_new_tokens or self.settings.max_new_tokens,
                  "pad_token_id": self.tokenizer.pad_token_id}
        failure: list[BaseException] = []

        def run() -> None:
            try:
                with self._lock, torch.inference_mode():
                    if not stop.event.is_set():  # the reader may have left while another answer held the model
                        self.model.generate(**kwargs)
            except BaseException as err:  # re-raised in the reader's thread below
                failure.append(err)
                streamer.end()  # generate() did not, and the reader would wait for ever

        worker = threading.Thread(target=run, name="finchat-generate", daemon=True)
        worker.start()
        try:
            yield from (piece for piece in streamer if piece)
        finally:
            stop.event.set()  # the reader may have closed us early: free the model for the next question
            worker.join()  # stops within a token; a thread left running aborts the interpreter at exit
        if failure:
            raise GeneratorError(f"{self.name} failed while generating: {failure[0]}") from failure[0]


def _with_adapter(model: Any, name: str, adapter: Path | None) -> tuple[Any, str, str | None]:
    """The model with the adapter attached, or the base model plus the reason the adapter was refused."""
    if adapter is None:
        return model, name, None
    try:
        return attach_adapter(model, adapter), f"{name}+adapter:{adapter}", None
    except GeneratorError as err:
        log.warning("%s; serving the base model %s without it", err, name)
        return model, name, str(err)


INT4_GROUP = 32  # GGUF Q4_0/Q4_1 block size: weights dequantised from them lie on this 4-bit grid exactly


class PackedDecodeLinear(torch.nn.Module):
    """A linear layer whose one-token decode steps multiply packed int4 or int8 weights; prompts use the dense one.

    A decode step reads every weight once per token, so it runs at the speed of memory, not of arithmetic. Weights
    that came from a GGUF Q4 file lie exactly on a 4-bit grid per group of 32, so they are repacked as int4 without
    loss (scales rounded to bf16); anything else (the Q8 embedding/lm_head, LoRA-merged layers) gets int8 per
    output channel. Prompts are compute-bound and these kernels are slower there, so they keep the dense weight.
    The aten kernels are the ones gpt-fast and torchao use for weight-only quantisation on the CPU.
    """

    def __init__(self, linear: torch.nn.Linear):
        super().__init__()
        self.weight, self.bias = linear.weight, linear.bias
        weight = linear.weight.detach().float()
        grid = _int4_grid(weight)
        self.bits = 8 if grid is None else 4
        if grid is None:
            scales = weight.abs().amax(dim=1).clamp(min=torch.finfo(torch.float32).tiny) / 127
            packed = torch.round(weight / scales[:, None]).to(torch.int8)
        else:
            codes, scales = grid
            packed = torch._convert_weight_to_int4pack_for_cpu(codes, 1)
        self.register_buffer("packed", packed)
        self.register_buffer("scales", scales)  # cast to the activations' dtype with the model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[:-1].numel() != 1:
            return torch.nn.functional.linear(x, self.weight, self.bias)
        row = x.reshape(1, -1)
        if self.bits == 4:
            y = torch._weight_int4pack_mm_for_cpu(row, self.packed, INT4_GROUP, self.scales)
        else:
            y = torch._weight_int8pack_mm(row, self.packed, self.scales)
        y = y.view(*x.shape[:-1], -1)
        return y if self.bias is None else y + self.bias


def _int4_grid(weight: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor] | None:
    """(codes 0..15, scales_and_zeros) if every group of 32 inputs holds at most 16 evenly spaced values, else None."""
    rows, cols = weight.shape
    if cols % INT4_GROUP or not hasattr(torch, "_weight_int4pack_mm_for_cpu"):
        return None
    groups = weight.view(rows, cols // INT4_GROUP, INT4_GROUP)
    low, high = groups.amin(dim=-1, keepdim=True), groups.amax(dim=-1, keepdim=True)
    step = ((high - low) / 15).clamp(min=torch.finfo(torch.float32).tiny)
    codes = torch.round((groups - low) / step).clamp(0, 15)
    if ((codes * step + low - groups).abs() > step / 1000).any():
        return None
    # The kernel computes (code - 8) * scale + zero, with scales_and_zeros laid out [groups, rows, 2].
    scales_and_zeros = torch.cat([step, low + 8 * step], dim=-1).transpose(0, 1).contiguous()
    return codes.view(rows, cols).to(torch.int32), scales_and_zeros


def _sdpa_in_fp32(module: Any, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor, *args: Any,
                  **kwargs: Any) -> tuple[torch.Tensor, Any]:
    """SDPA on fp32 copies of q, k, v: torch's CPU attention kernels are 10-30x slower in bf16 than in fp32."""
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    out, weights = sdpa_attention_forward(module, query.float(), key.float(), value.float(), *args, **kwargs)
    return out.to(query.dtype), weights


def speed_up(model: Any, settings: GenerationSettings) -> Any:
    """The embedded model in the CPU form bench/generate.py measured fastest with fp32's answers (to bf16 rounding)."""
    if settings.embedded_dtype != "float32":
        from transformers import AttentionInterface
        from transformers.masking_utils import AttentionMaskInterface, sdpa_mask

        if settings.embedded_quantised_decode:  # before the cast: the 4-bit grid is exact only in fp32
            for name, module in list(model.named_modules()):
                if type(module) is torch.nn.Linear:
                    model.set_submodule(name, PackedDecodeLinear(module))
        model = model.to(getattr(torch, settings.embedded_dtype))
        AttentionInterface.register("sdpa_fp32", _sdpa_in_fp32)
        AttentionMaskInterface.register("sdpa_fp32", sdpa_mask)
        model.set_attn_implementation("sdpa_fp32")
    if settings.embedded_decode_threads:
        model.register_forward_pre_hook(_threads_per_step(settings), with_kwargs=True)
    return model


def _threads_per_step(settings: GenerationSettings) -> Callable[..., None]:
    """Forward hook: the prompt runs on all threads, one-token steps on `embedded_decode_threads`.

    A decode step of a 135M model is ~250 small matmuls; splitting each across cores costs more in
    synchronisation than it saves (bench: 31 tokens/s on 2 threads, 57 on 1, streaming on 2 cores).
    torch's thread count is process-wide, so it is set again before every forward pass.
    """
    prompt_threads = settings.cpu_threads or torch.get_num_threads()

    def hook(module: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        ids = kwargs.get("input_ids", args[0] if args else None)
        one_token = ids is not None and ids.shape[-1] == 1
        torch.set_num_threads(settings.embedded_decode_threads if one_token else prompt_threads)

    return hook


def embedded(settings: GenerationSettings) -> Generator:
    """SmolLM2-135M-Instruct from the bundled (or configured) GGUF file, on the CPU."""
    gguf = Path(settings.embedded_gguf) if settings.embedded_gguf else bundled_gguf()
    model, tokenizer = load_causal_lm(gguf.parent, gguf_file=gguf.name)
    model, name, warning = _with_adapter(model, f"embedded:{gguf.name}", settings.adapter)
    if hasattr(model, "merge_and_unload"):
        model = model.merge_and_unload()  # LoRA folded into the weights: no extra matmuls per token
    return LocalGenerator(speed_up(model, settings), tokenizer, name, settings, warning)


def falcon(settings: GenerationSettings) -> Generator:
    """A Falcon (hub id or local path), 4-bit NF4 through bitsandbytes unless disabled, with an optional adapter."""
    quantization = quantization_config(settings)
    device_map = "auto" if torch.cuda.is_available() else "cpu"
    model, tokenizer = load_causal_lm(settings.falcon_model, quantization=quantization, device_map=device_map,
                                      dtype=getattr(torch, settings.falcon_dtype))
    label = f"falcon:{settings.falcon_model}" + (f"[{settings.bnb_4bit_quant_type}]" if quantization else "")
    model, name, warning = _with_adapter(model, label, settings.adapter)
    return LocalGenerator(model, tokenizer, name, settings, warning)


class OpenAIGenerator:
    """Any OpenAI-compatible chat server (vLLM, TGI, llama.cpp server); adapters are the server's business."""

    def __init__(self, settings: GenerationSettings):
        from openai import OpenAI

        self.settings = settings
        self.name = f"openai:{settings.openai_model}@{settings.openai_base_url}"
        self.warning = None
        if settings.adapter is not None:
            self.warning = (f"adapter {settings.adapter} ignored: an OpenAI-compatible server loads adapters "
                            f"itself; name the served adapter in openai_model")
            log.warning(self.warning)
        self.client = OpenAI(base_url=settings.openai_base_url, api_key=settings.openai_api_key,
                             timeout=settings.openai_timeout_s, max_retries=settings.openai_max_retries)

    def stream(self, messages: list[dict[str, str]], max_new_tokens: int | None = None) -> Iterator[str]:
        """Stream a chat completion; connection and server errors become GeneratorError naming the URL."""
        import openai

        url = self.settings.openai_base_url
        try:
            chunks = self.client.chat.completions.create(
                model=self.settings.openai_model, messages=messages, stream=True,
                max_tokens=max_new_tokens or self.settings.max_new_tokens, temperature=self.settings.temperature)
            with chunks:
                for chunk in chunks:
                    if chunk.choices and chunk.choices[0].delta.content:
                        yield chunk.choices[0].delta.content
        except openai.APIConnectionError as err:
            raise GeneratorError(f"cannot reach the OpenAI-compatible server at {url}: {err}") from err
        except openai.APIStatusError as err:
            raise GeneratorError(f"the server at {url} answered {err.status_code}: {err.message}") from err


BACKENDS: dict[str, Callable[[GenerationSettings], Generator]] = {
    "embedded": embedded,
    "falcon": falcon,
    "openai": OpenAIGenerator,
}


def make_generator(settings: GenerationSettings) -> Generator:
    """The generator `settings.backend` names; a refused adapter is logged and left in `generator.warning`."""
    try:
        factory = BACKENDS[settings.backend]
    except KeyError:
        known = ", ".join(BACKENDS)
        raise GeneratorError(f"unknown generator backend {settings.backend!r}; choose from {known}") from None
    return factory(settings)
