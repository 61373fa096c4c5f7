"""HTML and Markdown readers: markup to plain text, with headings as the section path and tables as rows.

The two share a job (strip markup, keep the visible text, turn h1-h6 / # headings into a heading path and
tables into one line per row) and the helpers in `ingest.text`, so they sit together here, away from the
type sniffing in `ingest.loaders`. A .txt or .md that is really a whole web page reaches `read_html` too.
"""

from __future__ import annotations

import re

from ingest.document import Document
from ingest.text import decode_text, heading_path, make_section, one_line, render_table


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


def read_html(data: bytes, name: str, stem: str) -> Document:
    """Visible body text; headings h1-h6 start sections; tables become one line per row."""
    from bs4 import BeautifulSoup, NavigableString
    from bs4.element import PreformattedString

    charset = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", data[:4096], re.I)
    text = decode_text(data, name, charset[1].decode("ascii") if charset else None)
    try:
        soup = BeautifulSoup(text, "lxml")  # lxml comes with python-docx; far faster than html.parser
    except Exception:  # bs4.FeatureNotFound if lxml is missing
        soup = BeautifulSoup(text, "html.parser")
    page_title = one_line(soup.title.get_text()) if soup.title else ""
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
            heading = one_line(node.get_text(" "))
            if heading:
                sections.append(make_section(["".join(buf)], path))
                buf, breaks = [], 0
                path = heading_path(path, _HEADINGS[node.name], heading)
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
    sections.append(make_section(["".join(buf)], path))
    title = page_title or (one_line(h1.get_text(" ")) if h1 else "") or stem
    return Document(name, "html", title, sections)


def _html_table(table) -> list[str]:
    """<th> rows (or <thead>) are headers; colspans are expanded so headers line up with values."""
    rows, head_rows = [], 0
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        cells, all_th = [], True
        for cell in tr.find_all(["td", "th"], recursive=False):
            text = one_line(cell.get_text(" "))
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


def read_markdown(data: bytes, name: str, stem: str) -> Document:
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
                sections.append(make_section(out, path))
                out, path = [], heading_path(path, level, text)
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
    sections.append(make_section(out, path))
    return Document(name, "md", title or stem, sections)

