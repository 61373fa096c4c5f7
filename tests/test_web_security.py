"""Security properties of the web layer that need no model: which address is the client (behind a proxy or not),
a busy port refused before anything loads, GRADIO_SERVER_PORT, start-up cleaning of tmp_dir, uploads that
survive a kill -9 in the middle (their originals kept and audited as each file lands), and an app that reaches no
host but its own.

Real parts: uvicorn serving the real /staff/login route over HTTP, a real `python app.py` process, a real SIGKILL.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import LOCAL_HOSTS, ROOT, SAMPLES, free_port, local_server


def make_services(settings, store, ingestor):
    """The web services over the real store and ingestor, without a generator (no model is loaded)."""
    from chatbot.assistant import Assistant
    from chatbot.retriever import Retriever
    from finchat.audit import AuditLog
    from finchat.feedback import FeedbackStore
    from finchat.staff import StaffAuth
    from finchat.web.services import Services

    assistant = Assistant(settings, Retriever(store, settings.retrieval), None, ingestor.redactor)
    return Services(settings, store, assistant, ingestor, StaffAuth.from_settings(settings),
                    AuditLog(settings.audit_log), FeedbackStore(settings.feedback_db))


class LoginServer:
    """uvicorn, configured by `finchat.web.server_config`, serving the real staff routes on a free port."""

    def __init__(self, services) -> None:
        import uvicorn
        from fastapi import FastAPI

        from finchat.web import server_config
        from finchat.web.staff_routes import make_staff_router

        app = FastAPI()
        app.include_router(make_staff_router(services))
        config = server_config(app, services.settings)
        config.port, config.host = free_port(), "127.0.0.1"
        self.url = f"http://127.0.0.1:{config.port}"
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LoginServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def login(self, user: str, password: str, forwarded_for: str | None = None) -> int:
        headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
        reply = httpx.post(f"{self.url}/staff/login", data={"username": user, "password": password},
                           headers=headers, follow_redirects=False, timeout=30)
        return reply.status_code


def audited_clients(settings) -> list[str]:
    lines = settings.audit_log.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["details"].get("client") for line in lines]


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(settings, store, ingestor):
    settings.web.staff_password = "correct horse battery"
    services = make_services(settings, store, ingestor)
    with LoginServer(services) as server:
        assert server.login("mallory", "guess", forwarded_for="203.0.113.9") == 401
    assert audited_clients(settings)[-1] == "127.0.0.1"  # the spoofed address was not believed


def test_behind_a_trusted_proxy_a_guesser_elsewhere_cannot_lock_the_real_user_out(settings, store, ingestor):
    settings.web.staff_password = "correct horse battery"
    settings.web.trusted_proxies = ["127.0.0.1"]
    settings.web.login_attempts = 3
    settings.web.login_delay_s = 30  # longer than any request takes on a busy machine
    services = make_services(settings, store, ingestor)
    with LoginServer(services) as server:
        statuses = [server.login("staff", "guess", forwarded_for="198.51.100.7") for _ in range(8)]
        assert statuses[0] == 401 and set(statuses[1:]) == {429}  # slowed down, then stopped
        assert server.login("staff", "correct horse battery", forwarded_for="192.0.2.44") == 303
    clients = audited_clients(settings)
    assert clients[0] == "198.51.100.7" and clients[-1] == "192.0.2.44"  # the proxy's header names the client
    actions = [json.loads(line)["action"] for line in settings.audit_log.read_text().splitlines()]
    assert actions.count("login_throttled") == 7 and actions[-1] == "login"


# Python's audit hook, loaded as a sitecustomize by a process (and kept by its forks): lists every host it looks up
# or connects to but this machine. Its first line says that it is loaded, so a test cannot pass without it.
NETWORK_LOG = """
import os, sys

_log = open(os.environ["FINCHAT_TEST_NETWORK_LOG"], "a", buffering=1)
_log.write(f"hooked {os.getpid()}\\n")
_HERE = %r


def _audit(event, args):
    if event == "socket.getaddrinfo":
        host = args[0].decode() if isinstance(args[0], bytes) else str(args[0] or "")
    elif event == "socket.connect" and isinstance(args[1], tuple):
        host = str(args[1][0])
    else:
        return
    if host and not host.startswith(_HERE):
        _log.write(f"{event} {host}\\n")


