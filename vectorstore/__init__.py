"""Chroma-backed chunk store with a BM25 keyword view of the same chunks."""
