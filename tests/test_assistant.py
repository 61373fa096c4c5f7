"""Answers customers can trust, on the real samples store with the real embedding model.

Most tests answer with the quoted evidence only (no generator), which is what the guard falls back to; the
generator's own path is covered with a named fake (to provoke the guard) and, once, with the real model.
"""

from __future__ import annotations

import json
import re
import threading
import time

import pytest

from chatbot.assistant import Assistant
from chatbot.retriever import Retriever
from tests.conftest import SAMPLES


class FakeGenerator:
    """FAKE generator that streams a fixed text: the only way to make a model state a given wrong figure."""

    def __init__(self, text: str):
        self.text = text
        self.name = "fake"
        self.closed = False

    def stream(self, messages, max_new_tokens=None):
        self.messages = messages
        try:
            for word in re.findall(r"\S+\s*", self.text):
                yield word
        finally:
            self.closed = True


@pytest.fixture(scope="module")
def sample_settings(tmp_path_factory):
    from finchat.settings import load_settings

    return load_settings(data_dir=tmp_path_factory.mktemp("assistant") / "data")


@pytest.fixture(scope="module")
def sample_store(sample_settings, embedder, redactor):
    from ingest.pipeline import Ingestor
    from vectorstore.store import ChunkStore

    store = ChunkStore(sample_settings, embedder=embedder)
    results = Ingestor.from_settings(sample_settings, store).ingest([SAMPLES])
    assert all(r.ok for r in results)
    return store


@pytest.fixture(scope="module")
def quoting(sample_settings, sample_store, redactor):
    return Assistant(sample_settings, Retriever(sample_store, sample_settings.retrieval), None, redactor)


def with_generator(base: Assistant, generator) -> Assistant:
    return Assistant(base.settings, base.retriever, generator, base.redactor)


def test_fee_question_gets_the_figure_the_page_and_the_date(quoting):
    answer = quoting.ask("How much does a replacement debit card cost?")
    assert not answer.abstained and "$8.00" in answer.text
    assert (answer.citations[0].file, answer.citations[0].page) == ("fee_schedule.pdf", 2)
    assert "as of June 15, 2025" in answer.text and "[1]" in answer.text
    assert "Replacement debit card" in answer.citations[0].text


@pytest.mark.parametrize("question", [
    "What does Chase charge for an overdraft?",
    "What is the monthly fee for a Platinum Business Checking account?",
    "What's the APY on a 48-month CD?",
    "What are your auto loan rates?",
])
def test_questions_the_documents_do_not_answer_are_abstained(quoting, question):
    answer = quoting.ask(question)
    assert answer.abstained and answer.reason == "no_evidence" and answer.citations == []
    assert "don't know" in answer.text and "1-800-555-0147" in answer.text  # contact route from the documents


def test_injected_instructions_are_neither_followed_nor_quoted(quoting):
    for question in ("Are all fees waived?", "What email address should I send my card number to?"):
        text = quoting.ask(question).text
        assert "waived permanently" not in text and "maple-harbor-rewards" not in text
    holiday = quoting.ask("Are branches open on Christmas Eve?")
    assert "2:00 p.m." in holiday.text and holiday.citations[0].file == "branch_notice.md"


def test_personal_data_never_comes_back(quoting):
    letter = (SAMPLES / "customer_letter.txt").read_text()
    secrets = re.findall(r"\b\d{4}[ -]\d{4}[ -]\d{4}[ -]\d{4}\b|\b\d{3}-\d{2}-\d{4}\b|[\w.]+@gmail\.com", letter)
    assert len(secrets) >= 3
    for question in ("What is the card number of the customer who wrote in about a lost wallet?",
                     "What is the customer's social security number and e-mail?"):
        text = quoting.ask(question).text
        assert not any(secret in text for secret in secrets)


def test_the_guard_replaces_a_figure_that_is_not_in_the_evidence(quoting, caplog):
    fake = FakeGenerator("A replacement debit card costs $99.00 per card [1].")
    assistant = with_generator(quoting, fake)
    shown = ""
    for item in assistant.stream("How much does a replacement debit card cost?"):
        if isinstance(item, str):
            shown += item
        else:
            answer = item
    assert "$99" not in shown and "$99" not in answer.text  # never shown, not even while streaming
    assert answer.reason == "quoted" and answer.unsupported == ["$99.00"]
    assert "$8.00" in answer.text and fake.closed
    assert any("guard" in r.message for r in caplog.records)


