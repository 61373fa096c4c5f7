"""The hash-chained audit log: appends, tamper detection line by line, concurrent writers, `finchat audit verify`."""

from __future__ import annotations

import json
import multiprocessing
import threading

import pytest
from typer.testing import CliRunner

from finchat.audit import GENESIS, AuditLog, check, entry_hash, head_path, verify
from finchat.cli import app


@pytest.fixture
def log_path(tmp_path):
    log = AuditLog(tmp_path / "data" / "audit.jsonl")
    log.append("login", "alice", client="127.0.0.1")
    log.append("upload", "alice", files=["fees.pdf"], results=["fees.pdf: added, 12 chunks"])
    log.append("delete", "alice", file="fees.pdf")
    log.append("reindex", "alice", files=3)
    log.append("logout", "alice")
    return log.path


def lines(path):
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def test_entries_are_chained_json_lines(log_path):
    entries = [json.loads(line) for line in lines(log_path)]
    assert [e["action"] for e in entries] == ["login", "upload", "delete", "reindex", "logout"]
    assert [e["n"] for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0]["prev"] == GENESIS
    for before, after in zip(entries, entries[1:]):
        assert after["prev"] == before["hash"]
    assert all(entry_hash(e) == e["hash"] and len(e["hash"]) == 64 for e in entries)
    assert entries[1]["details"] == {"files": ["fees.pdf"], "results": ["fees.pdf: added, 12 chunks"]}
    assert entries[0]["actor"] == "alice" and entries[0]["time"].endswith("+00:00")
    assert verify(log_path) == [] and check(log_path).entries == 5


def test_appends_continue_a_reopened_log(log_path):
    again = AuditLog(log_path).append("login_failed", "mallory", client="10.0.0.9")
    assert again["n"] == 6 and again["prev"] == json.loads(lines(log_path)[4])["hash"]
    assert verify(log_path) == []


def tamper(path, change):
    rows = lines(path)
    path.write_text("".join(change(rows)), encoding="utf-8")


@pytest.mark.parametrize("change, expected", [
    (lambda r: r[:2] + [r[2].replace("fees.pdf", "rates.pdf")] + r[3:], "line 3: hash mismatch: the entry was edited"),
    (lambda r: r[:1] + [r[1].replace('"alice"', '"bob"')] + r[2:], "line 2: hash mismatch"),
    (lambda r: r[:2] + r[3:], "line 3: chain broken (entry n=4, expected n=3): entries before it are missing"),
    (lambda r: r[1:], "line 1: chain broken (entry n=2, expected n=1)"),
    (lambda r: [r[0], r[2], r[1]] + r[3:], "line 2: chain broken"),
    (lambda r: r[:3] + [r[2]] + r[3:], "line 4: chain broken (entry n=3, expected n=4): lines were inserted"),
    (lambda r: r[:4] + [r[4][:40]], "line 5: not a complete audit entry (edited or truncated)"),
    (lambda r: r[:3], "end of log: 3 entries, but the head file records 5"),
    (lambda r: [], "end of log: 0 entries, but the head file records 5"),
])
def test_tampering_is_named(log_path, change, expected):
    tamper(log_path, change)
    problems = verify(log_path)
    assert problems and expected in problems[0], problems


def test_an_edit_with_a_recomputed_hash_breaks_the_next_line(log_path):
    rows = lines(log_path)
    entry = json.loads(rows[1])
    entry["details"]["files"] = ["other.pdf"]
    entry["hash"] = entry_hash(entry)
    rows[1] = json.dumps(entry) + "\n"
    log_path.write_text("".join(rows))
    assert "line 3: chain broken" in verify(log_path)[0]


def test_missing_log_or_head(tmp_path, log_path):
    assert verify(tmp_path / "nowhere.jsonl") == [f"{tmp_path / 'nowhere.jsonl'}: no audit log here"]
    head_path(log_path).unlink()
    assert verify(log_path) == []  # the chain alone still checks
    AuditLog(log_path).append("login", "alice")  # and the head is written again
    assert head_path(log_path).exists() and verify(log_path) == []
    log_path.unlink()
    assert "the audit log is missing but its head file records 6 entries" in verify(log_path)[0]


def test_an_append_after_a_torn_line_keeps_the_damage_visible(log_path):
    with open(log_path, "ab") as f:
        f.write(b'{"n": 6, "time": "cut off')
    entry = AuditLog(log_path).append("login", "alice")
    assert lines(log_path)[-1].startswith('{"action":"login"') and entry["n"] == 1
    assert verify(log_path)[0] == "line 6: not a complete audit entry (edited or truncated)"


def test_concurrent_appends_from_threads_keep_the_chain(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")
    threads = [threading.Thread(target=lambda i=i: [log.append("upload", f"user{i}", k=k) for k in range(10)])
               for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = check(log.path)
    assert report.problems == [] and report.entries == 80


def _append_many(path, who):
    log = AuditLog(path)
    for k in range(10):
        log.append("upload", who, k=k)


def test_concurrent_appends_from_processes_keep_the_chain(tmp_path):
    path = tmp_path / "audit.jsonl"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_many, args=(path, f"p{i}")) for i in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    report = check(path)
    assert report.problems == [] and report.entries == 30


def test_cli_verify(log_path, monkeypatch):
    runner = CliRunner()
    result = runner.invoke(app, ["audit", "verify", "--path", str(log_path)])
    assert result.exit_code == 0 and "audit log intact: 5 entries" in result.stdout
    monkeypatch.setenv("FINCHAT_DATA_DIR", str(log_path.parent))  # default path: <data_dir>/audit.jsonl
    assert "intact: 5 entries" in runner.invoke(app, ["audit", "verify"]).stdout
    tamper(log_path, lambda r: r[:1] + [r[1].replace("12 chunks", "1 chunk")] + r[2:])
    result = runner.invoke(app, ["audit", "verify", "--path", str(log_path)])
    assert result.exit_code == 1 and "line 2: hash mismatch" in result.stderr and "intact" not in result.stdout


def test_details_that_are_not_json_types_are_stored_as_text(tmp_path):
    from pathlib import Path

    log = AuditLog(tmp_path / "audit.jsonl")
    entry = log.append("upload", "alice", path=Path("/srv/uploads/fees.pdf"))
    stored = json.loads(log.path.read_text())
    assert stored["details"] == {"path": "/srv/uploads/fees.pdf"} and stored["hash"] == entry["hash"]
    assert verify(log.path) == []
