"""gateway.yaml settings, ``AGENT_GATEWAY_<SECTION>__<KEY>`` overrides and their errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agent_gateway import Gateway
from agent_gateway.settings import peek_server_settings
from agent_gateway_core.errors import ConfigError, WorkspaceError

pytestmark = pytest.mark.unit

WriteWorkspace = Callable[..., Path]


async def test_an_env_var_overrides_the_server_port_of_gateway_yaml(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_workspace(yaml="server:\n  port: 8100\n  host: 0.0.0.0\n")
    monkeypatch.setenv("AGENT_GATEWAY_SERVER__PORT", "9000")
    async with Gateway(workspace=root, auth=False) as gw:
        assert gw.services is not None
        server = gw.services.settings.server
        assert (server.port, server.host) == (9000, "0.0.0.0")
    assert peek_server_settings(root).port == 9000  # what run() hands to uvicorn


def test_peek_server_settings_reads_the_file_without_an_override(
    write_workspace: WriteWorkspace,
) -> None:
    assert peek_server_settings(write_workspace(yaml="server:\n  port: 8100\n")).port == 8100
    assert peek_server_settings(write_workspace(yaml="")).port == 8000


async def test_a_nested_env_override_keeps_the_rest_of_the_section(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENT_GATEWAY_MODEL__DEFAULT", "openai/gpt-4.1-nano")
    root = write_workspace(api_base="http://model.test/v1")
    async with Gateway(workspace=root, auth=False) as gw:
        assert gw.workspace is not None
        model = gw.workspace.model
        assert (model.default, model.api_base) == ("openai/gpt-4.1-nano", "http://model.test/v1")


async def test_plain_agent_gateway_variables_are_not_section_overrides(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The project template reads ${AGENT_GATEWAY_MODEL} and the CLI AGENT_GATEWAY_WORKSPACE.
    monkeypatch.setenv("AGENT_GATEWAY_MODEL", "openai/gpt-4.1-nano")
    monkeypatch.setenv("AGENT_GATEWAY_WORKSPACE", "/somewhere/else")
    root = write_workspace(
        {"gateway.yaml": "model:\n  default: ${AGENT_GATEWAY_MODEL:-local/tiny}\n"}
    )
    async with Gateway(workspace=root, auth=False) as gw:
        assert gw.workspace is not None
        assert gw.workspace.model.default == "openai/gpt-4.1-nano"


async def test_an_undefined_variable_in_gateway_yaml_stops_startup(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace(yaml="auth:\n  api_keys:\n    - key: ${UNSET_SERVICE_KEY}\n")
    gw = Gateway(workspace=root)
    with pytest.raises(WorkspaceError) as caught:
        await gw.startup()
    [problem] = caught.value.problems
    assert problem.path == "gateway.yaml"
    assert "'UNSET_SERVICE_KEY' is not set" in problem.message
    assert "gateway.yaml" in str(caught.value)
    assert "UNSET_SERVICE_KEY" in str(caught.value)
    assert not gw.started


async def test_an_unknown_key_in_an_app_section_stops_startup(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace(yaml="server:\n  prot: 1\n")
    expected = r"gateway.yaml: server\.prot: unknown key 'prot'; did you mean 'port'\?"
    with pytest.raises(ConfigError, match=expected) as caught:
        await Gateway(workspace=root, auth=False).startup()
    assert isinstance(caught.value, WorkspaceError)
    assert [(p.path, p.field) for p in caught.value.problems] == [("gateway.yaml", "server.prot")]


async def test_every_invalid_setting_is_reported(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(yaml="server:\n  port: 70000\n  workers: 0\ncors:\n  max_age: soon\n")
    with pytest.raises(WorkspaceError) as caught:
        await Gateway(workspace=root, auth=False).startup()
    assert {p.field for p in caught.value.problems} == {
        "server.port",
        "server.workers",
        "cors.max_age",
    }


async def test_an_invalid_env_override_names_the_variable(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENT_GATEWAY_SERVER__PORT", "not-a-port")
    with pytest.raises(WorkspaceError) as caught:
        await Gateway(workspace=write_workspace(), auth=False).startup()
    [problem] = caught.value.problems
    assert (problem.path, problem.field) == (
        "environment variable AGENT_GATEWAY_SERVER__PORT",
        "server.port",
    )


async def test_an_env_override_that_is_not_json_is_a_config_error(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENT_GATEWAY_MODEL__FALLBACK", "[not json")
    with pytest.raises(ConfigError, match=r"environment override: .*\"model\""):
        await Gateway(workspace=write_workspace(), auth=False).startup()


async def test_cors_credentials_with_a_wildcard_origin_in_gateway_yaml_is_refused(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace(yaml="cors:\n  enabled: true\n  allow_credentials: true\n")
    with pytest.raises(WorkspaceError, match="allow_credentials: true requires explicit"):
        await Gateway(workspace=root, auth=False).startup()


async def test_an_unknown_section_of_gateway_yaml_stops_startup(
    write_workspace: WriteWorkspace,
) -> None:
    with pytest.raises(WorkspaceError, match="unknown section 'sever'; did you mean 'server'"):
        await Gateway(workspace=write_workspace(yaml="sever:\n  port: 1\n")).startup()


async def test_an_unknown_key_in_an_env_override_names_the_variable(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENT_GATEWAY_SERVER__PROT", "1")
    with pytest.raises(WorkspaceError) as caught:
        await Gateway(workspace=write_workspace(), auth=False).startup()
    [problem] = caught.value.problems
    assert (problem.path, problem.field) == (
        "environment variable AGENT_GATEWAY_SERVER__PROT",
        "server.prot",
    )
