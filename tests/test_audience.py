"""Document audience: customers are answered from public documents only; staff documents never reach them.

Real parts throughout: the real redactor and loaders, the bundled embedding model, Chroma in temp dirs.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from chatbot.assistant import Assistant
from chatbot.retriever import Retriever
from finchat.cli import app
from ingest.audience import classify, label_unlabelled
from ingest.pipeline import Preparer, find_files
from ingest.splitter import Splitter
from tests.conftest import ROOT, SAMPLES
from vectorstore.keyword import KeywordIndex
from vectorstore.store import ChunkStore

LETTER = "customer_letter.txt"
REAL_DEV = Path("/work/shared/real-dev/savannah-postal-cu")
# The letter's own words, and the ordinary questions the probe found it cited for.
LETTER_QUERIES = ["lost wallet", "I lost my wallet on the ferry, please block my cards", "help",
                  "can I talk to a real person?", "Coastal Fuel Stop charge I did not make"]

# --- correspondence and case records: staff -------------------------------------------------------------------

EMAIL = """From: Priya Raman <priya.raman77@yahoo.com>
Sent: Tuesday, March 3, 2026 8:14 AM
To: Member Services <memberservices@northfieldcu.example>
Subject: Charged twice at the pharmacy

Hi,

I was charged twice for the same purchase on my debit card last Friday. Can you please reverse one of them?

Thanks,
Priya
"""

LETTER_TO_CUSTOMER = """14 February 2026

Dear Mr. Okafor,

Re: Your complaint about the closure of your savings account

Thank you for writing to us on 2 February. We have reviewed how your account was closed and we are sorry
for the delay in returning your balance. A cheque for the full amount has been sent to you.

Yours sincerely,

Helen Marsh
Complaints Team
"""

INCIDENT_LOG = """Card fraud incident log - Eastgate branch
2026-01-08 09:12  Member Jorge Alvarez, acct ending in 4471, called: card declined at the fuel pump.
2026-01-08 09:20  Card blocked at the member's request; replacement ordered.
2026-01-09 14:05  Member visited the branch with ID; dispute form signed.
2026-01-12 11:30  Provisional credit issued to the member's checking.
"""

COMPLAINT_NOTE = """Complaint note
Case no.: C-2026-0193
Customer name: Gregory Hale
Date of call: 19 March 2026
Handled by: front desk

Customer says the overdraft fee of $35 was charged although his paycheck arrived the same morning.
He was upset and asked for a refund and a call back on his mobile 617-555-0148.
"""

FORWARDED = """From: j.mendes@outlook.com
To: disputes@northfieldcu.example
Subject: Fwd: dispute

Please see the attached receipt for the charge I disputed.
"""

# --- public documents that look a little like them ------------------------------------------------------------

PHISHING_FAQ = """# Security FAQ
## Will the bank ever e-mail me for my PIN?
No. Phishing e-mails often begin
Dear customer,
and ask you to "confirm" your card number. We never ask for your PIN, password or full card number by e-mail,
text or phone. Report such messages to our fraud line at 1-800-555-0123.
## How do I lock my card?
Open the mobile app and tap Cards > Lock.
"""

PHISHING_EXAMPLE = """# Spot a fake e-mail
Here is a real phishing e-mail our members received last month:

From: Security Team <security@northfield-alerts.example>
To: Member
Subject: Your account is locked

Click the link below within 24 hours to unlock your account. We will never send you a message like this.
"""

PRIVACY_NOTICE = """FACTS: WHAT DOES NORTHFIELD CREDIT UNION DO WITH YOUR PERSONAL INFORMATION?
The types of personal information we collect and share depend on the product or service you have with us.
This information can include your Social Security number and income, account balances and payment history,
and credit history. To limit our sharing, call 1-800-555-0131 or e-mail privacy@northfieldcu.example.
Who we are: Northfield Credit Union, a federally insured credit union.
"""

BRANCH_NOTICE = """Holiday closings 2026
Jan 1, 2026 - All branches closed; members can use ATMs and the app.
Jan 19, 2026 - Closed for Martin Luther King Jr. Day.
Feb 16, 2026 - Closed for Presidents' Day.
May 25, 2026 - Closed for Memorial Day; customer service phone lines open 8 a.m. to 2 p.m.

