"""The results table: markdown to stdout, and .md + .json files under tests/bench/results/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from figures import Row

COLUMNS = (
    "figure",
    "reference (0.2.13)",
    "our target",
    "measured now",
    "verdict vs target",
    "bare Starlette",
    "litellm alone",
)


def markdown(meta: dict[str, Any], rows: list[Row]) -> str:
    """The header lines (when, what, where) and the table."""
    lines = [
        f"### Benchmark of {meta['started_utc']} UTC ({meta['mode']})",
        "",
        f"- Machine: {meta['machine_line']}",
        f"- Commit: {meta['machine'].get('commit') or 'unknown'}; "
        f"agents-gateway {meta['machine']['packages'].get('agents-gateway')}, "
        f"litellm {meta['machine']['packages'].get('litellm')}",
        f"- Persistence: {meta['persistence']}",
        f"- Pinning: {meta['pinning']}",
        f"- Load: {meta['load_line']}",
        f"- Reference (0.2.13): {meta.get('reference', 'not measured')}",
        f"- Repeats: {meta['repeat']} per scenario, median reported",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for row in rows:
        cells = (
            row.figure,
            row.reference,
            row.target,
            row.measured,
            row.verdict,
            row.bare,
            row.client_alone,
        )
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def write_results(results_dir: Path, stamp: str, text: str, document: dict[str, Any]) -> list[Path]:
    """``<stamp>.md/.json`` (git-ignored) and ``latest.md/.json`` (committed)."""
    results_dir.mkdir(parents=True, exist_ok=True)
    body = json.dumps(document, indent=2, sort_keys=False) + "\n"
    written = []
    for name in (stamp, "latest"):
        for suffix, content in ((".md", text), (".json", body)):
            path = results_dir / f"{name}{suffix}"
            path.write_text(content)
            written.append(path)
    return written
