"""Embeddings and vector indexes for learnings.

- ``builtin``: a lexical embedder that needs no download (hashed words and character n-grams); pure stdlib,
  fast enough for a hook to embed a prompt in-process.
- ``ollama``: semantic embeddings from a local Ollama server, used by the worker when it is reachable.
- ``codec``: float32 little-endian blobs (the ``learnings.vector`` column) and the cosine used everywhere.
- ``pack``: the compact matrix file a hook scans with simsimd (derived from SQLite, rebuilt by the worker).
- ``lance``: the LanceDB table (worker and CLI only), rebuilt from SQLite by ``memory reindex``.
- ``choose``: which embedder the worker uses, and re-embedding when it changes.
"""
