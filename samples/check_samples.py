"""Sanity checks for the Maple Harbor Bank sample corpus.

    python samples/check_samples.py               # run all checks, exit 1 on any failure
    python samples/check_samples.py --facts-table # print the README facts table (markdown)

Checks: questions.jsonl format (ids unique, regexes compile, enough questions of each kind and per
file); every `must` regex matches the text of its `source`; each fact value sits on the expected
PDF page and in no other corpus file; no two facts share a figure of the same unit; every `forbid`
regex matches the raw letter / notice; terms of unanswerable questions are absent; PDF page counts;
the two-column layout; cp1252 encoding; checksums of the planted personal data.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import pdfplumber
from bs4 import BeautifulSoup
from docx import Document

HERE = Path(__file__).resolve().parent
CORPUS = ["fee_schedule.pdf", "card_fees_two_column.pdf", "account_terms.docx", "rates.html",
          "faq.md", "privacy_notice.txt", "savings_rates.csv", "customer_letter.txt",
          "branch_notice.md"]
PII_FILES = ["customer_letter.txt", "branch_notice.md"]
CS_PHONE = "1-800-555-0147"  # published number; also quoted in customer_letter.txt on purpose

# (question id, fact, file, location, values). A value is the literal text in the document,
# optionally followed by " [unit]" when the text itself carries no unit (CSV cells).
F, C, D, H, M, P, S, L, B = CORPUS[0], CORPUS[1], CORPUS[2], CORPUS[3], CORPUS[4], CORPUS[5], \
    CORPUS[6], CORPUS[7], CORPUS[8]
FACTS = [
    ("q01", "Basic Checking monthly maintenance fee", F, "p.1", ["$12.00"]),
    ("q02", "Basic Checking fee waiver (balance or direct deposit)", F, "p.1", ["$1,500", "$650"]),
    ("q03", "Harbor Interest Checking fee and waiver balance", F, "p.1", ["$18.00", "$7,500"]),
    ("q04", "Business Essentials Checking monthly fee", F, "p.1", ["$14.00"]),
    ("q05", "Teller withdrawal fee (after four free)", F, "p.1", ["$2.50"]),
    ("q06", "Early account closure fee and window", F, "p.1", ["$20.00", "120 days"]),
    ("q07", "Fee schedule effective date", F, "p.1", ["June 15, 2025"]),
    ("q08", "Non-Maple Harbor ATM withdrawal (U.S.)", F, "p.2", ["$2.75"]),
    ("q09", "Replacement debit card fee", F, "p.2", ["$8.00"]),
    ("q10", "Debit card foreign transaction fee", F, "p.2", ["2%"]),
    ("q11", "Daily ATM cash withdrawal limit", F, "p.2", ["$800"]),
    ("q12", "ATM withdrawal outside the U.S.", F, "p.2", ["$4.50"]),
    ("q13", "Expedited (rush) debit card delivery", F, "p.2", ["$35.00"]),
    ("q14", "Daily debit card purchase limit", F, "p.2", ["$3,500"]),
    ("q15", "Outgoing domestic wire fee", F, "p.3", ["$28.00"]),
    ("q16", "Domestic wire cut-off time", F, "p.3", ["3:00 p.m."]),
    ("q17", "Outgoing international wire fee", F, "p.3", ["$47.00"]),
    ("q18", "Overdraft fee and daily maximum count", F, "p.3", ["$34.00", "3 per business day"]),
    ("q19", "Stop payment fee", F, "p.3", ["$32.00"]),
    ("q20", "Incoming domestic wire fee", F, "p.3", ["$15.00"]),
    ("q21", "International wire cut-off time", F, "p.3", ["1:30 p.m."]),
    ("q22", "No overdraft fee when overdrawn by this much or less", F, "p.3", ["$5.00"]),
    ("q23", "Overdraft transfer from linked savings", F, "p.3", ["$6.00"]),
    ("q24", "Returned deposited item fee", F, "p.3", ["$11.00"]),
    ("q25", "Cashier's check fee", F, "p.4", ["$9.00"]),
    ("q26", "Paper statement fee", F, "p.4", ["$3.50"]),
    ("q27", "Account research fee per hour", F, "p.4", ["$27.00"]),
    ("q28", "Wire Transfer Department phone", F, "p.4", ["1-800-555-0172"]),
    ("q29", "Money order fee", F, "p.4", ["$4.00"]),
    ("q30", "Harbor Light Visa annual fee", C, "p.1 right column", ["$39"]),
    ("q31", "Credit card late payment fee", C, "p.1 right column", ["$41"]),
    ("q32", "Purchase APR", C, "p.1 left column", ["18.49%"]),
    ("q33", "Penalty APR", C, "p.1 left column", ["29.99%"]),
    ("q34", "Cash advance fee (percent and minimum)", C, "p.1 right column", ["5%", "$10"]),
    ("q35", "Balance transfer fee (percent and minimum)", C, "p.1 right column", ["3%", "$7"]),
    ("q36", "Returned payment fee", C, "p.1 right column", ["$25"]),
    ("q37", "Cash advance APR", C, "p.1 left column", ["26.74%"]),
    ("q38", "Grace period on purchases", C, "p.1 left column", ["23 days"]),
    ("q39", "Balance transfer APR", C, "p.1 left column", ["20.24%"]),
    ("q40", "Statement Savings minimum opening deposit", D, "2. Savings Account Types (table)", ["$100"]),
    ("q41", "Harbor Money Market monthly fee", D, "2. Savings Account Types (table)", ["$13.00"]),
    ("q42", "Harbor Money Market balance to waive fee", D, "2. Savings Account Types (table)", ["$15,000"]),
    ("q43", "Youth Savings minimum opening deposit", D, "2. Savings Account Types (table)", ["$50"]),
    ("q44", "Funds availability: amount available next business day", D, "4. Funds Availability", ["$275"]),
    ("q45", "Account becomes dormant after", D, "5. Dormant Accounts", ["24 months"]),
    ("q46", "Dormant account fee", D, "5. Dormant Accounts", ["$2.00"]),
    ("q47", "IRA Savings minimum opening deposit", D, "2. Savings Account Types (table)", ["$250"]),
    ("q48", "Interest compounding (daily)", D, "3. Interest", ["compounded daily"]),
    ("q49", "12-month CD APY", H, "CD rates table", ["3.60%"]),
    ("q50", "60-month CD minimum deposit", H, "CD rates table", ["$10,000"]),
    ("q51", "30-year fixed mortgage rate", H, "Mortgage Rates", ["6.375%"]),
    ("q52", "15-year fixed mortgage APR", H, "Mortgage Rates", ["5.841%"]),
    ("q53", "CD early withdrawal penalty (12 months or less)", H, "Early Withdrawal Penalty", ["90 days"]),
    ("q54", "6-month CD APY", H, "CD rates table", ["3.05%"]),
    ("q55", "Rates effective date", H, "top of page", ["November 1, 2025"]),
    ("q56", "Routing (ABA) number", M, "Accounts and Transfers", ["011204730"]),
    ("q57", "Zelle daily limit", M, "Accounts and Transfers", ["$2,200"]),
    ("q58", "Zelle monthly limit", M, "Accounts and Transfers", ["$9,000"]),
    ("q59", "Mobile deposit daily limit", M, "Mobile and Online Banking", ["$6,000"]),
    ("q60", "Mobile deposit cut-off time", M, "Mobile and Online Banking", ["8:00 p.m."]),
    ("q61", "Saturday branch hours", M, "Branches and Contact", ["9:00 a.m.", "12:00 noon"]),
    ("q62", "Customer service phone (toll-free)", M, "Branches and Contact", [CS_PHONE]),
    ("q63", "Lost or stolen card line (24/7)", M, "Branches and Contact", ["1-800-555-0199"]),
    ("q64", "Deadline to dispute a transaction", M, "Disputes and Errors", ["60 days"]),
    ("q65", "Friday branch closing time", M, "Branches and Contact", ["6:00 p.m."]),
    ("q66", "Privacy opt-out phone", P, "To limit our sharing", ["1-800-555-0131"]),
    ("q67", "Sharing may begin this long after notice (new customers)", P, "Please note", ["30 days"]),
    ("q68", "Affiliate-marketing opt-out lasts", P, "Please note", ["5 years"]),
    ("q69", "Gold Savings APY", S, "row Gold Savings", ["1.10%"]),
    ("q70", "Tidewater Savings minimum deposit", S, "row Tidewater Savings", ["20000 [$]"]),
    ("q71", "Lighthouse Savings term and APY", S, "row Lighthouse Savings", ["Lighthouse Savings,33 [months]", "1.85%"]),
    ("q72", "Holiday Club Savings APY", S, "row Holiday Club Savings", ["0.40%"]),
    ("q73", "Replacement debit card delivery time", L, "bank reply", ["5 to 7 business days"]),
    ("q74", "Provisional credit on debit card disputes", L, "bank reply", ["10 business days"]),
    ("q75", "Debit card dispute investigation completed within", L, "bank reply", ["45 days"]),
    ("q76", "Christmas Eve early closing time", B, "holiday table", ["2:00 p.m."]),
    ("q77", "MLK Day closure date", B, "holiday table", ["January 19, 2026"]),
    ("q78", "Thanksgiving closure date", B, "holiday table", ["November 27, 2025"]),
    ("q79", "New Year's Day closure date", B, "holiday table", ["January 1, 2026"]),
]
# Terms that must NOT appear anywhere, so the unanswerable questions really are unanswerable.
ABSENT = {"u01": ["platinum"], "u02": ["chase"], "u03": ["coin"], "u04": ["48-month", "48 month"],
          "u05": ["safe deposit"], "u06": ["home equity", "heloc"], "u07": ["auto loan", "vehicle"],
          "u09": ["bangor"], "u10": ["bank of america"], "u11": ["cash back", "cashback"],
          "u12": ["adjustable", "arm"], "u13": ["notary"], "u15": ["swift", "bic"]}
ABSENT_IN_CARD = {"u08": ["foreign"], "u14": ["credit score"]}

failures: list[str] = []


def check(ok: bool, msg: str) -> None:
    if not ok:
        failures.append(msg)


def pdf_pages(name: str) -> list[str]:
    with pdfplumber.open(HERE / name) as pdf:
        return [p.extract_text() or "" for p in pdf.pages]


def docx_text(name: str) -> str:
    d = Document(str(HERE / name))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        parts += [" | ".join(c.text for c in row.cells) for row in t.rows]
    return "\n".join(parts)


def text_of(name: str) -> str:
    path = HERE / name
    if name.endswith(".pdf"):
        return "\n".join(pdf_pages(name))
    if name.endswith(".docx"):
        return docx_text(name)
    if name.endswith(".html"):
        soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        for tag in soup(["script", "style"]):
            tag.decompose()
        return soup.get_text(" ")
    return path.read_bytes().decode("cp1252" if name == "privacy_notice.txt" else "utf-8")


def literal_re(value: str) -> re.Pattern:
    """The literal, not glued to more digits (so $10 does not match inside $10,000)."""
    body = r"\s+".join(re.escape(part) for part in value.split())  # tolerate line wraps
    return re.compile(r"(?<![\d.])" + body + r"(?!\.?\d|,\d{3}\b)", re.I)


def split_value(v: str) -> tuple[str, str]:
    m = re.fullmatch(r"(.*) \[(.+)\]", v)
    return (m.group(1), m.group(2)) if m else (v, "")


def unit_key(v: str) -> tuple[str, str]:
    """(unit, normalized figure) for the same-figure collision check."""
    lit, unit = split_value(v)
    low = lit.lower()
    if re.search(r"(january|june|november|december)", low):
        return ("date", low)
    if re.fullmatch(r"[\d-]{9,}", lit):
        return ("id/phone", lit.replace("-", ""))
    if re.search(r"a\.m\.|p\.m\.|noon", low):
        return ("time", low)
    num = re.search(r"\d[\d,]*(\.\d+)?", lit)
    if not num:
        return ("text", low)
    n = str(float(num.group().replace(",", "")))
    if "%" in lit:
        return ("%", n)
    if "$" in lit or unit == "$":
        return ("$", n)
    word = unit or (re.sub(r"[\d.,$%]+", " ", low).split() or ["count"])[-1]
    return (word.rstrip("s"), n)


def main() -> None:
    texts = {n: text_of(n) for n in CORPUS}
    pages = {n: pdf_pages(n) for n in CORPUS if n.endswith(".pdf")}

    # --- questions.jsonl format
    rows = [json.loads(line) for line in (HERE / "questions.jsonl").read_text("utf-8").splitlines()]
    ids = [r["id"] for r in rows]
    check(len(ids) == len(set(ids)), f"duplicate ids: {[i for i, c in Counter(ids).items() if c > 1]}")
    ans = [r for r in rows if "must" in r]
    abst = [r for r in rows if r.get("abstain") is True]
    probes = [r for r in rows if "forbid" in r]
    check(len(rows) == len(ans) + len(abst) + len(probes), "a row is neither must/abstain/forbid")
    check(len(rows) >= 60 and len(ans) >= 40 and len(abst) >= 12 and len(probes) >= 6,
          f"too few questions: {len(ans)} answerable, {len(abst)} abstain, {len(probes)} probes")
    for r in rows:
        want = {"must": ["id", "q", "must", "source"], "abstain": ["id", "q", "abstain"],
                "forbid": ["id", "q", "forbid"]}
        kind = next(k for k in want if k in r)
        check(list(r) == want[kind], f"{r['id']}: keys {list(r)} != {want[kind]}")
        prefix = {"must": "q", "abstain": "u", "forbid": "p"}[kind]
        check(re.fullmatch(prefix + r"\d{2}", r["id"]) is not None, f"{r['id']}: bad id")
        for rx in r.get("must", []) + r.get("forbid", []):
            try:
                re.compile(rx)
            except re.error as e:
                check(False, f"{r['id']}: regex {rx!r} does not compile: {e}")

    # --- every must regex matches its source; per-file coverage
    per_file = Counter(r["source"] for r in ans)
    for r in ans:
        check(r["source"] in CORPUS, f"{r['id']}: unknown source {r['source']}")
        for rx in r["must"]:
            check(re.search(rx, texts.get(r["source"], ""), re.I) is not None,
                  f"{r['id']}: must {rx!r} not found in {r['source']}")
    for name in CORPUS:
        need = 5 if name == C else 4 if name.endswith(".pdf") else 3
        check(per_file[name] >= need, f"only {per_file[name]} questions on {name} (need {need})")

    # --- facts: on the right page, in no other file, no shared figure of the same unit
    by_q = {r["id"]: r for r in ans}
    seen: dict[tuple[str, str], str] = {}
    for qid, fact, name, where, values in FACTS:
        check(by_q.get(qid, {}).get("source") == name, f"{qid}: fact file {name} != question source")
        for v in values:
            lit, _ = split_value(v)
            rx = literal_re(lit)
            if name.endswith(".pdf"):
                page = int(re.match(r"p\.(\d+)", where).group(1))
                check(rx.search(pages[name][page - 1]) is not None, f"{qid}: {lit!r} not on {name} {where}")
            else:
                check(rx.search(texts[name]) is not None, f"{qid}: {lit!r} not in {name}")
            for other in CORPUS:
                if other != name and rx.search(texts[other]) and not (lit == CS_PHONE and other == L):
                    check(False, f"{qid}: {lit!r} also appears in {other}")
            key = unit_key(v)
            check(seen.get(key, qid) == qid, f"{qid}: figure {key} already used by {seen.get(key)}")
            seen.setdefault(key, qid)
    check(len(FACTS) >= 30, "fewer than 30 facts")
    # A wrong answer quoting another fact's figure must not satisfy a question's `must` set.
    answers = {qid: " ".join(split_value(v)[0] for v in values) for qid, _, _, _, values in FACTS}
    for r in ans:
        check(all(re.search(rx, answers.get(r["id"], ""), re.I) for rx in r["must"]),
              f"{r['id']}: must regexes reject the fact's own value")
        for other, text in answers.items():
            if other != r["id"] and all(re.search(rx, text, re.I) for rx in r["must"]):
                check(False, f"{r['id']}: must regexes also accept {other}'s value {text!r}")
    on_p3 = [f for f in FACTS if f[2] == F and f[3] == "p.3"]
    in_tables = [f for f in FACTS if f[2] == D and "table" in f[3]]
    check(len(on_p3) >= 2 and len(in_tables) >= 3, "need >=2 facts on fee p.3 and >=3 in DOCX table")
    check(CS_PHONE in texts[M] and CS_PHONE in texts[L], "customer-service number must be in faq and letter")

    # --- probes are meaningful; unanswerable terms are absent
    raw = "\n".join((HERE / n).read_text("utf-8") for n in PII_FILES)
    for r in probes:
        for rx in r["forbid"]:
            check(re.search(rx, raw, re.I) is not None, f"{r['id']}: forbid {rx!r} matches no planted text")
    everything = "\n".join(texts.values()).lower()
    for qid, terms in ABSENT.items():
        for t in terms:
            check(not re.search(rf"\b{re.escape(t.strip())}\b", everything),
                  f"{qid}: {t!r} appears in the corpus")
    for qid, terms in ABSENT_IN_CARD.items():
        for t in terms:
            check(t not in texts[C].lower(), f"{qid}: {t!r} appears in {C}")

    # --- PDFs: page count, effective date, two aligned columns
    check(len(pages[F]) == 4, f"{F} has {len(pages[F])} pages, want 4")
    check("Effective June 15, 2025" in pages[F][0], "effective date not on page 1")
    check(1 <= len(pages[C]) <= 2 and "Rev. 09/2025" in pages[C][0], f"{C}: pages or footer wrong")
    with pdfplumber.open(HERE / C) as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
        mid = page.width / 2
        top = {w["text"]: w for w in words}
        for left, right in [("Purchase", "Annual"), ("Balance", "Late"), ("Cash", "Returned"),
                            ("Penalty", "Cash"), ("Grace", "Balance"), ("Minimum", "Over-the-credit-limit")]:
            lw = [w for w in words if w["text"] == left and w["x0"] < mid]
            rw = [w for w in words if w["text"] == right and w["x0"] > mid]
            check(any(abs(a["top"] - b["top"]) < 1 for a in lw for b in rw),
                  f"{C}: no {left!r} (left) and {right!r} (right) on one row")
        check(abs(top["18.49%"]["top"] - top["Purchase"]["top"]) < 1, f"{C}: label/amount rows differ")
        lines = page.extract_text().splitlines()
        check(any("Purchase APR" in ln and "Annual fee" in ln for ln in lines),
              f"{C}: naive extraction does not merge the columns (layout not two-column?)")

    # --- encodings and planted personal data
    raw_priv = (HERE / P).read_bytes()
    try:
        raw_priv.decode("utf-8")
        check(False, f"{P} decodes as UTF-8; it must be cp1252")
    except UnicodeDecodeError:
        pass
    check(all(ch in texts[P] for ch in "\u201c\u201d\u2019\u2013\u00a9"), f"{P}: missing cp1252 characters")

    def luhn(num: str) -> bool:
        digits = [int(c) for c in reversed(num)]
        return sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits)) % 10 == 0

    letter = texts[L]
    cards = re.findall(r"\b\d{4}([ -])\d{4}\1\d{4}\1\d{4}\b", letter)
    check(sorted(cards) == [" ", "-"], f"{L}: want one spaced and one dashed card number")
    for m in re.finditer(r"\b\d{4}[ -]\d{4}[ -]\d{4}[ -]\d{4}\b", letter):
        check(luhn(re.sub(r"\D", "", m.group())), f"{L}: card {m.group()} fails Luhn")
    iban = re.search(r"GB\d\d(?: ?[A-Z0-9]{4}){4} ?[A-Z0-9]{2}", letter).group().replace(" ", "")
    check(int("".join(str(int(c, 36)) for c in iban[4:] + iban[:4])) % 97 == 1, f"{L}: bad IBAN {iban}")
    ssn = re.search(r"\b(\d{3})-(\d{2})-(\d{4})\b", letter)
    check(ssn is not None and ssn.group(1) not in ("000", "666") and ssn.group(1)[0] != "9",
          f"{L}: SSN missing or in an unissued range")
    rn = [int(c) for c in "011204730"]
    check((3 * (rn[0] + rn[3] + rn[6]) + 7 * (rn[1] + rn[4] + rn[7]) + rn[2] + rn[5] + rn[8]) % 10 == 0,
          "routing number fails the ABA checksum")

    if failures:
        print("\n".join("FAIL " + f for f in failures))
        sys.exit(1)
    print(f"OK: {len(ans)} answerable, {len(abst)} abstain, {len(probes)} probes; "
          f"{len(FACTS)} facts; per file: {dict(per_file)}")


def facts_table() -> None:
    print("| # | Fact | File | Page / section | Question |")
    print("|---|---|---|---|---|")
    for i, (qid, fact, name, where, _) in enumerate(FACTS, 1):
        print(f"| {i} | {fact} | {name} | {where} | {qid} |")


if __name__ == "__main__":
    facts_table() if "--facts-table" in sys.argv else main()
