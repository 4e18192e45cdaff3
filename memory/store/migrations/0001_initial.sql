-- Schema version 1: every table the features need, shaped so later versions only add.
-- Times are ISO-8601 UTC text (strftime('%Y-%m-%dT%H:%M:%fZ')) so they sort and read well.

CREATE TABLE projects (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,          -- git common dir, or the real path of a non-git folder
    root        TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE sessions (
    id               TEXT PRIMARY KEY,          -- Claude Code's session_id
    project_id       INTEGER REFERENCES projects(id),
    cwd              TEXT,
    transcript_path  TEXT,
    source           TEXT,                      -- how it started: startup | resume | clear | compact
    started_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_seen_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ended_at         TEXT,
    end_reason       TEXT,
    action_count     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_project ON sessions(project_id, last_seen_at);

-- One row per tracked tool call. tool_use_id makes a replayed or duplicated hook call a no-op.
CREATE TABLE events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id   TEXT NOT NULL,
    project_id   INTEGER REFERENCES projects(id),
    ts           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    tool         TEXT NOT NULL,
    kind         TEXT NOT NULL,                 -- read | modify | bash | todo | task | other
    path         TEXT,
    summary      TEXT,
    outcome      TEXT,                          -- ok | error
    data_json    TEXT,
    tool_use_id  TEXT
);
CREATE UNIQUE INDEX events_tool_use ON events(session_id, tool_use_id) WHERE tool_use_id IS NOT NULL;
CREATE INDEX events_session ON events(session_id, id);

-- Periodic snapshots of a session's state (seed 004 "Session State Format").
CREATE TABLE session_state (
    session_id    TEXT PRIMARY KEY,
    project_id    INTEGER REFERENCES projects(id),
    state_json    TEXT NOT NULL,
    action_count  INTEGER NOT NULL,
    saved_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Seed 004 handoff schema, plus the project and where the handoff came from. session_id is not unique:
-- a session that compacts three times leaves three handoffs, and the newest is restored.
CREATE TABLE handoffs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id  TEXT NOT NULL,
    project_id  INTEGER REFERENCES projects(id),
    created_at  TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    trigger     TEXT,                           -- manual | auto | crash | session_end
    task        TEXT,
    status      TEXT,
    state_json  TEXT,
    summary     TEXT,
    resumed_at  TIMESTAMP
);
CREATE INDEX handoffs_session ON handoffs(session_id, id);
CREATE INDEX handoffs_project ON handoffs(project_id, id);

-- Seed 004 signature cache, plus what makes a hit cheap and safe: file size and mtime for the quick check,
-- and the parser version that produced the signature.
CREATE TABLE file_signatures (
    path              TEXT PRIMARY KEY,
    language          TEXT,
    signature         TEXT,
    hash              TEXT,
    original_tokens   INTEGER,
    signature_tokens  INTEGER,
    created_at        TIMESTAMP,
    accessed_at       TIMESTAMP,
    parser_version    TEXT,
    size              INTEGER,
    mtime_ns          INTEGER
);
CREATE INDEX file_signatures_accessed ON file_signatures(accessed_at);

CREATE TABLE learnings (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id       INTEGER REFERENCES projects(id),   -- NULL: a global learning (preferences)
    category         TEXT NOT NULL,
    text             TEXT NOT NULL,
    text_hash        TEXT NOT NULL,                      -- hash of the normalized text, for exact dedup
    files_json       TEXT NOT NULL DEFAULT '[]',
    symbols_json     TEXT NOT NULL DEFAULT '[]',
    evidence_json    TEXT NOT NULL DEFAULT '[]',
    confidence       REAL NOT NULL DEFAULT 0.5,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_seen_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    seen_count       INTEGER NOT NULL DEFAULT 1,
    recall_count     INTEGER NOT NULL DEFAULT 0,
    last_recalled_at TEXT,
    source_session   TEXT,
    extractor        TEXT,
    embedding_model  TEXT,
    vector           BLOB,                               -- float32, little endian
    forgotten_at     TEXT                                -- set by `forget`; NULL means live
);
CREATE UNIQUE INDEX learnings_text ON learnings(ifnull(project_id, 0), text_hash);

CREATE VIRTUAL TABLE learnings_fts USING fts5(
    text, category, files_json, content='learnings', content_rowid='id', tokenize='porter unicode61'
);
CREATE TRIGGER learnings_ai AFTER INSERT ON learnings BEGIN
    INSERT INTO learnings_fts(rowid, text, category, files_json) VALUES (new.id, new.text, new.category, new.files_json);
END;
CREATE TRIGGER learnings_ad AFTER DELETE ON learnings BEGIN
    INSERT INTO learnings_fts(learnings_fts, rowid, text, category, files_json)
    VALUES ('delete', old.id, old.text, old.category, old.files_json);
END;
CREATE TRIGGER learnings_au AFTER UPDATE OF text, category, files_json ON learnings BEGIN
    INSERT INTO learnings_fts(learnings_fts, rowid, text, category, files_json)
    VALUES ('delete', old.id, old.text, old.category, old.files_json);
    INSERT INTO learnings_fts(rowid, text, category, files_json) VALUES (new.id, new.text, new.category, new.files_json);
END;

-- Which learning was injected where and why: "never twice in one session" and `memory show ID`.
CREATE TABLE recalls (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    learning_id  INTEGER NOT NULL REFERENCES learnings(id) ON DELETE CASCADE,
    session_id   TEXT NOT NULL,
    ts           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    event        TEXT NOT NULL,
    query        TEXT,
    score        REAL
);
CREATE UNIQUE INDEX recalls_once ON recalls(session_id, learning_id);

-- The durable job queue the worker drains.
CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,
    payload_json  TEXT NOT NULL DEFAULT '{}',
    dedupe_key    TEXT UNIQUE,
    status        TEXT NOT NULL DEFAULT 'pending',   -- pending | running | done | failed
    attempts      INTEGER NOT NULL DEFAULT 0,
    not_before    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    locked_by     TEXT,
    locked_at     TEXT,
    last_error    TEXT,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX jobs_ready ON jobs(status, not_before);

-- LLM spend, checked against the daily budget before each call.
CREATE TABLE llm_usage (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    ts             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    day            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d', 'now')),
    model          TEXT NOT NULL,
    purpose        TEXT NOT NULL,
    input_tokens   INTEGER NOT NULL DEFAULT 0,
    output_tokens  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX llm_usage_day ON llm_usage(day);

CREATE TABLE hook_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    ts           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    event        TEXT NOT NULL,
    session_id   TEXT,
    duration_ms  REAL NOT NULL,
    outcome      TEXT NOT NULL,              -- ok | noop | disabled | bad_input | error | timeout
    detail       TEXT
);
CREATE INDEX hook_runs_ts ON hook_runs(ts);

CREATE TABLE errors (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    ts          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    source      TEXT NOT NULL,               -- e.g. hook:PostToolUse, worker, store
    session_id  TEXT,
    message     TEXT NOT NULL,
    detail      TEXT
);
CREATE INDEX errors_ts ON errors(ts);
