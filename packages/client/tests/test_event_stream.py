"""``executions.events``: the gateway's event stream, resumed with ``Last-Event-ID`` after a
dropped connection (a TCP relay cut in the middle), and polling when the gateway does not
stream. Both clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from agent_gateway_client import GatewayConnectionError
from agent_gateway_core.testing import reply
from agent_gateway_testing.tcp_relay import TcpRelay

from ._flavours import Both
from ._scripted_server import Answer, ScriptedServer
from ._served import ScriptedModel, ServedGateway
from .conftest import MakeClient

pytestmark = pytest.mark.integration


class EventRequests:
    """A request hook keeping the headers of each request for an event log."""

    def __init__(self) -> None:
        self.headers: list[httpx.Headers] = []

    def __call__(self, request: httpx.Request) -> None:
        if request.url.path.endswith("/events"):
            self.headers.append(request.headers.copy())


@pytest.fixture
async def relay(served: ServedGateway) -> AsyncIterator[TcpRelay]:
    """A relay in front of the gateway, to cut."""
    relay = TcpRelay("127.0.0.1", urlsplit(served.url).port or 80)
    await relay.start()
    yield relay
    await relay.aclose()


async def test_a_dropped_stream_resumes_without_losing_or_repeating_an_event(
    make_client: MakeClient, model: ScriptedModel, relay: TcpRelay
) -> None:
    client = make_client(base_url=f"http://127.0.0.1:{relay.port}")
    sent = EventRequests()
    client.target.add_request_hook(sent)
    model.push(reply("slow answer", delay_seconds=0.5))
    accepted = await client.agents.invoke("batch", "take your time")

    received = []
    async for event in client.executions.events(accepted.execution_id):
        received.append(event)
        if len(received) == 1:  # the execution runs on; the connection breaks
            await relay.cut()
            await relay.start()
    logged = [e async for e in client.executions.events(accepted.execution_id, follow=False)]

    assert received == logged  # every event, once, in order
    assert [e.seq for e in received] == list(range(1, len(logged) + 1))
    assert received[-1].type == "execution.completed"
    streams = [h for h in sent.headers if h.get("Accept") == "text/event-stream"]
    assert len(streams) >= 2
    assert "Last-Event-ID" not in streams[0]
    resumed_after = int(streams[1]["Last-Event-ID"])
    assert 1 <= resumed_after < len(logged)


async def test_following_an_execution_that_ended_reads_the_stream_to_its_end(
    client: Both, model: ScriptedModel
) -> None:
    result = await client.agents.invoke("assistant", "done already")
    sent = EventRequests()
    client.target.add_request_hook(sent)

    events = [e async for e in client.executions.events(result.execution_id)]
    past_the_end = [
        e async for e in client.executions.events(result.execution_id, after=len(events))
    ]

    assert events[-1].is_terminal
    assert sent.headers[0]["Accept"] == "text/event-stream"
    assert past_the_end == []


async def test_a_stream_that_cannot_be_reopened_raises(
    make_client: MakeClient, model: ScriptedModel, relay: TcpRelay
) -> None:
    client = make_client(base_url=f"http://127.0.0.1:{relay.port}", max_retries=1)
    model.push(reply("slow answer", delay_seconds=0.5))
    accepted = await client.agents.invoke("batch", "take your time")

    async def follow_while_the_gateway_is_gone() -> None:
        async for _ in client.executions.events(accepted.execution_id):
            await relay.cut()  # and it stays down

    with pytest.raises(GatewayConnectionError):
        await follow_while_the_gateway_is_gone()


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    with ScriptedServer().running_in_thread() as running:
        yield running


def event(seq: int, kind: str) -> dict[str, object]:
    return {"seq": seq, "type": kind, "at": "2026-01-01T00:00:00Z", "data": {}}


async def test_a_gateway_that_does_not_stream_is_polled(
    make_client: MakeClient, scripted: ScriptedServer
) -> None:
    scripted.script(
        Answer(200, [event(1, "execution.started"), event(2, "tool.call")]),
        Answer(200, []),
        Answer(200, [event(3, "execution.completed")]),
    )
    client = make_client(base_url=scripted.url, api_key="sk-test")

    events = [e async for e in client.executions.events("e1", poll_interval=0.01)]

    assert [e.seq for e in events] == [1, 2, 3]
    requests = scripted.received
    assert requests[0].headers["Accept"] == "text/event-stream"
    assert [r.headers["Accept"] for r in requests[1:]] == ["application/json"] * 2
    assert [r.path for r in requests] == [
        "/v1/executions/e1/events?after=0",  # the stream asked for, answered with JSON
        "/v1/executions/e1/events?after=2",
        "/v1/executions/e1/events?after=2",
    ]
