"""Language processing: spaCy pipelines (offline), entity mentions and reading the dependency parse."""
