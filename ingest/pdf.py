"""PDF pages to plain text that keeps table rows and page columns intact (pdfplumber, MIT licence).

Engines: glyph boxes and ruling lines come from PDFium (`ingest.pdfium`, a few ms a page) or from
pdfminer's layout objects (`page.layout`, ~0.2 s on a dense page; the reference, and the fallback for a
page PDFium fails on or a file it cannot open). Both give the same boxes, to a fraction of a point, and
all that follows is shared.
Ruling lines go to pdfplumber's table finder as explicit lines, so only pages that draw lines pay for it.

Reading order: glyphs become words and rows; rows are split into "segments" at gaps wider than about
one em. A page-column gutter is the widest vertical strip in the middle half of the text that the fewest
segments cross. Runs of rows that do not cross it, with wide text on both sides, are read left column
then right column; everything else is read row by row, so a fee's label and amount share a line.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTRect
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from ingest import forked
from ingest.document import LoadError, Section
from ingest.ruled import find_tables
from ingest.text import clean_text, render_row, render_table

try:
    from ingest import pdfium
except (ImportError, AttributeError):  # a pypdfium2 without the calls it makes: pdfminer reads everything
    pdfium = None

PAGES_PER_TASK = 8  # pages a worker reads at a time; a file of fewer than two tasks is read in this process
_JUNK_TITLES = {"untitled", "untitled document", "(anonymous)", "(unspecified)", "title", "document"}
_CID = re.compile(r"\(cid:\d+\)")  # glyphs whose font has no character map
_SPLIT_WORD = re.compile(r"(?<=[^\W\d_])-\n(?=[a-z])")  # "state-\nment" inside a table cell
_LEADER = re.compile(r"(.*?)[.·…_]{4,}(.*)")  # dot leaders between a label and its amount
_TOP, _BOTTOM, _X0, _X1, _SIZE = (attrgetter(a) for a in ("top", "bottom", "x0", "x1", "size"))


@dataclass(slots=True)
class _Box:
    """A glyph, word or row: text plus its box in points, top-down."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass(slots=True)
class _Row:
    words: list[_Box]
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    table: list[str] | None = None  # rendered rows when this "row" is a whole ruled table


