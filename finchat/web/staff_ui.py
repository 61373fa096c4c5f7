"""The staff console, a Gradio app of its own at /staff: upload with per-file results and an audience, the document
list, audience changes, delete, re-index, a chat over staff-only documents too, and the customers' feedback.

It is mounted only when staff accounts exist, behind the session cookie set by /staff/login (`staff_routes.py`):
Gradio refuses every route of this app without it, and each handler passes the cookie's token to `Services`,
which checks it again. Handlers read the token from the request, never from the page, so a client that copies
another's `session_hash` gains nothing.

`gradio_client` (log in with a POST to /staff/login and pass its cookie: `Client(url + "/staff/",
headers={"Cookie": "finchat_staff=<token>"})`): `/staff_upload` (files: list of `handle_file(path)`, audience:
"auto" | "public" | "staff") · `/staff_documents` () · `/staff_delete` (file name) · `/staff_audience` (file name,
"public" | "staff") · `/staff_reindex` () · `/staff_feedback` () · `/staff_ask` (question; streams).
In the page, delete asks for confirmation first and then offers "Undo delete" for the rest of the session
(`Services.undo_delete`); the API's `/staff_delete` deletes at once. Results: upload and re-index return (result
text, one line per file; documents table; document choices); delete and audience changes report in
`#staff-doc-status`; the documents table is
`{"headers": [...], "data": [[file, audience, chunks, pages, effective date, ingested at], ...]}`.
The feedback CSV is `GET /staff/export/feedback.csv`.

Element ids: `#staff-user`, `#staff-logout`, `#staff-upload` (file input), `#staff-audience` (upload audience),
`#staff-ingest` (button), `#staff-upload-results`, `#staff-documents`, `#staff-refresh`, `#staff-doc-name`,
`#staff-doc-audience`, `#staff-set-audience`, `#staff-delete` (then `#staff-delete-confirm` / `#staff-delete-cancel`),
`#staff-undo`, `#staff-doc-status`, `#staff-reindex`, `#staff-chat`, `#staff-question`,
`#staff-feedback`, `#staff-feedback-refresh`, `#staff-export`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from chatbot.assistant import Answer
from finchat.web import CACHE_CLEAN_EVERY_S
from finchat.web.services import Services, StaffRequired, local_time
from finchat.web.staff_routes import client_address, staff_token

DOC_HEADERS = ["file", "audience", "chunks", "pages", "effective date", "ingested at"]
FEEDBACK_HEADERS = ["time", "rating", "question", "answer", "sources", "comment", "model"]
UPLOAD_AUDIENCES = [("Decide from the text (letters, e-mails, case logs become staff-only)", "auto"),
                    ("Public: customers may be answered from it", "public"), ("Staff only", "staff")]
RESULT_LINES = 12


def _staff_only(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a refused session into the error a page or API caller sees."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StaffRequired as err:
            raise gr.Error(str(err)) from None

    return wrapper


def build_staff_demo(services: Services) -> gr.Blocks:
    """The staff console page; its queue is bounded like the customer page's."""
    settings = services.settings
    age = settings.web.cache_max_age_s
    with gr.Blocks(title=f"Staff console · {settings.assistant.institution}", analytics_enabled=False,
                   delete_cache=(min(CACHE_CLEAN_EVERY_S, age), age)) as demo:
        gr.Markdown(f"# Staff console\n{settings.assistant.institution}")
        with gr.Row():
            who = gr.Markdown(elem_id="staff-user")
            gr.HTML('<form method="post" action="logout"><button id="staff-logout" type="submit" '
                    'class="lg secondary">Log out</button></form>')
        with gr.Tab("Documents"):
            files = gr.File(label="Upload documents (PDF, DOCX, HTML, Markdown, TXT, CSV)", file_count="multiple",
                            elem_id="staff-upload")
            audience = gr.Radio(UPLOAD_AUDIENCES, value="auto", label="Who may be answered from these files",
                                elem_id="staff-audience")
            ingest = gr.Button("Ingest uploaded files", variant="primary", elem_id="staff-ingest")
            results = gr.Textbox(label="Results, one line per file", lines=4, max_lines=RESULT_LINES,
                                 interactive=False, elem_id="staff-upload-results")
            documents = gr.Dataframe(headers=DOC_HEADERS, label="Documents", interactive=False, wrap=True,
                                     elem_id="staff-documents")
            with gr.Row():
                name = gr.Dropdown(label="Document", choices=[], allow_custom_value=True, elem_id="staff-doc-name",
                                   scale=3)
                doc_audience = gr.Radio(["public", "staff"], value="public", label="Audience",
                                        elem_id="staff-doc-audience")
            with gr.Row():
                set_audience = gr.Button("Set audience", size="sm", elem_id="staff-set-audience")
                delete = gr.Button("Delete document", variant="stop", size="sm", elem_id="staff-delete")
                refresh = gr.Button("Refresh list", size="sm", elem_id="staff-refresh")
                reindex = gr.Button("Re-index all", size="sm", elem_id="staff-reindex")
            with gr.Row(visible=False, elem_id="staff-delete-ask") as ask_delete:  # delete asks first
                delete_question = gr.Markdown()
                confirm_delete = gr.Button("Yes, delete", variant="stop", size="sm", elem_id="staff-delete-confirm")
                cancel_delete = gr.Button("Cancel", size="sm", elem_id="staff-delete-cancel")
            doc_status = gr.Markdown(elem_id="staff-doc-status")
            undo = gr.Button("Undo delete", size="sm", visible=False, elem_id="staff-undo")
        with gr.Tab("Staff chat"):
            gr.Markdown("Answers from **every** document, staff-only ones included. Customers never see these.")
            chat = gr.Chatbot(elem_id="staff-chat", label="Staff chat", height=420)
            question = gr.Textbox(label="Question", elem_id="staff-question", placeholder="Ask and press Enter")
        with gr.Tab("Feedback"):
            feedback = gr.Dataframe(headers=FEEDBACK_HEADERS, label="Feedback (thumbs-down first, newest first)",
                                    interactive=False, wrap=True, elem_id="staff-feedback")
            with gr.Row():
                feedback_refresh = gr.Button("Refresh", size="sm", elem_id="staff-feedback-refresh")
                gr.HTML('<a id="staff-export" href="export/feedback.csv" download>Export CSV</a>')
        gr.Markdown(f"Answers by `{services.model_name}`", elem_id="staff-about")

    def docs(token: str | None) -> tuple[dict, Any]:
        records = services.documents(token)
        rows = [[r.file, r.audience, r.chunks, r.pages or "", r.effective_date, local_time(r.ingested_at)]
                for r in records]
        return {"headers": DOC_HEADERS, "data": rows}, gr.update(choices=[r.file for r in records], value=None)

    def feedback_table(token: str | None) -> dict:
        rows = services.feedback_rows(token)
        data = [[local_time(r["time"]), "\U0001f44e" if r["rating"] < 0 else "\U0001f44d", r["question"],
                 r["answer"], ", ".join(s.get("label", s.get("file", "")) for s in r["sources"]), r["comment"],
                 r["model"]] for r in rows]
        return {"headers": FEEDBACK_HEADERS, "data": data}

    @_staff_only
    def on_load(request: gr.Request):
        token = staff_token(request)
        user = services.require_staff(token)
        return (f"Logged in as **{user}**.", *docs(token), feedback_table(token))

    @_staff_only
    def staff_upload(uploaded: list[dict] | None, choice: str, request: gr.Request, progress=gr.Progress()):
        """Runs with preprocess=False: Gradio would otherwise copy whatever path a caller names into its cache
        (a mounted app skips its own "was it uploaded?" check), so the raw paths go to `Services.upload`,
        which reads only files this session uploaded."""
        token = staff_token(request)
        services.require_staff(token)
        paths = [Path(str(f.get("path", ""))) if isinstance(f, dict) else Path(str(f)) for f in uploaded or []]
        if not paths:
            raise gr.Error("Choose one or more files to upload first.")
        progress((0, len(paths)), desc="Checking and ingesting", unit="files")
        done: list[str] = []

        def advance(result) -> None:
            done.append(result.file)
            progress((len(done), len(paths)), desc=result.file, unit="files")

        outcome = services.upload(token, paths, audience=None if choice == "auto" else choice, on_file=advance,
                                  client=client_address(request))
        return (_report(outcome, "ingested"), *docs(token), None)

    @_staff_only
    def staff_documents(request: gr.Request):
        return docs(staff_token(request))

    @_staff_only
    def staff_delete(file_name: str | None, request: gr.Request):
        token = staff_token(request)
        services.require_staff(token)
        if not file_name:
            raise gr.Error("Choose a document to delete.")
        deleted = services.delete(token, file_name)
        return (f"{file_name}: deleted" if deleted else f"{file_name}: no such document", *docs(token))

    @_staff_only
    def ask_before_delete(file_name: str | None, request: gr.Request):
        services.require_staff(staff_token(request))
        if not file_name:
            raise gr.Error("Choose a document to delete.")
        return (gr.update(visible=True), f"Delete **{file_name}**? Customers will no longer get answers from it.",
                gr.update(visible=False))

    @_staff_only
    def staff_undo(file_name: str | None, request: gr.Request):
        token = staff_token(request)
        result = services.undo_delete(token, file_name or "")
        if result is None:
            raise gr.Error("Nothing to undo: this session deleted no such document.")
        message = f"{result.file}: restored ({result.chunks} chunks)" if result.ok else result.error
        return (message, *docs(token))

    @_staff_only
    def staff_audience(file_name: str | None, value: str, request: gr.Request):
        token = staff_token(request)
        services.require_staff(token)
        if not file_name:
            raise gr.Error("Choose a document first.")
        changed = services.set_audience(token, file_name, value)
        message = f"{file_name}: audience {value}" if changed else f"{file_name}: no such document"
        return (message, *docs(token))

    @_staff_only
    def staff_reindex(request: gr.Request, progress=gr.Progress()):
        token = staff_token(request)
        total = len(services.documents(token))
        progress((0, total), desc="Re-indexing", unit="files")
        done: list[str] = []

        def advance(result) -> None:
            done.append(result.file)
            progress((len(done), total), desc=result.file, unit="files")

        return (_report(services.reindex(token, on_file=advance), "re-indexed"), *docs(token))

    @_staff_only
    def staff_feedback(request: gr.Request):
        return feedback_table(staff_token(request))

    def staff_ask(message: str, history: list[dict], request: gr.Request):
        """A generator, so Gradio streams it (a wrapping function would hide that): checks the session itself."""
        token = staff_token(request)
        try:
            services.require_staff(token)
        except StaffRequired as err:
            raise gr.Error(str(err)) from None
        if not message.strip():
            yield gr.skip(), gr.skip()
            return
        earlier = [{"role": m["role"], "content": _text(m["content"])} for m in history or []]
        shown = [*(history or []), {"role": "user", "content": message}, {"role": "assistant", "content": ""}]
        for item in services.staff_ask(token, message, earlier):
            if isinstance(item, Answer):
                sources = "; ".join(f"[{c.n}] {c.label()}" for c in item.citations)
                shown[-1]["content"] = item.text + (f"\n\nSources: {sources}" if sources else "")
            else:
                shown[-1]["content"] += item
            yield shown, ""

    with demo:  # events are wired inside the Blocks context
        demo.load(on_load, None, [who, documents, name, feedback], api_visibility="private")
        # Progress (and a refusal's error overlay) on the result box only, so the form stays usable afterwards.
        ingest.click(staff_upload, [files, audience], [results, documents, name, files], api_name="staff_upload",
                     show_progress_on=[results], preprocess=False)
        refresh.click(staff_documents, None, [documents, name], api_name="staff_documents",
                      show_progress_on=[documents])
        delete.click(ask_before_delete, [name], [ask_delete, delete_question, undo], api_visibility="private")
        cancel_delete.click(lambda: gr.update(visible=False), None, [ask_delete], api_visibility="private")
        deleted_name = gr.State("")
        confirm_delete.click(lambda n: (gr.update(visible=False), n or ""), [name], [ask_delete, deleted_name],
                             api_visibility="private").then(
            staff_delete, [name], [doc_status, documents, name], api_name="staff_delete",
            show_progress_on=[doc_status]).then(
            lambda n: gr.update(visible=bool(n), value=f"Undo delete of {n}"), [deleted_name], [undo],
            api_visibility="private")
        undo.click(staff_undo, [deleted_name], [doc_status, documents, name], api_visibility="private",
                   show_progress_on=[doc_status]).then(lambda: gr.update(visible=False), None, [undo],
                                                        api_visibility="private")
        set_audience.click(staff_audience, [name, doc_audience], [doc_status, documents, name],
                           api_name="staff_audience", show_progress_on=[doc_status])
        reindex.click(staff_reindex, None, [results, documents, name], api_name="staff_reindex",
                      show_progress_on=[results])
        feedback_refresh.click(staff_feedback, None, [feedback], api_name="staff_feedback")
        question.submit(staff_ask, [question, chat], [chat, question], api_name="staff_ask")
    return demo.queue(default_concurrency_limit=settings.web.concurrency_limit, max_size=settings.web.max_queue)


def _text(content: Any) -> str:
    """Gradio 6 chat messages hold a list of parts; plain text is what the assistant reads."""
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return str(content or "")


def _report(outcome: list, verb: str) -> str:
    """A header line ("2 of 3 files ingested; 1 failed") and one line per file."""
    failed = sum(not r.ok for r in outcome)
    head = f"{len(outcome) - failed} of {len(outcome)} files {verb}" + (f"; {failed} failed" if failed else "")
    return "\n".join([head, *(r.summary() for r in outcome)])
