"""The answer flow: check the question -> retrieve -> pick evidence -> abstain or generate -> guard -> cite.

`Assistant.stream` yields text pieces as they may be shown, then one final `Answer`, which is authoritative:
when the guard stops the model mid-answer, the final text (the documents' own words, quoted) replaces it.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Iterator, Sequence

from chatbot import handoff, prompts
from chatbot.abstain import Abstainer
from chatbot.evidence import (Evidence, LineVectors, answers_kind, asked_kinds, claim_words, echoes_prompt, figures,
                              key_terms, near_best, negates, pick_evidence, question_parts, unsupported,
                              unsupported_claim)
from chatbot.retriever import Retriever

log = logging.getLogger(__name__)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n")
_CITE = re.compile(r"\s*\[(\d+)\]")
_IDK_START = re.compile(r"\W*(i'?m sorry|sorry|i (don'?t|do not) know|unfortunately|i can'?t|i cannot)\b", re.I)
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
    reason: str = "answered"  # answered | quoted | no_evidence | handoff | out_of_scope | guide | empty | too_long
    # (model_abstained: while the model answers, before the answer is the canned no_evidence one)
    unsupported: list[str] = field(default_factory=list)  # figures the guard refused to show
    records: list[str] = field(default_factory=list)  # the evidence whose figures the answer may state
    picked: int = 0  # the candidate the model cited (assistant.model_picks), 1-based; 0 = none
    timings: dict[str, float] = field(default_factory=dict)
    model: str = ""


class Assistant:
    def __init__(self, settings, retriever: Retriever, generator, redactor):
        self.settings = settings
        self.retriever = retriever
        self.generator = generator  # None = answer with the quoted evidence only
        self.redactor = redactor
        self._contact: str | None = settings.assistant.contact_route or None
        self.abstainer = Abstainer(settings.assistant)
        self._asking = 0  # questions being answered right now, in any thread
        self._asking_lock = threading.Lock()
        self.lines = LineVectors(retriever.store.embed, settings.assistant.line_cache_chunks)
        self.handoff = handoff.Handoff(retriever.store.embed, settings.assistant.handoff_similarity)
        self.reader = None
        if settings.assistant.reader:
            from chatbot.reader import Reader

            self.reader = Reader(settings.assistant.reader)

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

    def ask(self, question: str, history: Sequence[dict[str, str]] = (),
            audiences: Sequence[str] = ("public",)) -> Answer:
        """The whole answer at once (for batch use and tests)."""
        *_, answer = self.stream(question, history, audiences)
        return answer

    def stream(self, question: str, history: Sequence[dict[str, str]] = (),
               audiences: Sequence[str] = ("public",)) -> Iterator[str | Answer]:
        """Answer pieces, then the final `Answer`, from documents of those audiences: customers see only public
        ones; staff asking for themselves pass ("public", "staff")."""
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
        urgent = ""
        if intent := self.handoff.intent(q):  # a lost card or fraud: a person's number now, no retrieval, no model
            urgent = handoff.reply(intent, a.institution, self.settings.contact)
            if not asked_kinds(q):
                yield from self._canned(q, urgent, "handoff", start)
                return
            yield urgent + "\n\n"  # "I lost my card, what's the replacement fee?": the line first, then the fee
        if prompts.is_advice_request(q):
            text = prompts.OUT_OF_SCOPE.format(disclaimer=a.disclaimer, contact=self.contact())
            yield from self._canned(q, text, "out_of_scope", start)
            return
        if prompts.is_small_talk(q):  # "help", "hi", "thanks": what can be asked, not the last answer again
            text = prompts.GUIDE.format(institution=a.institution, contact=self.contact())
            yield from self._canned(q, text, "guide", start)
            return

        with self._asking_lock:
            self._asking += 1
        try:
            for item in self._answer(q, history, start, audiences):
                if urgent and isinstance(item, Answer):
                    item.text = f"{urgent}\n\n{item.text}"
                yield item
        finally:
            with self._asking_lock:
                self._asking -= 1

    def _model_free(self) -> bool:
        """Under load (more questions at once than the model answers at once) every customer gets the quoted
        evidence: a model answer would hold a core for a second while the others wait, and on the embedded
        model the quote is the more accurate answer anyway. With no queue, the model answers. A question counts
        from retrieval to its last word, so at most `model_slots` questions ever pass this together."""
        with self._asking_lock:
            return self._asking <= self.settings.assistant.model_slots

    def _answer(self, q: str, history: Sequence[dict[str, str]], start: float,
                audiences: Sequence[str]) -> Iterator[str | Answer]:
        a = self.settings.assistant
        picks = a.model_picks and self.generator is not None
        for query in self.readings(q, history):
            hits = self.retriever.retrieve(query, audiences=audiences)
            weights = self.retriever.term_weights()
            candidates = pick_evidence(query, hits, self.lines, max(a.evidence_lines, a.model_records if picks else 0),
                                       a.lexical_weight, a.kind_penalty, weights, a.tier_weight, self.reader,
                                       a.reader_weight, a.reader_candidates, within=0.0 if picks else 0.9)
            several = len(question_parts(query)) > 1  # then the candidates are one per part already
            # the abstention rules were calibrated on what pick_evidence picks by default
            evidence = near_best(candidates, a.evidence_lines) if picks and not several else candidates
            why = self.abstainer.why_not(query, evidence, hits, weights)
            if not why:
                break
        retrieved = time.perf_counter()
        if why:
            log.info("abstained (%s): %r", why, q)
            yield from self._canned(q, prompts.IDK.format(contact=self.contact()), "no_evidence", start)
            return
        if picks and not several and self._model_free():
            yield from self._picked(q, candidates[:a.model_records], start, retrieved)
            return

        cited = _citations(evidence)
        citations = list(cited.values())
        quotes = [(cited[_key(e)].n, cited[_key(e)].label(), e.text) for e in evidence]
        # The model may state only figures of the record that answers (of each part's record when the question
        # asks several things): a figure of a neighbouring row is in the context too, but prices something else.
        answering = evidence if several else evidence[:1]
        answer = Answer(q, "", citations, model=getattr(self.generator, "name", "quote"),
                        records=[e.text for e in answering])
        text, first = "", None
        if self.generator is not None and self._model_free():
            for piece in self._guarded(q, quotes, answer):
                first = first or time.perf_counter()
                yield piece
            text = answer.text  # what passed the guard, whole sentences
        elif self.generator is not None:
            log.info("model busy: answering with the quoted evidence")
        if not text.strip() or not answers_kind(q, text) or not _states_best(q, text, evidence[0].text):
            answer.reason = "quoted"
            answer.records = [e.text for e in evidence]
            text = _quote(quotes)
            if first is None:
                first = time.perf_counter()
                yield text
        yield self._finished(answer, text, first, start, retrieved)

    def _finished(self, answer: Answer, text: str, first: float | None, start: float, retrieved: float) -> Answer:
        """The final answer: cited, dated, redacted, timed."""
        citations = answer.citations
        text = text.strip()
        if not re.search(r"\[\d\]", text):
            text += f" [{citations[0].n}]"
        dated = sorted({c.effective_date for c in citations if c.effective_date})
        if dated and "as of" not in text.lower():
            text += f" (as of {dated[0]})"
        answer.text, found = self.redactor.redact(text)
        if found:
            log.warning("output filter redacted %s", dict(found))
        answer.timings = {"retrieve_s": retrieved - start, "ttft_s": (first or time.perf_counter()) - start,
                          "total_s": time.perf_counter() - start}
        return answer

    def _picked(self, q: str, records: list[Evidence], start: float, retrieved: float) -> Iterator[str | Answer]:
        """The model picks: it sees the candidates numbered one by one, cites the one that answers and says it,
        or says it does not know. Every figure it writes must be in the record it cited; a refused or empty
        answer becomes that record quoted (the best candidate's when it cited none)."""
        answer = Answer(q, "", [], model=getattr(self.generator, "name", "quote"))
        first = None
        for piece in self._guarded(q, [(i, "", e.text) for i, e in enumerate(records, 1)], answer, picks=records):
            first = first or time.perf_counter()
            yield piece
        if answer.reason == "model_abstained":
            yield from self._canned(q, prompts.IDK.format(contact=self.contact()), "no_evidence", start)
            return
        pick = records[answer.picked - 1] if answer.picked else records[0]
        answer.citations = list(_citations([pick]).values())
        answer.records = [pick.text]
        text = answer.text
        if not text.strip() or not answers_kind(q, text):
            answer.reason = "quoted"
            text = _quote([(1, "", pick.text)])
            if first is None:
                first = time.perf_counter()
                yield text
        yield self._finished(answer, text, first, start, retrieved)

    # --- steps -------------------------------------------------------------------------------

    def readings(self, question: str, history: Sequence[dict[str, str]]) -> list[str]:
        """The queries to try in turn until one finds an answer: a follow-up that leans on the conversation
        ("and for international ones?") is read with the previous question first; a short question without such
        a word is read alone first, and with the previous question only if alone it finds nothing; a longer one
        is a new topic and is read alone, so it is never answered with the previous topic's figures."""
        previous = [m["content"] for m in history if m.get("role") == "user"]
        if not previous:
            return [question]
        combined = f"{previous[-1]} {question}"
        if _ANAPHORA.search(question):
            return [combined, question]
        return [question, combined] if len(key_terms(question)) <= 3 else [question]

    def contact(self) -> str:
        """The contact route: from settings, else the customer-service number the public documents publish."""
        if self._contact is None:
            self._contact = "contact our customer service team"
            for hit in self.retriever.retrieve("customer service phone number call us", k=3, audiences=("public",)):
                for line in hit.chunk.text.splitlines()[1:]:
                    phones = [text for kind, text, _ in figures(line) if kind == "phone"]
                    if phones and re.search(r"customer (service|care|support)|call us|contact", line, re.I):
                        self._contact = f"call customer service at {phones[0]}"
                        return self._contact
        return self._contact

    def _guarded(self, question: str, quotes: list[tuple[int, str, str]], answer: Answer,
                 picks: list[Evidence] | None = None) -> Iterator[str]:
        """Stream the model's answer word by word, releasing only checked text; `answer.text` ends as the part
        of it that passed every check, whole sentences only.

        Every figure and name must be in the answering record (`answer.records`) before its word is shown. A
        sentence whose words are mostly not the evidence's (an invented claim) is held back from its second such
        word and judged whole when it ends. The first refusal stops the model.

        With `picks` (the candidates the context numbers one by one) the answering record is the one the model
        cites: nothing is shown before its first citation (`answer.picked`) or, without one, before its first
        sentence ends (then the best candidate answers); an answer that begins "I don't know" ends at once with
        `answer.reason` "model_abstained". The citation marks are left out of `answer.text`.
        """
        context = prompts.context_block(quotes)
        system = prompts.SYSTEM_PROMPT.format(institution=self.settings.assistant.institution, contact=self.contact())
        messages = [{"role": "system", "content": system},
                    {"role": "user", "content": prompts.USER_PROMPT.format(context=context, question=question)}]
        allowed = f"{context}\n{question}\n{self.contact()}"
        priced = "\n".join([*answer.records, question, self.contact()])
        raw, released, sentence = "", 0, 0  # sentence: where the sentence being written starts
        stream = self.generator.stream(messages)
        try:
            for piece in stream:
                raw += piece
                buffer = raw
                if picks is not None:
                    if not answer.picked and (mark := _CITE.search(raw)):
                        answer.picked = int(mark[1]) if 1 <= int(mark[1]) <= len(picks) else 0
                        if not answer.picked:
                            self._refuse(answer, [mark[0].strip()], f"cites {mark[0].strip()}, not a candidate")
                            return
                    buffer = _CITE.sub("", raw).lstrip()
                    if not sentence and _IDK_START.match(buffer):  # "I don't know", cited or not, comes first
                        answer.reason = "model_abstained"
                        return
                    ended = _SENTENCE_END.search(buffer)
                    if not ended and (not answer.picked or len(buffer.split()) < 5):
                        continue  # no record chosen yet, or a refusal may still be starting
                    record = picks[(answer.picked or 1) - 1].text
                    answer.records = [record]
                    priced = "\n".join([record, question, self.contact()])
                if echoes_prompt(buffer[sentence:]):  # refused at once: the quoted evidence says it readably
                    self._refuse(answer, [buffer[sentence:].strip()], "it repeats the context format")
                    return
                ends = [m.end() for m in _SENTENCE_END.finditer(buffer, sentence)]
                if ends:
                    if not self._allowed(buffer[sentence:ends[-1]], allowed, priced, answer):
                        return
                    answer.text, sentence = buffer[:ends[-1]], ends[-1]
                safe = max(buffer.rfind(" "), buffer.rfind("\n"), sentence)
                partial = buffer[sentence:safe]
                if bad := unsupported(buffer[:safe], priced):
                    self._refuse(answer, bad, f"{', '.join(bad)} not in the answering record")
                    return
                plain = len(claim_words(partial, allowed)[1]) < 2 and not negates(partial, allowed)
                if plain and safe > released:
                    yield buffer[released:safe]
                    released = safe
            buffer = _CITE.sub("", raw).strip() if picks is not None else raw
            rest = buffer[sentence:].rstrip()
            if rest and self._allowed(rest, allowed, priced, answer):
                answer.text = buffer.rstrip()
                if len(answer.text) > released:
                    yield answer.text[released:]
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()

    def _refuse(self, answer: Answer, shown: list[str], why: str) -> None:
        answer.unsupported = shown
        log.warning("guard stopped the model: %s", why)

    def _allowed(self, sentence: str, allowed: str, priced: str, answer: Answer) -> bool:
        """Check a whole sentence: its figures against the answering record (`priced`), its words against all
        the evidence (`allowed`); a refusal is logged and recorded on the answer."""
        bad = unsupported(sentence, priced)
        why = f"{', '.join(bad)} not in the answering record" if bad else unsupported_claim(
            sentence, allowed, self.settings.assistant.min_sentence_support)
        if why:
            self._refuse(answer, bad or [sentence.strip()], why)
        return not why

    def _canned(self, question: str, text: str, reason: str, start: float) -> Iterator[str | Answer]:
        yield text
        elapsed = time.perf_counter() - start
        yield Answer(question, text, abstained=True, reason=reason,
                     timings={"retrieve_s": 0.0, "ttft_s": elapsed, "total_s": elapsed},
                     model=getattr(self.generator, "name", "quote"))


def _states_best(question: str, text: str, best: str) -> bool:
    """A figure asked for, when the best evidence line has one, must be that line's (a small model often copies
    the figure of a neighbouring line instead)."""
    wanted = asked_kinds(question)
    given = {canon for _, _, canon in figures(question)}  # "60-month" names the product, it is not the answer
    offered = {canon for kind, _, canon in figures(best) if kind in wanted} - given
    return not offered or bool(offered & {canon for _, _, canon in figures(text)})


def _key(e: Evidence) -> str:
    return e.hit.chunk.file + str(e.hit.chunk.page) + e.hit.chunk.section


def _citations(evidence: list[Evidence]) -> dict[str, Citation]:
    """One numbered citation per cited location (file, page, section), keyed by `_key`; when two chunks of one
    location are cited, the citation carries both texts, so every quoted line is in its citation's text."""
    out: dict[str, Citation] = {}
    for e in evidence:
        c = e.hit.chunk
        cited = out.setdefault(_key(e), Citation(len(out) + 1, c.file, c.page, c.section, c.effective_date, c.text,
                                                 e.score))
        if c.text not in cited.text:
            cited.text += "\n" + c.text
    return out


def plain(record: str) -> str:
    """A record as a customer reads it: no table pipes or path marks ("Wires › Outgoing | Fee: $28" ->
    "Wires, Outgoing; Fee: $28")."""
    return record.replace(" \u203a ", ", ").replace(" | ", "; ").replace("\u2022 ", "").strip()


def _quote(quotes: list[tuple[int, str, str]]) -> str:
    """The evidence as the answer: each record or sentence quoted with its citation number."""
    parts = []
    for n, _, text in quotes:
        text = plain(text).rstrip(".")
        parts.append(f"\u201c{text}.\u201d [{n}]")
    return f"{prompts.GUARD_NOTE} " + " ".join(parts)
