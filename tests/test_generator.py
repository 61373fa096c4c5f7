"""Generator backends with real parts: the bundled SmolLM2 GGUF, tiny random Falcons with real LoRA adapters and
real bitsandbytes 4-bit layers, and a real llama.cpp OpenAI-compatible server."""

from __future__ import annotations

import copy
import sys
from collections import Counter

import pytest
import torch

from chatbot.generator import GeneratorError, PackedDecodeLinear, make_generator, quantization_config
from chatbot.models import attach_adapter, bundled_gguf, count_4bit_layers, load_causal_lm, load_tokenizer
from tests.conftest import assert_paper_4bit, free_port, local_server
from finchat.settings import GenerationSettings

FALCON_TARGETS = ["query_key_value", "dense", "dense_h_to_4h", "dense_4h_to_h"]
FALCON_LAYERS = 2
CHAT = [
    {"role": "system", "content": "You answer bank customers from the context only, in one sentence."},
    {"role": "user", "content": "Context: The Everyday Checking monthly fee is $12, waived with a $1,500 balance."
                                "\n\nQuestion: What is the monthly fee of Everyday Checking?"},
]


def answer(generator, max_new_tokens: int = 12) -> str:
    return "".join(generator.stream(CHAT, max_new_tokens=max_new_tokens))


