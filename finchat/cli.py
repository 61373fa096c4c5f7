"""The `finchat` command line: ingest documents, manage them, search them."""

from __future__ import annotations

import json
import logging
import os
import time
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from finchat.cli_staff import audit_app, staff_app
from finchat.settings import Settings, load_settings
from finetune.cli import app as finetune_app

app = typer.Typer(help="FinChat: a cited, grounded customer-service assistant for financial institutions.",
                  no_args_is_help=True, add_completion=False)
docs_app = typer.Typer(help="List and delete ingested documents, and set who may see them.", no_args_is_help=True)
app.add_typer(docs_app, name="docs")
app.add_typer(audit_app, name="audit")
app.add_typer(staff_app, name="staff")
app.add_typer(finetune_app, name="finetune")
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@app.callback()
def _main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not verbose:
        # Library chatter a customer or staff member cannot act on: model-loading bars, and bitsandbytes'
        # notice that an optional CPU kernel package is absent.
        logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TQDM_DISABLE", "1")  # GGUF conversion bars
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


class IngestAudience(str, Enum):
    auto = "auto"
    public = "public"
    staff = "staff"


class Audience(str, Enum):
    public = "public"
    staff = "staff"


class SearchAudience(str, Enum):
    public = "public"
    staff = "staff"
    all = "all"


@contextmanager
def _model_checked():
    """A store opened inside exits 1 with its message when its vectors are another embedding model's."""
    from vectorstore.store import ModelMismatch

    try:
        yield
    except ModelMismatch as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(1) from None


def _store(settings: Settings, reindexing: bool = False):
    from vectorstore.store import ChunkStore

    with _model_checked():
        return ChunkStore(settings, reindexing=reindexing)


def _labelled(store):
    """The store, with any files from before document audiences classified (a no-op once all are labelled)."""
    from ingest.audience import label_unlabelled

    label_unlabelled(store)
    return store


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders to ingest.", show_default=False)],
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Do nothing when documents are already stored.")] = False,
    audience: Annotated[IngestAudience, typer.Option(
        "--audience", help="Who may be answered from the files: auto = staff-only when a file reads like "
                           "correspondence or a record about a customer, else public.")] = IngestAudience.auto,
) -> None:
    """Ingest documents (PDF, DOCX, HTML, Markdown, TXT, CSV): one line per file; exit 1 if any failed.

    Examples: finchat ingest samples/
              finchat ingest --audience staff case-notes/
    """
    from ingest.pipeline import Ingestor, find_files

    settings = load_settings()
    missing = [p for p in paths if not p.exists()]
    for p in missing:
        err.print(f"{p}: no such file or folder")
    store = _store(settings)
    if if_empty and store.list_files():
        console.print(f"The store already holds {len(store.list_files())} documents; nothing to do.")
        return
    ingestor = Ingestor.from_settings(settings, store)
    files = find_files(p for p in paths if p.exists())
    if files:  # loading the models is not ingesting: keep it out of the pages/s shown
        store.embed(["warm-up"])
        ingestor.load()
    start = time.perf_counter()
    rate = TextColumn("{task.fields[pages]:.1f} pages/s, {task.fields[chunks]:.1f} chunks/s")
    with Progress(TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), rate, TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("ingest", total=len(files), pages=0.0, chunks=0.0)
        done = {"pages": 0.0, "chunks": 0}  # embedded now, so files found unchanged do not count

        def embedded(chunks: int, pages: float) -> None:  # several times within a long file
            done["chunks"] += chunks
            done["pages"] += pages
            elapsed = time.perf_counter() - start
            progress.update(task, pages=done["pages"] / elapsed, chunks=done["chunks"] / elapsed)

        def report(result) -> None:
            (console if result.ok else err).print(result.summary(), markup=False, highlight=False)
            progress.update(task, advance=1)

        results = ingestor.ingest(files, on_file=report, on_embedded=embedded,
                                  audience=None if audience is IngestAudience.auto else audience.value)
    failed = sum(not r.ok for r in results) + len(missing)
    elapsed = time.perf_counter() - start
    speed = (f"; {round(done['pages'])} pages, {done['chunks']} chunks in {elapsed:.1f} s "
             f"({done['pages'] / elapsed:.1f} pages/s, {done['chunks'] / elapsed:.1f} chunks/s)") if done["chunks"] else ""
    console.print(f"{len(results) - failed + len(missing)} ingested or unchanged, {failed} failed; "
                  f"{ingestor.store.count()} chunks in the store{speed}", highlight=False)
    raise typer.Exit(1 if failed else 0)


