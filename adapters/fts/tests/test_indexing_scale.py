"""A few hundred files index in reasonable time; the figures are printed, not asserted."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from agent_gateway_fts import MarkdownFolderRetriever

from .conftest import MakeRetriever, ask, write_docs

pytestmark = pytest.mark.integration

FILES = 400
TOPICS = ["billing", "install", "deploy", "security", "backup", "network", "storage", "api"]


def a_page(n: int) -> str:
    topic = TOPICS[n % len(TOPICS)]
    sections = [f"# {topic.title()} guide {n}\n\nAn overview of {topic} for team {n}.\n"]
    for part in range(6):
        paragraph = f"Step {part} of the {topic} procedure number {n}: " + (
            "check the configuration, apply the change, verify the result. " * 6
        )
        sections.append(f"## Part {part}\n\n{paragraph}\n\n{paragraph}\n")
    return "\n".join(sections)


async def test_hundreds_of_files(make_retriever: MakeRetriever, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    await asyncio.to_thread(
        write_docs, folder, {f"{TOPICS[n % 8]}/page-{n}.md": a_page(n) for n in range(FILES)}
    )
    retriever = make_retriever(folder, index_path=tmp_path / "many.db", recheck_seconds=0)

    built = await retriever.refresh()
    unchanged = await retriever.refresh()
    checking_ms = await mean_retrieve_ms(retriever)
    await retriever.close()
    reopened = make_retriever(folder, index_path=tmp_path / "many.db", refresh="on_start")
    restarted = await reopened.refresh()
    searching_ms = await mean_retrieve_ms(reopened)

    assert (built.added, built.passages) == (FILES, FILES * 7)
    assert unchanged.unchanged == restarted.unchanged == FILES
    print(
        f"\nFTS index of {FILES} files ({built.passages} passages): built in "
        f"{built.seconds:.2f}s; no-change check {unchanged.seconds * 1000:.1f}ms; restart on "
        f"the index file {restarted.seconds * 1000:.1f}ms; retrieve {searching_ms:.2f}ms, "
        f"{checking_ms:.2f}ms with a folder check every call"
    )


async def mean_retrieve_ms(retriever: MarkdownFolderRetriever, calls: int = 100) -> float:
    started = time.perf_counter()
    for n in range(calls):
        found = await retriever.retrieve(ask(f"{TOPICS[n % 8]} procedure number {n}"))
        assert found[0].startswith(f"Source: {TOPICS[n % 8]}/page-{n}.md")
    return (time.perf_counter() - started) * 1000 / calls
