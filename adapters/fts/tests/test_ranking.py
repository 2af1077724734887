"""What a query finds in the docs folder, and in what order."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_gateway_fts import MarkdownFolderRetriever

from .conftest import MakeRetriever, ask, write_docs

pytestmark = pytest.mark.integration


@pytest.fixture
async def retriever(make_retriever: MakeRetriever) -> MarkdownFolderRetriever:
    retriever = make_retriever()
    await retriever.initialize()
    return retriever


def sources(passages: list[str]) -> list[str]:
    return [passage.split("\n", 1)[0] for passage in passages]


@pytest.mark.parametrize(
    ("question", "best"),
    [
        ("How do I install it on Linux?", "Source: guides/setup.md — Install > Linux"),
        ("installing with homebrew on a mac", "Source: guides/setup.md — Install > macOS"),
        (
            "Can I get my money back on an annual plan?",
            "Source: billing/refunds.md — Refunds > Annual plans",
        ),
        ("how long do refunds take", "Source: billing/refunds.md — Refunds"),
        ("rotate my API keys", "Source: api/authentication.md — Authentication > Rotating keys"),
        ("is the office open on public holidays", "Source: policies/holidays.md — Office hours"),
        ("upgrading", "Source: guides/setup.md — Upgrade"),
    ],
)
async def test_the_section_about_the_question_comes_first(
    retriever: MarkdownFolderRetriever, question: str, best: str
) -> None:
    assert sources(await retriever.retrieve(ask(question)))[0] == best


async def test_a_passage_opens_with_its_file_and_heading_trail_then_its_text(
    retriever: MarkdownFolderRetriever,
) -> None:
    [passage] = await retriever.retrieve(ask("systemd"))
    assert passage == (
        "Source: guides/setup.md — Install > Linux\n\n"
        "Install the package with pip inside a virtual environment, then run the server\n"
        "with systemd."
    )
    [passage] = await retriever.retrieve(ask("frequently asked"))
    assert passage.startswith("Source: faq.md\n\nFrequently asked questions")


async def test_words_match_whatever_their_form_case_or_accents(
    make_retriever: MakeRetriever, docs: Path
) -> None:
    write_docs(docs, {"cafe.md": "# Menu\n\nThe Café serves crème brûlée daily.\n"})
    retriever = make_retriever()
    assert sources(await retriever.retrieve(ask("CAFE creme brulee")))[0] == (
        "Source: cafe.md — Menu"
    )
    # Porter stemming: "processing" finds "processed", "refunding" finds "Refunds".
    assert sources(await retriever.retrieve(ask("refunding processing")))[0] == (
        "Source: billing/refunds.md — Refunds"
    )


async def test_a_passage_matching_more_words_ranks_higher(
    retriever: MarkdownFolderRetriever,
) -> None:
    found = sources(await retriever.retrieve(ask("pip in a virtual environment")))
    # Both sections mention pip; only the Linux one the virtual environment.
    assert found == [
        "Source: guides/setup.md — Install > Linux",
        "Source: guides/setup.md — Install > macOS",
    ]


async def test_a_word_in_a_heading_outweighs_a_mention_in_passing(
    retriever: MarkdownFolderRetriever,
) -> None:
    found = sources(await retriever.retrieve(ask("linux")))
    assert found == ["Source: guides/setup.md — Install > Linux", "Source: faq.md"]


async def test_limit_caps_the_passages(retriever: MarkdownFolderRetriever) -> None:
    assert len(await retriever.retrieve(ask("install", limit=10))) == 3
    assert len(await retriever.retrieve(ask("install", limit=2))) == 2
    assert await retriever.retrieve(ask("install", limit=0)) == []


async def test_only_stopwords_still_search_and_nothing_found_is_an_empty_list(
    retriever: MarkdownFolderRetriever,
) -> None:
    assert await retriever.retrieve(ask("what is the weather in paris")) == []
    assert await retriever.retrieve(ask("then")) != []  # "install ..., then run"


async def test_a_long_section_is_cut_on_paragraphs_each_passage_naming_its_section(
    make_retriever: MakeRetriever, docs: Path
) -> None:
    paragraphs = [f"Paragraph {n} about topic{n} " + "filler words " * 20 for n in range(10)]
    write_docs(docs, {"long.md": "# Long\n\n## Part\n\n" + "\n\n".join(paragraphs)})
    retriever = make_retriever(chunk_chars=600)

    found = await retriever.retrieve(ask("topic7"))

    assert len(found) == 1
    assert found[0].startswith("Source: long.md — Long > Part\n\n")
    body = found[0].split("\n\n", 1)[1]
    assert len(body) <= 600
    assert paragraphs[7].strip() in body
