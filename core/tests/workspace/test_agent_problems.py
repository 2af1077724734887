"""Problems in AGENT.md files: each names the file, the field and what is wrong."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agent_gateway_core.errors import WorkspaceProblem
from agent_gateway_core.workspace import check_workspace

pytestmark = pytest.mark.unit

Write = Callable[[str, str], Path]
LoadProblems = Callable[..., list[WorkspaceProblem]]
AGENT = "agents/helper/AGENT.md"


def write_agent(write: Write, frontmatter: str, body: str = "You help.") -> None:
    write(AGENT, f"---\n{frontmatter.strip()}\n---\n{body}\n")


def test_agent_directory_without_agent_md(
    write: Write, root: Path, load_problems: LoadProblems
) -> None:
    (root / "agents/helper").mkdir(parents=True)

    [problem] = load_problems()

    assert (problem.path, problem.field) == (AGENT, None)
    assert "is missing" in problem.message


def test_bad_yaml_names_the_line(write: Write, load_problems: LoadProblems) -> None:
    write(AGENT, "---\ndescription: ok\ntags: [a\n---\nBody")

    [problem] = load_problems()

    assert problem.path == AGENT
    assert "invalid YAML at line 3, column 9" in problem.message


def test_unterminated_frontmatter(write: Write, load_problems: LoadProblems) -> None:
    write(AGENT, "---\ndescription: ok\nBody")

    [problem] = load_problems()

    assert (problem.path, problem.field) == (AGENT, None)
    assert "never closed" in problem.message


def test_frontmatter_that_is_a_list(write: Write, load_problems: LoadProblems) -> None:
    write(AGENT, "---\n- description\n---\nBody")

    [problem] = load_problems()

    assert "must be a mapping" in problem.message


def test_file_that_is_not_utf8(root: Path, load_problems: LoadProblems) -> None:
    (root / "agents/helper").mkdir(parents=True)
    (root / AGENT).write_bytes(b"---\ndescription: caf\xe9\n---\n")

    [problem] = load_problems()

    assert (problem.path, problem.message) == (AGENT, "is not UTF-8 text")


@pytest.mark.parametrize(
    ("frontmatter", "field", "phrase"),
    [
        ("tols: [a]", "tols", "unknown key 'tols'; did you mean 'tools'?"),
        ("model: {name: x, temprature: 1}", "model.temprature", "did you mean 'temperature'?"),
        ("zzz: 1", "zzz", "unknown key 'zzz'; allowed keys: context, delegates_to, description,"),
        (
            "schedules: [{name: a, cron: '* * * * *', message: m, every: 1}]",
            "schedules.0.every",
            "unknown key 'every'",
        ),
    ],
)
def test_unknown_key(
    write: Write, load_problems: LoadProblems, frontmatter: str, field: str, phrase: str
) -> None:
    write_agent(write, frontmatter)

    [problem] = load_problems()

    assert (problem.path, problem.field) == (AGENT, field)
    assert phrase in problem.message


@pytest.mark.parametrize(
    ("frontmatter", "field", "phrase"),
    [
        ("enabled: maybe", "enabled", "must be a valid boolean"),
        ("tags: support", "tags", "must be a valid tuple, got 'support'"),
        ("model: {temperature: hot}", "model.temperature", "must be a valid number"),
        ("description: [a, b]", "description", "must be a valid string, got ['a', 'b']"),
        ("execution_mode: later", "execution_mode", "must be 'sync' or 'async', got 'later'"),
        ("scope: team", "scope", "must be 'global' or 'personal'"),
        ("input_schema: not-a-schema", "input_schema", "must be a valid dictionary"),
        ("schedules: [{name: a, cron: '* * * * *'}]", "schedules.0.message", "is required"),
        ("version: [1, 2]", "version", "must be a valid string, got [1, 2]"),
        ("version: true", "version", "must be a valid string, got True"),
        ("context: docs/policy.md", "context", "must be a valid tuple, got 'docs/policy.md'"),
        ("context: {a: b}", "context", "must be a valid tuple"),
        ("context: [docs/policy.md, 3]", "context.1", "must be a valid string, got 3"),
    ],
)
def test_wrong_type(
    write: Write, load_problems: LoadProblems, frontmatter: str, field: str, phrase: str
) -> None:
    write_agent(write, frontmatter)

    [problem] = load_problems()

    assert (problem.path, problem.field) == (AGENT, field)
    assert phrase in problem.message


@pytest.mark.parametrize(
    ("frontmatter", "field", "phrase"),
    [
        ("model: {temperature: 2.5}", "model.temperature", "less than or equal to 2, got 2.5"),
        ("model: {max_tokens: 0}", "model.max_tokens", "greater than 0, got 0"),
        ("guardrails: {max_iterations: -1}", "guardrails.max_iterations", "greater than 0"),
        ("memory: {max_injected_chars: 0}", "memory.max_injected_chars", "greater than 0"),
    ],
)
def test_out_of_range_value(
    write: Write, load_problems: LoadProblems, frontmatter: str, field: str, phrase: str
) -> None:
    write_agent(write, frontmatter)

    [problem] = load_problems()

    assert (problem.path, problem.field) == (AGENT, field)
    assert phrase in problem.message


@pytest.mark.parametrize(
    ("cron", "phrase"),
    [
        ("0 9 * *", "cron expression must have 5 fields"),
        ("61 9 * * *", "invalid cron expression '61 9 * * *': minute field '61'"),
        ("0 9 * * funday", "'funday' is not a number or a name"),
    ],
)
def test_bad_cron(write: Write, load_problems: LoadProblems, cron: str, phrase: str) -> None:
    write_agent(
        write,
        f"""
