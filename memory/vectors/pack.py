"""Pack files: every live vector of one scope and embedding model in one contiguous float32 matrix.

SQLite holds each learning's vector, but reading 10,000 blobs row by row costs a hook ~30 ms; one file read
costs ~2 ms. So the worker (after each write) and ``memory reindex`` derive, per scope (a project, or the
global store) and model, ``<data>/vectors/pack-<scope>-<model>.bin``::

    header  "CMVP" | uint32 dimension | uint32 count | int64 max learning id      (little endian)
    ids     count x int64
    matrix  count x dimension x float32

A hook scans the pack with simsimd, then the few rows SQLite gained since the pack was written
(``id > max id``), so a missing or stale pack only costs time, never a wrong answer. Forgotten learnings are
dropped later, when the candidates' rows are read.
"""

from __future__ import annotations

import os
import sqlite3
import struct
import sys

from memory import paths
from memory.vectors.codec import from_blob

MAGIC = b"CMVP"
HEADER = struct.Struct("<4sIIq")


def pack_path(project_id: int | None, model: str) -> str:
    """The pack file of a scope (``project_id`` None = the global store) and an embedding model."""
    return os.path.join(paths.data_home(), "vectors", f"pack-{project_id or 0}-{model_slug(model)}.bin")


def model_slug(model: str) -> str:
    """``model`` as a file-name part (reversible by ``model_from_slug``)."""
    return model.replace("%", "%25").replace("/", "%2F").replace(":", "%3A")


def model_from_slug(slug: str) -> str:
    """The model name a pack file name was made from."""
    return slug.replace("%3A", ":").replace("%2F", "/").replace("%25", "%")


def _scope_clause(project_id: int | None) -> tuple[str, tuple]:
    return ("project_id IS NULL", ()) if project_id is None else ("project_id = ?", (project_id,))


def write_pack(conn: sqlite3.Connection, project_id: int | None, model: str) -> int:
    """Rewrite the pack of one scope and model from SQLite (atomically); return how many vectors it holds."""
    clause, args = _scope_clause(project_id)
    rows = conn.execute(
        f"SELECT id, vector FROM learnings WHERE {clause} AND embedding_model = ? AND vector IS NOT NULL "
        "AND forgotten_at IS NULL ORDER BY id",
        (*args, model),
    ).fetchall()
    top = conn.execute("SELECT coalesce(max(id), 0) FROM learnings").fetchone()[0]
    dimension = len(rows[0][1]) // 4 if rows else 0
    rows = [r for r in rows if len(r[1]) == dimension * 4]
    ids = struct.pack(f"<{len(rows)}q", *(r[0] for r in rows))
    data = HEADER.pack(MAGIC, dimension, len(rows), top) + ids + b"".join(r[1] for r in rows)
    paths.write_private_file(pack_path(project_id, model), data)
    return len(rows)


def read_pack(project_id: int | None, model: str) -> tuple[list[int], memoryview | None, int, int]:
    """(ids, matrix as a 2-D float32 memoryview or None, dimension, max id covered); empty when absent."""
    try:
        with open(pack_path(project_id, model), "rb") as handle:
            data = handle.read()
        magic, dimension, count, top = HEADER.unpack_from(data)
    except (OSError, struct.error):
        return [], None, 0, 0
    start = HEADER.size + 8 * count
    if magic != MAGIC or len(data) != start + 4 * dimension * count or sys.byteorder != "little":
        return [], None, 0, 0
    ids = list(struct.unpack_from(f"<{count}q", data, HEADER.size))
    if not count or not dimension:
        return ids, None, dimension, top
    matrix = memoryview(data)[start:].cast("f", [count, dimension])
    return ids, matrix, dimension, top


def nearest(conn: sqlite3.Connection, project_ids: list[int | None], model: str, query: list[float],
            limit: int) -> list[tuple[int, float]]:
    """The ``limit`` (learning id, cosine similarity) pairs closest to ``query`` in the given scopes."""
    import heapq

    scored: list[tuple[float, int]] = []
    for project_id in project_ids:
        ids, matrix, dimension, top = read_pack(project_id, model)
        if matrix is not None and dimension == len(query):
            sims = _similarities(query, matrix)
            best = heapq.nlargest(limit, range(len(sims)), key=sims.__getitem__)
            scored.extend((sims[i], ids[i]) for i in best)
        scored.extend(_tail(conn, project_id, model, query, top))
    scored.sort(reverse=True)
    return [(learning_id, sim) for sim, learning_id in scored[:limit]]


def _similarities(query: list[float], matrix: memoryview) -> list[float]:
    """Cosine similarity of ``query`` to every row: simsimd when installed, plain Python otherwise (while the
    dependencies are still being installed)."""
    import array

    from memory.paths import ensure_site_packages

    ensure_site_packages()
    try:
        import simsimd
    except ImportError:
        from memory.vectors.codec import cosine

        return [cosine(query, row) for row in matrix.tolist()]
    distances = memoryview(simsimd.cdist(array.array("f", query), matrix, metric="cosine"))
    return [1.0 - d for d in distances.cast("B").cast(distances.format).tolist()]


def _tail(conn: sqlite3.Connection, project_id: int | None, model: str, query: list[float],
          after_id: int) -> list[tuple[float, int]]:
    from memory.vectors.codec import cosine

    clause, args = _scope_clause(project_id)
    rows = conn.execute(
        f"SELECT id, vector FROM learnings WHERE id > ? AND {clause} AND embedding_model = ? "
        "AND vector IS NOT NULL AND forgotten_at IS NULL",
        (after_id, *args, model),
    ).fetchall()
    return [(cosine(query, from_blob(r[1])), r[0]) for r in rows if len(r[1]) == 4 * len(query)]


def remove_all() -> None:
    """Delete every pack file (they are rebuilt from SQLite)."""
    folder = os.path.join(paths.data_home(), "vectors")
    if os.path.isdir(folder):
        for name in os.listdir(folder):
            if name.startswith("pack-") and name.endswith(".bin"):
                os.unlink(os.path.join(folder, name))
