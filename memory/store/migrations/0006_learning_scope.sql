-- Schema version 6 (learning scope and supersede). A learning belongs to its project (project_id); it is
-- global (project_id NULL) only for a stated reason, kept in scope_reason. A newer learning that contradicts an
-- older one on the same subject sets the older one's superseded_by: it is never recalled again, but `show` still
-- finds it with a link to its successor. anchors_json: what the learning is about and what each anchor pointed
-- at when it was stored ([{"kind": "file"|"symbol"|"command"|"error", "value": ..., "hash": ...}]).
ALTER TABLE learnings ADD COLUMN superseded_by INTEGER REFERENCES learnings(id);
ALTER TABLE learnings ADD COLUMN scope_reason TEXT;
ALTER TABLE learnings ADD COLUMN anchors_json TEXT NOT NULL DEFAULT '[]';
CREATE INDEX IF NOT EXISTS learnings_superseded ON learnings(superseded_by);
