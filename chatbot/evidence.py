"""Evidence first, then a guard: pick the lines that answer, and check every figure an answer states.

A small model copies figures from the wrong line of its context more often than it invents them, so checking
figures against the whole context is not enough: the answer is checked against the chosen evidence only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from chatbot.retriever import Hit
from ingest.injection import is_instruction

_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# Figures a customer could act on. Order matters: longer forms first so "1-800-555-0199" is one phone number.
_FIGURES = [
    ("phone", r"(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}\b"),
    ("date", rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b"),
    ("time", r"\b\d{1,2}(?::\d{2})?\s?(?:a\.?m\.?|p\.?m\.?)(?=\W|$)"),
    ("money", r"(?:\$|USD\s?|€|£)\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|k)\b)?"),
    ("percent", r"\b\d+(?:\.\d+)?\s?%"),
    ("number", r"\b\d[\d,]*(?:\.\d+)?\b"),
]
FIGURE = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in _FIGURES), re.IGNORECASE)
# Two or more capitalised words: a product or institution name ("Gold Savings", "First National Bank").
_NAME = re.compile(r"\b[A-Z][a-zA-Z&'-]+(?:\s+(?:of\s+|&\s+)?[A-Z][a-zA-Z&'-]+)+")
_CITATION = re.compile(r"\[\d{1,2}\]")  # "[1]": a reference to the context, not a figure
_WORD = re.compile(r"[a-z0-9]+(?:'(?!s\b)[a-z]+)?")  # "year's" -> year
STOPWORDS = frozenset(
    """a an the is are was were be been do does did can could would should will shall may might must i me my we our
    you your it its this that these those there here of to in on at for from by with about as into over under and or
    but if then than so what which who whom whose when where why how much many any some all each per please tell
    know need want get got have has had am also just there's what's i'm one ones thing things stuff kind kinds
    type types way lot something anything""".split()
)


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
    known = {(kind, canon) for kind, _, canon in figures(evidence)}
    digit_runs = {normalise_figure("number", d) for d in re.findall(r"\d+", evidence)}
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


def key_terms(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower().replace("\u2019", "'")) if w not in STOPWORDS and len(w) > 1]


# What a question asks for -> the figure kinds that can answer it.
_ASKS = [
    (re.compile(r"\b(how much|fee|cost|charge|price|minimum|maximum|limit|balance|deposit)\b", re.I),
     {"money", "number", "percent"}),
    (re.compile(r"\b(apy|apr|interest rate|rate|percent|percentage)\b", re.I), {"percent"}),
    (re.compile(r"\b(what time|cut-?off|deadline|hours|open|close)\b", re.I), {"time", "date", "number"}),
    (re.compile(r"\b(phone|call|telephone|hotline)\b", re.I), {"phone"}),
    (re.compile(r"\b(effective|take effect|took effect|as of what date|last updated)\b", re.I), {"date"}),
]
_FREE = re.compile(r"\b(free|no (fee|charge|cost)|waived|none|not charged|n/a)\b", re.I)


def asked_kinds(question: str) -> set[str]:
    """The figure kinds that could answer the question (empty: any answer will do)."""
    kinds: set[str] = set()
    for pattern, wanted in _ASKS:
        if pattern.search(question):
            kinds |= wanted
    return kinds


def answers_kind(question: str, text: str) -> bool:
    """Does the text hold a figure of the kind the question asks for (or say it is free)?"""
    needs = asked_kinds(question)
    return not needs or bool({k for k, _, _ in figures(text)} & needs) or bool(_FREE.search(text))


@dataclass
class Evidence:
    text: str  # the line or sentence quoted
    hit: Hit  # the chunk it comes from
    score: float  # blend of the two below
    similarity: float = 0.0  # cosine(question, line)
    overlap: float = 0.0  # share of the question's key terms found in the line or its chunk's title


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


_WRAPPED = 60  # a prose line at least this long that does not end a sentence was wrapped by the page
_SENTENCE = re.compile(r"(?<=[a-z0-9%)][.!?])(?<!\b[ap]\.m\.)(?<!\bU\.S\.)\s+(?=[A-Z\"\u201c(])")
_HEADING = re.compile(r"^[A-Z][^.:;!?]{2,60}$")  # short, capitalised, no sentence punctuation
_LABELLED = re.compile(r"^[^:]{1,70}: (.+)$")
_ROW_VALUE = 45  # "Label: value" with a longer value is prose that happens to contain a colon


def _is_row(line: str) -> bool:
    """A table row as the loaders render it ("A | B", "Label: value")."""
    labelled = _LABELLED.match(line)
    return " | " in line or bool(labelled and len(labelled.group(1)) <= _ROW_VALUE)


def pick_evidence(question: str, hits: list[Hit], embed, max_items: int = 2, lexical_weight: float = 0.35,
                  kind_penalty: float = 0.2) -> list[Evidence]:
    """The lines of the retrieved chunks that best answer the question, best first.

    `embed` maps a list of texts to unit vectors (the store's embedding model), so one encode call scores
    every candidate line against the question semantically; term overlap adds what embeddings blur.
    """
    units = [(line, heading, hit) for hit in hits for line, heading in candidate_lines(hit)]
    if not units:
        return []
    vectors = np.asarray(embed([question] + [f"{h.chunk.text.splitlines()[0]}: {line}" for line, _, h in units]))
    similarity = vectors[1:] @ vectors[0]
    terms = set(key_terms(question))
    wanted = asked_kinds(question)
    scored = []
    for (line, heading, hit), sim in zip(units, similarity):
        context = set(key_terms(line)) | set(key_terms(heading)) | set(key_terms(hit.chunk.text.splitlines()[0]))
        overlap = len(terms & context) / len(terms) if terms else 0.0
        blend = float(sim) * (1 - lexical_weight) + overlap * lexical_weight
        if wanted and not answers_kind(question, line):
            blend -= kind_penalty  # "how much" is answered by a line with an amount in it
        scored.append(Evidence(line, hit, blend, float(sim), overlap))
    scored.sort(key=lambda e: e.score, reverse=True)
    best = scored[0]
    chosen = [best]
    for e in scored[1:]:
        if len(chosen) >= max_items:
            break
        if e.score >= 0.9 * best.score and e.text != best.text:
            chosen.append(e)
    return chosen
