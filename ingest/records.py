"""Rebuild the units a customer asks about from physical lines: whole sentences and self-contained records.

PDF text and plain-text exports are laid out for the eye: a sentence wraps across lines, a fee's label sits on one
line and its amounts on the next ("• International outgoing wire" / "in U.S. dollars: $45"), and a table's values
sit rows below the column headers that say what they are ("Three Months Ended June 30," / "2023 | 2022"). Read
line by line, evidence is a fragment and a row is a list of numbers. So, before chunking:
- a table row of figures carries its column headers and its row group: "Operating expenses › Transaction
  expense | Three Months Ended June 30, 2023: 3,541, 2022: 3,044";
- wrapped prose is joined into paragraphs (the reader cuts them into sentences);
- a plain-text export's headings (underlined or capitals) become sections, space-aligned columns become table
  rows, and a bullet keeps its wrapped lines and its sub-values ("Choose one limit: $16,000 | $28,000").
Structured formats (HTML, DOCX, Markdown, CSV) already give paragraphs, rows and headings, and are left alone.
"""

from __future__ import annotations

import re

from ingest.document import Section
from ingest.text import clean_text, render_table

SEP = " | "
ITEM = " \u203a "  # "Group › Item"
_NUMBER = re.compile(r"^\(?[-\u2212]?\$?\s?\d[\d,]*(?:\.\d+)?\s?%?\)?(?:\s?%)?$|^[\u2014\u2013-]+$")
_NOT_MEANINGFUL = re.compile(r"^(?:\*+|n/?[am]|nm)$", re.I)  # "**", "NM", "n/a" in a column of figures
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_FIGURE = re.compile(r"\d")
_MARKS = "\u2022\u00b7\u25aa\u25cf\u25e6\u25cb\u25a0\u25a1\u25ba\u25b6\u27a2\u27a4\u2713\u2714\u2717\u2718\u2610*\u2013\u2014-"
_BULLET = re.compile(rf"^(?:[{_MARKS}]|\(?\w\)|\d{{1,2}}[.)])\s+")
_SENTENCE_END = re.compile(r"[.!?:;]['\")\u201d]?$")


# --- tables: column headers carried into every row ------------------------------------------------------


def _cells(line: str) -> list[str]:
    if SEP in line:
        return line.split(SEP)
    if m := re.fullmatch(r"([^:]{1,30}): ([^:]{1,30})", line):  # two header cells rendered "a: b"
        return [m[1], m[2]]
    return [line]


def _value_row(line: str) -> tuple[str, list[str]] | None:
    """(label, values) of a row of figures: "Net revenues | $ | 7,287 | $ | 6,806" -> ("Net revenues", [$7,287, $6,806])."""
    if SEP not in line:
        return None
    label, *rest = line.split(SEP)
    values: list[str] = []
    currency = ""
    for cell in rest:
        if cell in ("$", "\u20ac", "\u00a3"):
            currency = cell
            continue
        if cell == "%" and values:  # "21 | %": the sign printed in its own column
            values[-1] += "%"
            continue
        if not (_NUMBER.match(cell) or _NOT_MEANINGFUL.match(cell)):
            return None
        values.append(currency + cell)
        currency = ""
    if len(values) < 2 or _NUMBER.match(label) or _YEAR.fullmatch(label):
        return None
    return label, values


def _header(line: str) -> list[str] | None:
    """Cells of a column-header line: short, no amounts or rates ("2023 | 2022", "Checking | Savings")."""
    if _value_row(line):
        return None
    cells = _cells(line)
    if any(len(c) > 40 or "$" in c or "%" in c for c in cells):
        return None
    if len(cells) == 1:  # a heading spanning every column: "Six Months Ended June 30,"
        return cells if line.endswith(",") or _YEAR.search(line) and len(line) <= 30 else None
    if all(_NUMBER.match(c) and not _YEAR.fullmatch(c) for c in cells):
        return None
    return cells


def _skippable(line: str) -> bool:
    """Lines between headers and rows that neither head columns nor end the table: "(In millions)", "Equity:",
    "ASSETS"."""
    return SEP not in line and len(line) <= 60 and not _FIGURE.search(line)


