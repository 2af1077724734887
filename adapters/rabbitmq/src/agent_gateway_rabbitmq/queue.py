"""RabbitMQQueue: the ExecutionQueue port on a durable RabbitMQ queue, through aio-pika.

Broker objects, for a queue named ``Q``:

- ``Q``: durable classic queue of persistent JSON jobs (its dead-letter exchange is ``Q.dead``,
  so a message an operator rejects lands there too);
- ``Q.dead``: durable fanout exchange bound to the durable queue ``Q.dead`` (the dead letters);
- ``Q.signals``: durable fanout exchange of transient signals between instances (``cancel``,
  ``settled``, ``enqueued``), each instance reading it through an exclusive auto-delete queue
  ``Q.signals.<instance id>``.

Jobs are taken with ``basic.get`` (never pushed ahead of need): a process holds only the jobs it
handed out, ``pending_count`` is exact for this process, and a process that only enqueues never
hoards jobs. An ``enqueued`` signal wakes waiting receivers at once; they also look every
``poll_interval_seconds`` for jobs put back by the broker itself (a dead consumer's).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

import aio_pika
from aio_pika.abc import (
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustChannel,
    AbstractRobustConnection,
    DeliveryMode,
    ExchangeType,
)
from aio_pika.exceptions import AMQPError, ChannelInvalidStateError

from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_core.ports.execution_queue import (
    Delivery,
    ExecutionJob,
    ExecutionQueue,
    check_queue_settings,
)
from agent_gateway_rabbitmq.codec import decode_job, display_url, encode_job

logger = logging.getLogger(__name__)

BACKEND = "the RabbitMQ queue"
DEFAULT_URL = "amqp://guest:guest@localhost:5672/"
_DRIVER_ERRORS = (AMQPError, ChannelInvalidStateError, ConnectionError, OSError, TimeoutError)


@dataclass(slots=True)
class _InFlight:
    message: AbstractIncomingMessage
    job: ExecutionJob
    deadline: float  # time.monotonic() after which the job goes back to the queue


@dataclass(slots=True)
class _Broker:
    connection: AbstractRobustConnection
    channel: AbstractRobustChannel
    queue: AbstractQueue
    dead_exchange: AbstractExchange
    signals: AbstractExchange


class RabbitMQQueue(ExecutionQueue):
    """The ExecutionQueue port on RabbitMQ; see the module docstring for the broker objects.

    Connects lazily (or on :meth:`open`) with ``aio_pika.connect_robust``, so a broker restart
    is survived. Every driver failure is raised as ``BackendUnavailableError`` naming the
    server without its password.
    """

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        queue_name: str = "ag.executions",
        max_attempts: int = 3,
        visibility_timeout_seconds: float = 300.0,
        cancel_ttl_seconds: float = 3600.0,
        poll_interval_seconds: float = 1.0,
        connect_timeout_seconds: float = 5.0,
    ) -> None:
        check_queue_settings(
            max_attempts,
            visibility_timeout_seconds=visibility_timeout_seconds,
            cancel_ttl_seconds=cancel_ttl_seconds,
            poll_interval_seconds=poll_interval_seconds,
            connect_timeout_seconds=connect_timeout_seconds,
        )
        if not queue_name:
            raise ValueError("queue_name must not be empty")
        self.max_attempts = max_attempts
        self.queue_name = queue_name
        self.dead_letter_name = f"{queue_name}.dead"
        self.signals_name = f"{queue_name}.signals"
        self._url = url
        self._display_url = display_url(url)
        self._visibility_timeout = visibility_timeout_seconds
        self._cancel_ttl = cancel_ttl_seconds
        self._poll_interval = poll_interval_seconds
        self._timeout = connect_timeout_seconds
        self._instance = uuid.uuid4().hex  # tells this object's own signals from others'
        self._broker: _Broker | None = None
        self._open_lock = asyncio.Lock()
        self._closed = False
        self._reaper: asyncio.Task[None] | None = None
        self._in_flight: dict[str, _InFlight] = {}
        self._pending: set[str] = set()  # execution ids enqueued or received here, not settled
        self._cancels: dict[str, float] = {}  # execution id -> monotonic expiry
        self._work = asyncio.Event()

    @classmethod
    def from_settings(cls, options: Mapping[str, Any]) -> RabbitMQQueue:
        """From gateway.yaml's ``queue`` section: ``url`` or ``rabbitmq_url``, ``queue_name``,
        ``max_retries`` (a job runs at most ``max_retries + 1`` times) and
        ``visibility_timeout_s``; other keys are for other queues."""
        url = options.get("url") or options.get("rabbitmq_url") or DEFAULT_URL
        return cls(
            str(url),
            queue_name=str(options.get("queue_name") or "ag.executions"),
            max_attempts=int(options.get("max_retries", 3)) + 1,
            visibility_timeout_seconds=float(options.get("visibility_timeout_s", 300)),
        )

    @property
    def visibility_timeout_seconds(self) -> float:
        """How long a received job stays invisible before it is delivered again."""
        return self._visibility_timeout

    @property
    def display_url(self) -> str:
        """The broker URL without its password."""
        return self._display_url

    # ------------------------------------------------------------------ lifecycle

    async def open(self) -> None:
        """Connect and declare the broker objects; idempotent. Other calls do it lazily."""
        await self._opened()

    async def aclose(self) -> None:
        """Close the connection this object made; twice is harmless. Jobs received and not
        yet acked go back to the queue (and count as an attempt when received again)."""
        if self._closed:
            return
        self._closed = True
        if self._reaper is not None:
            self._reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reaper
        broker, self._broker = self._broker, None
        self._in_flight.clear()
        if broker is not None:
            with contextlib.suppress(*_DRIVER_ERRORS):
                await broker.connection.close()

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    # ------------------------------------------------------------------ the port

    async def enqueue(self, job: ExecutionJob) -> None:
        if job.execution_id in self._pending:
            return
        broker = await self._opened()
        self._pending.add(job.execution_id)  # before the await: a concurrent twin is a no-op
        try:
            await self._publish(broker, job)
        except BaseException:
            self._pending.discard(job.execution_id)
            raise
        await self._announce_work(broker)

    async def receive(self, timeout_seconds: float) -> Delivery | None:
        broker = await self._opened()
        deadline = time.monotonic() + max(0.0, timeout_seconds)
        while True:
            # Cleared before looking, so a job announced while we look still wakes us.
            self._work.clear()
            delivery = await self._take(broker)
            remaining = deadline - time.monotonic()
            if delivery is not None or remaining <= 0:
                return delivery
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._work.wait(), min(remaining, self._poll_interval))

    async def extend(self, delivery: Delivery) -> None:
        broker = await self._opened()
        await self._reclaim_expired(broker)  # a delivery already past its timeout stays back
        in_flight = self._in_flight.get(delivery.receipt)
        if in_flight is not None:
            in_flight.deadline = time.monotonic() + self._visibility_timeout

    async def ack(self, delivery: Delivery) -> None:
        in_flight = self._in_flight.pop(delivery.receipt, None)
        if in_flight is None:
            return
        broker = await self._opened()
        await self._settle(in_flight.message)
        await self._forget(broker, in_flight.job.execution_id)

    async def retry(self, delivery: Delivery, error: str) -> bool:
        in_flight = self._in_flight.pop(delivery.receipt, None)
        if in_flight is None:  # acked, or its visibility timeout already put it back
            return False
        broker = await self._opened()
        return await self._end_attempt(broker, in_flight.message, in_flight.job, error)

    async def release(self, delivery: Delivery) -> None:
        """Publish the job again on the same attempt, then ack the message taken (a crash in
        between duplicates the job, never loses it). Not ``basic.nack`` with requeue: the
        broker marks a requeued message redelivered, and a redelivered message counts as an
        attempt here (its consumer went away)."""
        in_flight = self._in_flight.pop(delivery.receipt, None)
        if in_flight is None:  # acked, retried, released, or its visibility timeout passed
            return
        broker = await self._opened()
        await self._publish(broker, in_flight.job)
        await self._settle(in_flight.message)
        await self._announce_work(broker)

    async def dead_letters(self) -> list[ExecutionJob]:
        """Every dead letter, oldest first: read with ``basic.get`` on a channel of its own,
        then put back in place by closing that channel (a listing made at the same time by
        another caller may miss the ones this one holds for that moment)."""
        broker = await self._opened()
        jobs: list[ExecutionJob] = []
        async with self._translate("read the dead letters of"):
            channel = await broker.connection.channel(publisher_confirms=False)
            try:
                dead = await channel.get_queue(self.dead_letter_name, ensure=False)
                while (message := await dead.get(fail=False, timeout=self._timeout)) is not None:
                    try:
                        jobs.append(decode_job(message.body))
                    except ValueError:
                        logger.warning("%s holds a message that is not a job", dead.name)
            finally:
                await channel.close()  # every message taken goes back to its place
        return jobs

    async def request_cancel(self, execution_id: str) -> None:
        self._cancels[execution_id] = time.monotonic() + self._cancel_ttl
        broker = await self._opened()
        await self._signal(broker, "cancel", execution_id)

    async def is_cancel_requested(self, execution_id: str) -> bool:
        await self._opened()  # subscribed from now on
        return self._cancelled(execution_id)

    async def pending_count(self) -> int:
        """Jobs ready in the broker plus jobs in flight in THIS process (AMQP does not tell
        how many are unacked elsewhere)."""
        broker = await self._opened()
        await self._reclaim_expired(broker)
        async with self._translate("count the jobs of"):
            declared = await broker.queue.declare(timeout=self._timeout)
        return int(declared.message_count or 0) + len(self._in_flight)

    # ------------------------------------------------------------------ connection

    async def _opened(self) -> _Broker:
        if self._broker is not None:
            return self._broker
        async with self._open_lock:
            if self._closed:
                raise BackendUnavailableError(
                    f"{BACKEND} at {self._display_url} was closed", backend=BACKEND
                )
            if self._broker is None:
                self._broker = await self._connect()
                self._reaper = asyncio.create_task(
                    self._reap_forever(), name=f"rabbitmq-reaper-{self.queue_name}"
                )
        return self._broker

    async def _connect(self) -> _Broker:
        async with self._translate("connect to"):
            connection = await aio_pika.connect_robust(
                self._url,
                timeout=self._timeout,
                client_properties={"connection_name": f"agent-gateway {self.queue_name}"},
            )
            try:
                channel = await connection.channel()  # publisher confirms are on by default
                dead_exchange = await channel.declare_exchange(
                    self.dead_letter_name, ExchangeType.FANOUT, durable=True
                )
                dead_queue = await channel.declare_queue(self.dead_letter_name, durable=True)
                await dead_queue.bind(dead_exchange)
                queue = await channel.declare_queue(
                    self.queue_name,
                    durable=True,
                    arguments={"x-dead-letter-exchange": self.dead_letter_name},
                )
                signals = await channel.declare_exchange(
                    self.signals_name, ExchangeType.FANOUT, durable=True
                )
                inbox = await channel.declare_queue(
                    f"{self.signals_name}.{self._instance}", exclusive=True, auto_delete=True
                )
                await inbox.bind(signals)
                await inbox.consume(self._on_signal, no_ack=True)
            except BaseException:
                with contextlib.suppress(*_DRIVER_ERRORS):
                    await connection.close()
                raise
        return _Broker(connection, channel, queue, dead_exchange, signals)

    @contextlib.asynccontextmanager
    async def _translate(self, action: str) -> AsyncIterator[None]:
        try:
            yield
        except _DRIVER_ERRORS as exc:
            cause = str(exc) or type(exc).__name__
            password = self._password()
            if password:
                cause = cause.replace(password, "***")
            raise BackendUnavailableError(
                f"cannot {action} {BACKEND} at {self._display_url}: {cause}", backend=BACKEND
            ) from exc

    def _password(self) -> str | None:
        return urlsplit(self._url).password

    # ------------------------------------------------------------------ jobs

    async def _publish(self, broker: _Broker, job: ExecutionJob) -> None:
        message = aio_pika.Message(
            encode_job(job),
            content_type="application/json",
            delivery_mode=DeliveryMode.PERSISTENT,
            message_id=f"{job.execution_id}:{job.attempt}",
            headers={"execution_id": job.execution_id, "attempt": job.attempt},
        )
        async with self._translate("publish to"):  # returns once the broker confirms it
            await broker.channel.default_exchange.publish(message, routing_key=self.queue_name)

    async def _take(self, broker: _Broker) -> Delivery | None:
        """The next job to hand out, or ``None``; drops cancelled jobs on the way."""
        await self._reclaim_expired(broker)
        while True:
            async with self._translate("receive from"):
                message = await broker.queue.get(fail=False, timeout=self._timeout)
            if message is None:
                return None
            try:
                job = decode_job(message.body)
            except ValueError:
                logger.warning("%s: a message that is not a job goes to the dead letters", self)
                async with self._translate("dead-letter a message of"):
                    await message.reject(requeue=False)  # the queue's dead-letter exchange
                continue
            if message.redelivered:
                # A consumer received it and went away without acking: that attempt counts.
                await self._end_attempt(broker, message, job, "its consumer went away")
                continue
            if self._cancelled(job.execution_id):
                await self._settle(message)
                await self._forget(broker, job.execution_id)
                continue
            receipt = uuid.uuid4().hex
            deadline = time.monotonic() + self._visibility_timeout
            self._in_flight[receipt] = _InFlight(message, job, deadline)
            self._pending.add(job.execution_id)
            return Delivery(job=job, receipt=receipt, attempt=job.attempt)

    async def _end_attempt(
        self, broker: _Broker, message: AbstractIncomingMessage, job: ExecutionJob, error: str
    ) -> bool:
        """Put the job back at ``attempt + 1`` (new message first, then ack the old: a crash
        in between duplicates it, never loses it), or dead-letter it on its last attempt."""
        if job.attempt >= self.max_attempts:
            dead = aio_pika.Message(
                encode_job(job),
                content_type="application/json",
                delivery_mode=DeliveryMode.PERSISTENT,
                message_id=f"{job.execution_id}:{job.attempt}",
                headers={
                    "execution_id": job.execution_id,
                    "attempt": job.attempt,
                    "x-last-error": error[:1000],
                },
            )
            async with self._translate("dead-letter a job of"):
                await broker.dead_exchange.publish(dead, routing_key="")
            await self._settle(message)
            await self._forget(broker, job.execution_id)
            return False
        await self._publish(broker, dataclasses.replace(job, attempt=job.attempt + 1))
        await self._settle(message)
        await self._announce_work(broker)
        return True

    async def _settle(self, message: AbstractIncomingMessage) -> None:
        try:
            await message.ack()
        except ChannelInvalidStateError:
            # Its channel went down with the connection: the broker has already put it back,
            # and it comes again as a redelivery. At-least-once, as the port allows.
            logger.warning("%s: an ack was lost with its channel", self)
        except (AMQPError, ConnectionError, OSError) as exc:
            logger.warning("%s: an ack failed (%s); the job may run again", self, exc)

    async def _reclaim_expired(self, broker: _Broker) -> None:
        now = time.monotonic()
        for receipt in [r for r, f in self._in_flight.items() if f.deadline <= now]:
            in_flight = self._in_flight.pop(receipt, None)
            if in_flight is not None:
                await self._end_attempt(
                    broker, in_flight.message, in_flight.job, "its visibility timeout passed"
                )

    async def _reap_forever(self) -> None:
        """Visibility timeouts pass even when nobody calls this object."""
        tick = max(0.02, min(self._visibility_timeout / 10, 1.0))
        while True:
            await asyncio.sleep(tick)
            broker = self._broker
            if broker is None:
                return
            now = time.monotonic()
            for execution_id in [i for i, at in self._cancels.items() if at <= now]:
                del self._cancels[execution_id]
            try:
                await self._reclaim_expired(broker)
            except BackendUnavailableError as exc:
                logger.warning("%s: cannot put expired deliveries back yet: %s", self, exc)

    # ------------------------------------------------------------------ signals

    async def _forget(self, broker: _Broker, execution_id: str) -> None:
        """The job left the queue for good: it may be enqueued again, here and elsewhere."""
        self._pending.discard(execution_id)
        with contextlib.suppress(BackendUnavailableError):
            await self._signal(broker, "settled", execution_id)

    async def _announce_work(self, broker: _Broker) -> None:
        self._work.set()
        with contextlib.suppress(BackendUnavailableError):
            await self._signal(broker, "enqueued", "")

    async def _signal(self, broker: _Broker, kind: str, execution_id: str) -> None:
        ttl = self._cancel_ttl if kind == "cancel" else 60.0
        message = aio_pika.Message(
            json.dumps({"kind": kind, "execution_id": execution_id}).encode(),
            content_type="application/json",
            delivery_mode=DeliveryMode.NOT_PERSISTENT,
            app_id=self._instance,
            expiration=ttl,
        )
        async with self._translate("signal through"):
            await broker.signals.publish(message, routing_key="")

    async def _on_signal(self, message: AbstractIncomingMessage) -> None:
        if message.app_id == self._instance:
            return
        try:
            signal = json.loads(message.body)
            kind, execution_id = str(signal["kind"]), str(signal["execution_id"])
        except (KeyError, TypeError, ValueError):
            logger.warning("%s: ignored a malformed signal %r", self, message.body[:200])
            return
        if kind == "cancel":
            self._cancels[execution_id] = time.monotonic() + self._cancel_ttl
        elif kind == "settled":
            self._pending.discard(execution_id)
        elif kind == "enqueued":
            self._work.set()

    def _cancelled(self, execution_id: str) -> bool:
        expiry = self._cancels.get(execution_id)
        if expiry is None:
            return False
        if expiry <= time.monotonic():
            del self._cancels[execution_id]
            return False
        return True

    def __repr__(self) -> str:
        return f"RabbitMQQueue({self._display_url!r}, queue_name={self.queue_name!r})"
