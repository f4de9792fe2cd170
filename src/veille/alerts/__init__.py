"""Watchlists and alerts: rules over new facts, matched after each ingest batch, then delivered."""
