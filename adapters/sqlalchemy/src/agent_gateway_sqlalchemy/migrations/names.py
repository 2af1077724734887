"""Names for revision scripts: the prefix and schema of the run, and the naming convention.

A revision reads them at run time, so one script serves every ``table_prefix`` and schema.
The names follow ``models.metadata.NAMING_CONVENTION`` but are spelled out here, so a revision
keeps producing the names it always produced.
"""

from __future__ import annotations

from alembic import context


def schema() -> str | None:
    """The schema being migrated (PostgreSQL), or ``None``."""
    value = context.config.attributes.get("schema")
    return str(value) if value else None


def table(base: str) -> str:
    """The prefixed name of table ``base``."""
    return f"{context.config.attributes.get('table_prefix', '')}{base}"


def pk(base: str) -> str:
    return f"pk_{table(base)}"


def fk(base: str, column: str) -> str:
    return f"fk_{table(base)}_{column}"


def uq(base: str, *columns: str) -> str:
    return f"uq_{table(base)}_{'_'.join(columns)}"


def ix(base: str, *columns: str) -> str:
    return f"ix_{table(base)}_{'_'.join(columns)}"
