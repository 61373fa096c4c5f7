"""Evidence first, then a guard: pick the lines that answer, and check every figure an answer states.

A small model copies figures from the wrong line of its context more often than it invents them, so checking
figures against the whole context is not enough: the answer is checked against the chosen evidence only.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from chatbot import tiers
from chatbot.retriever import Hit
from chatbot.terms import STOPWORDS, TermWeights, stem, variants
from ingest.injection import is_instruction

_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# Figures a customer could act on. Order matters: longer forms first so "1-800-555-0199" is one phone number.
_FIGURES = [
    ("phone", r"(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}\b"),
    ("date", rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b"),
    ("time", r"\b\d{1,2}(?::\d{2})?\s?(?:a\.?m\.?|p\.?m\.?)(?=\W|$)"),
    ("money", r"(?:\$|USD\s?|€|£)\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|k)\b)?"
              r"|\b\d[\d,]*(?:\.\d+)?\s?(?:dollars|usd)\b"),
    ("percent", r"\b\d+(?:\.\d+)?\s?%"),
    ("number", r"\b\d[\d,]*(?:\.\d+)?\b"),
]
FIGURE = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in _FIGURES), re.IGNORECASE)
# Two or more capitalised words: a product or institution name ("Gold Savings", "First National Bank").
_NAME = re.compile(r"\b[A-Z][a-zA-Z&'-]+(?:\s+(?:of\s+|&\s+)?[A-Z][a-zA-Z&'-]+)+")
_CITATION = re.compile(r"\[\d{1,2}\]")  # "[1]": a reference to the context, not a figure
_WORD = re.compile(r"[a-z0-9]+(?:'(?!s\b)[a-z]+)?")  # "year's" -> year


def normalise_figure(kind: str, text: str) -> str:
    """A canonical form, so "$2.50" matches "2.50 USD" and "3:00 p.m." matches "3 PM"."""
    t = text.lower()
    if kind == "phone":
        return re.sub(r"\D", "", t)[-10:]
    if kind == "time":
        digits = re.sub(r"[^\d:]", "", t)
        digits = digits[:-3] if digits.endswith(":00") else digits
        return digits + ("pm" if "p" in t else "am")
    if kind in ("money", "percent", "number"):
        value = re.sub(r"[^\d.]", "", t)
        value = value.rstrip("0").rstrip(".") if "." in value else value
        return value or t
    return re.sub(r"[\s,.]+", " ", t).strip()


def figures(text: str) -> list[tuple[str, str, str]]:
    """(kind, text as written, canonical form) of every figure in the text."""
    return [(m.lastgroup, m.group(), normalise_figure(m.lastgroup, m.group())) for m in FIGURE.finditer(text)]


def unsupported(answer: str, evidence: str) -> list[str]:
    """Figures and names in the answer that the evidence does not contain (empty = the answer is grounded).

    Kinds must agree, except that a bare number in either text may stand for an amount or a percentage
    ("8 dollars" / "$8.00"), and a bare number in the answer may be any digit run of the evidence ("3" of
    "3:00 p.m.", so that a partly streamed time is not refused before its "p.m." arrives).
    """
    answer = _CITATION.sub(" ", answer)
    known, digit_runs = _known_figures(evidence)
    missing = []
    for kind, text, canon in figures(answer):
        if (kind, canon) in known:
            continue
        if kind in ("money", "percent") and ("number", canon) in known:
            continue
        if kind == "number" and (canon in digit_runs or any(c == canon for _, c in known)):
            continue
        missing.append(text)
    lowered = evidence.lower()
    for name in _NAME.findall(answer):
        words = name.split()
        while words and words[0].lower() in STOPWORDS:  # "The APR", "Our Gold Savings"
            words.pop(0)
        if len(words) > 1 and any(w[1:].islower() for w in words) and " ".join(words).lower() not in lowered:
            missing.append(" ".join(words))
    return missing


# The prompt's own format coming back: a numbered context line, or its "Context:"/"Question:" headers.
_ECHO = re.compile(r"^\s*\[\d{1,2}\]|\[\d{1,2}\]\s*\(|^\s*(?:context|question)\s*:", re.I | re.M)
_NEGATION = re.compile(r"\b(?:no|not|never|none|nothing|cannot)\b|n['\u2019]t\b", re.I)


def echoes_prompt(text: str) -> bool:
    """Does (the start of) the model's text repeat the prompt's numbered context instead of answering?"""
    return bool(_ECHO.search(text))


def unsupported_claim(sentence: str, allowed: str, min_support: float) -> str:
    """Why a sentence of the model says more than the evidence ('' when its words are the evidence's).

    The figure check cannot see an invented claim ("a replacement card is a rare and expensive item"); a
    sentence whose content words are mostly absent from the evidence and the question makes one. Forms and
    synonyms count ("waived" / "waive", "returned" / "bounced"). A sentence that repeats the prompt's numbered
    context format is refused too: the quoted evidence says the same, readably.
    """
    if echoes_prompt(sentence):
        return "repeats the context format"
    if negates(sentence, allowed):
        return "negates what the evidence states"
    words, missing = claim_words(sentence, allowed)
    if len(missing) >= 2 and 1 - len(missing) / len(words) < min_support:
        return "says more than the evidence: " + ", ".join(missing)
    return ""


def negates(sentence: str, allowed: str) -> bool:
    """A "not"/"no" the evidence does not have ("No, branches are not closed" against "Branch status: Closed")."""
    return bool(_NEGATION.search(sentence)) and not _negated(allowed)


# The guard checks every streamed word against the same evidence text: what that text holds is derived once.
@lru_cache(maxsize=64)
def _negated(allowed: str) -> bool:
    return bool(_NEGATION.search(allowed))


@lru_cache(maxsize=64)
def _stems(allowed: str) -> frozenset[str]:
    return frozenset(stem(w) for w in key_terms(allowed))


@lru_cache(maxsize=64)
def _known_figures(evidence: str) -> tuple[frozenset[tuple[str, str]], frozenset[str]]:
    """(kind, canonical form) of the evidence's figures, and its digit runs."""
    evidence = _CITATION.sub(" ", evidence)
    return (frozenset((kind, canon) for kind, _, canon in figures(evidence)),
            frozenset(normalise_figure("number", d) for d in re.findall(r"\d+", evidence)))


def claim_words(sentence: str, allowed: str) -> tuple[list[str], list[str]]:
    """The sentence's content words, and those of them (in any form or synonym) absent from `allowed`."""
    words = [w for w in key_terms(_CITATION.sub(" ", sentence)) if not w[0].isdigit()]
    known = _stems(allowed)
    return words, [w for w in words if not variants(w) & known]


def key_terms(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower().replace("\u2019", "'")) if w not in STOPWORDS and len(w) > 1]


