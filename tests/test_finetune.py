"""Fine-tuning with real parts: tiny random Falcons from FalconConfig (as in test_generator), real PEFT/TRL training,
real bitsandbytes 4-bit layers on the CPU, the bundled SmolLM2 for the end-to-end CLI run, and the team's data."""

from __future__ import annotations

import csv
import json
import logging
import os
import subprocess
import sys
import warnings
from contextlib import contextmanager, nullcontext

import pytest
import torch
from typer.testing import CliRunner

from chatbot.generator import make_generator
from chatbot.models import count_4bit_layers, load_causal_lm, quantization_config
from finetune.base_model import load_base, prepare_for_training
from finetune.config import (DATA_DIR, FALCON_TARGETS, LLAMA_TARGETS, DataArguments, ModelArguments, TrainArguments,
                             lora_config, optimizer_name, parse_arguments)
from finetune.dataset import DatasetError, QAPair, read_pairs, split_pairs, write_jsonl
from finetune.publish import PublishError, publish
from finetune.train import main as train
from finetune.train import make_trainer
from tests.conftest import LOCAL_HOSTS, ROOT, assert_paper_4bit, free_port
from tests.test_generator import CHAT, FALCON_LAYERS, answer, falcon, tiny  # noqa: F401 (tiny is a fixture)

PAIRS = [QAPair("What is APY?", "APY is the yearly yield of a deposit including compound interest."),
         QAPair("What is ACH?", "ACH is the US network for electronic batch payments between banks."),
         QAPair("What is escrow?", "Escrow is money held by a neutral third party until conditions are met."),
         QAPair("Should I buy shares now?", "I cannot give personal investment advice; please ask an adviser."),
         QAPair("What is a wire?", "A wire moves money from bank to bank, usually the same day.")]


def lora_names(model) -> set[str]:
    from peft.tuners.lora import LoraLayer

    return {name.rsplit(".", 1)[-1] for name, m in model.named_modules() if isinstance(m, LoraLayer)}


@pytest.fixture(scope="module")
def trained(tiny, tmp_path_factory):
    """A LoRA adapter trained for real on the tiny Falcon: 8 steps over the same 4 pairs (batch 2 x 2)."""
    root = tmp_path_factory.mktemp("trained")
    data = write_jsonl(PAIRS, root / "pairs.jsonl")
    args = (ModelArguments(base=str(tiny["falcon"]), load_in_4bit=False, lora_dropout=0.0),
            DataArguments(data=str(data), validation_fraction=0.2),
            TrainArguments(output_dir=str(root / "adapter"), learning_rate=1e-2, max_steps=8, warmup_ratio=0.0,
                           logging_steps=1, save_steps=100, bf16=False))
    return train(*args, progress=False)


# LoRA placement and the training loop


def test_lora_attaches_exactly_to_the_four_falcon_layer_types(tiny):
    from peft import get_peft_model

    model, _ = load_causal_lm(tiny["falcon"])
    peft_model = get_peft_model(model, lora_config(ModelArguments(), model.config.model_type))
    assert lora_names(peft_model) == set(FALCON_TARGETS)
    assert sum(1 for n, _ in peft_model.named_modules() if n.endswith(".lora_A")) == 4 * FALCON_LAYERS
    config = peft_model.peft_config["default"]
    assert (config.r, config.lora_alpha, config.lora_dropout, config.bias) == (32, 32, 0.05, "none")


def test_llama_style_models_get_attention_and_mlp_projections():
    from peft import get_peft_model
    from transformers import LlamaConfig, LlamaForCausalLM

    llama = LlamaForCausalLM(LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                                         num_attention_heads=4))
    assert lora_names(get_peft_model(llama, lora_config(ModelArguments(), "llama"))) == set(LLAMA_TARGETS)
    with pytest.raises(ValueError, match="--target-modules"):
        lora_config(ModelArguments(), "unknown-arch")


