"""The directories of a workspace: ``agents/``, ``skills/`` and ``tools/``, one folder per item."""

from __future__ import annotations

import re
from pathlib import Path

from agent_gateway_core.errors import WorkspaceProblem

# The directory name is the item's id: it appears in URLs, schedule ids and module names.
ITEM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def item_directories(root: Path, kind: str, problems: list[WorkspaceProblem]) -> list[Path]:
    """The item folders under ``root/kind`` in name order; a missing ``kind`` folder is empty.

    Hidden entries (``.git``, ``.DS_Store``), ``__pycache__`` and loose files are skipped; a folder whose name
    is not a valid id is a problem.
    """
    parent = root / kind
    if not parent.exists():
        return []
    if not parent.is_dir():
        problems.append(
            WorkspaceProblem(kind, f"must be a directory holding one folder per {kind[:-1]}")
        )
        return []
    directories = []
    for entry in sorted(parent.iterdir(), key=lambda item: item.name):
        if entry.name.startswith(".") or entry.name == "__pycache__" or not entry.is_dir():
            continue
        if not ITEM_ID.match(entry.name):
            problems.append(
                WorkspaceProblem(
                    f"{kind}/{entry.name}",
                    f"invalid {kind[:-1]} id {entry.name!r}: a directory name must start with "
                    "a letter or digit and hold only letters, digits, '_', '-' and '.'",
                )
            )
            continue
        directories.append(entry)
    return directories
