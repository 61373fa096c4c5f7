"""Cut loaded documents into self-contained chunks that keep table rows whole.

Each chunk starts with a line naming its document and section ("Schedule of Fees > Wires"), so that a chunk
read alone, by the embedding model or by a customer opening a source, still says what it is about.
Lines are the unit of packing: loaders render each table row as one line, so a row is never cut.
Only an over-long prose line is broken, at sentence boundaries, by LangChain's recursive splitter.
"""

from __future__ import annotations

import re

from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest.loaders import Document, Section
from vectorstore.store import Chunk

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = (
    rf"{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}"  # June 15, 2025
    rf"|\d{{1,2}}\s+{_MONTH}\s+\d{{4}}"  # 15 June 2025
    rf"|{_MONTH}\s+\d{{4}}"  # September 2025
    r"|\d{4}-\d{2}-\d{2}"  # 2025-06-15
    r"|\d{1,2}/\d{1,2}/\d{2,4}"  # 06/15/2025
    r"|\d{1,2}/\d{4}"  # 09/2025
)
_EFFECTIVE = re.compile(
    rf"\b(?:effective|eff\.|as\s+of|last\s+updated|updated|revised|rev\.?)(?:\s+date)?\s*(?:on|from|as\s+of)?[:\s]*({_DATE})\b",
    re.IGNORECASE,
)
# A table row as the loaders render it: cells joined by " | ", or a two-cell "Label: value" line.
_TABLE_ROW = re.compile(r" \| |^[^:\n]{1,80}: \S")


def find_effective_date(text: str) -> str:
    """The date a document says it takes effect ("effective June 15, 2025", "Rev. 09/2025"), as written."""
    match = _EFFECTIVE.search(text)
    return re.sub(r"\s+", " ", match.group(1)).strip() if match else ""


class Splitter:
    """Packs the lines of each section into chunks of about `chunk_size` characters."""

    def __init__(self, chunk_size: int, chunk_overlap: int):
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        self._prose = RecursiveCharacterTextSplitter(
            chunk_size=chunk_size,
            chunk_overlap=0,
            separators=[r"(?<=[.!?;])\s+", r",\s+", r"\s+", ""],
            is_separator_regex=True,
        )

    def split(self, doc: Document, *, file_hash: str, ingested_at: str, effective_date: str = "") -> list[Chunk]:
        chunks: list[Chunk] = []
        for section in doc.sections:
            header = " > ".join(part for part in (doc.title, section.heading) if part)
            for body in self._pack(self._units(section)):
                chunks.append(
                    Chunk(
                        text=f"{header}\n{body}" if header else body,
                        file=doc.name,
                        chunk_index=len(chunks),
                        file_hash=file_hash,
                        ingested_at=ingested_at,
                        page=section.page,
                        section=section.heading,
                        effective_date=effective_date,
                    )
                )
        return chunks

    def _units(self, section: Section) -> list[str]:
        """The section's lines; blank lines become "" markers so paragraph breaks survive packing."""
        units: list[str] = []
        for line in section.text.splitlines():
            line = line.strip()
            if len(line) <= self.chunk_size or _TABLE_ROW.search(line):
                units.append(line)
            else:
                units += self._prose.split_text(line)
        return units

    def _pack(self, units: list[str]) -> list[str]:
        bodies: list[str] = []
        current: list[str] = []
        size = 0
        for unit in units:
            if not unit:
                if current and current[-1]:
                    current.append("")
                continue
            if current and size + len(unit) + 1 > self.chunk_size:
                bodies.append(_join(current))
                current = self._overlap(current)
                size = sum(len(u) + 1 for u in current)
            current.append(unit)
            size += len(unit) + 1
        if any(current):
            bodies.append(_join(current))
        return bodies

    def _overlap(self, previous: list[str]) -> list[str]:
        """Trailing whole lines of the previous chunk, up to `chunk_overlap` characters."""
        kept: list[str] = []
        size = 0
        for unit in reversed(previous):
            if size + len(unit) + 1 > self.chunk_overlap:
                break
            kept.insert(0, unit)
            size += len(unit) + 1
        while kept and not kept[0]:
            kept.pop(0)
        return kept


def _join(units: list[str]) -> str:
    return re.sub(r"\n{3,}", "\n\n", "\n".join(units)).strip()
