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
Hot calls go through ctypes prototypes on plain addresses (c_void_p), skipping ctypesgen's pointer
wrappers: ~1 microsecond a call. Glyphs of one run (same box heights) share one baseline lookup.
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, byref, c_double, c_float, c_int, c_size_t, c_uint, c_ulong, c_void_p

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from pdfminer.fontmetrics import FONT_METRICS


def _fn(func, restype, *argtypes):
    return ctypes.cast(func, ctypes.CFUNCTYPE(restype, *argtypes))


_loose_box = _fn(raw.FPDFText_GetLooseCharBox, c_int, c_void_p, c_int, POINTER(raw.FS_RECTF))
_map_error = _fn(raw.FPDFText_HasUnicodeMapError, c_int, c_void_p, c_int)
_unicode = _fn(raw.FPDFText_GetUnicode, c_uint, c_void_p, c_int)
_text_object = _fn(raw.FPDFText_GetTextObject, c_void_p, c_void_p, c_int)
_char_matrix = _fn(raw.FPDFText_GetMatrix, c_int, c_void_p, c_int, POINTER(raw.FS_MATRIX))
_char_size = _fn(raw.FPDFText_GetFontSize, c_double, c_void_p, c_int)
_origin = _fn(raw.FPDFText_GetCharOrigin, c_int, c_void_p, c_int, POINTER(c_double), POINTER(c_double))
_font = _fn(raw.FPDFTextObj_GetFont, c_void_p, c_void_p)
_font_size = _fn(raw.FPDFTextObj_GetFontSize, c_int, c_void_p, POINTER(c_float))
_font_descent = _fn(raw.FPDFFont_GetDescent, c_int, c_void_p, c_float, POINTER(c_float))
_font_name = _fn(raw.FPDFFont_GetBaseFontName, c_size_t, c_void_p, c_void_p, c_size_t)
_count_objects = _fn(raw.FPDFPage_CountObjects, c_int, c_void_p)
_get_object = _fn(raw.FPDFPage_GetObject, c_void_p, c_void_p, c_int)
_form_count = _fn(raw.FPDFFormObj_CountObjects, c_int, c_void_p)
_form_object = _fn(raw.FPDFFormObj_GetObject, c_void_p, c_void_p, c_ulong)
_object_type = _fn(raw.FPDFPageObj_GetType, c_int, c_void_p)
_object_matrix = _fn(raw.FPDFPageObj_GetMatrix, c_int, c_void_p, POINTER(raw.FS_MATRIX))
_bounds = _fn(raw.FPDFPageObj_GetBounds, c_int, c_void_p, *[POINTER(c_float)] * 4)
_draw_mode = _fn(raw.FPDFPath_GetDrawMode, c_int, c_void_p, POINTER(c_int), POINTER(c_int))
_count_segments = _fn(raw.FPDFPath_CountSegments, c_int, c_void_p)
_segment = _fn(raw.FPDFPath_GetPathSegment, c_void_p, c_void_p, c_int)
_segment_point = _fn(raw.FPDFPathSegment_GetPoint, c_int, c_void_p, POINTER(c_float), POINTER(c_float))
_segment_type = _fn(raw.FPDFPathSegment_GetType, c_int, c_void_p)
_segment_close = _fn(raw.FPDFPathSegment_GetClose, c_int, c_void_p)

