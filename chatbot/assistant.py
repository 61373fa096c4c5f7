"""The answer flow: check the question -> retrieve -> pick evidence -> abstain or generate -> guard -> cite.

`Assistant.stream` yields text pieces as they may be shown, then one final `Answer`, which is authoritative:
when the guard stops the model mid-answer, the final text (the documents' own words, quoted) replaces it.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from typing import Iterator, Sequence

from chatbot import prompts
from chatbot.evidence import Evidence, figures, key_terms, pick_evidence, unsupported
from chatbot.retriever import Retriever

log = logging.getLogger(__name__)

# Words that say what kind of thing is asked, not which thing: they do not count towards coverage.
GENERIC_TERMS = frozenset(
    """fee fees charge charges charged cost costs price pay paying amount rate rates much long
    number numbers bank banks time times limit limits does get take often need use using""".split()
)
# What a question asks for -> the figure kinds that can answer it.
_ASKS = [
    (re.compile(r"\b(how much|fee|cost|charge|price|minimum|maximum|limit|balance|deposit)\b", re.I),
     {"money", "number", "percent"}),
    (re.compile(r"\b(apy|apr|interest rate|rate|percent|percentage)\b", re.I), {"percent"}),
    (re.compile(r"\b(what time|cut-?off|deadline|hours|open|close)\b", re.I), {"time", "date", "number"}),
    (re.compile(r"\b(phone|call|telephone|hotline)\b", re.I), {"phone"}),
]
_FREE = re.compile(r"\b(free|no (fee|charge|cost)|waived|none|not charged|n/a)\b", re.I)
_ANAPHORA = re.compile(r"^(and|what about|how about|also)\b|\b(it|that|this|those|these|they|them|its|one)\b", re.I)


@dataclass
class Citation:
    n: int
    file: str
    page: int | None
    section: str
    effective_date: str
    text: str  # the whole chunk, for a customer who opens the source
    score: float

    def label(self) -> str:
        where = f"page {self.page}" if self.page else self.section
        return f"{self.file}, {where}" if where else self.file


@dataclass
class Answer:
    question: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    reason: str = "answered"  # answered | quoted | no_evidence | out_of_scope | empty | too_long
    unsupported: list[str] = field(default_factory=list)  # figures the guard refused to show
    timings: dict[str, float] = field(default_factory=dict)
    model: str = ""


class Assistant:
    def __init__(self, settings, retriever: Retriever, generator, redactor):
        self.settings = settings
        self.retriever = retriever
        self.generator = generator  # None = answer with the quoted evidence only
        self.redactor = redactor
        self._contact: str | None = settings.assistant.contact_route or None

    @classmethod
    def from_settings(cls, settings, store=None, use_model: bool = True) -> Assistant:
        """Wire the store, retriever, generator and redactor that the settings name."""
        from chatbot.generator import make_generator
        from ingest.redact import Redactor
        from vectorstore.store import ChunkStore

        store = store or ChunkStore(settings)
        generator = make_generator(settings.generation) if use_model else None
        redactor = Redactor(detect_names=settings.ingest.detect_names, names_model=settings.ingest.names_model)
        return cls(settings, Retriever(store, settings.retrieval), generator, redactor)

    # --- public ------------------------------------------------------------------------------

    def ask(self, question: str, history: Sequence[dict[str, str]] = ()) -> Answer:
        """The whole answer at once (for batch use and tests)."""
        *_, answer = self.stream(question, history)
        return answer

    def stream(self, question: str, history: Sequence[dict[str, str]] = ()) -> Iterator[str | Answer]:
        start = time.perf_counter()
        a = self.settings.assistant
        q = question.strip()
        limit = self.settings.generation.max_question_chars
        if not q:
            yield from self._canned(question, prompts.EMPTY_QUESTION, "empty", start)
            return
        if len(q) > limit:
            yield from self._canned(question, prompts.TOO_LONG.format(length=len(q), limit=limit), "too_long", start)
            return
        if prompts.is_advice_request(q):
            text = prompts.OUT_OF_SCOPE.format(disclaimer=a.disclaimer, contact=self.contact())
            yield from self._canned(q, text, "out_of_scope", start)
            return

        query = self.standalone(q, history)
        hits = self.retriever.retrieve(query)
        evidence = pick_evidence(query, hits, self.retriever.store.embed, a.evidence_lines, a.lexical_weight)
        retrieved = time.perf_counter()
        why = self.uncovered(query, evidence)
        if why:
            log.info("abstained (%s): %r", why, q)
            yield from self._canned(q, prompts.IDK.format(contact=self.contact()), "no_evidence", start)
            return

        citations = _citations(evidence)
        number = {c.file + str(c.page) + c.section: c.n for c in citations}
        quotes = [(number[_key(e)], citations[number[_key(e)] - 1].label(), e.text) for e in evidence]
        answer = Answer(q, "", citations, model=getattr(self.generator, "name", "quote"))
        text, first = "", None
        if self.generator is not None:
            for piece in self._guarded(q, quotes, answer):
                first = first or time.perf_counter()
                text += piece
                yield piece
        needs = _asked_kinds(q)
        if answer.unsupported or not text.strip() or (needs and not {k for k, _, _ in figures(text)} & needs
                                                      and not _FREE.search(text)):
            answer.reason = "quoted"
            text = _quote(quotes)
            if first is None:
                first = time.perf_counter()
                yield text
        dated = sorted({c.effective_date for c in citations if c.effective_date})
        if dated and "as of" not in text.lower():
            text += f" (as of {dated[0]})"
        if not re.search(r"\[\d\]", text):
            text += f" [{citations[0].n}]"
        answer.text, found = self.redactor.redact(text)
        if found:
            log.warning("output filter redacted %s", dict(found))
        answer.timings = {"retrieve_s": retrieved - start, "ttft_s": (first or time.perf_counter()) - start,
                          "total_s": time.perf_counter() - start}
        yield answer

    # --- steps -------------------------------------------------------------------------------

    def standalone(self, question: str, history: Sequence[dict[str, str]]) -> str:
        """A follow-up ("and for international ones?") is searched together with the previous question."""
        previous = [m["content"] for m in history if m.get("role") == "user"]
        if previous and (len(key_terms(question)) <= 3 or _ANAPHORA.search(question)):
            return f"{previous[-1]} {question}"
        return question

    def uncovered(self, question: str, evidence: list[Evidence]) -> str:
        """Why the evidence does not answer the question ('' when it does)."""
        a = self.settings.assistant
        if not evidence:
            return "nothing retrieved"
        best = evidence[0]
        if best.score < a.min_evidence_score:
            return f"evidence score {best.score:.2f} < {a.min_evidence_score}"
        lines = " ".join(e.text for e in evidence)
        context = " ".join(e.hit.chunk.text for e in evidence).lower()
        for name in _names(question):
            if name.lower() not in context:
                return f"{name!r} is not in the documents"
        known = {canon for _, _, canon in figures(context)}
        for kind, text, canon in figures(question):
            if canon not in known:
                return f"{text!r} is not in the evidence"
        terms = [t for t in set(key_terms(question)) if t not in GENERIC_TERMS]
        if terms:
            present = set(key_terms(lines)) | set(key_terms(best.hit.chunk.text.splitlines()[0]))
            covered = sum(any(_similar(t, p) for p in present) for t in terms) / len(terms)
            if covered < a.min_coverage:
                return f"coverage {covered:.2f} < {a.min_coverage}"
        needs = _asked_kinds(question)
        if needs and not {k for k, _, _ in figures(lines)} & needs and not _FREE.search(lines):
            return f"no {'/'.join(sorted(needs))} in the evidence"
        return ""

    def contact(self) -> str:
        """The contact route: from settings, else the customer-service number the documents publish."""
        if self._contact is None:
            self._contact = "contact our customer service team"
            for hit in self.retriever.retrieve("customer service phone number call us", k=3):
                for line in hit.chunk.text.splitlines()[1:]:
                    phones = [text for kind, text, _ in figures(line) if kind == "phone"]
                    if phones and re.search(r"customer (service|care|support)|call us|contact", line, re.I):
                        self._contact = f"call customer service at {phones[0]}"
                        return self._contact
        return self._contact

    def _guarded(self, question: str, quotes: list[tuple[int, str, str]], answer: Answer) -> Iterator[str]:
        """Stream the model's answer, releasing text only up to the last complete word whose figures
        are in the quoted evidence; the first unsupported figure stops the model."""
        context = prompts.context_block(quotes)
        system = prompts.SYSTEM_PROMPT.format(institution=self.settings.assistant.institution, contact=self.contact())
        messages = [{"role": "system", "content": system},
                    {"role": "user", "content": prompts.USER_PROMPT.format(context=context, question=question)}]
        allowed = f"{context}\n{question}\n{self.contact()}"
        buffer, released = "", 0
        stream = self.generator.stream(messages)
        try:
            for piece in stream:
                buffer += piece
                safe = max(buffer.rfind(" "), buffer.rfind("\n"))
                if safe <= released:
                    continue
                bad = unsupported(buffer[:safe], allowed)
                if bad:
                    answer.unsupported = bad
                    log.warning("guard stopped the model: %s not in the evidence", bad)
                    return
                yield buffer[released:safe]
                released = safe
            bad = unsupported(buffer, allowed)
            if bad:
                answer.unsupported = bad
                log.warning("guard replaced the answer: %s not in the evidence", bad)
                return
            if buffer[released:]:
                yield buffer[released:]
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()

    def _canned(self, question: str, text: str, reason: str, start: float) -> Iterator[str | Answer]:
        yield text
        elapsed = time.perf_counter() - start
        yield Answer(question, text, abstained=True, reason=reason,
                     timings={"retrieve_s": 0.0, "ttft_s": elapsed, "total_s": elapsed},
                     model=getattr(self.generator, "name", "quote"))


def _key(e: Evidence) -> str:
    return e.hit.chunk.file + str(e.hit.chunk.page) + e.hit.chunk.section


def _citations(evidence: list[Evidence]) -> list[Citation]:
    out: dict[str, Citation] = {}
    for e in evidence:
        c = e.hit.chunk
        out.setdefault(_key(e), Citation(len(out) + 1, c.file, c.page, c.section, c.effective_date, c.text, e.score))
    return list(out.values())


def _quote(quotes: list[tuple[int, str, str]]) -> str:
    """The evidence as the answer: each line quoted with its citation number."""
    parts = []
    for n, _, text in quotes:
        text = text.strip().rstrip(".")
        parts.append(f"\u201c{text}.\u201d [{n}]")
    return f"{prompts.GUARD_NOTE} " + " ".join(parts)


def _asked_kinds(question: str) -> set[str]:
    kinds: set[str] = set()
    for pattern, wanted in _ASKS:
        if pattern.search(question):
            kinds |= wanted
    return kinds


def _names(question: str) -> list[str]:
    """Capitalised words after the first, joined: products or institutions the question names."""
    words = re.findall(r"[A-Za-z][\w&'-]*", question)
    names, current = [], []
    for i, word in enumerate(words):
        if i > 0 and word[0].isupper() and word.lower() not in ("i", "i'm", "i've") and not word.isupper():
            current.append(word)
        elif current:
            names.append(" ".join(current))
            current = []
    if current:
        names.append(" ".join(current))
    return names


def _similar(term: str, present: str) -> bool:
    """Same word, or the same stem, or one typo apart (customers misspell)."""
    if term == present or (len(term) > 4 and len(present) > 4 and term[:5] == present[:5]):
        return True
    if abs(len(term) - len(present)) > 1 or len(term) < 5:
        return False
    from difflib import SequenceMatcher

    return SequenceMatcher(None, term, present).ratio() >= 0.85
