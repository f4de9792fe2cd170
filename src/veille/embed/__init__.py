"""Multilingual sentence embeddings: one vector space for every language (semantic search, related
articles, stories across languages). See docs/search.md."""
