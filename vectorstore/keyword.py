"""A BM25 keyword view of the stored chunks, for hybrid retrieval.

Dense embeddings miss exact tokens that customers type ("ACH", "Rev. 09/2025", "$2.50"); BM25 catches them.
The index is rebuilt from the store whenever the store's committed files (or their audiences) change. It holds
every chunk, so that idf is the same for every audience; a search ranks only the chunks of the audiences asked for.
"""

from __future__ import annotations

import math
import re
from typing import Sequence

from rank_bm25 import BM25Okapi

from vectorstore.store import Chunk, ChunkStore, check_all

# Words, and figures with their decimal point or percent sign kept ("2.50", "1.10%").
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*%?|[a-z]+(?:'[a-z]+)?")


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


class _BM25(BM25Okapi):
    """BM25Okapi with Lucene's always-positive idf: the classic one is 0 or negative for a term in half the
    chunks or more, which on a small store hides exactly the chunks that contain the term."""

    def _calc_idf(self, nd: dict[str, int]) -> None:
        self.idf = {word: math.log(1 + (self.corpus_size - n + 0.5) / (n + 0.5)) for word, n in nd.items()}


class KeywordIndex:
    """BM25 over every chunk in a `ChunkStore`, kept in step with it."""

    def __init__(self, store: ChunkStore):
        self.store = store
        self._version: str | None = None
        self._index: tuple[list[Chunk], _BM25 | None] = ([], None)

    def _refresh(self) -> tuple[list[Chunk], _BM25 | None]:
        version = self.store.version()
        if version != self._version:
            chunks = self.store.all_chunks()
            # One assignment: a search in another thread (the web app) sees the old or the new pair, never a mix.
            self._index = (chunks, _BM25([tokenize(c.text) for c in chunks]) if chunks else None)
            self._version = version
        return self._index

    def idf(self) -> dict[str, float]:
        """Inverse document frequency of every word in the stored chunks (rarer = more telling)."""
        _, bm25 = self._refresh()
        return bm25.idf if bm25 is not None else {}

    def search(self, query: str, k: int, audiences: Sequence[str] | None = ("public",)) -> list[tuple[Chunk, float]]:
        """The k chunks of those audiences (None = all) with the highest BM25 score for the query (only those
        sharing a term with it); other audiences' chunks are masked before the top k is taken."""
        chunks, bm25 = self._refresh()
        terms = tokenize(query)
        if bm25 is None or not terms:
            return []
        scores = bm25.get_scores(terms)
        wanted = None if audiences is None else check_all(audiences)
        allowed = [i for i, c in enumerate(chunks) if wanted is None or c.audience in wanted]
        ranked = sorted(allowed, key=lambda i: scores[i], reverse=True)[:k]
        return [(chunks[i], float(scores[i])) for i in ranked if scores[i] > 0]
