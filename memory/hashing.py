"""The one content hash: what identifies a file's bytes (the signature cache's key, an anchor's file state)."""

from __future__ import annotations


def content_hash(source: bytes) -> str:
    """A short, stable hash of a file's bytes (BLAKE2b, 128 bits)."""
    try:  # the C module directly: ``hashlib`` costs ~4 ms to import on the hook path
        from _blake2 import blake2b
    except ImportError:
        from hashlib import blake2b
    return blake2b(source, digest_size=16).hexdigest()
