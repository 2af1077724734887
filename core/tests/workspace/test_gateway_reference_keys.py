"""gateway.yaml keys of the existing product (agents-gateway 0.2) that core validates itself:
``guardrails.timeout_ms`` / ``max_delegation_depth``, ``model.fallback: null``, ``timezone``,
``context`` and ``context_retrieval``."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from agent_gateway_core.domain.agent import Guardrails
from agent_gateway_core.errors import WorkspaceProblem
from agent_gateway_core.workspace import load_workspace
from agent_gateway_core.workspace.gateway_config import SECTIONS
from agent_gateway_core.workspace.state import ContextRetrieval, ModelDefaults

Write = Callable[[str, str], Path]
LoadProblems = Callable[..., list[WorkspaceProblem]]

pytestmark = pytest.mark.unit

REFERENCE_DEFAULTS = (
    Path(__file__).parents[3] / "tests/compat/fixtures/reference_defaults/workspace/gateway.yaml"
)


def test_the_reference_default_configuration_loads_unchanged(root: Path) -> None:
    shutil.copy(REFERENCE_DEFAULTS, root / "gateway.yaml")

    state = load_workspace(root, environ={})

    assert state.timezone == "UTC"
    assert state.context == {}
    assert state.context_retrieval == ContextRetrieval(
        retriever_timeout_seconds=10.0, max_retrieved_chars=50_000, max_context_file_chars=100_000
    )
    assert state.model.fallback == ()
    assert state.model.default == "gemini/gemini-2.5-flash"
    assert state.guardrails.timeout_seconds == 60.0
    assert state.guardrails.max_delegation_depth == 3


def test_the_new_top_level_names_are_known_sections() -> None:
    assert {"timezone", "context", "context_retrieval"} <= SECTIONS


def test_a_misspelt_new_section_suggests_it(write: Write, load_problems: LoadProblems) -> None:
    write("gateway.yaml", "context_retreival: {}\n")

    [problem] = load_problems()

    assert problem.field == "context_retreival"
    assert "did you mean 'context_retrieval'?" in problem.message


def test_absent_keys_take_their_defaults(write: Write, root: Path) -> None:
    write("gateway.yaml", "server: {port: 9000}\n")

    state = load_workspace(root, environ={})

    assert (state.timezone, dict(state.context)) == ("UTC", {})
    assert state.context_retrieval == ContextRetrieval()
    assert state.guardrails == Guardrails()


# guardrails.timeout_ms and max_delegation_depth


def test_timeout_ms_is_timeout_seconds_in_milliseconds(write: Write, root: Path) -> None:
    write("gateway.yaml", "guardrails: {timeout_ms: 1500, max_delegation_depth: 5}\n")

    guardrails = load_workspace(root, environ={}).guardrails

    assert guardrails.timeout_seconds == 1.5
    assert guardrails.max_delegation_depth == 5
    assert guardrails == Guardrails(timeout_seconds=1.5, max_delegation_depth=5)
    assert "timeout_ms" not in guardrails.model_dump()


def test_timeout_ms_agreeing_with_timeout_seconds_is_accepted(write: Write, root: Path) -> None:
    write("gateway.yaml", "guardrails: {timeout_ms: 30000, timeout_seconds: 30}\n")

    assert load_workspace(root, environ={}).guardrails.timeout_seconds == 30.0


def test_timeout_ms_disagreeing_with_timeout_seconds_is_a_problem(
    write: Write, load_problems: LoadProblems
) -> None:
    write("gateway.yaml", "guardrails: {timeout_ms: 60000, timeout_seconds: 30}\n")

    [problem] = load_problems()

    assert (problem.path, problem.field) == ("gateway.yaml", "guardrails")
    assert "timeout_ms (60000, i.e. 60 s) and timeout_seconds (30) disagree" in problem.message


@pytest.mark.parametrize(
    ("text", "field", "phrase"),
    [
        ("guardrails: {timeout_ms: 0}", "guardrails.timeout_ms", "greater than 0"),
        ("guardrails: {timeout_ms: soon}", "guardrails.timeout_ms", "must be a valid integer"),
        (
            "guardrails: {max_delegation_depth: -1}",
            "guardrails.max_delegation_depth",
            "greater than or equal to 0",
        ),
        (
            "guardrails: {max_delegation_dept: 2}",
            "guardrails.max_delegation_dept",
            "did you mean 'max_delegation_depth'?",
        ),
    ],
)
def test_bad_guardrail_values(
    write: Write, load_problems: LoadProblems, text: str, field: str, phrase: str
) -> None:
    write("gateway.yaml", text)

    [problem] = load_problems()

    assert problem.field == field
    assert phrase in problem.message


def test_timeout_ms_in_agent_guardrails_too(write: Write, root: Path) -> None:
    write("agents/a/AGENT.md", "---\nguardrails: {timeout_ms: 2000}\n---\nHi.\n")

    guardrails = load_workspace(root, environ={}).agents["a"].guardrails

    assert guardrails is not None
    assert guardrails.timeout_seconds == 2.0


# model.fallback


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("model:\n  default: a/b\n  fallback: null\n", ()),
        ("model: {default: a/b, fallback: c/d}\n", ("c/d",)),
        ("model: {default: a/b, fallback: [c/d, e/f]}\n", ("c/d", "e/f")),
    ],
)
def test_model_fallback_null_one_or_many(
    write: Write, root: Path, text: str, expected: tuple[str, ...]
) -> None:
    write("gateway.yaml", text)

    assert load_workspace(root, environ={}).model.fallback == expected


def test_model_fallback_null_when_validated_directly() -> None:
    # The app re-validates `model` with env overrides, where null is not dropped first.
    assert ModelDefaults.model_validate({"fallback": None}).fallback == ()


def test_agent_model_fallback_null_is_no_fallback(write: Write, root: Path) -> None:
    write("agents/a/AGENT.md", "---\nmodel:\n  name: a/b\n  fallback: null\n---\nHi.\n")

    assert load_workspace(root, environ={}).agents["a"].model.fallback == ()


# timezone


def test_timezone_is_kept(write: Write, root: Path) -> None:
    write("gateway.yaml", "timezone: Europe/Paris\n")

    state = load_workspace(root, environ={})

    assert state.timezone == "Europe/Paris"


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("timezone: Mars/Olympus_Mons", "unknown timezone 'Mars/Olympus_Mons'"),
        ("timezone: America", "unknown timezone 'America'"),
        ("timezone: /etc/passwd", "unknown timezone '/etc/passwd'"),
        ("timezone: 5", "must be a valid string, got 5"),
        ("timezone: [UTC]", "must be a valid string"),
    ],
)
def test_bad_timezone_is_a_problem(
    write: Write, load_problems: LoadProblems, text: str, phrase: str
) -> None:
    write("gateway.yaml", text + "\n")

    [problem] = load_problems()

    assert (problem.path, problem.field) == ("gateway.yaml", "timezone")
    assert phrase in problem.message


def test_timezone_from_an_unset_variable_is_reported_once(
    write: Write, load_problems: LoadProblems
) -> None:
    write("gateway.yaml", "timezone: ${TZ_NAME}\n")

    [problem] = load_problems()

    assert problem.field == "timezone"
    assert "'TZ_NAME' is not set" in problem.message


def test_timezone_from_a_variable(write: Write, root: Path) -> None:
    write("gateway.yaml", "timezone: ${TZ_NAME:-UTC}\n")

    assert load_workspace(root, environ={"TZ_NAME": "Asia/Tokyo"}).timezone == "Asia/Tokyo"


# context


def test_business_context_is_kept(write: Write, root: Path) -> None:
    write("gateway.yaml", "context:\n  company: Acme\n  products: [a, b]\n  tiers: {gold: 3}\n")

    state = load_workspace(root, environ={})

    assert state.context == {"company": "Acme", "products": ["a", "b"], "tiers": {"gold": 3}}


@pytest.mark.parametrize(
    ("text", "field", "phrase"),
    [
        ("context: [company, Acme]", "context", "must be a valid dictionary"),
        ("context: Acme", "context", "must be a valid dictionary"),
        ("context: {1: one}", "context.1.[key]", "must be a valid string, got 1"),
    ],
)
def test_bad_business_context_is_a_problem(
    write: Write, load_problems: LoadProblems, text: str, field: str, phrase: str
) -> None:
    write("gateway.yaml", text + "\n")

    [problem] = load_problems()

    assert problem.field == field
    assert phrase in problem.message


# context_retrieval


def test_context_retrieval_is_validated(write: Write, root: Path) -> None:
    write(
        "gateway.yaml",
        "context_retrieval:\n  retriever_timeout_seconds: 2.5\n  max_retrieved_chars: 100\n"
        "  max_context_file_chars: 50\n",
    )

    assert load_workspace(root, environ={}).context_retrieval == ContextRetrieval(
        retriever_timeout_seconds=2.5, max_retrieved_chars=100, max_context_file_chars=50
    )


@pytest.mark.parametrize(
    ("text", "field", "phrase"),
    [
        (
            "context_retrieval: {retriever_timeout_seconds: 0}",
            "context_retrieval.retriever_timeout_seconds",
            "greater than 0",
        ),
        (
            "context_retrieval: {max_retrieved_chars: lots}",
            "context_retrieval.max_retrieved_chars",
            "must be a valid integer",
        ),
        (
            "context_retrieval: {max_context_file_chars: -5}",
            "context_retrieval.max_context_file_chars",
            "greater than 0",
        ),
        (
            "context_retrieval: {max_file_chars: 5}",
            "context_retrieval.max_file_chars",
            "unknown key 'max_file_chars'",
        ),
        ("context_retrieval: 10", "context_retrieval", "must be a mapping of settings, got 10"),
    ],
)
def test_bad_context_retrieval_is_a_problem(
    write: Write, load_problems: LoadProblems, text: str, field: str, phrase: str
) -> None:
    write("gateway.yaml", text + "\n")

    [problem] = load_problems()

    assert problem.field == field
    assert phrase in problem.message
