"""Read ``skills/<id>/SKILL.md`` into a :class:`SkillDefinition`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from agent_gateway_core.domain.skill import SkillDefinition, WorkflowStep
from agent_gateway_core.errors import WorkspaceProblem
from agent_gateway_core.workspace.documents import read_document, relative, validate_model
from agent_gateway_core.workspace.frontmatter_models import ReferenceStep, SkillFrontmatter

# An input value that stands for data rather than itself, as in the existing product:
# ``$.input.<field>`` (the request's input) or ``$.steps.<step>.output`` (an earlier result).
_REFERENCE = re.compile(r"^\$\.(input|steps)\.(.+)$")
_STEP_NAME = re.compile(r"^([^.\[]+)")


def read_skill(
    directory: Path, root: Path, problems: list[WorkspaceProblem]
) -> SkillDefinition | None:
    """The skill in ``directory``, or ``None`` after adding its problems to ``problems``.

    Whether the tools it names exist is checked later, once every tool is known.
    """
    skill_md = directory / "SKILL.md"
    path = relative(skill_md, root)
    if not skill_md.is_file():
        problems.append(
            WorkspaceProblem(path, "is missing: every skill directory needs a SKILL.md")
        )
        return None
    own: list[WorkspaceProblem] = []
    document = read_document(skill_md, path, own)
    frontmatter = None
    if document is not None:
        frontmatter = validate_model(
            SkillFrontmatter, document.frontmatter, path=path, problems=own
        )
    workflow: tuple[WorkflowStep, ...] = ()
    if frontmatter is not None:
        given = frontmatter.model_fields_set
        if "steps" in given and "workflow" in given:
            message = "and 'workflow' are both given; write the skill's workflow under one key"
            own.append(WorkspaceProblem(path, message, "steps"))
        if "steps" in given:
            own += _reference_step_problems(frontmatter.steps, path=path)
            workflow = steps_as_workflow(frontmatter.steps)
            own += workflow_problems(workflow, path=path, key="steps", group="tools")
        else:
            workflow = frontmatter.workflow
            own += workflow_problems(workflow, path=path)
    problems += own
    if own or document is None or frontmatter is None:
        return None
    return SkillDefinition(
        id=directory.name,
        name=frontmatter.name or directory.name,
        description=frontmatter.description,
        instructions=document.body,
        tools=frontmatter.tools,
        workflow=workflow,
        workflow_key="steps" if "steps" in frontmatter.model_fields_set else "workflow",
        path=str(skill_md),
    )


def steps_as_workflow(steps: Sequence[ReferenceStep]) -> tuple[WorkflowStep, ...]:
    """The existing product's ``steps:`` as our workflow, step for step.

    A ``tools`` group becomes a parallel step whose calls are named ``<step>[0]``,
    ``<step>[1]``...; a ``prompt`` step keeps its text; a ``system_prompt`` becomes the step's
    description. Nothing is checked here: :func:`workflow_problems` checks the result.
    """
    workflow: list[WorkflowStep] = []
    for step in steps:
        parallel = tuple(
            WorkflowStep(name=f"{step.name}[{index}]", tool=call.tool, input=call.input)
            for index, call in enumerate(step.tools or ())
        )
        description = ""
        if step.system_prompt:
            description = f"answer it as this instruction says: {step.system_prompt}"
        workflow.append(
            WorkflowStep(
                name=step.name,
                tool=step.tool,
                input=step.input,
                parallel=parallel,
                prompt=step.prompt,
                description=description,
            )
        )
    return tuple(workflow)


def workflow_problems(
    steps: Sequence[WorkflowStep],
    *,
    path: str,
    key: str = "workflow",
    group: str = "parallel",
) -> list[WorkspaceProblem]:
    """Each step does exactly one thing: call a ``tool``, run a parallel ``group`` or carry out
    a ``prompt``; step names are unique; ``$.`` input references name earlier steps.

    ``key`` and ``group`` are the SKILL.md spellings (``steps``/``tools`` in the existing
    product's format), so that each problem names the field as the author wrote it.
    """
    problems: list[WorkspaceProblem] = []
    seen: dict[str, str] = {}
    for step, field in iter_steps(steps, key, group):
        if step.name in seen:
            problems.append(
                WorkspaceProblem(
                    path,
                    f"step name {step.name!r} is already used by {seen[step.name]}",
                    f"{field}.name",
                )
            )
        seen.setdefault(step.name, field)
        does = [
            name
            for name, given in (
                ("tool", step.tool is not None),
                (group, bool(step.parallel)),
                ("prompt", step.prompt is not None),
            )
            if given
        ]
        if len(does) > 1:
            both = " and ".join(f"{name!r}" for name in does)
            message = f"has {'both ' if len(does) == 2 else ''}{both}; a step does only one"
            problems.append(WorkspaceProblem(path, message, field))
        elif not does:
            message = f"needs a 'tool' to call, a '{group}' list of steps or a 'prompt'"
            problems.append(WorkspaceProblem(path, message, field))
        elif step.prompt is not None and field.count(".") > 1:
            message = "is in a parallel group, which only calls tools; make it a step of its own"
            problems.append(WorkspaceProblem(path, message, f"{field}.prompt"))
    problems += _input_reference_problems(steps, path=path, key=key, group=group)
    return problems


def _input_reference_problems(
    steps: Sequence[WorkflowStep], *, path: str, key: str, group: str
) -> list[WorkspaceProblem]:
    """A ``$.`` input value must be ``$.input.<field>`` or ``$.steps.<earlier step>...``."""
    problems: list[WorkspaceProblem] = []
    for step, field in iter_steps(steps, key, group):
        index = int(field.split(".")[1])  # the top-level step this one belongs to
        earlier = [previous.name for previous in steps[:index]]
        for name, value in step.input.items():
            message = _reference_error(value, earlier)
            if message:
                problems.append(WorkspaceProblem(path, message, f"{field}.input.{name}"))
    return problems


def _reference_error(value: object, earlier: Sequence[str]) -> str | None:
    if not (isinstance(value, str) and value.startswith("$.")):
        return None  # a literal value
    match = _REFERENCE.match(value)
    if match is None:
        return f"{value!r} is not a reference; use $.input.<field> or $.steps.<step>.output"
    if match.group(1) == "input":
        return None
    target = _STEP_NAME.match(match.group(2))
    if target is not None and target.group(1) in earlier:
        return None
    return (
        f"{value!r} refers to a step that does not come before this one; "
        f"earlier steps: {', '.join(earlier) or 'none'}"
    )


def _reference_step_problems(
    steps: Sequence[ReferenceStep], *, path: str
) -> list[WorkspaceProblem]:
    """What only the existing product's format can get wrong: a stray ``system_prompt``."""
    return [
        WorkspaceProblem(path, "applies only to a 'prompt' step", f"steps.{index}.system_prompt")
        for index, step in enumerate(steps)
        if step.system_prompt is not None and step.prompt is None
    ]


def iter_steps(
    steps: Sequence[WorkflowStep], prefix: str = "workflow", group: str = "parallel"
) -> list[tuple[WorkflowStep, str]]:
    """Every step, parallel ones included, with its dotted field (``workflow.1.parallel.0``)."""
    found: list[tuple[WorkflowStep, str]] = []
    for index, step in enumerate(steps):
        field = f"{prefix}.{index}"
        found.append((step, field))
        found += iter_steps(step.parallel, f"{field}.{group}", group)
    return found
