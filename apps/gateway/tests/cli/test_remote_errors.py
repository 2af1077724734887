"""One exit code per error class, with a gateway over real HTTP (or without one): the message
is one line on stderr naming what failed."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from agent_gateway.cli.exit_codes import ExitCode, exit_code_for
from agent_gateway_core.testing.scripted_llm import reply

from ._served_gateway import ALICE, READER, THROTTLED_ID, ScriptedModel, ServedGateway, free_port
from .conftest import RunCli, RunRemote

pytestmark = pytest.mark.integration


class _Failing(BaseHTTPRequestHandler):
    """Answers every request 500, with the gateway's error body."""

    def do_GET(self) -> None:
        body = b'{"error": {"code": "internal_error", "message": "the store is down"}}'
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Request-ID", "req-500")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def failing_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def profiles(
    tmp_path: Path, served_gateway: ServedGateway, client_env: dict[str, str | None]
) -> dict[str, str | None]:
    """A config file with profiles ``limited`` (no retries) and ``impatient`` (0.3 s to
    read an answer); returns the environment that names it."""
    config = tmp_path / "client.toml"
    config.write_text(
        f'[profiles.limited]\nbase_url = "{served_gateway.url}"\napi_key = "{ALICE}"\n'
        "max_retries = 0\n"
        f'[profiles.impatient]\nbase_url = "{served_gateway.url}"\napi_key = "{ALICE}"\n'
        "read_timeout = 0.3\nmax_retries = 0\n",
        encoding="utf-8",
    )
    return {**client_env, "AGENT_GATEWAY_CLIENT_CONFIG": str(config)}


