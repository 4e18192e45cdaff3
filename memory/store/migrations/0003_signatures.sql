-- Signatures: what a cached outline needs beyond seed 004's columns, and the honest accounting of reads.

-- The cached text is the outline rendered for one size budget (render_chars); a different budget re-renders.
ALTER TABLE file_signatures ADD COLUMN total_lines INTEGER;
ALTER TABLE file_signatures ADD COLUMN definitions INTEGER;        -- definitions shown in the cached text
ALTER TABLE file_signatures ADD COLUMN dropped TEXT;               -- JSON list: detail dropped to fit the budget
ALTER TABLE file_signatures ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;  -- 1: the file has syntax errors
ALTER TABLE file_signatures ADD COLUMN render_chars INTEGER;
-- Same content at another path (a copy, a checkout back and forth) reuses the outline.
CREATE INDEX file_signatures_hash ON file_signatures(hash, parser_version);

-- One row per intercepted Read: what the Read would have returned, what was delivered instead (head lines +
-- context), and every later Read of the same file in the session, which counts against the saving.
-- The unique index makes "at most once per (session, path, content)" hold under concurrent hooks.
CREATE TABLE signature_reads (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id        TEXT NOT NULL,
    project_id        INTEGER REFERENCES projects(id),
    path              TEXT NOT NULL,
    hash              TEXT NOT NULL,
    ts                TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    tool_use_id       TEXT,
    head_limit        INTEGER NOT NULL,
    original_tokens   INTEGER NOT NULL,
    delivered_tokens  INTEGER NOT NULL,
    followup_reads    INTEGER NOT NULL DEFAULT 0,
    followup_tokens   INTEGER NOT NULL DEFAULT 0,
    own_read_seen     INTEGER NOT NULL DEFAULT 0   -- 1 once PostToolUse saw the narrowed Read itself
);
CREATE UNIQUE INDEX signature_reads_once ON signature_reads(session_id, path, hash);
CREATE INDEX signature_reads_project ON signature_reads(project_id, id);

-- Files edited in a session (Edit, Write, MultiEdit, NotebookEdit): later Reads of them pass untouched.
CREATE TABLE signature_edits (
    session_id  TEXT NOT NULL,
    path        TEXT NOT NULL,
    ts          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (session_id, path)
) WITHOUT ROWID;