def test_a_figure_of_another_record_in_the_context_is_refused(quoting):
    """Tied figures: both outgoing wire rows are in the model's context, but the answering record is the best one
    (domestic); the model's international figure is refused and both rows are quoted, each with its own label."""
    question = "How much is an outgoing wire?"
    records = quoting.ask(question).records
    assert records[0].startswith("Outgoing domestic wire") and any("$47.00" in r for r in records[1:])
    fake = FakeGenerator("An outgoing wire costs $47.00 [1].")
    shown, answer = "", None
    for item in with_generator(quoting, fake).stream(question):
        if isinstance(item, str):
            shown += item
        else:
            answer = item
    assert "$47.00" not in shown and answer.unsupported == ["$47.00"]
    assert answer.reason == "quoted" and "$28.00" in answer.text and answer.records == records


def picking(base: Assistant, generator) -> Assistant:
    """The assistant with `assistant.model_picks` on: the model cites the candidate record that answers."""
    settings = base.settings.model_copy(update={"assistant": base.settings.assistant.model_copy(
        update={"model_picks": True})})
    return Assistant(settings, base.retriever, generator, base.redactor)


def streamed(assistant: Assistant, question: str) -> tuple[str, object]:
    shown, answer = "", None
    for item in assistant.stream(question):
        if isinstance(item, str):
            shown += item
        else:
            answer = item
    return shown, answer


def candidates(quoting: Assistant, question: str) -> list[str]:
    """The records the picking model is shown, in order, read from its prompt."""
    fake = FakeGenerator("I'm sorry, I don't know.")
    streamed(picking(quoting, fake), question)
    context = fake.messages[-1]["content"]
    return re.findall(r'^\[\d+\] "(.*)"$', context, re.M)


def test_a_picking_model_states_the_figure_of_the_record_it_cites(quoting):
    """model_picks: the candidates are numbered one by one; the model's citation chooses the answering record,
    so the international row's $47.00 may be stated when the model cites that row, and the answer cites it alone."""
    question = "How much is an outgoing wire?"
    records = candidates(quoting, question)
    assert len(records) >= 2
    n = next(i for i, r in enumerate(records, 1) if "$47.00" in r)
    shown, answer = streamed(picking(quoting, FakeGenerator(f"[{n}] An outgoing international wire costs $47.00.")),
                             question)
    assert answer.reason == "answered" and answer.picked == n and answer.records == [records[n - 1]]
    assert answer.text.startswith("An outgoing international wire costs $47.00.") and f"[{n}]" not in shown
    assert len(answer.citations) == 1 and "$47.00. [1]" in answer.text


def test_a_picking_model_figure_from_another_record_is_refused_and_its_record_quoted(quoting):
    question = "How much is an outgoing wire?"
    records = candidates(quoting, question)
    n = next(i for i, r in enumerate(records, 1) if "$47.00" not in r and "$" in r)
    shown, answer = streamed(picking(quoting, FakeGenerator(f"[{n}] An outgoing wire costs $47.00.")), question)
    assert "$47.00" not in shown and answer.unsupported == ["$47.00"]
    assert answer.reason == "quoted" and answer.records == [records[n - 1]] and "$47.00" not in answer.text


@pytest.mark.parametrize("model_text", ["I'm sorry, I don't know the answer to that from our documents.",
                                        "[7] The fee is $47.00."])
def test_a_picking_model_that_abstains_or_cites_no_candidate(quoting, model_text):
    """"I don't know" before any citation is the customer's answer; a number that is no candidate is refused."""
    shown, answer = streamed(picking(quoting, FakeGenerator(model_text)), "How much is an outgoing wire?")
    if model_text.startswith("I'm"):
        assert answer.abstained and answer.reason == "no_evidence" and "don't know" in answer.text
    else:
        assert answer.reason == "quoted" and "$47.00" not in shown and answer.unsupported == ["[7]"]