def _error_line(stderr: str) -> str:
    """The CLI's own line: the last one (a gateway served in this process may log above)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "nothing on stderr"
    assert lines[-1].startswith("Error: "), stderr
    return lines[-1]


def test_a_wrong_key_exits_3(run_remote: RunRemote) -> None:
    result = run_remote("agents", key="sk-wrong")

    assert result.exit_code == ExitCode.AUTHENTICATION == 3
    assert _error_line(result.stderr).startswith("Error: list the agents failed: 401 ")


def test_no_key_exits_3(run_remote: RunRemote) -> None:
    result = run_remote("skills", key=None)

    assert result.exit_code == 3


def test_a_read_only_key_invoking_exits_4(run_remote: RunRemote) -> None:
    listed = run_remote("agents", key=READER)
    result = run_remote("invoke", "assistant", "hi", key=READER)

    assert listed.exit_code == 0, listed.output
    assert result.exit_code == ExitCode.PERMISSION == 4
    line = _error_line(result.stderr)
    assert line.startswith("Error: invoke agent 'assistant' failed: 403 ")
    assert "did not succeed" not in line


def test_a_disabled_agent_exits_4(run_remote: RunRemote) -> None:
    result = run_remote("invoke", "dormant", "wake up")

    assert result.exit_code == 4
    assert "agent_disabled" in _error_line(result.stderr)


def test_an_unknown_agent_exits_5(run_remote: RunRemote) -> None:
    result = run_remote("invoke", "ghost", "hi")

    assert result.exit_code == ExitCode.NOT_FOUND == 5
    assert _error_line(result.stderr) == (
        "Error: invoke agent 'ghost' failed: 404 agent_not_found: agent not found: 'ghost'"
    )


def test_invalid_input_exits_7(run_remote: RunRemote) -> None:
    result = run_remote("invoke", "triage", "classify", "--input", '{"tier": "gold"}')

    assert result.exit_code == ExitCode.VALIDATION == 7
    line = _error_line(result.stderr)
    assert "422 request_validation_error" in line
    assert "input.tier" in line


def test_input_that_is_not_an_object_exits_2_before_any_request(run_remote: RunRemote) -> None:
    result = run_remote("invoke", "triage", "classify", "--input", "[1, 2]")

    assert result.exit_code == ExitCode.USAGE == 2
    assert "must be a JSON object" in result.stderr


def test_past_the_rate_limit_exits_8(run_cli: RunCli, profiles: dict[str, str | None]) -> None:
    args = ("executions", "get", THROTTLED_ID, "--profile", "limited")

    first = run_cli(*args, env=profiles)
    second = run_cli(*args, env=profiles)

    assert first.exit_code == 5  # allowed through, and there is no such execution
    assert second.exit_code == ExitCode.RATE_LIMITED == 8
    assert "429 rate_limit_exceeded" in _error_line(second.stderr)


def test_a_server_error_exits_9_with_the_request_id(
    run_remote: RunRemote, failing_server: str
) -> None:
    result = run_remote("tools", url=failing_server)

    assert result.exit_code == ExitCode.SERVER_ERROR == 9
    assert _error_line(result.stderr) == (
        "Error: list the tools failed: 500 internal_error: the store is down (request id req-500)"
    )


def test_nothing_listening_exits_10(run_remote: RunRemote) -> None:
    url = f"http://127.0.0.1:{free_port()}"

    result = run_remote("agents", url=url)

    assert result.exit_code == ExitCode.CONNECTION == 10
    line = _error_line(result.stderr)
    assert line.startswith("Error: list the agents failed: ")
    assert "127.0.0.1" in line


def test_an_answer_slower_than_the_read_timeout_exits_11(
    run_cli: RunCli, profiles: dict[str, str | None], gateway_model: ScriptedModel
) -> None:
    gateway_model.push(reply("too late", delay_seconds=1.0))

    result = run_cli("invoke", "assistant", "hurry", "--profile", "impatient", env=profiles)

    assert result.exit_code == ExitCode.TIMEOUT == 11
    assert "read timeout" in _error_line(result.stderr)


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["agents", "--api-key", "sk-x"], "only applies to a gateway: add --url or --profile"),
        (["invoke", "assistant", "hi", "--no-wait"], "only applies to a gateway"),
        (["agents", "--url", "ftp://gateway"], "base_url must be an http(s) URL"),
        (["agents", "--profile", "nowhere"], "profile 'nowhere' asked for, but"),
    ],
)
def test_settings_that_cannot_work_exit_2(
    run_cli: RunCli, client_env: dict[str, str | None], args: list[str], complaint: str
) -> None:
    result = run_cli(*args, env=client_env)

    assert result.exit_code == 2
    assert complaint in result.stderr
    assert "Traceback" not in result.output


def test_without_the_client_sdk_it_says_how_to_install_it(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, client_env: dict[str, str | None]
) -> None:
    monkeypatch.setitem(sys.modules, "agent_gateway_client", None)  # import fails

    result = run_cli("agents", "--url", "http://127.0.0.1:8000", env=client_env)

    assert result.exit_code == 1
    assert "pip install 'agents-gateway[client]'" in result.stderr


def test_every_error_class_has_its_exit_code() -> None:
    import agent_gateway_client as sdk

    execution = sdk.Execution(id="e1", status="failed", error="boom")
    expected = [
        (sdk.ExecutionFailedError(execution), 1),
        (sdk.ConfigurationError("no URL"), 2),
        (sdk.AuthenticationError("x", status_code=401), 3),
        (sdk.PermissionDeniedError("x", status_code=403), 4),
        (sdk.NotFoundError("x", status_code=404), 5),
        (sdk.ConflictError("x", status_code=409), 6),
        (sdk.ValidationError("x", errors=[], status_code=422), 7),
        (sdk.BadRequestError("x", status_code=400), 7),
        (sdk.GatewayError("x", status_code=405), 7),
        (sdk.RateLimitError("x", retry_after=1.0, status_code=429), 8),
        (sdk.ServerError("x", status_code=502), 9),
        (sdk.GatewayError("x", status_code=501), 9),
        (sdk.GatewayConnectionError("x"), 10),
        (sdk.GatewayTimeoutError("x"), 11),
        (sdk.GatewayError("x"), 1),
    ]

    assert [(type(e).__name__, exit_code_for(e)) for e, _ in expected] == [
        (type(e).__name__, code) for e, code in expected
    ]
