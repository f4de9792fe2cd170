"""Web: REST API and dashboard served by ``veille serve``."""

from pathlib import Path

TEMPLATES_DIR = Path(__file__).parent / "templates"
