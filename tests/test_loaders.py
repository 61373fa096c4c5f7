"""ingest.loaders on real files written to tmp_path (reportlab, python-docx, pypdf, plain bytes)."""

from __future__ import annotations

import time
from pathlib import Path

import docx
import pytest
from PIL import Image
from pypdf import PdfWriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    FrameBreak,
    PageBreak,
    PageTemplate,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from ingest.loaders import Document, LoadError, load

MB = 2**20
STYLES = getSampleStyleSheet()
PROSE = ("Fees are charged at the end of each statement cycle. You can avoid the monthly maintenance fee "
         "by keeping a minimum daily balance or by setting up a qualifying direct deposit each month.")


def ruled(rows: list[list[str]], widths: list[int] | None = None) -> Table:
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    return table


def fee_pdf(path: Path, pages: int = 1, title: str | None = "Schedule of fees") -> Path:
    """Prose, a ruled 2-column fee table and a ruled 3-column table with a header, per page."""
    story = []
    for n in range(1, pages + 1):
        story += [Paragraph(f"Checking account fees, page {n}", STYLES["Heading1"]),
                  Paragraph(PROSE, STYLES["Normal"]),
                  ruled([["Service", "Fee"], ["Teller withdrawal", "$2.50 each"], ["Overdraft fee", "$35.00"],
                         ["Paper statement", "$3.00 per month"]], [250, 150]),
                  Paragraph(PROSE, STYLES["Normal"]),
                  ruled([["Account", "Monthly fee", "Minimum balance"], ["Basic Checking", "$5", "$500"],
                         ["Premier Checking", "$25", "$15,000"]]),
                  PageBreak()]
    SimpleDocTemplate(str(path), pagesize=letter, title=title).build(story[:-1])
    return path


