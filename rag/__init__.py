"""Retrieval, cited answers and the shared foundation (settings, schemas, embedder, store)."""
