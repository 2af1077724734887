"""Contract of UserConfigStore and McpServerStore: secrets round-trip, names stay unique."""

from __future__ import annotations

import pytest

from agent_gateway_core.errors import DuplicateError
from agent_gateway_core.ports.persistence import PersistenceBackend
from agent_gateway_testing.contracts.persistence.base import PersistenceFixture
from agent_gateway_testing.contracts.persistence.records import at, mcp_server, user_config


class UserConfigStoreContract(PersistenceFixture):
    """Every sentence of the UserConfigStore docstring, against ``persistence.user_configs``."""

    async def test_user_config_save_then_get_returns_decrypted_secrets(
        self, persistence: PersistenceBackend
    ) -> None:
        config = user_config("user-1", "agent-a", secrets={"empty": "", "pin": "pässwörd-✓"})
        await persistence.user_configs.save(config)
        assert await persistence.user_configs.get("user-1", "agent-a") == config

    async def test_user_config_keeps_instructions_setup_state_and_creation_time(
        self, persistence: PersistenceBackend
    ) -> None:
        config = user_config(
            "user-1",
            "agent-a",
            instructions="Answer in French.\nNever before 9 ✓",
            setup_completed=False,
            created_at=at(1),
            updated_at=at(2),
        )
        await persistence.user_configs.save(config)
        assert await persistence.user_configs.get("user-1", "agent-a") == config
        bare = user_config("user-2", "agent-a")  # the defaults: no instructions, complete
        await persistence.user_configs.save(bare)
        stored = await persistence.user_configs.get("user-2", "agent-a")
        assert stored == bare
        assert stored is not None
        assert (stored.instructions, stored.setup_completed, stored.created_at) == (
            None,
            True,
            None,
        )

    async def test_user_config_get_unknown_returns_none(
        self, persistence: PersistenceBackend
    ) -> None:
        await persistence.user_configs.save(user_config("user-1", "agent-a"))
        assert await persistence.user_configs.get("user-1", "agent-b") is None
        assert await persistence.user_configs.get("user-2", "agent-a") is None

    async def test_user_config_save_replaces(self, persistence: PersistenceBackend) -> None:
        await persistence.user_configs.save(user_config("user-1", "agent-a"))
        replacement = user_config(
            "user-1", "agent-a", values={"region": "us"}, secrets={}, updated_at=at(9)
        )
        await persistence.user_configs.save(replacement)
        assert await persistence.user_configs.get("user-1", "agent-a") == replacement

    async def test_user_config_list_for_user_orders_by_agent_id(
        self, persistence: PersistenceBackend
    ) -> None:
        for user_id, agent_id in [("user-1", "zeta"), ("user-2", "beta"), ("user-1", "alpha")]:
            await persistence.user_configs.save(user_config(user_id, agent_id))
        mine = await persistence.user_configs.list_for_user("user-1")
        assert [(c.user_id, c.agent_id) for c in mine] == [("user-1", "alpha"), ("user-1", "zeta")]
        assert mine[0].secrets == user_config("user-1", "alpha").secrets
        assert await persistence.user_configs.list_for_user("nobody") == []

    async def test_user_config_delete_reports_whether_it_existed(
        self, persistence: PersistenceBackend
    ) -> None:
        await persistence.user_configs.save(user_config("user-1", "agent-a"))
        assert await persistence.user_configs.delete("user-1", "agent-a") is True
        assert await persistence.user_configs.get("user-1", "agent-a") is None
        assert await persistence.user_configs.delete("user-1", "agent-a") is False


class McpServerStoreContract(PersistenceFixture):
    """Every sentence of the McpServerStore docstring, against ``persistence.mcp_servers``."""

    async def test_mcp_server_save_then_get_by_id_and_name(
        self, persistence: PersistenceBackend
    ) -> None:
        config = mcp_server("files", args=("--root", "/tmp"), env={"MODE": "ro"})
        await persistence.mcp_servers.save(config)
        assert await persistence.mcp_servers.get(config.id) == config
        assert await persistence.mcp_servers.get_by_name("files") == config

    async def test_mcp_server_unknown_returns_none(self, persistence: PersistenceBackend) -> None:
        assert await persistence.mcp_servers.get("no-such-id") is None
        assert await persistence.mcp_servers.get_by_name("no-such-name") is None

    async def test_mcp_server_save_same_id_replaces_and_may_rename(
        self, persistence: PersistenceBackend
    ) -> None:
        config = mcp_server("files")
        await persistence.mcp_servers.save(config)
        renamed = config.model_copy(
            update={"name": "documents", "credentials": {}, "enabled": False, "updated_at": at(3)}
        )
        await persistence.mcp_servers.save(renamed)
        assert await persistence.mcp_servers.get(config.id) == renamed
        assert await persistence.mcp_servers.get_by_name("documents") == renamed
        assert await persistence.mcp_servers.get_by_name("files") is None

    async def test_mcp_server_other_id_with_taken_name_raises_duplicate(
        self, persistence: PersistenceBackend
    ) -> None:
        original = mcp_server("files")
        await persistence.mcp_servers.save(original)
        with pytest.raises(DuplicateError, match="files"):
            await persistence.mcp_servers.save(mcp_server("files"))
        assert await persistence.mcp_servers.list_all() == [original]

    async def test_mcp_server_list_all_orders_by_name(
        self, persistence: PersistenceBackend
    ) -> None:
        for name in ["weather", "calendar", "files"]:
            await persistence.mcp_servers.save(mcp_server(name))
        listed = await persistence.mcp_servers.list_all()
        assert [s.name for s in listed] == ["calendar", "files", "weather"]
        assert all(s.credentials == {"token": "mcp-contract-token-456"} for s in listed)

    async def test_mcp_server_delete_reports_whether_it_existed_and_frees_the_name(
        self, persistence: PersistenceBackend
    ) -> None:
        config = mcp_server("files")
        await persistence.mcp_servers.save(config)
        assert await persistence.mcp_servers.delete(config.id) is True
        assert await persistence.mcp_servers.get(config.id) is None
        assert await persistence.mcp_servers.delete(config.id) is False
        successor = mcp_server("files")
        await persistence.mcp_servers.save(successor)
        assert await persistence.mcp_servers.get_by_name("files") == successor
