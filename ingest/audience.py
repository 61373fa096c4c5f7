"""Who may be answered from a document: `public` (customers) or `staff` (staff only).

Staff upload everything into one store, including customers' own letters and case notes; quoting those to other
customers is a privacy breach even after redaction, because the story itself is personal. So a file that reads
like correspondence or a record about an individual customer defaults to `staff`, and everything else to `public`.

The rule is a score of independent cues found in the (already redacted) text. One cue never decides: a public FAQ
says "Dear customer" once, a fee schedule prints a phone number, a privacy notice talks about Social Security
numbers. A file is `staff` when it shows two cues, or one strong cue (e-mail headers, dated entries about a
customer, filled-in case-record fields, an "internal" marking) together with any personal data the redactor
removed. Several personal-data redactions are a cue of their own.
"""

from __future__ import annotations

import logging
import re
from collections import Counter

# The store owns the audience field and its validators; they are re-exported for the ingest side.
from vectorstore.store import AUDIENCES, ChunkStore, check, check_all  # noqa: F401

log = logging.getLogger(__name__)

# Redactor labels (ingest/redact.py) that stand for one person's data; INSTRUCTION (prompt injection) is not one.
PERSONAL_LABELS = frozenset({"NAME", "ACCOUNT", "CARD", "EXPIRY", "EMAIL", "PHONE", "SSN", "IBAN", "ADDRESS",
                             "ROUTING"})
MIN_REDACTIONS = 3  # "several" personal-data redactions: a public page may carry one or two look-alikes

# A greeting on a line of its own ("Dear Mr. [NAME],", "Hello,"); one addressed to a group is a circular, not
# correspondence about someone.
_SALUTATION = re.compile(r"^\s*(?:dear|hello|hi|good (?:morning|afternoon|evening))(?=[\s,:!]|$)[^\n]{0,50}$",
                         re.I | re.M)
_GROUP = re.compile(r"\b(?:members|customers|clients|friends|neighbou?rs|all|everyone|team|colleagues|shareholders"
                    r"|policyholders|cardholders|account ?holders|sir or madam|valued)\b", re.I)
# A sign-off on a line of its own, as letters and e-mails end.
_CLOSING = re.compile(r"^\s*(?:(?:yours )?sincerely|(?:kind |best |warm |warmest )?regards|yours(?: truly| faithfully"
                      r"| sincerely)?|respectfully(?: yours)?|thank you|thanks|best wishes|cheers)\s*[,.!]?\s*$",
                      re.I | re.M)
_HEADER = re.compile(r"^\s*(from|to|cc|subject|re|sent|date)\s*:\s*\S", re.I | re.M)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# A log line: a date (and maybe a time) first, then within the line a reference to one person.
_LOG_DATE = re.compile(rf"^\s*\[?(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?|{_MONTH}\s+\d{{1,2}}"
                       rf"(?:,?\s+\d{{4}})?)"
                       r"(?:[ T,]+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?)?\]?\s*[-–—:|]?"  # time
                       r"\s+(?P<rest>.+)$", re.I | re.M)
_PERSON_REF = re.compile(r"\b(?:member|customer|cardholder|client|insured|caller|borrower|applicant|complainant"
                         r"|account ?holder|mbr|cust)\b(?!s\b|\s+(?:service|care|support|experience|center))"
                         r"|\[(?:NAME|ACCOUNT|CARD|PHONE|EMAIL)\]", re.I)
MIN_LOG_LINES = 3
# Filled-in fields of a case or claim record ("Claim no.: CLM-26-00815", "Named insured: [NAME]"); a blank form
# ("Claim no.: ______") is not a record.
_CASE_FIELD = re.compile(r"^\s*(?P<label>(?:claim|case|ticket|incident|complaint|reference|ref|file)\s*(?:no\.?|number"
                         r"|#|id)|named insured|member(?: name)?|customer(?: name)?|cardholder|account holder"
                         r"|complainant|caller|adjuster|handled by|assigned to|date of (?:loss|incident|call))\s*:"
                         r"[ \t]*[\w\[]", re.I | re.M)
_INTERNAL = re.compile(r"\binternal\s*(?:use\s*only|only|/\s*confidential|and\s+confidential)\b|\bconfidential\s*"
                       r"[-–—/:]\s*internal\b|\bfor\s+internal\s+use\b|\bstaff\s+only\b|\bnot\s+for\s+(?:public|"
                       r"external|customer)\s+(?:use|distribution|release)\b", re.I)


def _cues(text: str) -> list[tuple[str, bool]]:
    """(cue, strong) for every cue of correspondence or a customer record in the text."""
    found: list[tuple[str, bool]] = []
    if any(not _GROUP.search(m.group()) for m in _SALUTATION.finditer(text)):
        found.append(("salutation", False))
    headers = {m.group(1).lower() for m in _HEADER.finditer(text)}
    if len(headers & {"from", "to", "cc", "subject", "sent", "date"}) >= 2:
        found.append(("e-mail headers", True))
    elif headers & {"subject", "re"}:
        found.append(("subject line", False))
    if _CLOSING.search(text):
        found.append(("closing", False))
    if sum(bool(_PERSON_REF.search(m.group("rest"))) for m in _LOG_DATE.finditer(text)) >= MIN_LOG_LINES:
        found.append(("dated entries about a customer", True))
    if len({m.group("label").lower() for m in _CASE_FIELD.finditer(text)}) >= 2:
        found.append(("case-record fields", True))
    if _INTERNAL.search(text):
        found.append(("marked internal", True))
    return found


def classify(text: str, redactions: Counter) -> tuple[str, str]:
    """(audience, reason): `staff` for correspondence or records about a customer, else `public`."""
    cues = _cues(text)
    personal = sum(n for label, n in redactions.items() if label in PERSONAL_LABELS)
    names = [name for name, _ in cues]
    if personal >= MIN_REDACTIONS:
        names.append(f"{personal} personal-data redactions")
    strong = any(is_strong for _, is_strong in cues)
    if len(names) >= 2 or (strong and personal):
        if personal and personal < MIN_REDACTIONS:
            names.append(f"{personal} personal-data redaction{'s' if personal > 1 else ''}")
        return "staff", f"looks like correspondence or a record about a customer: {', '.join(names)}"
    if names:
        return "public", f"one cue of correspondence only: {names[0]}"
    return "public", "no cue of correspondence about a customer"


def label_unlabelled(store: ChunkStore) -> list[str]:
    """Classify the files a store holds from before audiences existed, as a new file would be; returns their names.

    Until then their chunks match no customer search, so every place that puts a store to use calls this first.
    """
    done = []
    for record, body in store.unlabelled():
        audience, reason = classify(body, Counter(record.redactions))
        if store.set_audience(record.file, audience, f"classified on upgrade: {reason}"):
            log.warning("%s: stored before document audiences; now %s (%s)", record.file, audience, reason)
            done.append(record.file)
    return done