sys.addaudithook(_audit)
""" % (LOCAL_HOSTS,)


def test_the_app_reaches_no_host_but_this_one(tmp_path, models_dir, monkeypatch):
    """A bank's server sends nothing to a vendor: no library's usage ping (OpenVINO's to Google Analytics,
    huggingface_hub's, Gradio's, Chroma's) while the app starts, ingests the samples and answers a customer, and no
    client id is left in the user's home. Run without the test run's offline variables; no network here, so a ping
    fails, but its look-up is listed."""
    hook, home = tmp_path / "hook", tmp_path / "home"
    hook.mkdir()
    home.mkdir()
    (hook / "sitecustomize.py").write_text(NETWORK_LOG)
    log, port = tmp_path / "network.log", free_port()
    for name in [n for n in os.environ if n.startswith(("FINCHAT_", "HF_HUB_", "GRADIO_")) or n in
                 {"CI", "TRANSFORMERS_OFFLINE"}]:
        monkeypatch.delenv(name)
    for name, value in {"HOME": str(home), "PYTHONPATH": str(hook), "FINCHAT_TEST_NETWORK_LOG": str(log),
                        "FINCHAT_PORT": str(port),
                        "FINCHAT_DATA_DIR": str(tmp_path / "data"), "FINCHAT_CONFIG": str(tmp_path / "none.toml"),
                        "FINCHAT_VECTORSTORE__MODELS_DIR": str(models_dir)}.items():
        monkeypatch.setenv(name, value)  # local_server's process inherits the environment
    url = f"http://127.0.0.1:{port}"
    with local_server("finchat app", [sys.executable, str(ROOT / "app.py")], f"{url}/v1/models", tmp_path,
                      timeout=300):
        httpx.get(f"{url}/", timeout=60).raise_for_status()
        answer = httpx.post(f"{url}/v1/chat/completions", timeout=300, json={
            "messages": [{"role": "user", "content": "What is the monthly fee for Basic Checking?"}]}).json()
        assert answer["citations"], answer
    lines = log.read_text().splitlines()
    assert any(line.startswith("hooked ") for line in lines)
    assert [line for line in lines if not line.startswith("hooked ")] == []
    assert not (home / "intel").exists()  # where OpenVINO's telemetry keeps its client id


def test_a_busy_port_is_refused_before_the_models_load(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("FINCHAT_")}
        env.update(FINCHAT_DATA_DIR=str(tmp_path / "data"), GRADIO_SERVER_PORT=str(port),
                   FINCHAT_CONFIG=str(tmp_path / "none.toml"))
        started = time.monotonic()
        done = subprocess.run([sys.executable, str(ROOT / "app.py")], env=env, capture_output=True, text=True,
                              timeout=120)
        took = time.monotonic() - started
    assert done.returncode != 0 and f"cannot listen on 127.0.0.1:{port}" in done.stderr, done.stderr[-500:]
    assert not (tmp_path / "data" / "chroma").exists()  # it stopped before opening the store or loading a model
    assert took < 60


def test_gradio_server_port_is_honoured_and_finchat_port_wins(monkeypatch):
    from finchat.settings import load_settings

    monkeypatch.setenv("GRADIO_SERVER_PORT", "7000")
    assert load_settings().web.port == 7000
    monkeypatch.setenv("FINCHAT_PORT", "8123")
    assert load_settings().web.port == 8123


def test_start_up_empties_tmp_and_points_the_gradio_cache_under_the_data_dir(settings, monkeypatch):
    from finchat.web.services import clear_tmp

    monkeypatch.delenv("GRADIO_TEMP_DIR", raising=False)
    stale = settings.tmp_dir / "ingest-abc" / "letter.txt"
    stale.parent.mkdir(parents=True)
    stale.write_text("an unredacted copy left by a killed upload")
    parked = settings.tmp_dir / "gradio" / "0f" / "parked.md"
    parked.parent.mkdir(parents=True)
    parked.write_text("an anonymous upload")
    clear_tmp(settings)
    assert not stale.exists() and not parked.exists()
    assert Path(os.environ["GRADIO_TEMP_DIR"]) == (settings.tmp_dir / "gradio").resolve()


KILLED_UPLOAD = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from finchat.settings import load_settings
    from finchat.web.services import Services, clear_tmp
    from tests.test_web_security import make_services
    from ingest.pipeline import Ingestor
    from vectorstore.store import ChunkStore

    settings = load_settings(data_dir=Path({data!r}))
    settings.web.staff_password = "correct horse battery"
    settings.ingest.chunks_per_commit = 1  # each file is committed on its own, so the kill falls between files
    settings.ingest.prepare_workers = 0
    clear_tmp(settings)
    store = ChunkStore(settings)
    services = make_services(settings, store, Ingestor.from_settings(settings, store))
    token = services.auth.login("staff", "correct horse battery", "127.0.0.1")
    paths = []
    for name in sys.argv[1:]:
        cached = services.upload_cache / "u" / name
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(Path({samples!r}, name).read_bytes())
        paths.append(cached)
    services.remember_uploads(token, [str(p) for p in paths])

    def killed_after_the_first(result):
        os.kill(os.getpid(), signal.SIGKILL)  # the real thing: no clean-up code runs after this

    services.upload(token, paths, on_file=killed_after_the_first)
""")