# What a question asks for -> the figure kinds that can answer it.
_ASKS = [
    # A price is an amount or a percentage (or "free"); a bare number ("Rev. 09/2025") is not a price.
    (re.compile(r"\b(how much|fees?|costs?|price|commissions?|premiums?|deductibles?|discounts?)\b", re.I),
     {"money", "percent"}),
    # "a card charge" is a transaction, and a penalty may be "90 days of interest": a count can answer these.
    (re.compile(r"\b(charges?|penalty|minimum|maximum|limit|balance|deposit|coverage amounts?)\b", re.I),
     {"money", "number", "percent"}),
    (re.compile(r"\bhow many\b", re.I), {"number"}),
    (re.compile(r"\b(apy|apr|interest rate|rate|percent|percentage)\b", re.I), {"percent"}),
    (re.compile(r"\b(what time|cut-?off|deadline|hours|open|close)\b", re.I), {"time", "date", "number"}),
    (re.compile(r"\b(phone|telephone|hotline|fax) (number|line)|\b(number|who|where) (do|should|can) i (call|phone)\b"
                r"|\bcall (you|us)\b|\bwhat number\b", re.I), {"phone"}),
    (re.compile(r"\b(effective|take effect|took effect|as of what date|last updated)\b", re.I), {"date"}),
]
_FREE = re.compile(r"\b(free|no (fee|charge|cost|minimum|maximum|limit)s?|waived|none|not charged|n/a"
                   r"|not required|no [\w ]{0,25} required)\b", re.I)


