"""Settings that cannot work are refused with a ConfigError naming the problem."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from agent_gateway_core.errors import ConfigError
from agent_gateway_core.ports.retriever import Retriever
from agent_gateway_core.retrievers import as_retriever
from agent_gateway_fts import MarkdownFolderRetriever

from .conftest import MakeRetriever

pytestmark = pytest.mark.integration


def test_it_is_a_retriever_of_the_port_as_registered(docs: Path) -> None:
    retriever = MarkdownFolderRetriever(docs)
    assert isinstance(retriever, Retriever)
    assert as_retriever("docs", retriever) is retriever
    assert repr(retriever) == f"MarkdownFolderRetriever({str(docs)!r})"


def test_a_missing_folder_is_refused_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-docs"
    with pytest.raises(ConfigError, match=re.escape(f"folder {str(missing)!r} does not exist")):
        MarkdownFolderRetriever(missing)
    a_file = tmp_path / "file.md"
    a_file.write_text("# Not a folder\n")
    with pytest.raises(ConfigError, match="is not a folder"):
        MarkdownFolderRetriever(a_file)


async def test_a_folder_gone_before_initialize_fails_it_naming_the_folder(
    make_retriever: MakeRetriever, docs: Path
) -> None:
    retriever = make_retriever()
    shutil.rmtree(docs)
    with pytest.raises(ConfigError, match=re.escape(f"folder {str(docs)!r} does not exist")):
        await retriever.initialize()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"glob": ""}, "glob '' must be a pattern inside the folder"),
        ({"glob": "/etc/*.md"}, "glob '/etc/*.md' must be a pattern inside the folder"),
        ({"glob": "../**/*.md"}, "glob '../**/*.md' must be a pattern inside the folder"),
        ({"chunk_chars": 10}, "chunk_chars must be at least 200, not 10"),
        ({"refresh": "always"}, "refresh must be 'on_change' or 'on_start', not 'always'"),
        ({"recheck_seconds": -1}, "recheck_seconds must be 0 or more, not -1"),
        ({"recheck_seconds": float("nan")}, "recheck_seconds must be 0 or more, not nan"),
    ],
)
def test_settings_that_cannot_work(docs: Path, options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        MarkdownFolderRetriever(docs, **options)


def test_a_sqlite_without_fts5_is_refused_saying_so(
    docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("agent_gateway_fts.index.fts5_available", lambda: False)
    with pytest.raises(ConfigError, match=r"SQLite \(3\.[\d.]+\) has no FTS5"):
        MarkdownFolderRetriever(docs)


def test_constructing_touches_no_index(docs: Path, tmp_path: Path) -> None:
    MarkdownFolderRetriever(docs, index_path=tmp_path / "cache" / "docs.db")
    assert not (tmp_path / "cache").exists()
