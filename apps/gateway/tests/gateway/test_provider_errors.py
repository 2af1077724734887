"""A model provider's failure, through litellm against the fake OpenAI server: the client is
told the kind of failure, the provider and the model; the provider's own text (which may
quote the request or name an account) reaches only the log."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import httpx
import pytest

from agent_gateway import Gateway
from agent_gateway_core.testing import ScriptedReply
from agent_gateway_testing.fake_openai import FakeOpenAIServer

pytestmark = pytest.mark.integration

ClientFor = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]

PROVIDER_TEXT = "Incorrect API key provided: sk-live-SECRET-4242 for org org-PRIVATE"
WHERE = "(provider 'openai', model 'openai/gpt-4o-mini', HTTP {status})"


def failing(status: int) -> list[ScriptedReply]:
    """The failure, as often as the client tries (retryable ones are retried at once)."""
    return [ScriptedReply(status=status, error_message=PROVIDER_TEXT, retry_after=0)] * 4


@pytest.mark.parametrize(
    ("status", "http_status", "code", "kind"),
    [
        (401, 502, "llm_authentication_error", "authentication error"),
        (403, 502, "llm_authentication_error", "authentication error"),
        (400, 502, "llm_bad_request", "bad request"),
        (404, 502, "llm_bad_request", "bad request"),
        (429, 502, "llm_rate_limited", "rate limit"),
        (500, 502, "llm_service_error", "service error"),
        (503, 502, "llm_service_error", "service error"),
    ],
)
async def test_a_provider_error_names_its_kind_never_the_providers_text(
    gateway: Gateway,
    client_for: ClientFor,
    model_server: FakeOpenAIServer,
    caplog: pytest.LogCaptureFixture,
    status: int,
    http_status: int,
    code: str,
    kind: str,
) -> None:
    model_server.push(*failing(status))
    caplog.set_level(logging.WARNING)

    async with gateway, client_for(gateway) as client:
        response = await client.post("/v1/agents/assistant/invoke", json={"message": "hi"})
        execution_id = response.headers["X-Execution-Id"]
        record = (await client.get(f"/v1/executions/{execution_id}")).json()
        events = (await client.get(f"/v1/executions/{execution_id}/events")).text

    assert response.status_code == http_status
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"] == f"model call failed: {kind} " + WHERE.format(status=status)
    for answer in (response.text, json.dumps(record), events):
        assert "SECRET" not in answer
        assert "PRIVATE" not in answer
    assert record["error"] == error["message"]
    assert "sk-live-SECRET-4242" in caplog.text  # the operator has the whole story


async def test_a_streamed_turn_reports_the_kind_of_failure_in_its_error_event(
    gateway: Gateway, client_for: ClientFor, model_server: FakeOpenAIServer
) -> None:
    model_server.push(*failing(401))

    async with gateway, client_for(gateway) as client:
        response = await client.post(
            "/v1/agents/assistant/chat", json={"message": "hi", "stream": True}
        )

    assert response.headers["content-type"].startswith("text/event-stream")
    assert "event: error" in response.text
    assert "model call failed: authentication error" in response.text
    assert "SECRET" not in response.text


async def test_a_model_the_provider_does_not_know_is_a_sanitized_bad_request(
    write_workspace: Callable[..., Path],
    model_server: FakeOpenAIServer,
    client_for: ClientFor,
) -> None:
    # Allowed by the operator, unknown to the provider: the provider's 404, not its text.
    gateway_yaml = (
        f"model:\n  default: openai/gpt-4o-mini\n  api_base: {model_server.base_url}\n"
        "  allowed_overrides: [openai/no-such-model]\n"
    )
    root = write_workspace({"gateway.yaml": gateway_yaml})
    model_server.push(
        ScriptedReply(status=404, error_message="The model `no-such-model` does not exist")
    )

    async with Gateway(workspace=root, auth=False) as gw, client_for(gw) as client:
        response = await client.post(
            "/v1/agents/assistant/invoke",
            json={"message": "hi", "options": {"model": "openai/no-such-model"}},
        )

    assert response.status_code == 502
    assert response.json()["error"] == {
        "code": "llm_bad_request",
        "message": "model call failed: bad request "
        "(provider 'openai', model 'openai/no-such-model', HTTP 404)",
        "execution_id": response.headers["X-Execution-Id"],
    }