@docs_app.command("list")
def docs_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List ingested documents with chunk counts, pages, dates and audience (public or staff)."""
    from dataclasses import asdict

    store = _store(load_settings())
    store.repair()
    records = _labelled(store).list_files()
    if as_json:
        console.print_json(json.dumps([asdict(r) for r in records]))
        return
    if not records:
        console.print("No documents ingested yet. Try: finchat ingest samples/")
        return
    for r in records:
        extra = f", effective {r.effective_date}" if r.effective_date else ""
        pages = f", {r.pages} pages" if r.pages else ""
        console.print(f"{r.file}: {r.chunks} chunks{pages}, ingested {r.ingested_at}{extra}, audience {r.audience}",
                      markup=False, highlight=False)


@docs_app.command("audience")
def docs_audience(
    name: Annotated[str, typer.Argument(help="File name as shown by `finchat docs list`.")],
    audience: Annotated[Audience, typer.Argument(help="public: customers may be answered from it; staff: only staff.")],
) -> None:
    """Set who may see a document, without re-embedding it.

    Example: finchat docs audience customer_letter.txt staff
    """
    if not _store(load_settings()).set_audience(name, audience.value):
        err.print(f"{name}: no such document (see `finchat docs list`)", markup=False)
        raise typer.Exit(1)
    console.print(f"{name}: audience {audience.value}", markup=False)


@docs_app.command("delete")
def docs_delete(name: Annotated[str, typer.Argument(help="File name as shown by `finchat docs list`.")]) -> None:
    """Delete a document and all of its chunks."""
    store = _store(load_settings())
    if not store.delete_file(name):
        err.print(f"{name}: no such document (see `finchat docs list`)", markup=False)
        raise typer.Exit(1)
    console.print(f"{name}: deleted", markup=False)


@docs_app.command("reindex")
def docs_reindex(
    originals: Annotated[list[Path] | None, typer.Argument(
        help="Folders or files holding the documents' originals (e.g. samples/); uploads kept by the web app "
             "are always used.", show_default=False)] = None,
) -> None:
    """Ingest every stored document again with today's settings and embedding model.

    A document is re-read from its original where one is found (the web app's kept uploads, or the folders
    given here), else its stored text is re-embedded. Run it after changing the embedding model.

    Example: FINCHAT_VECTORSTORE__EMBEDDING_BACKEND=openvino-int8 finchat docs reindex samples/
    """
    from ingest.pipeline import Ingestor, kept_originals

    settings = load_settings()
    store = _store(settings, reindexing=True)
    before = store.stored_model()
    found = kept_originals(originals or [], settings.uploads_dir)
    results = Ingestor.from_settings(settings, store).reindex(
        found, on_file=lambda r: (console if r.ok else err).print(r.summary(), markup=False, highlight=False))
    failed = sum(not r.ok for r in results)
    console.print(f"{len(results) - failed} of {len(results)} documents re-indexed; vectors by {store.model} "
                  f"(were {before})", markup=False, highlight=False)
    raise typer.Exit(1 if failed else 0)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="How many chunks.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    audience: Annotated[SearchAudience, typer.Option(
        "--audience", help="Search public documents, staff-only ones, or all.")] = SearchAudience.all,
) -> None:
    """Ranked chunks for a query, with file, page or section, score and audience (a staff tool).

    Example: finchat search "monthly fee" --k 3 --audience public
    """
    audiences = None if audience is SearchAudience.all else (audience.value,)
    store = _labelled(_store(load_settings()))
    hits = store.search(query, k, audiences=audiences)
    if as_json:
        rows = [{"file": c.file, "page": c.page, "section": c.section, "score": round(s, 4), "audience": c.audience,
                 "text": c.text} for c, s in hits]
        console.print_json(json.dumps(rows))
        return
    if not hits:
        console.print(f"No {audience.value} documents ingested." if store.count() else
                      "No documents ingested yet. Try: finchat ingest samples/")
    for rank, (c, score) in enumerate(hits, 1):
        where = f"page {c.page}" if c.page else (c.section or "")
        console.print(f"[{rank}] {c.file}{', ' + where if where else ''} (score {score:.3f}, audience {c.audience})",
                      markup=False, highlight=False)
        console.print("    " + c.text.replace("\n", "\n    "), markup=False, highlight=False)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The customer's question.", show_default=False)] = "",
    batch: Annotated[Path | None, typer.Option("--batch", help="JSONL file of {\"id\", \"q\"} lines.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Where --batch writes its JSONL answers.")] = None,
    quote_only: Annotated[bool, typer.Option("--quote-only", help="Answer with quoted evidence, no model.")] = False,
    staff: Annotated[bool, typer.Option(
        "--staff", help="Answer from staff-only documents too (default: public ones, as a customer is).")] = False,
) -> None:
    """Answer a question from the public documents, as a customer is answered, streaming, then list the sources.

    Examples: finchat ask "What does a replacement debit card cost?"
              finchat ask --batch samples/questions.jsonl --out answers.jsonl
    """
    from chatbot.assistant import Answer, Assistant

    if bool(question) == bool(batch):
        err.print("Give either a QUESTION or --batch IN.jsonl --out OUT.jsonl.")
        raise typer.Exit(2)
    settings = load_settings()
    assistant = Assistant.from_settings(settings, store=_labelled(_store(settings)), use_model=not quote_only)
    audiences = ("public", "staff") if staff else ("public",)
    if batch:
        if out is None:
            err.print("--batch needs --out OUT.jsonl")
            raise typer.Exit(2)
        _ask_batch(assistant, batch, out, audiences)
        return
    shown = ""
    for item in assistant.stream(question, audiences=audiences):
        if isinstance(item, Answer):
            answer = item
        else:
            shown += item
            console.print(item, end="", markup=False, highlight=False, soft_wrap=True)
    if answer.text.startswith(shown):  # the citation and date added after the model's words
        console.print(answer.text[len(shown):], markup=False, highlight=False, soft_wrap=True, end="")
    else:
        if shown:
            console.print("\n[answer replaced: it stated something the documents do not]", style="yellow")
        console.print(answer.text, markup=False, highlight=False, soft_wrap=True, end="")
    console.print()
    for c in answer.citations:
        dated = f", effective {c.effective_date}" if c.effective_date else ""
        console.print(f"[{c.n}] {c.label()}{dated}", markup=False, highlight=False)


def _ask_batch(assistant, batch: Path, out: Path, audiences: tuple[str, ...]) -> None:
    from chatbot.batch import answer_all

    items = [json.loads(line) for line in batch.read_text(encoding="utf-8").splitlines() if line.strip()]
    with out.open("w", encoding="utf-8") as f:
        for row, _ in answer_all(assistant, items, audiences):
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    console.print(f"{len(items)} answers written to {out}")


@app.command()
def serve(
    samples: Annotated[Path | None, typer.Option(
        "--samples", help="Documents ingested when the store is empty; default: the bundled samples/.")] = None,
) -> None:
    """Run the web app (customer chat, staff console at /staff, OpenAI-compatible API) and print its URL.

    Example: FINCHAT_STAFF_PASSWORD=... finchat serve
    """
    from finchat.web import claim_port, samples_dir
    from finchat.web import serve as run_server
    from finchat.web.services import Services
    from finchat.web.ui import build_demo

    settings = load_settings()
    sock = claim_port(settings)  # a busy port is reported now, not after the models have loaded
    with _model_checked():
        services = Services.from_settings(settings, samples=samples or samples_dir())
    run_server(build_demo(services), services, sock)
