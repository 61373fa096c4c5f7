"""Tiered rows: the record whose balance range holds the customer's amount is the evidence (chatbot/tiers.py)."""

from __future__ import annotations

import math

import pytest

from chatbot.evidence import LineVectors, pick_evidence
from chatbot.retriever import Hit
from chatbot.tiers import amounts, fit, ranges
from vectorstore.store import Chunk


@pytest.mark.parametrize("question,expected", [
    ("What rate on a $10,000 margin loan?", [10_000]),
    ("I'm borrowing about 30k on margin", [30_000]),
    ("a bit over $1.2 million against my portfolio", [1_200_000]),
    ("I have 5 grand in savings", [5_000]),
    ("What is the wire fee?", []),
    ("the 12-month CD rate at 4.5%", []),  # a term and a rate are not amounts of money
])
def test_amounts_a_customer_names(question, expected):
    assert amounts(question) == expected


@pytest.mark.parametrize("record,expected", [
    ("tier: 3 | debit_balance_min_usd: 50000.00 | debit_balance_max_usd: 99999.99 | annual_margin_rate: 10.15%",
     [(50_000, 99_999.99)]),
    ("tier: 6 | debit_balance_min_usd: 1000000.00 | annual_margin_rate: 7.40%", [(1_000_000, math.inf)]),
    ("$500,000 to $999,999.99: Base - 1.10%", [(500_000, 999_999.99)]),
    ("Balances of $2,500 or more earn 1.10% APY", [(2_500, math.inf)]),
    ("Under $25,000: Base + 2.60%", [(0, 25_000)]),
    ("Outgoing domestic wire: $28.00", []),
    ("Payments per term: 12 | Installment fee: $2.50", []),
])
def test_ranges_a_record_states(record, expected):
    assert ranges(record) == expected


def test_fit_is_neutral_without_an_amount_or_a_range():
    assert fit(amounts("What is the margin rate?"), "Under $25,000: 11.85%") == 0
    assert fit(amounts("Rate on $30,000?"), "Outgoing domestic wire: $28.00") == 0
    assert fit(amounts("Rate on $30,000?"), "$25,000 to $49,999.99: 11.00%") == 1
    assert fit(amounts("Rate on $30,000?"), "Under $25,000: 11.85%") == -1


def test_the_tier_that_holds_the_amount_is_picked(embedder):
    rows = [f"tier: {i + 1} | debit_balance_min_usd: {lo:.2f} | debit_balance_max_usd: {hi:.2f} | "
            f"annual_margin_rate: {rate}" for i, (lo, hi, rate) in enumerate(
                [(0, 24999.99, "11.85%"), (25000, 49999.99, "11.00%"), (50000, 99999.99, "10.15%"),
                 (100000, 499999.99, "8.85%")])]
    hit = Hit(Chunk(text="margin_rates\n" + "\n".join(rows), file="margin_rates.csv", chunk_index=0,
                    file_hash="e" * 64, ingested_at=""), 1.0)
    vectors = LineVectors(lambda texts: embedder.encode(texts, normalize_embeddings=True))
    misses_without = 0
    for question, rate in [("margin rate on a $75,000 debit balance?", "10.15%"),
                           ("I'm borrowing about 30k on margin, what rate is that?", "11.00%"),
                           ("What would I pay on a $250k margin loan?", "8.85%")]:
        assert rate in pick_evidence(question, [hit], vectors)[0].text, question
        misses_without += rate not in pick_evidence(question, [hit], vectors, tier_weight=0.0)[0].text
    assert misses_without >= 2  # what the tier check adds: embeddings alone cannot tell these rows apart