# "How do I sign up for direct deposit?" asks for a procedure, whatever nouns it uses.
_PROCEDURE = re.compile(r"^\W*(how (do|can|should|would) (i|we)|how to)\b(?!.*\bhow (much|many)\b)", re.I)


def asked_kinds(question: str) -> set[str]:
    """The figure kinds that could answer the question (empty: any answer will do)."""
    if _PROCEDURE.match(question):
        return set()
    kinds: set[str] = set()
    for pattern, wanted in _ASKS:
        if pattern.search(question):
            kinds |= wanted
    return kinds


def answers_kind(question: str, text: str) -> bool:
    """Does the text hold a figure of the kind the question asks for (or say it is free)?"""
    needs = asked_kinds(question)
    text = _CITATION.sub(" ", text)  # "[2]" is a reference, not a count
    return not needs or bool({k for k, _, _ in figures(text)} & needs) or bool(_FREE.search(text))


@dataclass
class Evidence:
    text: str  # the line or sentence quoted
    hit: Hit  # the chunk it comes from
    score: float  # blend of the two below
    similarity: float = 0.0  # cosine(question, line)
    overlap: float = 0.0  # share of the question's key terms found in the line or its chunk's title
    heading: str = ""  # the heading or FAQ question above the line: what a bare row or answer is about
    reader: float | None = None  # the learned reader's P(this answers the question), when one is configured


def candidate_lines(hit: Hit) -> list[tuple[str, str]]:
    """A chunk's answer-sized units with the heading above each: (text, heading).

    Table rows stay whole; hard-wrapped prose is re-joined and cut into sentences: PDF and plain-text prose
    arrives wrapped at the page width, so a sentence can straddle lines ("…keep a" / "minimum daily balance
    of $1,500…"); a line that is long and does not end a sentence is joined to the next. The heading ("ATM and
    Debit Card Fees") says what a bare row ("Foreign transaction fee: 2%") is about. Instruction-like
    paragraphs are dropped whole: their later sentences carry the payload.
    """
    header, *lines = hit.chunk.text.splitlines() or [""]
    heading = header
    paragraphs: list[tuple[str, str]] = []
    if hit.chunk.effective_date:  # stored as metadata; most chunks of a document no longer state it
        paragraphs.append((f"{header.split(' > ')[0]}: effective {hit.chunk.effective_date}", header))
    current = ""
    for line in (raw.strip() for raw in lines):
        if current and (not line or _is_row(line)):
            paragraphs.append((current, heading))
            current = ""
        if not line:
            continue
        if _is_row(line):
            paragraphs.append((line, heading))
            continue
        if not current and _QUESTION.match(line):  # an FAQ's question heads its answer and is never one itself
            heading = line
            continue
        if not current and _HEADING.match(line):
            heading = line
        current = f"{current} {line}".strip()
        if len(line) < _WRAPPED or line.endswith((".", "!", "?", ":")):
            paragraphs.append((current, heading))
            current = ""
    if current:
        paragraphs.append((current, heading))
    out: list[tuple[str, str]] = []
    for paragraph, above in paragraphs:
        if is_instruction(paragraph):
            continue
        if _is_row(paragraph):
            out.append((paragraph, above))
        else:
            out += [(s.strip(), above) for s in _SENTENCE.split(paragraph) if s.strip()]
    return out


