"""RAFT examples for the generator (finetune/raft_data.py): made by code, in the assistant's own prompt."""

from __future__ import annotations

import json
import re

import pytest

from chatbot import prompts
from chatbot.evidence import figures
from finetune.dataset import DatasetError, QAPair, read_pairs, write_jsonl
from finetune.raft_data import make_examples

_NUMBERED = re.compile(r'^\[(\d+)\] "(.*)"$', re.M)


@pytest.fixture(scope="module")
def examples():
    return make_examples(60, seed=3)


def test_examples_are_reproducible_and_mix_answers_with_refusals(examples):
    assert examples == make_examples(60, seed=3)
    refusals = [e for e in examples if e["answer"].startswith("I'm sorry")]
    assert 0.15 < len(refusals) / len(examples) < 0.4
    assert all(e["system"].startswith(prompts.SYSTEM_PROMPT.split("{")[0]) for e in examples)


def test_an_answer_cites_a_record_of_its_context_and_states_only_that_records_figure(examples):
    answered = [e for e in examples if not e["answer"].startswith("I'm sorry")]
    assert answered
    for e in answered:
        records = dict((int(n), text) for n, text in _NUMBERED.findall(e["context"]))
        assert len(set(records.values())) == len(records)  # no record twice
        cited = re.match(r"\[(\d+)\] (.+)", e["answer"])
        assert cited and int(cited[1]) in records
        stated = {canon for _, _, canon in figures(cited[2])}
        assert stated <= {canon for _, _, canon in figures(records[int(cited[1])])}
        assert "|" not in cited[2] and "\u203a" not in cited[2]  # a plain sentence, not the table row


def test_a_refusal_carries_the_institutions_contact_route(examples):
    for e in examples:
        if e["answer"].startswith("I'm sorry"):
            contact = re.search(r"the customer can (.+)\.$", e["system"])[1]
            assert e["answer"] == prompts.IDK.format(contact=contact)


def test_examples_round_trip_through_the_training_reader(examples, tmp_path):
    pairs = read_pairs(write_jsonl([QAPair(**e) for e in examples[:20]], tmp_path / "raft.jsonl"))
    assert len(pairs) == 20 and all(p.system and p.context for p in pairs)
    assert pairs[0] == QAPair(" ".join(examples[0]["question"].split()), examples[0]["answer"],
                              examples[0]["system"], examples[0]["context"])


def test_a_context_that_is_not_text_is_reported_with_its_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"question": "q?", "answer": "a"}) + "\n"
                    + json.dumps({"question": "q2?", "answer": "a", "context": 5}) + "\n")
    with pytest.raises(DatasetError, match=r"bad.jsonl:2: .*must be strings"):
        read_pairs(path)


def test_the_training_prompt_is_the_served_one(examples):
    """prompt_completion lays a RAFT pair out as chatbot.assistant sends it: system prompt, then the numbered
    context and the question in prompts.USER_PROMPT."""
    from chatbot.models import bundled_gguf, load_tokenizer
    from finetune.base_model import prompt_completion

    gguf = bundled_gguf()
    tokenizer = load_tokenizer(gguf.parent, gguf_file=gguf.name)
    e = examples[0]
    example = prompt_completion(QAPair(e["question"], e["answer"], e["system"], e["context"]), tokenizer)
    messages = [{"role": "system", "content": e["system"]},
                {"role": "user", "content": prompts.USER_PROMPT.format(context=e["context"], question=e["question"])}]
    assert example["prompt"] == tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    assert example["completion"].strip() == e["answer"]


def test_answer_accuracy_wants_the_cited_record_and_its_figures_or_the_refusal():
    from finetune.evaluate import answer_accuracy

    idk = prompts.IDK.format(contact="call us at (555) 201-0000")
    pairs = [QAPair("q1", "[2] For Basic Checking, the monthly fee is $5.00.", context="[1] ..."),
             QAPair("q2", idk, context="[1] ..."), QAPair("q3", "[1] The APY is 2.5%.", context="[1] ..."),
             QAPair("no context", "Anything.")]
    predictions = ["[2] The monthly fee for Basic Checking is $5.00.", "[1] The fee is $7.", "[1] The APY is 3%.",
                   "ignored"]
    assert answer_accuracy(predictions, pairs) == pytest.approx(1 / 3)
    assert answer_accuracy(["[2] Basic Checking costs $5.00 a month.", "I'm sorry, I don't know.",
                            "[1] The APY is 2.5% a year."], pairs[:3]) == 1.0
    assert answer_accuracy(["x"], pairs[3:]) is None


def test_the_command_writes_examples_the_trainer_reads(tmp_path):
    from typer.testing import CliRunner

    from finchat.cli import app

    out = tmp_path / "raft.jsonl"
    result = CliRunner().invoke(app, ["finetune", "raft-data", "--out", str(out), "--institutions", "5"])
    assert result.exit_code == 0, result.output
    pairs = read_pairs(out)
    assert f"{len(pairs)} examples" in result.output and all(p.context for p in pairs)
