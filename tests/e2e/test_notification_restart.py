"""A gateway killed between two attempts of a webhook delivery: the next process on the same
database picks the delivery up, and the receiver gets it exactly once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent_gateway_testing.fake_openai import FakeOpenAIServer
from agent_gateway_testing.webhook_receiver import WebhookReceiver

from .gateway_processes import GatewayProcesses

pytestmark = pytest.mark.e2e

KEY = {"Authorization": "Bearer sk-ops"}
SECRET = "whsec_" + "ZTJlLXdlYmhvb2stc2VjcmV0LTEyMzQ1Njc4OTA="


@pytest.fixture
async def model() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    hook = WebhookReceiver(secret=SECRET)
    await hook.start()
    yield hook
    await hook.stop()


@pytest.fixture
async def processes(
    tmp_path: Path, model: FakeOpenAIServer, receiver: WebhookReceiver
) -> AsyncIterator[GatewayProcesses]:
    workspace = tmp_path / "workspace"
    (workspace / "agents" / "reporter").mkdir(parents=True)
    (workspace / "agents" / "reporter" / "AGENT.md").write_text(
        "---\ndescription: Reports.\nnotifications:\n"
        "  on_complete: [{channel: webhook, target: crm}]\n---\nYou report.\n"
    )
    (workspace / "gateway.yaml").write_text(
        f"model:\n  default: openai/gpt-4o-mini\n  api_base: {model.base_url}\n"
        "auth:\n  api_keys:\n    - {name: ops, key: sk-ops}\n"
        f"persistence:\n  backend: sqlite\n  url: sqlite+aiosqlite:///{tmp_path}/gateway.db\n"
        "notifications:\n"
        "  allow_private_targets: true\n"
        "  retry_base_seconds: 4\n"
        f"  webhook_secret: {SECRET}\n"
        f"  webhooks: [{{name: crm, url: '{receiver.url}'}}]\n"
    )
    running = GatewayProcesses(workspace, tmp_path)
    try:
        yield running
    finally:
        await running.stop_all()


async def until(check: Callable[[], Awaitable[Any]], within: float, what: str) -> Any:
    deadline = time.monotonic() + within
    while not (found := await check()):
        assert time.monotonic() < deadline, f"{what}: not within {within} s"
        await asyncio.sleep(0.05)
    return found


async def deliveries(port: int) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=KEY) as http:
        items: list[dict[str, Any]] = (await http.get("/v1/notifications")).json()["items"]
    return items


async def test_a_delivery_interrupted_by_a_kill_is_delivered_once_after_the_restart(
    processes: GatewayProcesses, receiver: WebhookReceiver
) -> None:
    receiver.answer(503)  # the first attempt fails: a retry is due 2-4 s later
    first = await processes.serve("first")
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{first}", headers=KEY) as http:
        invoked = await http.post("/v1/agents/reporter/invoke", json={"message": "Report"})
        assert invoked.status_code == 200, invoked.text

    async def retry_pending() -> list[dict[str, Any]] | None:
        items = await deliveries(first)
        pending = items and items[0]["status"] == "pending" and items[0]["attempts"] == 1
        return items if pending else None

    [waiting] = await until(retry_pending, 30, "the first attempt failed and was recorded")
    processes.processes["first"].kill()  # between the attempts, with no shutdown at all
    await processes.processes["first"].wait()

    second = await processes.serve("second")

    async def delivered() -> list[dict[str, Any]] | None:
        items = await deliveries(second)
        return items if items and items[0]["status"] == "delivered" else None

    [done] = await until(delivered, 30, "the restarted gateway delivered it")
    assert (done["id"], done["attempts"], done["last_error"]) == (waiting["id"], 2, None)
    await asyncio.sleep(1)  # a duplicate would arrive now
    assert [r.verified for r in receiver.requests] == [True, True]
    assert {r.headers["webhook-id"] for r in receiver.requests} == {done["id"]}
