"""``openai_compat/<name>`` models go through OpenAICompatClient; the rest still through litellm."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from agent_gateway import Gateway
from agent_gateway_core.domain.execution import ExecutionStatus
from agent_gateway_core.errors import ConfigError, MissingExtraError
from agent_gateway_core.testing import reply
from agent_gateway_testing.fake_openai import FakeOpenAIServer

pytestmark = pytest.mark.integration

WriteWorkspace = Callable[..., Path]
AddAgent = Callable[..., Path]


def _sent_by_aiohttp(server: FakeOpenAIServer, index: int = -1) -> bool:
    return "aiohttp" in server.requests[index].headers.get("User-Agent", "")


async def test_an_openai_compat_agent_is_served_by_the_lean_client(
    write_workspace: WriteWorkspace, add_agent: AddAgent, model_server: FakeOpenAIServer
) -> None:
    root = write_workspace(api_base=model_server.base_url)
    add_agent(root, "lean", model={"name": "openai_compat/fake-model"})
    model_server.push(
        reply("lean answer", input_tokens=9, output_tokens=2), reply("litellm answer")
    )

    async with Gateway(workspace=root, auth=False) as gateway:
        lean = await gateway.invoke("lean", "hi")
        default = await gateway.invoke("assistant", "hi")

    assert lean.status is ExecutionStatus.SUCCEEDED
    assert lean.raw_text == "lean answer"
    assert lean.usage.models_used == ("openai_compat/fake-model",)
    assert (lean.usage.input_tokens, lean.usage.output_tokens) == (9, 2)
    assert model_server.requests[0].body["model"] == "fake-model"
    assert _sent_by_aiohttp(model_server, 0)
    assert default.raw_text == "litellm answer"
    assert not _sent_by_aiohttp(model_server, 1), "openai/ models stay with litellm"


async def test_a_streamed_chat_goes_through_the_lean_client(
    write_workspace: WriteWorkspace, add_agent: AddAgent, model_server: FakeOpenAIServer
) -> None:
    root = write_workspace(api_base=model_server.base_url)
    add_agent(root, "lean", model={"name": "openai_compat/fake-model"})
    model_server.push(reply("streamed through aiohttp"))

    async with Gateway(workspace=root, auth=False) as gateway:
        items = [item async for item in gateway.stream_chat("lean", "hi")]

    text = "".join(getattr(item, "text", "") for item in items)
    assert text == "streamed through aiohttp"
    assert model_server.requests[0].body["stream"] is True
    assert _sent_by_aiohttp(model_server)


async def test_without_the_extra_startup_names_the_install_line(
    write_workspace: WriteWorkspace, add_agent: AddAgent, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_workspace()
    add_agent(root, "lean", model={"name": "openai_compat/fake-model"})
    monkeypatch.setitem(sys.modules, "agent_gateway_openai_compat", None)  # not installed

    gateway = Gateway(workspace=root, auth=False)
    with pytest.raises(MissingExtraError, match=r"pip install 'agents-gateway\[openai-compat\]'"):
        await gateway.startup()

    assert not gateway.started


async def test_an_openai_compat_agent_added_by_a_reload_is_served_too(
    write_workspace: WriteWorkspace, add_agent: AddAgent, model_server: FakeOpenAIServer
) -> None:
    root = write_workspace(api_base=model_server.base_url)
    model_server.push(reply("after reload"))

    async with Gateway(workspace=root, auth=False) as gateway:
        add_agent(root, "lean", model={"name": "openai_compat/fake-model"})
        await gateway.reload()
        result = await gateway.invoke("lean", "hi")

    assert result.raw_text == "after reload"
    assert _sent_by_aiohttp(model_server)


async def test_a_reload_that_needs_the_local_model_is_refused_and_changes_nothing(
    write_workspace: WriteWorkspace, add_agent: AddAgent
) -> None:
    root = write_workspace()

    async with Gateway(workspace=root, auth=False) as gateway:
        before = set(gateway.agents)
        add_agent(root, "tiny", model={"name": "local/smollm2-135m-instruct"})
        with pytest.raises(ConfigError, match="restart the gateway"):
            await gateway.reload()
        assert set(gateway.agents) == before