Thank you,
Branch Operations
"""

MEMBERS_LETTER = """Dear Members,

Our annual meeting will be held on April 14 at the main branch. Dividends on Regular Savings rose to 0.35% APY.

Sincerely,
The Board of Directors
"""

FEE_SCHEDULE = """Schedule of Fees
Monthly maintenance fee: $9.00
Stop payment: $32.00
Questions about a fee? Call (617) 555-0100.
"""


@pytest.mark.parametrize("text,cues", [
    (EMAIL, ["e-mail headers", "salutation", "closing"]),
    (LETTER_TO_CUSTOMER, ["salutation", "subject line", "closing"]),
    (INCIDENT_LOG, ["dated entries about a customer"]),
    (COMPLAINT_NOTE, ["case-record fields"]),
    (FORWARDED, ["e-mail headers"]),  # one strong cue plus the sender's address
], ids=["e-mail", "letter", "incident log", "complaint note", "forwarded e-mail"])
def test_correspondence_and_case_records_are_staff(redactor, text, cues):
    redacted, found = redactor.redact(text)
    audience, reason = classify(redacted, found)
    assert audience == "staff", reason
    assert reason.startswith("looks like correspondence or a record about a customer: ")
    assert all(cue in reason for cue in cues), reason


@pytest.mark.parametrize("text", [PHISHING_FAQ, PHISHING_EXAMPLE, PRIVACY_NOTICE, BRANCH_NOTICE, MEMBERS_LETTER,
                                  FEE_SCHEDULE],
                         ids=["faq dear customer", "phishing example", "privacy notice", "branch dates",
                              "letter to all members", "fee schedule with phone"])
def test_public_look_alikes_stay_public(redactor, text):
    redacted, found = redactor.redact(text)
    audience, reason = classify(redacted, found)
    assert audience == "public", reason


def test_one_cue_is_not_enough_and_a_second_one_is():
    assert classify("Dear customer,\nOur rates changed.", Counter()) == (
        "public", "one cue of correspondence only: salutation")
    assert classify("Dear customer,\nOur rates changed.\nSincerely,\nThe bank", Counter())[0] == "staff"
    # Redactions alone are one cue; several of them plus a closing make two.
    assert classify("Rates changed.", Counter(NAME=2, PHONE=2))[0] == "public"
    assert classify("Rates changed.\nRegards,", Counter(NAME=2, PHONE=2))[0] == "staff"
    assert classify("Rates changed.\nRegards,", Counter(INSTRUCTION=5))[0] == "public"  # not personal data


def test_ablation_on_corpora_the_rule_was_not_written_for(redactor, settings):
    """Every real public page stays public; the customer's letter and the claim file note are staff."""
    ing = settings.ingest
    prepare = Preparer(redactor, Splitter(ing.chunk_size, ing.chunk_overlap), 50 * 2**20)
    corpora = {"samples": [SAMPLES], "corpus2": [ROOT / "bench" / "corpus2" / "docs"]}
    if REAL_DEV.is_dir():
        corpora["savannah"] = sorted(REAL_DEV.glob("*.html"))
    table = {name: {p.name: prepare(p, None).record.audience for p in find_files(paths)}
             for name, paths in corpora.items()}
    for name, got in table.items():
        print(f"{name}: {len(got)} files, staff {sorted(f for f, a in got.items() if a == 'staff')}, "
              f"public {sum(a == 'public' for a in got.values())}")
    assert {f for f, a in table["samples"].items() if a == "staff"} == {LETTER} and len(table["samples"]) == 9
    # claim_note.txt is the corpus's "INTERNAL / CONFIDENTIAL" claim file note about a named insured.
    assert {f for f, a in table["corpus2"].items() if a == "staff"} == {"claim_note.txt"}
    assert len(table["corpus2"]) == 7
    if "savannah" in table:
        assert set(table["savannah"].values()) == {"public"} and len(table["savannah"]) == 15


# --- the store ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ingested_samples(tmp_path_factory, embedder):
    """The samples ingested with audience auto: (store, {file: FileResult})."""
    from finchat.settings import load_settings
    from ingest.pipeline import Ingestor

    settings = load_settings(data_dir=tmp_path_factory.mktemp("audience") / "data")
    store = ChunkStore(settings, embedder=embedder)
    return store, {r.file: r for r in Ingestor.from_settings(settings, store).ingest([SAMPLES])}


