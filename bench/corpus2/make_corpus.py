#!/usr/bin/env python3
"""Generate the binary documents of evaluation corpus 2 (Granite Peak Mutual).

Writes, next to the hand-written text documents in ``docs/``:

* ``docs/policy_fees.pdf``  -- 3-page insurance policy fee schedule (reportlab)
* ``docs/discounts.docx``   -- auto/home/renters discount table (python-docx)

The output is deterministic: reportlab runs with ``invariant=1`` and the DOCX
zip container is rewritten with fixed timestamps and fixed core properties, so
running the script twice yields byte-identical files.

Usage:  python bench/corpus2/make_corpus.py
"""
from __future__ import annotations

import datetime as _dt
import io
import zipfile
from pathlib import Path

from reportlab import rl_config

rl_config.invariant = 1  # no timestamps / random ids in the PDF

from reportlab.lib import colors  # noqa: E402
from reportlab.lib.enums import TA_CENTER  # noqa: E402
from reportlab.lib.pagesizes import LETTER  # noqa: E402
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet  # noqa: E402
from reportlab.lib.units import inch  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

HERE = Path(__file__).resolve().parent
DOCS = HERE / "docs"

FIXED_ZIP_TIME = (2026, 1, 2, 0, 0, 0)
FIXED_CORE_TIME = _dt.datetime(2026, 1, 2, 0, 0, 0)


# --------------------------------------------------------------------------
# PDF: policy fee schedule
# --------------------------------------------------------------------------
def _styles():
    ss = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=ss["Title"], fontSize=17, leading=21),
        "sub": ParagraphStyle("s", parent=ss["Normal"], alignment=TA_CENTER,
                              fontSize=11, leading=14, spaceAfter=10),
        "h2": ParagraphStyle("h2", parent=ss["Heading2"], fontSize=13, leading=16,
                             spaceBefore=10, spaceAfter=5),
        "body": ParagraphStyle("b", parent=ss["Normal"], fontSize=10, leading=13.5,
                               spaceAfter=6),
        "small": ParagraphStyle("sm", parent=ss["Normal"], fontSize=8.5, leading=11,
                                textColor=colors.HexColor("#444444")),
        "cell": ParagraphStyle("c", parent=ss["Normal"], fontSize=9.5, leading=12),
    }


def _table(rows, widths, st):
    data = [[Paragraph(str(c), st["cell"]) for c in r] for r in rows]
    t = Table(data, colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe7ec")),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#8a9aa5")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return t


def _footer(canvas, doc):
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawString(0.8 * inch, 0.55 * inch,
                      "Granite Peak Mutual Insurance Company \u00b7 Form GPM-FS-7")
    canvas.drawRightString(LETTER[0] - 0.8 * inch, 0.55 * inch,
                           f"Page {doc.page} of 3")
    canvas.restoreState()