def test_a_kill_mid_upload_keeps_the_landed_file_audited_and_its_copies_go_at_start_up(tmp_path, settings, embedder):
    from vectorstore.store import ChunkStore

    data = settings.data_dir  # the store is opened here only after the killed process is gone
    script = tmp_path / "killed_upload.py"
    script.write_text(KILLED_UPLOAD.format(root=str(ROOT), data=str(data), samples=str(SAMPLES)))
    names = ["faq.md", "branch_notice.md", "rates.html"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINCHAT_")}
    env["FINCHAT_INGEST__DETECT_NAMES"] = "false"
    done = subprocess.run([sys.executable, str(script), *names], env=env, capture_output=True, text=True,
                          timeout=600, cwd=ROOT)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]

    landed = [json.loads(line)["details"] for line in settings.audit_log.read_text().splitlines()
              if json.loads(line)["action"] == "upload"]
    assert len(landed) == 1 and landed[0]["status"] == "added"  # audited as it landed, before the kill
    first = landed[0]["file"]
    assert (data / "uploads" / first).read_bytes() == (SAMPLES / first).read_bytes()  # its original is kept
    assert ChunkStore(settings, embedder=embedder).file_record(first) is not None
    left = [p for p in settings.tmp_dir.glob("ingest-*/*")]
    assert left, "the kill left the in-flight copies of the other files (unredacted) under tmp_dir"
    from finchat.web.services import clear_tmp

    clear_tmp(settings)  # what Services.from_settings does first at every start
    assert not list(settings.tmp_dir.glob("ingest-*"))
    with pytest.raises(StopIteration):
        next(settings.tmp_dir.rglob("*.md"))


def test_an_uploaded_document_deleted_by_staff_can_be_undone_from_its_trash(settings, store, ingestor):
    """Delete moves the kept original to the session's trash (nothing served, emptied at start-up); undo ingests
    it again with its audience and keeps it for re-indexing; another session cannot undo it."""
    settings.web.staff_password = "correct horse battery"
    services = make_services(settings, store, ingestor)
    token = services.auth.login("staff", "correct horse battery", "127.0.0.1")
    cached = services.upload_cache / "u" / "faq.md"
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes((SAMPLES / "faq.md").read_bytes())
    services.remember_uploads(token, [str(cached)])
    assert services.upload(token, [cached], audience="staff")[0].ok
    kept = settings.uploads_dir / "faq.md"
    assert kept.is_file()

    assert services.delete(token, "faq.md") and not kept.exists()
    assert "faq.md" not in {r.file for r in store.list_files()}
    other = services.auth.login("staff", "correct horse battery", "127.0.0.2")
    assert services.undo_delete(other, "faq.md") is None  # undo is the deleting session's
    restored = services.undo_delete(token, "faq.md")
    assert restored.ok and kept.is_file()
    assert {r.file: r.audience for r in store.list_files()}["faq.md"] == "staff"
    assert services.undo_delete(token, "faq.md") is None  # once


def test_originals_are_served_only_for_public_documents_without_personal_data(settings, store, ingestor):
    """GET /documents/{name}: a cited public fee schedule opens; a staff-only letter, a file the store does not
    hold, a path and a public document in which ingestion redacted personal data are all a bare 404."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from finchat.web.originals import make_originals_router, original_url

    services = make_services(settings, store, ingestor)
    services.samples = SAMPLES
    assert all(r.ok for r in ingestor.ingest([SAMPLES]))
    records = {r.file: r for r in store.list_files()}
    app = FastAPI()
    app.include_router(make_originals_router(services))
    http = TestClient(app)

    got = http.get(original_url("fee_schedule.pdf", 2).split("#")[0])
    assert got.status_code == 200 and got.content == (SAMPLES / "fee_schedule.pdf").read_bytes()
    assert got.headers["content-type"] == "application/pdf" and got.headers["x-content-type-options"] == "nosniff"
    assert original_url("fee_schedule.pdf", 2).endswith("#page=2")
    assert records["customer_letter.txt"].audience == "staff"
    redacted = [name for name, r in records.items() if r.audience == "public" and any(r.redactions.values())]
    for name in ["customer_letter.txt", "no_such.pdf", "..%2Fdata%2Ffeedback.sqlite3", "%2Fetc%2Fpasswd", *redacted]:
        refused = http.get(f"/documents/{name}")
        assert refused.status_code == 404 and refused.json() == {"detail": "Not Found"}, name
    html = http.get("/documents/rates.html")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/plain")  # shown, never run
