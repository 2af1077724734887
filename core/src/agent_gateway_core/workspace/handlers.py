"""Import a tool's ``handler.py`` and check that its handler fits the parameters in TOOL.md.

Each handler module is imported from its file under a name of its own
(``agent_gateway_workspace_tools.<tool>_<hash of its path>``), so two workspaces, or two tools
with equal names, never share a module. While the module runs, its directory is first on
``sys.path`` so it can import modules beside it; afterwards the path is restored and those
sibling modules are dropped from ``sys.modules``, so another tool's ``helpers.py`` is not
mistaken for this one's. Sibling modules must therefore be imported at the top of handler.py.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import re
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from agent_gateway_core.errors import WorkspaceProblem
from agent_gateway_core.workspace.frontmatter_models import ToolParameter
from agent_gateway_core.workspace.handle_convention import adapt_handle, handle_signature_problem

CONTEXT_PARAMETER = "context"  # receives the ToolContext; never one of the model's arguments
HANDLER = "handler"  # ours: handler(**params)
HANDLE = "handle"  # the existing product's: handle(arguments, context)

# sys.path and sys.modules are process-wide; loads may run in several threads at once.
_import_lock = threading.Lock()


def load_handler(
    file: Path, *, tool_id: str, path: str, problems: list[WorkspaceProblem]
) -> Callable[..., Any] | None:
    """The tool's handler from ``file``, or ``None`` with a problem.

    Two conventions are accepted: ours, ``handler(**params)``, returned as it is, and the
    existing product's, ``handle(arguments, context)``, returned adapted to ours. A module
    with both as functions is refused rather than guessed at; a name bound to something
    that is not callable (``handler = logging.getLogger()``) does not count as a definition
    when the other name is a function.
    """
    module = _import_file(file, _module_name(file, tool_id), path, problems)
    if module is None:
        return None
    defined = {
        name: value
        for name in (HANDLER, HANDLE)
        if (value := getattr(module, name, None)) is not None
    }
    functions: dict[str, Callable[..., Any]] = {
        name: value for name, value in defined.items() if callable(value)
    }
    if not defined:
        problems.append(
            WorkspaceProblem(
                path,
                f"defines no function named {HANDLER!r} ({HANDLER}(**params)) "
                f"or {HANDLE!r} ({HANDLE}(arguments, context))",
            )
        )
        return None
    if len(functions) > 1:
        problems.append(
            WorkspaceProblem(
                path,
                f"defines both {HANDLER!r} and {HANDLE!r}, so which one runs is ambiguous: "
                f"keep {HANDLER}(**params) or {HANDLE}(arguments, context) and rename the other",
            )
        )
        return None
    if not functions:
        name, value = next(iter(defined.items()))
        problems.append(
            WorkspaceProblem(path, f"{name!r} must be a function, not {type(value).__name__}")
        )
        return None
    [(name, function)] = functions.items()
    if name == HANDLER:
        return function
    problem = handle_signature_problem(function)
    if problem is not None:
        problems.append(WorkspaceProblem(path, problem, HANDLE))
        return None
    return adapt_handle(function)


def signature_problems(
    handler: Callable[..., Any], parameters: Mapping[str, ToolParameter], *, path: str
) -> list[WorkspaceProblem]:
    """Mismatches between ``handler``'s signature and the parameters TOOL.md declares."""
    try:
        accepted = inspect.signature(handler).parameters
    except (TypeError, ValueError):  # some builtins and C callables have no signature
        return []
    by_keyword = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values())
    problems = []
    for name, declared in parameters.items():
        if name == CONTEXT_PARAMETER:
            continue  # TOOL.md may not declare it; that problem is reported there
        own = accepted.get(name)
        if own is None or own.kind not in by_keyword:
            if not takes_any:
                problems.append(
                    WorkspaceProblem(
                        path,
                        f"handler() does not accept the keyword argument {name!r} "
                        "that TOOL.md declares",
                        "handler",
                    )
                )
        elif not declared.is_required and own.default is inspect.Parameter.empty:
            problems.append(
                WorkspaceProblem(
                    path,
                    f"parameter {name!r} is optional in TOOL.md, so the model may leave it "
                    "out, but handler() gives it no default value",
                    "handler",
                )
            )
    for name, own in accepted.items():
        needed = own.default is inspect.Parameter.empty and own.kind in (
            *by_keyword,
            inspect.Parameter.POSITIONAL_ONLY,
        )
        if needed and name != CONTEXT_PARAMETER and name not in parameters:
            problems.append(
                WorkspaceProblem(
                    path,
                    f"handler() requires {name!r}, which TOOL.md does not declare under parameters",
                    "handler",
                )
            )
    return problems


def _module_name(file: Path, tool_id: str) -> str:
    digest = hashlib.sha256(str(file.resolve()).encode()).hexdigest()[:12]
    identifier = re.sub(r"\W", "_", tool_id)
    return f"agent_gateway_workspace_tools.{identifier}_{digest}"


def _import_file(
    file: Path, name: str, path: str, problems: list[WorkspaceProblem]
) -> ModuleType | None:
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        problems.append(WorkspaceProblem(path, "cannot be imported as a Python module"))
        return None
    module = importlib.util.module_from_spec(spec)
    directory = file.parent
    with _import_lock:
        known = set(sys.modules)
        # Registered before it runs: dataclasses and pydantic look their module up there.
        sys.modules[name] = module
        sys.path.insert(0, str(directory))
        failure: str | None = None
        try:
            spec.loader.exec_module(module)
        except SyntaxError as exc:
            failure = _syntax_message(exc, file)
        except (Exception, SystemExit) as exc:
            failure = _import_failure_message(exc, directory)
        finally:
            sys.path.remove(str(directory))
            _forget_modules_from(directory, sys.modules.keys() - known - {name})
        if failure is None:
            return module
        sys.modules.pop(name, None)
    problems.append(WorkspaceProblem(path, failure))
    return None


def _forget_modules_from(directory: Path, names: set[str]) -> None:
    for name in names:
        origin = getattr(sys.modules.get(name), "__file__", None)
        if origin is not None and Path(origin).parent == directory:
            sys.modules.pop(name, None)


def _syntax_message(exc: SyntaxError, file: Path) -> str:
    where = f"line {exc.lineno}"
    if exc.filename and Path(exc.filename) != file:
        where = f"{Path(exc.filename).name}, {where}"
    return f"has a syntax error ({where}): {exc.msg}"


def _import_failure_message(exc: BaseException, directory: Path) -> str:
    lines = [
        f"{Path(frame.filename).name} line {frame.lineno}"
        for frame in traceback.extract_tb(exc.__traceback__)
        if Path(frame.filename).parent == directory
    ]
    where = f" ({lines[-1]})" if lines else ""
    return f"failed to import{where}: {type(exc).__name__}: {exc}"