def build_pdf(path: Path) -> None:
    st = _styles()
    P = lambda text, s="body": Paragraph(text, st[s])  # noqa: E731
    story = []

    # ---- page 1: installment fees -------------------------------------
    story += [
        P("Granite Peak Mutual Insurance Company", "title"),
        P("Auto, Home and Renters Policy Fee Schedule<br/>"
          "<b>Effective March 1, 2026</b>", "sub"),
        P("This schedule lists the service charges that may be added to your "
          "Granite Peak Mutual auto, homeowners or renters policy. These charges "
          "are separate from your premium. They are not refundable once earned, "
          "and they are never used to calculate your premium or your discounts. "
          "Where state law sets a lower amount, the state amount applies."),
        P("1. Payment plans and installment fees", "h2"),
        P("You may pay your premium in full or spread it over the policy term. "
          "If you choose to pay in installments, a fee is added to each "
          "installment after the first (down) payment. The fee depends on the "
          "plan you pick and, for monthly plans, on whether payments are drawn "
          "automatically from a checking or savings account by electronic funds "
          "transfer (EFT)."),
        _table([
            ["Payment plan", "Payments per term", "Installment fee (each payment after the down payment)"],
            ["Paid in full", "1", "None"],
            ["Semi-annual plan", "2", "$3.40"],
            ["Quarterly plan", "4", "$4.25"],
            ["Monthly plan \u2014 automatic EFT", "12", "$2.50"],
            ["Monthly plan \u2014 all other payment methods (mailed check, "
             "one-time online payment, payment by phone)", "12", "$6.75"],
        ], [1.9 * inch, 1.2 * inch, 3.3 * inch], st),
        Spacer(1, 8),
        P("You can switch payment plans at renewal. If you switch from automatic "
          "EFT to another payment method in the middle of a term, the monthly "
          "fee for other payment methods applies to the remaining installments."),
        P("Installment fees are shown on each bill. The down payment never "
          "carries an installment fee.", "small"),
        PageBreak(),
    ]

    # ---- page 2: late, reinstatement, returned payment -------------------
    story += [
        P("2. Late payments", "h2"),
        P("Each installment is due on the date printed on your bill. If we have "
          "not received the payment within 10 days after the due date, a late "
          "fee of $14 is added to your next bill. Only one late fee is charged "
          "per missed installment. If the balance remains unpaid, we will mail a "
          "notice of cancellation as required by your state."),
        P("3. Cancellation for nonpayment and reinstatement", "h2"),
        P("If your policy is cancelled because a payment was not made, you may "
          "ask us to reinstate it. We will consider reinstatement only if you "
          "ask within 21 days of the cancellation date, pay the full past-due "
          "amount, and sign a statement of no losses. A reinstatement fee "
          "applies. Coverage is not in force between the cancellation date and "
          "the reinstatement date, and any loss during that gap is not covered."),
        P("4. Returned payments", "h2"),
        P("A payment that is returned unpaid by your bank for any reason "
          "(insufficient funds, closed account, stop payment) is treated as "
          "not received. After two returned payments in a 12-month period we "
          "may require certified funds."),
        _table([
            ["Charge", "Amount", "When it applies"],
            ["Late fee", "$14", "Payment received more than 10 days after the due date"],
            ["Reinstatement fee", "$35",
             "Policy cancelled for nonpayment is reinstated (request within 21 days)"],
            ["Returned payment (NSF) fee", "$29",
             "Check or EFT draft returned unpaid by the bank"],
        ], [1.9 * inch, 0.9 * inch, 3.6 * inch], st),
        Spacer(1, 8),
        P("Late fees and returned payment fees are waived for members of the "
          "armed forces on active duty who notify us in writing.", "small"),
        PageBreak(),
    ]

    # ---- page 3: state filings and policy service ------------------------
    story += [
        P("5. State financial-responsibility filings", "h2"),
        P("Some drivers must prove to their state motor vehicle department that "
          "they carry liability insurance. When a court or the DMV requires it, "
          "we file the certificate electronically for you. A one-time filing "
          "fee is charged per driver, per filing; it is not charged again at "
          "renewal unless the state requires a new filing."),
        _table([
            ["Filing", "Where used", "Filing fee"],
            ["SR-22 certificate of financial responsibility", "Most states", "$25"],
            ["FR-44 certificate (higher liability limits)",
             "Florida and Virginia", "$39"],
        ], [2.8 * inch, 1.8 * inch, 1.8 * inch], st),
        P("6. Policy changes and service requests", "h2"),
        P("You can make most changes yourself in your online account or the "
          "mobile app. Changes made online or in the app \u2014 adding or "
          "removing a vehicle or driver, changing coverage, updating your "
          "address \u2014 are made at no charge. Changes that a service "
          "representative processes for you over the phone carry a small "
          "processing charge."),
        _table([
            ["Service", "Charge"],
            ["Policy change made online or in the app", "No charge"],
            ["Policy change processed by a service representative by phone",
             "$13 per change request"],
            ["Printed proof-of-insurance (ID) cards sent by mail",
             "$7 per mailing (digital ID cards are free)"],
            ["Certified copy of your policy", "$18"],
            ["Cancellation requested by you before the end of the term",
             "$50 flat cancellation fee"],
        ], [4.2 * inch, 2.2 * inch], st),
        Spacer(1, 8),
        P("The flat cancellation fee is not charged when you cancel because you "
          "sold the vehicle and do not replace it, or when Granite Peak cancels "
          "the policy. Any unearned premium is refunded on a pro-rata basis."),
        P("Questions about this schedule? Sign in to your account or contact "
          "your Granite Peak agent.", "small"),
    ]

    doc = SimpleDocTemplate(
        str(path), pagesize=LETTER, invariant=1,
        leftMargin=0.8 * inch, rightMargin=0.8 * inch,
        topMargin=0.8 * inch, bottomMargin=0.9 * inch,
        title="Policy Fee Schedule", author="Granite Peak Mutual Insurance Company",
        subject="Policy fees effective March 1, 2026", creator="make_corpus.py",
    )
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)


