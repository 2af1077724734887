"""Generate the sync client of agent-gateway-client from its async source, with unasync.

    uv run python scripts/gen_sync_client.py          # rewrite agent_gateway_client/_sync
    uv run python scripts/gen_sync_client.py --check  # exit 1 if _sync is out of date

``GatewayClientSync`` is never edited by hand: change ``_async`` and run this. unasync drops
``async``/``await`` and renames tokens (``__aenter__``, ``AsyncIterator``, ...); on top of it,
every ``AsyncX`` name of ours or httpx's becomes ``X``, :data:`NAMES` are renamed, the asyncio
primitives become their ``time``/``threading`` twins and docstrings lose their async words;
ruff then sorts the imports and formats the result as the rest of the code base. A test
regenerates into a temporary directory and compares, so stale output fails the suite.
"""

from __future__ import annotations

import argparse
import filecmp
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "packages" / "client" / "src" / "agent_gateway_client"
SOURCE = PACKAGE / "_async"
TARGET = PACKAGE / "_sync"
COMMAND = "uv run python scripts/gen_sync_client.py"

NAMES = {
    "GatewayClient": "GatewayClientSync",
    "_async": "_sync",
    "aclose": "close",
    "aread": "read",
    "aiter_lines": "iter_lines",
    "aiter_bytes": "iter_bytes",
    "aiter_text": "iter_text",
    "aiter_raw": "iter_raw",
    "anext": "next",
}
"""Names renamed besides ``AsyncX`` → ``X`` and unasync's own."""

TEXT = [
    (r'\A"""The async client\b[^"]*"""', '"""The sync client, generated from ``_async``."""'),
    (r"\basyncio\.sleep\b", "time.sleep"),
    (r"\basyncio\.Lock\b", "threading.Lock"),
    (r"^import asyncio$", "import threading\nimport time"),
    (r"\basync (with|for|def)\b", r"\1"),
    (r"  # noqa: ASYNC109[^\n]*", ""),
    (r"``await ([^`]*)``", r"``\1``"),
]
"""Regular expressions applied to the unasynced text, in order (code, then docstrings)."""

ASYNC_NAME = re.compile(r"\bAsync([A-Z]\w*)")
LEFTOVER = re.compile(r"\basyncio\b|\bawait\b|(?<!\")\basync\b(?!\")")  # "async" is an option


def header(source: Path) -> str:
    relative = source.relative_to(PACKAGE).as_posix()
    return (
        f"# Generated from {relative} by scripts/gen_sync_client.py: do not edit.\n"
        f"# Change the async source and run `{COMMAND}`.\n"
    )


def convert(text: str) -> str:
    """What unasync leaves, made sync throughout (names in docstrings included)."""
    text = ASYNC_NAME.sub(r"\1", text)
    for name, replacement in NAMES.items():
        text = re.sub(rf"(?<!\w){re.escape(name)}\b", replacement, text)
    for pattern, replacement in TEXT:
        text = re.sub(pattern, replacement, text, flags=re.MULTILINE)
    text = _dedupe_imports(text)
    leftover = LEFTOVER.search(text)
    if leftover:
        line = text.count("\n", 0, leftover.start()) + 1
        raise SystemExit(f"line {line}: {leftover.group()!r} is left in the sync code:\n{text}")
    return text


def _dedupe_imports(text: str) -> str:
    seen: set[str] = set()
    lines = []
    for line in text.split("\n"):
        if line.startswith("import ") and line in seen:
            continue
        if line.startswith("import "):
            seen.add(line)
        lines.append(line)
    return "\n".join(lines)


def generate(target: Path) -> None:
    """Write the sync package generated from :data:`SOURCE` to ``target`` (replaced whole)."""
    with warnings.catch_warnings():
        # unasync imports setuptools, which may import the deprecated distutils; not ours.
        warnings.simplefilter("ignore", DeprecationWarning)
        import unasync

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "_async"
        shutil.copytree(SOURCE, work, ignore=shutil.ignore_patterns("__pycache__"))
        files = sorted(work.rglob("*.py"))
        rule = unasync.Rule("/_async/", "/_sync/", additional_replacements=_token_names(files))
        unasync.unasync_files([str(path) for path in files], [rule])
        out = Path(tmp) / "_sync"
        for path in sorted(out.rglob("*.py")):
            source = SOURCE / path.relative_to(out)
            path.write_text(header(source) + convert(path.read_text()), encoding="utf-8")
        _ruff(out)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(out, target)


def _token_names(files: list[Path]) -> dict[str, str]:
    """unasync's replacements: ours, and ``AsyncX`` → ``X`` (its default is ``SyncX``)."""
    names = dict(NAMES)
    for path in files:
        for match in ASYNC_NAME.finditer(path.read_text()):
            names.setdefault(match.group(0), match.group(1))
    return names


def _ruff(directory: Path) -> None:
    # Outside the tree ruff cannot tell that the new modules are ours: say so.
    config = ["--config", str(ROOT / "pyproject.toml")]
    config += ["--config", "lint.isort.known-first-party = ['agent_gateway_client']"]
    ruff = [sys.executable, "-m", "ruff"]
    # Imports, and the loops that only sync code can write shorter (yield from, list()).
    rules = ["--select", "I,F401,UP028,C416", "--unsafe-fixes"]
    fix = [*ruff, "check", *config, "--fix", *rules, "--quiet"]
    subprocess.run([*fix, str(directory)], check=True)
    subprocess.run([*ruff, "format", *config, "--quiet", str(directory)], check=True)


def stale_files(target: Path = TARGET) -> list[str]:
    """The files of ``target`` that differ from a fresh generation (missing, extra or
    changed), relative to it; empty when it is current."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "_sync"
        generate(fresh)
        expected = {p.relative_to(fresh) for p in fresh.rglob("*.py")}
        actual = {p.relative_to(target) for p in target.rglob("*.py")} if target.exists() else set()
        differing = {
            path
            for path in expected & actual
            if not filecmp.cmp(fresh / path, target / path, shallow=False)
        }
        return sorted(str(path) for path in (expected ^ actual) | differing)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if _sync is out of date")
    args = parser.parse_args()
    if args.check:
        stale = stale_files()
        if stale:
            print(f"stale: {', '.join(stale)}; run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    generate(TARGET)
    return 0


if __name__ == "__main__":
    sys.exit(main())
