"""The real web app (`python app.py`) on a free localhost port, driven over HTTP by `gradio_client`, the official
`openai` client and plain requests: streaming cited answers, staff endpoints refused without a session, login and
lock-out, upload with per-file results, delete, audit-log verification, feedback, the OpenAI-compatible API."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES, free_port, local_server

STAFF = "staff"
LOGIN_ATTEMPTS = 3
MAX_UPLOAD_MB = 1  # small, so that an oversized upload is cheap to make; the samples are far below it
START_TIMEOUT_S = 300  # loads the embedding model, spaCy and the generator, then ingests the samples
PAGE_LOAD_S = 5.0  # a page load while another customer's answer is generated (2 shared cores)


def sample(question_part: str) -> dict:
    """A line of samples/questions.jsonl: {"id", "q", "must": [regexes], "source"}."""
    for line in (SAMPLES / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if question_part in item["q"]:
            return item
    raise LookupError(question_part)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real app as a subprocess: {"url", "data_dir", "password", "env"}."""
    base = tmp_path_factory.mktemp("app")
    port, password = free_port(), secrets.token_urlsafe(12)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINCHAT_")}
    env.update(FINCHAT_DATA_DIR=str(base / "data"), FINCHAT_PORT=str(port), FINCHAT_STAFF_PASSWORD=password,
               FINCHAT_CONFIG=str(base / "no-such.toml"), FINCHAT_WEB__LOGIN_ATTEMPTS=str(LOGIN_ATTEMPTS),
               FINCHAT_MAX_UPLOAD_MB=str(MAX_UPLOAD_MB),
               HF_HUB_OFFLINE="1", HF_HUB_DISABLE_PROGRESS_BARS="1", TRANSFORMERS_VERBOSITY="error", TQDM_DISABLE="1")
    url = f"http://127.0.0.1:{port}"
    with pytest.MonkeyPatch.context() as mp:  # local_server's process inherits this environment
        for name in [n for n in os.environ if n.startswith("FINCHAT_")]:
            mp.delenv(name)
        for name, value in env.items():
            mp.setenv(name, value)
        server = local_server("finchat app", [sys.executable, str(ROOT / "app.py")], f"{url}/v1/models", base,
                              timeout=START_TIMEOUT_S)
        server.__enter__()
    try:
        yield {"url": url, "data_dir": base / "data", "password": password, "env": env}
    finally:
        server.__exit__(None, None, None)

def client(server):
    from gradio_client import Client

    return Client(server["url"] + "/", verbose=False, download_files=False)


def staff_client(server):
    c = client(server)
    c.predict(STAFF, server["password"], api_name="/staff_login")
    return c


def audit_entries(server) -> list[dict]:
    path = server["data_dir"] / "audit.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_a_sample_question_streams_in_pieces_and_cites_its_source(server):
    item = sample("replacement debit card cost")
    job = client(server).submit(item["q"], api_name="/chat")
    # While this customer's answer is generated, the page still loads for others.
    started = time.perf_counter()
    assert urllib.request.urlopen(server["url"] + "/", timeout=PAGE_LOAD_S).status == 200
    page_s = time.perf_counter() - started
    outputs = list(job)
    partial = [out[3]["text"] for out in outputs if out[3] and not out[3]["done"] and out[3]["text"]]
    final = outputs[-1][3]
    assert page_s < PAGE_LOAD_S
    assert len(set(partial)) >= 3, partial  # the answer arrived in several growing pieces
    assert all(b.startswith(a) for a, b in zip(partial, partial[1:]))
    assert final["done"] and not final["abstained"]
    for must in item["must"]:
        assert re.search(must, final["text"], re.I), final["text"]
    assert final["citations"][0]["file"] == item["source"]
    chat, sources_html = outputs[-1][0], outputs[-1][1]
    shown = chat[-1]["content"][0]["text"]
    assert chat[-1]["role"] == "assistant" and f"[1] {item['source']}" in shown and "<details>" in shown
    assert "<details>" in sources_html and item["source"] in sources_html
    assert "as of" in sources_html or not final["citations"][0]["effective_date"]


def test_every_staff_endpoint_refuses_a_caller_without_a_session(server):
    from gradio_client.exceptions import AppError

    anonymous = client(server)
    calls = {"/staff_logout": (), "/staff_documents": (), "/staff_delete": ("faq.md",), "/staff_reindex": (),
             "/staff_feedback": (), "/staff_export": (), "/staff_upload": ([],)}
    for endpoint, args in calls.items():
        with pytest.raises(AppError, match="Staff login required"):
            anonymous.predict(*args, api_name=endpoint)
    # Nothing was changed: the sample document is still there for a logged-in staff member.
    table, _ = staff_client(server).predict(api_name="/staff_documents")
    assert "faq.md" in [row[0] for row in table["data"]]


