"""``agents-gateway executions list | get | cancel | wait`` against a gateway over real HTTP."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest

from agent_gateway_client import GatewayClientSync
from agent_gateway_core.testing.scripted_llm import ScriptedReply, reply

from ._served_gateway import ALICE, ScriptedModel, ServedGateway
from .conftest import RunCli, RunRemote

pytestmark = pytest.mark.integration

TRACKING_HEADER = "X-Agent-Gateway-Tracking"


@pytest.fixture
def client(served_gateway: ServedGateway) -> Iterator[GatewayClientSync]:
    with GatewayClientSync(served_gateway.url, api_key=ALICE) as client:
        yield client


def _invoke(client: GatewayClientSync, agent: str, message: str, *, tracking: str) -> str:
    answer = client.request(
        "POST",
        f"/v1/agents/{agent}/invoke",
        json={"message": message},
        headers={TRACKING_HEADER: tracking},
    )
    execution_id: str = answer.json()["execution_id"]
    return execution_id


def test_list_as_a_table(run_remote: RunRemote, client: GatewayClientSync) -> None:
    label = f"table-{uuid.uuid4().hex[:8]}"
    execution_id = _invoke(client, "assistant", "hello", tracking=label)

    result = run_remote("executions", "list", "--tracking", label)

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for column in ("Id", "Agent", "Status", "Kind", "Created", "Duration", "Tokens", "Tracking"):
        assert column in lines[2]
    row = next(line for line in lines if execution_id in line)
    for cell in ("assistant", "succeeded", "invoke", "15", label):
        assert cell in row
    assert lines[-1].strip() == "1 to 1 of 1"


def test_list_as_json_with_filters(run_remote: RunRemote, client: GatewayClientSync) -> None:
    label = f"json-{uuid.uuid4().hex[:8]}"
    first = _invoke(client, "assistant", "one", tracking=label)
    second = _invoke(client, "assistant", "two", tracking=label)
    in_background = _invoke(client, "batch", "three", tracking=label)
    client.executions.wait(in_background, timeout=10)

    tracked = run_remote("executions", "list", "--tracking", label, "-f", "json")
    limited = run_remote(
        "executions", "list", "-t", label, "--agent", "assistant", "--limit", "1", "-f", "json"
    )
    failed = run_remote(
        "executions", "list", "--status", "failed", "--agent", "batch", "-f", "json"
    )

    assert tracked.exit_code == 0, tracked.output
    listed = json.loads(tracked.stdout)
    assert len(listed) == 3
    assert {e["tracking"] for e in listed} == {label}
    assert [e["id"] for e in json.loads(limited.stdout)] == [second]  # newest first
    assert first in [e["id"] for e in listed]
    assert failed.exit_code == 0, failed.output
    assert json.loads(failed.stdout) == []


def test_list_without_tracking_pages(run_remote: RunRemote, client: GatewayClientSync) -> None:
    client.agents.invoke("assistant", "paged")

    first = run_remote("executions", "list", "--limit", "1", "-f", "json")
    second = run_remote("executions", "list", "--limit", "1", "--offset", "1", "-f", "json")

    assert first.exit_code == 0, first.output
    [newest] = json.loads(first.stdout)
    [older] = json.loads(second.stdout)
    assert newest["message"] == "paged"
    assert older["id"] != newest["id"]


def test_list_empty(run_remote: RunRemote) -> None:
    result = run_remote("executions", "list", "--tracking", f"none-{uuid.uuid4().hex}")

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "No executions on the gateway."


def test_a_bad_status_is_a_usage_error(run_remote: RunRemote) -> None:
    result = run_remote("executions", "list", "--status", "exploded")

    assert result.exit_code == 2
    assert "exploded" in result.stderr


def test_get_as_a_table_and_as_json(
    run_remote: RunRemote, client: GatewayClientSync, gateway_model: ScriptedModel
) -> None:
    gateway_model.push(reply('{"category": "billing", "urgent": false}'))
    result = client.agents.invoke("triage", "Refund me", input={"tier": "free"})

    table = run_remote("executions", "get", result.execution_id)
    as_json = run_remote("executions", "get", result.execution_id, "--format", "json")

    assert table.exit_code == 0, table.output
    for cell in (result.execution_id, "triage", "succeeded", "Refund me", '"tier": "free"'):
        assert cell in table.stdout
    assert '{"category": "billing", "urgent": false}' in table.stdout
    assert "10 in, 5 out" in table.stdout
    record = json.loads(as_json.stdout)
    assert record["id"] == result.execution_id
    assert record["result"] == {"category": "billing", "urgent": False}
    assert record["input"] == {"tier": "free"}


def test_get_unknown_is_not_found(run_remote: RunRemote) -> None:
    result = run_remote("executions", "get", "no-such-execution")

    assert result.exit_code == 5
    assert result.stderr.startswith(
        "Error: get execution 'no-such-execution' failed: 404 execution_not_found"
    )


def test_cancel_a_running_execution(
    run_remote: RunRemote, client: GatewayClientSync, gateway_model: ScriptedModel
) -> None:
    gateway_model.push(reply("too late", delay_seconds=5))
    queued = client.agents.invoke("batch", "slow")

    cancelled = run_remote("executions", "cancel", queued.execution_id)
    waited = run_remote("executions", "wait", queued.execution_id, "--timeout", "10")

    assert cancelled.exit_code == 0, cancelled.output
    assert cancelled.stdout.strip() == f"✓ Cancel requested for execution {queued.execution_id}"
    assert waited.exit_code == 1  # it ended cancelled: shown, and the error said
    assert "cancelled" in waited.stdout
    assert f"Error: wait for execution '{queued.execution_id}' failed" in waited.stderr
    assert "execution_cancelled" in waited.stderr


def test_cancel_a_finished_execution_is_a_conflict(
    run_remote: RunRemote, client: GatewayClientSync
) -> None:
    done = client.agents.invoke("assistant", "quick")

    result = run_remote("executions", "cancel", done.execution_id, "-f", "json")

    assert result.exit_code == 6
    assert result.stderr.startswith(f"Error: cancel execution '{done.execution_id}' failed: 409")


def test_wait_prints_the_finished_execution(
    run_remote: RunRemote, client: GatewayClientSync
) -> None:
    queued = client.agents.invoke("batch", "summarise this")

    result = run_remote("executions", "wait", queued.execution_id, "--timeout", "10", "-f", "json")

    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert (record["status"], record["raw_text"]) == ("succeeded", "echo: summarise this")


def test_wait_for_a_failed_execution_exits_1(
    run_remote: RunRemote, client: GatewayClientSync, gateway_model: ScriptedModel
) -> None:
    gateway_model.push(ScriptedReply(status=400, error_message="refused"))
    queued = client.agents.invoke("batch", "doomed")

    result = run_remote("executions", "wait", queued.execution_id, "-f", "json")

    assert result.exit_code == 1
    assert json.loads(result.stdout)["status"] == "failed"
    assert "execution_failed" in result.stderr


def test_wait_past_its_timeout_exits_11(
    run_remote: RunRemote, client: GatewayClientSync, gateway_model: ScriptedModel
) -> None:
    gateway_model.push(reply("later", delay_seconds=1))
    queued = client.agents.invoke("batch", "slow")

    result = run_remote("executions", "wait", queued.execution_id, "--timeout", "0.2")

    assert result.exit_code == 11
    assert "is still running after 0.2 s" in result.stderr
    client.executions.wait(queued.execution_id, timeout=10)  # let it end before the next test


def test_executions_need_no_flag_with_the_environment(
    run_cli: RunCli, served_gateway: ServedGateway, client_env: dict[str, str | None]
) -> None:
    env = {**client_env, "AGENT_GATEWAY_URL": served_gateway.url, "AGENT_GATEWAY_API_KEY": ALICE}

    result = run_cli("executions", "list", "--limit", "1", "-f", "json", env=env)

    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.stdout), list)


def test_executions_without_a_gateway_is_a_usage_error(
    run_cli: RunCli, client_env: dict[str, str | None]
) -> None:
    result = run_cli("executions", "list", env=client_env)

    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Error: cannot list the executions: no gateway URL: pass --url, set AGENT_GATEWAY_URL"
    )
