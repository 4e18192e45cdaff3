-- Schema version 12 (learning categories). The categories became fix, gotcha, instruction, fact and dead-end:
-- a preference is an instruction; tips, patterns and architecture notes are facts. Every preference used to be
-- stored global; those rows stay global, with a reason that says so (`memory show` prints it).
UPDATE learnings SET category = 'instruction' WHERE category = 'preference';
UPDATE learnings SET category = 'fact' WHERE category IN ('tip', 'pattern', 'architecture');
UPDATE learnings SET scope_reason = 'stored global by an earlier version, which made every preference global'
    WHERE project_id IS NULL AND scope_reason IS NULL;