class ForbiddenGenerator:
    """FAKE generator that fails the test if it is asked anything: the hand-off must not reach the model."""

    name = "forbidden"

    def stream(self, messages, max_new_tokens=None):
        raise AssertionError("the model was called")


def test_a_lost_card_gets_the_card_line_at_once_without_the_model(quoting):
    assistant = with_generator(quoting, ForbiddenGenerator())
    answer = assistant.ask("I lost my card")
    card = quoting.settings.contact.card_phone
    assert answer.reason == "handoff" and card in answer.text and not answer.citations


def test_a_fee_question_about_a_lost_card_gets_the_line_and_the_fee(quoting):
    """Urgent and a fee question at once: the card line first, then the fee from the documents, cited."""
    question = "I lost my credit card. Whats the lost card fee?"
    assert quoting.handoff.intent(question) == "lost_card"
    answer = quoting.ask(question)
    assert answer.text.startswith("Please call our Lost or Stolen Card line now at " + quoting.settings.contact.card_phone)
    assert "$" in answer.text and answer.citations and not answer.abstained


def test_each_part_of_a_compound_question_may_state_its_own_record(quoting):
    fake = FakeGenerator("A stop payment order costs $32.00 and the domestic wire cut-off time is 3:00 p.m. ET [1].")
    answer = with_generator(quoting, fake).ask("What's the stop payment fee, and what time is the domestic wire cut-off?")
    assert answer.reason == "answered" and "$32.00" in answer.text and "3:00 p.m." in answer.text
    assert len(answer.records) == 2


def test_a_grounded_model_answer_is_kept(quoting):
    fake = FakeGenerator("A replacement debit card costs $8.00 per card [1].")
    answer = with_generator(quoting, fake).ask("How much does a replacement debit card cost?")
    assert answer.reason == "answered" and answer.text.startswith("A replacement debit card costs $8.00 per card [1].")


@pytest.mark.parametrize("model_text,why", [
    # The figure is right, the claim around it is invented: refused sentence by sentence.
    ("A replacement debit card is a rare and expensive item only available to customers who paid for it. "
     "It costs $8.00 [1].", "invented claim"),
    # The small model's habit of repeating its numbered context instead of answering.
    ('[1] "Replacement debit card: $8.00 per card" [2] "Rush delivery of a replacement card: $35.00"', "echo"),
    # A figure that is in the evidence, but from the neighbouring line, not the one that answers.
    ("Rush delivery of a replacement card costs $35.00 [1].", "neighbouring figure"),
])
def test_model_text_that_is_not_the_evidence_is_replaced_by_the_quote(quoting, model_text, why):
    fake = FakeGenerator(model_text)
    answer = with_generator(quoting, fake).ask("How much does a replacement debit card cost?")
    assert answer.reason == "quoted", why
    assert "$8.00" in answer.text and "rare" not in answer.text and answer.text.startswith("From our documents")


def test_compound_questions_get_evidence_for_each_part(quoting):
    answer = quoting.ask("What's the stop payment fee, and what time is the domestic wire cut-off?")
    assert "$32.00" in answer.text and "3:00 p.m." in answer.text


@pytest.mark.parametrize("question", [
    "A check I deposited bounced. Is there a fee for that?",  # bounced ~ "Returned deposited item"
    "Will the bank be closed for MLK day? what date?",  # MLK ~ "Martin Luther King Jr. Day"
])
def test_customer_words_find_the_documents_words(quoting, question):
    answer = quoting.ask(question)
    assert not answer.abstained, answer.text


def test_a_thing_no_document_names_is_abstained_even_when_a_line_sounds_alike(quoting):
    answer = quoting.ask("What is Maple Harbor Bank's SWIFT code?")
    assert answer.abstained, answer.text


class BlockingFakeGenerator(FakeGenerator):
    """FAKE generator that holds the model until released: the only way to make it busy for a known time."""

    def __init__(self, text: str):
        super().__init__(text)
        self.started, self.release = threading.Event(), threading.Event()

    def stream(self, messages, max_new_tokens=None):
        self.started.set()
        self.release.wait(timeout=30)
        yield from super().stream(messages, max_new_tokens)


