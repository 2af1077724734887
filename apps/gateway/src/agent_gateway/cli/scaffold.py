"""Write a new project from the templates in ``project_template/``.

Each template file becomes the file of the same relative path without its ``.tmpl`` suffix;
a ``dot-`` prefix becomes ``.`` (``dot-env.example.tmpl`` → ``.env.example``), so no hidden
file hides in the package. ``{{name}}`` is replaced by the project name.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

TEMPLATE_PACKAGE = "agent_gateway.cli"
TEMPLATE_DIR = "project_template"
_SUFFIX = ".tmpl"
_DOT_PREFIX = "dot-"


def scaffold_project(target: Path, name: str) -> list[Path]:
    """Write every template under ``target``, overwriting files of the same name.

    Returns the written files, relative to ``target``, in a stable order.
    """
    written: list[Path] = []
    for relative, template in sorted(_templates(), key=lambda item: str(item[0])):
        file = target / relative
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(template.read_text(encoding="utf-8").replace("{{name}}", name), "utf-8")
        written.append(Path(relative))
    return written


def _templates() -> Iterator[tuple[PurePosixPath, Traversable]]:
    root = resources.files(TEMPLATE_PACKAGE) / TEMPLATE_DIR
    yield from _walk(root, PurePosixPath())


def _walk(
    folder: Traversable, prefix: PurePosixPath
) -> Iterator[tuple[PurePosixPath, Traversable]]:
    for entry in folder.iterdir():
        if entry.is_dir():
            yield from _walk(entry, prefix / entry.name)
        elif entry.name.endswith(_SUFFIX):
            yield prefix / _target_name(entry.name), entry


def _target_name(template_name: str) -> str:
    name = template_name.removesuffix(_SUFFIX)
    if name.startswith(_DOT_PREFIX):
        return "." + name.removeprefix(_DOT_PREFIX)
    return name
