"""The testing aid, used the way a user of the client would: their own code (the functions
just below, standing for an application's module) tested against ``gateway_mock``, the
fixture the client's pytest plugin provides. No gateway runs here."""

from __future__ import annotations

from typing import Any

import pytest

from agent_gateway_client import (
    ChatResult,
    DoneEvent,
    GatewayClient,
    GatewayClientSync,
    NotFoundError,
    RateLimitError,
    ServerError,
)
from agent_gateway_client.testing import MockGateway

pytestmark = pytest.mark.unit

# ---------------------------------------------------------------- the user's code


async def triage_tickets(client: GatewayClient, tickets: dict[str, str]) -> dict[str, str]:
    """Classify every ticket at once; a ticket the agent fails on is ``unknown``."""
    batch = client.create_batch(max_concurrency=4, return_exceptions=True)
    for ticket_id, text in tickets.items():
        batch.add(client.agents.invoke, "triage", text, input={"tier": "pro"}, tag=ticket_id)
    priorities = {}
    async for ticket_id, result in batch.execute():
        failed = isinstance(result, Exception)
        priorities[ticket_id] = "unknown" if failed else result.output["priority"]
    return priorities


def nightly_digest(client: GatewayClientSync, day: str) -> str:
    """Summarise the day, idempotently: re-running it for the same day runs nothing again."""
    with client.tracking(f"digest-{day}"):
        result = client.agents.invoke("summariser", f"Summarise {day}")
        client.executions.wait(result.execution_id, poll_interval=0.01)
        return client.executions.get(result.execution_id).raw_text or ""


async def ask_politely(client: GatewayClient, question: str) -> str:
    """Stream an answer; on a rate limit, say so."""
    try:
        async for event in client.chat.stream("assistant", question):
            if isinstance(event, DoneEvent):
                return event.result.raw_text
    except RateLimitError as exc:
        return f"busy, retry in {exc.retry_after:.0f} s"
    return ""


# ---------------------------------------------------------------- the user's tests


def triage(agent_id: str, message: str, input: dict[str, Any]) -> dict[str, str]:
    if "crash" in message:
        raise RuntimeError("the model gave up")
    return {"priority": "high" if "down" in message else "low"}


async def test_triage_tickets_classifies_each_ticket(gateway_mock: MockGateway) -> None:
    gateway_mock.add_agent("triage", triage)

    async with gateway_mock.client() as client:
        priorities = await triage_tickets(
            client, {"T1": "site is down", "T2": "typo on page", "T3": "crash please"}
        )

    assert priorities == {"T1": "high", "T2": "low", "T3": "unknown"}
    assert sorted(call.message for call in gateway_mock.calls) == [
        "crash please",
        "site is down",
        "typo on page",
    ]
    assert {call.input["tier"] for call in gateway_mock.calls} == {"pro"}


def test_nightly_digest_runs_the_agent_once_per_day(gateway_mock: MockGateway) -> None:
    gateway_mock.add_agent("summariser", "All quiet.", execution_mode="async")

    with gateway_mock.sync_client() as client:
        first = nightly_digest(client, "2026-06-01")
        rerun = nightly_digest(client, "2026-06-01")
        next_day = nightly_digest(client, "2026-06-02")

    assert first == rerun == next_day == "All quiet."
    assert [call.tracking for call in gateway_mock.calls] == [
        "digest-2026-06-01",
        "digest-2026-06-02",
    ]
    assert {e["tracking"] for e in gateway_mock.executions.values()} == {
        "digest-2026-06-01",
        "digest-2026-06-02",
    }


async def test_ask_politely_streams_the_answer(gateway_mock: MockGateway) -> None:
    gateway_mock.add_agent("assistant", lambda agent_id, message, input: f"You asked: {message}")

    async with gateway_mock.client() as client:
        answer = await ask_politely(client, "why?")

    assert answer == "You asked: why?"
    (request,) = gateway_mock.requests_to("POST", "/v1/agents/assistant/chat")
    assert request.json["stream"] is True


async def test_ask_politely_handles_a_rate_limit(gateway_mock: MockGateway) -> None:
    gateway_mock.add_error(
        "POST",
        "/v1/agents/{agent_id}/chat",
        429,
        code="rate_limited",
        headers={"Retry-After": "90"},
    )

    async with gateway_mock.client(max_retries=0) as client:
        answer = await ask_politely(client, "why?")

    assert answer == "busy, retry in 90 s"


# ---------------------------------------------------------------- what the mock does


def test_the_fixture_comes_from_the_clients_plugin(request: pytest.FixtureRequest) -> None:
    assert request.config.pluginmanager.hasplugin("agent_gateway_client")
    assert isinstance(request.getfixturevalue("gateway_mock"), MockGateway)


async def test_canned_answers_come_in_order_and_the_last_one_stays() -> None:
    gateway = MockGateway()
    gateway.add_error("GET", "/v1/skills", 503, code="unavailable")
    gateway.add_response("GET", "/v1/skills", json=[{"id": "lookup"}])

    async with GatewayClient(MockGateway.URL, transport=gateway, backoff_base=0.01) as client:
        first = await client.skills.list()  # the 503 is retried
        second = await client.skills.list()

    assert [s.id for s in first] == [s.id for s in second] == ["lookup"]
    assert len(gateway.requests_to("GET", "/v1/skills")) == 3


def test_chat_sessions_executions_and_unknown_routes(gateway_mock: MockGateway) -> None:
    gateway_mock.add_agent("assistant")

    with gateway_mock.sync_client() as client:
        first = client.chat.send("assistant", "hello")
        second = client.chat.send("assistant", "more", session_id=first.session_id)
        executions = client.executions.list(agent_id="assistant")
        events = list(client.executions.events(second.execution_id))
        listed = client.agents.list()
        with pytest.raises(NotFoundError, match="add_agent"):
            client.agents.invoke("nobody", "hi")
        with pytest.raises(NotFoundError, match="no answer for GET /v1/schedules"):
            client.schedules.list()
        with pytest.raises(NotFoundError):
            client.chat.send("assistant", "lost", session_id="sess_unknown")

    assert isinstance(second, ChatResult)
    assert second.session_id == first.session_id
    assert second.raw_text == "echo: more"
    assert [e.id for e in executions] == [second.execution_id, first.execution_id]
    assert [e.type for e in events] == ["execution.started", "execution.completed"]
    assert [a.id for a in listed] == ["assistant"]


def test_a_failing_fake_agent_fails_its_execution(gateway_mock: MockGateway) -> None:
    gateway_mock.add_agent("triage", triage)

    with gateway_mock.sync_client() as client, pytest.raises(ServerError) as failed:
        client.agents.invoke("triage", "crash now")

    assert failed.value.status_code == 502
    assert failed.value.execution_id == gateway_mock.calls[0].execution_id
    assert gateway_mock.executions[failed.value.execution_id]["status"] == "failed"
