"""Free text never reaches FTS5 as syntax: odd queries find words or nothing, never fail."""

from __future__ import annotations

import random

import pytest

from agent_gateway_fts import MarkdownFolderRetriever, match_expression

from .conftest import MakeRetriever, ask

ODD_QUERIES = [
    '"',
    '""',
    "'",
    "NEAR",
    "NEAR(install linux, 2)",
    "install AND",
    "OR",
    "NOT linux",
    "AND OR NOT",
    "*",
    "install*",
    "-linux",
    "^install",
    "path:guides",
    "headings : linux",
    "{path headings}: install",
    "(install",
    "install)",
    "linux + macos",
    "a\x00b",
    "\\",
    "%_",
    "'; DROP TABLE passages; --",
    "🚀 launch 🚀",
    "インストール方法",
    "تثبيت",
    "e\u0301",
    "\n\t ",
    "x" * 10_000,
    "install " * 5_000,
]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "expression"),
    [
        ("install on linux", '"install" OR "linux"'),
        ('"NEAR(a b)" -x* ^y:z', '"NEAR" OR "b" OR "x" OR "y" OR "z"'),  # "a": a stopword
        ("how to", '"how" OR "to"'),  # nothing but stopwords: kept
        ("Linux linux LINUX", '"Linux"'),
        ("snake_case", '"snake" OR "case"'),
        ("ﬁle café", '"file" OR "café"'),  # NFKC: the ligature becomes two letters
        ("", None),
        ("?!*\"'()-^:", None),
    ],
)
def test_match_expression(text: str, expression: str | None) -> None:
    assert match_expression(text) == expression


@pytest.mark.unit
def test_a_long_question_searches_its_first_distinct_words() -> None:
    expression = match_expression(" ".join(f"word{n}" for n in range(100)))
    assert expression is not None
    assert expression.count(" OR ") == 31
    assert expression.startswith('"word0" OR "word1"')


@pytest.fixture
async def retriever(make_retriever: MakeRetriever) -> MarkdownFolderRetriever:
    retriever = make_retriever()
    await retriever.initialize()
    return retriever


@pytest.mark.integration
@pytest.mark.parametrize("text", ODD_QUERIES, ids=range(len(ODD_QUERIES)))
async def test_an_odd_query_returns_a_list_of_passages(
    retriever: MarkdownFolderRetriever, text: str
) -> None:
    found = await retriever.retrieve(ask(text))
    assert isinstance(found, list)
    assert all(isinstance(passage, str) for passage in found)


@pytest.mark.integration
async def test_operators_and_column_names_are_plain_words(
    retriever: MarkdownFolderRetriever,
) -> None:
    # As syntax, "NOT linux" would exclude Linux and "path:guides" filter on a column.
    assert (await retriever.retrieve(ask("NOT linux")))[0].startswith(
        "Source: guides/setup.md — Install > Linux"
    )
    assert await retriever.retrieve(ask("NEAR AND")) == []
    assert (await retriever.retrieve(ask("-(linux)*")))[0].startswith(
        "Source: guides/setup.md — Install > Linux"
    )


@pytest.mark.integration
async def test_punctuation_only_and_empty_queries_find_nothing(
    retriever: MarkdownFolderRetriever,
) -> None:
    for text in ["", "   ", "?!", '"*"', "---", "(^)"]:
        assert await retriever.retrieve(ask(text)) == []


@pytest.mark.integration
async def test_random_text_never_fails(retriever: MarkdownFolderRetriever) -> None:
    alphabet = "abcdefghij ANDORNEAR\"'*-+^:(){}[].,;\\/%_\x00\n\t\u00e9\u0301\u4e2d\U0001f600"
    rng = random.Random(20240601)
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        found = await retriever.retrieve(ask(text))
        assert isinstance(found, list), text
