"""Cross-session learning: extraction (rules, haiku), redaction, dedup, categories."""
