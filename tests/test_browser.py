"""The real app in a real browser: Debian's chromium driven by Playwright (never a downloaded browser).

A customer types a sample question, watches the answer stream in, opens its source and gives a thumbs-down with a
comment; a staff member logs in and uploads a file that then shows in the document list. Screenshots are saved
under tests/artifacts/ (ignored by git). `make test` installs chromium (apt) and the `playwright` package.
"""

from __future__ import annotations

import gc
import json
import re
import secrets
import sys
import time
from pathlib import Path

import pytest

from finchat.audit import verify
from finchat.feedback import FeedbackStore
from tests.conftest import ROOT, SAMPLES, free_port, local_server

# Known flake, not hidden: on a busy 2-core machine a click on the freshly loaded Gradio page is now and then
# lost (about 1 run in 4 of this file in a full suite; each test passes on its own). A failing test is run again,
# at most twice, by pytest-rerunfailures, and pytest's summary reports every rerun.
pytestmark = pytest.mark.flaky(reruns=2)

CHROMIUM = Path("/usr/bin/chromium")
# Without these, chromium on a machine with no internet waits on connections (updates, sync, QUIC probes).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "tests" / "artifacts"
QUESTION_ID = "q09"  # "How much does a replacement debit card cost?"
START_TIMEOUT_S = 300  # model loading and ingestion of the samples into an empty store, on 2 shared cores
ANSWER_TIMEOUT_MS = 180_000
POLL_S = 0.05


