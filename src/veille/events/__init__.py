"""Events: who did what to whom, typed by a small ontology (docs/events.md)."""
