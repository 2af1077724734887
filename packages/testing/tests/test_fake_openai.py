"""The fake OpenAI server, hit with a raw HTTP client: the wire format is what is under test."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import ClientSession, ClientTimeout

from agent_gateway_core.testing.scripted_llm import ScriptedReply, ScriptedToolCall
from agent_gateway_testing.fake_openai import FakeOpenAIServer

pytestmark = pytest.mark.integration

_CHAT = {"model": "gpt-test", "messages": [{"role": "user", "content": "hello there"}]}


@pytest.fixture
async def server() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer() as running:
        yield running


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    headers: Mapping[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class RawClient:
    """Sends raw requests to the server; the wire format is what the tests look at."""

    def __init__(self, session: ClientSession, base_url: str) -> None:
        self._session = session
        self._base_url = base_url

    async def post(
        self, path: str, *, json: Any = None, data: bytes | None = None, **kwargs: Any
    ) -> Reply:
        url = self._base_url + path
        async with self._session.post(url, json=json, data=data, **kwargs) as response:
            return Reply(response.status, response.headers, await response.text())

    async def get(self, path: str) -> Reply:
        async with self._session.get(self._base_url + path) as response:
            return Reply(response.status, response.headers, await response.text())


@asynccontextmanager
async def raw_client(base_url: str) -> AsyncIterator[RawClient]:
    async with ClientSession(timeout=ClientTimeout(total=5.0)) as session:
        yield RawClient(session, base_url)


@pytest.fixture
async def http(server: FakeOpenAIServer) -> AsyncIterator[RawClient]:
    async with raw_client(server.base_url) as client:
        yield client


def _sync_post(url: str, body: Any) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5.0) as response:
        return json.loads(response.read())


def _sse_chunks(body: str) -> list[dict[str, Any]]:
    """Parse an SSE body, checking it ends with exactly one ``data: [DONE]``."""
    events = [block for block in body.split("\n\n") if block]
    assert all(e.startswith("data: ") for e in events), "every SSE event is a data: line"
    assert events[-1] == "data: [DONE]"
    assert body.endswith("data: [DONE]\n\n")
    return [json.loads(e.removeprefix("data: ")) for e in events[:-1]]


# ------------------------------------------------------------------ plain JSON


async def test_plain_completion_has_the_openai_shape(
    server: FakeOpenAIServer, http: RawClient
) -> None:
    server.push(ScriptedReply(content="Hi!", input_tokens=7, output_tokens=2))

    response = await http.post("/chat/completions", json=_CHAT)

    assert response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["object"] == "chat.completion"
    assert body["id"].startswith("chatcmpl-")
    assert body["model"] == "gpt-test"
    assert body["choices"] == [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hi!", "refusal": None},
            "logprobs": None,
            "finish_reason": "stop",
        }
    ]
    assert body["usage"] == {"prompt_tokens": 7, "completion_tokens": 2, "total_tokens": 9}


async def test_tool_calls_carry_json_string_arguments(
    server: FakeOpenAIServer, http: RawClient
) -> None:
    server.push(
        ScriptedReply(
            tool_calls=(
                ScriptedToolCall(name="lookup", arguments={"q": "x"}, id="call_a"),
                ScriptedToolCall(name="broken", raw_arguments="{not json"),
            )
        )
    )

    body = (await http.post("/chat/completions", json=_CHAT)).json()

    choice = body["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    first, second = choice["message"]["tool_calls"]
    assert first == {
        "id": "call_a",
        "type": "function",
        "function": {"name": "lookup", "arguments": '{"q": "x"}'},
    }
    assert second["id"].startswith("call_")
    assert second["function"]["arguments"] == "{not json"


async def test_empty_queue_echoes_the_last_user_message(http: RawClient) -> None:
    chat = {
        "model": "m",
        "messages": [
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": [{"type": "text", "text": "second"}]},
        ],
    }

    body = (await http.post("/chat/completions", json=chat)).json()

    assert body["choices"][0]["message"]["content"] == "echo: second"


async def test_responder_answers_when_the_queue_is_empty() -> None:
    def responder(body: dict[str, Any]) -> ScriptedReply:
        return ScriptedReply(content=f"model was {body['model']}")

    async with (
        FakeOpenAIServer(responder=responder) as server,
        raw_client(server.base_url) as http,
    ):
        server.push(ScriptedReply(content="queued first"))
        first = (await http.post("/chat/completions", json=_CHAT)).json()
        second = (await http.post("/chat/completions", json=_CHAT)).json()

    assert first["choices"][0]["message"]["content"] == "queued first"
    assert second["choices"][0]["message"]["content"] == "model was gpt-test"


async def test_arrivals_are_logged_one_flushed_line_per_request(tmp_path: Path) -> None:
    log = tmp_path / "arrivals.tsv"
    before = time.time()
    async with FakeOpenAIServer(arrivals_log=log, record_requests=False) as running:
        async with raw_client(running.base_url) as client:
            for text in ("q-1", "q-2\nsecond line"):
                chat = {"model": "m", "messages": [{"role": "user", "content": text}]}
                assert (await client.post("/chat/completions", json=chat)).status == 200
        # Readable while the server still runs: a benchmark reads it before stopping it.
        lines = log.read_text().splitlines()
    assert [line.split("\t", 1)[1] for line in lines] == ["q-1", "q-2 second line"]
    times = [float(line.split("\t", 1)[0]) for line in lines]
    assert before <= times[0] <= times[1] <= time.time()


async def test_requests_are_recorded_with_body_and_headers(
    server: FakeOpenAIServer, http: RawClient
) -> None:
    chat = {**_CHAT, "temperature": 0.2, "max_tokens": 9}

    await http.post("/chat/completions", json=chat, headers={"Authorization": "Bearer sk-x"})

    (recorded,) = server.requests
    assert recorded.body == chat
    assert recorded.headers["authorization"] == "Bearer sk-x"


# ------------------------------------------------------------------ streaming


async def test_stream_sends_openai_chunks_and_done(
    server: FakeOpenAIServer, http: RawClient
) -> None:
    server.push(ScriptedReply(content="Hello world"))

    response = await http.post("/chat/completions", json={**_CHAT, "stream": True})

    assert response.headers["content-type"].startswith("text/event-stream")
    chunks = _sse_chunks(response.text)
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert text == "Hello world"
    assert chunks[-1]["choices"][0] == {
        "index": 0,
        "delta": {},
        "logprobs": None,
        "finish_reason": "stop",
    }
    assert all("usage" not in c for c in chunks), "usage only when include_usage is asked"


async def test_stream_sends_tool_calls_as_deltas(server: FakeOpenAIServer, http: RawClient) -> None:
    arguments = {"city": "Paris", "unit": "celsius"}
    server.push(
        ScriptedReply(
            tool_calls=(
                ScriptedToolCall(name="weather", arguments=arguments, id="call_w"),
                ScriptedToolCall(name="clock", id="call_c"),
            )
        )
    )

    response = await http.post("/chat/completions", json={**_CHAT, "stream": True})

    deltas = [
        call
        for chunk in _sse_chunks(response.text)
        for call in chunk["choices"][0]["delta"].get("tool_calls", [])
    ]
    opening = [d for d in deltas if "id" in d]
    assert opening == [
        {
            "index": 0,
            "id": "call_w",
            "type": "function",
            "function": {"name": "weather", "arguments": ""},
        },
        {
            "index": 1,
            "id": "call_c",
            "type": "function",
            "function": {"name": "clock", "arguments": ""},
        },
    ]
    fragments = [d for d in deltas if d["index"] == 0 and "id" not in d]
    assert len(fragments) > 1, "arguments arrive in several fragments"
    assert json.loads("".join(f["function"]["arguments"] for f in fragments)) == arguments


async def test_stream_ends_with_a_usage_chunk_when_asked(
    server: FakeOpenAIServer, http: RawClient
) -> None:
    server.push(ScriptedReply(content="ok", input_tokens=4, output_tokens=1))
    chat = {**_CHAT, "stream": True, "stream_options": {"include_usage": True}}

    chunks = _sse_chunks((await http.post("/chat/completions", json=chat)).text)

    *content_chunks, usage_chunk = chunks
    assert all(c["usage"] is None for c in content_chunks)
    assert usage_chunk["choices"] == []
    assert usage_chunk["usage"] == {"prompt_tokens": 4, "completion_tokens": 1, "total_tokens": 5}


# ------------------------------------------------------------------ failures


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (500, "server_error"),
        (503, "server_error"),
    ],
)
async def test_scripted_status_returns_an_openai_error_body(
    server: FakeOpenAIServer, http: RawClient, status: int, error_type: str
) -> None:
    server.push(ScriptedReply(status=status, error_message="scripted problem"))

    response = await http.post("/chat/completions", json=_CHAT)

    assert response.status == status
    assert response.json() == {
        "error": {"message": "scripted problem", "type": error_type, "param": None, "code": None}
    }


async def test_rate_limit_sends_retry_after(server: FakeOpenAIServer, http: RawClient) -> None:
    server.push(ScriptedReply(status=429, retry_after=0.25))

    response = await http.post("/chat/completions", json=_CHAT)

    assert response.status == 429
    assert response.headers["retry-after"] == "0.25"
    assert response.headers["retry-after-ms"] == "250"
    assert response.json()["error"]["type"] == "rate_limit_exceeded"


async def test_bad_json_is_a_400_naming_the_problem(
    server: FakeOpenAIServer, http: RawClient
) -> None:
    response = await http.post(
        "/chat/completions", data=b"{not json", headers={"content-type": "application/json"}
    )

    assert response.status == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert "not valid JSON" in error["message"]
    assert server.requests == []


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ([1, 2], "JSON object"),
        ({"messages": [{"role": "user", "content": "x"}]}, "'model'"),
        ({"model": "m", "messages": []}, "'messages'"),
    ],
)
async def test_malformed_requests_are_a_400_naming_the_field(
    http: RawClient, body: Any, problem: str
) -> None:
    response = await http.post("/chat/completions", json=body)

    assert response.status == 400
    assert problem in response.json()["error"]["message"]


async def test_delay_and_base_latency_add_up() -> None:
    async with FakeOpenAIServer(latency_seconds=0.1) as server:
        server.push(ScriptedReply(content="late", delay_seconds=0.1))
        async with raw_client(server.base_url) as http:
            started = time.monotonic()
            await http.post("/chat/completions", json=_CHAT)
            elapsed = time.monotonic() - started

    assert 0.2 <= elapsed < 1.0


async def test_a_hanging_request_is_released_when_the_server_closes() -> None:
    server = FakeOpenAIServer()
    await server.start()
    server.push(ScriptedReply(hang=True))
    async with raw_client(server.base_url) as http:
        call = asyncio.create_task(http.post("/chat/completions", json=_CHAT))
        await asyncio.sleep(0.1)
        assert not call.done()

        started = time.monotonic()
        await server.aclose()
        await server.aclose()  # idempotent
        response = await call

    assert response.status == 503
    assert time.monotonic() - started < 1.0


async def test_a_client_that_gives_up_is_counted_as_abandoned(server: FakeOpenAIServer) -> None:
    server.push(ScriptedReply(hang=True))

    async with ClientSession(timeout=ClientTimeout(total=0.2)) as session:
        with pytest.raises(asyncio.TimeoutError):
            await session.post(f"{server.base_url}/chat/completions", json=_CHAT)
    for _ in range(50):
        if server.abandoned_requests:
            break
        await asyncio.sleep(0.02)

    assert server.abandoned_requests == 1


# ------------------------------------------------------------------ models, lifecycle


async def test_models_lists_the_configured_models() -> None:
    async with (
        FakeOpenAIServer(models=("a", "b")) as server,
        raw_client(server.base_url) as http,
    ):
        body = (await http.get("/models")).json()

    assert body["object"] == "list"
    assert [m["id"] for m in body["data"]] == ["a", "b"]


async def test_base_url_before_start_raises() -> None:
    with pytest.raises(RuntimeError, match="not started"):
        _ = FakeOpenAIServer().base_url


def test_runs_in_a_thread_for_sync_callers() -> None:
    with FakeOpenAIServer().running_in_thread() as server:
        server.push(ScriptedReply(content="from a thread"))
        body = _sync_post(f"{server.base_url}/chat/completions", _CHAT)

    assert body["choices"][0]["message"]["content"] == "from a thread"
    assert len(server.requests) == 1


def test_runs_standalone_as_a_module() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "agent_gateway_testing.fake_openai", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("listening on http://127.0.0.1:")
        base_url = line.removeprefix("listening on ").strip()
        body = _sync_post(f"{base_url}/chat/completions", _CHAT)
        assert body["choices"][0]["message"]["content"] == "echo: hello there"
    finally:
        process.terminate()
        process.wait(timeout=5)


async def test_a_burst_of_new_connections_is_accepted_without_a_retransmit() -> None:
    """Hundreds of connections opened at once all get through at once.

    A full accept queue makes the kernel drop SYNs, and each dropped one costs its client a
    1 s retransmit: the burst benchmark would measure that instead of the gateway.
    """
    burst = 300
    async with (
        FakeOpenAIServer(latency_seconds=0.2) as server,
        ClientSession(
            connector=aiohttp.TCPConnector(limit=0), timeout=ClientTimeout(total=10)
        ) as http,
    ):

        async def call() -> int:
            async with http.post(f"{server.base_url}/chat/completions", json=_CHAT) as answer:
                await answer.read()
                return answer.status

        started = time.perf_counter()
        statuses = await asyncio.gather(*(call() for _ in range(burst)))
        elapsed = time.perf_counter() - started
    assert statuses == [200] * burst
    assert elapsed < 1.1  # 0.2 s of latency; with a dropped SYN it would be 1.2 s or more
