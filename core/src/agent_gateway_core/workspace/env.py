"""``${VAR}`` and ``${VAR:-default}`` in gateway.yaml values, so secrets stay out of files.

As in a shell, ``${VAR:-default}`` uses the default when ``VAR`` is unset *or empty*.
``$${`` is a literal ``${``. Only string values are rewritten (at any depth); keys never are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from agent_gateway_core.errors import WorkspaceProblem

_REFERENCE = re.compile(
    r"\$\$\{"  # escaped: a literal "${"
    r"|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}"
    r"|\$\{"  # anything else that opens a reference is malformed
)


def substitute_env(
    value: Any, environ: Mapping[str, str], *, path: str, field: str = ""
) -> tuple[Any, list[WorkspaceProblem]]:
    """Return ``value`` with references replaced, and one problem per unresolvable reference.

    ``path`` is the file the value comes from and ``field`` its dotted key path; both end up
    in the problems. An unresolved reference is left as written in the returned value.
    """
    problems: list[WorkspaceProblem] = []
    return _walk(value, environ, path, field, problems), problems


def _walk(
    value: Any, environ: Mapping[str, str], path: str, field: str, problems: list[WorkspaceProblem]
) -> Any:
    if isinstance(value, str):
        return _substitute(value, environ, path, field, problems)
    if isinstance(value, dict):
        return {
            key: _walk(item, environ, path, _join(field, key), problems)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [
            _walk(item, environ, path, _join(field, index), problems)
            for index, item in enumerate(value)
        ]
    return value


def _substitute(
    text: str, environ: Mapping[str, str], path: str, field: str, problems: list[WorkspaceProblem]
) -> str:
    def replace(match: re.Match[str]) -> str:
        name, default = match["name"], match["default"]
        if match[0] == "$${":
            return "${"
        if name is None:
            problems.append(
                WorkspaceProblem(
                    path,
                    f"malformed variable reference in {text!r}: write ${{NAME}} or "
                    "${NAME:-default} (or $${ for a literal '${')",
                    field or None,
                )
            )
            return match[0]
        found = environ.get(name)
        if default is not None:
            return found or default  # shell semantics: the default also replaces an empty value
        if found is not None:
            return found
        problems.append(
            WorkspaceProblem(
                path,
                f"environment variable {name!r} is not set; set it, or give a default "
                f"with ${{{name}:-default}}",
                field or None,
            )
        )
        return match[0]

    return _REFERENCE.sub(replace, text)


def _join(field: str, key: object) -> str:
    return f"{field}.{key}" if field else str(key)
