"""Where scopes live: ids cannot reach outside the agent's directory, 0.2's names are kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_gateway_core.domain.memory import MemoryScope
from agent_gateway_core.memory.file_backend import FileMemoryManager

pytestmark = pytest.mark.unit


@pytest.fixture
def manager(tmp_path: Path) -> FileMemoryManager:
    return FileMemoryManager(tmp_path / "workspace")


@pytest.mark.parametrize(
    "agent_id", ["../x", "a/b", "/etc", "..", ".", "", "a\\b", "agent\n", "-lead", "é"]
)
async def test_agent_ids_that_are_not_plain_names_are_refused(
    manager: FileMemoryManager, agent_id: str
) -> None:
    scope = MemoryScope(agent_id=agent_id)
    with pytest.raises(ValueError, match="invalid agent id"):
        await manager.remember(scope, "x")
    with pytest.raises(ValueError, match="invalid agent id"):
        await manager.list_all(scope)
    with pytest.raises(ValueError, match="invalid agent id"):
        await manager.scopes(agent_id)
    assert not manager.root.exists()


@pytest.mark.parametrize(
    "user_id", ["../../../x", "a/b", "/etc/passwd", "..", ".hidden", "a\\b", "bob\n", "x" * 101]
)
async def test_user_ids_that_are_not_plain_names_are_hashed_inside_the_agents_directory(
    manager: FileMemoryManager, user_id: str
) -> None:
    scope = MemoryScope(agent_id="support", user_id=user_id)
    path = manager.path_for(scope)
    assert path.parent == manager.root / "agents" / "support" / "memory"
    assert path.name.startswith("user-")
    assert path.name.endswith(".md")
    record = await manager.remember(scope, "a private fact")
    assert await manager.list_all(scope) == [record]
    files = [p for p in manager.root.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert files == [path]
    assert await manager.scopes("support") == [scope]  # the header names the user


@pytest.mark.parametrize("user_id", ["alice", "a.b@example.com", "user_1-x", "x" * 100])
def test_plain_user_ids_name_their_file_as_0_2_did(
    manager: FileMemoryManager, user_id: str
) -> None:
    path = manager.path_for(MemoryScope(agent_id="support", user_id=user_id))
    assert path == manager.root / "agents" / "support" / "memory" / f"{user_id}.md"


def test_the_agent_wide_scope_is_memory_md(manager: FileMemoryManager) -> None:
    path = manager.path_for(MemoryScope(agent_id="support"))
    assert path == manager.root / "agents" / "support" / "MEMORY.md"


async def test_a_plain_id_spelling_another_users_hashed_file_is_refused(
    manager: FileMemoryManager,
) -> None:
    victim = MemoryScope(agent_id="support", user_id="auth0|12345")
    await manager.remember(victim, "the victim's secret")
    name = manager.path_for(victim).name.removesuffix(".md")
    impostor = MemoryScope(agent_id="support", user_id=name)
    assert manager.path_for(impostor) == manager.path_for(victim)
    with pytest.raises(ValueError, match="another user"):
        await manager.list_all(impostor)
    with pytest.raises(ValueError, match="another user"):
        await manager.remember(impostor, "overwrite")
    assert [r.content for r in await manager.list_all(victim)] == ["the victim's secret"]


async def test_scopes_skips_0_2_hashed_files_whose_user_is_unknown(
    manager: FileMemoryManager,
) -> None:
    hashed = MemoryScope(agent_id="support", user_id="auth0|12345")
    path = manager.path_for(hashed)
    path.parent.mkdir(parents=True)
    path.write_text("## Semantic\n- [ddddeeeeffff] Has a dog\n", encoding="utf-8")
    (path.parent / "bob.md").write_text("## Semantic\n- Bob's fact\n", encoding="utf-8")
    (path.parent / "notes.txt").write_text("- not a memory file\n", encoding="utf-8")
    (path.parent / ".bob.md.lock").touch()
    assert await manager.scopes("support") == [MemoryScope(agent_id="support", user_id="bob")]
    assert len(await manager.list_all(hashed)) == 1  # still readable by its user


async def test_scopes_skips_a_user_file_copied_under_another_name(
    manager: FileMemoryManager,
) -> None:
    alice = MemoryScope(agent_id="support", user_id="alice")
    await manager.remember(alice, "Alice's fact")
    path = manager.path_for(alice)
    (path.parent / "mallory.md").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert await manager.scopes("support") == [alice]
