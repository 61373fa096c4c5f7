"""Generate the binary and cp1252 sample documents of the Maple Harbor Bank corpus.

Run from anywhere:  python samples/make_samples.py

Writes fee_schedule.pdf, card_fees_two_column.pdf, account_terms.docx and privacy_notice.txt
(cp1252) next to this script; the other sample files are written by hand. Output is
deterministic: fixed dates, no randomness, reportlab invariant mode, and the DOCX zip is
rewritten with fixed timestamps. All names, numbers and figures are fictional.
"""

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import (BaseDocTemplate, Frame, FrameBreak, PageBreak, PageTemplate,
                                Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle)

rl_config.invariant = 1  # reproducible PDF bytes (fixed creation date and document id)

OUT = Path(__file__).resolve().parent
BANK = "Maple Harbor Bank"
NAVY = colors.HexColor("#1F3A5F")

styles = getSampleStyleSheet()
H1 = ParagraphStyle("H1", parent=styles["Title"], fontSize=20, textColor=NAVY, spaceAfter=4)
SUB = ParagraphStyle("SUB", parent=styles["Normal"], fontSize=12, alignment=1, spaceAfter=12)
H2 = ParagraphStyle("H2", parent=styles["Heading2"], fontSize=13, textColor=NAVY, spaceBefore=10)
BODY = ParagraphStyle("BODY", parent=styles["Normal"], fontSize=10, leading=13, spaceAfter=6)
SMALL = ParagraphStyle("SMALL", parent=BODY, fontSize=8.5, leading=11)


def fee_table(rows, header=("Service", "Fee"), widths=(4.3 * inch, 2.2 * inch)):
    """A two-column label/amount table with a shaded header row."""
    t = Table([list(header)] + [list(r) for r in rows], colWidths=list(widths))
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), NAVY), ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("FONTSIZE", (0, 0), (-1, -1), 10),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#EEF2F7")]),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    return t


def page_footer(margin, left, right):
    """onPage callback drawing a one-line footer; `right` may contain {page}."""
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(margin, 0.55 * inch, left)
        canvas.drawRightString(letter[0] - margin, 0.55 * inch, right.format(page=doc.page))
        canvas.restoreState()
    return draw