def test_training_lowers_the_loss_and_changes_only_adapter_weights(trained, tiny):
    with open(trained.output_dir / "metrics.csv", encoding="utf-8") as f:
        losses = [float(r["loss"]) for r in csv.DictReader(f)]
    assert len(losses) == 8
    assert losses[-1] < losses[0] - 0.5, losses  # random init: about ln(vocab) = 10.8 at the start
    base, _ = load_causal_lm(tiny["falcon"])
    base_weights = dict(base.named_parameters())
    changed, adapter_params = [], 0
    for name, param in trained.model.named_parameters():
        if "lora_" in name:
            adapter_params += 1
            if "lora_B" in name:
                assert param.abs().sum() > 0, f"{name} never moved from its zero initialisation"
            continue
        key = name.removeprefix("base_model.model.").replace(".base_layer", "")
        if not torch.equal(param.detach(), base_weights[key]):
            changed.append(name)
    assert adapter_params == 2 * 4 * FALCON_LAYERS
    assert changed == [], f"base weights changed: {changed}"


def test_packing_puts_several_pairs_in_a_row_and_keeps_each_pair_to_itself(tiny, tmp_path):
    """Packed rows: the answer tokens alone carry labels, and a pair's logits are those it gets when run alone."""
    model, tokenizer = load_causal_lm(tiny["falcon"])
    trainer = make_trainer(model, tokenizer, PAIRS, ModelArguments(load_in_4bit=False), DataArguments(packing=True),
                           TrainArguments(output_dir=str(tmp_path), bf16=False))
    batch = next(iter(trainer.get_train_dataloader()))
    ids, labels, positions = batch["input_ids"][0], batch["labels"][0], batch["position_ids"][0]
    starts = (positions == 0).nonzero().flatten().tolist()
    assert len(starts) == len(PAIRS), "all five short pairs should share one packed row"
    model = trainer.model.eval()
    with torch.no_grad():
        packed = model(input_ids=ids[None], position_ids=positions[None]).logits[0]
        answers = set()
        for start, end in zip(starts, [*starts[1:], len(ids)]):
            answers.add(tokenizer.decode(ids[start:end][labels[start:end] != -100], skip_special_tokens=True).strip())
            alone = model(input_ids=ids[None, start:end]).logits[0]
            torch.testing.assert_close(packed[start:end], alone, atol=1e-4, rtol=1e-4)
    assert answers == {p.answer for p in PAIRS}


def test_saved_adapter_reloads_to_identical_logits(trained, tiny):
    from peft import PeftModel

    ids = torch.tensor([[1, 20, 300, 4000, 5]])
    trained.model.eval()
    with torch.inference_mode():
        expected = trained.model(input_ids=ids).logits
        base, _ = load_causal_lm(tiny["falcon"])
        reloaded = PeftModel.from_pretrained(base, str(trained.output_dir)).eval()
        assert torch.equal(reloaded(input_ids=ids).logits, expected)
    saved = json.loads((trained.output_dir / "train_args.json").read_text())
    assert saved["model"]["lora_r"] == 32 and saved["train"]["max_steps"] == 8
    assert saved["run"]["steps"] == 8 and saved["run"]["train_pairs"] == 4


def test_falcon_backend_answers_differently_with_the_trained_adapter(trained, tiny):
    base = make_generator(falcon(tiny["falcon"]))
    tuned = make_generator(falcon(tiny["falcon"], adapter=trained.output_dir))
    assert tuned.warning is None
    assert tuned.name == f"{base.name}+adapter:{trained.output_dir}"
    assert answer(tuned) != answer(base)


def test_adapter_without_weights_is_refused_and_the_base_keeps_serving(trained, tiny, tmp_path, caplog):
    broken = tmp_path / "no-weights"
    broken.mkdir()
    (broken / "adapter_config.json").write_text((trained.output_dir / "adapter_config.json").read_text())
    base = make_generator(falcon(tiny["falcon"]))
    for adapter, reason in [(broken, "has no weights"), (tmp_path / "missing", "does not exist")]:
        with caplog.at_level(logging.WARNING, logger="chatbot.generator"):
            generator = make_generator(falcon(tiny["falcon"], adapter=adapter))
        assert reason in generator.warning
        assert reason in caplog.text and "serving the base model" in caplog.text
        assert generator.name == base.name
        assert answer(generator) == answer(base)


