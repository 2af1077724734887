"""The tables, one module per table group; ``build_metadata`` binds them to a prefix and schema."""

from agent_gateway_sqlalchemy.models.metadata import NAMING_CONVENTION, Tables, build_metadata

__all__ = ["NAMING_CONVENTION", "Tables", "build_metadata"]
