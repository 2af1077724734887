"""index_path: an index file reused across restarts, rebuilt when it no longer fits."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from agent_gateway_core.errors import ConfigError
from agent_gateway_fts import MarkdownFolderRetriever

from .conftest import DOCS, MakeRetriever, ask, touch_later

pytestmark = pytest.mark.integration


@pytest.fixture
def index_path(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "nested" / "docs.db"


async def test_a_restart_reuses_the_index_reading_only_what_changed_meanwhile(
    make_retriever: MakeRetriever, docs: Path, index_path: Path
) -> None:
    first = make_retriever(index_path=index_path)
    assert (await first.refresh()).added == len(DOCS)
    before = await first.retrieve(ask("install on linux"))
    await first.close()
    assert await asyncio.to_thread(index_path.is_file)  # its folders were created

    second = make_retriever(index_path=index_path)
    report = await second.refresh()
    assert (report.added, report.changed, report.unchanged) == (0, 0, len(DOCS))
    assert await second.retrieve(ask("install on linux")) == before
    await second.close()

    faq = docs / "faq.md"
    faq.write_text(faq.read_text() + "\nA zeppelin was seen.\n")
    touch_later(faq)
    third = make_retriever(index_path=index_path)
    report = await third.refresh()
    assert (report.added, report.changed, report.unchanged) == (0, 1, len(DOCS) - 1)
    assert (await third.retrieve(ask("zeppelin")))[0].startswith("Source: faq.md")


async def test_another_chunk_size_or_folder_rebuilds_the_index(
    make_retriever: MakeRetriever, docs: Path, index_path: Path, tmp_path: Path
) -> None:
    await make_retriever(index_path=index_path).refresh()

    resized = make_retriever(index_path=index_path, chunk_chars=800)
    assert (await resized.refresh()).added == len(DOCS)
    await resized.close()

    other = tmp_path / "other"
    other.mkdir()
    (other / "only.md").write_text("# Only\n\nOne file.\n")
    moved = make_retriever(other, index_path=index_path, chunk_chars=800)
    report = await moved.refresh()
    assert (report.added, report.removed, report.passages) == (1, 0, 1)
    assert await moved.retrieve(ask("refunds")) == []


async def test_an_index_file_with_foreign_tables_of_the_same_names_is_rebuilt(
    make_retriever: MakeRetriever, index_path: Path
) -> None:
    index_path.parent.mkdir(parents=True)
    with closing(sqlite3.connect(index_path)) as db:
        db.execute("CREATE TABLE files (name TEXT)")
    retriever = make_retriever(index_path=index_path)
    assert (await retriever.refresh()).added == len(DOCS)


async def test_a_file_that_is_no_database_fails_initialize_naming_it(
    make_retriever: MakeRetriever, index_path: Path
) -> None:
    index_path.parent.mkdir(parents=True)
    await asyncio.to_thread(index_path.write_bytes, b"not a SQLite database, just text " * 100)
    retriever = make_retriever(index_path=index_path)
    with pytest.raises(ConfigError, match=re.escape(f"index file {str(index_path)!r}")):
        await retriever.initialize()


async def test_two_retrievers_share_one_index_file(
    make_retriever: MakeRetriever, docs: Path, index_path: Path
) -> None:
    # Two processes of one deployment (an API and a worker) pointed at the same file.
    first = make_retriever(index_path=index_path, recheck_seconds=0)
    second = make_retriever(index_path=index_path, recheck_seconds=0)
    await asyncio.gather(first.initialize(), second.initialize())
    (docs / "late.md").write_text("# Late\n\nA zeppelin arrives.\n")

    found = await asyncio.gather(*(r.retrieve(ask("zeppelin")) for r in [first, second] * 10))

    assert all(passages == ["Source: late.md — Late\n\nA zeppelin arrives."] for passages in found)


async def test_an_index_file_survives_a_folder_given_by_a_relative_path(
    docs: Path, index_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(docs.parent)
    retriever = MarkdownFolderRetriever("docs", index_path=index_path)
    try:
        await retriever.initialize()
        assert retriever.folder == docs
    finally:
        await retriever.close()
    monkeypatch.chdir(docs)
    again = MarkdownFolderRetriever(".", index_path=index_path)
    try:
        assert (await again.refresh()).unchanged == len(DOCS)
    finally:
        await again.close()
