"""The staff console tab: login, upload with per-file results, document list, delete, re-index, feedback, export.

The session token lives in a gr.State (server side, per browser session) and every handler passes it to
`Services`, which checks it on every call: these handlers are HTTP endpoints too, and without a live session
each answers the error "Staff login required".

`gradio_client` endpoints (the token is kept in the client's session after `/staff_login`):
`/staff_login` (username, password) · `/staff_logout` () · `/staff_upload` (files: list of `handle_file(path)`)
· `/staff_documents` () · `/staff_delete` (file name) · `/staff_reindex` () · `/staff_feedback` ()
· `/staff_export` () -> CSV file path.
Results: upload and re-index return (result text, one line per file; documents table; delete choices);
the documents table is `{"headers": [...], "data": [[file, chunks, pages, effective date, ingested at], ...]}`.

Element ids: `#staff-off` (shown when staff features are off), `#staff-username`, `#staff-password`,
`#staff-login`, `#staff-status`, `#staff-logout`, `#staff-upload` (file input), `#staff-ingest` (button),
`#staff-upload-results`, `#staff-documents`, `#staff-refresh`, `#staff-delete-name`, `#staff-delete`,
`#staff-reindex`, `#staff-feedback`, `#staff-feedback-refresh`, `#staff-export`, `#staff-export-file`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from finchat.staff import LoginRefused
from finchat.web.services import Services, StaffRequired

DOC_HEADERS = ["file", "chunks", "pages", "effective date", "ingested at"]
FEEDBACK_HEADERS = ["time", "rating", "question", "answer", "sources", "comment", "model"]
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


def build_staff_tab(services: Services) -> None:
    """Render the staff tab inside the current Blocks context and wire its events."""
    if not services.staff_enabled:
        gr.Markdown("### Staff console\nStaff features are off: no staff password or users file is configured "
                    "(set `FINCHAT_STAFF_PASSWORD` or `FINCHAT_STAFF_USERS_FILE` and restart).", elem_id="staff-off")
        return

    token = gr.State(None)
    with gr.Column(visible=True) as login_box:
        gr.Markdown("### Staff login")
        username = gr.Textbox(label="Username", value="", elem_id="staff-username")
        password = gr.Textbox(label="Password", type="password", elem_id="staff-password")
        login = gr.Button("Log in", variant="primary", elem_id="staff-login")
    status = gr.Markdown(elem_id="staff-status")
    with gr.Column(visible=False) as console:
        logout = gr.Button("Log out", size="sm", elem_id="staff-logout")
        with gr.Tab("Documents"):
            files = gr.File(label="Upload documents (PDF, DOCX, HTML, Markdown, TXT, CSV)", file_count="multiple",
                            elem_id="staff-upload")
            ingest = gr.Button("Ingest uploaded files", variant="primary", elem_id="staff-ingest")
            results = gr.Textbox(label="Results, one line per file", lines=4, max_lines=RESULT_LINES,
                                 interactive=False, elem_id="staff-upload-results")
            documents = gr.Dataframe(headers=DOC_HEADERS, label="Documents", interactive=False, wrap=True,
                                     elem_id="staff-documents")
            with gr.Row():
                refresh = gr.Button("Refresh list", size="sm", elem_id="staff-refresh")
                name = gr.Dropdown(label="Document to delete", choices=[], allow_custom_value=True,
                                   elem_id="staff-delete-name", scale=3)
                delete = gr.Button("Delete document", variant="stop", size="sm", elem_id="staff-delete")
                reindex = gr.Button("Re-index all", size="sm", elem_id="staff-reindex")
        with gr.Tab("Feedback"):
            feedback = gr.Dataframe(headers=FEEDBACK_HEADERS, label="Feedback (thumbs-down first, newest first)",
                                    interactive=False, wrap=True, elem_id="staff-feedback")
            with gr.Row():
                feedback_refresh = gr.Button("Refresh", size="sm", elem_id="staff-feedback-refresh")
                export = gr.Button("Export CSV", size="sm", elem_id="staff-export")
            export_file = gr.File(label="CSV export", interactive=False, elem_id="staff-export-file")

    def docs(token_value: str | None) -> tuple[dict, Any]:
        records = services.documents(token_value)
        rows = [[r.file, r.chunks, r.pages or "", r.effective_date, r.ingested_at] for r in records]
        return {"headers": DOC_HEADERS, "data": rows}, gr.update(choices=[r.file for r in records], value=None)

    def feedback_table(token_value: str | None) -> dict:
        rows = services.feedback_rows(token_value)
        data = [[r["time"], "\U0001f44e" if r["rating"] < 0 else "\U0001f44d", r["question"], r["answer"],
                 ", ".join(s.get("label", s.get("file", "")) for s in r["sources"]), r["comment"], r["model"]]
                for r in rows]
        return {"headers": FEEDBACK_HEADERS, "data": data}

    def staff_login(user: str, secret: str, request: gr.Request):
        client = request.client.host if request and request.client else "unknown"
        try:
            new_token = services.login(user, secret, client)
        except LoginRefused as err:
            raise gr.Error(str(err)) from None
        table, choices = docs(new_token)
        return (new_token, f"Logged in as **{user.strip()}**.", gr.update(visible=False), gr.update(visible=True),
                "", table, choices, feedback_table(new_token))

    @_staff_only
    def staff_logout(token_value: str | None):
        services.logout(token_value)
        return None, "Logged out.", gr.update(visible=True), gr.update(visible=False)

    @_staff_only
    def staff_upload(token_value: str | None, uploaded: list[str] | None, progress=gr.Progress()):
        services.require_staff(token_value)
        paths = [Path(p) for p in uploaded or []]
        if not paths:
            raise gr.Error("Choose one or more files to upload first.")
        progress((0, len(paths)), desc="Checking and ingesting", unit="files")
        done: list[str] = []

        def advance(result) -> None:
            done.append(result.file)
            progress((len(done), len(paths)), desc=result.file, unit="files")

        outcome = services.upload(token_value, paths, on_file=advance)
        return (_report(outcome, "ingested"), *docs(token_value), None)

    @_staff_only
    def staff_documents(token_value: str | None):
        return docs(token_value)

    @_staff_only
    def staff_delete(token_value: str | None, file_name: str | None):
        services.require_staff(token_value)
        if not file_name:
            raise gr.Error("Choose a document to delete.")
        deleted = services.delete(token_value, file_name)
        message = f"{file_name}: deleted" if deleted else f"{file_name}: no such document"
        return (message, *docs(token_value))

    @_staff_only
    def staff_reindex(token_value: str | None, progress=gr.Progress()):
        total = len(services.documents(token_value))
        progress((0, total), desc="Re-indexing", unit="files")
        done: list[str] = []

        def advance(result) -> None:
            done.append(result.file)
            progress((len(done), total), desc=result.file, unit="files")

        outcome = services.reindex(token_value, on_file=advance)
        return (_report(outcome, "re-indexed"), *docs(token_value))

    @_staff_only
    def staff_feedback(token_value: str | None):
        return feedback_table(token_value)

    @_staff_only
    def staff_export(token_value: str | None):
        return str(services.export_feedback(token_value))

    login.click(staff_login, [username, password], [token, status, login_box, console, password, documents, name,
                                                   feedback], api_name="staff_login", show_progress_on=[status])
    password.submit(staff_login, [username, password], [token, status, login_box, console, password, documents,
                                                        name, feedback], api_visibility="private",
                    show_progress_on=[status])
    logout.click(staff_logout, [token], [token, status, login_box, console], api_name="staff_logout")
    # Progress (and a refusal's error overlay) on the result box only, so the form stays usable afterwards.
    ingest.click(staff_upload, [token, files], [results, documents, name, files], api_name="staff_upload",
                 show_progress_on=[results])
    refresh.click(staff_documents, [token], [documents, name], api_name="staff_documents",
                  show_progress_on=[documents])
    delete.click(staff_delete, [token, name], [results, documents, name], api_name="staff_delete",
                 show_progress_on=[results])
    reindex.click(staff_reindex, [token], [results, documents, name], api_name="staff_reindex",
                  show_progress_on=[results])
    feedback_refresh.click(staff_feedback, [token], [feedback], api_name="staff_feedback")
    export.click(staff_export, [token], [export_file], api_name="staff_export")


def _report(outcome: list, verb: str) -> str:
    """A header line ("2 of 3 files ingested; 1 failed") and one line per file."""
    failed = sum(not r.ok for r in outcome)
    head = f"{len(outcome) - failed} of {len(outcome)} files {verb}" + (f"; {failed} failed" if failed else "")
    return "\n".join([head, *(r.summary() for r in outcome)])
