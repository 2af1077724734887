"""Fixtures: a small docs folder on disk and MarkdownFolderRetrievers closed after each test."""

from __future__ import annotations

import os
import textwrap
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from agent_gateway_core.ports.retriever import RetrievalQuery
from agent_gateway_fts import MarkdownFolderRetriever

MakeRetriever = Callable[..., MarkdownFolderRetriever]

DOCS = {
    "guides/setup.md": """\
        # Install

        Agent Gateway runs on Python 3.11 or later.

        ## Linux

        Install the package with pip inside a virtual environment, then run the server
        with systemd.

        ## macOS

        Install Python with Homebrew first, then install the package with pip.

        # Upgrade

        Read the changelog before upgrading between minor versions.
        """,
    "billing/refunds.md": """\
        # Refunds

        Refunds are processed within five business days of the request.

        ## Annual plans

        Refunds for annual plans are prorated by the remaining months.
        """,
    "policies/holidays.md": """\
        # Office hours

        The office is closed on public holidays; support answers by email only.
        """,
    "api/authentication.md": """\
        # Authentication

        Send an API key in the Authorization header as a bearer token.

        ## Rotating keys

        Create the new API key, deploy it, then revoke the old key.
        """,
    "faq.md": """\
        Frequently asked questions, without any heading.

        Can I get a refund? See the billing pages. Does it run on Linux? Yes.
        """,
}


def write_docs(root: Path, files: Mapping[str, str]) -> None:
    """Write ``{relative path: markdown}`` (dedented) under ``root``."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def touch_later(path: Path) -> None:
    """Move ``path``'s mtime a second on: an edit within the same clock tick as the last
    index would otherwise look unchanged whenever the size stays the same."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def ask(text: str, limit: int = 5) -> RetrievalQuery:
    return RetrievalQuery(query=text, agent_id="support", limit=limit)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A folder holding DOCS."""
    root = tmp_path / "docs"
    write_docs(root, DOCS)
    return root


@pytest.fixture
async def make_retriever(docs: Path) -> AsyncIterator[MakeRetriever]:
    """``make_retriever(folder=docs, **options)``: a retriever, not initialized, closed after
    the test."""
    made: list[MarkdownFolderRetriever] = []

    def make(folder: Path | None = None, **options: Any) -> MarkdownFolderRetriever:
        retriever = MarkdownFolderRetriever(folder or docs, **options)
        made.append(retriever)
        return retriever

    yield make
    for retriever in made:
        await retriever.close()
