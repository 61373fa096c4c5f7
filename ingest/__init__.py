"""Turns staff documents into clean, redacted, cited chunks in the vector store."""
