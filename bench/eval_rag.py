"""FinChat against a naive RAG baseline on the same documents and questions, side by side, on several corpora.

    .venv/bin/python bench/eval_rag.py                                  # samples, embedded model
    .venv/bin/python bench/eval_rag.py --corpus samples --corpus corpus2 --corpus real-dev --corpus real-heldout \
        --no-baseline                                                   # every corpus, models loaded once
    .venv/bin/python bench/eval_rag.py --docs DIR --questions Q.jsonl   # any corpus
    .venv/bin/python bench/eval_rag.py --quote-only --no-baseline       # seconds: no model at all
    .venv/bin/python bench/eval_rag.py --corpus real-dev --quote-only --show real-dev   # the wrong answers of one
    .venv/bin/python bench/eval_rag.py --adapter adapters/smollm2-raft --try model_picks=true   # base vs adapter

Built-in corpora (`--corpus`, repeatable; each is ingested into its own temporary store): `samples` (samples/),
`corpus2` (bench/corpus2/, an insurer and a brokerage written blind by another author), `real-dev` and
`real-heldout` (the 15 real Savannah Postal CU pages in ../shared/real-dev/savannah-postal-cu with
bench/real_dev/dev.jsonl or heldout.jsonl: the held-out set is for reporting only, never for tuning, which is
why a bare `--show` does not print its answers). `--docs/--questions` add one more corpus of your own.

Questions are JSONL: {"id","q","must":[regex…],"source":file,"also_sources":[file…]} answerable (hit@k counts a
retrieved chunk from `source` or any of `also_sources`), {"id","q","abstain":true}, {"id","q","forbid":[regex…]}
probes. FinChat answers through the same code as `finchat ask --batch`; `--reader` names the component that
turns the retrieved chunks into an answer (one column each). The baseline is what a LangChain RetrievalQA chain
does: dense top-4 chunks into the prompt, the model's text shown as it is, no abstention logic, no guard.

The headline figure is **confidently wrong**: answerable questions answered (not abstained) but wrong (a `must`
regex missing) plus questions that should be abstained that were answered, over all scored questions
(answerable + abstain + probes). Target <= 0.02: an "I don't know" costs the customer a phone call, a confident
wrong fee costs the bank a complaint.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chatbot import prompts  # noqa: E402
from chatbot.abstain import RULES, Abstainer  # noqa: E402
from chatbot.assistant import Assistant  # noqa: E402
from chatbot.batch import answer_all  # noqa: E402
from chatbot.evidence import unsupported  # noqa: E402
from chatbot.generator import make_generator  # noqa: E402
from chatbot.retriever import Retriever  # noqa: E402
from finchat.settings import load_settings  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402
from ingest.redact import Redactor  # noqa: E402
from ingest.splitter import Splitter  # noqa: E402
from vectorstore.store import ChunkStore, load_embedder  # noqa: E402

REAL_DEV_DOCS = ROOT.parent / "shared" / "real-dev" / "savannah-postal-cu"
CORPORA = {
    "samples": (ROOT / "samples", ROOT / "samples" / "questions.jsonl"),
    "corpus2": (ROOT / "bench" / "corpus2" / "docs", ROOT / "bench" / "corpus2" / "questions.jsonl"),
    "real-dev": (REAL_DEV_DOCS, ROOT / "bench" / "real_dev" / "dev.jsonl"),
    "real-heldout": (REAL_DEV_DOCS, ROOT / "bench" / "real_dev" / "heldout.jsonl"),
}
HELD_OUT = {"real-heldout"}  # answers never printed one by one unless named in --show

TARGETS = {"hit@k": 0.95, "answer accuracy": 0.9, "abstention accuracy": 0.9}
TARGET_TEXT = {"confidently wrong": "<= 0.02", "false abstentions": "<= 1/20", "forbidden-string leaks": "0",
               "unsupported figures": "0", "figures of another record": "0", "TTFT p50 (s)": "<= 1.5"}
SUMMARY = {"answer accuracy": "accuracy", "abstention accuracy": "abstention",
           "false abstentions": "answerable abstained", "confidently wrong": "confidently wrong",
           "TTFT p50 (s)": "TTFT p50 (s)"}
_BASELINE_IDK = re.compile(r"\b(don't know|do not know|not sure|cannot find|can't find|no information)\b", re.I)


@dataclass
class Models:
    """What is loaded once for the whole run and shared by every corpus's store and assistant."""

    embedder: object
    generator: object | None  # None: --quote-only
    redactor: Redactor
    tuned: object | None = None  # the generator with --adapter attached


