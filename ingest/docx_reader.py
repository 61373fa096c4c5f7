"""Word (.docx) reader: paragraphs and tables in body order, with Word's heading styles as the section path.

It is a module of its own because it is the one reader that needs python-docx and its XML details
(content controls, merged cells, repeated header rows); `ingest.loaders` calls `read_docx` once the bytes
have been sniffed as a real .docx package.
"""

from __future__ import annotations

import io
import re

from ingest.document import Document, LoadError
from ingest.text import heading_path, make_section, one_line, render_table


def read_docx(data: bytes, name: str, stem: str) -> Document:
    """Paragraphs and tables in body order (content controls included); headings start sections."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
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

    # Paragraph style names by style id, read once: python-docx looks a paragraph's style up anew on each call
    # (two-thirds of this reader's time). An unknown id, or one of another type, means the default style.
    named, default_name = {}, ""
    for style in document.styles:
        if style.type == WD_STYLE_TYPE.PARAGRAPH:
            named[style.style_id] = style.name
            if style.element.default:  # the last one marked default wins, as in python-docx
                default_name = style.name

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
        style = named.get(block._p.style, default_name)
        level = int(m[1]) if (m := re.match(r"Heading (\d)$", style)) else 0
        if text and (level or style == "Title"):
            sections.append(make_section(lines, path))
            lines = []
            if level:
                path = heading_path(path, level, one_line(text))
            titles.append((0 if style == "Title" else level, one_line(text)))
        else:
            lines.append(text)
    sections.append(make_section(lines, path))
    core = one_line(document.core_properties.title)
    title = next((t for lvl, t in titles if lvl == 0), "") or core or next((t for _, t in titles), "") or stem
    return Document(name, "docx", title, sections)

