"""Every error class, raised by the real gateway over HTTP (or by its absence), in both
clients."""

from __future__ import annotations

import contextlib
import uuid

import pytest

from agent_gateway_client import (
    AuthenticationError,
    ConflictError,
    GatewayConnectionError,
    GatewayError,
    GatewayTimeoutError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from agent_gateway_core.testing import ScriptedReply, reply

from ._served import READER, THROTTLED_PATH, ScriptedModel, free_port
from .conftest import MakeClient

pytestmark = pytest.mark.integration


async def test_a_wrong_key_is_an_authentication_error(make_client: MakeClient) -> None:
    client = make_client(api_key="sk-wrong")

    with pytest.raises(AuthenticationError) as caught:
        await client.agents.list()

    error = caught.value
    assert error.status_code == 401
    assert error.code
    assert error.code == error.body["error"]["code"]
    assert "API key" in error.message
    assert isinstance(error, GatewayError)
    assert str(error) == f"401 {error.code}: {error.message}"
    assert error.request_id
    assert error.response is not None
    assert error.request_id == error.response.headers["X-Request-ID"]


async def test_no_credential_is_an_authentication_error(make_client: MakeClient) -> None:
    client = make_client(api_key=None)

    with pytest.raises(AuthenticationError):
        await client.agents.list()


async def test_a_read_only_key_may_not_invoke(make_client: MakeClient) -> None:
    reader = make_client(api_key=READER)

    assert len(await reader.agents.list()) > 0
    with pytest.raises(PermissionDeniedError) as caught:
        await reader.agents.invoke("assistant", "hi")

    assert caught.value.status_code == 403
    assert caught.value.body["error"]["details"] == [{"missing_scope": "agents:invoke"}]


async def test_a_disabled_agent_is_permission_denied(make_client: MakeClient) -> None:
    with pytest.raises(PermissionDeniedError) as caught:
        await make_client().agents.invoke("dormant", "wake up")

    assert caught.value.code == "agent_disabled"


async def test_an_unknown_agent_is_not_found(make_client: MakeClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        await make_client().agents.invoke("ghost", "hi")

    assert (caught.value.status_code, caught.value.code) == (404, "agent_not_found")
    assert caught.value.execution_id  # named in X-Execution-Id, though nothing ran


async def test_an_idempotency_key_reused_with_another_body_is_a_conflict(
    make_client: MakeClient,
) -> None:
    client = make_client()
    key = f"key-{uuid.uuid4()}"
    first = await client.agents.invoke("assistant", "one body", idempotency_key=key)

    with pytest.raises(ConflictError) as caught:
        await client.agents.invoke("assistant", "another body", idempotency_key=key)

    assert caught.value.status_code == 409
    assert caught.value.code == "idempotency_conflict"
    assert first.execution_id in caught.value.message


async def test_invalid_input_is_a_validation_error_with_field_paths(
    make_client: MakeClient,
) -> None:
    client = make_client()

    with pytest.raises(ValidationError) as schema:
        await client.agents.invoke("triage", "classify", input={"tier": "gold"})
    with pytest.raises(ValidationError) as body:
        await client.agents.invoke("assistant", "hi", options={"max_tokens": 0})
    with pytest.raises(ValidationError) as query:
        await client.executions.list(limit=1000)

    assert [e.path for e in schema.value.errors] == ["input.tier"]
    assert "pro" in schema.value.errors[0].message
    assert body.value.code == "request_validation_error"
    assert [e.path for e in body.value.errors] == ["options.max_tokens"]
    assert body.value.errors[0].type == "greater_than"
    assert [e.path for e in query.value.errors] == ["query.limit"]


async def test_past_the_rate_limit_is_a_rate_limit_error_with_retry_after(
    make_client: MakeClient,
) -> None:
    client = make_client(max_retries=0)
    with contextlib.suppress(RateLimitError):  # one a minute: the second is refused, if not this
        await client.request("GET", THROTTLED_PATH)

    with pytest.raises(RateLimitError) as caught:
        await client.request("GET", THROTTLED_PATH)

    error = caught.value
    assert (error.status_code, error.code) == (429, "rate_limit_exceeded")
    assert error.retry_after is not None
    assert 1 <= error.retry_after <= 60


async def test_a_failing_model_is_a_server_error_naming_the_execution(
    make_client: MakeClient, model: ScriptedModel
) -> None:
    model.push(ScriptedReply(status=400, error_message="the model refused"))

    with pytest.raises(ServerError) as caught:
        await make_client().agents.invoke("assistant", "hi", idempotency_key=str(uuid.uuid4()))

    error = caught.value
    assert error.status_code == 502
    assert error.code is not None
    assert error.code.startswith("llm_")
    assert error.execution_id
    # Its own outcome: not retried (the key would only replay it), and it is stored.
    failed = await make_client().executions.get(error.execution_id)
    assert failed.status == "failed"


async def test_nothing_listening_is_a_connection_error(make_client: MakeClient) -> None:
    client = make_client(base_url=f"http://127.0.0.1:{free_port()}", max_retries=1)

    with pytest.raises(GatewayConnectionError) as caught:
        await client.agents.list()

    assert caught.value.status_code is None
    assert "127.0.0.1" in caught.value.message
    assert caught.value.request_id  # the id the client sent, to find it in logs


async def test_a_slow_answer_is_a_timeout_error(
    make_client: MakeClient, model: ScriptedModel
) -> None:
    model.push(reply("too late", delay_seconds=1.0))
    client = make_client(read_timeout=0.2)

    with pytest.raises(GatewayTimeoutError) as caught:
        await client.agents.invoke("assistant", "hurry")

    assert "read timeout" in caught.value.message


async def test_a_stream_quiet_past_its_timeout_is_a_timeout_error(
    make_client: MakeClient, model: ScriptedModel
) -> None:
    model.push(reply("too late", delay_seconds=1.0))
    client = make_client(stream_timeout=0.2)
    received: list[str] = []

    async def read_all() -> None:
        async for event in client.chat.stream("assistant", "hurry"):
            received.append(event.type)

    with pytest.raises(GatewayTimeoutError) as caught:
        await read_all()

    assert received == ["session"]  # sent at once; then nothing for longer than 0.2 s
    assert "read timeout" in caught.value.message
