"""Everything the web app does, built once at start-up and shared by every request thread.

The UI and the HTTP API only translate between people and these methods: no business logic lives in callbacks.
Staff methods take the session token and check it here, server-side, on every call (`require_staff`), because
Gradio exposes every event handler as an HTTP endpoint whether or not the page shows its button.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
import threading
from datetime import datetime
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from chatbot.assistant import Answer, Assistant, Citation
from chatbot.generator import make_generator
from chatbot.retriever import Retriever
from finchat.audit import AuditLog
from finchat.feedback import FeedbackStore
from finchat.settings import Settings
from finchat.staff import LoginRefused, StaffAuth
from ingest.audience import label_unlabelled
from ingest.loaders import KINDS
from ingest.pipeline import FileResult, Ingestor, kept_originals
from vectorstore.store import ChunkStore, FileRecord

log = logging.getLogger(__name__)

EXAMPLE_COUNT = 4  # example questions taken from the documents when settings name none
EXAMPLE_CHARS = (15, 120)  # shortest and longest line accepted as an example question
UPLOAD_CACHE = "gradio"  # folder under settings.tmp_dir where Gradio stores files as they are uploaded
TRASH = "deleted"  # folder under settings.tmp_dir holding the originals a staff session deleted, for its undo
IN_FLIGHT = "ingest-"  # prefix of the folders under settings.tmp_dir holding an upload while it is ingested
PUBLIC, BOTH = ("public",), ("public", "staff")  # what customers may be answered from; what staff may
FAILED = "I'm sorry, something went wrong while answering. Please try again in a moment, or {contact}."
FALLBACK_CONTACT = "contact our customer service team"
_HEADING = re.compile(r"^[#>*\-\s]+|[*_`]+")

__all__ = ["LoginRefused", "Services", "StaffRequired"]


class StaffRequired(PermissionError):
    """A staff action was called without a live staff session."""

    def __init__(self) -> None:
        super().__init__("Staff login required")


@dataclass
class Services:
    """The store, the assistant (model loaded once), the ingestor and the staff, audit and feedback stores."""

    settings: Settings
    store: ChunkStore
    assistant: Assistant
    ingestor: Ingestor
    auth: StaffAuth
    audit: AuditLog
    feedback: FeedbackStore
    samples: Path | None = None
    examples: list[str] = field(default_factory=list)
    # Store writes (upload, delete, re-index) one at a time; questions keep reading in parallel.
    _writing: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # What each staff session deleted: token -> file name -> (its original, its audience), for undo_delete.
    _deleted: dict[str, dict[str, tuple[Path, str]]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, samples: Path | None = None) -> Services:
        """Open the store, ingest `samples` when it is empty, load the models once."""
        clear_tmp(settings)
        store = ChunkStore(settings)
        label_unlabelled(store)  # files stored before document audiences: classified before anything reads them
        ingestor = Ingestor.from_settings(settings, store)
        if samples is not None and samples.is_dir() and not store.list_files():
            results = ingestor.ingest([samples])
            log.warning("empty store: ingested %d sample documents from %s (%d failed)",
                        sum(r.ok for r in results), samples, sum(not r.ok for r in results))
        # Wired by hand rather than Assistant.from_settings so that the spaCy redactor is loaded once, not twice.
        assistant = Assistant(settings, Retriever(store, settings.retrieval), make_generator(settings.generation),
                              ingestor.redactor)
        services = cls(settings, store, assistant, ingestor, StaffAuth.from_settings(settings),
                       AuditLog(settings.audit_log), FeedbackStore(settings.feedback_db), samples)
        services.examples = list(settings.web.example_questions) or services.questions_in_documents()
        # Evidence lines of the stored chunks are embedded once, in the background, before customers ask.
        threading.Thread(target=assistant.lines.warm, args=(store.all_chunks(),), name="finchat-warm-lines",
                         daemon=True).start()
        return services

    # --- customers -------------------------------------------------------------------------------

    @property
    def model_name(self) -> str:
        """Which model (and adapter) answers, as shown in the page footer and the API's model list."""
        generator = self.assistant.generator
        return getattr(generator, "name", "quoted evidence only (no generator)")

    def ask(self, question: str, history: Sequence[dict[str, str]] = (),
            audiences: tuple[str, ...] = PUBLIC) -> Iterator[str | Answer]:
        """Answer pieces, then the final `Answer`; only the last `history_turns` messages are passed on.

        Customers are answered from public documents only; `staff_ask` widens that for a staff session.
        """
        turns = self.settings.assistant.history_turns
        recent = [{"role": m["role"], "content": m["content"]} for m in history
                  if m.get("role") in ("user", "assistant")]
        try:
            yield from self.assistant.stream(question, recent[-turns:] if turns else [], audiences=audiences)
        except Exception:  # a customer gets an apology and the contact route, never a hung or blank answer
            log.exception("answering %.200r failed", question)
            try:
                contact = self.assistant.contact()
            except Exception:
                contact = self.settings.assistant.contact_route or FALLBACK_CONTACT
            yield Answer(question, FAILED.format(contact=contact), abstained=True, reason="error",
                         model=self.model_name)

    def talk_to_person(self) -> Answer:
        """The "Talk to a person" button: the configured routes, no retrieval, no model."""
        from chatbot.handoff import reply

        text = reply("person", self.settings.assistant.institution, self.settings.contact)
        return Answer("Talk to a person", text, abstained=True, reason="handoff", model=self.model_name)

    def rate(self, answer: Answer, rating: int, comment: str = "", row_id: int | None = None) -> int:
        """Store a customer's thumbs up (+1) or down (-1) on an answer; returns the feedback row id. Rating the
        same answer again passes the id it returned and changes that row."""
        return self.feedback.add(answer.question, answer.text, [source_dict(c) for c in answer.citations],
                                 rating, comment.strip(), answer.model or self.model_name, row_id)

    def questions_in_documents(self) -> list[str]:
        """Up to EXAMPLE_COUNT questions the documents themselves ask (FAQ headings first), for example buttons."""
        low, high = EXAMPLE_CHARS
        found: dict[str, None] = {}
        chunks = sorted(self.store.all_chunks(audiences=PUBLIC), key=lambda c: (c.file, c.chunk_index))
        candidates = [part for c in chunks for part in c.section.split(">")]
        candidates += [line for c in chunks for line in c.text.splitlines()[1:]]
        for raw in candidates:
            line = _HEADING.sub("", raw).strip()
            if line.endswith("?") and low <= len(line) <= high and "[" not in line:
                found.setdefault(line)
            if len(found) == EXAMPLE_COUNT:
                break
        return list(found)

    # --- staff -----------------------------------------------------------------------------------

    @property
    def staff_enabled(self) -> bool:
        return self.auth.enabled

    def login(self, username: str, password: str, client: str) -> str:
        """A session token; LoginRefused (wrong credentials, lock-out) is audit-logged and re-raised."""
        username = username.strip()
        try:
            token = self.auth.login(username, password, client)
        except LoginRefused as err:
            action = "login_throttled" if err.throttled else "login_failed"
            self.audit.append(action, username or "(empty)", client=client, reason=str(err))
            raise
        self.audit.append("login", username, client=client)
        return token

    def logout(self, token: str | None) -> None:
        user = self.require_staff(token)
        self.auth.logout(token)
        self.audit.append("logout", user)

    def require_staff(self, token: str | None) -> str:
        """The staff user of a live session, else StaffRequired."""
        user = self.auth.user(token)
        if user is None:
            raise StaffRequired()
        return user

    def documents(self, token: str | None) -> list[FileRecord]:
        self.require_staff(token)
        return self.store.list_files()

    def staff_ask(self, token: str | None, question: str,
                  history: Sequence[dict[str, str]] = ()) -> Iterator[str | Answer]:
        """A staff member's question, answered from staff-only documents as well as public ones."""
        self.require_staff(token)
        yield from self.ask(question, history, audiences=BOTH)

    @property
    def upload_cache(self) -> Path:
        """Where Gradio keeps uploaded files (GRADIO_TEMP_DIR), emptied at start-up and by age."""
        return self.settings.tmp_dir / UPLOAD_CACHE

    def remember_uploads(self, token: str | None, paths: Sequence[str]) -> None:
        """Files the upload route just stored for this staff session: the only ones `upload` will read."""
        self.auth.remember_uploads(token, [str(Path(p).resolve()) for p in paths])

    def upload(self, token: str | None, paths: Sequence[Path], audience: str | None = None,
               on_file: Callable[[FileResult], None] | None = None, client: str = "") -> list[FileResult]:
        """Ingest uploaded files: origin, count, type and size are checked before anything is read; one result
        and one audit entry a file, each written as the file lands.

        Only files that this staff session uploaded into the upload cache are read: a request naming any other
        path (another file of the server, the data directory) is refused and audited. Accepted files are copied
        under their own names to a folder under tmp_dir (the cache may hold one name twice) and, once ingested,
        moved to data_dir/uploads for re-indexing. `audience` None lets the ingestor tell staff-only documents
        (correspondence about a customer) from public ones.
        """
        user = self.require_staff(token)
        limit = self.settings.web.max_files_per_upload
        results: list[FileResult] = []
        kept = self.settings.uploads_dir
        kept.mkdir(parents=True, exist_ok=True)
        self.settings.tmp_dir.mkdir(parents=True, exist_ok=True)

        def done(result: FileResult, staged: Path | None = None) -> None:
            if result.ok and staged is not None and staged.is_file():
                shutil.move(staged, kept / result.file)
            entry = _audited(result)
            self.audit.append("upload", user, client=client, **entry)
            results.append(result)
            if on_file:
                on_file(result)

        with self._writing, tempfile.TemporaryDirectory(prefix=IN_FLIGHT, dir=self.settings.tmp_dir) as tmp:
            accepted: list[Path] = []
            for n, path in enumerate(paths):
                path = Path(path)
                name = path.name
                if not self.from_this_session(token, path):
                    log.warning("refused upload of %s: not uploaded by this session", path)
                    self.audit.append("upload_refused", user, client=client, path=str(path))
                    done(FileResult(name, "failed", error=f"{name}: refused: not a file uploaded in this session"))
                    continue
                problem = self._screen(path, n, limit)
                if problem or name in {p.name for p in accepted}:
                    done(FileResult(name, "failed", error=problem or f"{name}: the same file name twice in one upload"))
                    continue
                copy = Path(tmp) / name
                shutil.copyfile(path, copy)
                accepted.append(copy)
            if accepted:
                self.ingestor.ingest(accepted, on_file=lambda r: done(r, Path(tmp) / r.file), audience=audience)
        return results

    def set_audience(self, token: str | None, name: str, audience: str) -> bool:
        """Make a document public or staff-only without re-embedding it; False when no such document."""
        user = self.require_staff(token)
        name = Path(name.strip()).name
        with self._writing:
            changed = bool(name) and self.store.set_audience(name, audience)
        self.audit.append("audience", user, file=name, audience=audience, changed=changed)
        return changed

    def delete(self, token: str | None, name: str) -> bool:
        """Delete a document and its chunks; False when no such document is stored. Its kept original moves to
        this session's trash (under tmp_dir, emptied at the next start), so `undo_delete` can bring it back."""
        user = self.require_staff(token)
        name = Path(name.strip()).name
        with self._writing:
            record = self.store.file_record(name) if name else None
            original = self._originals().get(name)
            deleted = record is not None and self.store.delete_file(name)
            if deleted and original is not None:
                if original.parent == self.settings.uploads_dir:  # an upload: kept aside, not lost
                    trash = self.settings.tmp_dir / TRASH / hashlib.sha256((token or "").encode()).hexdigest()[:16]
                    trash.mkdir(parents=True, exist_ok=True)
                    original = Path(shutil.move(original, trash / name))
                self._deleted.setdefault(token or "", {})[name] = (original, record.audience)
        self.audit.append("delete", user, file=name, deleted=deleted)
        return deleted

    def undo_delete(self, token: str | None, name: str) -> FileResult | None:
        """Put back a document this session deleted, from its original, with the audience it had; None when
        this session deleted no such document (or its original was not kept)."""
        user = self.require_staff(token)
        entry = self._deleted.get(token or "", {}).pop(Path(name.strip()).name, None)
        if entry is None:
            return None
        original, audience = entry
        kept = self.settings.uploads_dir
        results: list[FileResult] = []
        with self._writing:
            self.ingestor.ingest([original], on_file=results.append, audience=audience)
            if results and results[0].ok and original.is_relative_to(self.settings.tmp_dir):  # from the trash
                kept.mkdir(parents=True, exist_ok=True)
                shutil.move(original, kept / original.name)
        result = results[0] if results else FileResult(original.name, "failed", error="nothing was ingested")
        self.audit.append("undo_delete", user, **_audited(result))
        return result

    def reindex(self, token: str | None, on_file: Callable[[FileResult], None] | None = None) -> list[FileResult]:
        """Re-ingest every stored document from its kept original (uploads, then samples) with today's settings;
        a document without one is re-embedded from its stored text (`Ingestor.reindex`)."""
        user = self.require_staff(token)
        with self._writing:
            results = self.ingestor.reindex(self._originals(), on_file)
        self.audit.append("reindex", user, files=[_audited(r) for r in results])
        return results

    def feedback_rows(self, token: str | None) -> list[dict]:
        self.require_staff(token)
        return self.feedback.latest()

    def export_feedback(self, token: str | None) -> str:
        """All feedback as CSV text, served by an authorised route and never written to a served folder."""
        user = self.require_staff(token)
        self.audit.append("export", user, what="feedback")
        return self.feedback.export_csv()

    # --- helpers ---------------------------------------------------------------------------------

    def from_this_session(self, token: str | None, path: Path) -> bool:
        """The path, resolved before anything reads it, lies in the upload cache and this session put it there."""
        resolved = path.resolve()
        return resolved.is_relative_to(self.upload_cache.resolve()) and self.auth.uploaded(token, str(resolved))

    def _screen(self, path: Path, n: int, limit: int) -> str:
        """Why an uploaded file is refused before parsing (count, type, size, empty), or '' to go on."""
        name, max_bytes = path.name, self.ingestor.max_bytes
        if n >= limit:
            return f"{name}: not ingested: at most {limit} files per upload"
        if path.suffix.lower() not in KINDS:
            ext = path.suffix.lower() or "(no extension)"
            return f"{name}: files of type {ext} are not supported; supported types are {', '.join(KINDS)}"
        if not path.is_file():
            return f"{name}: the upload did not arrive"
        size = path.stat().st_size
        if size > max_bytes:
            return (f"{name}: the file is too large: {size / 2**20:.1f} MB, "
                    f"the upload limit is {max_bytes / 2**20:.0f} MB")
        if size == 0:
            return f"{name}: the file is empty"
        return ""

    def public_original(self, name: str) -> Path | None:
        """The kept original of a public document without personal data, or None (`finchat.web.originals`)."""
        if not name or Path(name).name != name:
            return None
        record = self.store.file_record(name)
        if record is None or record.audience != "public" or any(record.redactions.values()):
            return None
        path = self._originals().get(name)
        return path if path is not None and path.is_file() else None

    def _originals(self) -> dict[str, Path]:
        return kept_originals([self.samples] if self.samples is not None else [], self.settings.uploads_dir)


