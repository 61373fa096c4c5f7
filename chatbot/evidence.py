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
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
STOPWORDS = frozenset(
    """a an the is are was were be been do does did can could would should will shall may might must i me my we our
    you your it its this that these those there here of to in on at for from by with about as into over under and or
    but if then than so what which who whom whose when where why how much many any some all each per please tell
    know need want get got have has had am also just there's what's i'm""".split()
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
    """Figures and names in the answer that the evidence does not contain (empty = the answer is grounded)."""
    known = {canon for _, _, canon in figures(evidence)}
    missing = [text for kind, text, canon in figures(answer) if canon not in known]
    lowered = evidence.lower()
    missing += [name for name in _NAME.findall(answer) if name.lower() not in lowered and len(name.split()) > 1
                and not all(w.lower() in STOPWORDS for w in name.split()[1:])]
    return missing


def key_terms(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1]


@dataclass
class Evidence:
    text: str  # the line or sentence quoted
    hit: Hit  # the chunk it comes from
    score: float


def candidate_lines(hit: Hit) -> list[str]:
    """A chunk's body lines (table rows stay whole), long prose cut into sentences, instructions dropped."""
    lines = hit.chunk.text.splitlines()[1:] or hit.chunk.text.splitlines()
    out: list[str] = []
    for line in lines:
        line = line.strip()
        if is_instruction(line):
            continue  # the whole paragraph: its later sentences carry the payload
        if len(line) > 240 and " | " not in line:
            out += [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line)]
        else:
            out.append(line)
    return [line for line in out if line]


def pick_evidence(question: str, hits: list[Hit], embed, max_items: int = 2, lexical_weight: float = 0.35) -> list[Evidence]:
    """The lines of the retrieved chunks that best answer the question, best first.

    `embed` maps a list of texts to unit vectors (the store's embedding model), so one encode call scores
    every candidate line against the question semantically; term overlap adds what embeddings blur.
    """
    pairs = [(line, hit) for hit in hits for line in candidate_lines(hit)]
    if not pairs:
        return []
    vectors = np.asarray(embed([question] + [f"{h.chunk.text.splitlines()[0]}: {line}" for line, h in pairs]))
    similarity = vectors[1:] @ vectors[0]
    terms = set(key_terms(question))
    scored = []
    for (line, hit), sim in zip(pairs, similarity):
        context = set(key_terms(line)) | set(key_terms(hit.chunk.text.splitlines()[0]))
        overlap = len(terms & context) / len(terms) if terms else 0.0
        scored.append(Evidence(line, hit, float(sim) * (1 - lexical_weight) + overlap * lexical_weight))
    scored.sort(key=lambda e: e.score, reverse=True)
    best = scored[0]
    chosen = [best]
    for e in scored[1:]:
        if len(chosen) >= max_items:
            break
        if e.score >= 0.9 * best.score and e.text != best.text:
            chosen.append(e)
    return chosen
