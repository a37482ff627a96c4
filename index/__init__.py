"""Loading, chunking, incremental update and atomic rebuild of the index (imports only rag's foundation)."""