def load_models(settings, use_model: bool, adapter: Path | None = None) -> Models:
    ing = settings.ingest
    tuned = make_generator(settings.generation.model_copy(update={"adapter": adapter})) if adapter else None
    return Models(load_embedder(settings), make_generator(settings.generation) if use_model else None,
                  Redactor(detect_names=ing.detect_names, names_model=ing.names_model), tuned)


def build(settings, models: Models) -> tuple[Assistant, Ingestor]:
    """A store, assistant and ingestor for one corpus, wired as `Assistant.from_settings` and
    `Ingestor.from_settings` wire them, but on the already-loaded models."""
    store = ChunkStore(settings, models.embedder)
    assistant = Assistant(settings, Retriever(store, settings.retrieval), models.generator, models.redactor)
    ing = settings.ingest
    ingestor = Ingestor(store=store, redactor=models.redactor, splitter=Splitter(ing.chunk_size, ing.chunk_overlap),
                        max_bytes=int(ing.max_upload_mb * 1024 * 1024), chunks_per_commit=ing.chunks_per_commit,
                        workers=ing.prepare_workers)
    return assistant, ingestor


def heuristic_reader(assistant: Assistant, items: list[dict]) -> list[dict]:
    """Today's reader: evidence lines picked by score, abstention rules, the model (if any) under the guard."""
    rows = []
    for row, answer in answer_all(assistant, items):
        # What the answer may state: the cited text, its effective date, and the contact route.
        row["context"] = "\n".join([c.text + f" {c.effective_date}" for c in answer.citations]
                                   + [assistant.contact()])
        # What it may state as the answer's figures: the answering records only (chatbot/assistant.py).
        row["priced"] = "\n".join(answer.records + [c.effective_date for c in answer.citations]
                                  + [assistant.contact()])
        rows.append(row)
    return rows


# Readers: name -> function(assistant, items) -> rows in the `finchat ask --batch` format plus "context".
READERS: dict[str, Callable[[Assistant, list[dict]], list[dict]]] = {"heuristic": heuristic_reader}


# Ablations (--ablate NAME): the heuristic reader with one rule or weight off, as its own column.
ABLATIONS = {**{f"no-{rule}": {"abstain_rules": [r for r in RULES if r != rule]} for rule in RULES},
             "no-lexical": {"lexical_weight": 0.0}, "no-kind_penalty": {"kind_penalty": 0.0}}


def ablated(assistant: Assistant, change: dict, generator=None) -> Assistant:
    """The same store, retriever and models (or another generator), with assistant settings changed."""
    settings = assistant.settings.model_copy(
        update={"assistant": assistant.settings.assistant.model_copy(update=change)})
    other = Assistant(settings, assistant.retriever, generator or assistant.generator, assistant.redactor)
    other.lines, other.abstainer = assistant.lines, Abstainer(settings.assistant, nlp=assistant.abstainer._nlp)
    return other


def parse_try(text: str) -> dict:
    """"min_coverage=0.35,paraphrase_similarity=0.45" -> assistant settings to change."""
    pairs = (part.split("=", 1) for part in text.split(","))
    return {key.strip(): json.loads(value) for key, value in pairs}