@pytest.fixture(scope="module")
def samples_store(ingested_samples):
    return ingested_samples[0]


def test_ingesting_the_samples_makes_only_the_letter_staff(ingested_samples):
    samples_store, results = ingested_samples
    records = {r.file: r for r in samples_store.list_files()}
    assert {f for f, r in records.items() if r.audience == "staff"} == {LETTER} and len(records) == 9
    assert "e-mail headers" in records[LETTER].audience_reason
    letter = results[LETTER].summary()
    assert letter.startswith(f"{LETTER}: added, ") and ", redacted: " in letter
    assert ", audience staff (looks like correspondence or a record about a customer: " in letter
    assert results["faq.md"].summary().endswith(", audience public")
    stored = samples_store.chunks.get(include=["metadatas"])["metadatas"]
    assert {m["audience"] for m in stored if m["file"] == LETTER} == {"staff"}
    assert {m["audience"] for m in stored if m["file"] != LETTER} == {"public"}


@pytest.mark.parametrize("query", LETTER_QUERIES)
def test_a_public_search_never_returns_a_staff_chunk(samples_store, query, settings):
    everything = samples_store.count()
    letter_chunks = samples_store.file_record(LETTER).chunks
    dense = samples_store.search(query, k=everything)  # every candidate the customer's query could have
    assert len(dense) == everything - letter_chunks and LETTER not in {c.file for c, _ in dense}
    keyword = KeywordIndex(samples_store)
    assert LETTER not in {c.file for c, _ in keyword.search(query, everything)}
    retriever = Retriever(samples_store, settings.retrieval, keyword)
    assert LETTER not in {h.chunk.file for h in retriever.retrieve(query, k=everything)}
    # Staff asking for both audiences do get the letter (so the filter, not the ranking, kept it out).
    both = ("public", "staff")
    assert LETTER in {c.file for c, _ in samples_store.search(query, k=everything, audiences=both)}
    assert LETTER in {h.chunk.file for h in retriever.retrieve(query, k=everything, audiences=both)}
    if query != "help":  # BM25 needs a shared word; the letter says "help out", "help" alone is in many chunks
        assert LETTER in {c.file for c, _ in keyword.search(query, everything, audiences=both)}
    assert {c.file for c, _ in samples_store.search(query, k=everything, audiences=("staff",))} == {LETTER}
    with pytest.raises(ValueError):
        samples_store.search(query, k=3, audiences=("everyone",))


def test_all_chunks_by_audience(samples_store):
    assert {c.file for c in samples_store.all_chunks(audiences=("staff",))} == {LETTER}
    assert LETTER not in {c.file for c in samples_store.all_chunks(audiences=("public",))}
    assert len(samples_store.all_chunks()) == samples_store.count()


def _two_files(ingestor, tmp_path, **kw):
    for name in (LETTER, "faq.md"):
        (tmp_path / name).write_bytes((SAMPLES / name).read_bytes())
    return {r.file: r for r in ingestor.ingest([tmp_path / LETTER, tmp_path / "faq.md"], **kw)}


def _embeddings(store, file):
    got = store.chunks.get(where={"file": file}, include=["embeddings", "metadatas"])
    order = np.argsort(got["ids"])
    return [got["ids"][i] for i in order], np.asarray(got["embeddings"])[order], [got["metadatas"][i] for i in order]


def test_set_audience_changes_metadata_only(ingestor, store, tmp_path):
    _two_files(ingestor, tmp_path)
    keyword = KeywordIndex(store)
    assert LETTER not in {c.file for c, _ in keyword.search("lost wallet", 50)}
    ids, vectors, metas = _embeddings(store, LETTER)
    assert store.set_audience(LETTER, "public") is True
    ids2, vectors2, metas2 = _embeddings(store, LETTER)
    assert ids2 == ids and np.array_equal(vectors2, vectors)  # not re-embedded, not re-added
    assert [{**m, "audience": "x"} for m in metas2] == [{**m, "audience": "x"} for m in metas]  # other keys kept
    assert {m["audience"] for m in metas2} == {"public"}
    record = store.file_record(LETTER)
    assert (record.audience, record.audience_reason) == ("public", "set by staff") and record.redactions["CARD"] == 2
    assert LETTER in {c.file for c, _ in store.search("lost wallet", k=3)}
    assert LETTER in {c.file for c, _ in keyword.search("lost wallet", 50)}  # the BM25 view followed
    assert store.set_audience(LETTER, "staff") and LETTER not in {c.file for c, _ in store.search("lost wallet", 50)}
    assert store.set_audience("no-such.txt", "staff") is False
    with pytest.raises(ValueError):
        store.set_audience(LETTER, "everyone")