# --------------------------------------------------------------------------- fee_schedule.pdf
def build_fee_schedule(path: Path) -> None:
    footer = page_footer(0.9 * inch, f"{BANK} - Schedule of Fees and Charges", "Page {page} of 4")
    P = lambda text, st=BODY: Paragraph(text, st)  # noqa: E731
    s = [
        P(BANK, H1),
        P("Schedule of Fees and Charges", SUB),
        P("<b>Effective June 15, 2025</b>", SUB),
        P("This schedule lists the fees for personal and business deposit accounts at Maple Harbor "
          "Bank, a community bank headquartered in Harbor Falls, Maine. It is part of your Deposit "
          "Account Agreement. We will give you advance written notice before any fee increases."),
        P("Checking Accounts - Monthly Maintenance Fees", H2),
        fee_table([
            ("Basic Checking", "$12.00 per month"),
            ("Harbor Interest Checking", "$18.00 per month"),
            ("Business Essentials Checking", "$14.00 per month"),
            ("Student Checking", "No monthly fee"),
        ], header=("Account", "Monthly maintenance fee")),
        P("How to avoid the monthly maintenance fee", H2),
        P("<b>Basic Checking:</b> we waive the monthly maintenance fee for any statement cycle in "
          "which you keep a minimum daily balance of $1,500 or receive direct deposits totaling "
          "$650 or more."),
        P("<b>Harbor Interest Checking:</b> the fee is waived when the combined average daily "
          "balance of all your Maple Harbor deposit accounts is $7,500 or more."),
        P("<b>Business Essentials Checking:</b> the fee is waived with an average daily balance "
          "of $4,000 or more in the account."),
        P("<b>Student Checking:</b> available to full-time students with a valid student ID; there "
          "is no balance requirement."),
        P("Other Checking Account Fees", H2),
        fee_table([
            ("Teller withdrawal (after four free per statement cycle)", "$2.50 each"),
            ("Account closed within 120 days of opening", "$20.00"),
        ]),
        PageBreak(),
        # ---- page 2
        P("ATM and Debit Card Fees", H2),
        P("Use of any Maple Harbor Bank ATM is free. The fees below apply to personal and business "
          "debit cards. Other ATM owners may add their own surcharge. Harbor Interest Checking "
          "customers are refunded up to four non-Maple Harbor ATM surcharges per statement cycle."),
        fee_table([
            ("Withdrawal at a Maple Harbor Bank ATM", "No charge"),
            ("Withdrawal at a non-Maple Harbor ATM in the U.S.", "$2.75 each"),
            ("Withdrawal at an ATM outside the U.S.", "$4.50 each"),
            ("Balance inquiry at a non-Maple Harbor ATM", "$1.25 each"),
            ("Replacement debit card", "$8.00 per card"),
            ("Expedited (rush) debit card delivery", "$35.00 per card"),
            ("Foreign transaction fee", "2% of the U.S. dollar amount"),
        ]),
        Spacer(1, 8),
        P("The foreign transaction fee applies to debit card purchases and ATM withdrawals made in a "
          "foreign currency or processed outside the United States."),
        P("Daily Debit Card Limits", H2),
        fee_table([
            ("ATM cash withdrawal limit", "$800 per day"),
            ("Debit card purchase limit", "$3,500 per day"),
        ], header=("Limit", "Amount")),
        PageBreak(),
        # ---- page 3
        P("Wire Transfers", H2),
        fee_table([
            ("Incoming domestic wire", "$15.00"),
            ("Incoming international wire", "$17.00"),
            ("Outgoing domestic wire", "$28.00"),
            ("Outgoing international wire (sent in U.S. dollars)", "$47.00"),
        ]),
        Spacer(1, 8),
        fee_table([
            ("Domestic wire cut-off time", "3:00 p.m. ET"),
            ("International wire cut-off time", "1:30 p.m. ET"),
        ], header=("Wire cut-off times (business days)", "Time")),
        Spacer(1, 6),
        P("Wire requests received after the cut-off time are processed on the next business day."),
        P("Stop Payments and Overdrafts", H2),
        fee_table([
            ("Stop payment order (per item)", "$32.00"),
            ("Overdraft fee (per item paid)", "$34.00"),
            ("Maximum overdraft fees charged", "3 per business day"),
            ("Overdraft transfer from linked savings", "$6.00 per transfer"),
            ("Returned deposited item", "$11.00 each"),
        ]),
        Spacer(1, 8),
        P("We do not charge an overdraft fee if your account is overdrawn by $5.00 or less at the "
          "end of the business day. Linking a savings account can help you avoid overdrafts."),
        PageBreak(),
        # ---- page 4
        P("Miscellaneous Services", H2),
        fee_table([
            ("Paper statement (e-Statements are free)", "$3.50 per month"),
            ("Cashier's check", "$9.00 each"),
            ("Money order", "$4.00 each"),
            ("Account research or reconciliation", "$27.00 per hour"),
            ("Legal process (levy or garnishment)", "$75.00 per order"),
        ]),
        Spacer(1, 6),
        P("Account research is billed with a one-hour minimum."),
        P("Contact Numbers", H2),
        fee_table([
            ("Wire Transfer Department", "1-800-555-0172"),
            ("Deposit Operations (fee questions and refunds)", "1-800-555-0186"),
        ], header=("Department", "Phone")),
        Spacer(1, 10),
        P("Maple Harbor Bank, Harbor Falls, Maine. Member FDIC. Equal Housing Lender.", SMALL),
    ]
    doc = SimpleDocTemplate(str(path), pagesize=letter, leftMargin=0.9 * inch,
                            rightMargin=0.9 * inch, topMargin=0.8 * inch, bottomMargin=0.9 * inch,
                            title="Schedule of Fees and Charges", author=BANK, creator=BANK)
    doc.build(s, onFirstPage=footer, onLaterPages=footer)


