"""Base model vs adapter on the held-out validation pairs, side by side, as a Markdown report with plots.

    finchat finetune evaluate adapters/smollm2-finchat                 # report in adapters/smollm2-finchat/eval/
    python -m finetune.evaluate adapters/smollm2-finchat --examples 32 --out reports/smollm2

Metrics, each for the base model and for base + adapter:
  * loss and perplexity on the answer tokens of every validation pair (teacher forcing, as in training);
  * ROUGE-L F1 of greedy answers against the reference answers (on the first `examples` pairs);
  * key-term accuracy: the share of each reference answer's rarest content words (up to KEY_TERMS, stemmed, words of
    the question left out) that the generated answer contains — did the model name the right concepts, whatever its
    wording;
  * answer accuracy, on pairs asked over numbered records (RAFT, `finetune.raft_data`): the answer refuses when the
    reference refuses, or cites the reference's record and states exactly its figures.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from finetune.config import ModelArguments
from finetune.dataset import QAPair, read_pairs
from finetune.train import TRAIN_ARGS_FILE, VALIDATION_FILE

EXAMPLES = 16  # validation questions answered by both models (generation dominates evaluation time)
MAX_NEW_TOKENS = 64  # the team's answers are 25-60 tokens long
GENERATION_BATCH = 8  # left-padded prompts decoded together: CPU decode is memory-bound, so rows come almost free
KEY_TERMS = 3
EVAL_DIR = "eval"
RESULTS_FILE = "eval.json"
STOPWORDS = frozenset("""a about above after again against all also an and any are as at be because been before being
below between both but by can cannot could did do does doing down during each few for from further had has have
having here how if in into is it its itself just may might more most must no nor not now of off on once only or other
our out over own same should so some such than that the their them then there these they this those through to too
under until up usually very was we were what when where which while who whom why will with would you your yours
often generally usually many much""".split())
WORD = re.compile(r"[A-Za-z][A-Za-z'()-]*[A-Za-z]|[A-Za-z]")


@dataclass
class SideMetrics:
    loss: float
    perplexity: float
    rouge_l: float
    key_term_accuracy: float
    answer_accuracy: float | None = None  # None: no pair of the shown ones is asked over numbered records


@dataclass
class Generation:
    question: str
    reference: str
    base: str
    adapter: str
    key_terms: list[str] = field(default_factory=list)


@dataclass
class EvalResult:
    adapter: str
    base_model: str
    validation_pairs: int
    examples: int
    base: SideMetrics
    tuned: SideMetrics
    generations: list[Generation]
    seconds: float = 0.0

    def loss_reduction(self) -> float:
        """Relative drop of validation loss with the adapter (0.25 = 25% lower)."""
        return 1 - self.tuned.loss / self.base.loss

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "loss_reduction": self.loss_reduction()}


def _examples(pairs: list[QAPair], tokenizer: Any, max_length: int) -> list[tuple[list[int], int]]:
    """(token ids of prompt + answer + EOS, prompt length) per pair, as TRL tokenises prompt-completion data."""
    from finetune.base_model import prompt_completion

    rows = []
    for pair in pairs:
        example = prompt_completion(pair, tokenizer)
        prompt = tokenizer(example["prompt"], add_special_tokens=False).input_ids
        full = tokenizer(example["prompt"] + example["completion"] + tokenizer.eos_token,
                         add_special_tokens=False).input_ids
        rows.append((full[:max_length], len(prompt)))
    return rows


@torch.inference_mode()
def answer_loss(model: Any, tokenizer: Any, pairs: list[QAPair], max_length: int) -> float:
    """Mean cross-entropy over the answer tokens of all pairs (each token weighs the same)."""
    total, count = 0.0, 0
    device = next(model.parameters()).device
    for ids, prompt_len in _examples(pairs, tokenizer, max_length):
        input_ids = torch.tensor([ids], device=device)
        labels = input_ids.clone()
        labels[:, :prompt_len] = -100
        n = int((labels[:, 1:] != -100).sum())
        if n == 0:
            continue
        out = model(input_ids=input_ids, labels=labels)
        total += float(out.loss) * n
        count += n
    return total / count


@torch.inference_mode()
def generate_answers(model: Any, tokenizer: Any, questions: list[QAPair], max_new_tokens: int = MAX_NEW_TOKENS,
                     batch_size: int = GENERATION_BATCH) -> list[str]:
    """Greedy answers to the pairs' questions (with their system prompt and context, if any) in the serving
    prompt layout, batched with left padding."""
    from finetune.base_model import prompt_completion

    device = next(model.parameters()).device
    side, tokenizer.padding_side = tokenizer.padding_side, "left"
    answers = []
    try:
        for start in range(0, len(questions), batch_size):
            prompts = [prompt_completion(QAPair(p.question, "-", p.system, p.context), tokenizer)["prompt"]
                       for p in questions[start:start + batch_size]]
            batch = tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False).to(device)
            out = model.generate(**batch, max_new_tokens=max_new_tokens, do_sample=False,
                                 pad_token_id=tokenizer.pad_token_id)
            new = out[:, batch.input_ids.shape[1]:]
            answers += [" ".join(t.split()) for t in tokenizer.batch_decode(new, skip_special_tokens=True)]
    finally:
        tokenizer.padding_side = side
    return answers


def rouge_l(predictions: list[str], references: list[str]) -> float:
    """Mean ROUGE-L F1 (stemmed), 0..1."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    scores = [scorer.score(ref, pred)["rougeL"].fmeasure for pred, ref in zip(predictions, references)]
    return sum(scores) / len(scores) if scores else 0.0