def test_embedded_backend_refuses_an_adapter_trained_for_falcon_and_keeps_serving(trained, caplog):
    from finchat.settings import GenerationSettings

    with caplog.at_level(logging.WARNING, logger="chatbot.generator"):
        generator = make_generator(GenerationSettings(adapter=trained.output_dir))
    assert "has no dense, dense_4h_to_h, dense_h_to_4h, query_key_value layers" in generator.warning
    assert str(trained.output_dir) in caplog.text and "serving the base model" in caplog.text
    assert generator.name == "embedded:SmolLM2-135M-Instruct.Q4_1.gguf"
    assert "fee" in answer(generator, 16).lower()


# 4-bit (QLoRA) path


TRAINER_PINGS = """
import sys
if sys.argv[1] == "finchat":
    import finchat.cli  # noqa: F401  the entry point, imported first as `finchat finetune train` does
from huggingface_hub.utils import _telemetry
from chatbot.models import load_causal_lm
from finetune.config import DataArguments, ModelArguments, TrainArguments
from finetune.dataset import QAPair
from finetune.train import make_trainer
model, tokenizer = load_causal_lm(sys.argv[2])
make_trainer(model, tokenizer, [QAPair("What is APY?", "The yearly yield.")], ModelArguments(load_in_4bit=False),
             DataArguments(), TrainArguments(output_dir=sys.argv[3], bf16=False))
print("pinged" if _telemetry._TELEMETRY_THREAD is not None else "silent")
"""


