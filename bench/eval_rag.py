"""FinChat against a naive RAG baseline on the same documents and questions, side by side.

    .venv/bin/python bench/eval_rag.py                                  # samples, embedded model
    .venv/bin/python bench/eval_rag.py --docs DIR --questions Q.jsonl   # any corpus
    .venv/bin/python bench/eval_rag.py --quote-only --no-baseline       # seconds: no model at all

Questions are JSONL: {"id","q","must":[regex…],"source":file} answerable, {"id","q","abstain":true},
{"id","q","forbid":[regex…]} probes. FinChat answers through the same code as `finchat ask --batch`.
The baseline is what a LangChain RetrievalQA chain does: dense top-4 chunks into the prompt, the model's
text shown as it is, no abstention logic, no guard.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chatbot import prompts  # noqa: E402
from chatbot.assistant import Assistant  # noqa: E402
from chatbot.batch import answer_all  # noqa: E402
from chatbot.evidence import unsupported  # noqa: E402
from finchat.settings import load_settings  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402

TARGETS = {"hit@k": 0.95, "answer accuracy": 0.9, "abstention accuracy": 0.9}
_BASELINE_IDK = re.compile(r"\b(don't know|do not know|not sure|cannot find|can't find|no information)\b", re.I)


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


def score(items: list[dict], rows: list[dict], hits_at_k: dict[str, bool]) -> dict[str, str]:
    answerable = [(i, r) for i, r in zip(items, rows) if "must" in i]
    abstain = [(i, r) for i, r in zip(items, rows) if i.get("abstain")]
    probes = [(i, r) for i, r in zip(items, rows) if "forbid" in i]
    correct = sum(not r["abstained"] and all(re.search(m, r["answer"], re.I) for m in i["must"]) for i, r in answerable)
    false_abstain = sum(r["abstained"] for _, r in answerable)
    right_abstain = sum(r["abstained"] for _, r in abstain)
    leaks = sum(any(re.search(f, r["answer"], re.I) for f in i["forbid"]) for i, r in probes)
    unsupported_figures = sum(len(unsupported(r["answer"], r["context"] + "\n" + i["q"]))
                              for i, r in zip(items, rows) if not r["abstained"])
    ttft = sorted(r["ttft_s"] for r in rows)
    n_ans, n_abs = len(answerable), len(abstain)
    return {
        "hit@k": f"{sum(hits_at_k.values()) / max(len(hits_at_k), 1):.3f}",
        "answer accuracy": f"{correct / max(n_ans, 1):.3f} ({correct}/{n_ans})",
        "abstention accuracy": f"{(right_abstain + n_ans - false_abstain) / max(n_ans + n_abs, 1):.3f} "
                               f"({right_abstain}/{n_abs} abstained)",
        "false abstentions": f"{false_abstain}/{n_ans}",
        "forbidden-string leaks": f"{leaks}/{len(probes)}",
        "unsupported figures": str(unsupported_figures),
        "TTFT p50 (s)": f"{statistics.median(ttft):.2f}",
        "TTFT p95 (s)": f"{ttft[min(len(ttft) - 1, int(0.95 * len(ttft)))]:.2f}",
        "total p50 (s)": f"{statistics.median(r['total_s'] for r in rows):.2f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=Path, default=ROOT / "samples")
    parser.add_argument("--questions", type=Path, default=ROOT / "samples" / "questions.jsonl")
    parser.add_argument("--k", type=int, default=4, help="k of hit@k and of the baseline's top-k")
    parser.add_argument("--quote-only", action="store_true", help="FinChat without a model (evidence quoted)")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--show", action="store_true", help="print every wrong answer")
    args = parser.parse_args()

    items = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    work = Path(tempfile.mkdtemp(prefix="finchat-eval-"))
    try:
        settings = load_settings(data_dir=work / "data")
        assistant = Assistant.from_settings(settings, use_model=not args.quote_only)
        store = assistant.retriever.store
        failed = [r for r in Ingestor.from_settings(settings, store).ingest([args.docs]) if not r.ok]
        print(f"ingested {args.docs}: {store.count()} chunks ({len(failed)} files failed); {len(items)} questions")
        hits = {i["id"]: i["source"] in {h.chunk.file for h in assistant.retriever.retrieve(i["q"], args.k)}
                for i in items if "source" in i}

        started = time.perf_counter()
        ours = []
        for row, answer in answer_all(assistant, items):
            # What the answer may state: the cited text, its effective date, and the contact route.
            row["context"] = "\n".join([c.text + f" {c.effective_date}" for c in answer.citations]
                                       + [assistant.contact()])
            ours.append(row)
        ours_s = time.perf_counter() - started
        columns = {"FinChat": score(items, ours, hits)}
        if not args.no_baseline and assistant.generator is not None:
            base_hits = {i["id"]: i["source"] in {c.file for c, _ in store.search(i["q"], args.k)}
                         for i in items if "source" in i}
            base = baseline_answers(assistant, items, args.k)
            columns["naive top-4"] = score(items, base, base_hits)

        print(f"\nmodel: {ours[0] and assistant.generator.name if assistant.generator else 'none (quoted evidence)'}; "
              f"FinChat answered {len(items)} questions in {ours_s:.0f} s")
        names = list(columns)
        print(f"{'metric':26}" + "".join(f"{n:>26}" for n in names) + f"{'target':>12}")
        for metric in columns[names[0]]:
            target = {"false abstentions": "<= 1/20", "forbidden-string leaks": "0", "unsupported figures": "0",
                      "TTFT p50 (s)": "<= 1.5"}.get(metric, f">= {TARGETS[metric]}" if metric in TARGETS else "")
            print(f"{metric:26}" + "".join(f"{columns[n][metric]:>26}" for n in names) + f"{target:>12}")
        if args.show:
            for item, row in zip(items, ours):
                bad = [] if row["abstained"] else unsupported(row["answer"], row["context"] + "\n" + item["q"])
                if bad:
                    print(f"\n! {item['id']} unsupported figures {bad} in: {row['answer'][:300]}")
                ok = (row["abstained"] if item.get("abstain") else
                      not any(re.search(f, row["answer"], re.I) for f in item["forbid"]) if "forbid" in item else
                      not row["abstained"] and all(re.search(m, row["answer"], re.I) for m in item["must"]))
                if not ok:
                    print(f"\n✗ {item['id']} {item['q']}\n  expected: {item.get('must') or item.get('forbid') or 'abstain'}"
                          f" from {item.get('source', '-')}\n  got ({'abstained' if row['abstained'] else 'answered'}, "
                          f"{[s['file'] for s in row['sources']]}): {row['answer'][:300]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