def sample_question(qid: str) -> tuple[str, list[str]]:
    for line in (SAMPLES / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] == qid:
            return row["q"], row["must"]
    raise KeyError(qid)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The real app (`python app.py`) on a free port with a fresh data dir and a staff password."""
    tmp = tmp_path_factory.mktemp("browser-app")
    port = free_port()
    password = secrets.token_urlsafe(12)
    env = {"FINCHAT_DATA_DIR": str(tmp / "data"), "FINCHAT_PORT": str(port), "FINCHAT_HOST": "127.0.0.1",
           "FINCHAT_STAFF_PASSWORD": password, "FINCHAT_CONFIG": str(tmp / "no-such-finchat.toml"),
           "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "TQDM_DISABLE": "1",
           "HF_HUB_DISABLE_PROGRESS_BARS": "1", "TRANSFORMERS_VERBOSITY": "error"}
    url = f"http://127.0.0.1:{port}/"
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)  # local_server's process inherits the environment
        with local_server("finchat app", [sys.executable, str(ROOT / "app.py")], url, tmp, timeout=START_TIMEOUT_S):
            yield {"url": url, "password": password, "data_dir": tmp / "data", "tmp": tmp}


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `make test` (it installs it with apt) or "
                    "`apt-get install -y --no-install-recommends chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
    # The sync API leaves ~47,000 objects in cycles (its event loop, the driver's pipes, a greenlet): collected
    # here, a crash in freeing them is reported at this fixture, not in whichever later test's allocation.
    gc.collect()


@pytest.fixture
def page(browser):
    """A fresh browser tab; a JavaScript error on the page fails the test, naming the error."""
    context = browser.new_context(viewport={"width": 1366, "height": 1000})
    context.set_default_timeout(90_000)  # 2 shared cores: a busy machine can take tens of seconds
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(error))
    yield page
    context.close()
    assert not page.js_errors, f"JavaScript errors on the page: {js_error_summary(page)}"


def js_error_summary(page) -> str:
    return "; ".join(sorted({f"{e.name}: {e.message}" for e in page.js_errors}))


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"browser-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def bot_messages(page):
    return page.locator("#chatbot .message.bot, #chatbot [data-testid='bot']")


def last_bot_text(page, after_welcome: bool = False) -> str:
    """The latest assistant message; with after_welcome, "" while the welcome is the only one."""
    bots = bot_messages(page)
    return bots.last.inner_text() if bots.count() > (1 if after_welcome else 0) else ""


# A chip: a rounded pill (an inline block, not a disclosure line) inside the flex row of chips.
CHIP_JS = """e => { const s = getComputedStyle(e), row = getComputedStyle(e.closest('.chips'));
    return parseFloat(s.borderTopLeftRadius) >= 8 && s.display === 'inline-block' && row.display === 'flex'; }"""


def test_customer_sees_a_streamed_cited_answer_and_gives_feedback(app, page):
    question, must = sample_question(QUESTION_ID)
    page.goto(app["url"])
    page.locator("#chat-input textarea").fill(question)
    shot(page, "1-question")
    page.locator("#send").click()

    # The answer grows in place: record distinct texts of the latest bot message until the sources arrive.
    seen: list[str] = []
    deadline = time.monotonic() + ANSWER_TIMEOUT_MS / 1000
    while time.monotonic() < deadline and page.locator("#sources details").count() == 0:
        assert not page.js_errors, f"the page broke while answering: {js_error_summary(page)}"
        text = last_bot_text(page, after_welcome=True).strip()
        if text and (not seen or text != seen[-1]):
            seen.append(text)
            if len(seen) == 2:
                shot(page, "2-streaming")
        time.sleep(POLL_S)
    assert page.locator("#sources details").count() >= 1, f"no source appeared; texts seen: {seen}"
    growing = [t.rstrip("\u258c").strip() for t in seen]
    assert len(growing) >= 2 and len(growing[-1]) > len(growing[0]), f"the answer did not stream: {seen}"

    answer = last_bot_text(page)
    assert all(re.search(p, answer, re.IGNORECASE) for p in must), answer
    # The inline [1] is a link that opens its source under the answer.
    bubble = bot_messages(page).last
    inline = bubble.locator("a.cite").first
    assert inline.inner_text() == "[1]" and not bubble.locator("details blockquote").first.is_visible()
    inline.click()
    bubble.locator("details blockquote").first.wait_for(state="visible")
    summary = page.locator("#sources details summary").first
    assert "fee_schedule.pdf" in summary.inner_text()
    assert summary.evaluate(CHIP_JS), "a source is not shown as a chip in a row of chips"
    quote = page.locator("#sources details blockquote").first
    assert not quote.is_visible()
    summary.click()
    quote.wait_for(state="visible")
    assert re.search(must[0], quote.inner_text(), re.IGNORECASE), quote.inner_text()
    marked = page.locator("#sources details blockquote mark").first
    assert re.search(must[0], marked.inner_text(), re.IGNORECASE), quote.inner_text()  # the quoted record, marked
    original = page.locator("#sources details a").first
    assert "Open the original" in original.inner_text() and original.get_attribute("href").startswith(
        "/documents/fee_schedule.pdf#page=")
    opened = page.request.get(app["url"] + original.get_attribute("href").lstrip("/").split("#")[0])
    assert opened.ok and opened.headers["content-type"] == "application/pdf"
    shot(page, "3-source-open")

    page.locator("#feedback-comment textarea").fill("Please also say how long a replacement takes.")
    page.locator("#thumbs-down").click()
    page.locator("#feedback-status").get_by_text("feedback was recorded").wait_for()
    shot(page, "4-thumbs-down")
    store = FeedbackStore(app["data_dir"] / "feedback.sqlite3")
    row = store.latest(limit=1)[0]
    assert (row["rating"], row["question"], row["comment"]) == (
        -1, question, "Please also say how long a replacement takes.")
    assert row["sources"] and row["sources"][0]["file"] == "fee_schedule.pdf"
    # The pressed thumb shows it; changing one's mind changes the same row, so an answer is rated once.
    page.wait_for_function("() => document.querySelector('#thumbs-down').classList.contains('primary')")
    rows = len(store.latest())
    page.locator("#thumbs-up").click()
    page.wait_for_function("() => document.querySelector('#thumbs-up').classList.contains('primary') && "
                           "!document.querySelector('#thumbs-down').classList.contains('primary')")
    assert len(store.latest()) == rows
    assert [r["rating"] for r in store.latest() if r["question"] == question] == [1]


def staff_login(page, url: str, password: str, expect: str = "#staff-upload") -> None:
    """Log in on the plain /staff/login form (no scripts, so no lost clicks) and wait for `expect` to show."""
    page.goto(url + "staff/")  # without a session the console sends the browser to its login form
    page.wait_for_url("**/staff/login")
    page.locator("#staff-username").fill("staff")
    page.locator("#staff-password").fill(password)
    page.locator("#staff-login").click()
    page.locator(expect).first.wait_for(state="visible")


def test_staff_logs_in_and_uploads_a_file(app, page):
    doc = app["tmp"] / "holiday_hours.md"
    doc.write_text("# Holiday hours\n\nAll branches of the bank close at 1 p.m. on December 24 and stay closed on "
                   "December 25. Telephone banking answers around the clock.\n", encoding="utf-8")
    staff_login(page, app["url"], app["password"])
    page.locator("#staff-upload").wait_for(state="visible")
    page.locator("#staff-user").get_by_text("Logged in as staff").wait_for()
    cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies["finchat_staff"]
    assert session["httpOnly"] and session["sameSite"] == "Strict" and session["path"] == "/staff"
    assert page.evaluate("document.cookie") == ""  # the token is out of reach of page scripts
    assert session["value"] not in page.url
    shot(page, "5-staff-logged-in")
    documents = page.locator("#staff-documents")
    documents.get_by_text("fee_schedule.pdf").wait_for()
    assert doc.name not in documents.inner_text()

    page.locator("#staff-upload input[type=file]").set_input_files(str(doc))
    page.locator("#staff-upload").get_by_text(doc.name).wait_for()  # the file arrived in the upload box
    page.locator("#staff-ingest").click()
    results = page.locator("#staff-upload-results textarea")
    page.wait_for_function("el => el.value.includes('holiday_hours.md')", arg=results.element_handle(),
                           timeout=ANSWER_TIMEOUT_MS)
    assert re.search(r"holiday_hours\.md: added, \d+ chunks?.*audience public", results.input_value()), \
        results.input_value()
    documents.get_by_text(doc.name).wait_for()
    shot(page, "6-staff-uploaded")

    log = app["data_dir"] / "audit.jsonl"
    actions = [json.loads(line)["action"] for line in log.read_text().splitlines()]
    assert actions[-2:] == ["login", "upload"] and verify(log) == []
    assert app["password"] not in log.read_text()


def test_a_refused_login_says_why_and_can_be_retried(app, page):
    staff_login(page, app["url"], "not the password", expect="#staff-status")
    assert "Wrong username or password" in page.locator("#staff-status").inner_text()
    shot(page, "7-staff-login-refused")
    assert page.locator("#staff-upload").count() == 0  # still on the login form
    time.sleep(1.5)  # after a failure, the next try of this (user, address) waits a second
    page.locator("#staff-username").fill("staff")
    page.locator("#staff-password").fill(app["password"])
    page.locator("#staff-login").click()
    page.locator("#staff-upload").wait_for(state="visible")
    assert page.locator("#staff-status").count() == 0  # no stale refusal on the console
    log = (app["data_dir"] / "audit.jsonl").read_text()
    assert [json.loads(line)["action"] for line in log.splitlines()][-2:] == ["login_failed", "login"]
    assert "not the password" not in log and app["password"] not in log


def test_a_customer_is_welcomed_by_name_and_reaches_a_person(app, page):
    """The page names the institution (title, h1, welcome), says it is an automated assistant, keeps the thumbs
    disabled until there is an answer, and answers "I lost my card" with the configured card line."""
    from finchat.settings import load_settings

    settings = load_settings()
    name, contact = settings.assistant.institution, settings.contact
    page.goto(app["url"])
    page.locator("#title").get_by_text(f"{name} virtual assistant").wait_for()
    assert page.title() == f"{name} virtual assistant" and page.locator("h1").count() == 1
    welcome = last_bot_text(page)
    assert f"I'm {name}'s virtual assistant" in welcome and "automated assistant" in welcome
    assert page.locator("#thumbs-up").is_disabled() and page.locator("#thumbs-down").is_disabled()
    assert "gguf" not in page.locator("#footer").inner_text().lower()  # the model's name is for staff
    shot(page, "8-welcome")

    page.locator("#chat-input textarea").fill("I lost my card")
    page.locator("#send").click()
    page.wait_for_function("n => document.querySelectorAll('#chatbot .message.bot, #chatbot [data-testid=bot]')"
                           ".length > 1", arg=1, timeout=ANSWER_TIMEOUT_MS)
    page.locator("#chatbot").get_by_text(contact.card_phone).first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.wait_for_function("() => !document.querySelector('#thumbs-up').disabled", timeout=ANSWER_TIMEOUT_MS)
    shot(page, "9-lost-card")

    page.locator("#talk-to-person").click()
    page.locator("#chatbot").get_by_text(contact.phone).first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    shot(page, "10-talk-to-person")
    page.locator("#clear").click()
    page.wait_for_function("() => document.querySelector('#thumbs-up').disabled", timeout=ANSWER_TIMEOUT_MS)
    assert last_bot_text(page).startswith(f"Hello, I'm {name}'s virtual assistant")  # only the welcome is left


SCROLLERS_JS = """() => [...document.querySelectorAll('body *')].filter(e => {
    const style = getComputedStyle(e);
    return /(auto|scroll)/.test(style.overflowY) && e.scrollHeight > e.clientHeight + 1 && e.clientHeight > 0;
}).map(e => e.id || e.className || e.tagName)"""


def test_on_a_phone_a_customer_gets_a_cited_fee_and_a_person_in_one_tap(app, browser):
    """The issue's "done when", at 390x844: the bank's name and welcome on screen; a fee question answered with a
    chip under the answer; tapping it shows the highlighted record and a link to the original PDF at the page that
    holds it; "Talk to a person" gives the number in one tap. However long the conversation, only the page scrolls
    (no chat box scrolling inside it), and the question box stays on screen."""
    import pypdfium2

    from finchat.settings import load_settings

    settings = load_settings()
    question, must = sample_question(QUESTION_ID)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.set_default_timeout(90_000)
    page = context.new_page()
    try:
        page.goto(app["url"])
        title = page.locator("#title")
        title.get_by_text(settings.assistant.institution).wait_for()
        page.locator("#chatbot").get_by_text(f"I'm {settings.assistant.institution}'s virtual assistant").wait_for()
        assert title.bounding_box()["y"] >= 0

        page.locator("#chat-input textarea").fill(question)
        page.locator("#send").tap()
        chip = page.locator("#chatbot .chips summary").first
        chip.wait_for(timeout=ANSWER_TIMEOUT_MS)
        assert chip.evaluate(CHIP_JS) and chip.bounding_box()["width"] < 390
        chip.tap()
        marked = page.locator("#chatbot .chips details[open] mark").first
        marked.wait_for(state="visible")
        assert re.search(must[0], marked.inner_text(), re.IGNORECASE), marked.inner_text()
        page.wait_for_timeout(300)  # the scroll into view
        box, row = marked.bounding_box(), page.locator("#chat-row").bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= row["y"], ("the record is off screen", box, row)
        shot(page, "14-phone-source")
        link = page.locator("#chatbot .chips details[open] a").first
        href = link.get_attribute("href")
        assert href.startswith("/documents/fee_schedule.pdf#page="), href
        pdf = page.request.get(app["url"] + href.lstrip("/").split("#")[0])
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        text = pypdfium2.PdfDocument(pdf.body())[int(href.rsplit("=", 1)[1]) - 1].get_textpage().get_text_range()
        assert re.search(must[0], text, re.IGNORECASE), "the original's page does not hold the quoted figure"

        page.locator("#talk-to-person").tap()  # one tap to a person's number
        page.locator("#chatbot").get_by_text(settings.contact.phone).first.wait_for(timeout=ANSWER_TIMEOUT_MS)
        replies = page.locator("#chatbot").get_by_text("You can talk to a person")
        for n in range(1, 3):  # more hand-offs: a conversation longer than the screen, without waiting on the model
            page.locator("#talk-to-person").tap()
            replies.nth(n).wait_for(timeout=ANSWER_TIMEOUT_MS)
        assert page.evaluate("document.documentElement.scrollHeight") > 844
        assert page.evaluate(SCROLLERS_JS) == []
        for y in (0, 600, "document.documentElement.scrollHeight"):  # at the top, midway and at the end
            page.evaluate(f"window.scrollTo(0, {y})")
            for control in ("#chat-input textarea", "#talk-to-person"):
                box = page.locator(control).bounding_box()
                assert box and 0 <= box["y"] and box["y"] + box["height"] <= 844, (control, y, box)
        placeholder = page.locator("#chat-input textarea").evaluate("e => e.scrollWidth <= e.clientWidth")
        assert placeholder  # the placeholder is not cut off
        shot(page, "11-phone")
        # "Clear chat" starts over at the top; the welcome alone is still longer than the screen, so the browser
        # by itself would keep the page scrolled down.
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        page.locator("#clear").tap()
        replies.first.wait_for(state="detached", timeout=ANSWER_TIMEOUT_MS)
        assert page.evaluate("document.documentElement.scrollHeight") > 844 and page.evaluate("window.scrollY") == 0
    finally:
        context.close()


def test_staff_delete_asks_first_and_can_be_undone(app, page):
    """Delete asks for confirmation (Cancel keeps the document); after it, "Undo delete" puts the document back
    from its original with the audience it had, and every step is in the audit log."""
    staff_login(page, app["url"], app["password"])
    documents = page.locator("#staff-documents")
    documents.get_by_text("faq.md").wait_for()
    choose = page.locator("#staff-doc-name input")
    choose.fill("faq.md")
    choose.press("Enter")
    page.locator("#staff-delete").click()
    ask = page.locator("#staff-delete-ask")
    ask.get_by_text("Delete faq.md?").wait_for()
    shot(page, "12-staff-delete-asks")
    page.locator("#staff-delete-cancel").click()
    ask.wait_for(state="hidden")
    assert "faq.md" in documents.inner_text()

    page.locator("#staff-delete").click()
    page.locator("#staff-delete-confirm").click()
    page.locator("#staff-doc-status").get_by_text("faq.md: deleted").wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.wait_for_function("() => !document.querySelector('#staff-documents').innerText.includes('faq.md')")
    undo = page.locator("#staff-undo")
    undo.wait_for(state="visible")
    shot(page, "13-staff-deleted-undo")
    undo.click()
    page.locator("#staff-doc-status").get_by_text("faq.md: restored").wait_for(timeout=ANSWER_TIMEOUT_MS)
    documents.get_by_text("faq.md").wait_for()
    undo.wait_for(state="hidden")
    actions = [json.loads(line)["action"] for line in (app["data_dir"] / "audit.jsonl").read_text().splitlines()]
    assert actions[-2:] == ["delete", "undo_delete"]


AXE = ROOT / ".axe" / "node_modules" / "axe-core" / "axe.min.js"  # `make test` installs it with npm


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations of the page as it is now (WCAG 2 A and AA rules)."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `make test` (it installs it with npm)")
    page.add_script_tag(path=str(AXE))
    for settle in (True, False):
        result = page.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: "
                               "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
        found = [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
                 for v in result["violations"] if v["impact"] in ("serious", "critical")]
        if not found or not settle:
            return found
        # Gradio fades a component while an event of its runs (a contrast failure for that moment): what
        # still fails 2 s later is a real violation.
        page.wait_for_timeout(2000)
    return found


def test_axe_core_finds_no_serious_violation_on_the_chat_and_staff_pages(app, page):
    """The chat with a hand-off and a cited answer whose source is open (highlight, original link), then the
    staff console."""
    page.goto(app["url"])
    page.locator("#title").wait_for()
    page.locator("#talk-to-person").click()
    page.locator("#chatbot").get_by_text("You can talk to a person").wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.locator("#chat-input textarea").fill(sample_question(QUESTION_ID)[0])  # and a cited answer, source open
    page.locator("#send").click()
    page.locator("#sources details summary").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.locator("#sources details summary").first.click()
    page.locator("#sources details mark").first.wait_for()
    chat = axe_violations(page)
    staff_login(page, app["url"], app["password"])
    staff = axe_violations(page)
    assert (chat, staff) == ([], []), {"chat": chat, "staff": staff}