def baseline_answers(assistant: Assistant, items: list[dict], k: int) -> list[dict]:
    """Naive RAG: dense top-k chunks, the model's words shown unchecked."""
    rows = []
    store, generator = assistant.retriever.store, assistant.generator
    for item in items:
        start = time.perf_counter()
        hits = store.search(item["q"], k)
        context = prompts.context_block([(i, c.file, c.text) for i, (c, _) in enumerate(hits, 1)], labels=True)
        system = prompts.SYSTEM_PROMPT.format(institution=assistant.settings.assistant.institution,
                                              contact=assistant.contact())
        messages = [{"role": "system", "content": system},
                    {"role": "user", "content": prompts.USER_PROMPT.format(context=context, question=item["q"])}]
        text, first = "", None
        for piece in generator.stream(messages):
            first = first or time.perf_counter()
            text += piece
        end = time.perf_counter()
        rows.append({"id": item["id"], "answer": text, "abstained": bool(_BASELINE_IDK.search(text)),
                     "files": [c.file for c, _ in hits], "context": "\n".join(c.text for c, _ in hits),
                     "sources": [{"file": c.file} for c, _ in hits],
                     "ttft_s": (first or end) - start, "total_s": end - start})
    return rows


def sources(item: dict) -> set[str]:
    """The files that answer the question: `source` and any `also_sources`."""
    return {item["source"], *item.get("also_sources", [])}


def correct(item: dict, row: dict) -> bool:
    return not row["abstained"] and all(re.search(m, row["answer"], re.I) for m in item["must"])


def ok(item: dict, row: dict) -> bool:
    if item.get("abstain"):
        return row["abstained"]
    if "forbid" in item:
        return not any(re.search(f, row["answer"], re.I) for f in item["forbid"])
    return correct(item, row)


def score(items: list[dict], rows: list[dict], hits_at_k: dict[str, bool]) -> dict[str, str]:
    answerable = [(i, r) for i, r in zip(items, rows) if "must" in i]
    abstain = [(i, r) for i, r in zip(items, rows) if i.get("abstain")]
    probes = [(i, r) for i, r in zip(items, rows) if "forbid" in i]
    right = sum(correct(i, r) for i, r in answerable)
    false_abstain = sum(r["abstained"] for _, r in answerable)
    right_abstain = sum(r["abstained"] for _, r in abstain)
    wrong_answered = len(answerable) - right - false_abstain
    unabstained = len(abstain) - right_abstain
    scored = len(answerable) + len(abstain) + len(probes)
    leaks = sum(any(re.search(f, r["answer"], re.I) for f in i["forbid"]) for i, r in probes)
    unsupported_figures = sum(len(unsupported(r["answer"], r["context"] + "\n" + i["q"]))
                              for i, r in zip(items, rows) if not r["abstained"])
    other_record = sum(len(unsupported(r["answer"], r.get("priced", r["context"]) + "\n" + i["q"]))
                       for i, r in zip(items, rows) if not r["abstained"])
    ttft = sorted(r["ttft_s"] for r in rows)
    n_ans, n_abs = len(answerable), len(abstain)
    return {
        "confidently wrong": f"{(wrong_answered + unabstained) / max(scored, 1):.3f} "
                             f"({wrong_answered}+{unabstained}/{scored})",
        "hit@k": f"{sum(hits_at_k.values()) / max(len(hits_at_k), 1):.3f}",
        "answer accuracy": f"{right / max(n_ans, 1):.3f} ({right}/{n_ans})",
        "abstention accuracy": f"{(right_abstain + n_ans - false_abstain) / max(n_ans + n_abs, 1):.3f} "
                               f"({right_abstain}/{n_abs} abstained)",
        "false abstentions": f"{false_abstain}/{n_ans}",
        "forbidden-string leaks": f"{leaks}/{len(probes)}",
        "unsupported figures": str(unsupported_figures),
        "figures of another record": str(other_record),
        "TTFT p50 (s)": f"{statistics.median(ttft):.2f}",
        "TTFT p95 (s)": f"{ttft[min(len(ttft) - 1, int(0.95 * len(ttft)))]:.2f}",
        "total p50 (s)": f"{statistics.median(r['total_s'] for r in rows):.2f}",
    }


