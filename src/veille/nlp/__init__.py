"""Language processing: spaCy pipelines (offline) and entity mentions."""
