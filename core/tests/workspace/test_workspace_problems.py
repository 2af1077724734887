"""Problems with the workspace as a whole and with gateway.yaml; all reported at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agent_gateway_core.errors import ConfigError, WorkspaceError, WorkspaceProblem
from agent_gateway_core.workspace import check_workspace, load_workspace

pytestmark = pytest.mark.unit

Write = Callable[[str, str], Path]
LoadProblems = Callable[..., list[WorkspaceProblem]]


def test_missing_workspace_directory_is_one_problem(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"

    with pytest.raises(WorkspaceError) as caught:
        load_workspace(missing, environ={})

    assert isinstance(caught.value, ConfigError)
    assert caught.value.problems == (
        WorkspaceProblem(str(missing), "workspace directory does not exist"),
    )
    assert "workspace directory does not exist" in str(caught.value)
    assert check_workspace(missing, environ={}) == list(caught.value.problems)


def test_workspace_root_that_is_a_file(tmp_path: Path) -> None:
    file = tmp_path / "workspace"
    file.write_text("not a directory", encoding="utf-8")

    with pytest.raises(WorkspaceError) as caught:
        load_workspace(file, environ={})

    [problem] = caught.value.problems
    assert (problem.path, problem.message) == (str(file), "is a file, not a workspace directory")


@pytest.mark.parametrize("kind", ["agents", "skills", "tools"])
def test_item_folder_that_is_a_file(write: Write, load_problems: LoadProblems, kind: str) -> None:
    write(kind, "oops")

    [problem] = load_problems()

    assert (problem.path, problem.field) == (kind, None)
    assert f"must be a directory holding one folder per {kind[:-1]}" in problem.message


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("model: [a\n", "invalid YAML at line 2"),
        ("- model\n", "must be a mapping of keys to values, got a list"),
        ("server: {port: 1}\nserver: {port: 2}\n", "duplicate key 'server'"),
    ],
)
def test_gateway_yaml_that_is_not_a_yaml_mapping(
    write: Write, load_problems: LoadProblems, text: str, phrase: str
) -> None:
    write("gateway.yaml", text)

    [problem] = load_problems()

    assert (problem.path, problem.field) == ("gateway.yaml", None)
    assert phrase in problem.message


def test_unknown_gateway_section(write: Write, load_problems: LoadProblems) -> None:
    write("gateway.yaml", "servr: {port: 1}\nplugins: []\n")

    problems = load_problems()

    assert [(p.path, p.field, p.message) for p in problems] == [
        ("gateway.yaml", "servr", "unknown section 'servr'; did you mean 'server'?"),
        (
            "gateway.yaml",
            "plugins",
            "unknown section 'plugins'; known sections: auth, context, context_retrieval, cors, "
            "dashboard, guardrails, mcp, memory, model, notifications, persistence, proxy, "
            "queue, rate_limit, scheduler, security, server, sessions, telemetry, timezone",
        ),
    ]


@pytest.mark.parametrize(
    ("text", "field", "phrase"),
    [
        ("model: {temperature: 9}", "model.temperature", "less than or equal to 2, got 9"),
        (
            "model: {name: gpt}",
            "model.name",
            "unknown key 'name'; allowed keys: allowed_overrides, api_base,",
        ),
        ("model: openai/gpt-4o", "model", "must be a mapping of settings, got 'openai/gpt-4o'"),
        ("guardrails: {max_tool_calls: 0}", "guardrails.max_tool_calls", "greater than 0"),
        (
            "guardrails: {max_iteration: 3}",
            "guardrails.max_iteration",
            "did you mean 'max_iterations'?",
        ),
        ("guardrails: 5", "guardrails", "must be a mapping of settings, got 5"),
    ],
)
def test_invalid_model_or_guardrails_section(
    write: Write, load_problems: LoadProblems, text: str, field: str, phrase: str
) -> None:
    write("gateway.yaml", text)

    [problem] = load_problems()

    assert (problem.path, problem.field) == ("gateway.yaml", field)
    assert phrase in problem.message


def test_sections_core_does_not_own_are_passed_through(write: Write, root: Path) -> None:
    write("gateway.yaml", "server: {port: 9000, whatever: [1]}\nauth: false\nmodel:\n")

    state = load_workspace(root, environ={})

    assert state.config == {"server": {"port": 9000, "whatever": [1]}, "auth": False, "model": None}


def test_undefined_variable_names_variable_file_and_key(
    write: Write, load_problems: LoadProblems
) -> None:
    write("gateway.yaml", "model:\n  api_key: ${OPENAI_API_KEY}\n  temperature: ${TEMP:-0.1}\n")

    [problem] = load_problems({"UNRELATED": "1"})

    assert (problem.path, problem.field) == ("gateway.yaml", "model.api_key")
    assert "environment variable 'OPENAI_API_KEY' is not set" in problem.message


def test_unresolved_variable_is_not_reported_again_as_a_bad_value(
    write: Write, load_problems: LoadProblems
) -> None:
    write("gateway.yaml", "guardrails:\n  max_iterations: ${MAX_ITER}\n")

    [problem] = load_problems()

    assert (problem.field, "'MAX_ITER' is not set" in problem.message) == (
        "guardrails.max_iterations",
        True,
    )


def test_problems_in_many_files_arrive_in_one_error(write: Write, root: Path) -> None:
    write("gateway.yaml", "model: {temperature: 5}\nsecrets: ${TOKEN}\n")
    write("agents/a/AGENT.md", "---\nmodel: {temperature: -1}\n---\n")
    write("agents/b/AGENT.md", "---\nskills: [nope]\n---\n")
    (root / "agents/c").mkdir()
    write("skills/s/SKILL.md", "---\ntools: [ghost]\n---\n")
    write("tools/t/TOOL.md", "---\nparameters: {x: {type: text}}\n---\n")
    write("tools/t/handler.py", "def handler(x):\n    return x\n")
    write("tools/u/TOOL.md", "---\n---\n")

    with pytest.raises(WorkspaceError) as caught:
        load_workspace(root, environ={})

    located = [(p.path, p.field) for p in caught.value.problems]
    assert located == [
        ("agents/a/AGENT.md", "model.temperature"),
        ("agents/b/AGENT.md", "skills.0"),
        ("agents/c/AGENT.md", None),
        ("gateway.yaml", "secrets"),
        ("gateway.yaml", "secrets"),
        ("gateway.yaml", "model.temperature"),
        ("skills/s/SKILL.md", "tools.0"),
        ("tools/t/TOOL.md", "parameters.x.type"),
        ("tools/u/handler.py", None),
    ]
    message = str(caught.value)
    assert message.startswith("workspace has 9 problem(s):")
    assert "  - agents/c/AGENT.md: is missing" in message
