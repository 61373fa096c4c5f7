"""Write the team's question-answer pairs to qa_pairs.csv and its fixed-seed train/validation split.

    python -m finetune.data.build      # rewrites finetune/data/{qa_pairs,train,validation}.csv
"""

from __future__ import annotations

from finetune.config import DATA_DIR, DataArguments
from finetune.data import pairs_refusals, pairs_service, pairs_terms
from finetune.dataset import QAPair, read_pairs, split_pairs, write_qa_csv

SOURCES = {"terms": pairs_terms.PAIRS, "service": pairs_service.PAIRS, "refusals": pairs_refusals.PAIRS}


def main() -> None:
    pairs = [QAPair(q, a) for source in SOURCES.values() for q, a in source]
    questions = [p.question.casefold() for p in pairs]
    repeated = sorted({q for q in questions if questions.count(q) > 1})
    if repeated:
        raise SystemExit(f"repeated questions: {repeated}")
    write_qa_csv(pairs, DATA_DIR / "qa_pairs.csv")
    pairs = read_pairs(DATA_DIR / "qa_pairs.csv")  # what training will read: proves the file parses back
    defaults = DataArguments()
    train, validation = split_pairs(pairs, defaults.validation_fraction, defaults.split_seed)
    write_qa_csv(train, DATA_DIR / "train.csv")
    write_qa_csv(validation, DATA_DIR / "validation.csv")
    counts = ", ".join(f"{name} {len(s)}" for name, s in SOURCES.items())
    print(f"{len(pairs)} pairs ({counts}): {len(train)} train, {len(validation)} validation")


if __name__ == "__main__":
    main()
