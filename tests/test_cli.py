"""The `finchat` command as staff use it: ingest the samples, search, list, delete, bad files, SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from finchat.cli import app
from tests.conftest import SAMPLES, alive_process

runner = CliRunner()
SAMPLE_DOCS = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in {".pdf", ".docx", ".html", ".md", ".txt", ".csv"})


def finchat(*args: str):
    """Run the CLI in-process; returns (exit code, stdout + stderr without library progress bars)."""
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout + "".join(
        line + "\n" for line in result.stderr.splitlines() if "Loading weights" not in line)


def test_ingest_samples_then_search_list_and_delete():
    code, out = finchat("ingest", str(SAMPLES))
    assert code == 0, out
    for name in SAMPLE_DOCS:  # one line per file, naming it, with its chunk count
        assert any(line.startswith(f"{name}: added, ") and "chunks" in line for line in out.splitlines()), out
    assert "questions.jsonl" not in out and "make_samples.py" not in out  # not documents: passed over

    code, out = finchat("search", "monthly fee", "--k", "3", "--json")
    hits = json.loads(out)
    assert code == 0 and len(hits) == 3
    assert (hits[0]["file"], hits[0]["page"]) == ("fee_schedule.pdf", 1)
    assert "Basic Checking" in hits[0]["text"] and hits[0]["score"] > 0

    code, out = finchat("docs", "list", "--json")
    listed = {d["file"]: d for d in json.loads(out)}
    assert sorted(listed) == SAMPLE_DOCS
    assert listed["fee_schedule.pdf"]["pages"] == 4 and listed["fee_schedule.pdf"]["effective_date"] == "June 15, 2025"
    assert listed["customer_letter.txt"]["redactions"]["CARD"] == 2

    code, out = finchat("ingest", str(SAMPLES / "faq.md"))
    assert code == 0 and "faq.md: unchanged" in out
    code, out = finchat("ingest", "--if-empty", str(SAMPLES))
    assert code == 0 and "nothing to do" in out

    assert finchat("docs", "delete", "faq.md")[0] == 0
    code, out = finchat("docs", "list", "--json")
    assert "faq.md" not in {d["file"] for d in json.loads(out)}
    code, out = finchat("docs", "delete", "faq.md")
    assert code == 1 and "no such document" in out


def test_a_failed_file_exits_1_and_the_others_are_ingested(tmp_path):
    (tmp_path / "good.md").write_text("# Rates\nGold Savings APY: 1.10%\n")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4\ntruncated")
    code, out = finchat("ingest", str(tmp_path / "good.md"), str(tmp_path / "scan.pdf"), str(tmp_path / "missing.txt"))
    assert code == 1
    assert "good.md: added" in out and "scan.pdf: FAILED: scan.pdf: the PDF is damaged" in out
    assert "missing.txt: no such file" in out
    assert [d["file"] for d in json.loads(finchat("docs", "list", "--json")[1])] == ["good.md"]


def test_search_against_a_chroma_server(chroma_server, monkeypatch, tmp_path):
    monkeypatch.setenv("FINCHAT_CHROMA_URL", chroma_server)
    monkeypatch.setenv("FINCHAT_COLLECTION", "cli_server_test")
    code, out = finchat("ingest", str(SAMPLES / "savings_rates.csv"), str(SAMPLES / "faq.md"))
    assert code == 0, out
    hits = json.loads(finchat("search", "routing number", "--json")[1])
    assert hits[0]["file"] == "faq.md"
    assert not (tmp_path / "data" / "chroma").exists()  # nothing went to the embedded store


def test_sigkill_mid_batch_leaves_only_whole_files(tmp_path, settings, embedder):
    from vectorstore.store import ChunkStore

    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(30):
        rows = "\n".join(f"Product {i}-{j}: fee ${i}.{j:02d} per item, code zq{i}x{j}" for j in range(40))
        (docs / f"sheet{i:02d}.md").write_text(f"# Sheet {i}\n\n{rows}\n")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "FINCHAT_INGEST__CHUNKS_PER_COMMIT": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "finchat", "ingest", str(docs)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    done = 0
    for line in proc.stdout:
        done += ": added" in line
        if done == 3:
            workers = _children(proc.pid)
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert workers, "the files were prepared in worker processes"
    deadline = time.monotonic() + 10
    while any(alive_process(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive_process(pid) for pid in workers), "worker processes outlived the killed ingest"

    store = ChunkStore(settings, embedder=embedder)
    store.repair()
    records = store.list_files()
    assert len(records) >= 3
    chunks = store.all_chunks()
    assert len(chunks) == sum(r.chunks for r in records)  # no chunk of an unfinished file
    for r in records:
        assert sorted(c.chunk_index for c in chunks if c.file == r.file) == list(range(r.chunks))
    code, out = finchat("ingest", str(docs))  # the next run completes the batch
    assert code == 0 and len(ChunkStore(settings, embedder=embedder).list_files()) == 30


def _children(pid: int) -> list[int]:
    return [int(c) for t in Path(f"/proc/{pid}/task").iterdir()
            for c in (t / "children").read_text().split()]

