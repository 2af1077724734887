"""Problems in SKILL.md files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agent_gateway_core.domain.skill import WorkflowStep
from agent_gateway_core.errors import WorkspaceProblem
from agent_gateway_core.workspace import load_workspace

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
        ("{name: s}", "workflow.0", "needs a 'tool' to call, a 'parallel' list of steps or a"),
        (
            "{name: s, tool: lookup, parallel: [{name: t, tool: lookup}]}",
            "workflow.0",
            "has both 'tool' and 'parallel'",
        ),
        ("{name: s, tool: lookup, prompt: Sum up}", "workflow.0", "has both 'tool' and 'prompt'"),
        (
            "{name: s, parallel: [{name: t, prompt: Sum up}]}",
            "workflow.0.parallel.0.prompt",
            "is in a parallel group",
        ),
        (
            "{name: s, tool: lookup, input: {q: $.previous}}",
            "workflow.0.input.q",
            "'$.previous' is not a reference; use $.input.<field> or $.steps.<step>.output",
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


def test_a_workflow_step_can_be_a_prompt(write: Write, root: Path) -> None:
    write(SKILL, "---\nworkflow:\n  - {name: sum-up, prompt: Sum up the findings.}\n---\n")

    [step] = load_workspace(root, environ={}).skills["research"].workflow

    assert step == WorkflowStep(name="sum-up", prompt="Sum up the findings.")


# The existing product's spelling of a workflow: ``steps:``, each a tool, tools or prompt.


@pytest.mark.parametrize(
    ("step", "field", "phrase"),
    [
        ("{name: s}", "steps.0", "needs a 'tool' to call, a 'tools' list of steps or a 'prompt'"),
        (
            "{name: s, tool: lookup, tools: [{tool: lookup}], prompt: Sum up}",
            "steps.0",
            "has 'tool' and 'tools' and 'prompt'; a step does only one",
        ),
        ("{name: s, prompt: Sum up, args: {}}", "steps.0.args", "unknown key 'args'"),
        ("{name: s, tools: [{tool: lookup, name: a}]}", "steps.0.tools.0.name", "unknown key"),
        ("{name: s, tools: []}", "steps.0.tools", "must list at least one tool call"),
        ("{name: s, tools: [{input: {}}]}", "steps.0.tools.0.tool", "is required"),
        ("{name: s, tool: lookup, system_prompt: Be brief}", "steps.0.system_prompt", "only"),
        ("{name: s, tool: translate}", "steps.0.tool", "unknown tool 'translate'"),
        (
            "{name: s, tools: [{tool: lookup}, {tool: translate}]}",
            "steps.0.tools.1.tool",
            "unknown tool 'translate'; the workspace defines: lookup",
        ),
        (
            "{name: s, tool: lookup, input: {q: $.steps.later.output}}",
            "steps.0.input.q",
            "'$.steps.later.output' refers to a step that does not come before this one",
        ),
        (
            "{name: s, tools: [{tool: lookup, input: {q: $.env.KEY}}]}",
            "steps.0.tools.0.input.q",
            "'$.env.KEY' is not a reference",
        ),
    ],
)
def test_invalid_reference_step(
    write: Write, load_problems: LoadProblems, step: str, field: str, phrase: str
) -> None:
    write_lookup_tool(write)
    write(SKILL, f"---\ntools: [lookup]\nsteps:\n  - {step}\n---\n")

    [problem] = load_problems()

    assert (problem.path, problem.field) == (SKILL, field)
    assert phrase in problem.message


def test_steps_and_workflow_together_and_every_step_problem_at_once(
    write: Write, load_problems: LoadProblems
) -> None:
    write_lookup_tool(write)
    write(
        SKILL,
        """
        ---
        tools: [lookup]
        workflow:
          - {name: fetch, tool: lookup}
        steps:
          - {name: fetch, tool: lookp}
          - {name: fetch, prompt: Sum up, input: {facts: $.steps.fetch.output}}
          - {name: last}
        ---
        """,
    )

    problems = load_problems()

    assert [(p.field, p.message) for p in problems] == [
        (
            "steps",
            "and 'workflow' are both given; write the skill's workflow under one key",
        ),
        ("steps.1.name", "step name 'fetch' is already used by steps.0"),
        ("steps.2", "needs a 'tool' to call, a 'tools' list of steps or a 'prompt'"),
    ]
    assert {p.path for p in problems} == {SKILL}


def test_a_step_tool_missing_from_the_workspace_is_reported_once_under_tools(
    write: Write, load_problems: LoadProblems
) -> None:
    write_lookup_tool(write)
    write(SKILL, "---\ntools: [lookp]\nsteps:\n  - {name: s, tool: lookp}\n---\n")

    [problem] = load_problems()

    assert (problem.path, problem.field) == (SKILL, "tools.0")
    assert problem.message == "unknown tool 'lookp'; did you mean 'lookup'?"


def test_a_step_may_call_a_workspace_tool_its_skill_does_not_list(write: Write, root: Path) -> None:
    """As in the existing product: the agents using the skill are given that tool too."""
    write_lookup_tool(write)
    write(SKILL, "---\ntools: []\nsteps:\n  - {name: s, tool: lookup}\n---\n")

    skill = next(iter(load_workspace(root).skills.values()))

    assert (skill.tools, skill.all_tools, skill.workflow_key) == ((), ("lookup",), "steps")