def random_lora(model, path, targets, std=0.5, **lora):
    """Save a LoRA adapter for `model` whose B weights are random, so that it really changes the output."""
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(r=32, lora_alpha=32, lora_dropout=0.05, target_modules=targets, task_type="CAUSAL_LM",
                        **lora)
    peft_model = get_peft_model(model, config)
    torch.manual_seed(1)
    for name, param in peft_model.named_parameters():
        if "lora_B" in name:  # LoRA starts as a no-op: B is zero
            torch.nn.init.normal_(param, std=std)
    peft_model.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def embedded():
    """The default backend, loaded once for this module."""
    return make_generator(GenerationSettings())


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """Two tiny random Falcons (hidden 64 and 128) with the SmolLM2 tokenizer, and a LoRA adapter for the first."""
    from transformers import FalconConfig, FalconForCausalLM

    root = tmp_path_factory.mktemp("tiny-falcon")
    gguf = bundled_gguf()
    tokenizer = load_tokenizer(gguf.parent, gguf.name)
    paths, models = {}, {}
    for name, hidden in [("falcon", 64), ("falcon-wide", 128)]:
        config = FalconConfig(vocab_size=len(tokenizer), hidden_size=hidden, num_hidden_layers=FALCON_LAYERS,
                              num_attention_heads=4, bos_token_id=tokenizer.bos_token_id,
                              eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
        torch.manual_seed(0)
        models[name] = FalconForCausalLM(config)
        models[name].save_pretrained(root / name)
        tokenizer.save_pretrained(root / name)
        paths[name] = root / name
    paths["adapter"] = random_lora(models["falcon"], root / "adapter", FALCON_TARGETS)
    return paths


def falcon(path, **overrides) -> GenerationSettings:
    return GenerationSettings(backend="falcon", falcon_model=str(path), **{"load_in_4bit": False, **overrides})


# embedded


def test_embedded_streams_a_deterministic_answer(embedded):
    pieces = list(embedded.stream(CHAT, max_new_tokens=16))
    assert len(pieces) > 1, "the answer should arrive in pieces"
    text = "".join(pieces)
    assert text.strip()
    assert "fee" in text.lower()
    assert answer(embedded, 16) == text
    assert embedded.name == "embedded:SmolLM2-135M-Instruct.Q4_1.gguf"
    assert embedded.warning is None


def test_embedded_decodes_with_exact_int4_copies_of_the_gguf_weights(embedded):
    packed = Counter(m.bits for m in embedded.model.modules() if isinstance(m, PackedDecodeLinear))
    assert packed == {4: 7 * embedded.model.config.num_hidden_layers, 8: 1}  # the Q8_0 lm_head stays int8


def test_closing_the_stream_frees_the_model(embedded):
    stream = embedded.stream(CHAT, max_new_tokens=200)
    next(stream)
    stream.close()
    assert embedded._lock.acquire(timeout=10), "generation went on after the reader closed the stream"
    embedded._lock.release()
    assert answer(embedded, 4)


def test_embedded_serves_a_lora_adapter(embedded, tmp_path):
    from transformers import AutoModelForCausalLM

    # An adapter on the first decoder layer only needs a one-layer model of the same shapes to be made.
    config = copy.deepcopy(embedded.model.config)
    config.num_hidden_layers = 1
    adapter = random_lora(AutoModelForCausalLM.from_config(config), tmp_path / "adapter", ["q_proj", "v_proj"],
                          layers_to_transform=[0])
    tuned = make_generator(GenerationSettings(adapter=adapter))
    assert tuned.name == f"{embedded.name}+adapter:{adapter}"
    assert tuned.warning is None
    assert answer(tuned) != answer(embedded)
    merged = [m for name, m in tuned.model.named_modules() if name.endswith(("layers.0.self_attn.q_proj", "v_proj"))]
    assert merged[0].bits == 8, "LoRA-merged weights are off the 4-bit grid: int8, not int4"
    assert merged[-1].bits == 4, "layers the adapter leaves alone keep exact int4"


# falcon


def test_quantization_config_is_qlora_nf4():
    config = quantization_config(GenerationSettings())
    assert_paper_4bit(config)
    assert quantization_config(GenerationSettings(load_in_4bit=False)) is None


def test_falcon_adapter_changes_the_answer(tiny):
    base = make_generator(falcon(tiny["falcon"]))
    tuned = make_generator(falcon(tiny["falcon"], adapter=tiny["adapter"]))
    assert tuned.name == f"{base.name}+adapter:{tiny['adapter']}"
    assert tuned.warning is None
    assert answer(base) and answer(tuned)
    assert answer(base) != answer(tuned)


def test_falcon_4bit_load_really_quantises(tiny):
    from transformers.models.falcon import modeling_falcon

    generator = make_generator(falcon(tiny["falcon"], load_in_4bit=True, adapter=tiny["adapter"]))
    assert count_4bit_layers(generator.model) == len(FALCON_TARGETS) * FALCON_LAYERS
    assert generator.warning is None
    ids = generator.tokenizer("The monthly fee is", return_tensors="pt")
    out = generator.model.generate(**ids, max_new_tokens=5, min_new_tokens=5, do_sample=False)
    assert out.shape[1] == ids.input_ids.shape[1] + 5
    assert answer(generator)
    assert modeling_falcon.FalconLinear is not torch.nn.Linear, "the load must restore FalconLinear"


def test_transformers_alone_still_skips_falconlinear(tiny):
    """Why chatbot.models.plain_linear_layers exists; once this fails, transformers quantises Falcon itself."""
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(tiny["falcon"], device_map="cpu",
                                                 quantization_config=quantization_config(GenerationSettings()))
    assert count_4bit_layers(model) == 0


def incompatible_adapters(tiny, tmp_path):
    from transformers import LlamaConfig, LlamaForCausalLM

    (tmp_path / "empty").mkdir()
    llama = LlamaForCausalLM(LlamaConfig(vocab_size=64, hidden_size=64, intermediate_size=128, num_hidden_layers=1,
                                         num_attention_heads=4))
    return {
        "adapter_config.json is missing": tmp_path / "empty",
        "has no q_proj, v_proj layers": random_lora(llama, tmp_path / "llama-lora", ["q_proj", "v_proj"]),
        "size mismatch": tiny["adapter"],  # trained on the 64-wide Falcon, served on the 128-wide one
    }


@pytest.mark.parametrize("in_4bit", [False, True])
def test_incompatible_adapter_is_refused_and_the_base_keeps_serving(tiny, tmp_path, in_4bit):
    base = make_generator(falcon(tiny["falcon-wide"], load_in_4bit=in_4bit))
    for reason, adapter in incompatible_adapters(tiny, tmp_path).items():
        generator = make_generator(falcon(tiny["falcon-wide"], load_in_4bit=in_4bit, adapter=adapter))
        assert reason in generator.warning and str(adapter) in generator.warning
        assert generator.name == base.name
        assert answer(generator) == answer(base)
        model, _ = load_causal_lm(tiny["falcon-wide"])
        with pytest.raises(GeneratorError, match=reason):
            attach_adapter(model, adapter)


# openai-compatible server


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    """A real llama.cpp OpenAI-compatible server on the bundled GGUF; yields its /v1 URL."""
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_gguf()),
               "--model_alias", "finchat", "--host", "127.0.0.1", "--port", str(port)]
    with local_server("llama.cpp server", command, f"{url}/models", tmp_path_factory.mktemp("llama-server")):
        yield url


def test_openai_backend_streams_from_a_real_server(llama_server):
    generator = make_generator(GenerationSettings(backend="openai", openai_base_url=llama_server))
    pieces = list(generator.stream(CHAT, max_new_tokens=16))
    assert len(pieces) > 1
    assert "fee" in "".join(pieces).lower()
    assert answer(generator, 16) == "".join(pieces)
    assert generator.name == f"openai:finchat@{llama_server}"


def test_openai_backend_names_an_unreachable_server():
    url = f"http://127.0.0.1:{free_port()}/v1"
    generator = make_generator(GenerationSettings(backend="openai", openai_base_url=url, openai_max_retries=0))
    with pytest.raises(GeneratorError, match=f"cannot reach .* at {url}"):
        answer(generator)


# CUDA


@pytest.mark.gpu
@pytest.mark.parametrize("in_4bit", [False, True])
def test_falcon_on_cuda(tiny, in_4bit):
    generator = make_generator(falcon(tiny["falcon"], load_in_4bit=in_4bit, adapter=tiny["adapter"]))
    assert generator.model.device.type == "cuda"
    assert count_4bit_layers(generator.model) == (len(FALCON_TARGETS) * FALCON_LAYERS if in_4bit else 0)
    assert generator.warning is None
    assert answer(generator)