def _column_labels(lines: list[str], at: int, k: int) -> list[str] | None:
    """Labels of k value columns from the header lines above `lines[at]`, stacked top to bottom."""
    stack: list[list[str]] = []
    i, seen = at - 1, 0
    while i >= 0 and seen <= 12:
        line = lines[i]
        i -= 1
        if not line or re.fullmatch(r"\([^)]{1,60}\)", line):  # "(In millions)", "(Unaudited)"
            continue
        seen += 1
        cells = _header(line)
        if cells is not None and (len(cells) > 1 or stack) and not k % len(cells):
            stack.insert(0, cells)
        elif stack or not _skippable(line):  # header lines are contiguous; "ASSETS", "Equity:" may follow them
            break
    if not stack or all(len(c) == 1 for c in stack):
        return None
    blocks: list[list[list[str]]] = []  # a spanning heading starts a block: "Six Months Ended June 30," / "2023: 2022"
    for cells in stack:
        if len(cells) == 1 or not blocks:
            blocks.append([cells])
        else:
            blocks[-1].append(cells)
    if len(blocks) > 1 and sum(len(b[-1]) for b in blocks) == k:  # blocks side by side, read one under the other
        return [re.sub(r",$", "", " ".join([*(c[0] for c in b[:-1]), cell])) for b in blocks for cell in b[-1]]
    labels = [""] * k
    for level, cells in enumerate(stack):
        span = k // len(cells)
        for c in range(k):
            # upper headers span their columns ("Three Months Ended"); the bottom one repeats under each ("2023")
            cell = cells[c % len(cells)] if level == len(stack) - 1 else cells[c // span]
            labels[c] = f"{labels[c]} {cell}".strip()
    return [re.sub(r",$", "", label) for label in labels]


def _render(label: str, values: list[str], columns: list[str]) -> str:
    """"Label | Top, a: v1, b: v2 | Top2, a: v3, b: v4": values grouped under their shared leading header."""
    groups: list[tuple[str, list[str]]] = []
    for column, value in zip(columns, values):
        head, _, tail = column.rpartition(" ") if _YEAR.fullmatch(column.rsplit(" ", 1)[-1]) else ("", "", column)
        head = head.rstrip(",")
        if groups and groups[-1][0] == head and head:
            groups[-1][1].append(f"{tail}: {value}")
        else:
            groups.append((head, [f"{tail}: {value}"]))
    parts = [f"{head}, {', '.join(items)}" if head else ", ".join(items) for head, items in groups]
    return SEP.join([label, *parts])


def attach_headers(lines: list[str]) -> list[str]:
    """Rows of figures under column headers rewritten to carry them (and the row group above, "Equity:")."""
    out: list[str] = []
    columns: list[str] | None = None
    width = 0
    group = ""
    for i, line in enumerate(lines):
        row = _value_row(line)
        if row is None:
            if line:  # "Current assets:" opens a group of rows; any other line closes it
                group = line[:-1] if line.endswith(":") and len(line) <= 60 and SEP not in line else ""
                if len(line) > 80 and SEP not in line and line.endswith("."):
                    columns = None  # a paragraph between tables: the next table finds its own headers
            out.append(line)
            continue
        label, values = row
        if columns is None or width != len(values) or (i and _header(lines[i - 1]) is not None):
            columns, width = _column_labels(lines, i, len(values)), len(values)
        if columns is None:
            out.append(line)
            continue
        out.append(_render(f"{group}{ITEM}{label}" if group else label, values, columns))
        if label.lower().startswith("total"):  # "Total current assets" closes "Current assets:"
            group = ""
    return out


# --- prose: wrapped lines joined ------------------------------------------------------------------------


def _is_record(line: str) -> bool:
    return SEP in line or bool(re.match(r"^[^:a-z][^:]{0,69}: \S.{0,45}$", line))


def reflow(lines: list[str]) -> list[str]:
    """Join lines the page wrapped: a line is continued when it is long for this text (the page width cut it)
    or when the next line starts in lower case; blank lines, records, bullets and short lines end a paragraph."""
    prose = sorted(len(line) for line in lines if line and not _is_record(line))
    width = prose[round(0.9 * (len(prose) - 1))] if prose else 0
    out: list[str] = []
    joinable = False
    for line in lines:
        if joinable and line and not _is_record(line) and not _BULLET.match(line):
            previous = out[-1]
            long_line = len(previous) >= max(0.6 * width, 24) and not previous.endswith(":")  # ":" leads a list
            if long_line or (not _SENTENCE_END.search(previous) and line[0].islower()):
                out[-1] = _join(previous, line)
                continue
        out.append(line)
        joinable = bool(line) and not _is_record(line) and not _BULLET.match(line)
    return out


def _join(a: str, b: str) -> str:
    if a.endswith("-") and a[-2:-1].isalnum():
        return a + b  # a compound the PDF reader kept hyphenated at the line end ("well-" / "known", "ATM-" / "Network")
    return f"{a} {b}"


def rebuild(section: Section) -> Section:
    """A PDF page (or any section of physical lines) as records and paragraphs."""
    lines = [line.strip() for line in section.text.splitlines()]
    section.text = "\n".join(reflow(attach_headers(lines)))
    return section


# --- plain-text exports ---------------------------------------------------------------------------------

_RULE = re.compile(r"^\s*([=\-_~*#])\1{2,}\s*$")  # "=====" under a heading
_TABLE_RULE = re.compile(r"^\s*[-=_]{3,}(?:\s{2,}[-=_]{3,})+\s*$")  # "-----   -----" under a table header
_COLUMNS = re.compile(r"\S\s{2,}\S")


def _is_caps_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return (len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.8 * len(letters) and len(line) <= 100
            and not _SENTENCE_END.search(line))


def text_sections(raw: str) -> list[Section]:
    """A plain-text file as sections under its headings, tables as rows, bullets whole, prose reflowed."""
    lines = raw.expandtabs(4).splitlines()
    sections: list[Section] = []
    path: list[tuple[int, str]] = []
    body: list[str] = []
    table: list[list[str]] = []

    def flush_table() -> None:
        if table:
            body.extend(render_table([row[:] for row in table]))
            table.clear()

    def flush() -> None:
        flush_table()
        text = clean_text("\n".join(_bullets(body)))
        if text:
            sections.append(Section(text, heading=" > ".join(t for _, t in path)))
        body.clear()

    for i, line in enumerate(lines):
        stripped = line.strip()
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if _TABLE_RULE.match(line) or _RULE.match(line):
            continue
        underline = _RULE.match(following) and stripped and not _TABLE_RULE.match(following)
        if underline or (stripped and _is_caps_heading(stripped) and not _COLUMNS.search(stripped)):
            flush()
            level = 1 if (underline and following.strip()[0] == "=") or not sections and not path else 2
            heading = clean_text(stripped)
            path = [(lvl, t) for lvl, t in path if lvl < level] + [(level, heading)]
            continue
        if stripped and _COLUMNS.search(stripped) and not _BULLET.match(stripped) and \
                (table or _COLUMNS.search(following.strip()) or _TABLE_RULE.match(following)):
            table.append(re.split(r"\s{2,}", stripped))
            continue
        flush_table()
        body.append(line.rstrip())
    flush()
    return sections


def _bullets(lines: list[str]) -> list[str]:
    """Bullet items joined with their indented wrapped lines; a sub-bullet that is only a value ("– $16,000")
    joins its item; everything else reflowed."""
    out: list[str] = []
    item_indent: int | None = None  # column where the open bullet's text starts
    for raw in lines:
        text = raw.strip()
        indent = len(raw) - len(raw.lstrip())
        bullet = _BULLET.match(text)
        if not text:
            out.append("")
            item_indent = None
            continue
        deeper = item_indent is not None and indent >= item_indent
        if bullet and deeper and len(text) - bullet.end() <= 25 and _FIGURE.search(text):
            value = text[bullet.end():]  # one of the item's values: "Choose one limit:" / "– $16,000"
            out[-1] = f"{out[-1]} {value}" if out[-1].endswith(":") else f"{out[-1]}{SEP}{value}"
            continue
        if deeper:  # the item's wrapped lines, or a sub-line of it ("– Yes – No")
            previous = out[-1]
            if not bullet and text[0].isupper() and not _SENTENCE_END.search(previous):
                # a label line, then its description ("Coverage F — Medical Payments: Pays …"), or a value list,
                # then the next sentence
                glue = ". " if previous[-1].isdigit() else ": " if not _FIGURE.search(previous) else " "
            else:
                glue = " "
            out[-1] = f"{previous}{glue}{text}"
            continue
        if bullet:
            out.append(f"\u2022 {text[bullet.end():]}" if text[0] in _MARKS else text)
            item_indent = indent + 1
            continue
        item_indent = None
        out.append(text)
    return reflow(out)
