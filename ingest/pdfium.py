"""Glyph boxes and ruling lines of PDF pages from PDFium (pypdfium2, BSD/Apache licences).

Why: pdfminer's layout parse, in Python, costs ~0.2-0.5 s on a dense page; PDFium parses a page in a
few milliseconds. We rebuild the objects `ingest.pdf` reads from pdfminer, so one layout logic serves
both engines and their texts agree:
- a glyph's horizontal extent is PDFium's loose box; its vertical one is pdfminer's: from the baseline,
  the font's descent to one font size above it (the loose box spans ascent to descent instead), with
  the Adobe metrics' descent for the standard 14 fonts, as pdfminer takes them;
- PDFium's text page leaves out text objects without ink (it places "generated" spaces by guesswork
  instead) and objects it takes for copies of one of the five before; pdfminer keeps both, so we do;
- painted paths become pdfminer's lines, rectangles and curves, one per subpath;
- coordinates are pdfminer's: the MediaBox origin moved to 0, /Rotate applied, then top-down;
- a page PDFium cannot give that way raises `Unreadable`, and pdfminer reads it.
What is left: PDFium keeps /W widths as integers and its loose box takes in ink beyond the advance
(an "f"'s hook), so boxes can differ from pdfminer's by a fraction of a point.
PDFium's per-char and per-object calls run in compiled loops (`ingest.pdfium_scan`); here, NumPy turns
their numbers into boxes. Glyphs of one run (same box heights) share one baseline lookup.
"""

from __future__ import annotations

import ctypes
from ctypes import byref, c_float, c_int, c_size_t, c_uint, c_void_p

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as raw
from pdfminer.fontmetrics import FONT_METRICS

from ingest import pdfium_scan as scan


def _fn(func, restype, *argtypes):
    return ctypes.cast(func, ctypes.CFUNCTYPE(restype, *argtypes))


def _address(handle) -> int:
    return ctypes.cast(handle, c_void_p).value


# Calls made once a font, or a page with a broken text view; the hot ones are in ingest.pdfium_scan.
_unicode = _fn(raw.FPDFText_GetUnicode, c_uint, c_void_p, c_int)
_font_descent = _fn(raw.FPDFFont_GetDescent, c_int, c_void_p, c_float, ctypes.POINTER(c_float))
_font_name = _fn(raw.FPDFFont_GetBaseFontName, c_size_t, c_void_p, c_void_p, c_size_t)

_AFM_DESCENT = {name: metrics[0].get("Descent", 0) / 1000 for name, metrics in FONT_METRICS.items()}
_MOVE, _BEZIER = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_BEZIERTO
_NO_INK = 0.01  # PDFium's kSizeEpsilon: its text page drops text objects narrower than this
_HYPHEN = {0xFFFE: "-", 0x02: "-"}  # PDFium's marks for a hyphen that ends a line (in its text, in its char list)


class Unreadable(Exception):
    """A page whose text PDFium cannot give as pdfminer does, so pdfminer reads it: a glyph without
    Unicode (pdfminer falls back on the standard encoding, PDFium on the char code), or more text objects
    without ink than glyphs (an OCR layer in a font without outlines: PDFium leaves its text out)."""


