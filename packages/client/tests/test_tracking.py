"""Tracking: a tracked script run twice runs its agents once (counted on the gateway and at
the model), every request carries the label, and blocks nest and run concurrently sanely."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from agent_gateway_client import (
    ConfigurationError,
    ConflictError,
    DoneEvent,
    GatewayClientSync,
    ServerError,
    Tracking,
)
from agent_gateway_client._tracking import apply_tracking
from agent_gateway_client.testing import MockGateway
from agent_gateway_core.testing import reply

from ._flavours import Both
from ._served import ScriptedModel, ServedGateway

pytestmark = pytest.mark.integration

TRACKING = "X-Agent-Gateway-Tracking"


async def nightly(client: Both) -> list[str]:
    """The script: invokes (one of them twice), an async invoke, a two-turn chat and a
    streamed chat turn, in a batch and one by one; the execution ids it got."""
    batch = await client.create_batch(max_concurrency=2)
    for ticket in ("printer on fire", "printer on fire", "password reset"):
        await batch.add(client.target.agents.invoke, "triage", ticket, input={"tier": "pro"})
    ids = [result.execution_id async for _, result in batch.execute()]
    queued = await client.agents.invoke("batch", "weekly digest")
    first = await client.chat.send("assistant", "hello")
    second = await client.chat.send("assistant", "and again", session_id=first.session_id)
    streamed = [event async for event in client.chat.stream("assistant", "stream it")]
    await client.executions.wait(queued.execution_id, timeout=20, poll_interval=0.05)
    return [*ids, *(r.execution_id for r in (queued, first, second, streamed[0]))]


async def test_a_tracked_rerun_runs_nothing_twice(
    make_client: Any, model: ScriptedModel, served: ServedGateway
) -> None:
    label = f"nightly-{uuid.uuid4().hex[:8]}"
    model_requests = len(served.model_server.requests)

    first_client = make_client()
    with first_client.target.tracking(label):
        first_run = await nightly(first_client)
    ran = len(served.model_server.requests) - model_requests
    second_client = make_client()  # a new process would have a new client too
    with second_client.target.tracking(label):
        second_run = await nightly(second_client)
    tracked = await (await second_client.executions.list(tracking=label)).all()

    assert ran == 7  # each of the 7 executions called the model once
    assert len(served.model_server.requests) - model_requests == ran  # the re-run: none
    assert len(set(first_run)) == 7  # the repeated ticket ran twice in the first run
    assert sorted(second_run) == sorted(first_run)  # the re-run got the same executions
    assert sorted(e.id for e in tracked) == sorted(first_run)
    assert {e.tracking for e in tracked} == {label}


async def test_a_replayed_invoke_says_so_and_keeps_its_result(
    client: Both, model: ScriptedModel
) -> None:
    label = f"replay-{uuid.uuid4().hex[:8]}"
    with client.target.tracking(label):
        first = await client.agents.invoke("assistant", "once")
    with client.target.tracking(label):
        again = await client.agents.invoke("assistant", "once")
    with client.target.tracking(f"{label}-next-run"):
        new_run = await client.agents.invoke("assistant", "once")

    assert not first.replayed
    assert again.replayed
    assert again.execution_id == first.execution_id
    assert again.raw_text == first.raw_text
    assert new_run.execution_id != first.execution_id


async def test_a_chat_turn_with_a_key_is_replayed_not_run_again(
    client: Both, model: ScriptedModel
) -> None:
    key = f"turn-{uuid.uuid4().hex}"
    model.push(reply("first answer"), reply("never used"))

    first = await client.chat.send("assistant", "hello", idempotency_key=key)
    again = await client.chat.send("assistant", "hello", idempotency_key=key)
    streamed = [e async for e in client.chat.stream("assistant", "hello", idempotency_key=key)]
    with pytest.raises(ConflictError):
        await client.chat.send("assistant", "another body", idempotency_key=key)

    assert not first.replayed
    assert again.replayed
    assert (again.execution_id, again.session_id) == (first.execution_id, first.session_id)
    assert again.raw_text == "first answer"
    assert isinstance(streamed[-1], DoneEvent)
    assert streamed[-1].result.execution_id == first.execution_id


# Without a gateway: which requests carry what, with the mock gateway.


def headers_sent(gateway: MockGateway, name: str) -> list[str | None]:
    return [request.headers.get(name) for request in gateway.requests]


async def test_every_request_of_a_block_is_labelled_and_only_runs_are_keyed() -> None:
    gateway = MockGateway()
    gateway.add_agent("triage")
    async with gateway.client() as client:
        await client.agents.list()
        with client.tracking("audit-1"):
            await client.agents.list()
            await client.agents.invoke("triage", "a")
            await client.agents.invoke("triage", "b", idempotency_key="mine")
            await client.chat.send("triage", "c")
        await client.agents.invoke("triage", "d")

    assert headers_sent(gateway, TRACKING) == [
        None,
        "audit-1",
        "audit-1",
        "audit-1",
        "audit-1",
        None,
    ]
    keys = headers_sent(gateway, "Idempotency-Key")
    assert [keys[0], keys[1], keys[5]] == [None, None, None]
    assert str(keys[2]).startswith("trk_")
    assert keys[3] == "mine"  # the caller's key is kept
    assert str(keys[4]).startswith("trk_")
    assert keys[4] != keys[2]


def test_keys_are_the_same_in_every_run_and_count_repeats() -> None:
    def run() -> list[str | None]:
        gateway = MockGateway()
        gateway.add_agent("triage")
        with gateway.sync_client() as client, client.tracking("run-1"):
            for message in ("same", "same", "other"):
                client.agents.invoke("triage", message, input={"b": 1, "a": 2})
        return headers_sent(gateway, "Idempotency-Key")

    first, second = run(), run()

    assert first == second
    assert len(set(first)) == 3  # the repeat is the second occurrence: its own key


async def test_concurrent_blocks_do_not_see_each_other_and_nested_ones_stack() -> None:
    gateway = MockGateway()
    gateway.add_agent("triage")
    labels: dict[str, list[str | None]] = {}
    async with gateway.client() as client:

        async def job(label: str) -> None:
            with client.tracking(label):
                for _ in range(3):
                    await client.agents.invoke("triage", label)
                    await asyncio.sleep(0)

        await asyncio.gather(job("left"), job("right"))
        with client.tracking("outer"):
            with client.tracking("inner"):
                await client.agents.invoke("triage", "x")
            await client.agents.invoke("triage", "y")
        await client.agents.invoke("triage", "z")

    for request in gateway.requests:
        labels.setdefault(request.json["message"], []).append(request.headers.get(TRACKING))
    assert labels == {
        "left": ["left"] * 3,
        "right": ["right"] * 3,
        "x": ["inner"],
        "y": ["outer"],
        "z": [None],
    }


async def test_blocks_of_one_client_do_not_label_another() -> None:
    gateway = MockGateway()
    gateway.add_agent("triage")
    async with gateway.client() as tracked, gateway.client() as other:
        with tracked.tracking("mine"):
            await other.agents.list()
            await tracked.agents.list()

    assert headers_sent(gateway, TRACKING) == [None, "mine"]


def test_a_tracked_post_is_retried_because_it_has_a_key() -> None:
    gateway = MockGateway()
    gateway.add_agent("triage")
    for _ in range(2):
        gateway.add_error("POST", "/v1/agents/triage/invoke", 503, code="unavailable")
    gateway.add_response(
        "POST", "/v1/agents/triage/invoke", json={"execution_id": "e1", "status": "succeeded"}
    )
    with gateway.sync_client() as client:
        with pytest.raises(ServerError) as untracked:
            client.agents.invoke("triage", "x")
        with client.tracking("retry-me"):
            result = client.agents.invoke("triage", "x")

    assert untracked.value.status_code == 503  # a plain POST: not resent
    assert result.execution_id == "e1"
    keys = headers_sent(gateway, "Idempotency-Key")
    assert keys[0] is None
    assert str(keys[1]).startswith("trk_")
    assert keys[2] == keys[1]  # the retry is the same request


@pytest.mark.parametrize("label", ["", "x" * 201, "naïve", "tab\there"])
def test_a_label_is_printable_ascii(label: str) -> None:
    client = GatewayClientSync("http://gateway.test")
    with pytest.raises(ConfigurationError, match="tracking label"):
        client.tracking(label)


def test_a_streamed_body_gets_the_label_but_no_key() -> None:
    owner = object()  # what a client's pipeline is to tracking
    url = f"{MockGateway.URL}/v1/agents/triage/invoke"
    request = httpx.Request("POST", url, content=iter([b"{}"]))

    with Tracking(owner, "streamed"):
        apply_tracking(owner, request)

    assert request.headers[TRACKING] == "streamed"
    assert "Idempotency-Key" not in request.headers
