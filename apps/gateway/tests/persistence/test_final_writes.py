"""Executions running when the database goes away: the callers get 503 naming each execution,
and every execution ends terminal, exactly once, when the database is back.

PostgreSQL is reached through a TCP relay the test cuts and restores (a real outage seen by the
real driver); the model is the fake OpenAI server, slow enough that the runs are mid-flight when
the relay is cut.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from agent_gateway import Gateway
from agent_gateway_testing.fake_openai import FakeOpenAIServer
from agent_gateway_testing.tcp_relay import TcpRelay

from .conftest import POSTGRES_URL, ClientFor, WriteWorkspace, postgres_yaml

pytestmark = pytest.mark.integration

TIMEOUTS = "  connect_timeout_seconds: 1\n  statement_timeout_seconds: 1\n"
MODEL_LATENCY = 1.0  # long enough to cut the relay while every run waits for the model
TERMINAL = {"succeeded", "failed", "cancelled", "timed_out"}
TERMINAL_EVENTS = {
    "execution.completed",
    "execution.failed",
    "execution.cancelled",
    "execution.timed_out",
}


@pytest.fixture
async def relay() -> AsyncIterator[TcpRelay]:
    url = make_url(POSTGRES_URL)
    relay = TcpRelay(url.host or "127.0.0.1", url.port or 5432)
    await relay.start()
    try:
        yield relay
    finally:
        await relay.aclose()


@pytest.fixture
def workspace(write_workspace: WriteWorkspace, relay: TcpRelay, pg_schema: str) -> Path:
    via_relay = make_url(POSTGRES_URL).set(host="127.0.0.1", port=relay.port)
    url = via_relay.render_as_string(hide_password=False)
    return write_workspace(postgres_yaml(pg_schema, url) + TIMEOUTS)


async def wait_for_model_requests(model: FakeOpenAIServer, count: int) -> None:
    """Until ``count`` runs are waiting for the model (each stored as running before it)."""
    async with asyncio.timeout(10):
        while True:
            if len(model.requests) >= count:
                return
            await asyncio.sleep(0.01)


async def wait_until_ended(client: httpx.AsyncClient, execution_ids: list[str]) -> list[Any]:
    """Each execution as the API shows it, once all are terminal (the database is back)."""
    records: dict[str, Any] = {}
    async with asyncio.timeout(30):
        while len(records) < len(execution_ids):
            for execution_id in execution_ids:
                if execution_id in records:
                    continue
                answer = await client.get(f"/v1/executions/{execution_id}")
                if answer.status_code == 200 and answer.json()["status"] in TERMINAL:
                    records[execution_id] = answer.json()
            await asyncio.sleep(0.1)
    return [records[execution_id] for execution_id in execution_ids]


async def terminal_events(client: httpx.AsyncClient, execution_id: str) -> list[str]:
    events = (await client.get(f"/v1/executions/{execution_id}/events")).json()
    return [event["type"] for event in events if event["type"] in TERMINAL_EVENTS]


def sse_events(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for frame in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in frame.splitlines() if ": " in line)
        events.append((fields["event"], json.loads(fields["data"])))
    return events


async def test_invokes_cut_off_from_the_database_answer_503_with_their_ids_and_end_when_it_is_back(
    workspace: Path, relay: TcpRelay, client_for: ClientFor, model_server: FakeOpenAIServer
) -> None:
    model_server.latency_seconds = MODEL_LATENCY
    async with Gateway(workspace=workspace) as gw, client_for(gw) as client:
        calls = [
            asyncio.create_task(
                client.post("/v1/agents/assistant/invoke", json={"message": f"run {n}"})
            )
            for n in range(5)
        ]
        await wait_for_model_requests(model_server, 5)
        await relay.cut()  # the database goes away while the five wait for the model
        answers = await asyncio.gather(*calls)
        pending = list(gw.services.runtime.pending_final_writes)

        await relay.start()  # the database is back
        ids = [answer.headers["X-Execution-Id"] for answer in answers]
        records = await wait_until_ended(client, ids)
        ends = [await terminal_events(client, execution_id) for execution_id in ids]

    for answer in answers:
        assert answer.status_code == 503, answer.text
        error = answer.json()["error"]
        assert error["code"] == "backend_unavailable"
        assert error["execution_id"] == answer.headers["X-Execution-Id"]  # in the body too
        assert str(relay.port) not in answer.text  # the server's address stays in the log
    assert sorted(pending) == sorted(ids)
    assert [record["status"] for record in records] == ["succeeded"] * 5
    assert [record["raw_text"] for record in records] == [f"echo: run {n}" for n in range(5)]
    assert all(record["usage"]["input_tokens"] > 0 for record in records)
    assert ends == [["execution.completed"]] * 5  # each end stored once


async def test_a_chat_turn_and_a_stream_cut_off_name_their_executions_and_end_when_it_is_back(
    workspace: Path, relay: TcpRelay, client_for: ClientFor, model_server: FakeOpenAIServer
) -> None:
    model_server.latency_seconds = MODEL_LATENCY
    async with Gateway(workspace=workspace) as gw, client_for(gw) as client:
        chat = asyncio.create_task(
            client.post("/v1/agents/assistant/chat", json={"message": "as JSON"})
        )
        stream = asyncio.create_task(
            client.post("/v1/agents/assistant/chat", json={"message": "streamed", "stream": True})
        )
        await wait_for_model_requests(model_server, 2)
        await relay.cut()
        chatted, streamed = await asyncio.gather(chat, stream)

        await relay.start()
        ids = [chatted.headers["X-Execution-Id"], streamed.headers["X-Execution-Id"]]
        records = await wait_until_ended(client, ids)

    assert chatted.status_code == 503, chatted.text
    assert chatted.json()["error"]["code"] == "backend_unavailable"
    assert chatted.json()["error"]["execution_id"] == ids[0]

    assert streamed.status_code == 200  # the stream had begun: its end comes as an event
    events = sse_events(streamed.text)
    assert events[0][0] == "session"
    name, data = events[-1]
    assert name == "error"
    assert data["error"]["code"] == "backend_unavailable"
    assert data["error"]["execution_id"] == ids[1]
    assert str(relay.port) not in streamed.text

    assert [record["status"] for record in records] == ["succeeded", "succeeded"]
