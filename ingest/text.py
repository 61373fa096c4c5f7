"""Text helpers shared by every reader: bytes to str, text clean-up, table rows as lines, heading paths.

They live apart from `ingest.loaders` so that each format's reader (`ingest.pdf`, `ingest.docx_reader`,
`ingest.markup`, and TXT/CSV in `ingest.loaders`) can use them without a circular import, and so that the
contract's one-line-per-table-row rendering and the encoding detection are each written once.
"""

from __future__ import annotations

import re
import unicodedata

from ingest.document import LoadError, Section


# --- text clean-up shared by every format ---------------------------------------------------------------

_CONTROLS = {c: None for c in [*range(0x20), 0x7F, *range(0x80, 0xA0), 0xAD, 0x200B, 0x2060, 0xFEFF]}
_CONTROLS.update({ord("\n"): "\n", ord("\t"): " "})
_NEWLINES = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")  # icon-font glyphs: meaningless as text


def clean_text(text: str) -> str:
    """NFKC (ligatures, odd spaces, full-width forms), one kind of newline, no control chars, single spaces."""
    text = _NEWLINES.sub("\n", unicodedata.normalize("NFKC", text))
    text = text.replace("\u00ad\n", "-\n").translate(_CONTROLS)  # a soft hyphen at a line end is a word break
    text = _PRIVATE_USE.sub("", text)
    text = re.sub(r" *\n *", "\n", re.sub(r" {2,}", " ", text))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def one_line(cell: str | None) -> str:
    """A cell or heading on one line, with runs of whitespace collapsed; None becomes ""."""
    return " ".join(cell.split()) if cell else ""


def render_row(cells: list[str | None], header: list[str] | None = None) -> str:
    """One table row as one self-contained line: "Label: value", "H1: v1 | H2: v2", or "a | b | c"."""
    cells = [one_line(c) for c in cells]
    if header is not None:
        names = [one_line(h).rstrip(":") for h in header]
        pairs = []
        for i, value in enumerate(cells):
            label = names[i] if i < len(names) else ""
            if value:
                pairs.append(f"{label}: {value}" if label and label != value else value)
        return " | ".join(pairs)
    cells = [c for c in cells if c]
    if len(cells) == 2:
        label, value = cells
        return f"{label} {value}" if label.endswith(":") else f"{label}: {value}"
    return " | ".join(cells)


def render_table(rows: list[list[str | None]], header: bool | None = None) -> list[str]:
    """Table rows as lines. header=None guesses: a first row of non-empty, digit-free cells is a header.
    A header is folded into every row of 3+ columns; 2-column rows stay "Label: value"."""
    rows = [[one_line(c) for c in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if header is None:
        header = len(rows) > 1 and all(rows[0]) and not any(ch.isdigit() for cell in rows[0] for ch in cell)
    if header and len(rows) > 1 and max(map(len, rows)) > 2:
        return [line for row in rows[1:] if (line := render_row(row, rows[0]))]
    return [line for row in rows if (line := render_row(row))]


# --- text decoding ------------------------------------------------------------------------------------

_BOMS = [(b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")]
_CP1252_EXTRAS = set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")


def decode_text(data: bytes, name: str, declared: str | None = None) -> str:
    """Bytes to str: BOM, else UTF-8, else a declared charset, else cp1252 when it reads as Western text,
    else charset-normalizer's guess. charset-normalizer alone mistakes short French or English cp1252
    text for cp1250 ("à" becomes "ŕ"), hence the cp1252 check first."""
    text = _decode(data, name, declared)
    controls = sum(1 for c in text if c < " " and c not in "\t\n\r\f")
    if "\x00" in text or controls > 3 + len(text) // 50:
        raise _unreadable(name)
    if not text.translate(_CONTROLS).strip():  # BOMs and zero-width spaces count as empty too
        raise LoadError(f"{name}: the file is empty")
    return text


def _decode(data: bytes, name: str, declared: str | None) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise _unreadable(name) from None
    for encoding in filter(None, ("utf-8", declared)):
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    if b"\x00" in data:
        raise _unreadable(name)
    try:
        text = data.decode("cp1252")
        extra = [c for c in text if c > "\x7f"]
        if all("\xa0" <= c <= "\xff" or c in _CP1252_EXTRAS for c in extra) and \
                sum(c.isalpha() for c in extra) <= 0.3 * sum(c.isalpha() for c in text):
            return text
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise _unreadable(name)
    return str(best)


def _unreadable(name: str) -> LoadError:
    return LoadError(f"{name}: the file is not readable text (unsupported encoding or binary content)")


# --- sections with a heading path (DOCX, HTML, Markdown) -------------------------------------------------


def heading_path(path: list[tuple[int, str]], level: int, text: str) -> list[tuple[int, str]]:
    """The path after a heading: drop headings at `level` or deeper, then append this one."""
    return [(lvl, t) for lvl, t in path if lvl < level] + [(level, text)]


def make_section(lines: list[str], path: list[tuple[int, str]]) -> Section:
    """Cleaned lines as a Section labelled "A > B > C" by the heading path."""
    return Section(clean_text("\n".join(lines)), heading=" > ".join(t for _, t in path))
