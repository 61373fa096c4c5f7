"""PDFium's per-char, per-object and per-segment calls in compiled loops (numba): one call from Python per
page, per container of objects and per batch of paths, not one per char.

Why: a dense page has thousands of glyphs, and some filings make each glyph a text object of its own (the
long filing: 236,000 text objects for 263,000 chars). Through ctypes, each PDFium call costs ~0.4 us plus the
Python around it: most of a page's reading time. These loops only gather PDFium's numbers into arrays and
follow the text page's runs; what the numbers mean (pdfminer's boxes) is decided in `ingest.pdfium`.
Handles and out-pointers pass as integers (intp), as the C ABI passes pointers. The loops are compiled at
import, with their types given, and cached beside this file (numba's on-disk cache): the first import compiles
them (~2.5 s, once: `make` does it at install), later ones load them (~0.4 s, and 0.2 s to import numba).
"""

from __future__ import annotations

import ctypes

import numpy as np
import pypdfium2.raw as raw
from llvmlite import binding
from numba import njit, types

_I, _INT, _F64 = types.intp, types.int32, types.float64


def _extern(name: str, restype, *argtypes):
    """A PDFium function callable from compiled code, found by name in the library pypdfium2 loaded."""
    binding.add_symbol(name, ctypes.cast(getattr(raw, name), ctypes.c_void_p).value)
    return types.ExternalFunction(name, restype(*argtypes))


_loose_box = _extern("FPDFText_GetLooseCharBox", _INT, _I, _INT, _I)
_map_error = _extern("FPDFText_HasUnicodeMapError", _INT, _I, _INT)
_text_object = _extern("FPDFText_GetTextObject", _I, _I, _INT)
_char_matrix = _extern("FPDFText_GetMatrix", _INT, _I, _INT, _I)
_char_size = _extern("FPDFText_GetFontSize", _F64, _I, _INT)
_origin = _extern("FPDFText_GetCharOrigin", _INT, _I, _INT, _I, _I)
_font = _extern("FPDFTextObj_GetFont", _I, _I)
_font_size = _extern("FPDFTextObj_GetFontSize", _INT, _I, _I)
_count_objects = _extern("FPDFPage_CountObjects", _INT, _I)
_get_object = _extern("FPDFPage_GetObject", _I, _I, _INT)
_form_count = _extern("FPDFFormObj_CountObjects", _INT, _I)
_form_object = _extern("FPDFFormObj_GetObject", _I, _I, types.uintp)  # index: unsigned long
_object_type = _extern("FPDFPageObj_GetType", _INT, _I)
_object_matrix = _extern("FPDFPageObj_GetMatrix", _INT, _I, _I)
_bounds = _extern("FPDFPageObj_GetBounds", _INT, _I, _I, _I, _I, _I)
_draw_mode = _extern("FPDFPath_GetDrawMode", _INT, _I, _I, _I)
_count_segments = _extern("FPDFPath_CountSegments", _INT, _I)
_segment = _extern("FPDFPath_GetPathSegment", _I, _I, _INT)
_segment_point = _extern("FPDFPathSegment_GetPoint", _INT, _I, _I, _I)
_segment_type = _extern("FPDFPathSegment_GetType", _INT, _I)
_segment_close = _extern("FPDFPathSegment_GetClose", _INT, _I)

GENERATED, GLYPH, MORE, SIDEWAYS = 0, 1, 2, 3  # kinds of char: see chars()
TEXT, PATH, FORM = raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM


