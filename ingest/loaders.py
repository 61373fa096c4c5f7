"""Read PDF, DOCX, HTML, Markdown, TXT and CSV files into sections of plain text.

Contract used by the splitter and the pipeline (do not change without updating them):
- `load(path, max_bytes, pdf_engine="pdfium")` returns a `Document` or raises `LoadError` whose message names
  the file and the cause.
- Every table row is rendered as ONE line, cells joined by " | " (two-column rows as "Label: value"),
  so the splitter can keep rows whole and a fee's label and amount stay together.

The bytes, not the extension, decide how a file is read. A .pdf or .docx must really be one, otherwise the
error says what the content looks like (staff often rename files or save a portal's HTML error page).
HTML, Markdown and plain text are all text, so within that family we read by content where it is safe:
a .txt/.md that is a whole HTML page (starts with <!doctype html>, <html>, <body>...) is read as HTML;
a .html is always parsed as HTML (plain text survives that); a .csv that is HTML is refused, because it
is almost always a download that went wrong and its rows would be garbage.

Layout: the contract types are in `ingest/document.py` (re-exported here); text decoding, clean-up and
table-row rendering shared by every reader in `ingest/text.py`; the readers in `ingest/pdf.py`,
`ingest/docx_reader.py` and `ingest/markup.py` (HTML, Markdown). TXT and CSV are short and stay here.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Callable

from ingest.document import Document, LoadError, Section
from ingest.docx_reader import read_docx
from ingest.markup import read_html, read_markdown
from ingest.records import rebuild, text_sections
from ingest.text import clean_text, decode_text, render_row

__all__ = ["KINDS", "Document", "LoadError", "Section", "load"]

KINDS = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".md": "md", ".markdown": "md",
         ".txt": "txt", ".csv": "csv"}
_WHAT = {"pdf": "a PDF", "docx": "a Word (.docx) document", "html": "an HTML page", "md": "a Markdown file",
         "txt": "a plain-text file", "csv": "a CSV file"}
# What each extension may contain, as sniffed (see the module docstring).
_ACCEPTS = {"pdf": {"pdf"}, "docx": {"docx"}, "html": {"html", "text"}, "md": {"html", "text"},
            "txt": {"html", "text"}, "csv": {"text"}}
# What foreign content looks like, for "the file is not a PDF (its content looks like ...)".
_LOOKS = {"pdf": "a PDF", "docx": "a Word document", "html": "HTML", "xlsx": "an Excel spreadsheet",
          "pptx": "a PowerPoint presentation", "odf": "an OpenDocument file", "zip": "a ZIP archive",
          "ole": "an old-format Office file (.doc/.xls) or a password-protected Office file",
          "rtf": "an RTF document", "image": "an image", "exe": "a program", "gzip": "a compressed archive",
          "text": "plain text", "binary": "unrecognised binary data"}
_HINTS = {".doc": " (save it as .docx)", ".xls": " (export it as .csv)", ".xlsx": " (export it as .csv)",
          ".rtf": " (save it as .docx)"}
_MAGIC = [(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"), (b"{\\rtf", "rtf"),
          (b"\x89PNG", "image"), (b"\xff\xd8\xff", "image"), (b"GIF8", "image"), (b"II*\x00", "image"),
          (b"MM\x00*", "image"), (b"MZ", "exe"), (b"\x7fELF", "exe"), (b"\x1f\x8b", "gzip")]
_HTML_START = re.compile(r"\s*(?:<\?xml[^>]*>\s*|<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]", re.I | re.S)


def load(path: Path, max_bytes: int, pdf_engine: str = "pdfium", read_workers: int = 0,
         finish: Callable[[Section], Section] | None = None) -> Document:
    """Read one uploaded file; raise LoadError with a message staff can act on.

    `pdf_engine` is settings.ingest.pdf_engine: where PDF glyphs come from (`ingest.pdf.read_pdf`);
    `read_workers` processes share a long PDF's pages, and run the caller's `finish` on the pages they can
    (a finished section has `found` set; the caller finishes the others)."""
    path = Path(path)
    name = path.name
    if not path.exists():
        raise LoadError(f"{name}: the file does not exist (it may have been moved or deleted)")
    if path.is_dir():
        raise LoadError(f"{name}: this is a folder, not a file")
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        ext = path.suffix.lower() or "(no extension)"
        raise LoadError(f"{name}: files of type {ext} are not supported{_HINTS.get(ext, '')}; "
                        f"supported types are {', '.join(KINDS)}")
    size = path.stat().st_size
    if size > max_bytes:
        big, limit = _mb(size, max_bytes)
        raise LoadError(f"{name}: the file is too large: {big}, the upload limit is {limit}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{name}: the file cannot be opened ({exc.strerror or exc})") from exc
    if not data.strip():
        raise LoadError(f"{name}: the file is empty")
    found = _sniff(data)
    if kind == "docx" and found == "broken-zip":
        raise LoadError(f"{name}: the Word document is damaged and cannot be read")
    if found not in _ACCEPTS[kind]:
        raise LoadError(f"{name}: the file is not {_WHAT[kind]} (its content looks like {_looks(found, data)})")
    if found == "html":
        kind = "html"  # a web page saved as .txt or .md

    if kind == "pdf":
        from ingest.pdf import read_pdf  # imported here: pdfplumber is slow to import and only PDFs need it

        title, sections, pages = read_pdf(data, name, pdf_engine, read_workers,
                                          (lambda s: finish(rebuild(s))) if finish else None)
        doc = Document(name, kind, title or path.stem,
                       [rebuild(s) if s.found is None else s for s in sections], pages)
    else:
        doc = _READERS[kind](data, name, path.stem)
    doc.sections = [s for s in doc.sections if s.text]
    if not doc.sections:
        raise LoadError(f"{name}: no text found")
    return doc


def _mb(size: int, limit: int) -> tuple[str, str]:
    """Both sizes in MB, with enough decimals that they differ; in bytes too when the limit is tiny."""
    for digits in (1, 2, 3):
        big, cap = f"{size / 2**20:.{digits}f} MB", f"{limit / 2**20:.{digits}f} MB"
        if big != cap and float(cap[:-3]) > 0:
            return big, cap
    return f"{big} ({size:,} bytes)", f"{cap} ({limit:,} bytes)"


def _sniff(data: bytes) -> str:
    """The real type of the bytes: a key of _LOOKS, "broken-zip", or "text" when nothing else matches."""
    head = data[:1024]
    if re.search(rb"%PDF-\d", head):  # readers accept junk before the header, so look past the start
        return "pdf"
    for magic, kind in _MAGIC:
        if head.startswith(magic) and (kind != "exe" or b"\x00" in head[:64]):  # "MZ..." may be text
            return kind
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError):
            return "broken-zip"
        for member, kind in (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"),
                             ("ppt/presentation.xml", "pptx"), ("mimetype", "odf")):
            if member in names:
                return kind
        return "zip"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        start = head.decode("utf-16", "ignore")
    else:
        start = head.decode("latin-1").removeprefix("\xef\xbb\xbf")
    return "html" if _HTML_START.match(start) else "text"


def _looks(found: str, data: bytes) -> str:
    if found == "text" and b"\x00" in data[:4096]:
        found = "binary"
    return _LOOKS.get(found, "a damaged ZIP or Office file")


# --- TXT and CSV ------------------------------------------------------------------------------------------


def _read_txt(data: bytes, name: str, stem: str) -> Document:
    """Headings, space-aligned tables and bullets rebuilt from the layout (`ingest.records`)."""
    return Document(name, "txt", stem, text_sections(decode_text(data, name)))


def _read_csv(data: bytes, name: str, stem: str) -> Document:
    """Each data row becomes "Header: value | Header: value", so a row still makes sense on its own."""
    text = decode_text(data, name)
    try:
        dialect = csv.Sniffer().sniff(text[:65536], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise LoadError(f"{name}: the CSV is malformed and cannot be read ({exc})") from exc
    if len(rows) < 2:
        raise LoadError(f"{name}: the CSV has a header but no rows")
    lines = [render_row(row, rows[0]) for row in rows[1:]]
    return Document(name, "csv", stem, [Section(clean_text("\n".join(lines)))])


_READERS = {"docx": read_docx, "html": read_html, "md": read_markdown, "txt": _read_txt, "csv": _read_csv}
