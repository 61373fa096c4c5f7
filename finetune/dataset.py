"""Question-answer pairs for fine-tuning: read from three formats, checked line by line, split with a fixed seed.

Accepted files:
  * CSV with a `QA_text` column in the paper's format `##Question: ... ## Answer: ...` (finetune/data/qa_pairs.csv);
  * JSONL, one `{"question": ..., "answer": ...}` object per line, optionally with the "system" prompt and the
    numbered "context" the question is asked over (RAFT examples, `finetune.raft_data`);
  * the staff console's feedback CSV export (id,time,rating,question,answer,comment,model,source_1,…): thumbs-up
    answers (rating 1) become pairs, so a bank can tune on answers its own staff approved.
Every malformed line is reported with its line number, all at once, and nothing is returned.
"""

from __future__ import annotations

import csv
import json
import logging
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

QA_TEXT_COLUMN = "QA_text"
FEEDBACK_COLUMNS = ("id", "time", "rating", "question", "answer", "comment", "model")  # + source_1… (or sources)
THUMBS_UP = "1"
QA_TEXT = re.compile(r"^\s*##\s*Question:\s*(?P<question>.*?)\s*##\s*Answer:\s*(?P<answer>.*?)\s*$", re.DOTALL)
CITATION_MARK = re.compile(r"\s*\[\d+\]")  # "[1]" points at a source the training prompt does not include
MAX_ERRORS_SHOWN = 20


class DatasetError(ValueError):
    """A data file cannot be used; the message lists each bad line as `file:line: reason`."""


@dataclass(frozen=True)
class QAPair:
    question: str
    answer: str
    system: str = ""  # the system prompt served with it; empty = none
    context: str = ""  # the numbered records it is asked over (prompts.USER_PROMPT); empty = the bare question


def format_qa_text(pair: QAPair) -> str:
    """One pair in the paper's `##Question: ... ## Answer: ...` layout."""
    return f"##Question: {pair.question} ## Answer: {pair.answer}"


def parse_qa_text(text: str) -> QAPair:
    """The pair in a `##Question: ... ## Answer: ...` string; ValueError saying what is wrong otherwise."""
    match = QA_TEXT.match(text or "")
    if not match:
        raise ValueError("expected '##Question: ... ## Answer: ...'")
    return _pair(match["question"], match["answer"])


def _pair(question: Any, answer: Any, system: str = "", context: str = "") -> QAPair:
    if not isinstance(question, str) or not question.strip():
        raise ValueError("the question is empty")
    if not isinstance(answer, str) or not answer.strip():
        raise ValueError("the answer is empty")
    return QAPair(" ".join(question.split()), " ".join(answer.split()), system.strip(), context.strip())


