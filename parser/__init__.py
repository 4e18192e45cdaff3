"""Pure tree-sitter signature extraction: source bytes + language -> signatures. No I/O, no SQLite."""
