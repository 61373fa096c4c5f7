#!/usr/bin/env python3
"""Sanity checks for evaluation corpus 2 (Granite Peak Mutual).

Verifies that ``questions.jsonl`` is consistent with the documents in ``docs/``:

* every line is a JSON object of one of three kinds, with the right keys:
    answerable  {"id": "cNN", "q", "must": [regex, ...], "source": "<file in docs/>"}
    abstain     {"id": "xNN", "q", "abstain": true}
    probe       {"id": "yNN", "q", "forbid": [regex, ...]}
* ids are unique and every regex compiles;
* every ``must`` regex matches (case-insensitively) the text extracted from its
  source document -- pdfplumber for PDF, python-docx for DOCX (paragraphs and
  table cells), BeautifulSoup for HTML (script/style removed), a plain UTF-8
  read otherwise;
* every ``must`` regex that contains a figure (a digit) matches *no other*
  document, so each fact lives in exactly one place, and does not match the
  question itself (the question must not give the answer away);
* every ``forbid`` regex matches the confidential claim note (so the probe is
  meaningful), matches no other document and does not match the question;
* minimum counts: 30 answerable, 12 abstain, 3 probes; every document except
  the claim note is the source of at least one question.

Exit status 0 when everything passes, 1 otherwise.
Usage:  python bench/corpus2/check_corpus.py
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCS = HERE / "docs"
QUESTIONS = HERE / "questions.jsonl"
CLAIM_NOTE = "claim_note.txt"
MIN_ANSWERABLE, MIN_ABSTAIN, MIN_PROBES = 30, 12, 3


def extract_text(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        import pdfplumber

        with pdfplumber.open(str(path)) as pdf:
            return "\n".join((page.extract_text() or "") for page in pdf.pages)
    if suffix == ".docx":
        import docx

        d = docx.Document(str(path))
        parts = [p.text for p in d.paragraphs]
        for table in d.tables:
            for row in table.rows:
                parts.append(" | ".join(cell.text for cell in row.cells))
        return "\n".join(parts)
    if suffix in (".html", ".htm"):
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in soup(["script", "style", "noscript", "template"]):
            tag.decompose()
        return soup.get_text(" ")
    return path.read_text(encoding="utf-8")


def main() -> int:
    errors: list[str] = []
    err = errors.append

    texts = {p.name: extract_text(p) for p in sorted(DOCS.iterdir()) if p.is_file()}
    if CLAIM_NOTE not in texts:
        err(f"missing docs/{CLAIM_NOTE}")

    seen: set[str] = set()
    counts = {"answerable": 0, "abstain": 0, "probe": 0}
    used_sources: set[str] = set()

    def compile_all(qid, pats, field):
        out = []
        if not isinstance(pats, list) or not pats:
            err(f"{qid}: '{field}' must be a non-empty list")
            return out
        for pat in pats:
            if not isinstance(pat, str) or not pat:
                err(f"{qid}: {field} entry {pat!r} is not a non-empty string")
                continue
            try:
                out.append((pat, re.compile(pat, re.IGNORECASE)))
            except re.error as e:
                err(f"{qid}: {field} regex {pat!r} does not compile: {e}")
        return out

    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            err(f"line {lineno}: blank line")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            err(f"line {lineno}: invalid JSON: {e}")
            continue
        if not isinstance(obj, dict):
            err(f"line {lineno}: not a JSON object")
            continue
        qid = obj.get("id")
        if not isinstance(qid, str) or not qid:
            err(f"line {lineno}: missing id")
            continue
        if qid in seen:
            err(f"{qid}: duplicate id")
        seen.add(qid)
        q = obj.get("q")
        if not isinstance(q, str) or not q.strip():
            err(f"{qid}: missing question text")
            q = ""
        keys = set(obj)

        if "must" in obj:
            counts["answerable"] += 1
            if keys != {"id", "q", "must", "source"}:
                err(f"{qid}: answerable keys must be id,q,must,source (got {sorted(keys)})")
            if not qid.startswith("c"):
                err(f"{qid}: answerable ids should start with 'c'")
            src = obj.get("source")
            if src not in texts or src == CLAIM_NOTE:
                err(f"{qid}: source {src!r} is not a document in docs/")
                continue
            used_sources.add(src)
            for pat, rx in compile_all(qid, obj["must"], "must"):
                if not rx.search(texts[src]):
                    err(f"{qid}: must {pat!r} does not match {src}")
                if re.search(r"\d", pat):
                    others = [n for n, t in texts.items() if n != src and rx.search(t)]
                    if others:
                        err(f"{qid}: must {pat!r} also matches {others} (fact not unique)")
                    if rx.search(q):
                        err(f"{qid}: must {pat!r} matches the question itself")
        elif "abstain" in obj:
            counts["abstain"] += 1
            if keys != {"id", "q", "abstain"} or obj["abstain"] is not True:
                err(f"{qid}: abstain items must be exactly id,q,abstain=true")
            if not qid.startswith("x"):
                err(f"{qid}: abstain ids should start with 'x'")
        elif "forbid" in obj:
            counts["probe"] += 1
            if keys != {"id", "q", "forbid"}:
                err(f"{qid}: probe keys must be id,q,forbid (got {sorted(keys)})")
            if not qid.startswith("y"):
                err(f"{qid}: probe ids should start with 'y'")
            for pat, rx in compile_all(qid, obj["forbid"], "forbid"):
                if not rx.search(texts.get(CLAIM_NOTE, "")):
                    err(f"{qid}: forbid {pat!r} does not match {CLAIM_NOTE}")
                others = [n for n, t in texts.items() if n != CLAIM_NOTE and rx.search(t)]
                if others:
                    err(f"{qid}: forbid {pat!r} also matches {others}")
                if rx.search(q):
                    err(f"{qid}: forbid {pat!r} matches the question itself")
        else:
            err(f"{qid}: item has none of must / abstain / forbid")

    if counts["answerable"] < MIN_ANSWERABLE:
        err(f"only {counts['answerable']} answerable questions (< {MIN_ANSWERABLE})")
    if counts["abstain"] < MIN_ABSTAIN:
        err(f"only {counts['abstain']} abstain questions (< {MIN_ABSTAIN})")
    if counts["probe"] < MIN_PROBES:
        err(f"only {counts['probe']} probes (< {MIN_PROBES})")
    for name in texts:
        if name != CLAIM_NOTE and name not in used_sources:
            err(f"document {name} is not the source of any question")

    print(f"documents: {', '.join(sorted(texts))}")
    print(f"questions: {len(seen)} total -- {counts['answerable']} answerable, "
          f"{counts['abstain']} abstain, {counts['probe']} probes")
    if errors:
        print(f"\nFAILED: {len(errors)} problem(s)")
        for e in errors:
            print("  -", e)
        return 1
    print("OK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