@pytest.mark.parametrize("first, expected", [("finchat", "silent"), ("trl", "pinged")])
def test_a_training_run_reports_nothing_to_a_vendor(tiny, tmp_path, first, expected):
    """TRL's trainer pings the Hugging Face Hub's telemetry when it starts, unless HF_HUB_DISABLE_TELEMETRY was set
    before huggingface_hub was imported: `finchat` sets it. A new process without the test run's offline variables
    (the "trl" case, without `finchat`, shows the ping the test would otherwise miss; no network here: it fails)."""
    env = {k: v for k, v in os.environ.items() if k not in {"HF_HUB_OFFLINE", "HF_HUB_DISABLE_TELEMETRY", "CI",
                                                            "TRANSFORMERS_OFFLINE"}}
    run = subprocess.run([sys.executable, "-c", TRAINER_PINGS, first, str(tiny["falcon"]), str(tmp_path)], env=env,
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split()[-1] == expected


def test_4bit_config_comes_from_the_same_arguments():
    config = quantization_config(ModelArguments())
    assert_paper_4bit(config)
    other = quantization_config(ModelArguments(bnb_4bit_quant_type="fp4", bnb_4bit_use_double_quant=False,
                                               bnb_4bit_compute_dtype="float16"))
    assert (other.bnb_4bit_quant_type, other.bnb_4bit_use_double_quant, other.bnb_4bit_compute_dtype) == \
        ("fp4", False, torch.float16)
    assert quantization_config(ModelArguments(load_in_4bit=False)) is None


def test_4bit_load_really_quantises_the_falcon_before_kbit_preparation(tiny, tmp_path):
    model, _ = load_base(ModelArguments(base=str(tiny["falcon"])))
    assert count_4bit_layers(model) == len(FALCON_TARGETS) * FALCON_LAYERS  # before preparation, not after
    assert model.is_loaded_in_4bit
    prepared = prepare_for_training(model, ModelArguments())
    assert count_4bit_layers(prepared) == len(FALCON_TARGETS) * FALCON_LAYERS
    assert prepared.is_gradient_checkpointing
    # and QLoRA trains through those 4-bit layers (bitsandbytes 0.50 runs NF4 on the CPU)
    result = train(ModelArguments(base=str(tiny["falcon"]), lora_dropout=0.0),
                   DataArguments(data=str(write_jsonl(PAIRS, tmp_path / "pairs.jsonl")), validation_fraction=0.2),
                   TrainArguments(output_dir=str(tmp_path / "qlora"), max_steps=2, learning_rate=5e-3,
                                  warmup_ratio=0.0, save_steps=100, bf16=False), progress=False)
    assert count_4bit_layers(result.model) == len(FALCON_TARGETS) * FALCON_LAYERS
    assert lora_names(result.model) == set(FALCON_TARGETS)
    assert json.loads((tmp_path / "qlora" / "train_args.json").read_text())["run"]["quantised"] is True


def test_paged_optimizer_falls_back_on_the_cpu_and_says_so(caplog):
    with caplog.at_level(logging.WARNING):
        assert optimizer_name("paged_adamw_32bit", cuda=False) == "adamw_torch"
    assert "needs CUDA" in caplog.text
    assert optimizer_name("paged_adamw_32bit", cuda=True) == "paged_adamw_32bit"
    assert optimizer_name("adamw_torch", cuda=False) == "adamw_torch"


# arguments


def test_paper_defaults_and_overrides_from_file_and_flags(tmp_path):
    model, data, train_args = parse_arguments([])
    assert (train_args.per_device_train_batch_size, train_args.gradient_accumulation_steps, train_args.optim,
            train_args.learning_rate, train_args.max_grad_norm, train_args.max_steps, train_args.warmup_ratio,
            train_args.lr_scheduler_type, train_args.save_steps, train_args.logging_steps) == \
        (2, 2, "paged_adamw_32bit", 2e-4, 0.3, 60, 0.03, "cosine", 10, 10)
    assert (model.lora_r, model.lora_alpha, model.lora_dropout, model.lora_bias) == (32, 32, 0.05, "none")
    (tmp_path / "run.toml").write_text('[train]\nmax_steps = 20\nlearning_rate = 1e-4\n[model]\nlora_r = 8\n')
    (tmp_path / "run.yaml").write_text("max_steps: 30\nbase: falcon-7b\n")
    model, _, train_args = parse_arguments(["--config", str(tmp_path / "run.toml"), "--max-steps", "5"])
    assert (train_args.max_steps, train_args.learning_rate, model.lora_r) == (5, 1e-4, 8)  # the flag wins
    model, _, train_args = parse_arguments(["--config", str(tmp_path / "run.yaml")])
    assert (train_args.max_steps, model.base) == (30, "falcon-7b")
    (tmp_path / "bad.yaml").write_text("max_stepz: 3\n")
    with pytest.raises(ValueError, match="unknown argument.*max_stepz"):
        parse_arguments(["--config", str(tmp_path / "bad.yaml")])


# data


def test_parser_reads_qa_text_csv_jsonl_and_thumbs_up_feedback(tmp_path):
    qa = tmp_path / "qa.csv"
    qa.write_text('QA_text\n"##Question: What is APR?\n## Answer: The yearly cost of credit."\n'
                  "##Question: What is APY? ## Answer: The yearly yield.\n", encoding="utf-8")
    assert read_pairs(qa) == [QAPair("What is APR?", "The yearly cost of credit."),
                              QAPair("What is APY?", "The yearly yield.")]
    jsonl = write_jsonl(PAIRS, tmp_path / "pairs.jsonl")
    assert read_pairs(jsonl) == PAIRS
    feedback = tmp_path / "feedback.csv"
    with feedback.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "time", "rating", "question", "answer", "sources", "comment", "model"])
        w.writerow([1, "2026-11-24T10:00:00", 1, "What does a replacement card cost?",
                    "A replacement debit card costs $5 [1].", "fees.pdf p.2", "", "embedded"])
        w.writerow([2, "2026-11-24T10:01:00", -1, "What is the wire fee?", "It is $99 [1].", "", "wrong", "embedded"])
    assert read_pairs(feedback) == [QAPair("What does a replacement card cost?",
                                           "A replacement debit card costs $5.")]


