"""Synthetic training pairs for the evidence reader: (question, record, answers?) from made-up institutions.

Each institution gets a random subset of products and priced items, rendered in the layouts real documents use
(a fee list under a heading, a table with product columns, header-per-cell rows, a sentence, an FAQ answer, a
balance tier). For every question the positive is the record that prices the asked item of the asked product;
the negatives are the ones a lexical reader confuses it with: the neighbouring rows of the same table, the same
item of another product, the same product's other items, and records of another institution. Near-miss questions
(a product or item this institution does not list) have only negatives, which teaches "no record answers".

Sizes: `make_pairs(n_institutions=1200)` gives about 45,000 pairs; nothing here reads a real document.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# section -> (products, items); an item is (name, kind, customer phrasings)
CATALOGUE: dict[str, tuple[list[str], list[tuple[str, str, list[str]]]]] = {
    "Checking Accounts": (
        ["Basic Checking", "Everyday Checking", "Student Checking", "Premier Checking", "Business Checking",
         "Senior Checking", "Interest Checking", "Rewards Checking"],
        [("Monthly maintenance fee", "money", ["monthly fee", "monthly service charge", "fee each month",
                                                "how much per month does it cost"]),
         ("Minimum balance to avoid the monthly fee", "money", ["balance to waive the monthly fee",
                                                                 "how much do I need to keep to avoid the fee"]),
         ("Minimum opening deposit", "money", ["deposit to open", "how much to open an account"]),
         ("Paper statement fee", "money", ["fee for paper statements", "mailed statement charge"]),
         ("Check printing", "money", ["cost of checks", "ordering checks"])]),
    "Savings Accounts": (
        ["Regular Savings", "Money Market", "Holiday Club", "Youth Savings", "High-Yield Savings", "Share Savings"],
        [("APY", "percent", ["interest rate", "annual percentage yield", "what does it earn", "dividend rate"]),
         ("Excess withdrawal fee", "money", ["fee for too many withdrawals", "withdrawal limit charge"]),
         ("Minimum opening deposit", "money", ["deposit to open", "minimum to start"]),
         ("Inactive account fee", "money", ["dormant account fee", "fee if I don't use it"])]),
    "Certificates": (
        ["6-month certificate", "12-month certificate", "18-month certificate", "24-month certificate",
         "36-month certificate", "60-month certificate"],
        [("APY", "percent", ["rate", "interest rate", "yield", "what does it pay"]),
         ("Minimum deposit", "money", ["minimum to open", "how much do I need"]),
         ("Early withdrawal penalty", "days", ["penalty for cashing out early", "fee to withdraw before maturity"])]),
    "Credit Cards": (
        ["Visa Platinum", "Visa Classic", "Rewards Mastercard", "Secured Visa", "Cash Back Card", "Student Visa"],
        [("Annual fee", "money", ["yearly fee", "fee per year"]),
         ("Purchase APR", "percent", ["interest rate on purchases", "apr"]),
         ("Late payment fee", "money", ["late fee", "charge if I pay late"]),
         ("Cash advance fee", "money", ["fee to take cash out on the card", "cash advance charge"]),
         ("Foreign transaction fee", "percent", ["fee for purchases abroad", "international purchase fee"]),
         ("Balance transfer fee", "percent", ["fee to move a balance", "transfer my balance"]),
         ("Returned payment fee", "money", ["bounced card payment fee", "payment returned charge"])]),
    "Debit Card and ATM": (
        ["debit card", "ATM card"],
        [("Replacement card fee", "money", ["new card if I lose mine", "lost card replacement", "reissue a card"]),
         ("Non-network ATM withdrawal", "money", ["using another bank's ATM", "out-of-network ATM fee"]),
         ("International ATM withdrawal", "money", ["ATM abroad", "using an ATM overseas"]),
         ("Rush card delivery", "money", ["expedited card", "overnight card shipping"]),
         ("PIN reissue", "money", ["new PIN", "forgot my PIN"])]),
    "Wire Transfers": (
        ["wire transfer"],
        [("Incoming domestic wire", "money", ["receive a wire", "wire coming in from another bank"]),
         ("Incoming international wire", "money", ["receive money from abroad by wire", "foreign wire in"]),
         ("Outgoing domestic wire", "money", ["send a wire", "wire money to another bank in the U.S."]),
         ("Outgoing international wire", "money", ["send a wire overseas", "wire money abroad"])]),
    "Loans": (
        ["Auto loan", "Personal loan", "Home equity line of credit", "Boat loan", "Signature loan", "Mortgage"],
        [("Late fee", "money", ["charge for a late payment", "fee if my payment is late"]),
         ("APR", "percent", ["interest rate", "rate", "what rate would I pay"]),
         ("Origination fee", "money", ["fee to take out the loan", "loan processing fee"]),
         ("Payoff letter fee", "money", ["payoff quote fee", "letter with my payoff amount"]),
         ("GAP insurance", "money", ["gap coverage", "gap protection cost"])]),
    "Other Services": (
        ["member services"],
        [("Stop payment", "money", ["stop a check", "cancel a check I wrote"]),
         ("Cashier's check", "money", ["official check", "bank check"]),
         ("Money order", "money", ["buy a money order"]),
         ("Notary service", "money", ["notarize a document", "notary"]),
         ("Account research", "hourly", ["research on my account", "reconcile my account for me"]),
         ("Statement copy", "money", ["copy of an old statement", "reprint a statement"]),
         ("Returned deposited item", "money", ["check I deposited bounced", "deposited check returned"]),
         ("Overdraft fee", "money", ["overdraft charge", "fee if I overdraw", "bounce a payment"]),
         ("Coin counting", "percent", ["count my coins", "coin machine fee"]),
         ("Safe deposit box", "money", ["rent a safe deposit box", "deposit box rental"])]),
}
_BRANDS = ["Harbor", "Summit", "Prairie", "Lakeside", "Pioneer", "Granite", "Cedar", "Beacon", "Riverbend", "Mesa",
           "Northgate", "Bayview", "Keystone", "Evergreen", "Sunrise", "Liberty", "Heritage", "Frontier"]
_KINDS = ["Credit Union", "Bank", "Federal Credit Union", "Savings Bank", "Community Bank"]
_QUESTIONS = ["How much is the {item} for {product}?", "what's the {item} on {product}", "{product} {item}?",
              "Is there a {item} with {product}, and how much?", "What do you charge for {item} on {product}?",
              "{item} for my {product}?", "how much {item} do you charge on a {product}"]
_QUESTIONS_NO_PRODUCT = ["How much is the {item}?", "what do you charge for {item}", "{item}?",
                         "Is there a fee to {item}?", "What's the {item} fee?"]


@dataclass
class Pair:
    question: str
    record: str  # "Title > Section: record text", the form chatbot/reader.py scores
    label: float


def _value(rng: random.Random, kind: str) -> str:
    if kind == "percent":
        return f"{rng.choice([0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 2.5, 3, 3.75, 4.25, 5, 9.9, 12.49, 17.99, 21.24])}%"
    if kind == "days":
        return f"{rng.choice([30, 60, 90, 180, 365])} days of dividends"
    if kind == "hourly":
        return f"${rng.choice([15, 20, 25, 30, 40])}.00 per hour"
    if rng.random() < 0.1:
        return rng.choice(["Free", "No charge", "None"])
    return f"${rng.choice([1, 2, 3, 5, 7, 8, 10, 12, 15, 20, 25, 28, 30, 35, 45, 50, 75, 100, 250, 500, 1000])}" \
           + rng.choice([".00", "", ".00 each", " per month", ".00 per item"])


def _records(rng: random.Random, products: list[str], items: list[tuple],
             values: dict[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    """One layout for the whole section: (product, item) -> the record that prices it, as ingestion writes it."""
    layout = rng.choice(["list", "columns", "cells", "sentence", "faq"] if len(products) > 1
                        else ["list", "sentence", "faq"])
    out = {}
    for p in products:
        for name, _, _ in items:
            v = values[(p, name)]
            if layout == "list":
                text = f"{name}: {v}" if len(products) == 1 else f"{p} \u203a {name}: {v}"
            elif layout == "columns":  # one row per item, one column per product: the row prices them all
                text = f"{name} | " + " | ".join(f"{q}: {values[(q, name)]}" for q in products)
            elif layout == "cells":  # one row per product, a header on every cell (CSV, ruled tables)
                text = f"Product: {p} | " + " | ".join(f"{n}: {values[(p, n)]}" for n, _, _ in items)
            elif layout == "sentence":
                text = rng.choice([f"The {name.lower()} for {p} is {v}.", f"{p}: the {name.lower()} is {v}.",
                                   f"We charge {v} for the {name.lower()} on {p}."])
            else:
                text = f"What is the {name.lower()} for {p}? {v}."
            out[(p, name)] = text
    return out


@dataclass
class Institution:
    """A made-up institution: the sections it publishes, what each offers, and the record pricing each item."""

    name: str
    offered: dict[str, tuple[list[str], list[tuple]]]  # section -> (products, items)
    titles: dict[str, str]  # section -> title of the document it is in
    values: dict[tuple[str, str, str], str]  # (section, product, item) -> the figure
    records: dict[tuple[str, str, str], str]  # (section, product, item) -> the record's text

    def titled(self, key: tuple[str, str, str]) -> str:
        """The record as the reader scores it: "Title > Section: record"."""
        return f"{self.titles[key[0]]} > {key[0]}: {self.records[key]}"


def make_institution(rng: random.Random) -> Institution:
    bank = f"{rng.choice(_BRANDS)} {rng.choice(_KINDS)}"
    inst = Institution(bank, {}, {}, {}, {})
    for section in rng.sample(list(CATALOGUE), k=rng.randint(2, 4)):
        all_products, all_items = CATALOGUE[section]
        products = rng.sample(all_products, k=min(len(all_products), rng.randint(1, 3)))
        items = rng.sample(all_items, k=min(len(all_items), rng.randint(2, 5)))
        values = {(p, name): _value(rng, kind) for p in products for name, kind, _ in items}
        inst.titles[section] = rng.choice([f"{bank} Fee Schedule", f"{bank} Rates and Fees", f"{section} at {bank}"])
        for (p, name), text in _records(rng, products, items, values).items():
            inst.records[(section, p, name)] = text
            inst.values[(section, p, name)] = values[(p, name)]
        inst.offered[section] = (products, items)
    return inst


def make_pairs(n_institutions: int = 1200, seed: int = 13, negatives: int = 6) -> list[Pair]:
    """Question-record pairs with hard negatives, and near-miss questions with none that answers."""
    rng = random.Random(seed)
    pairs: list[Pair] = []
    for _ in range(n_institutions):
        inst = make_institution(rng)
        keys = list(inst.records)
        for section, (products, items) in inst.offered.items():
            for p in products:
                for name, _, phrasings in items:
                    question = _question(rng, p, name, phrasings, single=len(products) == 1)
                    positive = inst.titled((section, p, name))
                    pairs.append(Pair(question, positive, 1.0))
                    hard = [inst.titled(k) for k in keys if k[0] == section and inst.titled(k) != positive]
                    for text in rng.sample(hard, k=min(negatives, len(hard))):
                        pairs.append(Pair(question, text, 0.0))
            pairs += [Pair(q, inst.titled(k), 0.0) for q, tempting in near_misses(rng, inst, section)
                      for k in tempting]
    rng.shuffle(pairs)
    return pairs


def _question(rng: random.Random, product: str, item: str, phrasings: list[str], single: bool) -> str:
    wording = rng.choice([item.lower(), *phrasings])
    template = rng.choice(_QUESTIONS_NO_PRODUCT if single and rng.random() < 0.6 else _QUESTIONS)
    question = template.format(item=wording, product=product)
    return question if rng.random() < 0.7 else question.lower()


def near_misses(rng: random.Random, inst: Institution, section: str) -> list[tuple[str, list[tuple]]]:
    """Questions no record of `section` answers, each with the records that tempt a reader: a product of the
    catalogue this institution does not offer (its records for the same item), or an item it does not price
    (some of the section's records)."""
    products, items = inst.offered[section]
    all_products, all_items = CATALOGUE[section]
    missing_products = [p for p in all_products if p not in products]
    missing_items = [i for i in all_items if i[0] not in {n for n, _, _ in items}]
    section_keys = [k for k in inst.records if k[0] == section]
    out: list[tuple[str, list[tuple]]] = []
    if missing_products and len(products) > 1:
        name, _, phrasings = rng.choice(items)
        question = _question(rng, rng.choice(missing_products), name, phrasings, single=False)
        out.append((question, [k for k in section_keys if k[2] == name]))
    if missing_items:
        name, _, phrasings = rng.choice(missing_items)
        question = _question(rng, rng.choice(products), name, phrasings, single=len(products) == 1)
        out.append((question, rng.sample(section_keys, k=min(4, len(section_keys)))))
    return out
