"""NotificationDispatcher: writes a delivery per target when an execution ends, then attempts
the due ones, in any process on the store, until each is delivered or failed for good."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from agent_gateway_core.domain.agent import AgentDefinition
from agent_gateway_core.domain.execution import ExecutionResult
from agent_gateway_core.domain.notification import DeliveryStatus, NotificationDelivery
from agent_gateway_core.errors import AgentGatewayError, NotificationDeliveryError
from agent_gateway_core.notifications.config import DeliveryConfig
from agent_gateway_core.notifications.deliveries import deliveries_for
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.notification_backend import NotificationBackend
from agent_gateway_core.ports.persistence.notifications import NotificationLogStore

logger = logging.getLogger("agent_gateway.notifications")


class NotificationDispatcher:
    """Notifications of execution ends, through a durable delivery log.

    - :meth:`execution_ended` writes one ``pending`` delivery per AGENT.md target of the
      event, *before* any attempt, in a task of its own: the execution is never delayed nor
      failed by it (a store that is down is tried again for ``max_backoff_seconds``). The log keeps one delivery per execution, event, channel and target, so
      a run recorded twice (a redelivered job) notifies once.
    - A loop (:meth:`start`) claims due deliveries — written by this process or any other,
      before a restart too — and attempts each through the backend named by its channel.
      Delivered: ``delivered``. A permanent failure, or the last of ``max_attempts``:
      ``failed``, with the error. Otherwise ``pending`` again, due after the backoff (see
      :class:`DeliveryConfig`). ``attempts`` and ``last_error`` are updated each time.
    - A claim lasts ``lease_seconds``: if the process attempting a delivery dies, another
      attempts it after that. A process that dies after the channel accepted a notification
      but before the log says so sends it again: channels see each delivery at least once,
      with the same ``delivery_id`` (a webhook's ``webhook-id``) to drop a repeat.
    """

    def __init__(
        self,
        *,
        store: NotificationLogStore,
        backends: Mapping[str, NotificationBackend],
        agents: Callable[[], Mapping[str, AgentDefinition]],
        clock: Clock,
        owner: Callable[[], str],
        config: DeliveryConfig | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._store = store
        self._backends = dict(backends)
        self._agents = agents
        self._clock = clock
        self._owner = owner
        self._config = config or DeliveryConfig()
        self._rng = rng or random.Random()
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self._writes: set[asyncio.Task[None]] = set()
        self._next_retry: datetime | None = None  # the soonest retry this process scheduled

    @property
    def backends(self) -> Mapping[str, NotificationBackend]:
        return self._backends

    # ---------------------------------------------------------------- execution ends

    def execution_ended(self, *, agent_id: str, execution_id: str, message: str,
                        result: ExecutionResult) -> None:  # fmt: skip
        """Write the deliveries of this end in the background; wake the loop once written."""
        agent = self._agents().get(agent_id)
        if agent is None:
            return
        deliveries = deliveries_for(
            agent, execution_id=execution_id, message=message, result=result,
            now=self._clock.now(),
        )  # fmt: skip
        if not deliveries:
            return
        write = asyncio.ensure_future(self._write(deliveries))
        self._writes.add(write)
        write.add_done_callback(self._writes.discard)

    async def _write(self, deliveries: list[NotificationDelivery]) -> None:
        """Record each delivery; while the store is unavailable, try again every
        ``poll_seconds`` for up to ``max_backoff_seconds``, then give up saying so."""
        deadline = self._clock.monotonic() + self._config.max_backoff_seconds
        waiting = list(deliveries)
        while waiting:
            delivery = waiting[0]
            try:
                await self._store.create(delivery)  # False: recorded already, by a first run
            except AgentGatewayError as exc:
                if self._clock.monotonic() >= deadline:
                    logger.error(
                        "notification of execution %s to %s %r was not recorded: %s",
                        delivery.execution_id, delivery.channel, delivery.target, exc,
                    )  # fmt: skip
                    waiting.pop(0)
                else:
                    await self._clock.sleep(self._config.poll_seconds)
                continue
            waiting.pop(0)
        self._wake.set()

    # ---------------------------------------------------------------- attempts

    def start(self) -> None:
        """Attempt due deliveries until :meth:`aclose`."""
        if self._loop_task is None:
            self._loop_task = asyncio.create_task(self._loop(), name="notification-delivery")

    async def aclose(self) -> None:
        """Stop attempting, wait briefly for deliveries being written, close the backends
        (those with an ``aclose``). Pending deliveries stay in the log for the next start.
        Twice is harmless."""
        task, self._loop_task = self._loop_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._writes:
            await asyncio.wait(set(self._writes), timeout=5)
        backends, self._backends = self._backends, {}
        for backend in backends.values():
            close = getattr(backend, "aclose", None)
            if close is None:
                continue
            try:
                await close()
            except Exception:  # closing one must not keep the others open
                logger.exception("closing the %r notification backend failed", backend.name)

    async def deliver_due(self) -> int:
        """Claim the deliveries due now and attempt them; how many were attempted."""
        claimed = await self._store.claim_due(
            self._clock.now(),
            owner=self._owner(),
            lease_seconds=self._config.lease_seconds,
            limit=self._config.concurrency,
        )
        if claimed:
            await asyncio.gather(*(self._attempt(delivery) for delivery in claimed))
        return len(claimed)

    async def retry(self, delivery_id: str) -> bool:
        """Make a ``failed`` delivery ``pending`` and due now (its attempts start again from
        one more); ``False`` if it is unknown or not failed."""
        delivery = await self._store.get(delivery_id)
        if delivery is None or delivery.status is not DeliveryStatus.FAILED:
            return False
        await self._store.record(
            delivery.model_copy(
                update={
                    "status": DeliveryStatus.PENDING,
                    "next_attempt_at": self._clock.now(),
                    "claimed_by": None,
                    "claimed_until": None,
                    "attempts": 0,
                }
            )
        )
        self._wake.set()
        return True

    async def _loop(self) -> None:
        while True:
            try:
                attempted = await self.deliver_due()
            except asyncio.CancelledError:
                raise
            except AgentGatewayError as exc:
                logger.warning("notification delivery: %s; retrying shortly", exc)
                attempted = 0
            except Exception:
                logger.exception("notification delivery pass failed")
                attempted = 0
            if attempted == self._config.concurrency:
                continue  # there may be more due at once
            await self._sleep(self._seconds_to_next_pass())

    def _seconds_to_next_pass(self) -> float:
        """``poll_seconds``, or less when a retry this process scheduled is due sooner."""
        wait = self._config.poll_seconds
        if self._next_retry is not None:
            wait = min(wait, (self._next_retry - self._clock.now()).total_seconds())
            self._next_retry = None
        return max(wait, 0.0)

    async def _sleep(self, seconds: float) -> None:
        if self._wake.is_set():
            self._wake.clear()
            return
        sleeper = asyncio.ensure_future(self._clock.sleep(seconds))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waker):
                task.cancel()
            self._wake.clear()

    async def _attempt(self, delivery: NotificationDelivery) -> None:
        attempts = delivery.attempts + 1
        error, permanent, retry_after = await self._send(delivery)
        now = self._clock.now()
        changes: dict[str, object] = {
            "attempts": attempts,
            "claimed_by": None,
            "claimed_until": None,
        }
        if error is None:
            changes |= {"status": DeliveryStatus.DELIVERED, "delivered_at": now,
                        "last_error": None, "next_attempt_at": None}  # fmt: skip
        elif permanent or attempts >= self._config.max_attempts:
            changes |= {"status": DeliveryStatus.FAILED, "last_error": error,
                        "next_attempt_at": None}  # fmt: skip
            logger.warning(
                "notification %s to %s %r failed after %d attempt(s): %s",
                delivery.id, delivery.channel, delivery.target, attempts, error,
            )  # fmt: skip
        else:
            delay = self._config.retry_delay(attempts, retry_after, self._rng)
            due = now + timedelta(seconds=delay)
            changes |= {"status": DeliveryStatus.PENDING, "last_error": error,
                        "next_attempt_at": due}  # fmt: skip
            if self._next_retry is None or due < self._next_retry:
                self._next_retry = due
        try:
            await self._store.record(delivery.model_copy(update=changes))
        except AgentGatewayError as exc:  # its claim lapses and it is attempted again
            logger.error("notification %s: its attempt was not recorded: %s", delivery.id, exc)

    async def _send(self, delivery: NotificationDelivery) -> tuple[str | None, bool, float | None]:
        """``(error, permanent, retry_after)``; ``error`` is ``None`` once delivered."""
        backend = self._backends.get(delivery.channel)
        if backend is None:
            known = ", ".join(sorted(self._backends)) or "none"
            return f"no {delivery.channel!r} notification backend (configured: {known})", True, None
        if delivery.notification is None:
            return "the delivery has no notification to send", True, None
        try:
            await backend.send(delivery.notification)
        except NotificationDeliveryError as exc:
            return str(exc), exc.permanent, exc.retry_after
        except Exception as exc:  # a custom backend broke the port's promise: retry it
            logger.exception("notification backend %r raised", delivery.channel)
            return f"{type(exc).__name__}: {exc}", False, None
        return None, False, None
