"""PDF pages to plain text that keeps table rows and page columns intact (pdfplumber, MIT licence).

Engines: glyph boxes and ruling lines come from PDFium (`ingest.pdfium`, a few ms a page) or from
pdfminer's layout objects (`page.layout`, ~0.2 s on a dense page; the reference, and the fallback for a
page PDFium fails on or a file it cannot open). Both give the same boxes, to a fraction of a point, and
all that follows is shared.
Ruling lines go to pdfplumber's table finder as explicit lines, so only pages that draw lines pay for it.
The reading order of the rest (columns, label and amount on one line) is `ingest.layout`'s.
"""

from __future__ import annotations

import gc
import io
import re
from contextlib import contextmanager
from typing import Callable

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTRect
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from ingest import forked
from ingest.document import LoadError, Section
from ingest.layout import Box, Row, line_text, read_order, rows_of
from ingest.ruled import find_tables
from ingest.text import clean_text, render_table

try:
    from ingest import pdfium
except (ImportError, AttributeError):  # a pypdfium2 without the calls it makes: pdfminer reads everything
    pdfium = None

PAGES_PER_TASK = 8  # pages a worker reads at a time; a file of fewer than two tasks is read in this process
_JUNK_TITLES = {"untitled", "untitled document", "(anonymous)", "(unspecified)", "title", "document"}
_CID = re.compile(r"\(cid:\d+\)")  # glyphs whose font has no character map
_SPLIT_WORD = re.compile(r"(?<=[^\W\d_])-\n(?=[a-z])")  # "state-\nment" inside a table cell
# Words start where no letter precedes: without the look-behind, each failed match is tried again from every
# letter of the word (the long filing: 31 and 22 ms a scan, against 5 and 3).
_COMPOUND = re.compile(r"(?<![^\W\d_])[^\W\d_]+(?:-[^\W\d_]+)+")  # "non-sufficient", "up-to-date"
_LINE_END_HYPHEN = re.compile(r"(?<![^\W\d_])([^\W\d_]+)-\n([^\W\d_]+)(\S*)( ?)")  # "trans-\nfer"


def read_pdf(data: bytes, name: str, engine: str = "pdfium", workers: int = 0,
             finish: Callable[[Section], Section] | None = None) -> tuple[str, list[Section], int]:
    """(title, one Section per page with text, page count); LoadError for damaged, locked or scanned PDFs.

    engine "pdfium" reads glyphs and lines with PDFium (`ingest.pdfium`); a page it fails on, or a whole
    file it cannot open, is read by pdfminer, whose errors name the cause (password, damage). A long file's
    pages are shared by `workers` forked processes (pages are read independently; what joins them, the
    title and the de-hyphenation, is done here). There, `finish` (the caller's next steps on a page) runs on
    each page whose text is already final, the ones without a line-end hyphen for the de-hyphenation to
    join, and its result comes back in the page's place; the caller finishes the other pages itself.
    """
    if engine not in ("pdfium", "pdfplumber"):
        raise ValueError(f"unknown PDF engine {engine!r}")
    damaged = _damaged(name)
    if b"%%EOF" not in data[-4096:]:  # the end marker is missing: the file was cut off (failed upload/copy)
        raise damaged
    doc = pdfium.open_document(data) if engine == "pdfium" and pdfium else None
    plumber = None if doc else _open_plumber(data, name, damaged)
    try:
        pages = len(doc) if doc else len(plumber.pages)
        texts = None
        if doc and workers > 1 and pages >= 2 * PAGES_PER_TASK:
            ranges = [(a, min(a + PAGES_PER_TASK, pages)) for a in range(0, pages, PAGES_PER_TASK)]
            parts = forked.map_in_workers(_read_range, ranges, workers, _keep_file, (data, name, finish))
            texts = [t for part in parts for t in part] if parts else None
        if texts is None:
            read, plumber = _read_pages(data, name, doc, plumber, range(pages))
            texts = [(*page, None) for page in read]
        title = _metadata_title(pdfium.title(doc) if doc else plumber.metadata.get("Title"))
    except LoadError:
        raise
    except Exception as exc:
        raise damaged from exc
    finally:
        _close(doc, plumber)
    glyphs = sum(count for _, count, _, _ in texts)
    cids = sum(unmapped for _, _, unmapped, _ in texts)
    sections = [Section(text, page=n) for n, (text, _, _, _) in enumerate(texts, 1)]
    if not glyphs:
        raise LoadError(f"{name}: the PDF has no text layer (scanned image); it needs OCR before it can be ingested")
    if cids and not any(s.text for s in sections):
        raise LoadError(f"{name}: the PDF's text cannot be decoded (its fonts have no character map); "
                        "it needs OCR before it can be ingested")
    _dehyphenate(sections)
    first_line = next((s.text.split("\n", 1)[0] for s in sections if s.text), "")
    sections = [s if done is None else done for s, (*_, done) in zip(sections, texts)]
    return title or first_line[:200], sections, pages