# ------------------------------------------------------------------ card_fees_two_column.pdf
def build_card_fees(path: Path) -> None:
    width, height = letter
    margin, gutter, header_h = 0.75 * inch, 0.4 * inch, 1.3 * inch
    col_w = (width - 2 * margin - gutter) / 2
    col_h = height - 2 * margin - header_h
    frames = [
        Frame(margin, height - margin - header_h, width - 2 * margin, header_h, id="header"),
        Frame(margin, margin, col_w, col_h, id="left"),
        Frame(margin + col_w + gutter, margin, col_w, col_h, id="right"),
    ]

    footer = page_footer(margin, "Harbor Light Visa Credit Card - Pricing Information - "
                         "Rev. 09/2025", f"{BANK}, Harbor Falls, Maine")
    row_h = 0.32 * inch

    def column_table(rows):
        # Same row height in both columns, so the rows line up across the page.
        t = Table([list(r) for r in rows], colWidths=[col_w * 0.56, col_w * 0.44],
                  rowHeights=[row_h] * len(rows))
        t.setStyle(TableStyle([
            ("FONTSIZE", (0, 0), (-1, -1), 9.5), ("FONTNAME", (1, 0), (1, -1), "Helvetica-Bold"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]))
        return t

    col_head = ParagraphStyle("COLH", parent=H2, spaceBefore=0, spaceAfter=6)
    story = [
        Paragraph("Harbor Light Visa&reg; Credit Card", H1),
        Paragraph("Rates and Fees Table - issued by Maple Harbor Bank", SUB),
        FrameBreak(),
        Paragraph("Interest Rates and Interest Charges", col_head),
        column_table([
            ("Purchase APR", "18.49% variable"),
            ("Balance transfer APR", "20.24% variable"),
            ("Cash advance APR", "26.74% variable"),
            ("Penalty APR", "Up to 29.99%"),
            ("Grace period on purchases", "At least 23 days"),
            ("Minimum interest charge", "$0.50"),
        ]),
        Spacer(1, 10),
        Paragraph("Your variable APRs move with the Prime Rate. The Penalty APR may apply if you "
                  "make a late payment, and it stays in effect until you make six consecutive "
                  "minimum payments on time. We will not charge interest on purchases if you pay "
                  "your entire balance by the due date each month.", BODY),
        FrameBreak(),
        Paragraph("Fees", col_head),
        column_table([
            ("Annual fee", "$39"),
            ("Late payment fee", "Up to $41"),
            ("Returned payment fee", "Up to $25"),
            ("Cash advance fee", "5% (min. $10)"),
            ("Balance transfer fee", "3% (min. $7)"),
            ("Over-the-credit-limit fee", "None"),
        ]),
        Spacer(1, 10),
        Paragraph("The cash advance fee and the balance transfer fee are each charged as a "
                  "percentage of the amount of each transaction, or the minimum dollar amount "
                  "shown, whichever is greater. Questions about your card: see the back of your "
                  "card or your monthly statement.", BODY),
    ]
    doc = BaseDocTemplate(str(path), pagesize=letter, title="Harbor Light Visa Rates and Fees",
                          author=BANK, creator=BANK)
    doc.addPageTemplates([PageTemplate(id="twocol", frames=frames, onPage=footer)])
    doc.build(story)


# ------------------------------------------------------------------------ account_terms.docx
def normalize_zip(path: Path) -> None:
    """Rewrite a zip (docx) with fixed member timestamps so the bytes are reproducible."""
    with zipfile.ZipFile(path) as zin:
        members = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2025, 7, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, data)
    path.write_bytes(buf.getvalue())


def build_account_terms(path: Path) -> None:
    d = Document()
    cp = d.core_properties
    cp.title, cp.author, cp.last_modified_by = "Deposit Account Agreement", BANK, BANK
    cp.created = cp.modified = dt.datetime(2025, 7, 1, 9, 0, 0)
    cp.revision = 1

    d.add_heading(f"{BANK} Deposit Account Agreement", level=0)
    d.add_paragraph("Effective July 1, 2025. Please read this agreement and keep it with your "
                    "records. Fees for checking accounts and for services are listed in our "
                    "separate Schedule of Fees and Charges.")
    d.add_heading("1. About This Agreement", level=1)
    d.add_paragraph("This agreement governs your savings, money market and retirement savings "
                    "accounts with Maple Harbor Bank (\"we\", \"us\"). By opening or keeping an "
                    "account you agree to these terms.")
    d.add_heading("2. Savings Account Types", level=1)
    d.add_paragraph("The table below shows the minimum deposit needed to open each account, its "
                    "monthly maintenance fee and the balance that waives the fee.")
    rows = [
        ("Account", "Minimum opening deposit", "Monthly fee", "Balance to waive fee"),
        ("Statement Savings", "$100", "$3.00", "$300 minimum daily balance"),
        ("Harbor Money Market", "$2,500", "$13.00", "$15,000 average daily balance"),
        ("Youth Savings (under age 18)", "$50", "None", "Not applicable"),
        ("IRA Savings", "$250", "None", "Not applicable"),
    ]
    table = d.add_table(rows=len(rows), cols=4)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.text = text
            if r == 0:
                cell.paragraphs[0].runs[0].bold = True
    d.add_heading("3. Interest", level=1)
    d.add_paragraph("Interest on all savings and money market accounts is compounded daily and "
                    "credited to your account monthly. Current rates are posted on our rates page "
                    "and may change at any time.")
    d.add_heading("4. Funds Availability", level=1)
    d.add_paragraph("Our policy is to make the first $275 of a day's check deposits available on "
                    "the next business day after the day of deposit. The rest of the deposit is "
                    "generally available on the second business day.")
    d.add_heading("4.1 Longer Delays May Apply", level=2)
    d.add_paragraph("If your check deposits total more than $6,725 on any one day, we may hold "
                    "the amount above that figure until the seventh business day. We will tell "
                    "you when the funds will be available.")
    d.add_heading("5. Dormant Accounts", level=1)
    d.add_paragraph("An account becomes dormant when there has been no customer-initiated "
                    "activity for 24 months. A dormant account fee of $2.00 per month is charged "
                    "while the account remains dormant. If an account stays dormant for three "
                    "years, Maine law requires us to transfer the balance to the State of Maine "
                    "as unclaimed property.")
    d.add_heading("6. Closing Your Account", level=1)
    d.add_paragraph("You may close your account at any time by visiting a branch or writing to "
                    "us. We may close an account with a zero balance after notice to you.")
    d.add_heading("7. Governing Law", level=1)
    d.add_paragraph("This agreement is governed by federal law and the laws of the State of Maine.")
    d.save(str(path))
    normalize_zip(path)