def print_table(columns: dict[str, dict[str, str]], k: int) -> None:
    names = list(columns)
    print(f"{'metric':26}" + "".join(f"{n:>26}" for n in names) + f"{'target':>12}")
    for metric in columns[names[0]]:
        target = TARGET_TEXT.get(metric, f">= {TARGETS[metric]}" if metric in TARGETS else "")
        label = f"hit@{k}" if metric == "hit@k" else metric
        print(f"{label:26}" + "".join(f"{columns[n][metric]:>26}" for n in names) + f"{target:>12}")


def show_wrong(items: list[dict], rows: list[dict], hits: dict[str, bool]) -> None:
    for item, row in zip(items, rows):
        bad = [] if row["abstained"] else unsupported(row["answer"], row["context"] + "\n" + item["q"])
        if bad:
            print(f"\n! {item['id']} unsupported figures {bad} in: {row['answer'][:300]}")
        if not ok(item, row):
            where = item.get("source", "-") + "".join(f" | {s}" for s in item.get("also_sources", []))
            missed = "" if hits.get(item["id"], True) else " (not in the top k: retrieval miss)"
            print(f"\n✗ {item['id']} {item['q']}\n  expected: {item.get('must') or item.get('forbid') or 'abstain'}"
                  f" from {where}{missed}\n  got ({'abstained' if row['abstained'] else 'answered'}, "
                  f"{[s['file'] for s in row['sources']]}): {row['answer'][:300]}")


