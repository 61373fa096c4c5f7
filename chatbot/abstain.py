"""Decide whether the evidence answers the question; if not, the assistant says "I don't know".

A retrieval score alone cannot decide it: a question about a product or bank the documents never mention
("Platinum Business Checking", "Chase") retrieves the nearest real product just as confidently. So several
signals must agree: the evidence score, every name and figure of the question present in what was retrieved,
the question's key terms covered by the evidence, no asked-for thing the documents lack ("auto loan rates"
when only mortgages exist), and a figure of the kind asked for ("how much" needs an amount).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from chatbot.evidence import Evidence, answers_kind, asked_kinds, key_terms
from chatbot.retriever import Hit
from chatbot.terms import TermWeights, stem, variants

# Words that say what kind of thing is asked, not which thing: they do not count towards coverage.
GENERIC_TERMS = frozenset(
    """fee fees charge charges charged cost costs price pay paying amount rate rates much long
    number numbers bank banks time times limit limits does get take often need use using""".split()
)
# "48-month CD", "7/1 ARM"; not a duration or frequency ("every 3 months", "within 60 days").
_PRODUCT_NUMBER = re.compile(
    r"(?<!every )(?<!each )(?<!per )(?<!within )(?<!for )(?<!in )(?<!after )(?<!last )(?<!next )(?<!past )"
    r"(?<!\d)\b\d+(?:-| )(?:month|year|day|week)s?\b|\b\d+/\d+\b", re.I)


def _product_label(text: str) -> str:
    """"12 Months", "12-month" -> "12-month": one spelling of number-unit labels."""
    return re.sub(r"(\d+)[-\s]+(month|year|day|week)s?\b", r"\1-\2", text.lower())


def similar(term: str, other: str) -> bool:
    """Same word, the same stem, or one typo apart (customers misspell)."""
    if term == other or (len(term) > 4 and len(other) > 4 and term[:5] == other[:5]):
        return True
    if abs(len(term) - len(other)) > 1 or len(term) < 5:
        return False
    return SequenceMatcher(None, term, other).ratio() >= 0.85


def names(question: str) -> list[list[str]]:
    """Capitalised words that do not start a sentence, grouped: products or institutions the question names.
    Possessives are dropped ("Maple Harbor's" -> maple, harbor)."""
    found: list[list[str]] = []
    for sentence in re.split(r"(?<=[.!?])\s+", question):
        current: list[str] = []
        for i, word in enumerate(re.findall(r"[A-Za-z][\w&-]*(?:['\u2019]s)?", sentence)):
            word = re.sub(r"['\u2019]s$", "", word)
            if i > 0 and word[0].isupper() and word != "I" and not word.isupper():
                current.append(word.lower())
            elif current:
                found.append(current)
                current = []
        if current:
            found.append(current)
    return found


# The rules of `Abstainer.why_not`, each switchable by `assistant.abstain_rules` (bench/eval_rag.py --ablate).
RULES = ("score", "reader", "names", "product_number", "compound", "absent", "coverage", "kind")


class Abstainer:
    def __init__(self, settings, nlp=None):
        self.settings = settings  # AssistantSettings
        self.rules = frozenset(settings.abstain_rules)
        self._nlp = nlp

    @property
    def nlp(self):
        """spaCy's tagger and parser, for the noun phrases of a question (loaded on first use)."""
        if self._nlp is None:
            import spacy

            self._nlp = spacy.load(self.settings.nlp_model, exclude=["ner", "lemmatizer"])
        return self._nlp

    def why_not(self, question: str, evidence: list[Evidence], hits: list[Hit],
                weights: TermWeights | None = None) -> str:
        """Why the evidence does not answer the question ('' when it does).

        Coverage is weighted by term rarity: the bank's own name, in every chunk, counts for little; a word no
        document contains ("notary", "SWIFT") counts most.
        """
        s = self.settings
        weights = weights or TermWeights()
        if not evidence:
            return "nothing retrieved"
        best = evidence[0]
        on = self.rules
        if "score" in on and best.score < s.min_evidence_score:
            return f"evidence score {best.score:.2f} < {s.min_evidence_score}"
        if "reader" in on and best.reader is not None and best.reader < s.reader_threshold:
            return f"reader {best.reader:.2f} < {s.reader_threshold}: no record answers"
        lines = " ".join(e.text for e in evidence)
        vocabulary = set(key_terms(" ".join(h.chunk.text for h in hits)))
        vocabulary_stems = {stem(v) for v in vocabulary}

        def known(word: str) -> bool:
            return bool(variants(word) & vocabulary_stems) or any(similar(word, v) for v in vocabulary)

        for name in names(question) if "names" in on else ():
            missing = [w for w in name if not known(w)]
            if missing:
                return f"{' '.join(missing)!r} is not in the documents"
        # A number that names a product ("48-month CD", "7/1 ARM") must be in the evidence; other numbers in
        # a question are the customer's own circumstances ("a $75,000 balance", "I'm 61") and need not be.
        in_context = _product_label(" ".join(e.hit.chunk.text for e in evidence))
        for label in _PRODUCT_NUMBER.findall(question) if "product_number" in on else ():
            if _product_label(label) not in in_context:
                return f"{label!r} is not in the evidence"
        parsed = self.nlp(question)
        for token in parsed:
            # "auto loan rates": the documents know loans, but not this kind of loan.
            word, head = token.text.lower(), token.head.text.lower()
            if ("compound" in on and token.dep_ == "compound" and token.pos_ in ("NOUN", "PROPN")
                    and word in key_terms(word) and not known(word) and head not in GENERIC_TERMS and known(head)):
                return f"{token.text!r} in {token.text} {token.head.text!r} is not in the documents"
        terms = [t for t in set(key_terms(question)) if t not in GENERIC_TERMS]
        # Things no document names ("SWIFT code", "notary services") are what the documents lack; when they
        # carry much of the question's weight, a similar-sounding line elsewhere does not answer it. Only the
        # nouns of the question's own sentences count: customers use verbs and adjectives ("rushed", "hourly")
        # that documents do not, and tell their circumstances ("I run a small bakery.") around the question.
        asked = [sent for sent in parsed.sents if sent.text.rstrip().endswith("?")] or list(parsed.sents)
        nouns = {t.text.lower() for sent in asked for t in sent if t.pos_ in ("NOUN", "PROPN")}
        absent = [t for t in terms if t in nouns and not any(c.isdigit() for c in t)
                  and not weights.known(t) and not known(t)]
        if "absent" in on and absent and \
                sum(map(weights.weight, absent)) >= s.max_absent_share * sum(map(weights.weight, terms)):
            return f"{', '.join(sorted(absent))} not in the documents"
        if "coverage" in on and terms:
            present = set(key_terms(lines)) | set(key_terms(best.hit.chunk.text.splitlines()[0])) | \
                set(key_terms(" ".join(e.heading for e in evidence)))
            stems = {stem(p) for p in present}
            found = [t for t in terms if variants(t) & stems or any(similar(t, p) for p in present)]
            # Words no document has are the rule above's business; coverage asks about the words the documents know.
            findable = [t for t in terms if weights.known(t) or t in found]
            covered = sum(map(weights.weight, found)) / sum(map(weights.weight, findable)) if findable else 1.0
            # A paraphrase ("send a wire to another bank" / "Outgoing domestic wire") shares few words but
            # reads alike to the embedding model, so low coverage alone is not enough to abstain.
            if covered < s.min_coverage and best.similarity < s.paraphrase_similarity:
                return f"coverage {covered:.2f} < {s.min_coverage}, similarity {best.similarity:.2f}"
        if "kind" in on and not answers_kind(question, lines):
            return f"no {'/'.join(sorted(asked_kinds(question)))} in the evidence"
        return ""
