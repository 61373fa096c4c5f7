"""The real web app (`python app.py`) on a free localhost port, driven over HTTP by `gradio_client`, the official
`openai` client and plain requests: streaming cited answers, the staff console refused without its session cookie,
login and throttling, uploads that read only what the session uploaded, document audiences, delete, audit-log
verification, feedback, the OpenAI-compatible API, and the findings of the security probe (issue 12)."""

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

from finchat.web.staff_routes import STAFF_COOKIE
from tests.conftest import ROOT, SAMPLES, free_port, local_server, raw_gradio_call, staff_login

STAFF = "staff"
LOGIN_ATTEMPTS = 3
MAX_UPLOAD_MB = 1  # small, so that an oversized upload is cheap to make; the samples are far below it
CACHE_MAX_AGE_S = 20  # uploads left in the cache are deleted after this long (default an hour)
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
               FINCHAT_MAX_UPLOAD_MB=str(MAX_UPLOAD_MB), FINCHAT_WEB__CACHE_MAX_AGE_S=str(CACHE_MAX_AGE_S),
               FINCHAT_WEB__LOGIN_DELAY_S="30",  # longer than any request takes on a busy machine
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


def staff_client(server, token: str | None = None):
    """A gradio_client on the staff app, carrying the session cookie of a fresh login (or of `token`)."""
    from gradio_client import Client

    token = token or staff_login(server["url"], server["password"])
    return Client(server["url"] + "/staff/", verbose=False, download_files=False,
                  headers={"Cookie": f"{STAFF_COOKIE}={token}"})


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


def test_the_staff_console_refuses_every_caller_without_its_session_cookie(server):
    import httpx
    from gradio_client import Client

    url = server["url"]
    customer_endpoints = {fn for fn in client(server).view_api(return_format="dict", print_info=False)[
        "named_endpoints"]}
    assert "/chat" in customer_endpoints and not any(e.startswith("/staff") for e in customer_endpoints)
    page = httpx.get(f"{url}/staff/", follow_redirects=False, timeout=10)
    assert page.status_code == 303 and page.headers["location"].endswith("/staff/login")
    for forged in (None, "forged-token", secrets.token_urlsafe(32)):
        headers = {"Cookie": f"{STAFF_COOKIE}={forged}"} if forged else {}
        for path in ("/staff/config", "/staff/gradio_api/info", "/staff/export/feedback.csv"):
            assert httpx.get(url + path, headers=headers, timeout=10).status_code == 401, (path, forged)
        refused = raw_gradio_call(url + "/staff", "staff_documents", [], cookie=forged)
        assert refused["status"] == 401
        with pytest.raises(Exception):
            Client(url + "/staff/", verbose=False, headers=headers)
    # A staff member's Gradio session_hash, reused by a caller without the cookie, opens nothing (finding 7).
    staff = staff_client(server)
    assert raw_gradio_call(url + "/staff", "staff_documents", [], session_hash=staff.session_hash)["status"] == 401
    table, _ = staff.predict(api_name="/staff_documents")
    assert "faq.md" in [row[0] for row in table["data"]]  # nothing was changed by the refused calls


def test_the_session_cookie_is_httponly_strict_and_scoped_to_the_console(server):
    import httpx

    reply = httpx.post(f"{server['url']}/staff/login", data={"username": STAFF, "password": server["password"]},
                       follow_redirects=False, timeout=30)
    cookie = reply.headers["set-cookie"].lower()
    assert reply.status_code == 303 and reply.headers["location"] == "./"
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/staff" in cookie and "max-age=" in cookie
    assert reply.cookies[STAFF_COOKIE] not in reply.headers["location"]  # never in a URL
    staff = staff_client(server, reply.cookies[STAFF_COOKIE])
    assert staff.predict(api_name="/staff_documents")[0]["data"]
    out = httpx.post(f"{server['url']}/staff/logout", cookies={STAFF_COOKIE: reply.cookies[STAFF_COOKIE]},
                     follow_redirects=False, timeout=10)
    assert out.status_code == 303 and 'finchat_staff=""' in out.headers["set-cookie"]
    assert raw_gradio_call(server["url"] + "/staff", "staff_documents", [],
                           cookie=reply.cookies[STAFF_COOKIE])["status"] == 401  # the session itself is gone


