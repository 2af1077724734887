"""Contract of ScheduleStore: upsert, ordering and soft delete."""

from __future__ import annotations

from agent_gateway_core.ports.persistence import PersistenceBackend
from agent_gateway_testing.contracts.persistence.base import PersistenceFixture
from agent_gateway_testing.contracts.persistence.records import at, schedule


class ScheduleStoreContract(PersistenceFixture):
    """Every sentence of the ScheduleStore docstring, against ``persistence.schedules``."""

    async def test_schedule_upsert_then_get_returns_it(
        self, persistence: PersistenceBackend
    ) -> None:
        record = schedule("agent-a", "daily", input={"depth": 2}, instructions="be brief")
        await persistence.schedules.upsert(record)
        assert await persistence.schedules.get(record.id) == record

    async def test_schedule_upsert_fully_replaces(self, persistence: PersistenceBackend) -> None:
        record = schedule("agent-a", "daily", instructions="be brief", last_status="succeeded")
        await persistence.schedules.upsert(record)
        replacement = schedule(
            "agent-a", "daily", cron_expr="*/5 * * * *", enabled=False, updated_at=at(60)
        )
        await persistence.schedules.upsert(replacement)
        assert await persistence.schedules.get(record.id) == replacement

    async def test_schedule_get_unknown_returns_none(self, persistence: PersistenceBackend) -> None:
        assert await persistence.schedules.get("agent-a:nothing") is None

    async def test_schedule_list_all_orders_by_id_and_filters_by_agent(
        self, persistence: PersistenceBackend
    ) -> None:
        for agent_id, name in [("b", "x"), ("a", "z"), ("a", "y"), ("c", "w")]:
            await persistence.schedules.upsert(schedule(agent_id, name))
        everything = await persistence.schedules.list_all()
        assert [s.id for s in everything] == ["a:y", "a:z", "b:x", "c:w"]
        only_a = await persistence.schedules.list_all(agent_id="a")
        assert [s.id for s in only_a] == ["a:y", "a:z"]
        assert await persistence.schedules.list_all(agent_id="nobody") == []

    async def test_schedule_soft_delete_hides_it_from_list_but_not_from_get(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.schedules
        kept, dropped = schedule("a", "kept"), schedule("a", "dropped")
        await store.upsert(kept)
        await store.upsert(dropped)
        assert await store.soft_delete(dropped.id) is True
        assert [s.id for s in await store.list_all()] == [kept.id]
        assert [s.id for s in await store.list_all(include_deleted=True)] == [dropped.id, kept.id]
        deleted = await store.get(dropped.id)
        assert deleted is not None
        assert deleted.deleted is True

    async def test_schedule_soft_delete_twice_or_unknown_returns_false(
        self, persistence: PersistenceBackend
    ) -> None:
        record = schedule("a", "once")
        await persistence.schedules.upsert(record)
        assert await persistence.schedules.soft_delete(record.id) is True
        assert await persistence.schedules.soft_delete(record.id) is False
        assert await persistence.schedules.soft_delete("a:unknown") is False

    async def test_schedule_upsert_can_restore_a_deleted_one(
        self, persistence: PersistenceBackend
    ) -> None:
        record = schedule("a", "back")
        await persistence.schedules.upsert(record)
        await persistence.schedules.soft_delete(record.id)
        await persistence.schedules.upsert(record)
        assert [s.id for s in await persistence.schedules.list_all()] == [record.id]
