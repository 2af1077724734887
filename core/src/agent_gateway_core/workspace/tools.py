"""Read ``tools/<id>/TOOL.md`` and its ``handler.py`` into a :class:`ToolDefinition`."""

from __future__ import annotations

import re
from pathlib import Path

from agent_gateway_core.domain.tool import ToolDefinition, ToolSource, ToolSpec
from agent_gateway_core.errors import WorkspaceProblem
from agent_gateway_core.workspace.documents import read_document, relative, validate_model
from agent_gateway_core.workspace.frontmatter_models import ToolFrontmatter
from agent_gateway_core.workspace.handlers import load_handler, signature_problems
from agent_gateway_core.workspace.tool_parameters import parameter_problems, parameters_schema

# What model providers accept as a function name (OpenAI's rule, the strictest common one).
_TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def read_tool(
    directory: Path, root: Path, problems: list[WorkspaceProblem]
) -> ToolDefinition | None:
    """The tool in ``directory``, or ``None`` after adding every problem found to ``problems``.

    The handler is imported even when TOOL.md is broken, so both files' problems show at once.
    """
    tool_md = directory / "TOOL.md"
    path = relative(tool_md, root)
    if not tool_md.is_file():
        problems.append(WorkspaceProblem(path, "is missing: every tool directory needs a TOOL.md"))
        return None
    own: list[WorkspaceProblem] = []
    document = read_document(tool_md, path, own)
    frontmatter = None
    if document is not None:
        frontmatter = validate_model(ToolFrontmatter, document.frontmatter, path=path, problems=own)
    name = (frontmatter.name if frontmatter else None) or directory.name
    if frontmatter is not None:
        if not _TOOL_NAME.match(name):
            own.append(
                WorkspaceProblem(
                    path,
                    f"tool name {name!r} may hold only letters, digits, '_' and '-' (at most 64), "
                    "as model providers require; set a valid name",
                    "name",
                )
            )
        own += parameter_problems(frontmatter.parameters, path=path)

    handler_file = directory / "handler.py"
    handler_path = relative(handler_file, root)
    handler = None
    if not handler_file.is_file():
        own.append(
            WorkspaceProblem(
                handler_path,
                "is missing: a file tool needs a handler.py defining handler(**params) "
                "or handle(arguments, context)",
            )
        )
    else:
        handler = load_handler(
            handler_file, tool_id=directory.name, path=handler_path, problems=own
        )
    if handler is not None and frontmatter is not None:
        own += signature_problems(handler, frontmatter.parameters, path=handler_path)

    problems += own
    if own or frontmatter is None or handler is None:
        return None
    return ToolDefinition(
        spec=ToolSpec(
            name=name,
            description=frontmatter.description,
            parameters=parameters_schema(frontmatter.parameters),
        ),
        handler=handler,
        source=ToolSource.FILE,
        allowed_agents=(
            frozenset(frontmatter.allowed_agents)
            if frontmatter.allowed_agents is not None
            else None
        ),
        require_approval=frontmatter.require_approval,
        idempotent=frontmatter.idempotent,
        timeout_seconds=frontmatter.timeout_seconds,
        path=str(tool_md),
    )
