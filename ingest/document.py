"""The contract every reader fills in: a `Document` made of `Section`s, or a `LoadError` saying why not.

These three types live in this small module, rather than in `ingest.loaders`, so that the loader (which
dispatches to the readers) and the readers (`ingest.text`, `ingest.pdf`, `ingest.docx_reader`,
`ingest.markup`) can all import them without importing one another. Other code keeps importing them from
`ingest.loaders`, which re-exports them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


class LoadError(Exception):
    """A file that cannot be ingested; str(error) names the file and says why."""


@dataclass
class Section:
    text: str
    page: int | None = None  # 1-based page number, PDFs only
    heading: str = ""  # heading path, e.g. "Checking accounts > Fees"
    # What the pipeline's last step on a section found (personal data, instructions), once it has run: a long
    # PDF's page workers run it on their own pages (`ingest.pdf.read_pdf`'s `finish`); None until then.
    found: Counter | None = None


@dataclass
class Document:
    name: str  # file name as uploaded
    kind: str  # pdf | docx | html | md | txt | csv
    title: str
    sections: list[Section] = field(default_factory=list)
    pages: int | None = None  # page count, PDFs only