def write(tmp_path: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def lines_of(doc: Document) -> list[str]:
    return [line for s in doc.sections for line in s.text.splitlines()]


def line_with(doc: Document, needle: str) -> str:
    found = [line for line in lines_of(doc) if needle in line]
    assert found, f"{needle!r} not in {lines_of(doc)}"
    return found[0]


def fails(path: Path, *causes: str, max_bytes: int = 10 * MB) -> str:
    with pytest.raises(LoadError) as error:
        load(path, max_bytes)
    message = str(error.value)
    assert message.startswith(f"{path.name}: "), message
    for cause in causes:
        assert cause in message, message
    return message


# --- PDF --------------------------------------------------------------------------------------------------


def test_pdf_ruled_fee_table_keeps_label_and_amount_on_one_line(tmp_path):
    doc = load(fee_pdf(tmp_path / "fees.pdf"), 10 * MB)
    assert (doc.kind, doc.pages, doc.title) == ("pdf", 1, "Schedule of fees")
    [page] = doc.sections
    assert page.page == 1
    assert "Teller withdrawal: $2.50 each" in page.text.splitlines()
    assert "Paper statement: $3.00 per month" in page.text.splitlines()
    assert page.text.count("Teller withdrawal") == 1  # the table is not repeated as prose
    assert page.text.count("Overdraft fee") == 1


def test_pdf_table_with_header_row_names_every_value(tmp_path):
    doc = load(fee_pdf(tmp_path / "fees.pdf"), 10 * MB)
    assert line_with(doc, "Premier Checking") == (
        "Account: Premier Checking | Monthly fee: $25 | Minimum balance: $15,000")


TWO_COLUMNS = ({"Teller withdrawal": "$2.50", "Overdraft fee": "$35.00", "Stop payment": "$30.00"},
               {"Wire transfer": "$25.00", "Cashier's check": "$10.00", "Coin counting": "$7.00"})


def two_columns_pdf(path: Path, with_prose: bool = True) -> Path:
    """A page of two text columns, each an account's prose and fees (TWO_COLUMNS: left, right)."""
    left, right = TWO_COLUMNS
    doc_template = BaseDocTemplate(str(path), pagesize=letter)
    width = (letter[0] - 144 - 18) / 2
    doc_template.addPageTemplates([PageTemplate(frames=[
        Frame(72, 72, width, letter[1] - 144), Frame(72 + width + 18, 72, width, letter[1] - 144)])])
    story = [Paragraph("Everyday account. " + PROSE, STYLES["Normal"])] if with_prose else []
    story += [Paragraph(f"{label}: {fee}", STYLES["Normal"]) for label, fee in left.items()]
    story += [FrameBreak(), Paragraph("Premium account. " + PROSE, STYLES["Normal"])] if with_prose else [FrameBreak()]
    story += [Paragraph(f"{label}: {fee}", STYLES["Normal"]) for label, fee in right.items()]
    doc_template.build(story)  # both columns hold the same number of lines, so rows share heights
    return path


@pytest.mark.parametrize("with_prose", [True, False])
def test_pdf_two_column_page_reads_left_column_then_right(tmp_path, with_prose):
    left, right = TWO_COLUMNS
    two_columns_pdf(tmp_path / "two columns.pdf", with_prose)

    doc = load(tmp_path / "two columns.pdf", 10 * MB)
    amounts = {**left, **right}
    for label, fee in amounts.items():
        line = line_with(doc, label)
        assert fee in line
        assert not [other for other in amounts.values() if other != fee and other in line], line
    text = doc.sections[0].text
    assert text.index("Stop payment") < text.index("Wire transfer")
    if with_prose:
        assert text.index("Stop payment") < text.index("Premium account")
        assert "each month." in line_with(doc, "qualifying direct deposit")  # prose lines not merged either


def test_pdf_unruled_price_list_keeps_rows(tmp_path):
    path = tmp_path / "list.pdf"
    pdf = canvas.Canvas(str(path), pagesize=letter)
    pdf.drawString(72, 720, "Everyday fees for personal accounts, effective 1 March 2025 and until further notice.")
    for i, (label, fee) in enumerate([("Teller withdrawal", "$2.50 each"), ("Overdraft fee", "$35.00"),
                                      ("Wire transfer (outgoing)", "$25.00"), ("Stop payment", "$30.00")]):
        pdf.drawString(72, 690 - 16 * i, label)
        pdf.drawString(420, 690 - 16 * i, fee)
    pdf.drawString(72, 600, "Card replacement " + "." * 40 + " $10.00")
    pdf.save()
    doc = load(path, 10 * MB)
    assert "Teller withdrawal: $2.50 each" in lines_of(doc)
    assert "Wire transfer (outgoing): $25.00" in lines_of(doc)
    assert "Card replacement: $10.00" in lines_of(doc)


def test_pdf_pages_are_numbered_from_one(tmp_path):
    path = tmp_path / "three.pdf"
    SimpleDocTemplate(str(path)).build([
        Paragraph("Alpha page text", STYLES["Normal"]), PageBreak(),
        Paragraph("Bravo page text", STYLES["Normal"]), PageBreak(),
        Paragraph("Charlie page text", STYLES["Normal"])])
    doc = load(path, 10 * MB)
    assert doc.pages == 3
    assert [(s.page, s.text) for s in doc.sections] == [
        (1, "Alpha page text"), (2, "Bravo page text"), (3, "Charlie page text")]
    assert doc.title == "Alpha page text"  # reportlab's default "untitled" metadata is ignored


def test_pdf_words_split_at_line_ends_are_joined(tmp_path):
    path = tmp_path / "hyphens.pdf"
    pdf = canvas.Canvas(str(path))
    for i, line in enumerate(["Your monthly state-", "ment is free. This well-known rule", "is a well-",
                              "known fact about ATM-", "Network fees."]):
        pdf.drawString(72, 720 - 14 * i, line)
    pdf.save()
    text = load(path, 10 * MB).sections[0].text
    assert "statement" in text and "state-" not in text
    assert "well-known fact" in text  # the document spells it with a hyphen elsewhere
    assert "ATM-Network" in text  # a capital after the hyphen: not a split word


def test_pdf_speed_is_reasonable(tmp_path):
    path = fee_pdf(tmp_path / "speed.pdf", pages=4)
    load(path, 10 * MB)
    start = time.perf_counter()
    doc = load(path, 10 * MB)
    per_page = (time.perf_counter() - start) / doc.pages
    assert doc.pages == 4 and [s.page for s in doc.sections] == [1, 2, 3, 4]
    assert per_page < 0.25  # ~15-25 ms/page measured; this only catches an accidental slow path


def test_non_ascii_file_name(tmp_path):
    path = fee_pdf(tmp_path / "Frais bancaires – été 2025.pdf", title="Frais bancaires")
    doc = load(path, 10 * MB)
    assert doc.name == "Frais bancaires – été 2025.pdf"
    assert doc.title == "Frais bancaires"
    fails(path, "too large", max_bytes=100)


def test_corrupt_pdf(tmp_path):
    data = fee_pdf(tmp_path / "fees.pdf").read_bytes()
    fails(write(tmp_path, "cut off.pdf", data[: len(data) // 2]), "the PDF is damaged and cannot be read")


def test_password_protected_pdf(tmp_path):
    writer = PdfWriter(clone_from=fee_pdf(tmp_path / "fees.pdf"))
    writer.encrypt(user_password="secret", owner_password="owner")
    writer.write(tmp_path / "locked.pdf")
    fails(tmp_path / "locked.pdf", "password-protected", "remove the password")


@pytest.mark.parametrize("content", ["shapes", "image"])
def test_image_only_pdf(tmp_path, content):
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    if content == "shapes":
        pdf.rect(100, 100, 300, 400, fill=1)
        pdf.circle(300, 600, 50)
    else:
        Image.new("L", (300, 200), 200).save(tmp_path / "page.png")
        pdf.drawImage(str(tmp_path / "page.png"), 72, 400)
    pdf.save()
    fails(path, "no text layer (scanned image)", "needs OCR")


def test_pdf_that_is_really_html(tmp_path):
    path = write(tmp_path, "report.pdf", "<!DOCTYPE html>\n<html><body><p>Please sign in</p></body></html>")
    assert fails(path) == "report.pdf: the file is not a PDF (its content looks like HTML)"


def test_pdf_that_is_really_a_word_document(tmp_path):
    document = docx.Document()
    document.add_paragraph("Hello")
    document.save(tmp_path / "letter.pdf")
    fails(tmp_path / "letter.pdf", "not a PDF", "Word document")


# --- DOCX -------------------------------------------------------------------------------------------------


def test_docx_keeps_document_order_headings_and_tables(tmp_path):
    document = docx.Document()
    document.add_paragraph("Fee guide 2025", style="Title")
    document.add_paragraph("Welcome to the guide.")
    document.add_heading("Checking accounts", level=1)
    document.add_paragraph("These fees apply to every checking account.")
    table = document.add_table(rows=3, cols=2)
    for row, cells in zip(table.rows, [("Service", "Fee"), ("Teller withdrawal", "$2.50 each"),
                                       ("Overdraft fee", "$35.00")]):
        row.cells[0].text, row.cells[1].text = cells
    document.add_paragraph("Fees are charged monthly.")
    document.add_heading("Wires", level=2)
    wide = document.add_table(rows=2, cols=3)
    for row, cells in zip(wide.rows, [("Type", "Fee", "Cut-off"), ("Outgoing wire", "$25", "4 pm")]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    document.save(tmp_path / "guide.docx")

    doc = load(tmp_path / "guide.docx", 10 * MB)
    assert (doc.kind, doc.title) == ("docx", "Fee guide 2025")
    assert [(s.heading, s.text.splitlines()) for s in doc.sections] == [
        ("", ["Welcome to the guide."]),
        ("Checking accounts", ["These fees apply to every checking account.", "", "Service: Fee",
                               "Teller withdrawal: $2.50 each", "Overdraft fee: $35.00", "",
                               "Fees are charged monthly."]),
        ("Checking accounts > Wires", ["Type: Outgoing wire | Fee: $25 | Cut-off: 4 pm"]),
    ]


def test_docx_styles_resolve_as_python_docx_resolves_them(tmp_path):
    """The reader looks style names up once per document; a dangling style id, or one naming a character
    style, falls back to the default paragraph style as python-docx's own lookup does: body text, not a heading."""
    document = docx.Document()
    document.add_paragraph("Intro")
    document.add_heading("Fees", level=1)
    for text, style_id in (("Ghost-styled text", "NoSuchStyle"), ("Character-styled text", "HeaderChar")):
        document.add_paragraph(text)._p.get_or_add_pPr().get_or_add_pStyle().val = style_id
    document.add_heading("Wires", level=2)
    document.add_paragraph("Outgoing wire $25")
    document.save(tmp_path / "styles.docx")

    reference = docx.Document(tmp_path / "styles.docx")
    assert [p.style.name for p in reference.paragraphs][2:4] == ["Normal", "Normal"]
    doc = load(tmp_path / "styles.docx", 10 * MB)
    assert [(s.heading, s.text.splitlines()) for s in doc.sections] == [
        ("", ["Intro"]),
        ("Fees", ["Ghost-styled text", "Character-styled text"]),
        ("Fees > Wires", ["Outgoing wire $25"]),
    ]


def test_damaged_docx(tmp_path):
    document = docx.Document()
    document.add_paragraph("Hello")
    document.save(tmp_path / "ok.docx")
    data = (tmp_path / "ok.docx").read_bytes()
    fails(write(tmp_path, "broken.docx", data[: len(data) // 2]), "the Word document is damaged")


# --- HTML -------------------------------------------------------------------------------------------------

HTML = """<!DOCTYPE html><html><head><title>Card fees | Example Bank</title>
<style>.x { color: red }</style><script>var tracking = "SCRIPT-TEXT";</script></head>
<body><header>Example Bank home</header><nav><a href="/">Home</a> <a href="/loans">Loans</a></nav>
<div role="navigation">Breadcrumb trail</div>
<main><h1>Card fees</h1><p>Fees for   debit and
credit cards.</p>
<h2>Replacement</h2><p>Lost cards are replaced<br>within five days.</p>
<table><thead><tr><th>Card</th><th>Fee</th><th>Delivery</th></tr></thead>
<tbody><tr><td>Debit</td><td>$5</td><td>Mail</td></tr><tr><td>Credit</td><td>$0</td><td>Express</td></tr></tbody></table>
<table><tr><td>Teller withdrawal</td><td>$2.50 each</td></tr></table>
<h2>Abroad</h2><ul><li>No foreign fee on Premier cards</li><li>3% on others</li></ul></main>
<aside>Related articles</aside><noscript>Enable JavaScript</noscript><footer>Copyright 2025</footer>
<form>Search <input name="q"></form></body></html>"""


def test_html_drops_page_furniture_and_keeps_tables(tmp_path):
    doc = load(write(tmp_path, "cards.html", HTML), 10 * MB)
    assert (doc.kind, doc.title) == ("html", "Card fees | Example Bank")
    text = "\n".join(lines_of(doc))
    for noise in ("SCRIPT-TEXT", "color", "Home", "Loans", "Breadcrumb", "Example Bank home", "Related",
                  "Enable JavaScript", "Copyright", "Search"):
        assert noise not in text
    assert [s.heading for s in doc.sections] == ["Card fees", "Card fees > Replacement", "Card fees > Abroad"]
    assert doc.sections[0].text == "Fees for debit and credit cards."
    replacement = doc.sections[1].text.splitlines()
    assert replacement[:2] == ["Lost cards are replaced", "within five days."]
    assert "Card: Debit | Fee: $5 | Delivery: Mail" in replacement
    assert "Teller withdrawal: $2.50 each" in replacement
    assert doc.sections[2].text.splitlines() == ["No foreign fee on Premier cards", "3% on others"]


def test_html_declared_charset(tmp_path):
    page = '<html><head><meta charset="windows-1252"><title>Frais</title></head><body><p>“Carte” débit</p></body></html>'
    doc = load(write(tmp_path, "frais.htm", page, "cp1252"), 10 * MB)
    assert (doc.kind, doc.title, doc.sections[0].text) == ("html", "Frais", "“Carte” débit")


def test_txt_that_is_an_html_page_is_read_as_html(tmp_path):
    doc = load(write(tmp_path, "saved page.txt", HTML), 10 * MB)
    assert doc.kind == "html" and "SCRIPT-TEXT" not in "\n".join(lines_of(doc))


# --- Markdown ---------------------------------------------------------------------------------------------

MARKDOWN = """# FAQ

Answers to **common** questions.

## Cards

### Lost card

Call us *right away* at `1-800-555-0100` or see [the help page](https://bank.example/help).

| Card | Fee | Delivery |
|------|----:|----------|
| Debit | $5 | Mail |
| Credit \\| gold | $0 | Express |

```
# not a heading
```

## Loans

- Rates from _4.5%_
"""


def test_markdown_heading_path_tables_and_emphasis(tmp_path):
    doc = load(write(tmp_path, "faq.md", MARKDOWN), 10 * MB)
    assert (doc.kind, doc.title) == ("md", "FAQ")
    assert [s.heading for s in doc.sections] == ["FAQ", "FAQ > Cards > Lost card", "FAQ > Loans"]
    assert doc.sections[0].text == "Answers to common questions."
    lost = doc.sections[1].text.splitlines()
    assert lost[0] == "Call us right away at 1-800-555-0100 or see the help page (https://bank.example/help)."
    assert "Card: Debit | Fee: $5 | Delivery: Mail" in lost
    assert "Card: Credit | gold | Fee: $0 | Delivery: Express" in lost
    assert "# not a heading" in lost
    assert doc.sections[2].text == "- Rates from 4.5%"


def test_markdown_without_h1_is_titled_by_file_stem(tmp_path):
    doc = load(write(tmp_path, "card rules.markdown", "Intro line\n\n## Cards\nText"), 10 * MB)
    assert doc.title == "card rules"
    assert [(s.heading, s.text) for s in doc.sections] == [("", "Intro line"), ("Cards", "Text")]


# --- TXT --------------------------------------------------------------------------------------------------

FRENCH = "Le relevé “mensuel” est envoyé à l’adresse indiquée.\r\nFrais : 5 € par mois."


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                           ("utf-16-le", b"\xff\xfe"), ("cp1252", b"")])
def test_txt_encodings(tmp_path, encoding, bom):
    doc = load(write(tmp_path, "relevé.txt", bom + FRENCH.encode(encoding)), 10 * MB)
    assert (doc.kind, doc.title, doc.name) == ("txt", "relevé", "relevé.txt")
    assert doc.sections[0].text == "Le relevé “mensuel” est envoyé à l’adresse indiquée.\nFrais : 5 € par mois."


def test_txt_short_cp1252(tmp_path):
    doc = load(write(tmp_path, "note.txt", "“Café” fees".encode("cp1252")), 10 * MB)
    assert doc.sections[0].text == "“Café” fees"


def test_txt_normalises_whitespace_and_controls(tmp_path):
    text = "ﬁrst\u00a0\u00a0line\x07 with\ttabs   and\u200b zero-width\n\n\n\nnext  paragraph  "
    doc = load(write(tmp_path, "messy.txt", text), 10 * MB)
    assert doc.sections[0].text == "first line with tabs and zero-width\n\nnext paragraph"


def test_txt_with_binary_content(tmp_path):
    path = write(tmp_path, "notes.txt", bytes(range(256)) * 8)
    fails(path, "not readable text (unsupported encoding or binary content)")


# --- CSV --------------------------------------------------------------------------------------------------


def test_csv_rows_carry_their_headers(tmp_path):
    data = ("Product,Term (months),Minimum deposit ($),APY\n"
            "Gold Savings,12,2500,1.10%\n,,,\n\"Silver, plus\",6,500,0.90%\n")
    doc = load(write(tmp_path, "rates.csv", data), 10 * MB)
    assert (doc.kind, doc.title) == ("csv", "rates")
    assert lines_of(doc) == [
        "Product: Gold Savings | Term (months): 12 | Minimum deposit ($): 2500 | APY: 1.10%",
        "Product: Silver, plus | Term (months): 6 | Minimum deposit ($): 500 | APY: 0.90%"]


def test_csv_semicolons_and_cp1252(tmp_path):
    data = "Produit;Frais\nCarte débit;5 €\nVirement;0 €\n".encode("cp1252")
    doc = load(write(tmp_path, "frais.csv", data), 10 * MB)
    assert lines_of(doc) == ["Produit: Carte débit | Frais: 5 €", "Produit: Virement | Frais: 0 €"]


def test_csv_header_only(tmp_path):
    fails(write(tmp_path, "rates.csv", "Product,APY\n\n"), "the CSV has a header but no rows")


def test_csv_that_is_html(tmp_path):
    fails(write(tmp_path, "export.csv", HTML), "not a CSV file", "HTML")


# --- checks before parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize("name, data", [("empty.pdf", b""), ("blank.txt", b"  \r\n\t\n"),
                                        ("blank16.txt", "\ufeff   \n".encode("utf-16"))])
def test_empty_files(tmp_path, name, data):
    fails(write(tmp_path, name, data), "the file is empty")


def test_oversized_file(tmp_path):
    path = write(tmp_path, "big.txt", "x" * 3 * MB)
    message = fails(path, "too large", max_bytes=2 * MB)
    assert "3.0 MB" in message and "2.0 MB" in message


@pytest.mark.parametrize("name", ["setup.exe", "rates.xlsx", "README"])
def test_unsupported_extension(tmp_path, name):
    fails(write(tmp_path, name, b"MZ\x90\x00binary"), "not supported", ".pdf, .docx, .html, .htm, .md",
          ".markdown, .txt, .csv")


def test_missing_file(tmp_path):
    fails(tmp_path / "gone.pdf", "does not exist")


def test_text_file_that_is_really_a_pdf(tmp_path):
    fails(write(tmp_path, "notes.md", fee_pdf(tmp_path / "f.pdf").read_bytes()),
          "not a Markdown file (its content looks like a PDF)")


def test_no_text_at_all(tmp_path):
    fails(write(tmp_path, "shell.html", "<html><body><nav>Menu</nav><script>x()</script></body></html>"),
          "no text found")
