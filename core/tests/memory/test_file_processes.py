"""Several processes writing one memory file at once: no write is lost, the file parses."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from agent_gateway_core.domain.memory import MemoryScope
from agent_gateway_core.memory.file_backend import FileMemoryManager

pytestmark = [
    pytest.mark.unit,
    pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX-only"),
]

AGENT = MemoryScope(agent_id="shared")
PROCESSES = 4
WRITES = 25

# Each process waits for the "go" file so that all of them write at the same time.
WRITER = """
import asyncio, sys, time
from pathlib import Path
from agent_gateway_core.domain.memory import MemoryScope
from agent_gateway_core.memory.file_backend import FileMemoryManager

root, worker, writes, go = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
deadline = time.monotonic() + 30
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.001)

async def main() -> None:
    manager = FileMemoryManager(root, max_lines=1000)
    scope = MemoryScope(agent_id="shared")
    await asyncio.gather(
        *(manager.remember(scope, f"worker {worker} fact {n}") for n in range(writes))
    )

asyncio.run(main())
"""


async def test_concurrent_processes_lose_no_write(tmp_path: Path) -> None:
    go = tmp_path / "go"
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", WRITER, str(tmp_path), str(worker), str(WRITES), str(go)
        )
        for worker in range(PROCESSES)
    ]
    go.touch()
    codes = await asyncio.wait_for(asyncio.gather(*(p.wait() for p in processes)), 60)
    assert codes == [0] * PROCESSES

    manager = FileMemoryManager(tmp_path, max_lines=1000)
    records = await manager.list_all(AGENT)
    assert sorted(r.content for r in records) == sorted(
        f"worker {w} fact {n}" for w in range(PROCESSES) for n in range(WRITES)
    )
    assert len({r.id for r in records}) == PROCESSES * WRITES
    lines = manager.path_for(AGENT).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 + PROCESSES * WRITES  # header, blank line, heading, memories
    leftovers = [p.name for p in manager.path_for(AGENT).parent.iterdir()]
    assert sorted(leftovers) == [".MEMORY.md.lock", "MEMORY.md"]


async def test_two_managers_in_one_process_share_the_lock(tmp_path: Path) -> None:
    first, second = FileMemoryManager(tmp_path), FileMemoryManager(str(tmp_path))
    records = await asyncio.gather(
        *(
            manager.remember(AGENT, f"fact {n} from manager {i}")
            for n in range(10)
            for i, manager in enumerate((first, second))
        )
    )
    assert {r.id for r in await first.list_all(AGENT)} == {r.id for r in records}
    assert len(records) == 20
