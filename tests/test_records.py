"""Evidence records: table rows carry their column headers, wrapped lines become sentences, plain-text exports
get their headings, tables and bullets back (ingest/records.py), on line lists and on real files."""

from __future__ import annotations

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from ingest.loaders import load
from ingest.records import attach_headers, reflow, text_sections

STATEMENT = [
    "CONSOLIDATED STATEMENTS OF INCOME",
    "Three Months Ended June 30, | Six Months Ended June 30,",
    "2023 | 2022 | 2023 | 2022",
    "(In millions)",
    "",
    "Net revenues | $ | 7,287 | $ | 6,806 | $ | 14,327 | $ | 13,289",
    "Operating expenses:",
    "Transaction expense | 3,541 | 3,044 | 6,824 | 5,861",
    "Total operating expenses | 6,154 | 6,042 | 12,195 | 11,814",
    "Operating income | 1,133 | 764 | 2,132 | 1,475",
]


def test_rows_of_figures_carry_their_column_headers_and_row_group():
    out = attach_headers(STATEMENT)
    assert out[5] == ("Net revenues | Three Months Ended June 30, 2023: $7,287, 2022: $6,806 | "
                      "Six Months Ended June 30, 2023: $14,327, 2022: $13,289")
    assert out[7].startswith("Operating expenses \u203a Transaction expense | Three Months Ended June 30, 2023: 3,541")
    assert out[8].startswith("Operating expenses \u203a Total operating expenses |")
    assert out[9].startswith("Operating income |")  # a "Total" row closes the group
    assert out[:5] == STATEMENT[:5]  # headers and captions stay as they were


def test_header_blocks_read_one_under_the_other_and_a_repeating_bottom_header():
    side_by_side = ["Three Months Ended June 30,", "2023: 2022", "Six Months Ended June 30,", "2023: 2022",
                    "(In millions)", "U.S. | $ | 4,210 | $ | 3,863 | $ | 8,357 | $ | 7,534"]
    assert attach_headers(side_by_side)[-1] == ("U.S. | Three Months Ended June 30, 2023: $4,210, 2022: $3,863 | "
                                                "Six Months Ended June 30, 2023: $8,357, 2022: $7,534")
    repeated = ["2023 | 2022 | Change", "", "Effective tax rate | 21 | % | 796 | % | ** | 23 | % | 75 | % | **"]
    assert attach_headers(repeated)[-1] == ("Effective tax rate | 2023: 21% | 2022: 796% | Change: ** | "
                                            "2023: 23% | 2022: 75% | Change: **")


def test_rows_without_a_header_and_fee_rows_are_left_alone():
    lines = ["Wire Transfers", "Outgoing domestic wire: $28.00", "Share draft | 12 | 24",
             "A long sentence of prose that talks about fees in general and is certainly no column header at all.",
             "Checking | 5 | 10"]
    assert attach_headers(lines) == lines
    tiers = ["Balance tier | Dividend rate | APY", "$0 - $999 | 0.10% | 0.10%"]
    assert attach_headers(tiers) == tiers  # a value row needs two figure cells after its label: this has a range label


def test_reflow_joins_wrapped_prose_and_keeps_records_headings_and_lead_ins():
    lines = ["Fees",
             "We do not charge an overdraft fee if your account is overdrawn by $5.00 or less at the end of",
             "the business day. Linking a savings account can help you avoid overdrafts and saves you money.",
             "Overdraft fee (per item paid): $34.00",
             "The following fees apply to accounts opened after the first of January of this year:",
             "Monthly fee: $5",
             "Questions about your",
             "card: see the back of your card."]
    out = reflow(lines)
    assert out[0] == "Fees"
    assert out[1].startswith("We do not charge") and out[1].endswith("saves you money.")
    assert "Overdraft fee (per item paid): $34.00" in out and "Monthly fee: $5" in out
    assert out[-1] == "Questions about your card: see the back of your card."


EXPORT = """FIRST EXAMPLE CREDIT UNION
Fee Schedule (rev. 01/26)
=========================

SECTION 1 - WIRES
-----------------

\u2022 International outgoing wire
    in U.S. dollars: $45
\u2022 Coverage C - Personal Property
  Your belongings, at home or while travelling. Choose one limit:
      \u2013 $16,000
      \u2013 $28,000
  Claims are paid at replacement cost.

  Property type                       Special limit (theft)
  ---------------------------------   ---------------------
  Jewelry, watches, furs              $1,500
  Cash, bank notes                    $150

Wire requests received after the cut-off time are processed on the
next business day.
"""


def test_a_plain_text_export_gets_sections_tables_and_whole_bullets():
    sections = text_sections(EXPORT)
    assert [s.heading for s in sections] == ["Fee Schedule (rev. 01/26) > SECTION 1 - WIRES"]
    lines = sections[0].text.splitlines()
    assert "\u2022 International outgoing wire in U.S. dollars: $45" in lines
    assert ("\u2022 Coverage C - Personal Property: Your belongings, at home or while travelling. Choose one limit: "
            "$16,000 | $28,000. Claims are paid at replacement cost.") in lines
    assert "Jewelry, watches, furs: $1,500" in lines and "Cash, bank notes: $150" in lines
    assert ("Wire requests received after the cut-off time are processed on the next business day.") in lines


def test_a_pdf_statement_with_unruled_columns_becomes_records(tmp_path):
    """A real PDF drawn like a financial statement (no ruling lines): the row read from it names its period."""
    path = tmp_path / "statement.pdf"
    c = canvas.Canvas(str(path), pagesize=letter)
    c.setFont("Helvetica", 9)
    y = 700
    c.drawString(300, y, "Three Months Ended June 30,")
    c.drawString(440, y, "Six Months Ended June 30,")
    y -= 14
    for x, text in [(300, "2023"), (370, "2022"), (440, "2023"), (510, "2022")]:
        c.drawString(x, y, text)
    for label, values in [("Net revenues", ["$ 7,287", "$ 6,806", "$ 14,327", "$ 13,289"]),
                          ("Income tax expense", ["274", "390", "553", "510"])]:
        y -= 14
        c.drawString(72, y, label)
        for x, v in zip([300, 370, 440, 510], values):
            c.drawString(x, y, v)
    c.showPage()
    c.save()
    text = load(path, 10**7).sections[0].text
    assert "Income tax expense | Three Months Ended June 30, 2023: 274, 2022: 390 | " \
           "Six Months Ended June 30, 2023: 553, 2022: 510" in text.splitlines()


def test_plain_text_files_load_through_the_records_path(tmp_path):
    path = tmp_path / "fees.txt"
    path.write_text(EXPORT, encoding="utf-8")
    doc = load(path, 10**6)
    assert doc.sections[0].heading.endswith("SECTION 1 - WIRES")
    assert "\u2022 International outgoing wire in U.S. dollars: $45" in doc.sections[0].text


def test_a_later_table_does_not_inherit_an_earlier_tables_headers():
    lines = ["2023 | 2022", "Net revenues | 7,287 | 6,806",
             "The table below shows the number of accounts opened at each of our branches during the period.",
             "Main Street | 120 | 98"]
    out = attach_headers(lines)
    assert out[1].startswith("Net revenues | 2023: 7,287")
    assert out[3] == "Main Street | 120 | 98"
