"""Problems in SKILL.md files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agent_gateway_core.errors import WorkspaceProblem

pytestmark = pytest.mark.unit

Write = Callable[[str, str], Path]
LoadProblems = Callable[..., list[WorkspaceProblem]]
SKILL = "skills/research/SKILL.md"


def write_lookup_tool(write: Write) -> None:
    write("tools/lookup/TOOL.md", "---\nparameters:\n  q: {type: string}\n---\n")
    write("tools/lookup/handler.py", "def handler(q):\n    return q\n")


def test_skill_directory_without_skill_md(root: Path, load_problems: LoadProblems) -> None:
    (root / "skills/research").mkdir(parents=True)

    [problem] = load_problems()

    assert (problem.path, problem.field) == (SKILL, None)
    assert "is missing" in problem.message


def test_skill_referencing_a_tool_not_in_tools(write: Write, load_problems: LoadProblems) -> None:
    write_lookup_tool(write)
    write(SKILL, "---\ntools: [lookup, lookp]\n---\n")

    [problem] = load_problems()

    assert (problem.path, problem.field) == (SKILL, "tools.1")
    assert problem.message == "unknown tool 'lookp'; did you mean 'lookup'?"


def test_workflow_step_calling_an_unknown_tool(write: Write, load_problems: LoadProblems) -> None:
    write_lookup_tool(write)
    write(
        SKILL,
        """
        ---
        workflow:
          - {name: first, tool: lookup}
          - name: fan-out
            parallel:
              - {name: a, tool: lookup}
              - {name: b, tool: translate}
        ---
        """,
    )

    [problem] = load_problems()

    assert (problem.path, problem.field) == (SKILL, "workflow.1.parallel.1.tool")
    assert problem.message == "unknown tool 'translate'; the workspace defines: lookup"


@pytest.mark.parametrize(
    ("step", "field", "phrase"),
    [
        ("{name: s}", "workflow.0", "needs a 'tool' to call or a 'parallel' list of steps"),
        (
            "{name: s, tool: lookup, parallel: [{name: t, tool: lookup}]}",
            "workflow.0",
            "has both 'tool' and 'parallel'",
        ),
        ("{tool: lookup}", "workflow.0.name", "is required"),
        ("{name: s, tool: lookup, args: {}}", "workflow.0.args", "unknown key 'args'"),
        ("{name: s, tool: lookup, input: [1]}", "workflow.0.input", "must be a valid dictionary"),
    ],
)
def test_invalid_workflow_step(
    write: Write, load_problems: LoadProblems, step: str, field: str, phrase: str
) -> None:
    write_lookup_tool(write)
    write(SKILL, f"---\nworkflow:\n  - {step}\n---\n")

    [problem] = load_problems()

    assert (problem.path, problem.field) == (SKILL, field)
    assert phrase in problem.message


def test_step_names_are_unique_across_the_workflow(
    write: Write, load_problems: LoadProblems
) -> None:
    write_lookup_tool(write)
    write(
        SKILL,
        """
        ---
        workflow:
          - {name: fetch, tool: lookup}
          - name: group
            parallel: [{name: fetch, tool: lookup}]
        ---
        """,
    )

    [problem] = load_problems()

    assert (problem.path, problem.field) == (SKILL, "workflow.1.parallel.0.name")
    assert problem.message == "step name 'fetch' is already used by workflow.0"


def test_unknown_skill_key(write: Write, load_problems: LoadProblems) -> None:
    write(SKILL, "---\ninstructions: do it\n---\n")

    [problem] = load_problems()

    assert (problem.path, problem.field) == (SKILL, "instructions")
    assert "unknown key 'instructions'" in problem.message


def test_invalid_skill_directory_name(root: Path, load_problems: LoadProblems) -> None:
    (root / "skills/my skill").mkdir(parents=True)

    [problem] = load_problems()

    assert (problem.path, problem.field) == ("skills/my skill", None)
    assert "invalid skill id 'my skill'" in problem.message
