"""The version of agents-gateway, importable without loading the Gateway."""

__version__ = "0.1.0"