def run_corpus(name: str, docs: Path, questions: Path, work: Path, models: Models, args) -> dict[str, dict]:
    items = [json.loads(line) for line in questions.read_text().splitlines() if line.strip()]
    settings = load_settings(data_dir=work / name / "data")
    assistant, ingestor = build(settings, models)
    store = assistant.retriever.store
    started = time.perf_counter()
    try:
        failed = [r for r in ingestor.ingest([docs]) if not r.ok]
    finally:
        ingestor.close()
    print(f"\n=== {name}: {docs} ({store.count()} chunks, {len(failed)} files failed, "
          f"{time.perf_counter() - started:.0f} s); {questions}: "
          f"{len(items)} questions", flush=True)
    hits = {i["id"]: bool(sources(i) & {h.chunk.file for h in assistant.retriever.retrieve(i["q"], args.k)})
            for i in items if "source" in i}

    columns, answers = {}, {}
    for reader in args.reader:
        started = time.perf_counter()
        answers[reader] = READERS[reader](assistant, items)
        columns[reader] = score(items, answers[reader], hits)
        print(f"{reader}: {len(items)} questions in {time.perf_counter() - started:.0f} s", flush=True)
    changes = [(n, ABLATIONS[n]) for n in args.ablate] + [(t, parse_try(t)) for t in args.try_]
    for name_, change in changes:
        rows = heuristic_reader(ablated(assistant, change), items)
        columns[name_] = score(items, rows, hits)
    if models.tuned is not None:  # the --try columns again (or the reader's), with the adapter: base vs adapter
        for name_, change in [(t, parse_try(t)) for t in args.try_] or [(args.reader[0], {})]:
            rows = heuristic_reader(ablated(assistant, change, models.tuned), items)
            columns[f"{name_} +adapter"] = score(items, rows, hits)
    if not args.no_baseline and assistant.generator is not None:
        base_hits = {i["id"]: bool(sources(i) & {c.file for c, _ in store.search(i["q"], args.k)})
                     for i in items if "source" in i}
        columns[f"naive top-{args.k}"] = score(items, baseline_answers(assistant, items, args.k), base_hits)
    print_table(columns, args.k)
    if name in args.show_names:
        for reader in args.reader:
            print(f"\n--- {name}, {reader}: wrong answers")
            show_wrong(items, answers[reader], hits)
    elif args.show is not None and name in HELD_OUT:
        print(f"(held-out answers not shown one by one; name it, --show {name}, only to report, never to tune)")
    return columns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", action="append", choices=list(CORPORA), default=[],
                        help="a built-in corpus (repeatable); default samples unless --docs/--questions")
    parser.add_argument("--docs", type=Path, help="documents of one more corpus (default: samples/)")
    parser.add_argument("--questions", type=Path, help="its questions (default: samples/questions.jsonl)")
    parser.add_argument("--reader", action="append", choices=list(READERS),
                        help="reader(s) to compare, one column each (repeatable; default heuristic)")
    parser.add_argument("--ablate", nargs="*", choices=list(ABLATIONS), default=None,
                        help="also run the heuristic reader without each named rule (bare: all), one column each")
    parser.add_argument("--try", dest="try_", action="append", default=[], metavar="KEY=VALUE[,KEY=VALUE]",
                        help="also run the heuristic reader with these assistant settings, one column each")
    parser.add_argument("--k", type=int, default=4, help="k of hit@k and of the baseline's top-k")
    parser.add_argument("--quote-only", action="store_true", help="FinChat without a model (evidence quoted)")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--adapter", type=Path, help="a LoRA adapter for the embedded model: each --try column "
                        "(or, without --try, the reader's) again with it: base vs adapter in one run")
    parser.add_argument("--show", nargs="*", metavar="CORPUS",
                        help="print every wrong answer of these corpora (bare: all but the held-out ones)")
    args = parser.parse_args()
    args.reader = list(dict.fromkeys(args.reader or ["heuristic"]))
    args.ablate = list(ABLATIONS) if args.ablate == [] else args.ablate or []

    corpora = {name: CORPORA[name] for name in dict.fromkeys(args.corpus)}
    if args.docs or args.questions or not corpora:
        docs = (args.docs or ROOT / "samples").resolve()
        questions = (args.questions or ROOT / "samples" / "questions.jsonl").resolve()
        name = next((n for n, pair in CORPORA.items() if pair == (docs, questions)), docs.name)
        while name in corpora and corpora[name] != (docs, questions):
            name += "+"
        corpora[name] = (docs, questions)
    if args.show is None:
        args.show_names = set()
    else:
        unknown = set(args.show) - set(corpora)
        if unknown:
            parser.error(f"--show names corpora not in this run: {', '.join(sorted(unknown))}")
        args.show_names = set(args.show) or set(corpora) - HELD_OUT

    work = Path(tempfile.mkdtemp(prefix="finchat-eval-"))
    try:
        started = time.perf_counter()
        models = load_models(load_settings(data_dir=work / "models"), use_model=not args.quote_only,
                             adapter=args.adapter)
        model = models.generator.name if models.generator else "none (quoted evidence)"
        print(f"model: {model}; readers: {', '.join(args.reader)}; models loaded once in "
              f"{time.perf_counter() - started:.0f} s", flush=True)
        results = {name: run_corpus(name, docs, questions, work, models, args)
                   for name, (docs, questions) in corpora.items()}
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\n=== summary (model: {model})")
    several = len(next(iter(results.values()))) > 1
    rows = [[f"{name} / {column}" if several else name] + [figures[m] for m in SUMMARY]
            for name, columns in results.items() for column, figures in columns.items()]
    rows.append(["target"] + [TARGET_TEXT.get(m, f">= {TARGETS[m]}" if m in TARGETS else "") for m in SUMMARY])
    table = [["corpus"] + list(SUMMARY.values())] + rows
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for r in table:
        print(f"{r[0]:<{widths[0]}}" + "".join(f"  {c:>{w}}" for c, w in zip(r[1:], widths[1:])))

if __name__ == "__main__":
    main()
