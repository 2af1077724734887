"""Reading workspace files and validating their frontmatter, collecting problems as it goes."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from agent_gateway_core.errors import WorkspaceProblem
from agent_gateway_core.workspace.frontmatter import (
    FrontmatterError,
    MarkdownDocument,
    parse_frontmatter,
)
from agent_gateway_core.workspace.model_errors import validation_problems

ModelT = TypeVar("ModelT", bound=BaseModel)


def relative(file: Path, root: Path) -> str:
    """``file`` relative to the workspace root, with forward slashes on every platform."""
    return file.relative_to(root).as_posix()


def read_text(file: Path, path: str, problems: list[WorkspaceProblem]) -> str | None:
    """The UTF-8 text of ``file``, or ``None`` with a problem when it cannot be read."""
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(WorkspaceProblem(path, "is not UTF-8 text"))
    except OSError as exc:
        problems.append(WorkspaceProblem(path, f"cannot be read: {exc.strerror or exc}"))
    return None


def read_document(
    file: Path, path: str, problems: list[WorkspaceProblem]
) -> MarkdownDocument | None:
    """``file`` split into frontmatter and body, or ``None`` with a problem."""
    text = read_text(file, path, problems)
    if text is None:
        return None
    try:
        return parse_frontmatter(text)
    except FrontmatterError as exc:
        problems.append(WorkspaceProblem(path, str(exc)))
        return None


def validate_model(
    model: type[ModelT],
    data: dict[str, Any],
    *,
    path: str,
    problems: list[WorkspaceProblem],
    prefix: str = "",
) -> ModelT | None:
    """``data`` validated as ``model``, or ``None`` with one problem per error.

    A key written with no value (``tools:`` on its own) means "not set", as people expect
    from YAML, rather than "set to null".
    """
    given = {key: value for key, value in data.items() if value is not None}
    try:
        return model.model_validate(given)
    except ValidationError as exc:
        problems.extend(validation_problems(exc, path=path, model=model, prefix=prefix))
        return None
