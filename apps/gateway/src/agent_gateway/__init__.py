"""Agent Gateway: serve LLM agents as a production HTTP API."""

__version__ = "0.1.0"
