"""Builders of valid domain records for the persistence contracts, with whole-second times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from agent_gateway_core.domain.conversation import ConversationRecord, MessageRecord
from agent_gateway_core.domain.execution import ExecutionRecord, ExecutionStatus
from agent_gateway_core.domain.ids import new_execution_id, new_record_id, new_session_id
from agent_gateway_core.domain.messages import Message
from agent_gateway_core.domain.notification import (
    DeliveryStatus,
    Notification,
    NotificationDelivery,
    NotificationEvent,
)
from agent_gateway_core.domain.schedule import ScheduleRecord
from agent_gateway_core.domain.user_config import (
    IdempotencyRecord,
    McpServerConfig,
    UserAgentConfig,
)

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def at(seconds: float) -> datetime:
    """``seconds`` after the contracts' fixed origin ``T0``."""
    return T0 + timedelta(seconds=seconds)


def execution(**fields: Any) -> ExecutionRecord:
    values: dict[str, Any] = {
        "id": new_execution_id(),
        "agent_id": "agent-a",
        "status": ExecutionStatus.QUEUED,
        "message": "hello",
        "input": {"topic": "contracts"},
        "created_at": T0,
    }
    return ExecutionRecord(**(values | fields))


def conversation(**fields: Any) -> ConversationRecord:
    values: dict[str, Any] = {
        "id": new_session_id(),
        "agent_id": "agent-a",
        "user_id": "user-1",
        "title": "first",
        "metadata": {"k": "v"},
        "created_at": T0,
        "updated_at": T0,
    }
    return ConversationRecord(**(values | fields))


def message(conversation_id: str, text: str, created_at: datetime = T0) -> MessageRecord:
    return MessageRecord(
        id=new_record_id(),
        conversation_id=conversation_id,
        seq=0,  # the store assigns the real one
        message=Message.user(text),
        created_at=created_at,
    )


def schedule(agent_id: str, name: str, **fields: Any) -> ScheduleRecord:
    values: dict[str, Any] = {
        "id": f"{agent_id}:{name}",
        "agent_id": agent_id,
        "name": name,
        "cron_expr": "0 9 * * *",
        "message": "daily report",
        "created_at": T0,
        "updated_at": T0,
    }
    return ScheduleRecord(**(values | fields))


def delivery(**fields: Any) -> NotificationDelivery:
    values: dict[str, Any] = {
        "id": new_record_id(),
        "execution_id": new_execution_id(),
        "agent_id": "agent-a",
        "event_type": NotificationEvent.ON_COMPLETE,
        "channel": "slack",
        "target": "#alerts",
        "status": DeliveryStatus.DELIVERED,
        "created_at": T0,
    }
    return NotificationDelivery(**(values | fields))


def user_config(user_id: str, agent_id: str, **fields: Any) -> UserAgentConfig:
    values: dict[str, Any] = {
        "user_id": user_id,
        "agent_id": agent_id,
        "values": {"region": "eu"},
        "secrets": {"api_key": "sk-contract-secret-123", "pin": "pässwörd-✓"},
        "updated_at": T0,
    }
    return UserAgentConfig(**(values | fields))


def mcp_server(name: str, **fields: Any) -> McpServerConfig:
    values: dict[str, Any] = {
        "id": new_record_id(),
        "name": name,
        "transport": "streamable_http",
        "url": "http://127.0.0.1:9/mcp",
        "headers": {"x-team": "contracts"},
        "credentials": {"token": "mcp-contract-token-456"},
        "created_at": T0,
        "updated_at": T0,
    }
    return McpServerConfig(**(values | fields))


def idempotency(key: str, scope: str = "user-1", **fields: Any) -> IdempotencyRecord:
    values: dict[str, Any] = {
        "key": key,
        "scope": scope,
        "execution_id": new_execution_id(),
        "request_fingerprint": "sha256:abc",
        "created_at": T0,
        "expires_at": at(3600),
    }
    return IdempotencyRecord(**(values | fields))


def notification(**fields: Any) -> Notification:
    values: dict[str, Any] = {
        "event": NotificationEvent.ON_COMPLETE,
        "execution_id": "exec-1",
        "agent_id": "agent-a",
        "target": "#alerts",
        "status": "succeeded",
        "message": "hello",
        "result_text": "done",
        "output": {"answer": 42},
        "duration_ms": 1200,
        "occurred_at": T0,
        "template": "brief",
    }
    return Notification(**(values | fields))
