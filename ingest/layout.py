"""Reading order of a PDF page's glyphs: words, rows, page columns, and a fee's label kept with its amount.

Glyphs become words and rows; rows are split into "segments" at gaps wider than about one em. A page-column
gutter is the widest vertical strip in the middle half of the text that the fewest segments cross. Runs of rows
that do not cross it, with wide text on both sides, are read left column then right column; everything else is
read row by row, so a fee's label and amount share a line. Both PDF engines (`ingest.pdf`) feed it the same
boxes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter

from ingest.text import render_row

_LEADER = re.compile(r"(.*?)[.·…_]{4,}(.*)")  # dot leaders between a label and its amount
_TOP, _BOTTOM, _X0, _X1, _SIZE = (attrgetter(a) for a in ("top", "bottom", "x0", "x1", "size"))


@dataclass(slots=True)
class Box:
    """A glyph, word or row: text plus its box in points, top-down."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass(slots=True)
class Row:
    words: list[Box]
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    table: list[str] | None = None  # rendered rows when this "row" is a whole ruled table


def rows_of(glyphs: list[Box]) -> list[Row]:
    """Glyphs to rows of words: same top (3 pt tolerance, as pdfplumber), split at spaces and gaps."""
    rows: list[Row] = []
    ordered = sorted(glyphs, key=_TOP)
    start, n = 0, len(ordered)
    while start < n:
        first, end = ordered[start].top, start + 1
        while end < n and ordered[end].top - first <= 3:
            end += 1
        if words := _words(sorted(ordered[start:end], key=_X0)):
            rows.append(_row(words))
        start = end
    return rows


def _words(line: list[Box]) -> list[Box]:
    """One line's glyphs, left to right, joined into words: a space or a gap wider than 0.15 em ends one.
    A word's box grows in locals and is made once (the hottest loop of a page's layout)."""
    words: list[Box] = []
    last = None  # the last glyph kept; None after a space
    text = None  # the word being built: text, x0, x1, top, bottom, size
    for c in line:
        t = c.text
        if not t.strip():
            last = None
            continue
        if last is not None:
            if t == last.text and abs(c.x0 - last.x0) < 1:
                continue  # the same glyph printed twice, for a fake bold
            if c.x0 - x1 <= 0.15 * c.size:
                text += t
                if c.x1 > x1:
                    x1 = c.x1
                if c.top < top:
                    top = c.top
                if c.bottom > bottom:
                    bottom = c.bottom
                last = c
                continue
        if text is not None:
            words.append(Box(text, x0, x1, top, bottom, size))
        text, x0, x1, top, bottom, size = t, c.x0, c.x1, c.top, c.bottom, c.size
        last = c
    if text is not None:
        words.append(Box(text, x0, x1, top, bottom, size))
    return words


def _row(words: list[Box]) -> Row:
    return Row(words, min(map(_TOP, words)), max(map(_BOTTOM, words)), words[0].x0, max(map(_X1, words)),
                max(map(_SIZE, words)))


def _segments(row: Row) -> list[tuple[float, float]]:
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


def _gutter(rows: list[Row]) -> tuple[float, float] | None:
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


def _crosses(row: Row, gutter: tuple[float, float]) -> bool:
    return any(a < gutter[1] - 0.5 and b > gutter[0] + 0.5 for a, b in _segments(row))


def read_order(rows: list[Row]) -> list[str]:
    """Lines in reading order: bands of two-column rows left column first, all else row by row."""
    gutter = _gutter(rows)
    if gutter is None:
        return _lines(rows)
    width = max(r.x1 for r in rows) - min(r.x0 for r in rows)
    out: list[str] = []
    pending: list[Row] = []  # rows read one by one, kept together so paragraph gaps are measured across them
    for crossing, group in groupby(rows, key=lambda r: _crosses(r, gutter)):
        band = list(group)
        if not crossing and (columns := _columns(band, gutter, width)):
            left, right, tail = columns
            out += [*_lines(pending, gutter), "", *_lines(left), "", *_lines(right), ""]
            pending = tail
        else:
            pending += band  # e.g. an unruled price list: label and amount stay on one line
    return out + _lines(pending, gutter)


def _columns(band: list[Row], gutter: tuple[float, float], width: float):
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


def _side(row: Row, keep) -> Row | None:
    if row.table is not None:
        return row if keep(row.x0, row.x1) else None
    words = [w for w in row.words if keep(w.x0, w.x1)]
    return _row(words) if words else None


def _lines(rows: list[Row], gutter: tuple[float, float] | None = None) -> list[str]:
    """Rows as lines, with a blank line where the vertical gap says a new paragraph starts."""
    out, prev = [], None
    for row in rows:
        if row.table is not None:
            out += ["", *row.table, ""]
            prev = None
            continue
        if prev is not None and row.top - prev.bottom > 0.6 * prev.size:
            out.append("")
        out.append(line_text(row.words, gutter))
        prev = row
    return out


def line_text(words: list[Box], gutter: tuple[float, float] | None = None) -> str:
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
