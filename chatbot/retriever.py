"""Hybrid retrieval: dense search in Chroma plus BM25 over the same chunks, fused by reciprocal rank.

Dense search finds paraphrases ("what does it cost to send money abroad" -> "International wire"); BM25 finds
exact tokens the embedding blurs (product names, "ACH", "$2.50"). Reciprocal rank fusion needs no score
calibration between the two, which is why it is the usual way to combine them.
Both searches take the audiences the asker may see (customers: public only), so a staff document is never a
candidate, not merely dropped afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from chatbot.terms import STOPWORDS, TermWeights
from finchat.settings import RetrievalSettings
from vectorstore.keyword import KeywordIndex, tokenize
from vectorstore.store import Chunk, ChunkStore


@dataclass
class Hit:
    chunk: Chunk
    score: float  # fused reciprocal-rank score
    dense: float = 0.0  # cosine similarity, 0 when only BM25 found it
    bm25: float = 0.0  # BM25 score, 0 when only dense search found it


class Retriever:
    def __init__(self, store: ChunkStore, settings: RetrievalSettings, keyword: KeywordIndex | None = None):
        self.store = store
        self.settings = settings
        self.keyword = keyword or KeywordIndex(store)
        self._weights = TermWeights()
        self._idf: dict[str, float] | None = None

    def term_weights(self) -> TermWeights:
        """Term weights for the store as it is now (rebuilt only when the keyword index was)."""
        idf = self.keyword.idf()
        if idf is not self._idf:
            self._weights, self._idf = TermWeights(idf), idf
        return self._weights

    def retrieve(self, query: str, k: int | None = None, audiences: Sequence[str] | None = ("public",)) -> list[Hit]:
        """The k best chunks of those audiences (None = all) for the query, best first."""
        s = self.settings
        hits: dict[str, Hit] = {}
        for weight, ranked, kind in (
            (s.dense_weight, self.store.search(query, s.fetch_k, audiences), "dense"),
            (s.bm25_weight, self.keyword.search(self._keyword_query(query), s.fetch_k, audiences), "bm25"),
        ):
            for rank, (chunk, score) in enumerate(ranked, 1):
                hit = hits.setdefault(chunk.id, Hit(chunk, 0.0))
                hit.score += weight / (s.rrf_k + rank)
                setattr(hit, kind, score)
        return sorted(hits.values(), key=lambda h: h.score, reverse=True)[: k or s.top_k]

    def _keyword_query(self, query: str) -> str:
        """The query plus the synonyms its words have in the documents ("bounced" also finds "Returned item")."""
        weights = self.term_weights()
        words = [w for w in tokenize(query) if w not in STOPWORDS]
        return " ".join(weights.expand(words, known=weights.idf.__contains__))