def _read_pages(data: bytes, name: str, doc, plumber, indices: range) -> tuple[list[tuple[str, int, int]], object]:
    """(clean text, glyph count, glyphs without a character map) of each page; pdfminer reads a page PDFium
    fails on (opened then, and returned)."""
    out = []
    with _collector_paused():
        for index in indices:
            text = None
            if doc:
                try:
                    text, count = _page_text(*_pdfium_page(doc, index))
                except Exception:
                    pass  # read this page with pdfminer instead
            if text is None:
                plumber = plumber or _open_plumber(data, name, _damaged(name))
                text, count = _page_text(*_plumber_page(plumber.pages[index]))
            out.append((clean_text(_CID.sub("", text)), count, len(_CID.findall(text))))
    return out, plumber


@contextmanager
def _collector_paused():
    """Reading a page makes ~10^5 small objects (glyphs, words) and frees them all, by their reference counts;
    the cyclic collector's passes over them cost a fifth of reading time on the long filing (1.40 -> 1.12 s)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# In a page worker: the file it reads and the caller's `finish`, inherited at fork (not sent per task).
_file: tuple[bytes, str, Callable[[Section], Section] | None] = (b"", "", None)


def _keep_file(data: bytes, name: str, finish: Callable[[Section], Section] | None) -> None:
    global _file
    _file = (data, name, finish)


def _read_range(start: int, stop: int) -> list[tuple[str, int, int, Section | None]]:
    """In a worker: pages [start, stop) of the file, each with its finished Section where its text is final."""
    data, name, finish = _file
    doc, plumber = pdfium.open_document(data), None
    try:
        texts, plumber = _read_pages(data, name, doc, None, range(start, stop))
    finally:
        _close(doc, plumber)
    return [(text, count, unmapped,
             finish(Section(text, page=page)) if finish and text and "-\n" not in text else None)
            for page, (text, count, unmapped) in enumerate(texts, start + 1)]


def _close(*opened) -> None:
    for document in opened:
        if document is not None:
            document.close()


def _damaged(name: str) -> LoadError:
    return LoadError(f"{name}: the PDF is damaged and cannot be read")


def _open_plumber(data: bytes, name: str, damaged: LoadError) -> pdfplumber.PDF:
    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfplumber wraps pdfminer's errors in PdfminerException
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise LoadError(f"{name}: the PDF is password-protected; remove the password and upload again") from exc
        raise damaged from exc


def _metadata_title(value: object) -> str:
    title = " ".join(value.split()) if isinstance(value, str) else ""
    if title.lower() in _JUNK_TITLES or title.lower().startswith("microsoft word - ") or \
            re.search(r"\.(docx?|pdf|rtf|txt|xlsx?|pptx?|indd|odt)$", title, re.I):
        return ""  # generator defaults and file names say nothing about the content
    return title


def _dehyphenate(sections: list[Section]) -> None:
    """Join "trans-\\nfer" into "transfer" unless the document spells the hyphenated word elsewhere."""
    whole = "\n".join(s.text for s in sections)
    if "-\n" not in whole:
        return
    compounds = {w.lower() for w in _COMPOUND.findall(whole)}

    def join(m: re.Match) -> str:
        head, tail, rest, space = m.groups()
        if not tail[0].islower():
            return m[0]
        word = f"{head}-{tail}" if f"{head}-{tail}".lower() in compounds else head + tail
        return word + rest + ("\n" if space else "")  # the rest of the next line stays on its own line

    for section in sections:
        if "-\n" in section.text:
            section.text = _LINE_END_HYPHEN.sub(join, section.text)


def _pdfium_page(doc, index: int) -> tuple[list[Box], list[str], list, list]:
    page = pdfium.Page(doc, index, Box)
    h_edges, v_edges = [], []
    for pts, rect in page.outlines:
        _edges(pts, rect, h_edges, v_edges)
    return page.glyphs, page.sideways, h_edges, v_edges


def _plumber_page(page) -> tuple[list[Box], list[str], list, list]:
    """Glyphs, sideways glyph texts and ruling-line edges of one page, from pdfminer's layout objects."""
    layout = page.layout
    height = layout.height
    glyphs, sideways, h_edges, v_edges = [], [], [], []
    stack = [layout]
    while stack:
        for obj in stack.pop():
            if isinstance(obj, LTChar):
                a, b = obj.matrix[:2]
                if a > 0 and abs(b) < 1e-3 * a:  # horizontal text (skewed italics included)
                    glyphs.append(Box(obj.get_text(), obj.x0, obj.x1, height - obj.y1, height - obj.y0, obj.size))
                else:
                    sideways.append(obj.get_text())  # rotated stamps, watermarks, vertical labels
            elif isinstance(obj, LTCurve):
                _edges([(x, height - y) for x, y in obj.pts], isinstance(obj, LTRect), h_edges, v_edges)
            elif isinstance(obj, LTContainer):
                stack.append(obj)
    page.close()  # drop the cached layout: thousand-page files must not pile up in memory
    return glyphs, sideways, h_edges, v_edges