# --------------------------------------------------------------------------
# DOCX: discounts
# --------------------------------------------------------------------------
def _normalise_docx(raw: bytes) -> bytes:
    """Rewrite the zip with fixed timestamps and a fixed member order."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():  # keep original order ([Content_Types] first)
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name))
    return out.getvalue()


def build_docx(path: Path) -> None:
    from docx import Document
    from docx.shared import Pt

    d = Document()
    cp = d.core_properties
    cp.author = "Granite Peak Mutual Insurance Company"
    cp.title = "Auto, Home and Renters Discounts"
    cp.last_modified_by = "make_corpus.py"
    cp.created = FIXED_CORE_TIME
    cp.modified = FIXED_CORE_TIME
    cp.last_printed = FIXED_CORE_TIME
    cp.revision = 1

    d.add_heading("Ways to save: Granite Peak Mutual discounts", level=1)
    d.add_paragraph(
        "Discounts lower the premium on the policy they apply to. Most are "
        "applied automatically once we confirm you qualify; others need a "
        "document from you. The percentages below are taken off the premium "
        "for the coverages listed in each row.")

    d.add_heading("Discount table", level=2)
    rows = [
        ("Discount", "Savings", "Applies to", "Who qualifies"),
        ("Multi-policy: auto + homeowners", "17%", "Auto and home premiums",
         "You have an active Granite Peak auto policy and a Granite Peak "
         "homeowners policy in the same household."),
        ("Multi-policy: auto + renters", "9%", "Auto premium",
         "You have an active Granite Peak auto policy and a Granite Peak "
         "renters policy in the same household."),
        ("Good student", "12%", "Auto premium for that driver",
         "Driver aged 16 to 24, enrolled full time in high school or college, "
         "with a grade point average of 3.0 or higher (B average). A copy of "
         "the latest report card or transcript is required each year."),
        ("Safe driver", "22%", "Auto premium",
         "Every listed driver has gone five years without an at-fault "
         "accident or a moving violation."),
        ("Paperless", "4%", "Any policy",
         "You agree to receive all policy documents and bills by e-mail "
         "instead of paper mail."),
        ("Paid in full", "6%", "Any policy",
         "You pay the entire term premium by the first due date."),
        ("Defensive driving course", "8%", "Auto premium for that driver",
         "Driver aged 55 or older who completed a state-approved defensive "
         "driving course within the last 36 months."),
    ]
    table = d.add_table(rows=len(rows), cols=4)
    table.style = "Table Grid"
    for i, row in enumerate(rows):
        for j, val in enumerate(row):
            cell = table.cell(i, j)
            cell.text = val
            if i == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True

    d.add_heading("Eligibility rules", level=2)
    for txt in [
        "Discounts combine, but the total of all discounts on one policy is "
        "capped at 38% of the premium before discounts.",
        "The safe driver discount is re-checked at every renewal using motor "
        "vehicle records. If any driver has an at-fault accident or moving "
        "violation, the discount is removed at the next renewal.",
        "The good student discount stops at the renewal after the driver's "
        "25th birthday or when the driver is no longer a full-time student.",
        "If you stop receiving documents electronically, the paperless discount "
        "is removed from the next renewal.",
        "Multi-policy discounts are removed if the other policy is cancelled.",
    ]:
        p = d.add_paragraph(txt, style="List Bullet")
        for r in p.runs:
            r.font.size = Pt(10.5)

    buf = io.BytesIO()
    d.save(buf)
    path.write_bytes(_normalise_docx(buf.getvalue()))


def main() -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    build_pdf(DOCS / "policy_fees.pdf")
    build_docx(DOCS / "discounts.docx")
    for name in ("policy_fees.pdf", "discounts.docx"):
        print("wrote", DOCS / name)


if __name__ == "__main__":
    main()
