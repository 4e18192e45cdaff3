-- Schema version 15 (signatures): a narrowed Read's follow-ups are counted within the user's request it served.
-- turn_ended is set when the user sends the next prompt; later Reads of the file serve a new request, which
-- Claude Code re-reads files for whether or not a Read was narrowed (benchmarks/signatures_replay.py).
ALTER TABLE signature_reads ADD COLUMN turn_ended INTEGER NOT NULL DEFAULT 0;