def test_login_upload_list_reindex_delete_and_the_audit_log_verifies(server, tmp_path):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    staff = client(server)
    with pytest.raises(AppError, match="Wrong username or password"):
        staff.predict(STAFF, "not-the-password", api_name="/staff_login")
    assert audit_entries(server)[-1]["action"] == "login_failed"
    assert "not-the-password" not in (server["data_dir"] / "audit.jsonl").read_text()
    staff.predict(STAFF, server["password"], api_name="/staff_login")

    (tmp_path / "overdraft_policy.md").write_text(
        "# Overdraft policy\n\nEffective date: March 1, 2026\n\nThe Zephyr Overdraft Shield fee is $11.00 per "
        "transfer from a linked savings account.\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "installer.exe").write_bytes(b"MZ\x90\x00 not a document")
    (tmp_path / "big.txt").write_text("Fees and charges. " * (MAX_UPLOAD_MB * 2**20 // 18 + 1), encoding="utf-8")
    names = ("overdraft_policy.md", "empty.txt", "installer.exe", "big.txt")
    report, table, _, _ = staff.predict([handle_file(str(tmp_path / n)) for n in names], api_name="/staff_upload")
    lines = report.splitlines()
    assert lines[0] == "1 of 4 files ingested; 3 failed", report
    assert any(line.startswith("big.txt: FAILED") and "too large" in line for line in lines), report
    assert any(line.startswith("overdraft_policy.md: added, 1 chunks") for line in lines), report
    assert any(line.startswith("empty.txt: FAILED") and "empty" in line for line in lines), report
    assert any(line.startswith("installer.exe: FAILED") and ".exe are not supported" in line for line in lines)
    listed = {row[0]: row for row in table["data"]}
    assert "overdraft_policy.md" in listed and listed["overdraft_policy.md"][3] == "March 1, 2026"
    assert not {"empty.txt", "installer.exe", "big.txt"} & set(listed)
    assert (server["data_dir"] / "uploads" / "overdraft_policy.md").is_file()  # kept for re-indexing

    answer = list(client(server).submit("What is the Zephyr Overdraft Shield fee?", api_name="/chat"))[-1][3]
    assert "$11.00" in answer["text"] and answer["citations"][0]["file"] == "overdraft_policy.md"

    report, table, _ = staff.predict(api_name="/staff_reindex")  # every document again, from its kept original
    stored = len(table["data"])
    assert report.splitlines()[0] == f"{stored} of {stored} files re-indexed", report
    assert any(line.startswith("overdraft_policy.md: replaced, 1 chunks") for line in report.splitlines())
    assert "overdraft_policy.md" in [row[0] for row in table["data"]]

    message, table, _ = staff.predict("overdraft_policy.md", api_name="/staff_delete")
    assert message == "overdraft_policy.md: deleted"
    assert "overdraft_policy.md" not in [row[0] for row in table["data"]]
    staff.predict(api_name="/staff_logout")
    with pytest.raises(AppError, match="Staff login required"):
        staff.predict(api_name="/staff_documents")

    actions = [e["action"] for e in audit_entries(server)]
    for action in ("login_failed", "login", "upload", "reindex", "delete", "logout"):
        assert action in actions
    upload = next(e for e in reversed(audit_entries(server)) if e["action"] == "upload")
    assert {f["file"]: f["status"] for f in upload["details"]["files"]} == {
        "overdraft_policy.md": "added", "empty.txt": "failed", "installer.exe": "failed", "big.txt": "failed"}

    env = {**server["env"], "FINCHAT_DATA_DIR": str(server["data_dir"])}
    finchat = [str(Path(sys.executable).parent / "finchat"), "audit", "verify"]
    ok = subprocess.run(finchat, env=env, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "intact" in ok.stdout, ok.stdout + ok.stderr

    edited = tmp_path / "audit.jsonl"  # the server keeps appending to the real one
    lines = (server["data_dir"] / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert f'"{STAFF}"' in lines[1]
    lines[1] = lines[1].replace(f'"{STAFF}"', '"mallory"', 1)
    edited.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bad = subprocess.run([*finchat, "--path", str(edited)], env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "2" in bad.stdout + bad.stderr, bad.stdout + bad.stderr


def test_thumbs_down_is_stored_and_shown_first_to_staff_and_exported(server):
    customer = client(server)
    item = sample("take cash out with a teller")
    answer = list(customer.submit(item["q"], api_name="/chat"))[-1][3]
    status, comment_box = customer.predict("down", "I wanted the fee for a cashier's check", api_name="/feedback")
    assert "recorded" in status and comment_box == ""

    staff = staff_client(server)
    table = staff.predict(api_name="/staff_feedback")
    first = dict(zip(table["headers"], table["data"][0]))
    assert first["rating"] == "\U0001f44e" and first["question"] == item["q"]
    assert first["answer"] == answer["text"] and first["comment"] == "I wanted the fee for a cashier's check"
    assert item["source"] in first["sources"] and first["model"] == answer["model"]

    exported = staff.predict(api_name="/staff_export")
    with urllib.request.urlopen(exported["url"], timeout=10) as download:  # served for download by the app
        rows = list(csv.DictReader(io.StringIO(download.read().decode("utf-8"))))
    assert any(r["comment"] == "I wanted the fee for a cashier's check" and r["rating"] == "-1" for r in rows)


def test_the_openai_client_gets_cited_answers_streamed_and_not(server):
    import openai

    item = sample("replacement debit card cost")
    api = openai.OpenAI(base_url=server["url"] + "/v1", api_key="not-needed", max_retries=0)
    assert [m.id for m in api.models.list()] == ["finchat"]

    reply = api.chat.completions.create(model="finchat", messages=[{"role": "user", "content": item["q"]}])
    text = reply.choices[0].message.content
    assert all(re.search(must, text, re.I) for must in item["must"]), text
    assert reply.model_extra["citations"][0]["file"] == item["source"]

    pieces, last = [], None
    with api.chat.completions.create(model="finchat", stream=True,
                                     messages=[{"role": "user", "content": item["q"]}]) as stream:
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
            last = chunk
    assert len(pieces) >= 3 and last.choices[0].finish_reason == "stop"
    assert last.model_extra["citations"][0]["file"] == item["source"]
    assert "".join(pieces).strip() == last.model_extra["answer"] or last.model_extra["answer"] in "".join(pieces)

    with pytest.raises(openai.BadRequestError):
        api.chat.completions.create(model="finchat", messages=[{"role": "assistant", "content": "Hello"}])


def test_a_20000_character_message_gets_the_limit_message(server):
    question = ("Is there a fee? " * 1250).strip() + "!"
    assert len(question) == 20_000
    outputs = list(client(server).submit(question, api_name="/chat"))
    final = outputs[-1][3]
    assert final["reason"] == "too_long" and "20,000 characters" in final["text"] and "2,000" in final["text"]
    assert len(outputs[-1][0][-2]["content"][0]["text"]) < 1000  # the bubble shows the start, not all of it


def test_the_data_dir_is_never_served(server):
    for name in ("feedback.sqlite3", "audit.jsonl"):
        url = f"{server['url']}/gradio_api/file={server['data_dir'] / name}"
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(url, timeout=10)


def test_repeated_failed_logins_lock_the_console(server):
    """Last in this file: it locks out 127.0.0.1 for the login window."""
    from gradio_client.exceptions import AppError

    c = client(server)
    messages = []
    for _ in range(LOGIN_ATTEMPTS + 1):
        with pytest.raises(AppError) as err:
            c.predict("someone", "guess", api_name="/staff_login")
        messages.append(str(err.value))
    assert "Too many failed logins" in messages[-1]
    with pytest.raises(AppError, match="Too many failed logins"):  # even the right password, for now
        c.predict(STAFF, server["password"], api_name="/staff_login")
    failed = [e for e in audit_entries(server) if e["action"] == "login_failed"]
    assert len(failed) >= LOGIN_ATTEMPTS + 2 and "Too many" in json.dumps(failed[-1])



def test_without_staff_accounts_the_console_is_off_and_a_failing_generator_gets_an_apology(settings):
    """The defaults of a public Space (no staff password), and a real generator failure, not a fake: the
    OpenAI-compatible backend points at a port where nothing listens."""
    from chatbot.assistant import Answer
    from finchat.web.services import Services
    from finchat.web.ui import build_demo

    settings.generation.backend = "openai"
    settings.generation.openai_base_url = f"http://127.0.0.1:{free_port()}/v1"
    settings.generation.openai_max_retries = 0
    services = Services.from_settings(settings, samples=SAMPLES)
    assert services.store.list_files() and services.model_name.startswith("openai:")
    *_, answer = services.ask(sample("replacement debit card cost")["q"])
    assert isinstance(answer, Answer) and answer.reason == "error" and answer.abstained
    assert "something went wrong" in answer.text and "customer service" in answer.text

    demo = build_demo(services)
    endpoints = {fn.api_name for fn in demo.fns.values()}
    assert {"chat", "feedback", "clear"} <= endpoints and not any(e.startswith("staff_") for e in endpoints)
    assert any(getattr(block, "elem_id", None) == "staff-off" for block in demo.blocks.values())