def read_pairs(path: str | Path) -> list[QAPair]:
    """All pairs in a CSV (QA_text or feedback export) or JSONL file; DatasetError listing every bad line."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        rows = _jsonl_rows(path)
    elif suffix == ".csv":
        rows = _csv_rows(path)
    else:
        raise DatasetError(f"{path}: unknown format {suffix or '(no suffix)'}; use .csv (QA_text or feedback "
                           f"export) or .jsonl")
    pairs, errors = [], []
    for line, row in rows:
        if isinstance(row, str):
            errors.append(f"{path}:{line}: {row}")
        elif row is not None:
            pairs.append(row)
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = f"\n(and {len(errors) - len(shown)} more)" if len(errors) > len(shown) else ""
        raise DatasetError(f"{len(errors)} malformed line(s) in {path}:\n" + "\n".join(shown) + more)
    if not pairs:
        raise DatasetError(f"{path}: no question-answer pairs found")
    return _unique(pairs, path)


Row = tuple[int, QAPair | str | None]  # line number, then the pair, an error message, or None for a skipped row


def _jsonl_rows(path: Path) -> Iterator[Row]:
    with path.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                yield line_no, f"not JSON ({err.msg})"
                continue
            if not isinstance(obj, dict) or not {"question", "answer"} <= obj.keys():
                yield line_no, 'expected an object with "question" and "answer"'
                continue
            extra = {k: obj[k] for k in ("system", "context") if k in obj}
            if not all(isinstance(v, str) for v in extra.values()):
                yield line_no, '"system" and "context" must be strings'
                continue
            yield _checked(line_no, lambda: _pair(obj["question"], obj["answer"], **extra))


def _csv_rows(path: Path) -> Iterator[Row]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            return
        header = [h.strip().lstrip("\ufeff") for h in header]
        if QA_TEXT_COLUMN in header:
            column = header.index(QA_TEXT_COLUMN)

            def convert(cells: list[str]) -> QAPair | None:
                return parse_qa_text(cells[column])
        elif set(FEEDBACK_COLUMNS) <= set(header):
            rating, question, answer = (header.index(c) for c in ("rating", "question", "answer"))

            def convert(cells: list[str]) -> QAPair | None:
                if cells[rating].strip() != THUMBS_UP:
                    return None  # thumbs-down or unrated answers are not training material
                return _pair(cells[question], CITATION_MARK.sub("", cells[answer]))
        else:
            yield 1, f"expected a {QA_TEXT_COLUMN!r} column or the feedback export columns {','.join(FEEDBACK_COLUMNS)}"
            return
        start = reader.line_num + 1
        try:
            for cells in reader:
                if any(c.strip() for c in cells):
                    if len(cells) != len(header):
                        yield start, f"{len(cells)} fields where the header has {len(header)}"
                    else:
                        yield _checked(start, lambda: convert(cells))
                start = reader.line_num + 1  # a quoted field may span lines: report where the record began
        except csv.Error as err:
            yield start, f"unreadable CSV ({err})"


def _checked(line: int, make: Any) -> Row:
    try:
        return line, make()
    except ValueError as err:
        return line, str(err)


def _unique(pairs: list[QAPair], path: Path) -> list[QAPair]:
    """Pairs with repeated questions (over the same context) dropped, the first answer kept: a repeat would leak
    across the split."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for pair in pairs:
        key = (pair.question.casefold(), pair.context)
        if key not in seen:
            seen.add(key)
            kept.append(pair)
    if len(kept) < len(pairs):
        log.info("%s: %d repeated question(s) dropped", path, len(pairs) - len(kept))
    return kept


def split_pairs(pairs: list[QAPair], validation_fraction: float, seed: int) -> tuple[list[QAPair], list[QAPair]]:
    """(train, validation): the same pairs and seed always give the same split; at least one pair on each side."""
    if len(pairs) < 2:
        raise DatasetError(f"need at least 2 pairs to split, got {len(pairs)}")
    if not 0 < validation_fraction < 1:
        raise DatasetError(f"validation_fraction must be between 0 and 1, got {validation_fraction}")
    order = list(range(len(pairs)))
    random.Random(seed).shuffle(order)
    n_val = min(len(pairs) - 1, max(1, round(len(pairs) * validation_fraction)))
    validation = sorted(order[:n_val])
    train = sorted(order[n_val:])
    return [pairs[i] for i in train], [pairs[i] for i in validation]


def write_qa_csv(pairs: Iterable[QAPair], path: str | Path) -> Path:
    """Write pairs as a CSV with one `QA_text` column."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([QA_TEXT_COLUMN])
        writer.writerows([format_qa_text(p)] for p in pairs)
    return path


def write_jsonl(pairs: Iterable[QAPair], path: str | Path) -> Path:
    """Write pairs as JSONL `{"question", "answer"}` lines."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for p in pairs:
            row = {"question": p.question, "answer": p.answer, "system": p.system, "context": p.context}
            f.write(json.dumps({k: v for k, v in row.items() if v}, ensure_ascii=False) + "\n")
    return path