def test_an_explicit_audience_beats_the_classifier(ingestor, store, tmp_path):
    results = _two_files(ingestor, tmp_path, audience="public")
    assert {f: (r.audience, r.audience_reason) for f, r in results.items()} == {
        LETTER: ("public", "set by staff"), "faq.md": ("public", "set by staff")}
    ids, vectors, _ = _embeddings(store, "faq.md")
    again = _two_files(ingestor, tmp_path, audience="staff")  # unchanged files, relabelled without re-embedding
    assert {r.status for r in again.values()} == {"unchanged"}
    assert again["faq.md"].summary().startswith("faq.md: unchanged, already ingested (")
    assert again["faq.md"].summary().endswith(", audience staff (set by staff)")
    assert store.file_record("faq.md").audience == "staff" and store.search("routing number", k=5) == []
    ids2, vectors2, _ = _embeddings(store, "faq.md")
    assert ids2 == ids and np.array_equal(vectors2, vectors)
    # A changed file ingested with audience auto keeps the label staff gave it; a new one is classified.
    (tmp_path / "faq.md").write_text((SAMPLES / "faq.md").read_text() + "\nUpdated.\n")
    changed = ingestor.ingest([tmp_path / "faq.md"])[0]
    assert (changed.status, changed.audience) == ("replaced", "staff")
    with pytest.raises(ValueError):
        ingestor.ingest([tmp_path / "faq.md"], audience="everyone")


def test_the_audience_goes_through_the_worker_processes(ingestor, store, tmp_path):
    for i in range(3):
        (tmp_path / f"rates{i}.md").write_text(f"# Rates {i}\nGold Savings APY: 1.{i}0%\n")
    ingestor.workers = 2
    pids = set()
    results = ingestor.ingest([tmp_path], on_file=lambda r: pids.update(ingestor._pool._processes), audience="staff")
    assert len(pids) == 2 and [r.audience for r in results] == ["staff"] * 3
    assert {c.audience for c in store.all_chunks()} == {"staff"}


def test_files_stored_before_audiences_are_labelled_before_use(ingestor, store, settings, embedder, tmp_path,
                                                              caplog):
    _two_files(ingestor, tmp_path)
    _strip_audiences(store)  # the store as the previous version wrote it
    assert all("audience" not in m for m in store.chunks.get(include=["metadatas"])["metadatas"])
    reopened = ChunkStore(settings, embedder=embedder)
    reopened.repair()
    # Opening and repairing classify nothing (the store knows no classifier); unlabelled = shown to no customer.
    assert [(r.file, r.audience) for r, _ in reopened.unlabelled()] == [(LETTER, ""), ("faq.md", "")]
    assert "Dear Mr." in {r.file: body for r, body in reopened.unlabelled()}[LETTER]
    assert reopened.search("routing number", k=5) == [] and reopened.search("lost wallet", k=5) == []
    assert KeywordIndex(reopened).search("routing number", 5) == []
    with caplog.at_level(logging.WARNING):
        assert label_unlabelled(reopened) == [LETTER, "faq.md"]
    records = {r.file: r for r in reopened.list_files()}
    assert records[LETTER].audience == "staff" and records["faq.md"].audience == "public"
    assert records[LETTER].audience_reason.startswith("classified on upgrade: looks like correspondence")
    assert f"{LETTER}: stored before document audiences; now staff" in caplog.text
    metas = reopened.chunks.get(include=["metadatas"])["metadatas"]
    assert {m["file"]: m["audience"] for m in metas} == {LETTER: "staff", "faq.md": "public"}
    assert reopened.search("routing number", k=1)[0][0].file == "faq.md"
    assert LETTER not in {c.file for c, _ in reopened.search("lost wallet", k=reopened.count())}
    assert reopened.unlabelled() == [] and label_unlabelled(reopened) == []
    # Every ingest labels them first, even one with nothing to ingest; so does `docs list`.
    _strip_audiences(reopened)
    assert ingestor.ingest([]) == []
    assert {r.file: r.audience for r in reopened.list_files()} == {LETTER: "staff", "faq.md": "public"}
    _strip_audiences(reopened)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        code, out = finchat("docs", "list")
    assert code == 0 and f"{LETTER}: stored before document audiences; now staff" in caplog.text
    assert {line.split(":")[0]: line.rsplit(" ", 1)[1] for line in out.splitlines() if "chunks" in line} == {
        LETTER: "staff", "faq.md": "public"}


