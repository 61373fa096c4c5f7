"""Term weights and synonyms: what makes a customer's words match a document's."""

from __future__ import annotations

from chatbot.evidence import question_parts, unsupported_claim
from chatbot.terms import TermWeights, stem, variants


def test_forms_and_synonyms_match():
    assert stem("deposited") == stem("deposits")
    assert stem("returned") in variants("bounced") and stem("incoming") in variants("receive")
    assert stem("outgoing") not in variants("receive")


def test_rare_terms_weigh_more_and_unknown_terms_do_not_dilute_overlap():
    idf = {"maple": 0.05, "harbor": 0.05, "late": 3.0, "fee": 1.0}
    weights = TermWeights(idf)
    assert weights.weight("late") > weights.weight("fee") > weights.weight("maple")
    assert weights.known("fees") and not weights.known("notary")
    # "notary" is in no chunk, so it cannot tell two lines apart; the overlap is over the known terms.
    assert weights.overlap(["late", "fee", "notary"], ["late", "fee"]) == 1.0
    assert weights.overlap(["late", "fee", "maple"], ["maple", "fee"]) < 0.3


def test_compound_questions_split_into_parts():
    assert question_parts("What's your overdraft fee, and how many can you charge in one day?") == [
        "What's your overdraft fee", "how many can you charge in one day?"]
    assert question_parts("Will the bank be closed for MLK day? what date?") == [
        "Will the bank be closed for MLK day? what date?"]
    assert question_parts("What is the wire fee?") == ["What is the wire fee?"]


def test_a_sentence_with_invented_claims_is_refused_and_a_restatement_is_not():
    evidence = 'Replacement debit card: $8.00 per card. Question: how much is a replacement card?'
    assert unsupported_claim("A replacement debit card costs $8.00 per card [1].", evidence, 0.6) == ""
    assert "rare" in unsupported_claim("It is a rare and expensive item, only for loyal members.", evidence, 0.6)
    assert "context" in unsupported_claim('[1] "Replacement debit card: $8.00 per card"', evidence, 0.6)


def test_a_negation_the_evidence_does_not_make_is_refused():
    evidence = 'Holiday: New Year\'s Day | Date: Thursday, January 1, 2026 | Branch status: Closed'
    assert "negates" in unsupported_claim("No, branches are not closed on New Year's Day.", evidence, 0.6)
    assert unsupported_claim("Branches are closed on New Year's Day, January 1, 2026.", evidence, 0.6) == ""
