"""Customer feedback in SQLite: stored with its answer and sources, thumbs-down first, CSV export, many threads."""

from __future__ import annotations

import csv
import gc
import io
import json
import sqlite3
import threading
from contextlib import closing

import pytest

from finchat.feedback import COLUMNS, FeedbackStore

SOURCES = [{"n": 1, "file": "fee_schedule.pdf", "page": 1, "section": "", "effective_date": "June 15, 2025"}]


@pytest.fixture
def store(settings):
    return FeedbackStore(settings.feedback_db)


def test_created_on_first_use_and_rows_kept_on_disk(store, settings):
    assert not settings.feedback_db.exists() and store.latest() == []
    row_id = store.add("What does a replacement card cost?", "$10 [1]", SOURCES, -1, "wrong fee", "smollm2+none")
    assert row_id == 1 and settings.feedback_db.exists()
    reopened = FeedbackStore(settings.feedback_db).latest()
    assert reopened == [{"id": 1, "time": reopened[0]["time"], "rating": -1,
                         "question": "What does a replacement card cost?", "answer": "$10 [1]", "sources": SOURCES,
                         "comment": "wrong fee", "model": "smollm2+none"}]
    with closing(sqlite3.connect(settings.feedback_db)) as db:  # stored as plain columns other tools can read
        assert db.execute("SELECT rating, json_extract(sources, '$[0].file') FROM feedback").fetchone() == (
            -1, "fee_schedule.pdf")


def test_no_connection_is_left_open_for_the_garbage_collector(store):
    """Each call closes what it opened: an open connection left to the cyclic collector holds the file until some
    later, unrelated allocation frees it."""
    gc.collect()
    gc.disable()
    try:
        before = _open_connections()
        store.add("q", "a", SOURCES, 1, "", "m")
        store.latest()
        store.export_csv()
        opened = _open_connections() - before
    finally:
        gc.enable()
    assert not opened


def _open_connections() -> set[int]:
    return {id(db) for db in gc.get_objects() if isinstance(db, sqlite3.Connection) and _is_open(db)}


def _is_open(db: sqlite3.Connection) -> bool:
    try:
        db.total_changes
    except sqlite3.ProgrammingError:  # "Cannot operate on a closed database."
        return False
    return True


def test_latest_puts_thumbs_down_first_newest_first(store):
    for i, rating in enumerate([1, -1, 1, -1, -1, 1]):
        store.add(f"q{i}", f"a{i}", [], rating, "", "m")
    assert [r["question"] for r in store.latest()] == ["q4", "q3", "q1", "q5", "q2", "q0"]
    assert [r["question"] for r in store.latest(limit=2)] == ["q4", "q3"]


@pytest.mark.parametrize("rating", [0, 2, -2, 5])
def test_only_plus_or_minus_one(store, rating):
    with pytest.raises(ValueError, match="rating"):
        store.add("q", "a", [], rating, "", "m")
    assert store.latest() == []


def test_export_csv_round_trips_and_defuses_formulas(store):
    store.add("Fee?", 'Line one,\n"quoted" line two', SOURCES, 1, "", "m")
    store.add("=HYPERLINK(\"http://x\")", "a", [], -1, "+1 thanks, @team", "m")
    store.add("Two sources?", "b", [*SOURCES, {"file": "faq.md", "section": "Cards", "text": "a whole chunk"}], 1, "",
              "m")
    rows = list(csv.reader(io.StringIO(store.export_csv())))
    assert rows[0] == [c for c in COLUMNS if c != "sources"] + ["source_1", "source_2"]
    down, two, up = rows[1], rows[2], rows[3]  # thumbs-down first, then newest first
    assert down[2] == "-1" and down[3] == "'=HYPERLINK(\"http://x\")" and down[5] == "'+1 thanks, @team"
    assert up[4] == 'Line one,\n"quoted" line two' and up[7:] == ["fee_schedule.pdf, page 1", ""] and up[0] == "1"
    assert two[7:] == ["fee_schedule.pdf, page 1", "faq.md, Cards"] and "a whole chunk" not in store.export_csv()


def test_concurrent_adds_from_threads(store):
    def rate(i: int) -> None:
        for k in range(10):
            store.add(f"q{i}-{k}", "a", SOURCES, -1 if k % 2 else 1, "", "m")

    threads = [threading.Thread(target=rate, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = store.latest(limit=1000)
    assert len(rows) == 80 and len({r["id"] for r in rows}) == 80
    assert [r["rating"] for r in rows] == [-1] * 40 + [1] * 40


def test_rating_the_same_answer_again_changes_its_row(store):
    first = store.add("q?", "a [1]", [], -1, "wrong fee", "m")
    assert store.add("q?", "a [1]", [], 1, "", "m", row_id=first) == first
    rows = store.latest()
    assert len(rows) == 1 and (rows[0]["rating"], rows[0]["comment"]) == (1, "")
    assert store.add("q?", "a [1]", [], 1, "", "m", row_id=999) != first  # a row that is gone: stored anew
    assert len(store.latest()) == 2
