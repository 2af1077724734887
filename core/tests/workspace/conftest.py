"""Workspaces on disk for the loader tests: each test writes only the files it is about."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from agent_gateway_core.errors import WorkspaceError, WorkspaceProblem
from agent_gateway_core.workspace import check_workspace, load_workspace

Write = Callable[[str, str], Path]
LoadProblems = Callable[..., list[WorkspaceProblem]]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    return workspace


@pytest.fixture
def write(root: Path) -> Write:
    """``write("agents/a/AGENT.md", text)``: dedented text into a file under the workspace."""

    def write(relative: str, text: str) -> Path:
        file = root / relative
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return file

    return write


@pytest.fixture
def load_problems(root: Path) -> LoadProblems:
    """Load the workspace, expect a WorkspaceError, and return its problems.

    ``check_workspace`` must report exactly the same problems without raising.
    """

    def load_problems(environ: Mapping[str, str] | None = None) -> list[WorkspaceProblem]:
        env = environ or {}
        with pytest.raises(WorkspaceError) as caught:
            load_workspace(root, environ=env)
        problems = list(caught.value.problems)
        assert problems, "a WorkspaceError must list at least one problem"
        assert check_workspace(root, environ=env) == problems
        return problems

    return load_problems