_QUESTION = re.compile(r"^[A-Z][^.!?]{5,150}\?$")
_WRAPPED = 60  # a prose line at least this long that does not end a sentence was wrapped by the page
_SENTENCE = re.compile(r"(?<=[a-z0-9%)][.!?])(?<!\b[ap]\.m\.)(?<!\bU\.S\.)\s+(?=[A-Z\"\u201c(])")
_HEADING = re.compile(r"^[A-Z][^.:;!?]{2,60}$")  # short, capitalised, no sentence punctuation
_LABELLED = re.compile(r"^[^:]{1,70}: (.+)$")
_ROW_VALUE = 45  # "Label: value" with a longer value is prose that happens to contain a colon


def _is_row(line: str) -> bool:
    """A table row as the loaders render it ("A | B", "Label: value")."""
    labelled = _LABELLED.match(line)
    return " | " in line or bool(labelled and len(labelled.group(1)) <= _ROW_VALUE)


# "What's the fee, and how many per day?": two questions in one, each needing its own evidence line.
_PARTS = re.compile(
    r"(?:,\s*|\s+)(?:and|also|plus)\s+(?=(?:how|what|when|where|which|who|can|do|does|is|are|will|if)\b)"
    r"|(?<=\?)\s+(?=\S)", re.I)


def question_parts(question: str) -> list[str]:
    """The sub-questions of a compound question (the question itself when it asks one thing)."""
    parts: list[str] = []
    for piece in (p.strip() for p in _PARTS.split(question)):
        if parts and len(key_terms(piece)) < 2:  # "… MLK day? what date?" is still one question
            parts[-1] = f"{parts[-1]} {piece}"
        elif piece:
            parts.append(piece)
    return parts if len(parts) > 1 else [question]