def clear_tmp(settings: Settings) -> None:
    """Start-up: delete what a previous run left in tmp_dir (uploads in the cache, copies of a killed ingest), and
    point Gradio's upload cache there, under the data directory, instead of the system's shared temp folder."""
    if settings.tmp_dir.is_dir():
        shutil.rmtree(settings.tmp_dir, ignore_errors=True)
    cache = settings.tmp_dir / UPLOAD_CACHE
    cache.mkdir(parents=True, exist_ok=True)
    os.environ["GRADIO_TEMP_DIR"] = str(cache.resolve())


def local_time(iso: str) -> str:
    """An ISO time stored in UTC, shown in the server's local time zone."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    except ValueError:
        return iso


def source_dict(c: Citation) -> dict:
    """A citation as plain data (feedback rows, the HTTP API)."""
    return {"n": c.n, "file": c.file, "page": c.page, "section": c.section, "effective_date": c.effective_date,
            "label": c.label(), "score": round(c.score, 4), "text": c.text}


def _audited(r: FileResult) -> dict:
    entry: dict = {"file": r.file, "status": r.status, "chunks": r.chunks, "audience": r.audience}
    if r.error:
        entry["error"] = r.error
    if r.redactions:
        entry["redactions"] = dict(Counter(r.redactions))
    return entry
