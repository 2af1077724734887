"""``agents-gateway init``: the scaffold is complete, passes ``check`` and never clobbers."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from agent_gateway_core.workspace import check_workspace, load_workspace

from .conftest import RunCli

pytestmark = pytest.mark.unit

EXPECTED_FILES = {
    ".env.example",
    ".gitignore",
    "README.md",
    "app.py",
    "workspace/gateway.yaml",
    "workspace/agents/assistant/AGENT.md",
    "workspace/skills/clock/SKILL.md",
    "workspace/tools/current-time/TOOL.md",
    "workspace/tools/current-time/handler.py",
}


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def _import(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("scaffolded_handler", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_init_writes_a_project_that_passes_check(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("init", "demo", "--dir", tmp_path)

    assert result.exit_code == 0, result.output
    project = tmp_path / "demo"
    assert _files(project) == EXPECTED_FILES
    assert "agents-gateway check" in result.stdout  # the next steps are printed
    assert check_workspace(project / "workspace", environ={}) == []

    checked = run_cli("check", "--workspace", project / "workspace")
    assert checked.exit_code == 0, checked.output
    assert "1 agent, 1 skill, 1 tool" in checked.stdout


def test_scaffold_wires_agent_skill_and_tool_together(run_cli: RunCli, tmp_path: Path) -> None:
    run_cli("init", "demo", "--dir", tmp_path)
    state = load_workspace(tmp_path / "demo" / "workspace", environ={})

    assert state.model.default == "local/smollm2-135m-instruct"
    assistant = state.agents["assistant"]
    assert assistant.skills == ("clock",)
    assert "demo" in assistant.prompt  # the project name is filled in
    assert state.skills["clock"].tools == ("current-time",)
    assert state.tools["current-time"].handler is not None


def test_scaffold_model_follows_AGENT_GATEWAY_MODEL(run_cli: RunCli, tmp_path: Path) -> None:
    run_cli("init", "demo", "--dir", tmp_path)
    environ = {"AGENT_GATEWAY_MODEL": "openai/gpt-4o-mini"}

    state = load_workspace(tmp_path / "demo" / "workspace", environ=environ)

    assert state.model.default == "openai/gpt-4o-mini"


def test_scaffold_app_and_docs_point_at_the_workspace(run_cli: RunCli, tmp_path: Path) -> None:
    run_cli("init", "demo", "--dir", tmp_path)
    project = tmp_path / "demo"

    app_py = (project / "app.py").read_text()
    assert "from agent_gateway import Gateway" in app_py
    assert 'app = Gateway(workspace="./workspace")' in app_py
    assert 'if __name__ == "__main__":\n    app.run()' in app_py
    assert (project / "README.md").read_text().startswith("# demo\n")
    assert "AGENT_GATEWAY_MODEL" in (project / ".env.example").read_text()
    gateway_yaml = (project / "workspace" / "gateway.yaml").read_text()
    assert "${AGENT_GATEWAY_MODEL:-local/smollm2-135m-instruct}" in gateway_yaml
    assert "openai/gpt-4o-mini" in gateway_yaml  # says how to switch to a hosted model


def test_scaffold_tool_handler_runs(run_cli: RunCli, tmp_path: Path) -> None:
    run_cli("init", "demo", "--dir", tmp_path)
    handler = _import(tmp_path / "demo/workspace/tools/current-time/handler.py").handler

    answer = handler("Europe/Paris")

    assert answer["timezone"] == "Europe/Paris"
    assert answer["datetime"][-6:] in {"+01:00", "+02:00"}
    with pytest.raises(ValueError, match="unknown timezone 'Mars/Olympus'"):
        handler("Mars/Olympus")


def test_init_refuses_a_folder_that_is_not_empty(run_cli: RunCli, tmp_path: Path) -> None:
    project = tmp_path / "demo"
    project.mkdir()
    (project / "notes.txt").write_text("mine")

    result = run_cli("init", "demo", "--dir", tmp_path)

    assert result.exit_code == 1
    assert "already exists and is not empty" in result.stderr
    assert "--force" in result.stderr
    assert _files(project) == {"notes.txt"}
    assert "Traceback" not in result.output


def test_init_into_an_empty_folder_is_allowed(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "demo").mkdir()

    result = run_cli("init", "demo", "--dir", tmp_path)

    assert result.exit_code == 0, result.output
    assert _files(tmp_path / "demo") == EXPECTED_FILES


def test_init_force_replaces_scaffold_files_and_keeps_others(
    run_cli: RunCli, tmp_path: Path
) -> None:
    project = tmp_path / "demo"
    (project / "workspace").mkdir(parents=True)
    (project / "workspace" / "gateway.yaml").write_text("broken: [")
    (project / "notes.txt").write_text("mine")

    result = run_cli("init", "demo", "--dir", tmp_path, "--force")

    assert result.exit_code == 0, result.output
    assert _files(project) == EXPECTED_FILES | {"notes.txt"}
    assert check_workspace(project / "workspace", environ={}) == []


def test_init_refuses_a_target_that_is_a_file(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "demo").write_text("a file")

    result = run_cli("init", "demo", "--dir", tmp_path, "--force")

    assert result.exit_code == 1
    assert "exists and is a file" in result.stderr


@pytest.mark.parametrize("name", ["../escape", "a/b", "_under", ".hidden", ""])
def test_init_rejects_a_name_that_is_not_a_folder_name(
    run_cli: RunCli, tmp_path: Path, name: str
) -> None:
    result = run_cli("init", name, "--dir", tmp_path)

    assert result.exit_code == 2
    assert "Invalid value for NAME" in result.output
    assert list(tmp_path.iterdir()) == []


def test_init_defaults_to_the_current_folder(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    result = run_cli("init", "here")

    assert result.exit_code == 0, result.output
    assert (tmp_path / "here" / "workspace" / "gateway.yaml").is_file()
