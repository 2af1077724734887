"""Edits to the docs show up without a restart: only changed files are read again."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from pathlib import Path

import pytest

from agent_gateway_core.errors import BackendUnavailableError, ConfigError
from agent_gateway_fts import MarkdownFolderRetriever, RefreshReport

from .conftest import DOCS, MakeRetriever, ask, touch_later, write_docs

pytestmark = pytest.mark.integration


def counts(report: RefreshReport) -> tuple[int, int, int, int]:
    return report.added, report.changed, report.removed, report.unchanged


def write_bytes_named(name: bytes, data: bytes) -> None:
    """Write a file whose name need not be UTF-8 (pathlib would decode it)."""
    with open(name, "wb") as file:
        file.write(data)


@pytest.fixture
async def retriever(make_retriever: MakeRetriever) -> MarkdownFolderRetriever:
    """Looks at the folder on every retrieve."""
    retriever = make_retriever(recheck_seconds=0)
    await retriever.initialize()
    return retriever


async def test_an_edited_file_is_indexed_again(
    retriever: MarkdownFolderRetriever, docs: Path
) -> None:
    assert await retriever.retrieve(ask("sabbatical")) == []
    holidays = docs / "policies/holidays.md"
    holidays.write_text("# Leave\n\nStaff may take a sabbatical after five years.\n")

    [found] = await retriever.retrieve(ask("sabbatical"))
    assert found == (
        "Source: policies/holidays.md — Leave\n\nStaff may take a sabbatical after five years."
    )
    assert await retriever.retrieve(ask("office closed")) == []


async def test_an_edit_keeping_the_size_is_seen_by_its_mtime(
    retriever: MarkdownFolderRetriever, docs: Path
) -> None:
    faq = docs / "faq.md"
    before = faq.read_text()
    faq.write_text(before.replace("Frequently", "Infrequently"[:10]))  # same length
    assert len(faq.read_text()) == len(before)
    touch_later(faq)
    assert counts(await retriever.refresh()) == (0, 1, 0, len(DOCS) - 1)
    assert (await retriever.retrieve(ask("infrequent asked")))[0].startswith("Source: faq.md")


async def test_added_and_deleted_files(retriever: MarkdownFolderRetriever, docs: Path) -> None:
    write_docs(docs, {"new/pricing.md": "# Pricing\n\nThe team plan costs ten euros a seat.\n"})
    assert (await retriever.retrieve(ask("team plan price")))[0].startswith(
        "Source: new/pricing.md — Pricing"
    )

    (docs / "billing/refunds.md").unlink()
    shutil.rmtree(docs / "new")
    assert await retriever.retrieve(ask("prorated")) == []
    assert await retriever.retrieve(ask("euros seat")) == []
    assert [p.split("\n")[0] for p in await retriever.retrieve(ask("refund"))] == ["Source: faq.md"]


async def test_a_refresh_reads_only_what_changed(make_retriever: MakeRetriever, docs: Path) -> None:
    retriever = make_retriever(refresh="on_start")
    assert counts(await retriever.refresh()) == (len(DOCS), 0, 0, 0)
    assert counts(await retriever.refresh()) == (0, 0, 0, len(DOCS))

    write_docs(docs, {"a.md": "# A\n\nalpha\n", "b.md": "# B\n\nbeta\n"})
    (docs / "faq.md").unlink()
    (docs / "guides/setup.md").write_text("# Setup\n\nShorter now.\n")
    report = await retriever.refresh()

    assert counts(report) == (2, 1, 1, len(DOCS) - 2)
    assert report.passages == 1 + 1 + 1 + 2 + 1 + 2  # a, b, setup, refunds, holidays, auth
    assert report.seconds >= 0


async def test_the_folder_is_looked_at_again_only_after_recheck_seconds(
    make_retriever: MakeRetriever, docs: Path
) -> None:
    retriever = make_retriever(recheck_seconds=0.2)
    await retriever.initialize()
    write_docs(docs, {"late.md": "# Late\n\nA zeppelin arrives.\n"})

    assert await retriever.retrieve(ask("zeppelin")) == []  # checked less than 0.2 s ago
    await asyncio.sleep(0.3)
    assert len(await retriever.retrieve(ask("zeppelin"))) == 1


async def test_on_start_looks_at_the_folder_only_when_asked(
    make_retriever: MakeRetriever, docs: Path
) -> None:
    retriever = make_retriever(refresh="on_start", recheck_seconds=0)
    await retriever.initialize()
    write_docs(docs, {"late.md": "# Late\n\nA zeppelin arrives.\n"})

    assert await retriever.retrieve(ask("zeppelin")) == []
    await retriever.refresh()
    assert len(await retriever.retrieve(ask("zeppelin"))) == 1


async def test_a_first_retrieve_builds_the_index_without_initialize(
    make_retriever: MakeRetriever,
) -> None:
    retriever = make_retriever(refresh="on_start")
    assert len(await retriever.retrieve(ask("refunds"))) == 3


async def test_closing_releases_the_index_and_a_later_call_opens_it_again(
    retriever: MarkdownFolderRetriever, docs: Path
) -> None:
    await retriever.close()
    await retriever.close()  # twice is fine
    write_docs(docs, {"late.md": "# Late\n\nA zeppelin arrives.\n"})
    assert len(await retriever.retrieve(ask("zeppelin"))) == 1
    await retriever.initialize()
    assert len(await retriever.retrieve(ask("zeppelin"))) == 1


async def test_a_vanished_folder_makes_retrieve_unavailable_naming_it(
    retriever: MarkdownFolderRetriever, docs: Path
) -> None:
    shutil.rmtree(docs)
    with pytest.raises(
        BackendUnavailableError, match=re.escape(f"folder {str(docs)!r} does not exist")
    ):
        await retriever.retrieve(ask("refunds"))
    with pytest.raises(ConfigError, match=re.escape(f"folder {str(docs)!r} does not exist")):
        await retriever.refresh()
    write_docs(docs, {"back.md": "# Back\n\nRefunds are back.\n"})
    assert len(await retriever.retrieve(ask("refunds"))) == 1


async def test_hidden_files_undecodable_bytes_and_the_glob(
    make_retriever: MakeRetriever, docs: Path
) -> None:
    write_docs(docs, {".git/notes.md": "# Secret\n\nzeppelin\n", ".draft.md": "zeppelin\n"})
    (docs / "latin1.md").write_bytes("# Menu\n\nCaf\xe9 zeppelin\n".encode("latin-1"))
    (docs / "notes.txt").write_text("zeppelin in a text file\n")
    await asyncio.to_thread(write_bytes_named, os.fsencode(docs) + b"/bad-\xff.md", b"zeppelin\n")

    found = await make_retriever().retrieve(ask("zeppelin"))
    assert found == ["Source: latin1.md — Menu\n\nCaf\ufffd zeppelin"]

    top_level_only = make_retriever(glob="*.md")
    assert await top_level_only.retrieve(ask("prorated")) == []
    assert len(await top_level_only.retrieve(ask("zeppelin"))) == 1
    text_files = make_retriever(glob="**/*.txt")
    assert await text_files.retrieve(ask("zeppelin")) == [
        "Source: notes.txt\n\nzeppelin in a text file"
    ]


async def test_an_oversized_file_is_skipped_and_an_unreadable_one_too(
    make_retriever: MakeRetriever, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("agent_gateway_fts.folder.MAX_FILE_BYTES", 1_000)
    write_docs(docs, {"huge.md": "zeppelin " * 200, "small.md": "zeppelin\n"})
    write_docs(docs, {"locked.md": "zeppelin\n"})
    read_bytes = Path.read_bytes

    def read_or_refuse(path: Path) -> bytes:
        if path.name == "locked.md":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_or_refuse)
    retriever = make_retriever()

    report = await retriever.refresh()

    assert report.added == len(DOCS) + 3
    assert await retriever.retrieve(ask("zeppelin")) == ["Source: small.md\n\nzeppelin"]
    # Both are left alone until they change, rather than read on every look at the folder.
    assert (await retriever.refresh()).changed == 0
