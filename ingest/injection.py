"""Neutralise instruction-like passages in documents ("Ignore all previous instructions and …").

Documents are data. A sentence that addresses an AI assistant or tries to change its rules is replaced at
ingestion, so it is neither embedded, nor shown to the generator, nor quoted back to a customer.
"""

from __future__ import annotations

import re

PLACEHOLDER = "[instruction removed]"

INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}?\b(instructions?|rules?|prompts?|guidelines|above|previous)\b"
    r"|\b(system|assistant|ai|chatbot|model)\s+(note|prompt|instruction|message|override)s?\b"
    r"|\byou are now\b|\b(tell|inform|instruct) (every|all|each|any) (customer|user|client)s?\b"
    r"|\b(e-?mail|send|text) (us |them |me )?(your|their) (full )?(card|account|social security|ssn|pin|password)",
    re.IGNORECASE | re.DOTALL,
)
# A sentence ends at . ! ? followed by white space (not the dot inside an e-mail address), or at a blank line.
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n\s*\n")


def is_instruction(text: str) -> bool:
    return bool(INSTRUCTION.search(text))


def neutralise(text: str) -> tuple[str, int]:
    """Replace each sentence that holds an instruction with PLACEHOLDER; returns the text and the count."""
    count = 0
    while (match := INSTRUCTION.search(text)) is not None:
        before = [m.end() for m in _SENTENCE_END.finditer(text, 0, match.start())]
        start = before[-1] if before else 0
        end_match = _SENTENCE_END.search(text, match.end())
        end = end_match.end() if end_match and not end_match.group().startswith("\n") else (
            end_match.start() if end_match else len(text))
        lead = " " if start and not text[start - 1].isspace() else ""
        text = text[:start] + lead + PLACEHOLDER + text[end:]
        count += 1
    return text, count
