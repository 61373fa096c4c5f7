"""The `finchat ask --batch` contract, shared by the CLI and the evaluation benchmark.

Other tools read these lines; keep the fields stable:
{"id", "q", "answer", "sources": [{"file", "page", "section", "score"}], "abstained", "ttft_s", "total_s"}
"""

from __future__ import annotations

from typing import Iterable, Iterator, Sequence

from chatbot.assistant import Answer, Assistant


def answer_row(item: dict, answer: Answer) -> dict:
    return {
        "id": item.get("id"),
        "q": item["q"],
        "answer": answer.text,
        "sources": [{"file": c.file, "page": c.page, "section": c.section, "score": round(c.score, 4)}
                    for c in answer.citations],
        "abstained": answer.abstained,
        "ttft_s": round(answer.timings["ttft_s"], 4),
        "total_s": round(answer.timings["total_s"], 4),
    }


def answer_all(assistant: Assistant, items: Iterable[dict],
               audiences: Sequence[str] = ("public",)) -> Iterator[tuple[dict, Answer]]:
    """Ask every item's question with the already-loaded models, from documents of those audiences (as a
    customer by default); yields (row, answer)."""
    for item in items:
        answer = assistant.ask(item["q"], audiences=audiences)
        yield answer_row(item, answer), answer
