"""Concurrent retrieves, edits, threads and closes; nothing blocks the event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_fts import MarkdownFolderRetriever
from agent_gateway_fts import folder as folder_module
from agent_gateway_fts.index import FtsIndex

from .conftest import DOCS, MakeRetriever, ask, write_docs

pytestmark = pytest.mark.integration

QUESTIONS = ["install on linux", "refunds", "api key", "holidays", "zeppelin", "?!"]


async def test_concurrent_first_calls_build_the_index_once(
    make_retriever: MakeRetriever, tmp_path: Path
) -> None:
    retriever = make_retriever(index_path=tmp_path / "docs.db", recheck_seconds=0)
    found = await asyncio.gather(*(retriever.retrieve(ask("refunds")) for _ in range(50)))
    assert all(passages == found[0] for passages in found)
    assert len(found[0]) == len(set(found[0])) == 3  # no file indexed twice
    assert (await retriever.refresh()).passages == 10


async def test_retrieves_run_while_files_change(make_retriever: MakeRetriever, docs: Path) -> None:
    retriever = make_retriever(recheck_seconds=0)
    await retriever.initialize()

    async def edit() -> None:
        for n in range(20):
            await asyncio.to_thread(
                write_docs, docs, {f"churn/{n % 5}.md": f"# Churn {n}\n\nzeppelin {n}\n"}
            )
            await asyncio.sleep(0)

    results = await asyncio.gather(
        edit(), *(retriever.retrieve(ask(QUESTIONS[n % len(QUESTIONS)])) for n in range(200))
    )

    assert all(isinstance(r, list) for r in results[1:])
    zeppelins = await retriever.retrieve(ask("zeppelin", limit=10))
    assert sorted(p.split("\n")[0] for p in zeppelins) == [
        f"Source: churn/{n}.md — Churn {n + 15}" for n in range(5)
    ]


async def test_one_retriever_serves_event_loops_in_several_threads(
    make_retriever: MakeRetriever,
) -> None:
    # A host may call it from more than one loop (a sync test client, a worker thread).
    retriever = make_retriever(recheck_seconds=0)
    await retriever.initialize()
    errors: list[BaseException] = []

    def run_loop() -> None:
        async def calls() -> None:
            for n in range(30):
                found = await retriever.retrieve(ask(QUESTIONS[n % len(QUESTIONS)]))
                assert isinstance(found, list)

        try:
            asyncio.run(calls())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run_loop) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        await asyncio.to_thread(thread.join)
    assert errors == []


async def test_close_during_retrieves_fails_them_cleanly_or_lets_them_finish(
    make_retriever: MakeRetriever,
) -> None:
    retriever = make_retriever(recheck_seconds=0)
    await retriever.initialize()

    calls = [asyncio.ensure_future(retriever.retrieve(ask("refunds"))) for _ in range(50)]
    await retriever.close()
    outcomes = await asyncio.gather(*calls, return_exceptions=True)

    for outcome in outcomes:
        assert isinstance(outcome, list | BackendUnavailableError), outcome


async def test_file_reading_and_sqlite_stay_off_the_event_loop(
    make_retriever: MakeRetriever, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop_thread = threading.get_ident()
    seen: dict[str, set[int]] = {}

    def record(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            seen.setdefault(name, set()).add(threading.get_ident())
            return original(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(
        "agent_gateway_fts.folder.read_file",
        record("read", folder_module.read_file),
    )
    for method in ("open", "stamps", "update", "search", "close"):
        monkeypatch.setattr(FtsIndex, method, record(method, getattr(FtsIndex, method)))

    retriever = make_retriever(recheck_seconds=0)
    await retriever.initialize()
    await retriever.retrieve(ask("refunds"))
    await retriever.refresh()
    await retriever.close()

    assert set(seen) == {"read", "open", "stamps", "update", "search", "close"}
    assert all(loop_thread not in threads for threads in seen.values())


async def test_a_retrieve_cancelled_mid_refresh_leaves_the_index_whole(
    make_retriever: MakeRetriever, docs: Path
) -> None:
    write_docs(docs, {f"bulk/{n}.md": f"# Bulk {n}\n\nzeppelin {n}\n" for n in range(200)})
    retriever: MarkdownFolderRetriever = make_retriever()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.001):
            await retriever.retrieve(ask("zeppelin"))
    # The worker thread finished the build on its own: everything is there, once.
    report = await retriever.refresh()
    assert (report.added, report.changed, report.unchanged) == (0, 0, len(DOCS) + 200)
    assert len(await retriever.retrieve(ask("zeppelin", limit=500))) == 200