def test_malformed_lines_are_rejected_with_their_line_numbers(tmp_path):
    qa = tmp_path / "qa.csv"
    qa.write_text('QA_text\n##Question: Good? ## Answer: Yes.\n"##Question: Spans\ntwo lines ## Answer:"\n'
                  "no markers here\n\n##Question: Fine ## Answer: Also fine.\n", encoding="utf-8")
    with pytest.raises(DatasetError) as error:
        read_pairs(qa)
    message = str(error.value)
    assert "2 malformed line(s)" in message
    assert f"{qa}:3: the answer is empty" in message  # the record that starts on line 3
    assert f"{qa}:5: expected '##Question: ... ## Answer: ...'" in message
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_text('{"question": "Q?", "answer": "A."}\n{"question": "Q2?"}\nnot json\n', encoding="utf-8")
    with pytest.raises(DatasetError, match=r"bad.jsonl:2: expected an object(.|\n)*bad.jsonl:3: not JSON"):
        read_pairs(jsonl)
    other = tmp_path / "other.csv"
    other.write_text("q,a\nx,y\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="other.csv:1: expected a 'QA_text' column"):
        read_pairs(other)


def test_the_teams_data_and_its_fixed_split():
    pairs = read_pairs(DATA_DIR / "qa_pairs.csv")
    assert len(pairs) >= 300
    assert len({p.question.casefold() for p in pairs}) == len(pairs)
    assert len({p.answer for p in pairs}) == len(pairs)
    defaults = DataArguments()
    train_pairs, validation = split_pairs(pairs, defaults.validation_fraction, defaults.split_seed)
    assert train_pairs == read_pairs(DATA_DIR / "train.csv")
    assert validation == read_pairs(DATA_DIR / "validation.csv")
    assert split_pairs(pairs, 0.1, 7) != (train_pairs, validation)
    assert not {p.question for p in train_pairs} & {p.question for p in validation}
    assert any("cannot give" in p.answer for p in pairs), "polite refusals are part of the data"


# publish


def test_publish_writes_weights_config_and_model_card(trained, tmp_path):
    out = publish(trained.output_dir, tmp_path / "package")
    names = {p.name for p in out.iterdir()}
    assert {"adapter_model.safetensors", "adapter_config.json", "README.md", "train_args.json"} <= names
    card = (out / "README.md").read_text()
    assert f"base_model: {tiny_name(trained)}" in card
    assert "| LoRA rank r | 32 |" in card and "| learning rate | 0.01 |" in card
    assert "query_key_value" in card
    with pytest.raises(PublishError, match="not empty"):
        publish(trained.output_dir, out)


def tiny_name(trained) -> str:
    return json.loads((trained.output_dir / "train_args.json").read_text())["base_model"]


def test_a_failing_push_leaves_nothing_half_written(trained, tmp_path, monkeypatch):
    out = tmp_path / "dist" / "package"
    with pytest.raises(PublishError, match="offline mode is on"):
        publish(trained.output_dir, out, push_to_hub="bank/finchat-lora")  # conftest sets HF_HUB_OFFLINE
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "no-hf-home"))
    monkeypatch.setattr("huggingface_hub.get_token", lambda: None)  # a fake: the developer may be logged in
    with pytest.raises(PublishError, match="no token"):
        publish(trained.output_dir, out, push_to_hub="bank/finchat-lora")
    monkeypatch.setenv("HF_TOKEN", "hf_not_a_real_token")
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{free_port()}")  # nothing listens there
    with pytest.raises(PublishError, match="push to the Hugging Face Hub repo bank/finchat-lora failed"):
        publish(trained.output_dir, out, push_to_hub="bank/finchat-lora")
    assert not out.exists()
    assert list((tmp_path / "dist").iterdir()) == [], "the temporary build folder was left behind"


# command line


@pytest.mark.parametrize("command", ["train", "evaluate", "publish"])
def test_each_command_help_gives_a_copy_paste_example(command):
    from finchat.cli import app

    result = CliRunner().invoke(app, ["finetune", command, "--help"])
    assert result.exit_code == 0, result.output
    assert f"finchat finetune {command} " in result.output
    assert "adapters/smollm2-finchat" in result.output


_LOOKUPS: list[str] | None = None  # host names this process looks up while a test records them
_HOOKED = False


def _record_lookups(event: str, args: tuple) -> None:
    if _LOOKUPS is not None and event == "socket.getaddrinfo" and args[0]:
        _LOOKUPS.append(args[0].decode() if isinstance(args[0], bytes) else str(args[0]))


@contextmanager
def outside_lookups():
    """The host names, but this machine's, that this process looks up inside the block (Python's audit hook: it
    cannot be removed, so it is installed once and records only inside such a block)."""
    global _LOOKUPS, _HOOKED
    if not _HOOKED:
        sys.addaudithook(_record_lookups)
        _HOOKED = True
    _LOOKUPS, found = [], []
    try:
        yield found
    finally:
        found += [host for host in _LOOKUPS if not host.startswith(LOCAL_HOSTS)]
        _LOOKUPS = None


