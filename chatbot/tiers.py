"""Tiered rows: which record's balance range holds the amount a customer names.

"What rate on a $75,000 margin loan?" is answered by the row whose range holds 75,000 ("50000.00 … 99999.99",
"$50,000 to $99,999.99", "$1,000,000 or more"), which neither embeddings nor word overlap can tell from its
neighbours: they all say "margin rate". So an amount in the question is compared with the ranges a record states.
"""

from __future__ import annotations

import math
import re

_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9}
_AMOUNT = re.compile(
    r"(?<![\w.])\$\s?(\d[\d,]*(?:\.\d+)?)(?:\s?(k|m|mm|thousand|million|billion)\b)?"
    r"|(?<![\w.$])(\d[\d,]*(?:\.\d+)?)\s?(k|thousand|million|grand)\b"
    r"|(?<![\w.$])(\d[\d,]*(?:\.\d+)?)\s?(?:dollars|usd)\b", re.I)
_NUM = r"\$?\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|million|billion)\b)?"
_BETWEEN = re.compile(rf"(?:between\s+)?({_NUM})\s*(?:to|-|\u2013|\u2014|and|through)\s*({_NUM})", re.I)
_AT_LEAST = re.compile(rf"({_NUM})\s*(?:\+|or (?:more|above|over|greater|higher)|and (?:above|over|up))"
                       rf"|\b(?:over|above|more than|at least|minimum(?: of)?|from)\s+({_NUM})", re.I)
_AT_MOST = re.compile(rf"\b(?:up to|under|below|less than|at most|maximum(?: of)?)\s+({_NUM})", re.I)
# Columns named for a bound: "debit_balance_min_usd: 50000.00", "Minimum deposit ($): 3000".
_MIN_FIELD = re.compile(r"(?:^|\| )[^|:]*(?<![a-z])(?:min|minimum)(?![a-z])[^|:]*:\s*\$?([\d,]+(?:\.\d+)?)", re.I)
_MAX_FIELD = re.compile(r"(?:^|\| )[^|:]*(?<![a-z])(?:max|maximum)(?![a-z])[^|:]*:\s*\$?([\d,]+(?:\.\d+)?)", re.I)


def _value(text: str) -> float:
    m = re.match(r"\$?\s?(\d[\d,]*(?:\.\d+)?)\s?([a-z]*)", text.strip(), re.I)
    if not m:
        return math.nan
    return float(m[1].replace(",", "")) * _SCALE.get(m[2].lower(), 1.0)


def amounts(question: str) -> list[float]:
    """Amounts of money the question names: "$10,000", "30k", "a bit over $1.2 million"."""
    out = []
    for m in _AMOUNT.finditer(question):
        number, scale = (m[1], m[2]) if m[1] else (m[3], m[4]) if m[3] else (m[5], "")
        factor = 1e3 if (scale or "").lower() == "grand" else _SCALE.get((scale or "").lower(), 1.0)
        out.append(float(number.replace(",", "")) * factor)
    return out


def ranges(record: str) -> list[tuple[float, float]]:
    """The amount ranges a record states, as (low, high): columns named min/max, "a to b", "a or more", "up to b"."""
    found: list[tuple[float, float]] = []
    low = [float(v.replace(",", "")) for v in _MIN_FIELD.findall(record)]
    high = [float(v.replace(",", "")) for v in _MAX_FIELD.findall(record)]
    if low or high:
        found.append((low[0] if low else 0.0, high[0] if high else math.inf))
        return found
    text = re.sub(r"\d+(?:\.\d+)?\s?%", " ", record)  # "Base + 1.75%" is a rate, not an amount
    for m in _BETWEEN.finditer(text):
        a, b = _value(m[1]), _value(m[2])
        if "$" in m[0] and a < b:
            found.append((a, b))
    for m in _AT_LEAST.finditer(text):
        raw = m[1] or m[2]
        if "$" in raw:
            found.append((_value(raw), math.inf))
    for m in _AT_MOST.finditer(text):
        if "$" in m[1]:
            found.append((0.0, _value(m[1])))
    return found


def fit(wanted: list[float], record: str) -> int:
    """+1 when a range of the record holds one of the question's `amounts`, -1 when the record states ranges and
    none holds it, 0 when either names no amount or range (the record is not a tier)."""
    if not wanted:
        return 0
    spans = ranges(record)
    if not spans:
        return 0
    return 1 if any(lo <= x <= hi for x in wanted for lo, hi in spans) else -1