@njit((_I, _I, _F64, _F64, _F64, _F64, _F64), cache=True)
def chars(text_page, count, a, b, c, d, e):
    """The text page's chars, as `ingest.pdfium` reads them. Returns
    kind[i]: GENERATED (a space or line break PDFium made up: no box), GLYPH, MORE (another char of the glyph
      before: a ligature, a multi-char mapping) or SIDEWAYS (not upright);
    x0[i], x1[i]: a glyph's horizontal extent on the page (page matrix a, c, e; b and d test uprightness);
    run[i]: the run of the char: chars of one font, size and baseline, by their loose boxes' heights;
    obj[i]: its text object;
    runs[r]: the char matrix's a, b, c, d, the origin's x, y and the font size of run r's first char;
    fonts[r]: its font; the number of runs; and the first char without Unicode (-1: none), where it stops.
    """
    kind = np.zeros(count, np.int8)
    x0, x1 = np.zeros(count), np.zeros(count)
    run = np.full(count, -1, np.int32)
    obj = np.zeros(count, np.intp)
    runs = np.zeros((count, 7))
    fonts = np.zeros(count, np.intp)
    rect = np.zeros(4, np.float32)  # FS_RECTF: left, top, right, bottom
    m = np.zeros(6, np.float32)
    xy = np.zeros(2)
    n_runs, upright, last = 0, False, False
    low0 = high0 = left0 = right0 = 0.0
    for i in range(count):
        obj[i] = _text_object(text_page, i)
        _loose_box(text_page, i, rect.ctypes.data)
        left, high, right, low = rect[0], rect[1], rect[2], rect[3]
        if left == right and low == high:
            continue
        if _map_error(text_page, i):
            return kind, x0, x1, run, obj, runs, fonts, n_runs, i
        if n_runs == 0 or low != low0 or high != high0:
            low0, high0, last = low, high, False
            _char_matrix(text_page, i, m.ctypes.data)
            _origin(text_page, i, xy.ctypes.data, xy.ctypes.data + 8)
            runs[n_runs, 0], runs[n_runs, 1], runs[n_runs, 2], runs[n_runs, 3] = m[0], m[1], m[2], m[3]
            runs[n_runs, 4], runs[n_runs, 5], runs[n_runs, 6] = xy[0], xy[1], _char_size(text_page, i)
            fonts[n_runs] = _font(obj[i])
            ma, mb = m[0] * a + m[1] * c, m[0] * b + m[1] * d
            upright = ma > 0 and abs(mb) < 1e-3 * ma  # pdfminer's test for horizontal text
            n_runs += 1
        elif last and left == left0 and right == right0:
            kind[i], run[i] = MORE, n_runs - 1
            continue
        run[i] = n_runs - 1
        if not upright:
            kind[i] = SIDEWAYS
            continue
        kind[i], left0, right0, last = GLYPH, left, right, True
        if a == 1 and c == 0:  # no /Rotate: x = user x - MediaBox x0
            x0[i], x1[i] = left + e, right + e
        else:
            u, v = a * left + c * low + e, a * right + c * high + e
            x0[i], x1[i] = min(u, v), max(u, v)
    return kind, x0, x1, run, obj, runs, fonts, n_runs, -1


@njit((_I, types.boolean), cache=True)
def objects(parent, is_form):
    """The objects of a page (is_form False) or of a form object, in content order: handle, type, and
    for a text object its bounds (left, bottom, right, top), font size and font; for a text object, path
    or form its matrix (a..f); for a path whether it is filled or stroked. ok[k] is 0 where a call failed."""
    n = _form_count(parent) if is_form else _count_objects(parent)
    handles = np.zeros(max(n, 0), np.intp)
    kinds = np.zeros(max(n, 0), np.int32)
    bounds = np.zeros((max(n, 0), 4), np.float32)
    matrix = np.zeros((max(n, 0), 6), np.float32)
    size = np.zeros(max(n, 0), np.float32)
    fonts = np.zeros(max(n, 0), np.intp)
    ok = np.zeros(max(n, 0), np.int8)
    mode = np.zeros(2, np.int32)
    for k in range(n):
        h = _form_object(parent, k) if is_form else _get_object(parent, k)
        handles[k] = h
        kind = _object_type(h)
        kinds[k] = kind
        row = matrix.ctypes.data + 24 * k
        if kind == TEXT:
            box = bounds.ctypes.data + 16 * k
            _bounds(h, box, box + 4, box + 8, box + 12)
            good = _object_matrix(h, row) != 0
            good = _font_size(h, size.ctypes.data + 4 * k) != 0 and good
            fonts[k], ok[k] = _font(h), good
        elif kind == PATH:
            _object_matrix(h, row)
            ok[k] = _draw_mode(h, mode.ctypes.data, mode.ctypes.data + 4) != 0 and (mode[0] != 0 or mode[1] != 0)
        elif kind == FORM:
            _object_matrix(h, row)
            ok[k] = 1
    return handles, kinds, bounds, matrix, size, fonts, ok


@njit((_I[::1],), cache=True)
def segments(paths):
    """The segments of each path, in order: start[p] indexes path p's first segment (start[-1]: the total);
    each segment's type, end point (x, y) and whether it closes its subpath."""
    start = np.zeros(len(paths) + 1, np.int64)
    for p in range(len(paths)):
        start[p + 1] = start[p] + max(_count_segments(paths[p]), 0)
    kinds = np.zeros(start[-1], np.int32)
    points = np.zeros((start[-1], 2), np.float32)
    closes = np.zeros(start[-1], np.int8)
    for p in range(len(paths)):
        for s in range(start[p + 1] - start[p]):
            seg, j = _segment(paths[p], s), start[p] + s
            kinds[j] = _segment_type(seg)
            point = points.ctypes.data + 8 * j
            _segment_point(seg, point, point + 4)
            closes[j] = _segment_close(seg) != 0
    return start, kinds, points, closes
