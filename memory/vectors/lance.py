"""The LanceDB index of learnings (``<data>/vectors.lance``), written by the worker, rebuilt by ``reindex``.

One table per embedding model (vectors of different models cannot share a column), rows keyed by the
SQLite learning id. SQLite stays the source of truth: this index can always be dropped and rebuilt. lancedb
and pyarrow are imported here only, never on a hook's path.
"""

from __future__ import annotations

import os
import re
import sqlite3

from memory import paths
from memory.vectors.codec import from_blob


def index_path() -> str:
    """The LanceDB folder under the data folder."""
    return os.path.join(paths.data_home(), "vectors.lance")


def table_name(model: str) -> str:
    """The table holding the vectors of ``model``."""
    return "learnings_" + re.sub(r"[^A-Za-z0-9_]+", "_", model)


def _db():
    import lancedb

    paths.ensure_private_dir(index_path())
    return lancedb.connect(index_path())


def _schema(dimension: int):
    import pyarrow as pa

    return pa.schema([
        pa.field("id", pa.int64()),
        pa.field("project_id", pa.int64()),
        pa.field("category", pa.string()),
        pa.field("text", pa.string()),
        pa.field("vector", pa.list_(pa.float32(), dimension)),
    ])


def _records(rows: list[sqlite3.Row]) -> list[dict]:
    return [{"id": r["id"], "project_id": r["project_id"] if r["project_id"] is not None else 0,
             "category": r["category"], "text": r["text"], "vector": from_blob(r["vector"])} for r in rows]


def _open_table(db, model: str, dimension: int):
    name = table_name(model)
    if name in _table_names(db):
        return db.open_table(name)
    return db.create_table(name, schema=_schema(dimension))


def _table_names(db) -> list[str]:
    listed = db.list_tables() if hasattr(db, "list_tables") else db.table_names()
    return list(getattr(listed, "tables", listed))


def upsert(conn: sqlite3.Connection, learning_ids: list[int]) -> int:
    """Write (replace) the given learnings' vectors into their model's table; return the rows written."""
    if not learning_ids:
        return 0
    marks = ",".join("?" * len(learning_ids))
    rows = conn.execute(
        f"SELECT id, project_id, category, text, vector, embedding_model FROM learnings WHERE id IN ({marks}) "
        "AND vector IS NOT NULL AND forgotten_at IS NULL", learning_ids).fetchall()
    db = _db()
    written = 0
    for model in {r["embedding_model"] for r in rows}:
        batch = [r for r in rows if r["embedding_model"] == model]
        table = _open_table(db, model, len(batch[0]["vector"]) // 4)
        table.delete(f"id IN ({','.join(str(r['id']) for r in batch)})")
        table.add(_records(batch))
        written += len(batch)
    return written


def delete(learning_ids: list[int]) -> None:
    """Remove learnings from every table (after ``forget``)."""
    if not learning_ids or not os.path.isdir(index_path()):
        return
    db = _db()
    for name in _table_names(db):
        db.open_table(name).delete(f"id IN ({','.join(str(int(i)) for i in learning_ids)})")


def rebuild(conn: sqlite3.Connection) -> dict[str, int]:
    """Drop every table and write all live vectors again from SQLite; return rows per table."""
    db = _db()
    for name in _table_names(db):
        db.drop_table(name)
    counts: dict[str, int] = {}
    models = [r[0] for r in conn.execute(
        "SELECT DISTINCT embedding_model FROM learnings WHERE vector IS NOT NULL AND forgotten_at IS NULL")]
    for model in models:
        rows = conn.execute(
            "SELECT id, project_id, category, text, vector FROM learnings WHERE embedding_model = ? "
            "AND vector IS NOT NULL AND forgotten_at IS NULL ORDER BY id", (model,)).fetchall()
        dimension = len(rows[0]["vector"]) // 4
        rows = [r for r in rows if len(r["vector"]) == dimension * 4]
        db.create_table(table_name(model), data=_records(rows), schema=_schema(dimension))
        counts[table_name(model)] = len(rows)
    return counts


def search(model: str, query: list[float], limit: int, project_ids: list[int | None]) -> list[tuple[int, float]]:
    """Nearest learnings by cosine in LanceDB: (id, similarity) pairs (used by the CLI and the benchmark)."""
    db = _db()
    if table_name(model) not in _table_names(db):
        return []
    scopes = ",".join(str(p or 0) for p in project_ids)
    hits = (db.open_table(table_name(model)).search(query).metric("cosine").where(f"project_id IN ({scopes})")
            .limit(limit).to_list())
    return [(int(h["id"]), 1.0 - float(h["_distance"])) for h in hits]


def count(model: str) -> int:
    """Rows in the table of ``model`` (0 when absent)."""
    if not os.path.isdir(index_path()):
        return 0
    db = _db()
    return db.open_table(table_name(model)).count_rows() if table_name(model) in _table_names(db) else 0
