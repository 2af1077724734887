"""Every operation of the HTTP API fuzzed from its own OpenAPI schema (schemathesis).

A real gateway serves over HTTP on 127.0.0.1 (uvicorn in a thread, SQLite on disk, the scripted
model), and each operation gets bounded, seeded examples — valid ones and invalid ones — sent
with a key that has every scope. Whatever comes in, the answer is documented: no 5xx, a status
the schema lists for the operation, a body and headers that conform, and never a traceback.
"""

from __future__ import annotations

import socket
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import uvicorn
from dependency_injector import providers
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from agent_gateway import Gateway
from agent_gateway_core.testing import ScriptedLLM

pytestmark = pytest.mark.integration

KEY = {"Authorization": "Bearer sk-fuzz"}
EXAMPLES_PER_OPERATION = 15

GATEWAY_YAML = """\
model:
  default: openai/gpt-4o-mini
  api_base: http://127.0.0.1:9/v1
auth:
  api_keys:
    - {name: fuzz, key: sk-fuzz, scopes: ["*"]}
memory: {enabled: true}  # the compaction route answers 503 without it
"""

AGENTS = {
    "agents/assistant/AGENT.md": """\
        ---
        description: A helpful assistant.
        ---
        You are helpful.
        """,
    "agents/triage/AGENT.md": """\
        ---
        description: Classifies a request.
        input_schema:
          type: object
          properties:
            tier: {type: string, enum: [free, pro]}
          required: [tier]
        ---
        Classify.
        """,
    "agents/mine/AGENT.md": """\
        ---
        description: Personal.
        scope: personal
        setup_schema:
          type: object
          properties:
            city: {type: string}
          required: [city]
        ---
        Personal.
        """,
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("fuzz") / "workspace"
    for name, text in {"gateway.yaml": GATEWAY_YAML, **AGENTS}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    gateway = Gateway(workspace=root).use_sqlite(Path(root.parent) / "fuzz.db")
    gateway.container.llm.override(providers.Object(ScriptedLLM()))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(gateway, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the gateway did not start"
        assert time.monotonic() < deadline, "the gateway took more than 30 s to start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def operations(base_url: str) -> list[Any]:
    """Every operation of the gateway's OpenAPI schema, as served."""
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


MODEL_OUTCOMES = {"output_validation_error", "execution_timeout", "llm_timeout"}
"""5xx codes that are the model's doing, not the gateway's: the scripted model echoes text, so a
generated ``options.output_schema`` it cannot meet ends in a documented 502."""


def no_gateway_fault(ctx: Any, response: Any, case: Any) -> bool | None:
    """``not_a_server_error``, but a documented outcome of the model call is not a fault."""
    if response.status_code in (502, 504):
        try:
            code = response.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            code = None
        if code in MODEL_OUTCOMES or (isinstance(code, str) and code.startswith("llm_")):
            return None
    return not_a_server_error(ctx, response, case)


CHECKS = [
    no_gateway_fault,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_input_gets_an_undocumented_answer(base_url: str, mode: GenerationMode) -> None:
    """Each operation, with bounded seeded examples of ``mode`` (valid, or invalid) input."""
    failures: dict[str, str] = {}
    found = operations(base_url)
    assert len(found) > 20
    for operation in found:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,  # the same examples on every run: a failure reproduces
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            phases=[Phase.explicit, Phase.generate],  # report the example as found
        )
        def answers_as_documented(case: Any) -> None:
            response = case.call(headers=KEY, timeout=30)
            case.validate_response(response, checks=CHECKS)
            assert "Traceback" not in response.text

        try:
            answers_as_documented()
        except Unsatisfiable:
            # No invalid request exists for an operation that takes no input (health).
            assert mode is GenerationMode.NEGATIVE, operation
        except Exception as exc:  # every operation is tried; all failures are reported
            failures[f"{operation.method.upper()} {operation.path}"] = str(exc)[:2000]
    assert not failures, "\n\n".join(f"{name}:\n{text}" for name, text in failures.items())
