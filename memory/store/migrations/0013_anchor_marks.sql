-- Schema version 13 (moment of action): what each anchor of a learning pointed at, and whether it still does.
-- One row per (learning, anchor, file): `baseline` is what the anchor pointed at when first recorded (a file's
-- content hash; a symbol's signature line, NULL when the symbol was not found in that file then), `current`
-- what was seen last. state 'stale' means the symbol is gone or its signature changed, or the file was deleted:
-- the learning "may be stale" (`reason` says why) until the anchor is seen again as it was, or it is confirmed.
-- Rows are derived data: losing them loses no learning, only the knowledge of what changed.
CREATE TABLE anchor_marks (
    learning_id  INTEGER NOT NULL REFERENCES learnings(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,                 -- file | symbol
    value        TEXT NOT NULL,                 -- the anchored path (project-relative when inside it) or symbol
    path         TEXT NOT NULL,                 -- the file checked (absolute)
    baseline     TEXT,
    current      TEXT,
    state        TEXT NOT NULL DEFAULT 'ok',    -- ok | stale
    reason       TEXT,
    since        TEXT,                          -- when it became stale
    checked_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (learning_id, kind, value, path)
) WITHOUT ROWID;
CREATE INDEX anchor_marks_stale ON anchor_marks(learning_id) WHERE state = 'stale';