def read_pdf(data: bytes, name: str, engine: str = "pdfium", workers: int = 0) -> tuple[str, list[Section], int]:
    """(title, one Section per page with text, page count); LoadError for damaged, locked or scanned PDFs.

    engine "pdfium" reads glyphs and lines with PDFium (`ingest.pdfium`); a page it fails on, or a whole
    file it cannot open, is read by pdfminer, whose errors name the cause (password, damage). A long file's
    pages are shared by `workers` forked processes (pages are read independently; what joins them, the
    title and the de-hyphenation, is done here).
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
            ranges = [(data, name, a, min(a + PAGES_PER_TASK, pages)) for a in range(0, pages, PAGES_PER_TASK)]
            parts = forked.map_in_workers(_read_range, ranges, workers)
            texts = [t for part in parts for t in part] if parts else None
        if texts is None:
            texts, plumber = _read_pages(data, name, doc, plumber, range(pages))
        title = _metadata_title(pdfium.title(doc) if doc else plumber.metadata.get("Title"))
    except LoadError:
        raise
    except Exception as exc:
        raise damaged from exc
    finally:
        for opened in (doc, plumber):
            if opened is not None:
                opened.close()
    glyphs = sum(count for _, count in texts)
    cids = sum(len(_CID.findall(text)) for text, _ in texts)
    sections = [Section(clean_text(_CID.sub("", text)), page=n) for n, (text, _) in enumerate(texts, 1)]
    if not glyphs:
        raise LoadError(f"{name}: the PDF has no text layer (scanned image); it needs OCR before it can be ingested")
    if cids and not any(s.text for s in sections):
        raise LoadError(f"{name}: the PDF's text cannot be decoded (its fonts have no character map); "
                        "it needs OCR before it can be ingested")
    _dehyphenate(sections)
    first_line = next((s.text.split("\n", 1)[0] for s in sections if s.text), "")
    return title or first_line[:200], sections, pages


def _read_pages(data: bytes, name: str, doc, plumber, indices: range) -> tuple[list[tuple[str, int]], object]:
    """(text, glyph count) of each page; pdfminer reads a page PDFium fails on (opened then, and returned)."""
    out = []
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
        out.append((text, count))
    return out, plumber


def _read_range(data: bytes, name: str, start: int, stop: int) -> list[tuple[str, int]]:
    """In a worker: pages [start, stop) of the file."""
    doc = pdfium.open_document(data)
    plumber = None
    try:
        texts, plumber = _read_pages(data, name, doc, None, range(start, stop))
        return texts
    finally:
        for opened in (doc, plumber):
            if opened is not None:
                opened.close()


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
    compounds = {w.lower() for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)+", whole)}

    def join(m: re.Match) -> str:
        head, tail, rest, space = m.groups()
        if not tail[0].islower():
            return m[0]
        word = f"{head}-{tail}" if f"{head}-{tail}".lower() in compounds else head + tail
        return word + rest + ("\n" if space else "")  # the rest of the next line stays on its own line

    for section in sections:
        section.text = re.sub(r"([^\W\d_]+)-\n([^\W\d_]+)(\S*)( ?)", join, section.text)


def _pdfium_page(doc, index: int) -> tuple[list[_Box], list[str], list, list]:
    page = pdfium.Page(doc, index, _Box)
    h_edges, v_edges = [], []
    for pts, rect in page.outlines:
        _edges(pts, rect, h_edges, v_edges)
    return page.glyphs, page.sideways, h_edges, v_edges


def _plumber_page(page) -> tuple[list[_Box], list[str], list, list]:
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
                    glyphs.append(_Box(obj.get_text(), obj.x0, obj.x1, height - obj.y1, height - obj.y0, obj.size))
                else:
                    sideways.append(obj.get_text())  # rotated stamps, watermarks, vertical labels
            elif isinstance(obj, LTCurve):
                _edges([(x, height - y) for x, y in obj.pts], isinstance(obj, LTRect), h_edges, v_edges)
            elif isinstance(obj, LTContainer):
                stack.append(obj)
    page.close()  # drop the cached layout: thousand-page files must not pile up in memory
    return glyphs, sideways, h_edges, v_edges


def _page_text(glyphs: list[_Box], sideways: list[str], h_edges: list, v_edges: list) -> tuple[str, int]:
    """Text of one page and its glyph count (0 means no text layer)."""
    if not glyphs:
        return "".join(sideways), len(sideways)
    rows, prose = _tables(glyphs, h_edges, v_edges)
    rows += _rows(prose)
    rows.sort(key=lambda r: r.top)
    return "\n".join(_read_order(rows)), len(glyphs) + len(sideways)


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


def _tables(glyphs: list[_Box], h_edges: list, v_edges: list) -> tuple[list[_Row], list[_Box]]:
    """Ruled tables as pseudo-rows of rendered lines, and the glyphs outside them."""
    if len(h_edges) < 2 or len(v_edges) < 2 or len(h_edges) * len(v_edges) > 10**6:
        return [], glyphs  # no grid possible, or a drawing whose cell search would be quadratic
    found = find_tables(h_edges, v_edges)
    grids = [[(row.bbox, row.cells) for row in t.rows] for t in found if len(t.cells) >= 2]  # 1 cell = a box
    if not grids:
        return [], glyphs
    boxes = [(min(b[0] for b, _ in g), min(b[1] for b, _ in g), max(b[2] for b, _ in g), max(b[3] for b, _ in g))
             for g in grids]
    cells: dict[tuple[int, int, int], list[_Box]] = {}
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
            texts = [_SPLIT_WORD.sub("", "\n".join(_line(x.words) for x in _rows(cells.get((t, r, c), []))))
                     for c in range(len(row))]  # a cell's lines become one line when rendered
            if r == 0:  # a header cell spanning several columns names each of them
                texts = [texts[c - 1] if row[c] is None and c else texts[c] for c in range(len(row))]
            table.append(texts)
        x0, top, x1, bottom = boxes[t]
        rows.append(_Row([], top, bottom, x0, x1, 0, render_table(table)))
    return rows, prose


def _rows(glyphs: list[_Box]) -> list[_Row]:
    """Glyphs to rows of words: same top (3 pt tolerance, as pdfplumber), split at spaces and gaps."""
    rows: list[_Row] = []
    line: list[_Box] = []
    for g in sorted(glyphs, key=_TOP) + [None]:
        if line and (g is None or g.top - line[0].top > 3):
            words, last = [], None
            for c in sorted(line, key=_X0):
                if not c.text.strip():
                    last = None
                    continue
                if last is not None and c.text == last.text and abs(c.x0 - last.x0) < 1:
                    continue  # the same glyph printed twice, for a fake bold
                if last is not None and c.x0 - words[-1].x1 <= 0.15 * c.size:
                    w = words[-1]
                    w.text += c.text
                    w.x1, w.top, w.bottom = max(w.x1, c.x1), min(w.top, c.top), max(w.bottom, c.bottom)
                else:
                    words.append(_Box(c.text, c.x0, c.x1, c.top, c.bottom, c.size))
                last = c
            if words:
                rows.append(_row(words))
            line = []
        if g is not None:
            line.append(g)
    return rows


def _row(words: list[_Box]) -> _Row:
    return _Row(words, min(map(_TOP, words)), max(map(_BOTTOM, words)), words[0].x0, max(map(_X1, words)),
                max(map(_SIZE, words)))


def _segments(row: _Row) -> list[tuple[float, float]]:
    """Stretches of a row with no gap wider than ~one em: a justified line stays one segment."""
    if row.table is not None:
        return [(row.x0, row.x1)]
    spans = [[row.words[0].x0, row.words[0].x1]]
    for w in row.words[1:]:
        if w.x0 - spans[-1][1] < 0.9 * w.size:
            spans[-1][1] = max(spans[-1][1], w.x1)
        else:
            spans.append([w.x0, w.x1])
    return [(a, b) for a, b in spans]


def _gutter(rows: list[_Row]) -> tuple[float, float] | None:
    """The widest strip in the middle half of the text crossed by the fewest segments, if wide enough."""
    text_rows = [r for r in rows if r.table is None]
    if len(text_rows) < 2:
        return None
    left, right = min(r.x0 for r in rows), max(r.x1 for r in rows)
    lo, hi = left + 0.25 * (right - left), left + 0.75 * (right - left)
    bins = int(hi - lo) + 1
    if bins < 20:
        return None
    diff = [0] * (bins + 1)
    for row in rows:
        for a, b in _segments(row):
            i, j = max(0, int(a - lo) + 1), min(bins - 1, int(b - lo))
            if i <= j:
                diff[i] += 1
                diff[j + 1] -= 1
    cover, running = [], 0
    for d in diff[:bins]:
        running += d
        cover.append(running)
    least = min(cover)
    best, start = None, None
    for i, c in enumerate(cover + [least + 1]):
        if c == least and start is None:
            start = i
        elif c != least and start is not None:
            run = (i - start, -abs(start + i - bins))  # widest, then nearest the centre
            if best is None or run > best[0]:
                best = (run, start, i - 1)
            start = None
    sizes = sorted(r.size for r in text_rows)
    if best is None or best[0][0] < 0.9 * sizes[len(sizes) // 2]:
        return None
    return lo + best[1], lo + best[2]


def _crosses(row: _Row, gutter: tuple[float, float]) -> bool:
    return any(a < gutter[1] - 0.5 and b > gutter[0] + 0.5 for a, b in _segments(row))


def _read_order(rows: list[_Row]) -> list[str]:
    """Lines in reading order: bands of two-column rows left column first, all else row by row."""
    gutter = _gutter(rows)
    if gutter is None:
        return _lines(rows)
    width = max(r.x1 for r in rows) - min(r.x0 for r in rows)
    out: list[str] = []
    pending: list[_Row] = []  # rows read one by one, kept together so paragraph gaps are measured across them
    for crossing, group in groupby(rows, key=lambda r: _crosses(r, gutter)):
        band = list(group)
        if not crossing and (columns := _columns(band, gutter, width)):
            left, right, tail = columns
            out += [*_lines(pending, gutter), "", *_lines(left), "", *_lines(right), ""]
            pending = tail
        else:
            pending += band  # e.g. an unruled price list: label and amount stay on one line
    return out + _lines(pending, gutter)


def _columns(band: list[_Row], gutter: tuple[float, float], width: float):
    """(left rows, right rows, trailing rows) if the band is two columns of text, else None.
    Up to three rows after a wide vertical gap at the bottom are a page footer, not column text."""
    left = [r for r in (_side(r, lambda x0, x1: x1 <= gutter[0] + 0.5) for r in band) if r]
    right = [r for r in (_side(r, lambda x0, x1: x0 >= gutter[1] - 0.5) for r in band) if r]
    if not all(len(side) >= 2 and max(r.x1 for r in side) - min(r.x0 for r in side) >= 0.25 * width
               for side in (left, right)):
        return None
    for i in range(len(band) - 1, max(len(band) - 4, 1), -1):
        if band[i].top - band[i - 1].bottom > 2.5 * band[i - 1].size:
            body = _columns(band[:i], gutter, width)
            return (body[0], body[1], body[2] + band[i:]) if body else None
    return left, right, []


def _side(row: _Row, keep) -> _Row | None:
    if row.table is not None:
        return row if keep(row.x0, row.x1) else None
    words = [w for w in row.words if keep(w.x0, w.x1)]
    return _row(words) if words else None


def _lines(rows: list[_Row], gutter: tuple[float, float] | None = None) -> list[str]:
    """Rows as lines, with a blank line where the vertical gap says a new paragraph starts."""
    out, prev = [], None
    for row in rows:
        if row.table is not None:
            out += ["", *row.table, ""]
            prev = None
            continue
        if prev is not None and row.top - prev.bottom > 0.6 * prev.size:
            out.append("")
        out.append(_line(row.words, gutter))
        prev = row
    return out


def _line(words: list[_Box], gutter: tuple[float, float] | None = None) -> str:
    """Words of one row; wide gaps, dot leaders and the gutter separate cells ("Label: value")."""
    cells: list[list[str]] = [[]]
    prev = None
    for w in words:
        wide = prev is not None and w.x0 - prev.x1 > 1.5 * w.size
        at_gutter = gutter is not None and prev is not None and prev.x1 <= gutter[0] + 0.5 <= gutter[1] - 0.5 <= w.x0
        if wide or at_gutter:
            cells.append([])
        text = w.text
        if m := _LEADER.fullmatch(text):
            cells[-1].append(m[1])
            cells.append([m[2]])
        else:
            cells[-1].append(text)
        prev = w
    parts = [" ".join(t for t in cell if t) for cell in cells]
    parts = [p for p in parts if p]
    if len(parts) == 2 and (parts[0][-1] in ".!?;," or ": " in parts[0] or parts[0].count(" ") >= 10):
        return " | ".join(parts)  # two statements side by side, not a label and its value
    return render_row(parts)
