"""Shared fixtures: real Chroma (embedded and server), the real bundled embedding model, temp data dirs."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
LOCAL_HOSTS = ("127.", "localhost", "::1", "0.0.0.0")  # host names and addresses of this machine


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory):
    """One folder for the int8 encoder graph, built once for the run (the export takes ~15 s), not per data dir."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch, models_dir):
    """No test reads the developer's finchat.toml, FINCHAT_* variables or ./data."""
    for name in list(os.environ):
        if name.startswith("FINCHAT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("FINCHAT_CONFIG", str(tmp_path / "no-such-finchat.toml"))
    monkeypatch.setenv("FINCHAT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FINCHAT_VECTORSTORE__MODELS_DIR", str(models_dir))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def embedder(models_dir):
    """The bundled all-MiniLM-L6-v2 with the default backend, loaded once for the whole run."""
    from finchat.settings import load_settings
    from vectorstore.store import load_embedder

    settings = load_settings()
    settings.vectorstore.models_dir = models_dir
    return load_embedder(settings)


@pytest.fixture(scope="session")
def torch_embedder():
    """The same model on sentence-transformers and torch (fp32), the reference of the int8 one."""
    from finchat.settings import load_settings
    from vectorstore.store import load_embedder

    settings = load_settings()
    settings.vectorstore.embedding_backend = "torch"
    return load_embedder(settings)


@pytest.fixture(scope="session")
def redactor():
    from ingest.redact import Redactor

    return Redactor()


@pytest.fixture
def settings(tmp_path):
    from finchat.settings import load_settings

    return load_settings(data_dir=tmp_path / "data")


@pytest.fixture
def store(settings, embedder):
    from vectorstore.store import ChunkStore

    return ChunkStore(settings, embedder=embedder)


@pytest.fixture
def ingestor(settings, store, redactor):
    from ingest.pipeline import Ingestor
    from ingest.splitter import Splitter

    ing = settings.ingest
    return Ingestor(store, redactor, Splitter(ing.chunk_size, ing.chunk_overlap),
                    max_bytes=int(ing.max_upload_mb * 2**20), chunks_per_commit=ing.chunks_per_commit)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def local_server(name: str, command: list[str], ready_url: str, log_dir: Path, timeout: float = 60):
    """Start a real server process, wait until `ready_url` answers, stop it afterwards."""
    log_path = log_dir / f"{name}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(ready_url, timeout=2)
            break
        except OSError as err:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"{name} did not start: {log_path.read_text()[-2000:]}") from err
            time.sleep(0.2)
    try:
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real `chroma run` server on a free localhost port; yields its URL."""
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    url = f"http://127.0.0.1:{port}"
    command = [exe, "run", "--path", str(path / "db"), "--host", "127.0.0.1", "--port", str(port)]
    with local_server("chroma server", command, f"{url}/api/v2/heartbeat", path):
        yield url


def assert_paper_4bit(config) -> None:
    """The paper's QLoRA quantisation: 4-bit NF4, double quantisation, bf16 compute."""
    import torch

    assert config.load_in_4bit is True
    assert config.bnb_4bit_quant_type == "nf4"
    assert config.bnb_4bit_use_double_quant is True
    assert config.bnb_4bit_compute_dtype == torch.bfloat16


def alive_process(pid: int) -> bool:
    """Running, not a zombie waiting for its parent to collect it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def staff_login(url: str, password: str, user: str = "staff", headers: dict | None = None) -> str:
    """Log in through the real /staff/login form; the session token from the cookie it sets (AssertionError if none)."""
    import httpx

    reply = httpx.post(f"{url}/staff/login", data={"username": user, "password": password}, headers=headers,
                       follow_redirects=False, timeout=30)
    token = reply.cookies.get("finchat_staff")
    assert reply.status_code == 303 and token, (reply.status_code, reply.text[-300:])
    return token


def raw_gradio_call(url: str, api_name: str, data: list, cookie: str | None = None,
                    session_hash: str = "rawcall") -> dict:
    """A Gradio event called as an attacker would: POST queue/join with hand-made data, then read the event stream.

    Returns the `process_completed` message ({"success", "output": {"data" | "error"}}), or {"status": N, "text"}
    when a route refuses the call.
    """
    import json

    import httpx

    headers = {"Cookie": f"finchat_staff={cookie}"} if cookie else {}
    with httpx.Client(base_url=url, headers=headers, timeout=120) as http:
        config = http.get("/config")
        if config.status_code != 200:
            return {"status": config.status_code, "text": config.text}
        fn_index = next(d["id"] for d in config.json()["dependencies"] if d.get("api_name") == api_name)
        joined = http.post("/gradio_api/queue/join", json={"data": data, "fn_index": fn_index, "event_data": None,
                                                             "session_hash": session_hash, "trigger_id": None})
        if joined.status_code != 200:
            return {"status": joined.status_code, "text": joined.text}
        with http.stream("GET", "/gradio_api/queue/data", params={"session_hash": session_hash}) as events:
            for line in events.iter_lines():
                if line.startswith("data:"):
                    message = json.loads(line[5:])
                    if message.get("msg") == "process_completed":
                        return message
    raise AssertionError("the event stream ended without a result")