# ------------------------------------------------------------------------ privacy_notice.txt
PRIVACY = """\
FACTS – WHAT DOES MAPLE HARBOR BANK DO WITH YOUR PERSONAL INFORMATION?
Rev. 04/2025

Why?
Financial companies choose how they share your personal information. Federal law gives
consumers the right to limit some but not all sharing. Federal law also requires us to tell
you how we collect, share, and protect your personal information. Please read this notice
carefully to understand what we do.

What?
The types of personal information we collect and share depend on the product or service you
have with us. This information can include:
  • Social Security number and income
  • account balances and payment history
  • credit history and transaction history

How?
All financial companies need to share customers’ personal information to run their everyday
business. In the list below, we list the reasons financial companies can share their
customers’ personal information; the reasons Maple Harbor Bank chooses to share; and whether
you can limit this sharing.

Reasons we can share your personal information – Do we share? – Can you limit this sharing?
  • For our everyday business purposes (process transactions, respond to court orders)
    – Yes – No
  • For our marketing purposes (to offer our products and services to you) – Yes – No
  • For joint marketing with other financial companies – No – We don’t share
  • For our affiliates’ everyday business purposes (transactions and experiences)
    – Yes – No
  • For our affiliates’ everyday business purposes (creditworthiness) – No – We don’t share
  • For our affiliates to market to you – Yes – Yes
  • For nonaffiliates to market to you – No – We don’t share

To limit our sharing
  • Call 1-800-555-0131 – our menu will prompt you through your choices, or
  • Mail the form below to: Maple Harbor Bank Privacy Center, P.O. Box 4410,
    Harbor Falls, ME 04539.

Please note: If you are a new customer, we can begin sharing your information 30 days from the
date we sent this notice. When you are no longer our customer, we continue to share your
information as described in this notice. However, you can contact us at any time to limit our
sharing.

Your choice to limit marketing offers from our affiliates will apply for at least 5 years from
when you tell us your choice. Once that period ends, you will receive a renewal notice that
will allow you to continue to limit marketing offers from our affiliates.

Who we are
Maple Harbor Bank, a Maine-chartered community bank. Our affiliates are Maple Harbor Insurance
Agency, LLC and Maple Harbor Wealth Advisors, LLC. We call them the “Maple Harbor family”.

How do we protect your personal information?
To protect your personal information from unauthorized access and use, we use security
measures that comply with federal law. These measures include computer safeguards and secured
files and buildings.

Definitions
“Affiliates” are companies related by common ownership or control. “Nonaffiliates” are
companies not related by common ownership or control. Maple Harbor Bank doesn’t jointly
market.

Mail-in form – mark the box below and mail this page
  [ ] Do not allow your affiliates to use my personal information to market to me.
  Name: ____________________   Account number: ____________________

© 2025 Maple Harbor Bank. Member FDIC.
"""


def build_privacy(path: Path) -> None:
    # CRLF line endings and cp1252, as if exported from a Windows word processor.
    path.write_bytes(PRIVACY.replace("\n", "\r\n").encode("cp1252"))


def main() -> None:
    for build, name in [(build_fee_schedule, "fee_schedule.pdf"), (build_privacy, "privacy_notice.txt"),
                        (build_card_fees, "card_fees_two_column.pdf"),
                        (build_account_terms, "account_terms.docx")]:
        build(OUT / name)
        print(f"wrote {OUT / name} ({(OUT / name).stat().st_size} bytes)")


if __name__ == "__main__":
    main()
