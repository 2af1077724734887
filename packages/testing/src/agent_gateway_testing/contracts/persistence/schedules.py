"""Contract of ScheduleStore: create, save, revisions, ordering, soft delete, runs; and the
backend's schedule lock."""

from __future__ import annotations

import asyncio

from agent_gateway_core.domain.schedule import ScheduleSource
from agent_gateway_core.ports.persistence import PersistenceBackend
from agent_gateway_testing.contracts.persistence.base import PersistenceFixture
from agent_gateway_testing.contracts.persistence.records import at, schedule


class ScheduleStoreContract(PersistenceFixture):
    """Every sentence of the ScheduleStore docstring, against ``persistence.schedules``."""

    async def test_schedule_create_then_get_returns_it_at_revision_1(
        self, persistence: PersistenceBackend
    ) -> None:
        record = schedule(
            "agent-a",
            "daily",
            input={"depth": 2},
            instructions="be brief",
            source=ScheduleSource.ADMIN,
            timezone="Europe/London",
            spec_hash="abc",
        )
        assert await persistence.schedules.create(record) is True
        assert await persistence.schedules.get(record.id) == record.model_copy(
            update={"revision": 1}
        )

    async def test_schedule_create_refuses_a_live_id_and_writes_nothing(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.schedules
        first = schedule("a", "daily")
        await store.create(first)
        assert await store.create(schedule("a", "daily", message="other")) is False
        stored = await store.get(first.id)
        assert stored is not None
        assert (stored.message, stored.revision) == (first.message, 1)

    async def test_schedule_create_replaces_a_deleted_one(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.schedules
        await store.create(schedule("a", "back", message="old"))
        await store.soft_delete("a:back")
        assert await store.create(schedule("a", "back", message="new")) is True
        stored = await store.get("a:back")
        assert stored is not None
        assert (stored.message, stored.deleted, stored.revision) == ("new", False, 3)

    async def test_schedule_concurrent_creates_of_one_id_let_exactly_one_win(
        self, persistence: PersistenceBackend
    ) -> None:
        outcomes = await asyncio.gather(
            *(
                persistence.schedules.create(schedule("a", "race", message=f"from {n}"))
                for n in range(8)
            )
        )
        assert sum(outcomes) == 1
        stored = await persistence.schedules.get("a:race")
        assert stored is not None
        assert stored.message == f"from {outcomes.index(True)}"

    async def test_schedule_save_creates_then_replaces_keeping_created_at_and_runs(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.schedules
        await store.save(schedule("agent-a", "daily", instructions="be brief"))
        await store.record_run("agent-a:daily", run_at=at(30), execution_id="e1", status="queued")
        replacement = schedule(
            "agent-a",
            "daily",
            cron_expr="*/5 * * * *",
            enabled=False,
            created_at=at(50),
            updated_at=at(60),
            last_run_at=at(99),
            last_execution_id="ignored",
        )
        await store.save(replacement)
        assert await store.get("agent-a:daily") == replacement.model_copy(
            update={
                "created_at": schedule("agent-a", "daily").created_at,
                "last_run_at": at(30),
                "last_execution_id": "e1",
                "last_status": "queued",
                "revision": 2,
            }
        )

    async def test_schedule_a_new_record_takes_its_run_fields_from_save(
        self, persistence: PersistenceBackend
    ) -> None:
        record = schedule("a", "fresh", last_run_at=at(5), last_execution_id="e0")
        await persistence.schedules.save(record)
        assert await persistence.schedules.get(record.id) == record.model_copy(
            update={"revision": 1}
        )

    async def test_schedule_revision_passed_in_is_ignored(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.schedules
        await store.save(schedule("a", "x", revision=41))
        await store.save(schedule("a", "x", revision=7))
        stored = await store.get("a:x")
        assert stored is not None
        assert stored.revision == 2

    async def test_schedule_get_unknown_returns_none(self, persistence: PersistenceBackend) -> None:
        assert await persistence.schedules.get("agent-a:nothing") is None

    async def test_schedule_list_all_orders_by_id_and_filters_by_agent(
        self, persistence: PersistenceBackend
    ) -> None:
        for agent_id, name in [("b", "x"), ("a", "z"), ("a", "y"), ("c", "w")]:
            await persistence.schedules.save(schedule(agent_id, name))
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
        await store.save(kept)
        await store.save(dropped)
        assert await store.soft_delete(dropped.id) is True
        assert [s.id for s in await store.list_all()] == [kept.id]
        assert [s.id for s in await store.list_all(include_deleted=True)] == [dropped.id, kept.id]
        deleted = await store.get(dropped.id)
        assert deleted is not None
        assert (deleted.deleted, deleted.revision) == (True, 2)

    async def test_schedule_soft_delete_twice_or_unknown_returns_false(
        self, persistence: PersistenceBackend
    ) -> None:
        record = schedule("a", "once")
        await persistence.schedules.save(record)
        assert await persistence.schedules.soft_delete(record.id) is True
        assert await persistence.schedules.soft_delete(record.id) is False
        assert await persistence.schedules.soft_delete("a:unknown") is False

    async def test_schedule_save_can_restore_a_deleted_one(
        self, persistence: PersistenceBackend
    ) -> None:
        record = schedule("a", "back")
        await persistence.schedules.save(record)
        await persistence.schedules.soft_delete(record.id)
        await persistence.schedules.save(record)
        assert [s.id for s in await persistence.schedules.list_all()] == [record.id]

    async def test_schedule_record_run_sets_run_fields_only(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.schedules
        record = schedule("a", "daily")
        await store.save(record)
        assert await store.record_run(record.id, run_at=at(90), execution_id="e9", status="queued")
        assert await store.get(record.id) == record.model_copy(
            update={
                "last_run_at": at(90),
                "last_execution_id": "e9",
                "last_status": "queued",
                "revision": 1,
            }
        )

    async def test_schedule_record_run_of_unknown_returns_false(
        self, persistence: PersistenceBackend
    ) -> None:
        ran = await persistence.schedules.record_run(
            "a:none", run_at=at(1), execution_id="e1", status="queued"
        )
        assert ran is False
        assert await persistence.schedules.get("a:none") is None

    async def test_schedule_revision_grows_with_writes_and_not_with_runs(
        self, persistence: PersistenceBackend
    ) -> None:
        store = persistence.schedules
        seen = [await store.revision()]
        assert seen == [0]
        await store.create(schedule("a", "one"))
        seen.append(await store.revision())
        await store.save(schedule("a", "two"))
        seen.append(await store.revision())
        await store.save(schedule("a", "one", enabled=False))
        seen.append(await store.revision())
        await store.soft_delete("a:two")
        seen.append(await store.revision())
        await store.create(schedule("a", "two"))
        seen.append(await store.revision())
        assert seen == sorted(set(seen)), f"revision must grow with each write: {seen}"
        await store.record_run("a:one", run_at=at(1), execution_id="e1", status="queued")
        await store.create(schedule("a", "one"))  # refused: writes nothing
        await store.soft_delete("a:unknown")
        assert await store.revision() == seen[-1]

    async def test_schedule_locks_give_one_lease_per_key(
        self, persistence: PersistenceBackend
    ) -> None:
        locks = persistence.schedule_locks
        lease = await locks.acquire("agent-a:daily@2024-01-01T09:00:00+00:00", 60)
        assert lease is not None
        assert await locks.acquire(lease.key, 60) is None
        assert await locks.acquire("agent-a:daily@2024-01-02T09:00:00+00:00", 60) is not None
        assert await locks.release(lease) is True
