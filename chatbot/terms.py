"""Which words of a question matter, and which words of a document count as the same word.

Customers and documents name things differently ("bounced" / "returned", "another bank's ATM" / "non-network
ATM", "MLK day" / "Martin Luther King Jr. Day"), and some words stand in nearly every chunk of an institution's
documents (its own name), so they say nothing about which line answers. Term weights from the BM25 index's
inverse document frequency and a small table of customer-service synonyms handle both, for any institution.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

# Words that carry no topic: left out of term matching and keyword queries.
STOPWORDS = frozenset(
    """a an the is are was were be been do does did can could would should will shall may might must i me my we our
    you your it its this that these those there here of to in on at for from by with about as into over under and or
    but if then than so what which who whom whose when where why how much many any some all each per please tell
    know need want get got have has had am also just there's what's i'm one ones thing things stuff kind kinds
    type types way lot something anything whats hows wheres whens thats""".split()
)

# Words a customer and a document use for the same thing. Single words only (the text is matched word by
# word); a word may sit in several groups. Financial customer-service vocabulary, not any one institution's.
SYNONYM_GROUPS: list[set[str]] = [
    {"bounced", "bounce", "returned", "return", "nsf", "insufficient", "dishonored", "unpaid"},
    {"receive", "received", "receiving", "incoming", "inbound"},
    {"send", "sending", "sent", "outgoing", "outbound"},
    {"abroad", "overseas", "foreign", "international"},
    {"another", "other", "non", "network"},
    {"late", "overdue", "past"},
    {"opt", "limit"},
    {"mlk", "martin", "luther", "king"},
    {"replace", "replacement", "reissue", "reissued"},
    {"cancel", "cancellation", "close", "closing", "closure", "terminate"},
    {"lost", "stolen", "missing"},
    {"fraud", "fraudulent", "unauthorized", "scam"},
    {"dispute", "disputed", "chargeback", "error"},
    {"overdraft", "overdrawn", "overdraw"},
    {"cd", "certificate"},
    {"atm", "cashpoint"},
    {"minimum", "min", "least"},
    {"maximum", "max", "most", "cap", "limit"},
    {"interest", "apy", "apr", "yield", "dividend"},
    {"routing", "aba"},
    {"swift", "bic"},
    {"refund", "reimburse", "reimbursed", "waive", "waived"},
    {"phone", "telephone", "call", "hotline"},
    {"hours", "open", "opening"},
    {"holiday", "holidays", "closed"},
    {"car", "auto", "vehicle"},
    {"premium", "premiums"},
    {"claim", "claims"},
    {"deductible", "excess"},
    {"withdraw", "withdrawal", "withdrawals"},
]
_STEM = 5  # words sharing their first five letters are one word ("deposited" / "deposits", "fridays" / "friday")


def stem(word: str) -> str:
    """A crude stem: plural "s" dropped, then the first five letters ("fees" / "fee", "deposited" / "deposit")."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word[:_STEM] if len(word) > _STEM - 1 else word


_GROUPS: dict[str, set[str]] = {}
for _group in SYNONYM_GROUPS:
    for _word in _group:
        _GROUPS.setdefault(stem(_word), set()).update(stem(w) for w in _group)


def variants(word: str) -> set[str]:
    """The stems that count as this word: its own and its synonyms'."""
    own = stem(word)
    return _GROUPS.get(own, set()) | {own}


class TermWeights:
    """Weights question terms by how rare they are in the stored chunks; matches them through stems and synonyms.

    `idf` maps a word to its inverse document frequency (None when no chunk has it). Built per question from the
    keyword index's current idf table, so it follows the store as documents come and go.
    """

    def __init__(self, idf: Mapping[str, float] | None = None):
        self.idf = idf or {}  # word -> idf, as the keyword index has it
        self._stem_idf: dict[str, float] = {}
        for word, value in self.idf.items():
            s = stem(word)
            self._stem_idf[s] = min(value, self._stem_idf.get(s, value))
        # A word no chunk contains is the most telling one: it is what the documents lack.
        self._unknown = max(self._stem_idf.values(), default=1.0)

    def weight(self, term: str) -> float:
        if not self._stem_idf:
            return 1.0
        known = [self._stem_idf[s] for s in variants(term) if s in self._stem_idf]
        return max(known) if known else self._unknown

    def known(self, term: str) -> bool:
        """Does any stored chunk contain the term, a form of it, or a synonym? (True when there is no index.)"""
        return not self._stem_idf or bool(variants(term) & self._stem_idf.keys())

    def overlap(self, terms: Iterable[str], words: Iterable[str]) -> float:
        """Weighted share of `terms` found in `words` (0..1)."""
        present = {stem(w) for w in words}
        total = found = 0.0
        for term in set(terms):
            if not self.known(term):  # no line anywhere has it: it cannot tell lines apart
                continue
            w = self.weight(term)
            total += w
            if variants(term) & present:
                found += w
        return found / total if total else 0.0

    def expand(self, terms: Iterable[str], known: Callable[[str], bool]) -> list[str]:
        """The terms plus those synonyms the documents use, for keyword search ("bounced" -> "returned")."""
        out: list[str] = []
        for term in terms:
            out.append(term)
            for group in SYNONYM_GROUPS:
                if term in group:
                    out += [w for w in group - {term} if known(w) and w not in out]
        return out
