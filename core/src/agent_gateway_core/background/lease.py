"""InstanceLease: this process's lease in the store, renewed on a timer, and the recovery sweeps."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from agent_gateway_core.background.recovery import OrphanRecovery
from agent_gateway_core.errors import AgentGatewayError
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.persistence.instances import InstanceStore

logger = logging.getLogger(__name__)

HEARTBEATS_PER_LEASE = 3


class InstanceLease:
    """Keeps ``instance_id`` live in ``instances`` while this process runs, and recovers the
    orphans of dead instances.

    :meth:`start` writes the lease (``lease_seconds`` from now) and starts a task that renews
    it every ``lease_seconds / 3`` and sweeps (``recovery.sweep()``) right away, then every
    ``lease_seconds``. An instance that misses two renewals in a row is still live; one that
    stops (or cannot reach the store) for a whole lease is dead to the others.

    :attr:`owner` is what this process records as the owner of the executions it takes on:
    its id once a lease was written, ``None`` before (an execution without an owner is never
    recovered, so none is ever taken from an instance that holds no lease). A store that is
    down is retried every renewal; recovery errors are logged and retried at the next sweep.
    :meth:`stop_recovery` ends the sweeps (a closing runtime takes nothing on any more);
    :meth:`aclose` stops the task and releases the lease, so the others need not wait for
    it to run out.
    """

    def __init__(
        self,
        *,
        instance_id: str,
        instances: InstanceStore,
        clock: Clock,
        recovery: OrphanRecovery,
        lease_seconds: float,
    ) -> None:
        if lease_seconds <= 0:
            raise ValueError(f"lease_seconds must be positive, got {lease_seconds}")
        self.instance_id = instance_id
        self.lease_seconds = lease_seconds
        self._instances = instances
        self._clock = clock
        self._recovery = recovery
        self._held = False
        self._recovering = True
        self._sweeping = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._store_down = False

    @property
    def owner(self) -> str | None:
        """This instance's id once its lease is written, else ``None``."""
        return self.instance_id if self._held else None

    async def start(self) -> None:
        """Write the lease (a store that is down is retried by the task), start the task."""
        if self._task is not None:
            return
        await self._heartbeat()
        self._task = asyncio.create_task(self._run(), name=f"instance-lease-{self.instance_id}")

    async def recover_now(self) -> int:
        """Sweep now rather than at the next period, renewing the lease first (what a sweep
        hands back is taken on by this instance); how many orphans it recovered."""
        await self._heartbeat()
        async with self._sweeping:
            return await self._recovery.sweep()

    async def stop_recovery(self) -> None:
        """No more sweeps; returns once a sweep in progress has finished."""
        self._recovering = False
        async with self._sweeping:
            pass

    async def aclose(self) -> None:
        """Stop renewing and sweeping, and release the lease; twice is harmless."""
        self._recovering = False
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        if self._held:
            self._held = False
            try:
                await self._instances.release(self.instance_id)
            except AgentGatewayError as exc:
                logger.warning("could not release the lease of %s: %s", self.instance_id, exc)

    async def _run(self) -> None:
        interval = self.lease_seconds / HEARTBEATS_PER_LEASE
        beats = 0
        while True:
            if beats % HEARTBEATS_PER_LEASE == 0:
                await self._sweep()
            await self._clock.sleep(interval)
            await self._heartbeat()
            beats += 1

    async def _heartbeat(self) -> None:
        expires_at = self._clock.now() + timedelta(seconds=self.lease_seconds)
        try:
            await self._instances.heartbeat(self.instance_id, expires_at)
        except Exception as exc:  # the task must outlive any failure, or the lease runs out
            if not self._store_down:
                unexpected = not isinstance(exc, AgentGatewayError)
                logger.warning(
                    "could not renew the lease of %s: %s",
                    self.instance_id,
                    exc,
                    exc_info=unexpected,
                )
            self._store_down = True
            return
        if self._store_down:
            logger.info("the lease of %s is renewed again", self.instance_id)
        self._store_down = False
        self._held = True

    async def _sweep(self) -> None:
        if not self._held or not self._recovering:
            return  # a sweep needs this instance live: it hands orphans to itself
        async with self._sweeping:
            if not self._recovering:
                return
            try:
                await self._recovery.sweep()
            except Exception:
                logger.exception("recovering the executions of stopped instances failed")
