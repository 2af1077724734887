"""Read ``agents/<id>/AGENT.md`` (and ``context/*.md``) into an :class:`AgentDefinition`."""

from __future__ import annotations

from pathlib import Path

from agent_gateway_core.domain.agent import AgentDefinition, ContextFile
from agent_gateway_core.errors import WorkspaceProblem
from agent_gateway_core.workspace.documents import (
    read_document,
    read_text,
    relative,
    validate_model,
)
from agent_gateway_core.workspace.frontmatter_models import AgentFrontmatter


def read_agent(
    directory: Path, root: Path, problems: list[WorkspaceProblem]
) -> AgentDefinition | None:
    """The agent in ``directory``, or ``None`` after adding its problems to ``problems``.

    Its ``id`` is the directory name and its ``prompt`` the AGENT.md body. Whether the skills
    and agents it names exist is checked later, once every file is read. The ``tools`` it
    lists are not checked: code and MCP servers may register tools the workspace cannot see.
    """
    agent_md = directory / "AGENT.md"
    path = relative(agent_md, root)
    if not agent_md.is_file():
        problems.append(
            WorkspaceProblem(path, "is missing: every agent directory needs an AGENT.md")
        )
        return None
    own: list[WorkspaceProblem] = []
    context_files = _read_context_files(directory / "context", root, own)
    document = read_document(agent_md, path, own)
    frontmatter = None
    if document is not None:
        frontmatter = validate_model(
            AgentFrontmatter, document.frontmatter, path=path, problems=own
        )
    problems += own
    if own or document is None or frontmatter is None:
        return None
    return AgentDefinition.model_validate(
        {
            **frontmatter.model_dump(),
            "id": directory.name,
            "prompt": document.body,
            "path": str(agent_md),
            "context_files": context_files,
        }
    )


def _read_context_files(
    directory: Path, root: Path, problems: list[WorkspaceProblem]
) -> tuple[ContextFile, ...]:
    """``context/*.md`` in file-name order; other files there are left alone."""
    if not directory.exists():
        return ()
    if not directory.is_dir():
        problems.append(
            WorkspaceProblem(relative(directory, root), "must be a directory of .md files")
        )
        return ()
    files = []
    for file in sorted(directory.glob("*.md"), key=lambda item: item.name):
        if file.name.startswith(".") or not file.is_file():
            continue
        text = read_text(file, relative(file, root), problems)
        if text is not None:
            files.append(ContextFile(name=file.name, content=text.removeprefix("\ufeff")))
    return tuple(files)
