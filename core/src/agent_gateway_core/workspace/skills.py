"""Read ``skills/<id>/SKILL.md`` into a :class:`SkillDefinition`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from agent_gateway_core.domain.skill import SkillDefinition, WorkflowStep
from agent_gateway_core.errors import WorkspaceProblem
from agent_gateway_core.workspace.documents import read_document, relative, validate_model
from agent_gateway_core.workspace.frontmatter_models import SkillFrontmatter


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
    if frontmatter is not None:
        own += workflow_problems(frontmatter.workflow, path=path)
    problems += own
    if own or document is None or frontmatter is None:
        return None
    return SkillDefinition(
        id=directory.name,
        name=frontmatter.name or directory.name,
        description=frontmatter.description,
        instructions=document.body,
        tools=frontmatter.tools,
        workflow=frontmatter.workflow,
        path=str(skill_md),
    )


def workflow_problems(steps: Sequence[WorkflowStep], *, path: str) -> list[WorkspaceProblem]:
    """Each step calls one tool or runs a parallel group (not both); step names are unique."""
    problems: list[WorkspaceProblem] = []
    seen: dict[str, str] = {}
    for step, field in iter_steps(steps):
        if step.name in seen:
            problems.append(
                WorkspaceProblem(
                    path,
                    f"step name {step.name!r} is already used by {seen[step.name]}",
                    f"{field}.name",
                )
            )
        seen.setdefault(step.name, field)
        if step.tool is not None and step.parallel:
            message = "has both 'tool' and 'parallel'; a step does one or the other"
            problems.append(WorkspaceProblem(path, message, field))
        elif step.tool is None and not step.parallel:
            message = "needs a 'tool' to call or a 'parallel' list of steps"
            problems.append(WorkspaceProblem(path, message, field))
    return problems


def iter_steps(
    steps: Sequence[WorkflowStep], prefix: str = "workflow"
) -> list[tuple[WorkflowStep, str]]:
    """Every step, parallel ones included, with its dotted field (``workflow.1.parallel.0``)."""
    found: list[tuple[WorkflowStep, str]] = []
    for index, step in enumerate(steps):
        field = f"{prefix}.{index}"
        found.append((step, field))
        found += iter_steps(step.parallel, f"{field}.parallel")
    return found