def _page_text(glyphs: list[Box], sideways: list[str], h_edges: list, v_edges: list) -> tuple[str, int]:
    """Text of one page and its glyph count (0 means no text layer)."""
    if not glyphs:
        return "".join(sideways), len(sideways)
    rows, prose = _tables(glyphs, h_edges, v_edges)
    rows += rows_of(prose)
    rows.sort(key=lambda r: r.top)
    return "\n".join(read_order(rows)), len(glyphs) + len(sideways)


def _edges(pts: list[tuple[float, float]], rect: bool, h_edges: list, v_edges: list) -> None:
    """Axis-aligned strokes of a line, rectangle or polyline (top-down points), as pdfplumber edge dicts."""
    if rect or len(pts) < 2:
        xs, ys = [x for x, _ in pts], [y for _, y in pts]
        x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
        if x1 - x0 < 2 and bottom - top < 2:
            return
        pts = [(x0, top), (x1, top), (x1, bottom), (x0, bottom), (x0, top)]
    for (ax, ay), (bx, by) in zip(pts, pts[1:]):
        if abs(ay - by) < 1 and abs(ax - bx) >= 3:
            x0, x1, y = min(ax, bx), max(ax, bx), (ay + by) / 2
            h_edges.append({"object_type": "line_edge", "orientation": "h", "x0": x0, "x1": x1,
                            "top": y, "bottom": y, "width": x1 - x0, "height": 0})
        elif abs(ax - bx) < 1 and abs(ay - by) >= 3:
            top, bottom, x = min(ay, by), max(ay, by), (ax + bx) / 2
            v_edges.append({"object_type": "line_edge", "orientation": "v", "x0": x, "x1": x,
                            "top": top, "bottom": bottom, "width": 0, "height": bottom - top})


def _tables(glyphs: list[Box], h_edges: list, v_edges: list) -> tuple[list[Row], list[Box]]:
    """Ruled tables as pseudo-rows of rendered lines, and the glyphs outside them."""
    if len(h_edges) < 2 or len(v_edges) < 2 or len(h_edges) * len(v_edges) > 10**6:
        return [], glyphs  # no grid possible, or a drawing whose cell search would be quadratic
    found = find_tables(h_edges, v_edges)
    grids = [[(row.bbox, row.cells) for row in t.rows] for t in found if len(t.cells) >= 2]  # 1 cell = a box
    if not grids:
        return [], glyphs
    boxes = [(min(b[0] for b, _ in g), min(b[1] for b, _ in g), max(b[2] for b, _ in g), max(b[3] for b, _ in g))
             for g in grids]
    cells: dict[tuple[int, int, int], list[Box]] = {}
    prose = []
    for g in glyphs:
        cx, cy = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
        for t, (x0, top, x1, bottom) in enumerate(boxes):
            if x0 <= cx < x1 and top <= cy < bottom:
                break
        else:
            prose.append(g)
            continue
        for r, (rb, row) in enumerate(grids[t]):
            if rb[1] <= cy < rb[3]:
                for c, cell in enumerate(row):
                    if cell and cell[0] <= cx < cell[2]:
                        cells.setdefault((t, r, c), []).append(g)
                        break
                break
    rows = []
    for t, grid in enumerate(grids):
        table = []
        for r, (_, row) in enumerate(grid):
            texts = [_SPLIT_WORD.sub("", "\n".join(line_text(x.words) for x in rows_of(cells.get((t, r, c), []))))
                     for c in range(len(row))]  # a cell's lines become one line when rendered
            if r == 0:  # a header cell spanning several columns names each of them
                texts = [texts[c - 1] if row[c] is None and c else texts[c] for c in range(len(row))]
            table.append(texts)
        x0, top, x1, bottom = boxes[t]
        rows.append(Row([], top, bottom, x0, x1, 0, render_table(table)))
    return rows, prose