_AFM_DESCENT = {name: metrics[0].get("Descent", 0) / 1000 for name, metrics in FONT_METRICS.items()}
_TEXT, _PATH, _FORM = raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM
_MOVE, _BEZIER = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_BEZIERTO
_NO_INK = 0.01  # PDFium's kSizeEpsilon: its text page drops text objects narrower than this


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
        self._slots: list = []  # per char of the text page: its glyph, its text if sideways, or None
        self._by_object: dict[int, list] | None = None  # text object -> its slots, made when needed
        self._turned = False  # any sideways glyph
        self._spaces = 0  # text objects without ink, taken for spaces
        self._space_matrix, self._space_size = raw.FS_MATRIX(), c_float()
        page = doc[index]
        try:
            self.matrix = _page_matrix(page)
            handle = ctypes.cast(page.raw, c_void_p).value
            text_page = page.get_textpage()
            try:
                self._text_page = ctypes.cast(text_page.raw, c_void_p).value
                self._glyphs(text_page)
                self._objects(handle)
                if 2 * self._spaces > len(self.glyphs) + len(self.sideways):
                    raise Unreadable(f"{self._spaces} of {len(self.glyphs)} glyphs are text objects without ink")
            finally:
                text_page.close()
        finally:
            page.close()

    def _glyphs(self, text_page: pdfium.PdfTextPage) -> None:
        handle = self._text_page
        count = text_page.count_chars()
        text = text_page.get_text_range(0, count) if count else ""
        if len(text) != count:  # PDFium's text view skips or adds a char here: read char by char
            text = "".join(chr(_unicode(handle, i)) for i in range(count))
        a, _, c, _, e, _ = self.matrix
        upright_page = a == 1 and c == 0  # no /Rotate: x = user x - MediaBox x0
        box, loose_box, map_error = self.box, _loose_box, _map_error
        glyphs, slots = self.glyphs, self._slots
        add, slot = glyphs.append, slots.append
        rect = raw.FS_RECTF()
        rect_ref = byref(rect)
        glyph, top, bottom, size = None, 0.0, 0.0, None
        low0 = high0 = left0 = right0 = None  # the last glyph's loose box
        for i in range(count):
            loose_box(handle, i, rect_ref)
            left, right, low, high = rect.left, rect.right, rect.bottom, rect.top
            if left == right and low == high:
                slot(None)
                continue  # a space or line break PDFium generated: pdfminer has no glyph for it
            if map_error(handle, i):
                raise Unreadable(f"char {i} has no Unicode")
            char = text[i]
            if char == "\ufffe" or char == "\x02":
                char = "-"  # PDFium's mark for a hyphen that ends a line (in its text, in its char list)
            if low != low0 or high != high0:  # else the same font, size and baseline as the last glyph
                low0, high0, left0 = low, high, None
                top, bottom, size = self._run(handle, i)
            elif left == left0 and right == right0:
                glyph.text += char  # one glyph, several chars: a ligature ("ffi") or a multi-char mapping
                slot(None)
                continue
            if size is None:
                slot(char)
                self._turned = True
                continue
            left0, right0 = left, right
            if upright_page:
                glyph = box(char, left + e, right + e, top, bottom, size)
            else:
                x0, x1 = a * left + c * low + e, a * right + c * high + e
                glyph = box(char, x0, x1, top, bottom, size) if x0 <= x1 else box(char, x1, x0, top, bottom, size)
            add(glyph)
            slot(glyph)

    def _objects_map(self) -> dict[int, list]:
        """Text object -> the glyphs (and sideways texts) of its chars: one call a char, so made lazily."""
        if self._by_object is None:
            self._by_object = {}
            handle, text_object, obj, own = self._text_page, _text_object, None, None
            for i, slot in enumerate(self._slots):
                if slot is not None:
                    if (this := text_object(handle, i)) != obj:
                        obj = this
                        own = self._by_object.setdefault(obj, [])
                    own.append(slot)
        return self._by_object

    def _run(self, handle: int, i: int) -> tuple[float, float, float | None]:
        """Top, bottom and size of char i, from its baseline as pdfminer does; size None if not upright."""
        m = raw.FS_MATRIX()
        _char_matrix(handle, i, byref(m))
        x, y = c_double(), c_double()
        _origin(handle, i, byref(x), byref(y))
        return self._box(self.matrix, m, x.value, y.value, _char_size(handle, i), _font(_text_object(handle, i)))

    def _box(self, matrix: tuple, m, x: float, y: float, font_size: float, font: int):
        """(top, bottom, size) of a glyph with matrix m and origin (x, y) under `matrix`, as pdfminer
        computes them; size None if the glyph is not upright."""
        a, b, c, d, e, f = matrix
        ma, mb = m.a * a + m.b * c, m.a * b + m.b * d  # the char's matrix, top-down (d and b negated)
        md = -(m.c * b + m.d * d)
        if not (ma > 0 and abs(mb) < 1e-3 * ma):  # pdfminer's test for horizontal text
            return 0.0, 0.0, None
        base = b * x + d * y + f - md * self._descent(font) * font_size  # baseline + descent, top-down
        far = base - md * font_size
        return min(base, far), max(base, far), abs(md * font_size)

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
        m = raw.FS_MATRIX()
        stroke, fill = c_int(), c_int()
        left, bottom, right, top = c_float(), c_float(), c_float(), c_float()
        bounds = byref(left), byref(bottom), byref(right), byref(top)
        sideways = self._turned
        # Many small text objects (a glyph or a word each): map chars to objects once, then ask PDFium
        # for the boxes of the objects it left out only; else ask for every object's box.
        mapped = self._objects_map() if sideways or 4 * _count_objects(page) > len(self._slots) else None
        stack = [(page, _count_objects, _get_object, self.matrix)]  # matrix: holder's space to top-down
        while stack:
            parent, count, get, matrix = stack.pop()
            recent: list[tuple] = []  # the last five text objects' boxes, as PDFium's IsSameAsPreTextObject
            for k in range(count(parent)):
                obj = get(parent, k)
                kind = _object_type(obj)
                if kind == _TEXT:
                    if mapped is not None and obj in mapped:
                        if sideways:
                            self.sideways += [s for s in mapped[obj] if type(s) is str]
                        continue
                    _bounds(obj, *bounds)
                    this = (obj, left.value, bottom.value, right.value, top.value)
                    if this[3] - this[1] < _NO_INK:
                        self._space(obj, matrix)  # no ink: PDFium left it out
                    elif (sources := _copied(this, recent if mapped is None else _recent(parent, get, k))) \
                            and obj not in self._objects_map():
                        self._duplicate(obj, sources, matrix)  # PDFium left it out as a copy
                    if mapped is None:
                        recent = [*recent[-4:], this]
                    continue
                if kind != _PATH and kind != _FORM:
                    continue
                _object_matrix(obj, byref(m))
                own = _multiply(m, matrix)
                if kind == _FORM:
                    stack.append((obj, _form_count, _form_object, own))
                elif _draw_mode(obj, byref(fill), byref(stroke)) and (fill.value or stroke.value):
                    self._subpaths(obj, own)

    def _space(self, obj: int, matrix: tuple) -> None:
        """A text object without ink, left out by PDFium's text page: nearly always a space on its own."""
        m, size = self._space_matrix, self._space_size
        if not (_object_matrix(obj, byref(m)) and _font_size(obj, byref(size))):
            return
        self._spaces += 1
        top, bottom, height = self._box(matrix, m, m.e, m.f, size.value, _font(obj))  # m: in its form's space
        if height is None:
            self.sideways.append(" ")
        else:
            x = matrix[0] * m.e + matrix[2] * m.f + matrix[4]
            self.glyphs.append(self.box(" ", x, x, top, bottom, height))

    def _duplicate(self, obj: int, sources: list[int], matrix: tuple) -> None:
        """pdfminer keeps a copy PDFium left out, and so do we: the glyphs of the object it copies, moved
        to its origin. A fake bold's copy is then dropped by `ingest.layout.rows_of`, as pdfminer's is."""
        size, other_size = c_float(), c_float()
        _font_size(obj, byref(size))
        mapped = self._objects_map()
        for other in sources:
            _font_size(other, byref(other_size))
            slots = mapped.get(other)
            if other_size.value != size.value or not slots:
                continue
            m, n = raw.FS_MATRIX(), raw.FS_MATRIX()
            _object_matrix(obj, byref(m))
            _object_matrix(other, byref(n))
            ex, ey = m.e - n.e, m.f - n.f
            dx, dy = matrix[0] * ex + matrix[2] * ey, matrix[1] * ex + matrix[3] * ey
            copies = [s if type(s) is str else self.box(s.text, s.x0 + dx, s.x1 + dx, s.top + dy, s.bottom + dy, s.size)
                      for s in slots]
            self.glyphs += [g for g in copies if type(g) is not str]
            self.sideways += [g for g in copies if type(g) is str]
            mapped[obj] = copies
            return

    def _subpaths(self, obj: int, matrix: tuple) -> None:
        a, b, c, d, e, f = matrix
        x, y = c_float(), c_float()
        xr, yr = byref(x), byref(y)
        shape, pts, bezier = "", [], 0
        for s in range(_count_segments(obj)):
            seg = _segment(obj, s)
            kind = _segment_type(seg)
            if kind == _BEZIER:
                bezier += 1
                if bezier % 3:
                    continue  # control points: pdfminer keeps only a curve's end point
            _segment_point(seg, xr, yr)
            px, py = x.value, y.value
            point = (a * px + c * py + e, b * px + d * py + f)
            if kind == _MOVE:
                self._add(shape, pts)
                shape, pts, bezier = "m", [point], 0
                continue
            shape += "c" if kind == _BEZIER else "l"
            pts.append(point)
            if _segment_close(seg):
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


