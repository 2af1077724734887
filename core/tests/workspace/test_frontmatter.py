"""Splitting markdown into YAML frontmatter and body."""

from __future__ import annotations

import pytest

from agent_gateway_core.workspace.frontmatter import FrontmatterError, parse_frontmatter

pytestmark = pytest.mark.unit


def test_frontmatter_and_body_are_split() -> None:
    document = parse_frontmatter("---\nname: x\ntags: [a, b]\n---\n\nYou are helpful.\n\n")

    assert document.frontmatter == {"name": "x", "tags": ["a", "b"]}
    assert document.body == "You are helpful."


@pytest.mark.parametrize(
    "text",
    [
        "\ufeff---\nname: x\n---\nBody",
        "---\r\nname: x\r\n---\r\nBody",
        "---\rname: x\r---\rBody",
        "---  \nname: x\n---\t\nBody",
    ],
    ids=["byte-order-mark", "crlf", "cr", "trailing-blanks-on-fences"],
)
def test_encodings_and_line_endings_are_accepted(text: str) -> None:
    document = parse_frontmatter(text)

    assert document.frontmatter == {"name": "x"}
    assert document.body == "Body"


def test_text_without_frontmatter_is_all_body() -> None:
    document = parse_frontmatter("Just a prompt.\n---\nwith a rule")

    assert document.frontmatter == {}
    assert document.body == "Just a prompt.\n---\nwith a rule"


@pytest.mark.parametrize("yaml_block", ["", "# only a comment", "~"])
def test_empty_frontmatter_is_an_empty_mapping(yaml_block: str) -> None:
    document = parse_frontmatter(f"---\n{yaml_block}\n---\nBody")

    assert document.frontmatter == {}
    assert document.body == "Body"


def test_a_later_fence_belongs_to_the_body() -> None:
    document = parse_frontmatter("---\na: 1\n---\nintro\n---\nmore")

    assert document.body == "intro\n---\nmore"


def test_unterminated_frontmatter_is_an_error() -> None:
    with pytest.raises(FrontmatterError, match="never closed"):
        parse_frontmatter("---\nname: x\nBody without a closing fence\n")


@pytest.mark.parametrize(
    ("yaml_block", "phrase"),
    [
        ("- a\n- b", "must be a mapping of keys to values, got a list"),
        ("just text", "must be a mapping of keys to values, got the text 'just text'"),
        ("42", "got the number 42"),
        ("true", "got a boolean"),
        ("2024-01-01", "got a value of type date"),
    ],
)
def test_frontmatter_that_is_not_a_mapping_is_an_error(yaml_block: str, phrase: str) -> None:
    with pytest.raises(FrontmatterError, match=phrase):
        parse_frontmatter(f"---\n{yaml_block}\n---\nBody")


def test_yaml_syntax_error_names_the_line_of_the_file() -> None:
    text = "---\nname: x\ntags: [a, b\nother: 1\n---\nBody"

    with pytest.raises(FrontmatterError) as caught:
        parse_frontmatter(text)

    message = str(caught.value)
    assert message.startswith("frontmatter: invalid YAML at line 4")
    assert "expected ',' or ']'" in message


def test_duplicate_key_is_an_error_on_its_line() -> None:
    with pytest.raises(FrontmatterError, match="at line 3, column 1: duplicate key 'tools'"):
        parse_frontmatter("---\ntools: [a]\ntools: [b]\n---\n")


def test_yaml_merge_keys_may_be_overridden() -> None:
    text = "---\nbase: &base {a: 1, b: 2}\nitem:\n  <<: *base\n  b: 3\n---\n"

    assert parse_frontmatter(text).frontmatter["item"] == {"a": 1, "b": 3}
