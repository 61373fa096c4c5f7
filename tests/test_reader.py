"""The learned reader: its synthetic training pairs, a real (tiny) training run, and how it reranks evidence and
backs an "I don't know". Its quality is measured in bench/eval_rag.py, not here."""

from __future__ import annotations

import json

import numpy as np
import pytest

from chatbot.abstain import Abstainer
from chatbot.evidence import LineVectors, pick_evidence
from chatbot.retriever import Hit
from finetune.reader_data import make_pairs
from vectorstore.store import Chunk


def test_pairs_have_one_answer_per_question_and_hard_negatives_from_the_same_section():
    pairs = make_pairs(n_institutions=30, seed=1)
    assert pairs == make_pairs(n_institutions=30, seed=1)  # reproducible
    by_question: dict[str, list] = {}
    for p in pairs:
        by_question.setdefault(p.question, []).append(p)
    answered = [ps for ps in by_question.values() if any(p.label for p in ps)]
    near_misses = [ps for ps in by_question.values() if not any(p.label for p in ps)]
    assert len(answered) > 100 and len(near_misses) > 10
    for ps in answered[:50]:
        positive = next(p for p in ps if p.label)
        section = positive.record.split(": ", 1)[0].split(" > ")[-1]
        negatives = [p for p in ps if not p.label]
        # negatives come from the same table or list: the rows a lexical reader confuses
        assert negatives and all(n.record.split(": ", 1)[0].endswith(section) for n in negatives)
        assert all(n.record != positive.record for n in negatives)


@pytest.fixture(scope="module")
def tiny_reader(tmp_path_factory):
    from finetune.train_reader import train_reader

    out = tmp_path_factory.mktemp("reader")
    report = train_reader(out, n_institutions=2, negatives=2, batch_size=16, log_every=1)
    return out, report


def test_a_trained_reader_is_saved_small_and_loads(tiny_reader):
    from chatbot.reader import Reader

    out, report = tiny_reader
    assert report["steps"] >= 1 and report["pairs"] > 16
    assert json.loads((out / "reader.json").read_text())["base"].startswith("all-MiniLM-L6-v2")
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    assert size < 50 * 2**20  # fp16: small enough to commit or ship
    scores = Reader(out).scores("What is the wire fee?", ["Fees > Wires: Outgoing wire: $25", "Fees: Notary: $5"])
    assert scores.shape == (2,) and np.all((scores >= 0) & (scores <= 1))


def test_a_missing_reader_is_a_clear_error(tmp_path):
    from chatbot.reader import Reader, ReaderError

    with pytest.raises(ReaderError, match="finchat finetune reader"):
        Reader(tmp_path / "nowhere")


class FakeReader:
    """FAKE reader with fixed preferences: a trained one's scores cannot be dictated, and these tests check only
    how its probabilities move the evidence and the abstention."""

    def __init__(self, favourite: str, p: float = 0.9):
        self.favourite, self.p = favourite, p

    def scores(self, question, records):
        return np.array([self.p if self.favourite in r else 0.05 for r in records])


TEXT = "Fees > Wires\nIncoming domestic wire: $15.00\nOutgoing domestic wire: $28.00\nOutgoing international wire: $47.00"


def _hit():
    return Hit(Chunk(text=TEXT, file="fees.pdf", chunk_index=0, file_hash="f" * 64, ingested_at="", page=3), 1.0)


def test_the_reader_reranks_the_candidates(embedder):
    lines = LineVectors(lambda texts: embedder.encode(texts, normalize_embeddings=True))
    question = "How much to send a wire?"
    plain = pick_evidence(question, [_hit()], lines)[0]
    favourite = next(t for t in ("Outgoing international wire", "Incoming domestic wire") if t not in plain.text)
    reranked = pick_evidence(question, [_hit()], lines, reader=FakeReader(favourite), reader_weight=0.8)
    assert reranked[0].text.startswith(favourite) and reranked[0].reader == pytest.approx(0.9)
    assert plain.reader is None


def test_a_low_reader_probability_abstains_when_the_rule_is_on(embedder):
    from finchat.settings import AssistantSettings

    lines = LineVectors(lambda texts: embedder.encode(texts, normalize_embeddings=True))
    hit = _hit()
    evidence = pick_evidence("How much is an outgoing domestic wire?", [hit], lines,
                             reader=FakeReader("nothing matches", p=0.0), reader_weight=0.1)
    settings = AssistantSettings(reader_threshold=0.3)
    assert "no record answers" in Abstainer(settings).why_not("How much is an outgoing domestic wire?", evidence, [hit])
    off = AssistantSettings(reader_threshold=0.3, abstain_rules=["score", "kind"])
    assert Abstainer(off).why_not("How much is an outgoing domestic wire?", evidence, [hit]) == ""


def test_the_cli_trains_a_reader(tmp_path):
    from typer.testing import CliRunner

    from finchat.cli import app

    result = CliRunner().invoke(app, ["finetune", "reader", "--out", str(tmp_path / "r"), "--institutions", "1"])
    assert result.exit_code == 0, result.output
    assert "held-out pair accuracy" in result.output and "FINCHAT_ASSISTANT__READER=" in result.output
    assert (tmp_path / "r" / "model.safetensors").exists()
