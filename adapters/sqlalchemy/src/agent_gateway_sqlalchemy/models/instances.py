"""The leases of the gateway instances sharing the database."""

from __future__ import annotations

from agent_gateway_sqlalchemy.models.columns import Id, Row, UtcDateTime, column


class InstanceRow(Row):
    base_name = "gateway_instances"

    id = column(Id, primary_key=True)
    expires_at = column(UtcDateTime())
