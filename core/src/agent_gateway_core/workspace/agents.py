"""Read ``agents/<id>/AGENT.md`` (with BEHAVIOR.md and context files) into an agent.

Also the workspace-wide ``agents/AGENTS.md`` and ``agents/BEHAVIOR.md``, which every agent's
system prompt starts with.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

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

    Its ``id`` is the directory name, its ``prompt`` the AGENT.md body and its ``behavior``
    the body of BEHAVIOR.md beside it, if any. Its ``context_files`` are ``context/*.md`` and
    then the files listed under ``context:`` in AGENT.md (paths relative to the workspace root,
    as in the existing product), all read now so no request touches the disk. Whether the
    skills and agents it names exist is checked later, once every file is read. The ``tools``
    it lists are not checked: code and MCP servers may register tools the workspace cannot see.
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
    behavior = read_prompt_file(directory / "BEHAVIOR.md", root, own)
    document = read_document(agent_md, path, own)
    frontmatter = None
    if document is not None:
        frontmatter = validate_model(
            AgentFrontmatter, document.frontmatter, path=path, problems=own
        )
        # Checked even when another key is wrong, so that every problem is reported at once.
        listed = frontmatter.context if frontmatter else _string_list(document.frontmatter)
        context_files += _read_listed_context(listed, root, path, own)
    problems += own
    if own or document is None or frontmatter is None:
        return None
    return AgentDefinition.model_validate(
        {
            **frontmatter.model_dump(exclude={"context"}),
            "id": directory.name,
            "prompt": document.body,
            "behavior": behavior,
            "path": str(agent_md),
            "context_files": context_files,
        }
    )


def read_prompt_file(file: Path, root: Path, problems: list[WorkspaceProblem]) -> str:
    """The body of an optional prompt file (BEHAVIOR.md, AGENTS.md); ``""`` when absent.

    Frontmatter, if any, is dropped: these files have no settings.
    """
    if not file.exists():
        return ""
    path = relative(file, root)
    if not file.is_file():
        problems.append(WorkspaceProblem(path, "must be a file"))
        return ""
    document = read_document(file, path, problems)
    return document.body if document is not None else ""


def _string_list(frontmatter: dict[str, Any]) -> tuple[str, ...]:
    """``context:`` of frontmatter that failed validation, if it is a list of strings."""
    value = frontmatter.get("context")
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return ()


def _read_listed_context(
    entries: tuple[str, ...], root: Path, path: str, problems: list[WorkspaceProblem]
) -> tuple[ContextFile, ...]:
    """The files AGENT.md lists under ``context:``, in that order.

    Each must be a regular file inside the workspace: one that is missing, a symlink or
    outside the workspace is a problem on ``context.<n>`` (the existing product skips it).
    """
    files = []
    for index, entry in enumerate(entries):
        target = root / entry
        try:
            message = _context_path_problem(target, root)
        except (OSError, ValueError) as exc:  # an embedded NUL, a loop of symlinks, ...
            message = f"cannot be resolved: {exc}"
        if message is None:
            unreadable: list[WorkspaceProblem] = []
            text = read_text(target, path, unreadable)
            if text is not None:
                files.append(ContextFile(name=entry, content=text.removeprefix("\ufeff")))
                continue
            message = unreadable[0].message
        problems.append(WorkspaceProblem(path, f"{entry!r} {message}", f"context.{index}"))
    return tuple(files)


def _context_path_problem(target: Path, root: Path) -> str | None:
    if not Path(os.path.normpath(target)).is_relative_to(root):
        return "is outside the workspace: paths are relative to its root"
    if target.is_symlink():
        return "is a symlink: list the file it points to instead"
    if not target.resolve().is_relative_to(root):
        return "is outside the workspace (through a symlinked directory)"
    if not target.exists():
        return "does not exist (paths are relative to the workspace root)"
    if not target.is_file():
        return "is not a file"
    return None


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
