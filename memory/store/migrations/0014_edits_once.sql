-- An edit is stored once, as the session's 'modify' event (memory/store/events.py), the file named relative to
-- the session's project root when it lies inside it, else absolute and flagged outside (memory/project.py
-- canonical_path). The edits that signature_edits held under their absolute paths become such events -- unless
-- the session's events already have them -- so an edited file is still never narrowed again in that session;
-- then the table goes. The root is the session's project root, else the session's working directory (a
-- second worktree of a project), else the longest known project root that holds the file (no session row).
WITH placed AS (
    SELECT e.session_id, e.path AS absolute, e.ts, s.project_id AS session_project,
           (SELECT root FROM projects WHERE id = s.project_id) AS project_root, s.cwd,
           (SELECT p.id FROM projects AS p WHERE substr(e.path, 1, length(p.root) + 1) = p.root || '/'
            ORDER BY length(p.root) DESC LIMIT 1) AS holder
    FROM signature_edits AS e LEFT JOIN sessions AS s ON s.id = e.session_id
),
rooted AS (
    SELECT session_id, absolute, ts, coalesce(session_project, holder) AS project_id,
           CASE WHEN substr(absolute, 1, length(project_root) + 1) = project_root || '/' THEN project_root
                WHEN substr(absolute, 1, length(cwd) + 1) = cwd || '/' THEN cwd
                WHEN session_project IS NULL THEN (SELECT root FROM projects WHERE id = holder) END AS root
    FROM placed
),
named AS (
    SELECT session_id, absolute, ts, project_id, root IS NULL AS outside,
           CASE WHEN root IS NULL THEN absolute ELSE substr(absolute, length(root) + 2) END AS path
    FROM rooted
)
INSERT INTO events(session_id, project_id, ts, tool, kind, path, summary, outcome, data_json)
SELECT session_id, project_id, ts, 'unknown', 'modify', path, 'Edited ' || path, 'ok',
       CASE WHEN outside THEN '{"outside": true}' END
FROM named
WHERE NOT EXISTS (SELECT 1 FROM events AS v WHERE v.session_id = named.session_id AND v.kind = 'modify'
                  AND v.path IN (named.path, named.absolute));

DROP TABLE signature_edits;
