"""A database that is down, slow or drops its connections: 503 naming the cause, health says
so, and the gateway recovers by itself once the database answers again.

The gateway reaches PostgreSQL through a TCP proxy on 127.0.0.1 that the test can cut, stall
and restore: a real outage, seen by the real driver, without touching the database server.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from agent_gateway import Gateway
from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_testing.tcp_relay import TcpRelay

from .conftest import POSTGRES_URL, ClientFor, WriteWorkspace, plain_postgres_url, postgres_yaml

pytestmark = pytest.mark.integration

# Short timeouts keep a stalled database from stalling the test.
TIMEOUTS = "  connect_timeout_seconds: 1\n  statement_timeout_seconds: 1\n"


@pytest.fixture
async def proxy() -> AsyncIterator[TcpRelay]:
    url = make_url(POSTGRES_URL)
    proxy = TcpRelay(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.aclose()


@pytest.fixture
def workspace(write_workspace: WriteWorkspace, proxy: TcpRelay, pg_schema: str) -> Path:
    via_proxy = make_url(POSTGRES_URL).set(host="127.0.0.1", port=proxy.port)
    url = via_proxy.render_as_string(hide_password=False)
    return write_workspace(postgres_yaml(pg_schema, url) + TIMEOUTS)


async def test_an_outage_answers_503_naming_the_cause_and_the_gateway_recovers_by_itself(
    workspace: Path, proxy: TcpRelay, client_for: ClientFor
) -> None:
    async with Gateway(workspace=workspace) as gw, client_for(gw) as client:
        before = await client.post("/v1/agents/assistant/invoke", json={"message": "Hello"})
        assert before.status_code == 200, before.text

        await proxy.cut()
        listed = await client.get("/v1/executions")
        invoked = await client.post("/v1/agents/assistant/invoke", json={"message": "Hi"})
        health = await client.get("/v1/health")

        await proxy.start()  # the same port: the database is back
        listed_again = await client.get("/v1/executions")
        invoked_again = await client.post("/v1/agents/assistant/invoke", json={"message": "Hi"})
        healthy = await client.get("/v1/health")

    assert listed.status_code == 503
    error = listed.json()["error"]
    assert error["code"] == "backend_unavailable"
    assert error["message"] == "the database is unavailable; try again shortly"
    assert str(proxy.port) not in listed.text  # no host, port or user of the DSN
    assert "postgres" not in listed.text.lower()
    assert invoked.status_code == 503
    assert invoked.json()["error"]["code"] == "backend_unavailable"
    assert health.status_code == 503
    assert health.json()["checks"]["persistence"] == "unavailable"
    assert str(proxy.port) not in health.text

    assert listed_again.status_code == 200
    assert listed_again.json()["total"] == 1  # what was stored before the outage is intact
    assert invoked_again.status_code == 200
    assert healthy.status_code == 200
    assert healthy.json()["checks"]["persistence"] == "ok"


async def test_a_stalled_database_answers_503_within_the_timeouts_then_recovers(
    workspace: Path, proxy: TcpRelay, client_for: ClientFor
) -> None:
    async with Gateway(workspace=workspace) as gw, client_for(gw) as client:
        assert (await client.get("/v1/executions")).status_code == 200

        proxy.stall()
        started = asyncio.get_running_loop().time()
        stalled = await client.get("/v1/executions")
        waited = asyncio.get_running_loop().time() - started
        health = await client.get("/v1/health")

        proxy.resume()
        after = await client.get("/v1/executions")

    assert stalled.status_code == 503
    assert stalled.json()["error"]["code"] == "backend_unavailable"
    assert waited < 10  # bounded by the configured timeouts, not hanging
    assert health.status_code == 503
    assert health.json()["checks"]["persistence"].startswith("unavailable")
    assert after.status_code == 200


async def test_connections_the_server_terminates_are_replaced_without_an_error(
    workspace: Path, proxy: TcpRelay, client_for: ClientFor
) -> None:
    async with Gateway(workspace=workspace) as gw, client_for(gw) as client:
        assert (await client.post("/v1/agents/assistant/invoke", json={"message": "1"})).is_success

        terminated = await terminate_backends(proxy.upstream_ports)
        after = await client.get("/v1/executions")
        invoked = await client.post("/v1/agents/assistant/invoke", json={"message": "2"})

    assert terminated >= 1
    assert after.status_code == 200, after.text
    assert invoked.status_code == 200, invoked.text
    assert after.json()["total"] == 1


async def terminate_backends(client_ports: set[int]) -> int:
    """``pg_terminate_backend`` for this gateway's connections only (others share the server)."""
    connection = await asyncpg.connect(plain_postgres_url())
    try:
        rows = await connection.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE client_addr = '127.0.0.1' AND client_port = ANY($1::int[])",
            sorted(client_ports),
        )
    finally:
        await connection.close()
    return sum(1 for row in rows if row[0])


async def test_a_database_that_cannot_be_reached_stops_startup_naming_it(
    write_workspace: WriteWorkspace, pg_schema: str
) -> None:
    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]  # nothing listens once the socket is closed
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{closed_port}/test"
    gw = Gateway(workspace=write_workspace(postgres_yaml(pg_schema, url) + TIMEOUTS))

    with pytest.raises(BackendUnavailableError) as caught:
        await gw.startup()
    assert f"127.0.0.1:{closed_port}" in str(caught.value)
    assert "unavailable" in str(caught.value)
    assert not gw.started