def open_document(data: bytes) -> pdfium.PdfDocument | None:
    """The document, or None when PDFium cannot open it (locked, damaged): pdfminer then reads it all."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return None


def title(doc: pdfium.PdfDocument) -> str:
    try:
        return doc.get_metadata_value("Title")
    except pdfium.PdfiumError:
        return ""


class Page:
    """One page: glyphs as `box(text, x0, x1, top, bottom, size)` (top-down points), the texts of sideways
    glyphs, and path outlines (top-down points, and whether pdfminer would call the outline a rectangle)."""

    def __init__(self, doc: pdfium.PdfDocument, index: int, box):
        self.box = box
        self.glyphs: list = []
        self.sideways: list[str] = []
        self.outlines: list[tuple[list[tuple[float, float]], bool]] = []
        self._fonts: dict[int, float] = {}
        self._by_object: dict[int, list] | None = None  # text object -> its glyphs and sideways texts, when needed
        self._spaces = 0  # text objects without ink, taken for spaces
        page = doc[index]
        try:
            self.matrix = _page_matrix(page)
            text_page = page.get_textpage()
            try:
                self._glyphs(text_page)
                self._objects(_address(page.raw))
                if 2 * self._spaces > len(self.glyphs) + len(self.sideways):
                    raise Unreadable(f"{self._spaces} of {len(self.glyphs)} glyphs are text objects without ink")
            finally:
                text_page.close()
        finally:
            page.close()

    def _glyphs(self, text_page: pdfium.PdfTextPage) -> None:
        handle = _address(text_page.raw)
        count = text_page.count_chars()
        text = text_page.get_text_range(0, count) if count else ""
        if len(text) != count:  # PDFium's text view skips or adds a char here: read char by char
            text = "".join(chr(_unicode(handle, i)) for i in range(count))
        text = text.translate(_HYPHEN)
        a, b, c, d, e, _ = self.matrix
        kind, x0, x1, run, obj, runs, fonts, n_runs, missing = scan.chars(handle, count, a, b, c, d, e)
        if missing >= 0:
            raise Unreadable(f"char {missing} has no Unicode")
        top, bottom, size = self._boxes(self.matrix, runs[:n_runs, :4], runs[:n_runs, 4], runs[:n_runs, 5],
                                        runs[:n_runs, 6], fonts[:n_runs])
        glyph = np.flatnonzero(kind == scan.GLYPH)
        at = run[glyph]
        self.glyphs = list(map(self.box, [text[i] for i in glyph.tolist()], x0[glyph].tolist(), x1[glyph].tolist(),
                               top[at].tolist(), bottom[at].tolist(), size[at].tolist()))
        more = np.flatnonzero(kind == scan.MORE)
        for g, i in zip((np.searchsorted(glyph, more) - 1).tolist(), more.tolist()):
            self.glyphs[g].text += text[i]  # one glyph, several chars: a ligature ("ffi") or a multi-char mapping
        self._text, self._kind, self._obj = text, kind, obj
        self._placed = (kind == scan.GLYPH) | (kind == scan.SIDEWAYS)  # chars that are a glyph or a sideways text
        self._turned = bool((kind == scan.SIDEWAYS).any())

    def _objects_map(self) -> dict[int, list]:
        """Text object -> the glyphs (and sideways texts) of its chars, in their order: made when needed."""
        if self._by_object is None:
            self._by_object = {}
            glyphs = iter(self.glyphs)
            for i in np.flatnonzero(self._placed).tolist():
                slot = next(glyphs) if self._kind[i] == scan.GLYPH else self._text[i]
                self._by_object.setdefault(int(self._obj[i]), []).append(slot)
        return self._by_object

    def _boxes(self, matrix: tuple, m: np.ndarray, x, y, font_size, fonts) -> tuple:
        """(top, bottom, size) arrays of glyphs with char matrices m (columns a, b, c, d) and origins (x, y)
        under `matrix`, as pdfminer computes them; size NaN where a glyph is not upright."""
        a, b, c, d, e, f = matrix
        m = m.astype(np.float64)
        ma, mb = m[:, 0] * a + m[:, 1] * c, m[:, 0] * b + m[:, 1] * d  # the char's matrix, top-down
        md = -(m[:, 2] * b + m[:, 3] * d)
        unique, which = np.unique(fonts, return_inverse=True)
        descent = np.array([self._descent(font) for font in unique.tolist()], np.float64)[which]
        base = b * x + d * y + f - md * descent * font_size  # baseline + descent, top-down
        far = base - md * font_size
        upright = (ma > 0) & (np.abs(mb) < 1e-3 * ma)  # pdfminer's test for horizontal text
        return np.minimum(base, far), np.maximum(base, far), np.where(upright, np.abs(md * font_size), np.nan)

    def _descent(self, font: int) -> float:
        if font not in self._fonts:
            descent = _AFM_DESCENT.get(_base_font(font))
            if descent is None:  # pdfminer takes the font descriptor's /Descent (made negative), as PDFium
                value = c_float()
                descent = -abs(value.value) if _font_descent(font, 1.0, byref(value)) else 0.0
            self._fonts[font] = descent
        return self._fonts[font]

    def _objects(self, page: int) -> None:
        """Painted paths, sideways texts in content order and the text objects PDFium's text page left
        out. Forms are walked after the objects around them, with pdfminer's stack of containers."""
        mapped = np.unique(self._obj[self._placed])
        stack = [(page, False, self.matrix)]  # matrix: holder's space to top-down
        while stack:
            parent, is_form, matrix = stack.pop()
            handles, kinds, bounds, m, sizes, fonts, ok = scan.objects(parent, is_form)
            m, bounds = m.astype(np.float64), bounds.astype(np.float64)
            text = kinds == scan.TEXT
            known = text & np.isin(handles, mapped)
            no_ink = text & ~known & (bounds[:, 3] - bounds[:, 1] < _NO_INK)  # PDFium left these out
            inked = text & ~known & ~no_ink  # ... and these, if they copy one of the five before
            forms, painted = kinds == scan.FORM, (kinds == scan.PATH) & (ok == 1)
            self._paths(handles[painted], m[painted], matrix)
            spaces = self._space_boxes(no_ink & (ok == 1), m, sizes, fonts, matrix)
            self._spaces += len(spaces)
            if not (inked.any() or self._turned or forms.any()):  # nothing to keep in content order with them
                self._keep(spaces.values())
                continue
            texts = np.flatnonzero(text)
            for k in np.flatnonzero(no_ink | inked | forms | (known if self._turned else False)).tolist():
                if forms[k]:
                    stack.append((int(handles[k]), True, _multiply(m[k], matrix)))
                elif known[k]:
                    self.sideways += [s for s in self._objects_map()[int(handles[k])] if type(s) is str]
                elif no_ink[k]:
                    if k in spaces:
                        self._keep([spaces[k]])
                else:
                    at = np.searchsorted(texts, k)
                    if sources := _copied(k, bounds, texts[max(0, at - 5):at].tolist()):
                        self._duplicate(k, sources, handles, m, sizes, matrix)  # PDFium left it out as a copy

    def _space_boxes(self, which: np.ndarray, m: np.ndarray, sizes, fonts, matrix: tuple) -> dict:
        """Object index -> its glyph, or " " if sideways, for text objects without ink: nearly always a space
        on its own. The object's matrix places it in its container's space."""
        index = np.flatnonzero(which)
        if not len(index):
            return {}
        m = m[index]
        x, y = m[:, 4], m[:, 5]
        top, bottom, height = self._boxes(matrix, m[:, :4], x, y, sizes[index].astype(np.float64), fonts[index])
        left = matrix[0] * x + matrix[2] * y + matrix[4]
        box = self.box
        return {k: " " if h != h else box(" ", v, v, t, bt, h)
                for k, v, t, bt, h in zip(index.tolist(), left.tolist(), top.tolist(), bottom.tolist(), height.tolist())}

    def _duplicate(self, k: int, sources: list[int], handles, m, sizes, matrix: tuple) -> None:
        """pdfminer keeps a copy PDFium left out, and so do we: the glyphs of the object it copies, moved
        to its origin. A fake bold's copy is then dropped by `ingest.layout.rows_of`, as pdfminer's is."""
        mapped = self._objects_map()
        for j in sources:
            slots = mapped.get(int(handles[j]))
            if sizes[j] != sizes[k] or not slots:
                continue
            ex, ey = m[k, 4] - m[j, 4], m[k, 5] - m[j, 5]
            dx, dy = matrix[0] * ex + matrix[2] * ey, matrix[1] * ex + matrix[3] * ey
            copies = [s if type(s) is str else self.box(s.text, s.x0 + dx, s.x1 + dx, s.top + dy, s.bottom + dy, s.size)
                      for s in slots]
            self._keep(copies)
            mapped[int(handles[k])] = copies
            return

    def _keep(self, found) -> None:
        """Glyphs to `glyphs`, sideways texts (str) to `sideways`, each list in the order found."""
        for item in found:
            (self.sideways if type(item) is str else self.glyphs).append(item)

    def _paths(self, handles: np.ndarray, m: np.ndarray, matrix: tuple) -> None:
        """Painted paths as pdfminer's lines, rectangles and curves, one per subpath."""
        if not len(handles):
            return
        start, kinds, points, closes = scan.segments(handles)
        own = np.array([_multiply(row, matrix) for row in m])  # each path's space to top-down
        of = np.repeat(own, np.diff(start), axis=0)
        px, py = points[:, 0].astype(np.float64), points[:, 1].astype(np.float64)
        xs = (of[:, 0] * px + of[:, 2] * py + of[:, 4]).tolist()
        ys = (of[:, 1] * px + of[:, 3] * py + of[:, 5]).tolist()
        kinds, closes, start = kinds.tolist(), closes.tolist(), start.tolist()
        for p in range(len(start) - 1):
            shape, pts, bezier = "", [], 0
            for s in range(start[p], start[p + 1]):
                kind = kinds[s]
                if kind == _BEZIER:
                    bezier += 1
                    if bezier % 3:
                        continue  # control points: pdfminer keeps only a curve's end point
                point = (xs[s], ys[s])
                if kind == _MOVE:
                    self._add(shape, pts)
                    shape, pts, bezier = "m", [point], 0
                    continue
                shape += "c" if kind == _BEZIER else "l"
                pts.append(point)
                if closes[s]:
                    shape += "h"
                    pts.append(pts[0])
            self._add(shape, pts)

    def _add(self, shape: str, pts: list) -> None:
        """pdfminer's converter.paint_path for one subpath: a line, a rectangle or a curve."""
        if not shape:
            return
        if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
            shape, pts = shape[:-2] + "h", pts[:-1]  # a redundant line back to the start
        if shape in ("mlh", "ml"):
            self.outlines.append((pts[:2], False))
            return
        rect = False
        if shape in ("mlllh", "mllll"):
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
            rect = pts[0] == pts[4] and ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or
                                         (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0))
        self.outlines.append((pts, rect))