def _strip_audiences(store):
    got = store.chunks.get(include=[])
    store.chunks.update(ids=got["ids"], metadatas=[{"audience": None}] * len(got["ids"]))  # None deletes a key
    files = store.files.get(include=[])["ids"]
    store.files.update(ids=files, metadatas=[{"audience": None, "audience_reason": None, "audience_pending": None,
                                              "audience_pending_reason": None}] * len(files))


def test_filter_update_and_migration_against_a_chroma_server(chroma_server, settings, embedder, redactor, tmp_path):
    from ingest.pipeline import Ingestor

    settings.vectorstore.chroma_url, settings.vectorstore.collection = chroma_server, "audience_server_test"
    store = ChunkStore(settings, embedder=embedder)
    try:
        ing = settings.ingest
        _two_files(Ingestor(store, redactor, Splitter(ing.chunk_size, ing.chunk_overlap), 2**20, 100), tmp_path)
        assert LETTER not in {c.file for c, _ in store.search("lost wallet", k=store.count())}
        ids, vectors, metas = _embeddings(store, LETTER)
        assert store.set_audience(LETTER, "public")
        ids2, vectors2, metas2 = _embeddings(store, LETTER)
        assert ids2 == ids and np.array_equal(vectors2, vectors)
        assert [{**m, "audience": "x"} for m in metas2] == [{**m, "audience": "x"} for m in metas]
        assert store.search("lost wallet", k=1)[0][0].file == LETTER
        _strip_audiences(store)
        reopened = ChunkStore(settings, embedder=embedder)
        assert {r.file: r.audience for r in reopened.list_files()} == {LETTER: "", "faq.md": ""}
        assert reopened.search("lost wallet", k=reopened.count()) == []
        assert label_unlabelled(reopened) == [LETTER, "faq.md"]
        assert {r.file: r.audience for r in reopened.list_files()} == {LETTER: "staff", "faq.md": "public"}
    finally:
        store.client.delete_collection("audience_server_test")
        store.client.delete_collection("audience_server_test_docs")


def test_repair_finishes_an_interrupted_audience_change(ingestor, store, tmp_path):
    _two_files(ingestor, tmp_path)
    # Provoke a kill after step 1 of set_audience (intent recorded) and part of step 2 (one chunk updated).
    store.files.update(ids=[LETTER], metadatas=[{"audience_pending": "public", "audience_pending_reason": "why"}])
    first = store.chunks.get(where={"file": LETTER}, include=[])["ids"][:1]
    store.chunks.update(ids=first, metadatas=[{"audience": "public"}])
    assert store.file_record(LETTER).audience == "staff"  # not committed yet
    store.repair()
    assert (store.file_record(LETTER).audience, store.file_record(LETTER).audience_reason) == ("public", "why")
    assert {c.audience for c in store.all_chunks() if c.file == LETTER} == {"public"}


# --- the command line and the assistant -------------------------------------------------------------------------

runner = CliRunner()


def finchat(*args: str):
    """Run the CLI in-process; returns (exit code, stdout + stderr without library progress bars)."""
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout + "".join(
        line + "\n" for line in result.stderr.splitlines() if "Loading weights" not in line)


