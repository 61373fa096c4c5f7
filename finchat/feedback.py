"""Customers' thumbs up/down on answers, kept in SQLite under the data directory for staff to review and export."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import threading
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

COLUMNS = ("id", "time", "rating", "question", "answer", "sources", "comment", "model")
SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    sources TEXT NOT NULL,
    comment TEXT NOT NULL,
    model TEXT NOT NULL
)
"""
# Thumbs-down first (rating -1 sorts before +1), newest first within each.
ORDER = "ORDER BY rating ASC, id DESC"
# A spreadsheet runs a cell starting with these as a formula; exported text cells get a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class FeedbackStore:
    """Feedback rows in one SQLite file, created on first use; one connection per call, so any thread may use it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._ready = False
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        with self._lock:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                # `with connect()` alone commits but never closes: the connection would wait for the collector.
                with closing(sqlite3.connect(self.path)) as db, db:
                    db.execute("PRAGMA journal_mode=WAL")  # readers do not wait for a writer
                    db.execute(SCHEMA)
                self._ready = True
        db = sqlite3.connect(self.path, timeout=30)
        db.row_factory = sqlite3.Row
        return db

    def add(self, question: str, answer: str, sources: list[dict], rating: int, comment: str, model: str,
            row_id: int | None = None) -> int:
        """Store one rating (+1 or -1) with what was asked and answered; returns the row id. With `row_id` (a
        customer changing their mind about the same answer) that row's rating, comment and time are replaced,
        so an answer is rated once."""
        if rating not in (1, -1):
            raise ValueError(f"rating must be +1 or -1, not {rating!r}")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        row = (now, rating, question, answer, json.dumps(sources, ensure_ascii=False, default=str), comment or "",
               model or "")
        db = self._connect()
        try:
            with db:
                if row_id is not None:
                    cur = db.execute("UPDATE feedback SET time = ?, rating = ?, comment = ? WHERE id = ?",
                                     (now, rating, comment or "", row_id))
                    if cur.rowcount:
                        return row_id
                cur = db.execute("INSERT INTO feedback (time, rating, question, answer, sources, comment, model) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?)", row)
            return int(cur.lastrowid)
        finally:
            db.close()

    def latest(self, limit: int = 200) -> list[dict[str, Any]]:
        """Up to `limit` rows, thumbs-down first, newest first within each; `sources` decoded."""
        return [{**r, "sources": json.loads(r["sources"])} for r in self._rows(limit)]

    def export_csv(self) -> str:
        """All feedback as CSV text: id, time (UTC), rating, question, answer, comment, model, then one column per
        source the answer cited (source_1, source_2, …: "fee_schedule.pdf, page 2"), never the chunks' text."""
        rows = self._rows(None)
        labels = [[_label(s) for s in json.loads(r["sources"] or "[]")] for r in rows]
        width = max([1, *map(len, labels)])
        fields = [c for c in COLUMNS if c != "sources"]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([*fields, *(f"source_{i}" for i in range(1, width + 1))])
        for r, cited in zip(rows, labels):
            writer.writerow([_cell(r[c]) for c in fields] + [_cell(x) for x in cited] + [""] * (width - len(cited)))
        return out.getvalue()

    def _rows(self, limit: int | None) -> list[dict[str, Any]]:
        db = self._connect()
        try:
            sql = f"SELECT {', '.join(COLUMNS)} FROM feedback {ORDER}"
            rows = db.execute(sql + " LIMIT ?", (limit,)) if limit is not None else db.execute(sql)
            return [dict(r) for r in rows]
        finally:
            db.close()


def _label(source: dict) -> str:
    """A cited source as the customer saw it: "file, page 2" (or its section)."""
    if source.get("label"):
        return str(source["label"])
    where = f"page {source['page']}" if source.get("page") else source.get("section", "")
    return f"{source.get('file', '')}, {where}" if where else str(source.get("file", ""))


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
