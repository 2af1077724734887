"""Problems in TOOL.md files and their handler.py."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from agent_gateway_core.errors import WorkspaceProblem
from agent_gateway_core.workspace import check_workspace

pytestmark = pytest.mark.unit

Write = Callable[[str, str], Path]
LoadProblems = Callable[..., list[WorkspaceProblem]]
TOOL = "tools/weather/TOOL.md"
HANDLER = "tools/weather/handler.py"


def write_tool(write: Write, parameters: str = "", handler: str | None = None) -> None:
    block = f"parameters:\n{parameters.rstrip()}\n" if parameters else ""
    write(TOOL, f"---\ndescription: Weather\n{block}---\n")
    if handler is not None:
        write(HANDLER, handler)


def test_tool_directory_without_tool_md(root: Path, load_problems: LoadProblems) -> None:
    (root / "tools/weather").mkdir(parents=True)

    [problem] = load_problems()

    assert (problem.path, problem.field) == (TOOL, None)
    assert "is missing" in problem.message


def test_tool_without_handler(write: Write, load_problems: LoadProblems) -> None:
    write_tool(write)

    [problem] = load_problems()

    assert (problem.path, problem.field) == (HANDLER, None)
    assert "is missing: a file tool needs a handler.py" in problem.message


@pytest.mark.parametrize(
    ("parameters", "field", "phrase"),
    [
        ("  city: {type: strin}", "parameters.city.type", "must be 'string', 'number', 'integer'"),
        ("  city: {description: x}", "parameters.city.type", "is required"),
        (
            "  city: {type: string, requird: true}",
            "parameters.city.requird",
            "did you mean 'required'?",
        ),
        ("  city: string", "parameters.city", "must be a valid dictionary"),
        ("  city: {type: string, enum: []}", "parameters.city.enum", "at least 1 item"),
    ],
)
def test_invalid_parameter_declaration(
    write: Write, load_problems: LoadProblems, parameters: str, field: str, phrase: str
) -> None:
    write_tool(write, parameters, handler="def handler(**kw):\n    return kw\n")

    [problem] = load_problems()

    assert (problem.path, problem.field) == (TOOL, field)
    assert phrase in problem.message


@pytest.mark.parametrize(
    ("parameters", "field", "phrase"),
    [
        (
            "  units: {type: string, enum: [metric, imperial], default: kelvin}",
            "parameters.units.default",
            "default 'kelvin' is not one of the enum values ('metric', 'imperial')",
        ),
        (
            "  days: {type: integer, default: three}",
            "parameters.days.default",
            "default 'three' is not of type integer",
        ),
        (
            "  flag: {type: integer, default: true}",
            "parameters.flag.default",
            "default True is not of type integer",
        ),
        (
            "  units: {type: string, enum: [metric, 3]}",
            "parameters.units.enum.1",
            "3 is not of type string",
        ),
        (
            "  days: {type: integer, default: 3, required: true}",
            "parameters.days.required",
            "a parameter with a default is optional",
        ),
        (
            "  tags: {type: string, items: {type: string}}",
            "parameters.tags.items",
            "only an 'array' parameter can have items",
        ),
        (
            "  tags: {type: array, items: {type: strng}}",
            "parameters.tags.items",
            "is not a valid JSON Schema (at type)",
        ),
        (
            "  context: {type: string}",
            "parameters.context",
            "the name 'context' is reserved",
        ),
    ],
)
def test_contradictory_parameter(
    write: Write, load_problems: LoadProblems, parameters: str, field: str, phrase: str
) -> None:
    write_tool(write, parameters, handler="def handler(**kw):\n    return kw\n")

    [problem] = load_problems()

    assert (problem.path, problem.field) == (TOOL, field)
    assert phrase in problem.message


@pytest.mark.parametrize(
    ("frontmatter", "field", "phrase"),
    [
        ("timeout_seconds: 0", "timeout_seconds", "greater than 0"),
        ("require_approval: sometimes", "require_approval", "must be a valid boolean"),
        ("name: get.weather", "name", "tool name 'get.weather' may hold only letters, digits"),
        ("handler: main", "handler", "unknown key 'handler'"),
    ],
)
def test_invalid_tool_settings(
    write: Write, load_problems: LoadProblems, frontmatter: str, field: str, phrase: str
) -> None:
    write(TOOL, f"---\n{frontmatter}\n---\n")
    write(HANDLER, "def handler():\n    return 1\n")

    [problem] = load_problems()

    assert (problem.path, problem.field) == (TOOL, field)
    assert phrase in problem.message


def test_directory_name_that_is_no_valid_tool_name(
    write: Write, load_problems: LoadProblems
) -> None:
    write("tools/get.weather/TOOL.md", "---\n---\n")
    write("tools/get.weather/handler.py", "def handler():\n    return 1\n")

    [problem] = load_problems()

    assert (problem.path, problem.field) == ("tools/get.weather/TOOL.md", "name")
    assert "set a valid name" in problem.message


def test_two_tools_with_one_name(write: Write, load_problems: LoadProblems) -> None:
    for directory in ("weather", "weather2"):
        write(f"tools/{directory}/TOOL.md", "---\nname: weather\n---\n")
        write(f"tools/{directory}/handler.py", "def handler():\n    return 1\n")

    [problem] = load_problems()

    assert (problem.path, problem.field) == ("tools/weather2/TOOL.md", "name")
    assert problem.message == "tool name 'weather' is already used by tools/weather/TOOL.md"


def test_handler_with_syntax_error(write: Write, load_problems: LoadProblems) -> None:
    write_tool(write, handler="def handler(:\n    return 1\n")

    [problem] = load_problems()

    assert (problem.path, problem.field) == (HANDLER, None)
    assert problem.message.startswith("has a syntax error (line 1):")
    assert "Traceback" not in problem.message


def test_handler_raising_at_import(write: Write, load_problems: LoadProblems) -> None:
    write_tool(write, handler="import os\n\nAPI_KEY = os.environ['SURELY_UNSET_VARIABLE_42']\n")

    [problem] = load_problems()

    assert (problem.path, problem.field) == (HANDLER, None)
    assert problem.message == (
        "failed to import (handler.py line 3): KeyError: 'SURELY_UNSET_VARIABLE_42'"
    )


def test_handler_importing_a_missing_module(write: Write, load_problems: LoadProblems) -> None:
    write_tool(write, handler="import surely_not_installed_42\n")

    [problem] = load_problems()

    assert "ModuleNotFoundError: No module named 'surely_not_installed_42'" in problem.message


def test_handler_calling_sys_exit_at_import(write: Write, load_problems: LoadProblems) -> None:
    write_tool(write, handler="import sys\nsys.exit(3)\n")

    [problem] = load_problems()

    assert "failed to import (handler.py line 2): SystemExit: 3" in problem.message


def test_failed_handler_leaves_no_module_behind(write: Write, load_problems: LoadProblems) -> None:
    write_tool(write, handler="raise RuntimeError('boom')\n")
    before = set(sys.modules)
    path_before = list(sys.path)

    load_problems()

    assert not {m for m in set(sys.modules) - before if "workspace_tools" in m}
    assert sys.path == path_before


@pytest.mark.parametrize(
    ("handler", "phrase"),
    [
        (
            "def main():\n    return 1\n",
            "defines no function named 'handler' (handler(**params)) "
            "or 'handle' (handle(arguments, context))",
        ),
        ("handler = 42\n", "'handler' must be a function, not int"),
        ("handle = 'x'\n", "'handle' must be a function, not str"),
        (
            "def handler(**kw):\n    return 1\n\n\nasync def handle(arguments, context):\n"
            "    return 2\n",
            "defines both 'handler' and 'handle', so which one runs is ambiguous: "
            "keep handler(**params) or handle(arguments, context) and rename the other",
        ),
    ],
)
def test_handler_missing_or_not_callable(
    write: Write, load_problems: LoadProblems, handler: str, phrase: str
) -> None:
    write_tool(write, handler=handler)

    [problem] = load_problems()

    assert (problem.path, problem.field, problem.message) == (HANDLER, None, phrase)


@pytest.mark.parametrize(
    ("signature", "phrase"),
    [
        ("def handler(town):", "does not accept the keyword argument 'city'"),
        ("def handler(city, /):", "does not accept the keyword argument 'city'"),
        ("def handler(city, units):", "parameter 'units' is optional in TOOL.md"),
        ("def handler(city, units='metric', api_key=None, *, region):", "requires 'region'"),
    ],
)
def test_handler_signature_does_not_fit(
    write: Write, load_problems: LoadProblems, signature: str, phrase: str
) -> None:
    write_tool(
        write,
        "  city: {type: string}\n  units: {type: string, default: metric}",
        handler=f"{signature}\n    return 1\n",
    )

    problems = load_problems()

    assert all((p.path, p.field) == (HANDLER, "handler") for p in problems)
    assert any(phrase in p.message for p in problems), problems


@pytest.mark.parametrize(
    "signature", ["def handle(arguments):", "def handle(arguments, context, extra):"]
)
def test_handle_must_take_arguments_and_context(
    write: Write, load_problems: LoadProblems, signature: str
) -> None:
    write_tool(write, "  city: {type: string}", handler=f"{signature}\n    return 1\n")

    [problem] = load_problems()

    assert (problem.path, problem.field) == (HANDLER, "handle")
    assert problem.message == (
        "handle() must accept two positional arguments: handle(arguments, context)"
    )


@pytest.mark.parametrize(
    "handler",
    [
        "def handle(arguments, context):\n    return 1\n",
        "async def handle(args, ctx, *rest, verbose=False):\n    return 1\n",
        # a name bound to something else is not a second definition
        "import logging\n\nhandler = logging.getLogger(__name__)\n\n\n"
        "def handle(arguments, context):\n    return 1\n",
    ],
)
def test_handle_convention_is_accepted(write: Write, root: Path, handler: str) -> None:
    write_tool(write, "  city: {type: string}", handler=handler)

    assert check_workspace(root, environ={}) == []


def test_handler_may_take_context_and_extra_defaults(write: Write, root: Path) -> None:
    write_tool(
        write,
        "  city: {type: string}",
        handler="def handler(city, *args, verbose=False, context=None):\n    return city\n",
    )

    assert check_workspace(root, environ={}) == []


def test_allowed_agents_must_exist(write: Write, load_problems: LoadProblems) -> None:
    write("agents/helper/AGENT.md", "Hi")
    write(TOOL, "---\nallowed_agents: [helper, helpr]\n---\n")
    write(HANDLER, "def handler():\n    return 1\n")

    [problem] = load_problems()

    assert (problem.path, problem.field) == (TOOL, "allowed_agents")
    assert problem.message == "unknown agent 'helpr'; did you mean 'helper'?"


def test_tool_md_and_handler_problems_are_reported_together(
    write: Write, load_problems: LoadProblems
) -> None:
    write(TOOL, "---\ntimeout_seconds: -1\n---\n")
    write(HANDLER, "def handler(:\n")

    problems = load_problems()

    assert [(p.path, p.field) for p in problems] == [
        (TOOL, "timeout_seconds"),
        (HANDLER, None),
    ]


def test_handler_convention_problems_of_several_tools_come_together(
    write: Write, load_problems: LoadProblems
) -> None:
    write("tools/both/TOOL.md", "---\ndescription: Both\n---\n")
    write(
        "tools/both/handler.py",
        "def handler():\n    return 1\n\n\ndef handle(a, c):\n    return 2\n",
    )
    write("tools/neither/TOOL.md", "---\ntimeout_seconds: -1\n---\n")
    write("tools/neither/handler.py", "def run():\n    return 1\n")
    write("tools/narrow/TOOL.md", "---\ndescription: Narrow\n---\n")
    write("tools/narrow/handler.py", "async def handle(arguments):\n    return 1\n")

    problems = load_problems()

    assert sorted((p.path, p.field) for p in problems) == [
        ("tools/both/handler.py", None),
        ("tools/narrow/handler.py", "handle"),
        ("tools/neither/TOOL.md", "timeout_seconds"),
        ("tools/neither/handler.py", None),
    ]
    messages = {p.path: p.message for p in problems}
    assert messages["tools/both/handler.py"].startswith("defines both 'handler' and 'handle'")
    assert messages["tools/narrow/handler.py"].startswith("handle() must accept two positional")
    assert messages["tools/neither/handler.py"].startswith("defines no function named 'handler'")