def _page_matrix(page: pdfium.PdfPage) -> tuple:
    """User space to pdfminer's top-down page points: the MediaBox origin to 0, /Rotate, then the flip."""
    box = c_float(), c_float(), c_float(), c_float()
    if raw.FPDFPage_GetMediaBox(page.raw, *box):
        x0, y0, x1, y1 = (v.value for v in box)
    else:  # a MediaBox inherited from the page tree, which FPDFPage_GetMediaBox does not look up
        x0, y0, x1, y1 = page.get_bbox()
    rotate = page.get_rotation()
    # pdfminer's PDFPageInterpreter.process_page
    a, b, c, d, e, f = {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1),
                        270: (0, 1, -1, 0, y1, -x0)}.get(rotate, (1, 0, 0, 1, -x0, -y0))
    height = abs(x1 - x0) if rotate in (90, 270) else abs(y1 - y0)
    return a, -b, c, -d, e, height - f


def _copied(k: int, bounds: np.ndarray, before: list[int]) -> list[int]:
    """Of the text objects `before` object k (the five before it), those k may be a copy of, nearest first,
    by PDFium's IsSameTextObject test of their boxes (left, bottom, right, top): they overlap, by at least
    half k's width."""
    x0, y0, x1, y1 = bounds[k].tolist()
    found = []
    for j in reversed(before):
        ox0, oy0, ox1, oy1 = bounds[j].tolist()
        overlap = min(x1, ox1) - max(x0, ox0)
        if overlap > 0 and min(y1, oy1) > max(y0, oy0) and abs(overlap - (x1 - x0)) <= (x1 - x0) / 2:
            found.append(j)
    return found


def _multiply(m, matrix: tuple) -> tuple:
    """The matrix m (a..f), then `matrix` (PDF's row-vector order)."""
    ma, mb, mc, md, me, mf = m.tolist()
    a, b, c, d, e, f = matrix
    return (ma * a + mb * c, ma * b + mb * d, mc * a + md * c, mc * b + md * d,
            me * a + mf * c + e, me * b + mf * d + f)


def _base_font(font: int) -> str:
    size = _font_name(font, None, 0)
    if size <= 1:
        return ""
    buffer = ctypes.create_string_buffer(size)
    _font_name(font, buffer, size)
    return buffer.value.decode("utf-8", "replace")