@pytest.mark.parametrize("inside", [True, False])
def test_the_training_loop_asks_the_hub_nothing(monkeypatch, inside):
    """PEFT asks the Hub, at each adapter save, whether a base model named by a Hub id has a config.json; the
    training loop runs inside `_no_hub_lookups`, which stops it. Outside it, without offline mode, PEFT looks the
    Hub up (no network here: the look-up fails, and is seen)."""
    from peft.utils.other import check_file_exists_on_hf_hub

    from finetune.train import _no_hub_lookups

    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_OFFLINE", False)  # as a process without it imported it
    with outside_lookups() as found, (_no_hub_lookups() if inside else nullcontext()), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PEFT's "Unable to fetch remote file" when the look-up fails
        check_file_exists_on_hf_hub("HuggingFaceTB/SmolLM2-135M-Instruct", "config.json")
    assert "HF_HUB_OFFLINE" not in os.environ  # put back as it was
    assert (found == []) is inside, found


@pytest.mark.slow  # ~60 s on an idle 2-core CPU, ~160 s when the CPU is shared
def test_cli_trains_evaluates_and_publishes_the_embedded_model(tmp_path, monkeypatch):
    """train (2 steps on the bundled SmolLM2) -> evaluate (2 questions) -> publish, then serve the adapter.
    Training, without the test run's offline mode, looks up no host (PEFT asked the Hub at each save)."""
    from finchat.cli import app
    from finchat.settings import GenerationSettings

    runner, adapter = CliRunner(), tmp_path / "adapter"
    monkeypatch.delenv("HF_HUB_OFFLINE")
    with outside_lookups() as found:
        result = runner.invoke(app, ["finetune", "train", "--max-steps", "2", "--output-dir", str(adapter),
                                     "--logging-steps", "1", "--save-steps", "1", "--threads", "1"])
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert result.exit_code == 0, result.output
    assert found == []
    assert "2 steps in" in result.output
    result = runner.invoke(app, ["finetune", "evaluate", str(adapter), "--examples", "2", "--max-new-tokens", "12",
                                 "--threads", "1"])
    assert result.exit_code == 0, result.output
    report = (adapter / "eval" / "report.md").read_text()
    assert "| Validation loss (answer tokens) |" in report and "| Question | Reference | Base model |" in report
    assert (adapter / "eval" / "loss_curve.png").stat().st_size > 0
    assert (adapter / "eval" / "metrics.png").stat().st_size > 0
    result = runner.invoke(app, ["finetune", "publish", str(adapter), "--out", str(tmp_path / "package")])
    assert result.exit_code == 0, result.output
    card = (tmp_path / "package" / "README.md").read_text()
    assert "base_model: HuggingFaceTB/SmolLM2-135M-Instruct" in card and "## Evaluation" in card
    served = make_generator(GenerationSettings(adapter=adapter, cpu_threads=1))
    assert served.warning is None and served.name.endswith(f"+adapter:{adapter}")
    assert "".join(served.stream(CHAT, max_new_tokens=4))


# CUDA


@pytest.mark.gpu
def test_qlora_trains_on_cuda_with_the_paged_optimizer(tiny, tmp_path):
    result = train(ModelArguments(base=str(tiny["falcon"])),
                   DataArguments(data=str(write_jsonl(PAIRS, tmp_path / "pairs.jsonl")), validation_fraction=0.2),
                   TrainArguments(output_dir=str(tmp_path / "qlora"), max_steps=2, save_steps=100), progress=False)
    assert next(result.model.parameters()).device.type == "cuda"
    assert count_4bit_layers(result.model) == len(FALCON_TARGETS) * FALCON_LAYERS
    assert json.loads((tmp_path / "qlora" / "train_args.json").read_text())["train"]["optim"] == "paged_adamw_32bit"


def test_evaluation_metrics_score_the_answer_not_the_echoed_question():
    from finetune.evaluate import key_term_accuracy, key_terms, rouge_l

    references = ["A PIN, personal identification number, is a secret code used with your card at ATMs.",
                  "ACH is the US network for electronic batch payments between banks."]
    terms = key_terms(references, ["What is a PIN?", "What is ACH?"])
    assert all("pin" not in t for t in terms[0]) and all("ach" not in t for t in terms[1])
    assert key_term_accuracy(references, terms) == 1.0
    assert key_term_accuracy(["A PIN is a PIN.", "ACH is ACH."], terms) == 0.0
    assert rouge_l(references, references) == pytest.approx(1.0)
    assert rouge_l(["Bananas are yellow."], references[:1]) == 0.0