def test_login_upload_list_reindex_delete_and_the_audit_log_verifies(server, tmp_path):
    import httpx
    from gradio_client import handle_file

    wrong = httpx.post(f"{server['url']}/staff/login", data={"username": "auditor", "password": "not-the-password"},
                       timeout=30)
    assert wrong.status_code == 401 and "Wrong username or password" in wrong.text
    assert audit_entries(server)[-1]["action"] == "login_failed"
    assert "not-the-password" not in (server["data_dir"] / "audit.jsonl").read_text()
    staff = staff_client(server)

    (tmp_path / "overdraft_policy.md").write_text(
        "# Overdraft policy\n\nEffective date: March 1, 2026\n\nThe Zephyr Overdraft Shield fee is $11.00 per "
        "transfer from a linked savings account.\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "installer.exe").write_bytes(b"MZ\x90\x00 not a document")
    (tmp_path / "big.txt").write_text("Fees and charges. " * (MAX_UPLOAD_MB * 2**20 // 18 + 1), encoding="utf-8")
    names = ("overdraft_policy.md", "empty.txt", "installer.exe", "big.txt")
    report, table, _, _ = staff.predict([handle_file(str(tmp_path / n)) for n in names], "auto",
                                        api_name="/staff_upload")
    lines = report.splitlines()
    assert lines[0] == "1 of 4 files ingested; 3 failed", report
    assert any(line.startswith("big.txt: FAILED") and "too large" in line for line in lines), report
    assert any(line.startswith("overdraft_policy.md: added, 1 chunks") and "audience public" in line
               for line in lines), report
    assert any(line.startswith("empty.txt: FAILED") and "empty" in line for line in lines), report
    assert any(line.startswith("installer.exe: FAILED") and ".exe are not supported" in line for line in lines)
    listed = {row[0]: row for row in table["data"]}
    assert "overdraft_policy.md" in listed and listed["overdraft_policy.md"][1] == "public"
    assert listed["overdraft_policy.md"][4] == "March 1, 2026"
    assert not {"empty.txt", "installer.exe", "big.txt"} & set(listed)
    assert (server["data_dir"] / "uploads" / "overdraft_policy.md").is_file()  # kept for re-indexing

    answer = list(client(server).submit("What is the Zephyr Overdraft Shield fee?", api_name="/chat"))[-1][3]
    assert "$11.00" in answer["text"] and answer["citations"][0]["file"] == "overdraft_policy.md"

    report, table, _ = staff.predict(api_name="/staff_reindex")  # every document again, from its kept original
    stored = len(table["data"])
    assert report.splitlines()[0] == f"{stored} of {stored} files re-indexed", report
    assert any(line.startswith("overdraft_policy.md: replaced, 1 chunks") for line in report.splitlines())
    assert {row[0]: row[1] for row in table["data"]}["customer_letter.txt"] == "staff"  # audiences survive it

    message, table, _ = staff.predict("overdraft_policy.md", api_name="/staff_delete")
    assert message == "overdraft_policy.md: deleted"
    assert "overdraft_policy.md" not in [row[0] for row in table["data"]]

    actions = [e["action"] for e in audit_entries(server)]
    for action in ("login_failed", "login", "upload", "reindex", "delete"):
        assert action in actions
    uploads = [e for e in audit_entries(server) if e["action"] == "upload"][-4:]  # one entry per file, as it lands
    assert {e["details"]["file"]: e["details"]["status"] for e in uploads} == {
        "overdraft_policy.md": "added", "empty.txt": "failed", "installer.exe": "failed", "big.txt": "failed"}

    env = {**server["env"], "FINCHAT_DATA_DIR": str(server["data_dir"])}
    finchat = [str(Path(sys.executable).parent / "finchat"), "audit", "verify"]
    ok = subprocess.run(finchat, env=env, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "intact" in ok.stdout, ok.stdout + ok.stderr

    edited = tmp_path / "audit.jsonl"  # the server keeps appending to the real one
    lines = (server["data_dir"] / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if f'"actor":"{STAFF}"' in line)  # whatever ran before
    lines[first] = lines[first].replace(f'"{STAFF}"', '"mallory"', 1)
    edited.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bad = subprocess.run([*finchat, "--path", str(edited)], env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and str(first + 1) in bad.stdout + bad.stderr, bad.stdout + bad.stderr


def test_an_upload_reads_only_files_this_session_uploaded(server, tmp_path):
    """Finding 1: a raw queue call naming a server path (outside every upload folder, inside the data dir, or a
    file another staff session uploaded) ingests nothing, and each refusal is audited."""
    from gradio_client import handle_file

    secret = tmp_path / "planted_secret.md"
    secret.write_text("# Vault\n\nThe vault code word is QUOKKA-7741.\n", encoding="utf-8")
    inside = server["data_dir"] / "planted_note.md"
    inside.write_text("# Note\n\nThe internal code word is WOMBAT-3391.\n", encoding="utf-8")
    other = staff_client(server)
    other.predict([handle_file(str(SAMPLES / "faq.md"))], "auto", api_name="/staff_upload")
    others_upload = next((server["data_dir"] / "tmp" / "gradio").rglob("faq.md"))

    token = staff_login(server["url"], server["password"])
    named = [secret, inside, server["data_dir"] / "audit.jsonl", others_upload, Path("/etc/hostname")]
    for path in named:
        file_data = {"path": str(path), "orig_name": "x.md", "meta": {"_type": "gradio.FileData"}}
        done = raw_gradio_call(server["url"] + "/staff", "staff_upload", [[file_data], "public"], cookie=token)
        assert done["status"] == 403 and "not uploaded in this session" in done["text"], done  # before Gradio reads it
    names = [row[0] for row in staff_client(server, token).predict(api_name="/staff_documents")[0]["data"]]
    assert not {"planted_secret.md", "planted_note.md", "audit.jsonl", "hostname"} & set(names)
    refused = [e for e in audit_entries(server) if e["action"] == "upload_refused"]
    assert {e["details"]["path"] for e in refused} >= {str(p) for p in named}
    assert not list((server["data_dir"] / "tmp" / "gradio").rglob("planted_*"))  # not even copied into the cache
    for question in ("What is the vault code word?", "What is the internal code word?"):
        answer = list(client(server).submit(question, api_name="/chat"))[-1][3]
        assert "QUOKKA" not in answer["text"] and "WOMBAT" not in answer["text"]


def test_staff_only_documents_are_never_quoted_to_customers(server):
    """Finding 2: the sample customer letter is staff-only; customers' answers and citations never include it,
    a staff chat may use it, and staff can change an audience without re-embedding."""
    staff = staff_client(server)
    table, _ = staff.predict(api_name="/staff_documents")
    audiences = {row[0]: row[1] for row in table["data"]}
    assert audiences["customer_letter.txt"] == "staff"
    assert {a for f, a in audiences.items() if f != "customer_letter.txt"} == {"public"}
    for question in ("help", "Can I talk to a real person?", "I lost my wallet, what should I do?",
                     "What did the customer write about the lost wallet?"):
        final = list(client(server).submit(question, api_name="/chat"))[-1][3]
        assert "customer_letter.txt" not in {c["file"] for c in final["citations"]}, (question, final)
    staff_chat = staff.predict("What did the customer write about the lost wallet?", [], api_name="/staff_ask")
    assert "customer_letter.txt" in staff_chat[0][-1]["content"][0]["text"]
    message, table, _ = staff.predict("faq.md", "staff", api_name="/staff_audience")
    assert message == "faq.md: audience staff" and {r[0]: r[1] for r in table["data"]}["faq.md"] == "staff"
    try:
        final = list(client(server).submit("How do I reset my online banking password?", api_name="/chat"))[-1][3]
        assert "faq.md" not in {c["file"] for c in final["citations"]}
    finally:
        staff.predict("faq.md", "public", api_name="/staff_audience")
    assert [e for e in audit_entries(server) if e["action"] == "audience"][-1]["details"]["audience"] == "public"


def test_a_spoofed_forwarded_for_is_not_believed(server):
    """Finding 3: without FINCHAT_WEB__TRUSTED_PROXIES the socket address is the client, in limits and audit."""
    import httpx

    reply = httpx.post(f"{server['url']}/staff/login", data={"username": "nobody", "password": "guess"},
                       headers={"X-Forwarded-For": "203.0.113.9"}, timeout=30)
    assert reply.status_code == 401
    entry = audit_entries(server)[-1]
    assert entry["action"] == "login_failed" and entry["details"]["client"] == "127.0.0.1"


def test_anonymous_uploads_are_refused_and_the_cache_is_emptied_by_age(server, tmp_path):
    """Findings 5 and 6: nobody without a session puts a file into the cache or fetches one from it; staff uploads
    left in the cache go after web.cache_max_age_s; the feedback export needs the session."""
    import httpx

    doc = tmp_path / "parked.md"
    doc.write_text("# Parked\n\nA file someone wants to park here.\n", encoding="utf-8")
    for path in ("/gradio_api/upload", "/staff/gradio_api/upload"):
        with doc.open("rb") as f:
            reply = httpx.post(server["url"] + path, files={"files": f}, timeout=30)
        assert reply.status_code in (401, 403), (path, reply.status_code)
    token = staff_login(server["url"], server["password"])
    with doc.open("rb") as f:
        reply = httpx.post(server["url"] + "/staff/gradio_api/upload", files={"files": f},
                           cookies={STAFF_COOKIE: token}, timeout=30)
    cached = Path(reply.json()[0])
    assert reply.status_code == 200 and cached.is_file()
    assert cached.resolve().is_relative_to((server["data_dir"] / "tmp" / "gradio").resolve())
    for route in (f"/gradio_api/file={cached}", f"/staff/gradio_api/file={cached}"):
        assert httpx.get(server["url"] + route, timeout=10).status_code in (401, 403), route
    deadline = time.monotonic() + CACHE_MAX_AGE_S * 3
    while cached.exists() and time.monotonic() < deadline:
        time.sleep(1)
    assert not cached.exists(), "an upload stayed in the cache past web.cache_max_age_s"
def test_thumbs_down_is_stored_and_shown_first_to_staff_and_exported(server):
    customer = client(server)
    item = sample("take cash out with a teller")
    answer = list(customer.submit(item["q"], api_name="/chat"))[-1][3]
    status, comment_box = customer.predict("down", "I wanted the fee for a cashier's check", api_name="/feedback")
    assert "recorded" in status and comment_box == ""

    token = staff_login(server["url"], server["password"])
    table = staff_client(server, token).predict(api_name="/staff_feedback")
    first = dict(zip(table["headers"], table["data"][0]))
    assert first["rating"] == "\U0001f44e" and first["question"] == item["q"]
    assert first["answer"] == answer["text"] and first["comment"] == "I wanted the fee for a cashier's check"
    assert item["source"] in first["sources"] and first["model"] == answer["model"]

    request = urllib.request.Request(server["url"] + "/staff/export/feedback.csv",
                                     headers={"Cookie": f"{STAFF_COOKIE}={token}"})
    with urllib.request.urlopen(request, timeout=10) as download:  # made on request, never a cached file
        assert download.headers["Cache-Control"] == "no-store"
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


def test_a_guesser_is_throttled_and_the_real_user_still_logs_in(server):
    """Finding 4: guesses against a user name slow down and stop that (user, address) only; the real user, even from
    the same address, logs in during the run, and every throttled try is audited."""
    import httpx

    statuses = []
    for _ in range(LOGIN_ATTEMPTS + 3):
        reply = httpx.post(f"{server['url']}/staff/login", data={"username": "someone", "password": "guess"},
                           timeout=30)
        statuses.append(reply.status_code)
    assert statuses.count(401) == 1 and statuses[1:] == [429] * (LOGIN_ATTEMPTS + 2), statuses
    assert "retry in" in reply.text
    staff_login(server["url"], server["password"])  # the real user is not locked out
    throttled = [e for e in audit_entries(server) if e["action"] == "login_throttled"]
    assert len(throttled) >= LOGIN_ATTEMPTS + 2 and "retry in" in throttled[-1]["details"]["reason"]


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
    from fastapi.testclient import TestClient

    from finchat.web import create_app

    with TestClient(create_app(demo, services)) as http:  # no staff app and no login form are mounted at all
        assert http.get("/staff/login").status_code == 404 and http.get("/staff/config").status_code == 404