schedules:
  - {{name: ok, cron: "0 8 * * *", message: m}}
  - {{name: bad, cron: "{cron}", message: m}}
""",
    )

    [problem] = load_problems()

    assert (problem.path, problem.field) == (AGENT, "schedules.1.cron")
    assert phrase in problem.message


def test_bad_schedule_name_and_time_zone(write: Write, load_problems: LoadProblems) -> None:
    write_agent(
        write,
        "schedules: [{name: 'has space', cron: '* * * * *', message: m, timezone: Mars/Base}]",
    )

    problems = load_problems()

    assert [(p.field, p.message.split(",")[0]) for p in problems] == [
        ("schedules.0.name", "must match pattern '^[A-Za-z0-9_.\\-]+$'"),
        (
            "schedules.0.timezone",
            "unknown time zone 'Mars/Base'; use an IANA name such as 'UTC' or 'Europe/London'",
        ),
    ]


def test_duplicate_schedule_names(write: Write, load_problems: LoadProblems) -> None:
    write_agent(
        write,
        """
schedules:
  - {name: daily, cron: "0 8 * * *", message: a}
  - {name: other, cron: "0 9 * * *", message: b}
  - {name: daily, cron: "0 10 * * *", message: c}
""",
    )

    [problem] = load_problems()

    assert (problem.path, problem.field) == (AGENT, "schedules")
    assert "duplicate schedule names: 'daily' (schedules.0 and schedules.2)" in problem.message


@pytest.mark.parametrize("field", ["input_schema", "output_schema", "setup_schema"])
def test_invalid_json_schema(write: Write, load_problems: LoadProblems, field: str) -> None:
    write_agent(write, f"{field}: {{type: object, properties: {{city: {{type: strng}}}}}}")

    [problem] = load_problems()

    assert (problem.path, problem.field) == (AGENT, field)
    assert "is not a valid JSON Schema (at properties.city.type)" in problem.message


def test_json_schema_draft_comes_from_dollar_schema(
    write: Write, load_problems: LoadProblems
) -> None:
    # Draft 4 requires exclusiveMinimum to be a boolean; 2020-12 requires a number.
    write_agent(
        write,
        "input_schema: {$schema: 'http://json-schema.org/draft-04/schema#', exclusiveMinimum: 3}",
    )

    [problem] = load_problems()

    assert (problem.field, "(at exclusiveMinimum)" in problem.message) == ("input_schema", True)


def test_unknown_skill(write: Write, load_problems: LoadProblems) -> None:
    write("skills/research/SKILL.md", "Research.")
    write_agent(write, "skills: [research, reserch]")

    [problem] = load_problems()

    assert (problem.path, problem.field) == (AGENT, "skills.1")
    assert problem.message == "unknown skill 'reserch'; did you mean 'research'?"


def test_unknown_skill_when_there_are_no_skills(write: Write, load_problems: LoadProblems) -> None:
    write_agent(write, "skills: [research]")

    [problem] = load_problems()

    assert "the workspace defines no skills (skills/ is empty)" in problem.message


def test_unknown_delegate(write: Write, load_problems: LoadProblems) -> None:
    write("agents/writer/AGENT.md", "Writes.")
    write("agents/editor/AGENT.md", "Edits.")
    write_agent(write, "delegates_to: [writer, zzz]")

    [problem] = load_problems()

    assert (problem.path, problem.field) == (AGENT, "delegates_to.1")
    assert problem.message == "unknown agent 'zzz'; the workspace defines: editor, helper, writer"


def test_agent_cannot_delegate_to_itself(write: Write, load_problems: LoadProblems) -> None:
    write_agent(write, "delegates_to: [helper]")

    [problem] = load_problems()

    assert (problem.field, problem.message) == (
        "delegates_to.0",
        "an agent cannot delegate to itself",
    )


def test_delegate_with_its_own_problems_is_not_called_unknown(
    write: Write, load_problems: LoadProblems
) -> None:
    write("agents/writer/AGENT.md", "---\nenabled: nope\n---\n")
    write_agent(write, "delegates_to: [writer]")

    [problem] = load_problems()

    assert (problem.path, problem.field) == ("agents/writer/AGENT.md", "enabled")


def test_tools_unknown_to_the_workspace_are_not_a_problem(write: Write, root: Path) -> None:
    write_agent(write, "tools: [registered-in-code, mcp__search]")

    assert check_workspace(root, environ={}) == []


@pytest.mark.parametrize("name", ["_private", "bad name", "-dash", "émoji"])
def test_invalid_agent_directory_name(root: Path, load_problems: LoadProblems, name: str) -> None:
    (root / "agents" / name).mkdir(parents=True)
    (root / "agents" / name / "AGENT.md").write_text("Hi", encoding="utf-8")

    [problem] = load_problems()

    assert (problem.path, problem.field) == (f"agents/{name}", None)
    assert f"invalid agent id {name!r}" in problem.message


def test_context_that_is_a_file(write: Write, load_problems: LoadProblems) -> None:
    write_agent(write, "description: x")
    write("agents/helper/context", "not a directory")

    [problem] = load_problems()

    assert (problem.path, problem.message) == (
        "agents/helper/context",
        "must be a directory of .md files",
    )


@pytest.mark.parametrize(
    ("entry", "phrase"),
    [
        ("docs/missing.md", "'docs/missing.md' does not exist"),
        ("../outside.md", "'../outside.md' is outside the workspace"),
        ("docs/../../outside.md", "is outside the workspace"),
        ("/etc/hostname", "'/etc/hostname' is outside the workspace"),
        ("docs", "'docs' is not a file"),
    ],
)
def test_bad_context_path(
    write: Write, root: Path, load_problems: LoadProblems, entry: str, phrase: str
) -> None:
    write("docs/policy.md", "Refunds take 30 days.")
    (root.parent / "outside.md").write_text("secret", encoding="utf-8")
    write_agent(write, f"context: [docs/policy.md, {entry!r}]")

    [problem] = load_problems()

    assert (problem.path, problem.field) == (AGENT, "context.1")
    assert phrase in problem.message


def test_context_path_that_is_a_symlink(
    write: Write, root: Path, load_problems: LoadProblems
) -> None:
    target = write("docs/policy.md", "Refunds take 30 days.")
    (root / "docs/link.md").symlink_to(target)
    outside = root.parent / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("secret", encoding="utf-8")
    (root / "docs/shared").symlink_to(outside, target_is_directory=True)
    write_agent(write, "context: [docs/link.md, docs/shared/secret.md]")

    problems = load_problems()

    assert [(p.path, p.field) for p in problems] == [(AGENT, "context.0"), (AGENT, "context.1")]
    assert "'docs/link.md' is a symlink" in problems[0].message
    assert "'docs/shared/secret.md' is outside the workspace" in problems[1].message


def test_unreadable_context_file(write: Write, root: Path, load_problems: LoadProblems) -> None:
    (root / "docs").mkdir()
    (root / "docs/latin1.md").write_bytes(b"caf\xe9")
    write_agent(write, "context: [docs/latin1.md]")

    [problem] = load_problems()

    assert (problem.path, problem.field, problem.message) == (
        AGENT,
        "context.0",
        "'docs/latin1.md' is not UTF-8 text",
    )


def test_context_problems_come_with_the_other_problems_of_the_file(
    write: Write, load_problems: LoadProblems
) -> None:
    write_agent(write, "tags: support\ncontext: [nowhere.md, ../up.md]")
    write("agents/helper/BEHAVIOR.md", "---\nbroken: [\n---\nBe kind.")
    write("agents/AGENTS.md", "---\nunclosed: frontmatter\n")

    problems = load_problems()

    assert [(p.path, p.field) for p in problems] == [
        ("agents/AGENTS.md", None),
        (AGENT, "tags"),
        (AGENT, "context.0"),
        (AGENT, "context.1"),
        ("agents/helper/BEHAVIOR.md", None),
    ]


def test_behavior_md_that_is_a_directory(
    write: Write, root: Path, load_problems: LoadProblems
) -> None:
    write_agent(write, "description: x")
    (root / "agents/helper/BEHAVIOR.md").mkdir()

    [problem] = load_problems()

    assert (problem.path, problem.message) == ("agents/helper/BEHAVIOR.md", "must be a file")


def test_shared_prompt_file_that_is_not_utf8(root: Path, load_problems: LoadProblems) -> None:
    (root / "agents").mkdir()
    (root / "agents/BEHAVIOR.md").write_bytes(b"caf\xe9")

    [problem] = load_problems()

    assert (problem.path, problem.message) == ("agents/BEHAVIOR.md", "is not UTF-8 text")
