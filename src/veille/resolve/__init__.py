"""Entity resolution: mentions to one entity with a canonical name."""
