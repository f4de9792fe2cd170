"""Turning raw HTML or plain text into a clean article body, title and metadata."""
