"""Append-only, hash-chained audit log of staff actions (JSON lines), and its verification.

Each line holds `n` (1, 2, …), `time`, `action`, `actor`, `details`, `prev` (the previous line's hash) and `hash`
(sha256 of the line's canonical JSON without `hash`). Editing, deleting, inserting or reordering a line breaks the
chain at that line. Dropping whole lines from the end leaves a shorter valid chain, so every append also records the
last `n` and hash in a head file beside the log (`audit.jsonl.head`); verification compares the two. Someone able
to rewrite both files can forge a history: keep a copy of the head line (printed by `finchat audit verify`) elsewhere.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

GENESIS = "0" * 64  # `prev` of the first entry
ACTIONS = ("login", "login_failed", "login_throttled", "logout", "upload", "upload_refused", "delete", "audience",
           "reindex", "export")
TAIL_READ = 64 * 1024  # bytes read from the end of the log to find its last line


def _canonical(entry: dict[str, Any]) -> bytes:
    # default=str: a Path or date in the details is stored as its text, which hashes the same once read back.
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


def entry_hash(entry: dict[str, Any]) -> str:
    """sha256 of the entry's canonical JSON, `hash` itself left out."""
    return hashlib.sha256(_canonical({k: v for k, v in entry.items() if k != "hash"})).hexdigest()


def head_path(path: Path) -> Path:
    return path.with_name(path.name + ".head")


def _last_line(f) -> bytes:
    """The last line of an open binary file (without its newline), b"" when empty."""
    size = f.seek(0, os.SEEK_END)
    start = size
    data = b""
    while start > 0:
        start = max(0, start - TAIL_READ)
        f.seek(start)
        data = f.read(size - start)
        if b"\n" in data.rstrip(b"\n"):
            break
    return data.rstrip(b"\n").rsplit(b"\n", 1)[-1]


class AuditLog:
    """Appends chained entries; safe across threads (a lock) and processes (an exclusive file lock)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, action: str, actor: str, **details: Any) -> dict[str, Any]:
        """Write one entry, fsynced, chained to the last one; returns it. Never pass passwords in `details`."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.path, "a+b") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                last_raw = _last_line(f)
                n, prev = _chain_point(last_raw)
                entry = {"n": n + 1, "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                         "action": action, "actor": actor, "details": details, "prev": prev}
                entry["hash"] = entry_hash(entry)
                ends_open = False
                if f.seek(0, os.SEEK_END) > 0:
                    f.seek(-1, os.SEEK_END)
                    ends_open = f.read(1) != b"\n"
                f.write((b"\n" if ends_open else b"") + _canonical(entry) + b"\n")
                f.flush()
                os.fsync(f.fileno())
                _write_head(self.path, entry)
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
        return entry


def _chain_point(last_raw: bytes) -> tuple[int, str]:
    """(n, hash) the next entry chains to; a damaged last line still gets chained to, and verify reports it."""
    if not last_raw:
        return 0, GENESIS
    try:
        last = json.loads(last_raw)
        return int(last["n"]), str(last["hash"])
    except (ValueError, KeyError, TypeError):
        return 0, hashlib.sha256(last_raw).hexdigest()


def _write_head(path: Path, entry: dict[str, Any]) -> None:
    head = head_path(path)
    tmp = head.with_name(head.name + ".tmp")
    tmp.write_text(json.dumps({"n": entry["n"], "hash": entry["hash"]}) + "\n", encoding="utf-8")
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, head)


@dataclass
class AuditReport:
    entries: int = 0
    last_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)


def check(path: Path) -> AuditReport:
    """Verify the whole chain and the head file; problems name the line where the chain first breaks."""
    path = Path(path)
    report = AuditReport()
    head = _read_head(path, report.problems)
    if not path.exists():
        if head is not None:
            report.problems.append(f"{path}: the audit log is missing but its head file records {head[0]} entries")
        else:
            report.problems.append(f"{path}: no audit log here")
        return report
    prev, expected_n = GENESIS, 1
    for lineno, raw in enumerate(path.read_bytes().split(b"\n"), 1):
        if raw == b"":
            continue
        try:
            entry = json.loads(raw)
            stored_hash, n, entry_prev = entry["hash"], entry["n"], entry["prev"]
        except (ValueError, KeyError, TypeError):
            report.problems.append(f"line {lineno}: not a complete audit entry (edited or truncated)")
            return report
        if entry_hash(entry) != stored_hash:
            report.problems.append(f"line {lineno}: hash mismatch: the entry was edited")
            return report
        if n != expected_n or entry_prev != prev:
            why = ("entries before it are missing (deleted or moved)" if isinstance(n, int) and n > expected_n
                   else "lines were inserted or reordered" if n != expected_n
                   else "it does not chain to the line before (rewritten with a recomputed hash?)")
            report.problems.append(f"line {lineno}: chain broken (entry n={n}, expected n={expected_n}): {why}")
            return report
        prev, expected_n = stored_hash, expected_n + 1
        report.entries, report.last_hash = n, stored_hash
    if head is not None and head != (report.entries, report.last_hash):
        report.problems.append(f"end of log: {report.entries} entries, but the head file records {head[0]}: "
                               "entries were removed from the end (truncated) or the head was altered")
    return report


def _read_head(path: Path, problems: list[str]) -> tuple[int, str] | None:
    head = head_path(path)
    if not head.exists():
        return None
    try:
        data = json.loads(head.read_text(encoding="utf-8"))
        return int(data["n"]), str(data["hash"])
    except (ValueError, KeyError, TypeError):
        problems.append(f"{head}: unreadable head file")
        return None


def verify(path: Path) -> list[str]:
    """Problems found in the audit log at `path`; an empty list means intact."""
    return check(path).problems
