"""Session continuity: events, session state, handoffs, transcript parsing, plan progress."""