def _copied(this: tuple, recent: list[tuple]) -> list[int]:
    """The recent text objects `this` may be a copy of, nearest first, by PDFium's IsSameTextObject test
    of their boxes: they overlap, by at least half this one's width."""
    _, x0, y0, x1, y1 = this
    found = []
    for other, ox0, oy0, ox1, oy1 in reversed(recent):
        overlap = min(x1, ox1) - max(x0, ox0)
        if overlap > 0 and min(y1, oy1) > max(y0, oy0) and abs(overlap - (x1 - x0)) <= (x1 - x0) / 2:
            found.append(other)
    return found


def _recent(parent: int, get, k: int) -> list[tuple]:
    """The boxes of the five text objects before object k, oldest first."""
    found = []
    left, bottom, right, top = c_float(), c_float(), c_float(), c_float()
    while k > 0 and len(found) < 5:
        k -= 1
        obj = get(parent, k)
        if _object_type(obj) == _TEXT:
            _bounds(obj, byref(left), byref(bottom), byref(right), byref(top))
            found.append((obj, left.value, bottom.value, right.value, top.value))
    return found[::-1]


def _multiply(m, matrix: tuple) -> tuple:
    """The FS_MATRIX m, then `matrix` (PDF's row-vector order)."""
    a, b, c, d, e, f = matrix
    return (m.a * a + m.b * c, m.a * b + m.b * d, m.c * a + m.d * c, m.c * b + m.d * d,
            m.e * a + m.f * c + e, m.e * b + m.f * d + f)


def _base_font(font: int) -> str:
    size = _font_name(font, None, 0)
    if size <= 1:
        return ""
    buffer = ctypes.create_string_buffer(size)
    _font_name(font, buffer, size)
    return buffer.value.decode("utf-8", "replace")
