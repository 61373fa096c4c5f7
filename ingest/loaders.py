"""Read PDF, DOCX, HTML, Markdown, TXT and CSV files into sections of plain text.

Contract used by the splitter and the pipeline (do not change without updating them):
- `load(path, max_bytes)` returns a `Document` or raises `LoadError` whose message names the file and the cause.
- Every table row is rendered as ONE line, cells joined by " | " (two-column rows as "Label: value"),
  so the splitter can keep rows whole and a fee's label and amount stay together.

The bytes, not the extension, decide how a file is read. A .pdf or .docx must really be one, otherwise the
error says what the content looks like (staff often rename files or save a portal's HTML error page).
HTML, Markdown and plain text are all text, so within that family we read by content where it is safe:
a .txt/.md that is a whole HTML page (starts with <!doctype html>, <html>, <body>...) is read as HTML;
a .html is always parsed as HTML (plain text survives that); a .csv that is HTML is refused, because it
is almost always a download that went wrong and its rows would be garbage.
The PDF reader lives in `ingest/pdf.py`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path


class LoadError(Exception):
    """A file that cannot be ingested; str(error) names the file and says why."""


@dataclass
class Section:
    text: str
    page: int | None = None  # 1-based page number, PDFs only
    heading: str = ""  # heading path, e.g. "Checking accounts > Fees"


@dataclass
class Document:
    name: str  # file name as uploaded
    kind: str  # pdf | docx | html | md | txt | csv
    title: str
    sections: list[Section] = field(default_factory=list)
    pages: int | None = None  # page count, PDFs only


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


def load(path: Path, max_bytes: int) -> Document:
    """Read one uploaded file; raise LoadError with a message staff can act on."""
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

        title, sections, pages = read_pdf(data, name)
        doc = Document(name, kind, title or path.stem, sections, pages)
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


def _one_line(cell: str | None) -> str:
    return " ".join(cell.split()) if cell else ""


def render_row(cells: list[str | None], header: list[str] | None = None) -> str:
    """One table row as one self-contained line: "Label: value", "H1: v1 | H2: v2", or "a | b | c"."""
    cells = [_one_line(c) for c in cells]
    if header is not None:
        names = [_one_line(h).rstrip(":") for h in header]
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
    rows = [[_one_line(c) for c in row] for row in rows]
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


def _heading_path(path: list[tuple[int, str]], level: int, text: str) -> list[tuple[int, str]]:
    return [(lvl, t) for lvl, t in path if lvl < level] + [(level, text)]


def _section(lines: list[str], path: list[tuple[int, str]]) -> Section:
    return Section(clean_text("\n".join(lines)), heading=" > ".join(t for _, t in path))


# --- DOCX -------------------------------------------------------------------------------------------------


def _read_docx(data: bytes, name: str, stem: str) -> Document:
    """Paragraphs and tables in body order (content controls included); headings start sections."""
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, BadZipFile, lxml errors ... for broken packages
        raise LoadError(f"{name}: the Word document is damaged and cannot be read") from exc

    def blocks(element):
        for child in element.iterchildren():
            if child.tag == qn("w:p"):
                yield Paragraph(child, document)
            elif child.tag == qn("w:tbl"):
                yield Table(child, document)
            elif child.tag == qn("w:sdt") and (content := child.find(qn("w:sdtContent"))) is not None:
                yield from blocks(content)

    sections, path, lines, titles = [], [], [], []
    for block in blocks(document.element.body):
        if isinstance(block, Table):
            rows = []
            for row in block.rows:
                cells, seen = [], None
                for cell in row.cells:  # a merged cell is repeated once per grid column it spans
                    if cell._tc is not seen:
                        cells.append(cell.text)
                        seen = cell._tc
                rows.append(cells)
            first = block._tbl.tr_lst[0] if block._tbl.tr_lst else None
            marked = first is not None and first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
            lines += ["", *render_table(rows, True if marked else None), ""]
            continue
        text = block.text.strip()
        style = block.style.name if block.style is not None else ""
        level = int(m[1]) if (m := re.match(r"Heading (\d)$", style)) else 0
        if text and (level or style == "Title"):
            sections.append(_section(lines, path))
            lines = []
            if level:
                path = _heading_path(path, level, _one_line(text))
            titles.append((0 if style == "Title" else level, _one_line(text)))
        else:
            lines.append(text)
    sections.append(_section(lines, path))
    core = _one_line(document.core_properties.title)
    title = next((t for lvl, t in titles if lvl == 0), "") or core or next((t for _, t in titles), "") or stem
    return Document(name, "docx", title, sections)


# --- HTML -------------------------------------------------------------------------------------------------

_NOISE = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "svg", "template",
          "iframe", "button", "select", "textarea"}
# Block elements end a line; those in _PARAGRAPHS also leave a blank line (the splitter's paragraph break).
_PARAGRAPHS = {"address", "article", "blockquote", "details", "dl", "figure", "hr", "ol", "p", "pre", "section",
               "table", "ul"}
_BLOCKS = _PARAGRAPHS | {"body", "dd", "div", "dt", "figcaption", "li", "main", "summary", "td", "th", "tr"}
_HEADINGS = {f"h{i}": i for i in range(1, 7)}


def _is_noise(tag) -> bool:
    if tag.name == "header" and tag.find_parent(["article", "main"]):
        return False  # an article's own header holds its title
    return (tag.name in _NOISE or tag.get("role") == "navigation" or tag.has_attr("hidden")
            or tag.get("aria-hidden") == "true")


def _read_html(data: bytes, name: str, stem: str) -> Document:
    """Visible body text; headings h1-h6 start sections; tables become one line per row."""
    from bs4 import BeautifulSoup, NavigableString
    from bs4.element import PreformattedString

    charset = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", data[:4096], re.I)
    text = decode_text(data, name, charset[1].decode("ascii") if charset else None)
    try:
        soup = BeautifulSoup(text, "lxml")  # lxml comes with python-docx; far faster than html.parser
    except Exception:  # bs4.FeatureNotFound if lxml is missing
        soup = BeautifulSoup(text, "html.parser")
    page_title = _one_line(soup.title.get_text()) if soup.title else ""
    for tag in soup.find_all(_is_noise):
        if not tag.decomposed:
            tag.decompose()
    root = soup.body or soup
    h1 = root.find("h1")

    sections, path, buf = [], [], []
    todo, open_tags, in_pre, breaks = [iter(root.contents)], [None], 0, 0

    def add(text: str) -> None:
        nonlocal breaks
        if breaks and not text.strip() and not in_pre:
            return  # source indentation between blocks
        if breaks and buf:
            buf.append("\n" * breaks)
        breaks = 0
        buf.append(text)

    while todo:  # an explicit stack: real-world HTML can nest deeper than Python's recursion limit
        node = next(todo[-1], None)
        if node is None:
            todo.pop()
            tag = open_tags.pop()
            if tag is not None:
                in_pre -= tag.name == "pre"
                breaks = max(breaks, 2 if tag.name in _PARAGRAPHS else int(tag.name in _BLOCKS))
            continue
        if isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):
                add(str(node) if in_pre else re.sub(r"\s+", " ", str(node)))
            continue
        if node.name in _HEADINGS:
            heading = _one_line(node.get_text(" "))
            if heading:
                sections.append(_section(["".join(buf)], path))
                buf, breaks = [], 0
                path = _heading_path(path, _HEADINGS[node.name], heading)
            continue
        if node.name == "table" and not node.find("table"):  # tables of tables are page layout: walk them
            breaks = 2
            add("\n".join(_html_table(node)))
            breaks = 2
            continue
        if node.name == "br":
            add("\n")
            continue
        breaks = max(breaks, 2 if node.name in _PARAGRAPHS else int(node.name in _BLOCKS))
        in_pre += node.name == "pre"
        todo.append(iter(node.contents))
        open_tags.append(node)
    sections.append(_section(["".join(buf)], path))
    title = page_title or (_one_line(h1.get_text(" ")) if h1 else "") or stem
    return Document(name, "html", title, sections)


def _html_table(table) -> list[str]:
    """<th> rows (or <thead>) are headers; colspans are expanded so headers line up with values."""
    rows, head_rows = [], 0
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        cells, all_th = [], True
        for cell in tr.find_all(["td", "th"], recursive=False):
            text = _one_line(cell.get_text(" "))
            span = min(int(cell["colspan"]), 50) if str(cell.get("colspan", "")).isdigit() else 1
            cells += [text] * span if cell.name == "th" else [text] + [""] * (span - 1)
            all_th = all_th and cell.name == "th"
        if len(rows) == head_rows and cells and (all_th or tr.find_parent("thead")):
            head_rows += 1
        rows.append(cells)
    if head_rows > 1:  # stacked header rows: "2024 Fee", not two separate headers
        width = max(map(len, rows[:head_rows]))
        merged = [" ".join(dict.fromkeys(r[i] for r in rows[:head_rows] if i < len(r) and r[i])) for i in range(width)]
        rows = [merged] + rows[head_rows:]
    return render_table(rows, header=bool(head_rows) or None)


# --- Markdown ---------------------------------------------------------------------------------------------

_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_TABLE_RULE = re.compile(r" {0,3}\|?(?:\s*:?-+:?\s*\|)+(?:\s*:?-+:?\s*)?")
_SKIP = re.compile(r" {0,3}(?:([-*_])(?: *\1){2,}|\[[^\]]+\]:\s*\S+.*)\s*")  # rules, link reference definitions
_INLINE = [  # (pattern, replacement), applied in order
    (re.compile(r"^\s*(?:>\s?)+"), ""),  # blockquote markers
    (re.compile(r"^(\s*)[*+](\s+)"), r"\1-\2"),  # bullets
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: keep the alt text
    (re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)(?:\s+\"[^\"]*\")?\)"), r"\1 (\2)"),  # keep absolute URLs
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),  # inline HTML tags
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])"), r"\1"),  # backslash escapes
]


def _inline(text: str) -> str:
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return text.strip()


def _md_cells(line: str) -> list[str]:
    line = line.strip().removeprefix("|")
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [_inline(cell) for cell in re.split(r"(?<!\\)\|", line)]


def _read_md(data: bytes, name: str, stem: str) -> Document:
    """ATX (and setext) headings start sections with a heading path; pipe tables become one line per row."""
    lines = decode_text(data, name).splitlines()
    sections, path, out, title, fence = [], [], [], "", None
    i = 0
    if lines and lines[0].strip() == "---":  # YAML front matter: keep only its title
        end = next((j for j in range(1, min(len(lines), 100)) if lines[j].strip() in ("---", "...")), 0)
        for line in lines[1:end]:
            if m := re.match(r"title:\s*[\"']?(.*?)[\"']?\s*$", line):
                title = m[1]
        i = end + 1 if end else 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        i += 1
        if fence:
            if line.strip().startswith(fence):
                fence = None
            else:
                out.append(line)
            continue
        if m := _FENCE.match(line):
            fence = m[1][0] * 3
            continue
        heading = _ATX.fullmatch(line)
        setext = re.fullmatch(r" {0,3}(=+|-+)\s*", nxt) and line.strip() and (not out or not out[-1]) \
            and not re.match(r"\s*([-*+>|]|\d+\.)", line)
        if heading or setext:
            level = len(heading[1]) if heading else (1 if nxt.strip()[0] == "=" else 2)
            text = _inline((heading[2] or "") if heading else line)
            i += 0 if heading else 1
            if text:
                sections.append(_section(out, path))
                out, path = [], _heading_path(path, level, text)
                title = title or (text if level == 1 else "")
            continue
        if "|" in line and "|" in nxt and _TABLE_RULE.fullmatch(nxt):
            rows = [_md_cells(line)]
            i += 1
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                rows.append(_md_cells(lines[i]))
                i += 1
            out += ["", *render_table(rows, header=True), ""]
            continue
        if not _SKIP.fullmatch(line):
            out.append(_inline(line))
    sections.append(_section(out, path))
    return Document(name, "md", title or stem, sections)


# --- TXT and CSV ------------------------------------------------------------------------------------------


def _read_txt(data: bytes, name: str, stem: str) -> Document:
    return Document(name, "txt", stem, [Section(clean_text(decode_text(data, name)))])


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


_READERS = {"docx": _read_docx, "html": _read_html, "md": _read_md, "txt": _read_txt, "csv": _read_csv}
