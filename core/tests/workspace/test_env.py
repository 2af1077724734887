"""``${VAR}`` substitution in gateway.yaml values."""

from __future__ import annotations

import pytest

from agent_gateway_core.errors import WorkspaceProblem
from agent_gateway_core.workspace.env import substitute_env

pytestmark = pytest.mark.unit


def test_references_are_replaced_at_any_depth() -> None:
    config = {
        "model": {"api_key": "${KEY}", "default": "openai/${MODEL:-gpt-4o-mini}"},
        "auth": {"api_keys": [{"key": "${KEY}"}, {"key": "literal"}]},
        "server": {"port": 8000, "debug": True, "url": "http://${HOST}:${PORT:-9000}/v1"},
    }

    value, problems = substitute_env(
        config, {"KEY": "sk-1", "HOST": "localhost"}, path="gateway.yaml"
    )

    assert problems == []
    assert value == {
        "model": {"api_key": "sk-1", "default": "openai/gpt-4o-mini"},
        "auth": {"api_keys": [{"key": "sk-1"}, {"key": "literal"}]},
        "server": {"port": 8000, "debug": True, "url": "http://localhost:9000/v1"},
    }


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "fallback"),
        ({"VAR": ""}, "fallback"),
        ({"VAR": "set"}, "set"),
    ],
    ids=["unset", "empty", "set"],
)
def test_default_applies_when_unset_or_empty(environ: dict[str, str], expected: str) -> None:
    value, problems = substitute_env("${VAR:-fallback}", environ, path="gateway.yaml")

    assert (value, problems) == (expected, [])


def test_empty_default_is_allowed() -> None:
    assert substitute_env("a${VAR:-}b", {}, path="gateway.yaml") == ("ab", [])


def test_a_variable_set_to_empty_without_default_is_used_as_is() -> None:
    assert substitute_env("${VAR}", {"VAR": ""}, path="gateway.yaml") == ("", [])


def test_keys_and_non_string_values_are_left_alone() -> None:
    config = {"${KEY}": 1, "list": [1, 2.5, None, False]}

    assert substitute_env(config, {"KEY": "x"}, path="gateway.yaml") == (config, [])


def test_undefined_variable_names_variable_file_and_key_path() -> None:
    config = {"auth": {"api_keys": [{"key": "${OK}"}, {"key": "${MISSING_KEY}"}]}}

    value, problems = substitute_env(config, {"OK": "1"}, path="gateway.yaml")

    [problem] = problems
    assert problem.path == "gateway.yaml"
    assert problem.field == "auth.api_keys.1.key"
    assert "'MISSING_KEY' is not set" in problem.message
    assert "${MISSING_KEY:-default}" in problem.message
    # The unresolved reference stays as written; the caller stops on the problem.
    assert value["auth"]["api_keys"][1]["key"] == "${MISSING_KEY}"


def test_every_undefined_variable_is_reported() -> None:
    _, problems = substitute_env({"a": "${ONE} ${TWO}", "b": "${THREE}"}, {}, path="gateway.yaml")

    assert [(p.field, p.message.split(" is not set")[0]) for p in problems] == [
        ("a", "environment variable 'ONE'"),
        ("a", "environment variable 'TWO'"),
        ("b", "environment variable 'THREE'"),
    ]


def test_double_dollar_escapes_a_literal_reference() -> None:
    assert substitute_env("$${NOT_A_VAR} $5", {}, path="gateway.yaml") == ("${NOT_A_VAR} $5", [])


@pytest.mark.parametrize("text", ["${", "${1ABC}", "${NAME", "${NAME-default}"])
def test_malformed_reference_is_a_problem(text: str) -> None:
    _, problems = substitute_env({"key": text}, {"NAME": "x"}, path="gateway.yaml")

    assert problems == [
        WorkspaceProblem(
            "gateway.yaml",
            f"malformed variable reference in {text!r}: write ${{NAME}} or ${{NAME:-default}} "
            "(or $${ for a literal '${')",
            "key",
        )
    ]
