"""Agent Gateway Retriever over a folder of markdown files, with SQLite FTS5: no server.

::

    from agent_gateway_fts import MarkdownFolderRetriever

    gw.use_retriever("docs", MarkdownFolderRetriever("./docs", index_path=".cache/docs.db"))
"""

from agent_gateway_fts.chunking import Section, markdown_sections
from agent_gateway_fts.folder import RefreshReport
from agent_gateway_fts.query import match_expression
from agent_gateway_fts.retriever import MarkdownFolderRetriever

__all__ = [
    "MarkdownFolderRetriever",
    "RefreshReport",
    "Section",
    "markdown_sections",
    "match_expression",
]