def _stems(text: str) -> list[str]:
    from nltk.stem.porter import PorterStemmer

    stemmer = PorterStemmer()
    return [stemmer.stem(w.lower().strip("()'-")) for w in WORD.findall(text)]


def key_terms(references: list[str], questions: list[str], k: int = KEY_TERMS) -> list[list[str]]:
    """Per reference, its k rarest content-word stems across all references (ties: first in the answer), leaving
    out the question's own words: repeating the question is not knowing the answer."""
    words = [[w for w in dict.fromkeys(_stems(r)) if w not in STOPWORDS and len(w) >= 3 and w not in set(_stems(q))]
             for r, q in zip(references, questions)]
    document_frequency = Counter(w for ws in words for w in ws)
    return [sorted(ws, key=lambda w: document_frequency[w])[:k] for ws in words]


def key_term_accuracy(predictions: list[str], terms: list[list[str]]) -> float:
    """Mean share of each answer's key terms that the prediction contains (stem match)."""
    shares = [len(set(t) & set(_stems(p))) / len(t) for p, t in zip(predictions, terms) if t]
    return sum(shares) / len(shares) if shares else 0.0


_CITED = re.compile(r"^\s*\[(\d+)\]")
_REFUSAL = re.compile(r"\b(don't|do not) know\b", re.I)


def answer_accuracy(predictions: list[str], pairs: list[QAPair]) -> float | None:
    """Share of answers to pairs with a context that do what the reference does: refuse, or cite the same record
    and state the same figures (amounts, rates, dates)."""
    from chatbot.evidence import figures

    def what(text: str) -> tuple:
        cited = _CITED.match(text)
        return ("refuses",) if _REFUSAL.search(text) and not cited else (
            cited and cited[1], frozenset(canon for _, _, canon in figures(_CITED.sub("", text))))

    scored = [what(p) == what(q.answer) for p, q in zip(predictions, pairs) if q.context]
    return sum(scored) / len(scored) if scored else None


def _side(model: Any, tokenizer: Any, validation: list[QAPair], shown: list[QAPair], terms: list[list[str]],
          max_length: int, max_new_tokens: int) -> tuple[SideMetrics, list[str]]:
    loss = answer_loss(model, tokenizer, validation, max_length)
    answers = generate_answers(model, tokenizer, shown, max_new_tokens)
    references = [p.answer for p in shown]
    return SideMetrics(loss, math.exp(loss), rouge_l(answers, references), key_term_accuracy(answers, terms),
                       answer_accuracy(answers, shown)), answers


def evaluate(adapter: str | Path, out: str | Path | None = None, examples: int = EXAMPLES,
             max_new_tokens: int = MAX_NEW_TOKENS, threads: int = 0) -> tuple[EvalResult, Path]:
    """Evaluate base vs adapter on the adapter's validation split; (result, path of the Markdown report)."""
    import time

    from chatbot.models import attach_adapter
    from finetune.base_model import load_base
    from finetune.report import write_report

    adapter = Path(adapter)
    config_file = adapter / TRAIN_ARGS_FILE
    if not config_file.is_file():
        raise FileNotFoundError(f"{adapter} has no {TRAIN_ARGS_FILE}: is it an output folder of `finchat finetune "
                                f"train`?")
    config = json.loads(config_file.read_text(encoding="utf-8"))
    if threads:
        torch.set_num_threads(threads)
    start = time.perf_counter()
    validation = read_pairs(adapter / VALIDATION_FILE)
    shown = validation[:examples]
    terms = key_terms([p.answer for p in shown], [p.question for p in shown])
    max_length = config["data"]["max_length"]
    model, tokenizer = load_base(ModelArguments(**config["model"]))
    model.eval()
    base, base_answers = _side(model, tokenizer, validation, shown, terms, max_length, max_new_tokens)
    tuned_model = attach_adapter(model, adapter)  # injects LoRA into `model` itself: measure the base first
    tuned, tuned_answers = _side(tuned_model, tokenizer, validation, shown, terms, max_length, max_new_tokens)
    generations = [Generation(p.question, p.answer, b, t, k)
                   for p, b, t, k in zip(shown, base_answers, tuned_answers, terms)]
    result = EvalResult(str(adapter), config.get("base_model", config["model"]["base"]), len(validation), len(shown),
                        base, tuned, generations, round(time.perf_counter() - start, 1))
    out_dir = Path(out) if out else adapter / EVAL_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / RESULTS_FILE).write_text(json.dumps(result.to_json(), indent=2) + "\n", encoding="utf-8")
    return result, write_report(result, adapter, out_dir)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("adapter", type=Path, help="Output folder of `finchat finetune train`.")
    parser.add_argument("--out", type=Path, default=None, help="Report folder (default: ADAPTER/eval).")
    parser.add_argument("--examples", type=int, default=EXAMPLES, help="Validation questions answered by both.")
    parser.add_argument("--max-new-tokens", type=int, default=MAX_NEW_TOKENS, help="Longest generated answer.")
    args = parser.parse_args(argv)
    result, report = evaluate(args.adapter, args.out, args.examples, args.max_new_tokens)
    print(f"validation loss {result.base.loss:.3f} -> {result.tuned.loss:.3f} "
          f"({result.loss_reduction():.0%} lower); report: {report}")


if __name__ == "__main__":
    main()