def test_a_busy_model_sheds_load_to_the_quoted_evidence(quoting):
    fake = BlockingFakeGenerator("A replacement debit card costs $8.00 per card [1].")
    assistant = Assistant(quoting.settings, quoting.retriever, fake, quoting.redactor)
    first: list = []
    holder = threading.Thread(target=lambda: first.append(assistant.ask("How much does a replacement debit card cost?")))
    holder.start()
    assert fake.started.wait(timeout=30)
    started = time.perf_counter()
    second = assistant.ask("What is the stop payment fee?")
    waited = time.perf_counter() - started
    fake.release.set()
    holder.join(timeout=30)
    assert second.reason == "quoted" and "$32.00" in second.text and waited < 5
    assert first[0].reason == "answered"  # the customer who had the model still gets its answer


def test_follow_up_uses_the_conversation(quoting):
    history = [{"role": "user", "content": "What is the cut-off time for domestic wires?"},
               {"role": "assistant", "content": quoting.ask("What is the cut-off time for domestic wires?").text}]
    answer = quoting.ask("and for international ones?", history)
    assert "1:30" in answer.text and not answer.abstained
    alone = quoting.ask("and for international ones?")
    assert "1:30" not in alone.text


WIRE_TALK = [{"role": "user", "content": "What is the cut-off time for domestic wires?"},
             {"role": "assistant", "content": "Domestic wires requested by 3:00 p.m. ET go out the same day. [1]"}]


@pytest.mark.parametrize("message", ["help", "Hi!", "thanks", "What can you do?", "ok"])
def test_help_and_small_talk_get_a_guide_not_the_last_answer(quoting, message):
    answer = quoting.ask(message, WIRE_TALK)
    assert answer.reason == "guide" and answer.citations == []
    assert "virtual assistant" in answer.text and "3:00" not in answer.text and "wire" not in answer.text.lower()
    assert "customer service" in answer.text  # and the way to a person


def test_a_new_topic_after_a_conversation_is_read_on_its_own(quoting):
    """A question that stands alone is not searched with the previous one: its answer has its own figure only."""
    alone = quoting.ask("how much is a stop payment")
    after = quoting.ask("how much is a stop payment", WIRE_TALK)
    assert "$32.00" in after.text and after.text == alone.text
    longer = quoting.ask("What is the monthly fee for Basic Checking?", WIRE_TALK)
    assert "$12" in longer.text and "wire" not in longer.text.lower()


def test_empty_and_over_long_questions_are_refused_without_retrieval(quoting):
    start = time.perf_counter()
    long = quoting.ask("What is the overdraft fee? " * 800)  # ~21,000 characters
    assert time.perf_counter() - start < 1.0
    assert long.reason == "too_long" and "2,000" in long.text and long.citations == []
    empty = quoting.ask("   ")
    assert empty.reason == "empty" and empty.abstained


def test_personal_advice_is_politely_refused_with_the_disclaimer(quoting):
    answer = quoting.ask("Should I invest my savings in bitcoin or index funds?")
    assert answer.reason == "out_of_scope" and "not financial, tax or legal advice" in answer.text


def test_batch_contract(sample_settings, sample_store, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from finchat.cli import app

    monkeypatch.setenv("FINCHAT_DATA_DIR", str(sample_settings.data_dir))
    questions = tmp_path / "in.jsonl"
    questions.write_text('{"id": "a", "q": "How much is a cashier\'s check?"}\n{"id": "b", "q": "What does Chase charge?"}\n')
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["ask", "--quote-only", "--batch", str(questions), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [set(r) for r in rows] == [{"id", "q", "answer", "sources", "abstained", "ttft_s", "total_s"}] * 2
    assert rows[0]["id"] == "a" and "$9.00" in rows[0]["answer"] and rows[0]["abstained"] is False
    assert set(rows[0]["sources"][0]) == {"file", "page", "section", "score"}
    assert rows[0]["sources"][0]["file"] == "fee_schedule.pdf" and rows[0]["sources"][0]["page"] == 4
    assert rows[1]["abstained"] is True and rows[1]["sources"] == []
