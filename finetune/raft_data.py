"""RAFT examples for the generator: a question and numbered records -> the record that answers, cited first and
said in one plain sentence, or the assistant's own "I don't know" with the contact route.

    finchat finetune raft-data --out data/raft.jsonl --institutions 240
    finchat finetune train --data data/raft.jsonl --max-length 512 --max-steps 80 --learning-rate 3e-4 \
        --output-dir data/adapters/smollm2-raft

The examples are made by code from `finetune.reader_data` institutions (nothing here reads a real document) in
exactly the prompt the assistant serves (`prompts.SYSTEM_PROMPT`, `USER_PROMPT`, `context_block`), so the adapter
learns the product's job rather than a quiz: pick the record that prices the asked item of the asked product among
its neighbours, copy its figure, cite it, or refuse when none does. Three kinds, after RAFT (Zhang et al., 2024):
  * answerable: the answering record at a random place among 1-3 distractors of the same section (neighbouring
    rows, the same item of another product, the product's other items), sometimes one of another section;
  * answerable but the answering record withheld (the distractors only) -> "I don't know";
  * near misses: a product or item the institution does not offer, with the records that tempt -> "I don't know".
The answer cites first ("[2] For Basic Checking, the monthly maintenance fee is $5.00."): the model's first
tokens then choose the record, and the assistant ties every figure that follows to that record.
Sizes: `make_examples(240)` gives 3,061 examples (811 of them "I don't know"), 245 tokens each on average (at
most ~390) in SmolLM2's chat template.
"""

from __future__ import annotations

import random

from chatbot import prompts
from finetune.reader_data import Institution, _question, make_institution, near_misses

_CONTACTS = ["call us at (555) {a:03d}-{b:04d}", "call Member Services at 1-800-{a:03d}-{b:04d}",
             "visit any branch or call (555) {a:03d}-{b:04d}", "send us a secure message in online banking"]
_FREE = {"Free", "No charge", "None"}


def sentence(inst: Institution, key: tuple[str, str, str]) -> str:
    """The record's answer in one plain sentence, from its own words: "For X, the monthly fee is $5.00."."""
    section, product, item = key
    value = inst.values[key]
    value = "free" if value in _FREE else value
    name = item if item.isupper() or item[:3].isupper() else item[0].lower() + item[1:]
    if len(inst.offered[section][0]) == 1:
        return f"The {name} is {value}."
    return f"For {product}, the {name} is {value}."


def _example(question: str, records: list[str], answer: str, system: str) -> dict:
    context = prompts.context_block([(n, "", text) for n, text in enumerate(records, 1)])
    return {"question": question, "answer": answer, "system": system, "context": context}


def make_examples(n_institutions: int = 400, seed: int = 7, withheld: float = 0.15, near_miss: float = 0.5) -> list[dict]:
    """RAFT examples as `finetune.dataset` JSONL rows: question, answer, system prompt and numbered context."""
    rng = random.Random(seed)
    examples = []
    for _ in range(n_institutions):
        inst = make_institution(rng)
        contact = rng.choice(_CONTACTS).format(a=rng.randint(200, 999), b=rng.randint(0, 9999))
        system = prompts.SYSTEM_PROMPT.format(institution=inst.name, contact=contact)
        idk = prompts.IDK.format(contact=contact)
        keys = list(inst.records)
        for section, (products, items) in inst.offered.items():
            same = [k for k in keys if k[0] == section]
            other = [k for k in keys if k[0] != section]
            for key in rng.sample(same, k=min(len(same), 4)):  # a few per section: more institutions, fewer repeats
                _, product, item = key
                phrasings = next(i[2] for i in items if i[0] == item)
                question = _question(rng, product, item, phrasings, single=len(products) == 1)
                positive = inst.records[key]
                # a "columns" row prices every product: other keys may hold the very same text
                distractors = [t for t in dict.fromkeys(inst.records[k] for k in same) if t != positive]
                records = rng.sample(distractors, k=min(len(distractors), rng.randint(1, 3)))
                extra = inst.records[rng.choice(other)] if other else positive
                if rng.random() < 0.3 and extra != positive and extra not in records:
                    records.append(extra)
                if records and rng.random() < withheld:
                    examples.append(_example(question, records, idk, system))
                    continue
                at = rng.randint(0, len(records))
                records.insert(at, positive)
                examples.append(_example(question, records, f"[{at + 1}] {sentence(inst, key)}", system))
            for question, tempting in near_misses(rng, inst, section):
                if rng.random() >= near_miss:
                    continue
                records = list(dict.fromkeys(inst.records[k] for k in tempting))[:4]
                if records:
                    examples.append(_example(question, records, idk, system))
    rng.shuffle(examples)
    return examples
