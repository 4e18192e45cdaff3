-- Schema version 16 (moment of action, cheaper): a counter of changes to what learnings are anchored to.
-- The PreToolUse hook of every edit and command first reads a small file of anchor keys
-- (memory/learning/anchor_index.py) and leaves without opening the store when nothing can match. The file
-- carries the counter value it was built from; any hook that has the store open rebuilds it when the counter
-- moved, whoever changed the learnings (the extractor, `memory forget`, an import, a test writing SQL).
CREATE TABLE anchor_index_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    generation  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO anchor_index_state(id, generation) VALUES (1, 0);
CREATE TRIGGER learnings_anchor_insert AFTER INSERT ON learnings
BEGIN
    UPDATE anchor_index_state SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER learnings_anchor_delete AFTER DELETE ON learnings
BEGIN
    UPDATE anchor_index_state SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER learnings_anchor_update
AFTER UPDATE OF anchors_json, files_json, symbols_json, project_id, forgotten_at, superseded_by ON learnings
BEGIN
    UPDATE anchor_index_state SET generation = generation + 1 WHERE id = 1;
END;