def test_cli_ingest_list_set_and_search_by_audience(tmp_path):
    code, out = finchat("ingest", "--audience", "staff", str(SAMPLES / "faq.md"))
    assert code == 0 and "faq.md: added, " in out and out.splitlines()[0].endswith("audience staff (set by staff)")
    code, out = finchat("ingest", str(SAMPLES / LETTER), str(SAMPLES / "savings_rates.csv"))
    lines = {line.split(":")[0]: line for line in out.splitlines()}
    assert code == 0 and "audience staff (looks like correspondence" in lines[LETTER]
    assert lines["savings_rates.csv"].endswith("audience public")
    code, out = finchat("docs", "list")
    assert code == 0 and any(line.startswith("faq.md: ") and line.endswith("audience staff")
                             for line in out.splitlines()), out
    listed = {d["file"]: d for d in json.loads(finchat("docs", "list", "--json")[1])}
    assert {f: d["audience"] for f, d in listed.items()} == {
        "faq.md": "staff", LETTER: "staff", "savings_rates.csv": "public"}
    assert listed["faq.md"]["audience_reason"] == "set by staff"

    hits = json.loads(finchat("search", "routing number", "--json")[1])  # a staff tool: all by default
    assert hits[0]["file"] == "faq.md" and hits[0]["audience"] == "staff"
    hits = json.loads(finchat("search", "routing number", "--audience", "public", "--json")[1])
    assert {h["file"] for h in hits} == {"savings_rates.csv"} and {h["audience"] for h in hits} == {"public"}
    code, out = finchat("search", "lost wallet", "--k", "1")
    assert code == 0 and f"{LETTER}" in out and "audience staff)" in out

    code, out = finchat("docs", "audience", "faq.md", "public")
    assert code == 0 and out.strip() == "faq.md: audience public"
    assert json.loads(finchat("search", "routing number", "--audience", "public", "--json")[1])[0]["file"] == "faq.md"
    code, out = finchat("docs", "audience", "nope.md", "staff")
    assert code == 1 and "nope.md: no such document" in out
    assert finchat("docs", "audience", "faq.md", "everyone")[0] == 2
    assert finchat("ingest", "--audience", "everyone", str(SAMPLES / "faq.md"))[0] == 2


def test_cli_ask_answers_customers_from_public_documents_and_staff_with_staff(tmp_path):
    assert finchat("ingest", str(SAMPLES / LETTER), str(SAMPLES / "faq.md"))[0] == 0
    question = "How long does a replacement debit card take to arrive in the mail?"  # only the letter says
    code, out = finchat("ask", "--quote-only", question)
    assert code == 0 and LETTER not in out
    code, out = finchat("ask", "--quote-only", "--staff", question)
    assert code == 0 and f"] {LETTER}" in out and "5 to 7" in out


@pytest.fixture(scope="module")
def quoting(samples_store, redactor):
    settings = samples_store.settings
    return Assistant(settings, Retriever(samples_store, settings.retrieval), None, redactor)


@pytest.mark.parametrize("question", ["I lost my wallet, can you help?", "can I talk to a real person?", "help",
                                      "Someone used my card at Coastal Fuel Stop, what do I do?"])
def test_the_assistant_never_cites_a_staff_document_to_a_customer(quoting, question):
    answer = quoting.ask(question)
    assert LETTER not in {c.file for c in answer.citations}
    assert "Whitcombe" not in answer.text and "Coastal Fuel" not in answer.text and "ferry" not in answer.text


def test_staff_audiences_reach_the_letter_and_the_default_does_not(quoting):
    question = "How long does a replacement debit card take to arrive in the mail?"
    assert LETTER in {c.file for c in quoting.ask(question, audiences=("public", "staff")).citations}
    assert LETTER not in {c.file for c in quoting.ask(question).citations}


def test_the_contact_route_comes_from_public_documents_only(ingestor, store, settings, redactor, tmp_path):
    reply = EMAIL.replace("Thanks,", "For anything else, call Customer Service at 1-800-555-0177.\n\nThanks,")
    (tmp_path / "reply.txt").write_text(reply)
    (tmp_path / "rates.md").write_text("# Rates\nGold Savings APY: 1.10%\n")
    assert [r.audience for r in ingestor.ingest([tmp_path])] == ["public", "staff"]
    assistant = Assistant(settings, Retriever(store, settings.retrieval), None, redactor)
    assert assistant.contact() == "contact our customer service team"  # the staff e-mail's number is not used
    store.set_audience("reply.txt", "public")
    assert Assistant(settings, Retriever(store, settings.retrieval), None, redactor).contact() == (
        "call customer service at 1-800-555-0177")
