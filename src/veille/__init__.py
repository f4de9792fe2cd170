"""veille: media monitoring and OSINT engine."""

__version__ = "0.1.0"
