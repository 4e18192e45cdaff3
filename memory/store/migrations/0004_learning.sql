-- Schema version 4 (learning): indexes for recall, `show`, and the SessionStart query. No new tables: the
-- learnings, recalls, jobs and llm_usage tables of version 1 hold everything.
CREATE INDEX IF NOT EXISTS learnings_scope ON learnings(project_id, forgotten_at);
CREATE INDEX IF NOT EXISTS recalls_learning ON recalls(learning_id, ts);
CREATE INDEX IF NOT EXISTS events_recent_by_kind ON events(project_id, kind, id);
-- Recall orders FTS matches by `rank`: BM25 weighing the text above the file names and the category.
INSERT INTO learnings_fts(learnings_fts, rank) VALUES ('rank', 'bm25(1.0, 0.3, 0.5)');