class LineVectors:
    """The candidate lines of each chunk with their embeddings, computed once per chunk and kept (LRU-bounded).

    Scoring lines costs an embedding per line; the same top chunks come back for many questions, so after the
    first question about a topic only the question itself is embedded. Keyed by chunk id, which changes with the
    file's content. Shared by the web app's threads.
    """

    def __init__(self, embed, max_chunks: int = 512):
        self.embed = embed  # list of texts -> unit vectors (the store's model)
        self.max_chunks = max_chunks
        self._cache: OrderedDict[str, tuple[list[tuple[str, str]], np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    def warm(self, chunks: list, batch: int = 32) -> int:
        """Compute the line vectors of up to `max_chunks` chunks ahead of any question (the web app starts this
        in the background), so the first customers do not pay for them; returns how many chunks."""
        hits = [Hit(c, 0.0) for c in chunks[: self.max_chunks]]
        for i in range(0, len(hits), batch):
            self.lines(hits[i: i + batch])
        return len(hits)

    def lines(self, hits: list[Hit]) -> tuple[list[tuple[str, str, Hit]], np.ndarray]:
        """(line, heading, hit) of every hit's candidate lines, and their vectors, row for row."""
        with self._lock:
            known = {h.chunk.id: self._cache[h.chunk.id] for h in hits if h.chunk.id in self._cache}
        todo = [(h, candidate_lines(h)) for h in hits if h.chunk.id not in known]
        # An FAQ answer is embedded with its question: "You may apply as soon as you become a member" alone
        # says nothing about loans.
        texts = [f"{h.chunk.text.splitlines()[0]}: {above + ' ' if above.endswith('?') else ''}{line}"
                 for h, lines in todo for line, above in lines]
        vectors = np.asarray(self.embed(texts)) if texts else np.zeros((0, 0))
        at = 0
        for hit, lines in todo:
            known[hit.chunk.id] = (lines, vectors[at: at + len(lines)])
            at += len(lines)
        with self._lock:
            for hit, _ in todo:
                self._cache[hit.chunk.id] = known[hit.chunk.id]
            for hit in hits:
                self._cache.move_to_end(hit.chunk.id)
            while len(self._cache) > self.max_chunks:
                self._cache.popitem(last=False)
        units = [(line, heading, h) for h in hits for line, heading in known[h.chunk.id][0]]
        rows = [known[h.chunk.id][1] for h in hits if len(known[h.chunk.id][0])]
        return units, (np.vstack(rows) if rows else np.zeros((0, 0)))


def pick_evidence(question: str, hits: list[Hit], lines: LineVectors, max_items: int = 2,
                  lexical_weight: float = 0.35, kind_penalty: float = 0.2,
                  weights: TermWeights | None = None, tier_weight: float = 0.15, reader=None,
                  reader_weight: float = 0.5, reader_candidates: int = 16, within: float = 0.9) -> list[Evidence]:
    """The lines of the retrieved chunks that best answer the question, best first: the best one and those
    scoring at least `within` of it, `max_items` in all (one per part when the question asks several things).

    Every candidate line is scored against the question (and each part of a compound question) by embedding
    similarity (line vectors from `lines`, so only the question is embedded here); term overlap, weighted by
    how rare each term is and matched through synonyms, adds what embeddings blur; a tier whose balance range
    holds the amount the question names gains `tier_weight`, one whose range excludes it loses it. A learned
    `reader` (chatbot/reader.py) then rescores the best `reader_candidates`: its probability takes
    `reader_weight` of the score they are ordered by (their `score` stays the heuristic one).
    """
    units, line_vectors = lines.lines(hits)
    if not units:
        return []
    weights = weights or TermWeights()
    asks = question_parts(question)  # [question] when it asks one thing
    ask_vectors = np.asarray(lines.embed(asks))
    contexts = [set(key_terms(line)) | set(key_terms(heading)) | set(key_terms(hit.chunk.text.splitlines()[0]))
                for line, heading, hit in units]
    ranked: list[list[Evidence]] = []
    for i, ask in enumerate(asks):
        similarity = line_vectors @ ask_vectors[i]
        terms = key_terms(ask)
        wanted = asked_kinds(ask)
        money = tiers.amounts(ask)  # once per question part, not per candidate line
        scored = []
        for (line, heading, hit), context, sim in zip(units, contexts, similarity):
            overlap = weights.overlap(terms, context)
            blend = float(sim) * (1 - lexical_weight) + overlap * lexical_weight
            if wanted and not answers_kind(ask, line):
                blend -= kind_penalty  # "how much" is answered by a line with an amount in it
            blend += tier_weight * tiers.fit(money, line)
            scored.append(Evidence(line, hit, blend, float(sim), overlap, heading))
        scored.sort(key=lambda e: e.score, reverse=True)
        if reader is not None:
            top = scored[:reader_candidates]
            probabilities = reader.scores(ask, [f"{e.hit.chunk.text.splitlines()[0]}: {e.text}" for e in top])
            for e, p in zip(top, probabilities):
                e.reader = float(p)
            # The reader reorders; the heuristic score stays what the abstention thresholds were calibrated on.
            top.sort(key=lambda e: (1 - reader_weight) * e.score + reader_weight * e.reader, reverse=True)
            scored = top + scored[reader_candidates:]
        ranked.append(scored)
    if len(ranked) > 1:  # the best line for each part, in the order asked
        chosen: list[Evidence] = []
        for scored in ranked:
            best = next((e for e in scored if all(e.text != c.text for c in chosen)), None)
            if best is not None:
                chosen.append(best)
        return chosen
    return near_best(ranked[0], max_items, within)


def near_best(scored: list[Evidence], max_items: int, within: float = 0.9) -> list[Evidence]:
    """The best of `scored` (best first) and those scoring at least `within` of it, `max_items` in all (the best
    always)."""
    if not scored:
        return []
    best = scored[0]
    near = [e for e in scored[1:] if e.score >= within * best.score and e.text != best.text]
    return [best, *near][:max(max_items, 1)]
