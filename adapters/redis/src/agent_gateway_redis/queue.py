"""RedisStreamsQueue: the ExecutionQueue port on a Redis stream and its consumer group."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import secrets
import socket
import time
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

from redis import exceptions as redis_errors
from redis.asyncio import Redis

from agent_gateway_core.errors import ConfigError
from agent_gateway_core.ports.execution_queue import (
    Delivery,
    ExecutionJob,
    ExecutionQueue,
    check_queue_settings,
)
from agent_gateway_redis import _scripts
from agent_gateway_redis._cancels import CancelListener
from agent_gateway_redis._codec import (
    Receipt,
    decode_dead_letter,
    decode_job,
    encode_dead_letter,
    encode_job,
    text,
)
from agent_gateway_redis._connection import DEFAULT_URL, connect
from agent_gateway_redis._errors import unavailable_as_core_error
from agent_gateway_redis._keys import QueueKeys

logger = logging.getLogger(__name__)

_RECLAIM_SCAN_LIMIT = 100  # entries one reclaim may dead-letter before it gives up for now
DEFAULT_DEAD_LETTER_MAX = 10_000
IDLE_CONSUMER_TIMEOUTS = 10  # visibility timeouts a consumer with nothing pending may stay idle


def default_consumer_name() -> str:
    """``hostname-pid-random``: unique per queue object, readable in ``XINFO CONSUMERS``."""
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


class RedisStreamsQueue(ExecutionQueue):
    """Execution jobs on a Redis stream read through a consumer group (at-least-once).

    - ``enqueue`` is ``XADD``, deduplicated by a hash of pending execution ids in the same
      Lua script. ``receive`` first claims (``XAUTOCLAIM``) entries idle longer than the
      visibility timeout, a dead or stuck consumer's, with their attempt raised by one, or
      dead-letters them on their last attempt; then reads new entries (``XREADGROUP BLOCK``).
      It drops (acks) entries whose execution has a cancellation request.
    - ``extend`` resets the entry's idle time (``XCLAIM ... JUSTID`` to the same consumer).
    - ``ack`` is ``XACK`` + ``XDEL``, so ``pending_count`` is ``XLEN``. ``retry`` acks and
      adds the job again at the back of the stream with the next attempt, or pushes it to
      the dead-letter list, which keeps the newest ``dead_letter_max`` (``LTRIM``).
      ``release`` acks and adds the job again at the back of the stream on the same attempt.
    - Each queue object is a consumer of its own name. ``receive`` deletes, on its first call
      and then once per ``idle_consumer_seconds`` (default ten visibility timeouts), the
      group's consumers that have nothing pending and have been idle that long: those of
      processes gone for good. A consumer with pending entries is never deleted.
    - ``request_cancel`` sets a key with a TTL and publishes on a channel. Each queue keeps
      a set fed by a subscriber task (started on first use, stopped by ``aclose``), so a
      request heard over pub/sub is answered from memory; otherwise the key decides.

    Connection failures and timeouts raise ``BackendUnavailableError`` naming the server,
    never its password. A client passed in is used as is and not closed by ``aclose``.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: Redis | None = None,
        stream_key: str = "ag:executions",
        consumer_group: str = "ag-workers",
        consumer_name: str | None = None,
        max_attempts: int = 3,
        visibility_timeout_seconds: float = 300.0,
        cancel_ttl_seconds: float = 3600.0,
        key_prefix: str | None = None,
        poll_interval_seconds: float = 1.0,
        operation_timeout_seconds: float = 5.0,
        dead_letter_max: int = DEFAULT_DEAD_LETTER_MAX,
        idle_consumer_seconds: float | None = None,
    ) -> None:
        if idle_consumer_seconds is None:
            idle_consumer_seconds = IDLE_CONSUMER_TIMEOUTS * visibility_timeout_seconds
        check_queue_settings(
            max_attempts,
            visibility_timeout_seconds=visibility_timeout_seconds,
            cancel_ttl_seconds=cancel_ttl_seconds,
            poll_interval_seconds=poll_interval_seconds,
            operation_timeout_seconds=operation_timeout_seconds,
            idle_consumer_seconds=idle_consumer_seconds,
        )
        if dead_letter_max < 1:
            raise ValueError(f"dead_letter_max must be at least 1, got {dead_letter_max}")
        connection = connect(
            url, client, timeout_seconds=operation_timeout_seconds, purpose="the queue"
        )
        self._server: str = connection.server
        self._owns_client = connection.owned
        client = connection.client
        self._client: Redis = client
        self.max_attempts = max_attempts
        self._visibility_timeout = visibility_timeout_seconds
        self._cancel_ttl = cancel_ttl_seconds
        self._dead_letter_max = dead_letter_max
        self._idle_consumer_seconds = idle_consumer_seconds
        self._next_consumer_sweep = 0.0  # time.monotonic() of the next deletion of idle ones
        # Waits are cut into slices: expired deliveries are looked for between two, and no
        # blocking read outlasts the socket timeout.
        self._poll_interval = min(
            poll_interval_seconds, visibility_timeout_seconds / 2, operation_timeout_seconds / 2
        )
        self._group = consumer_group
        self._consumer = consumer_name or default_consumer_name()
        self._keys = QueueKeys(stream=stream_key, prefix=key_prefix or stream_key)
        self._cancels = CancelListener(client, self._keys.cancel_channel, cancel_ttl_seconds)
        self._enqueue = client.register_script(_scripts.ENQUEUE)
        self._reclaim = client.register_script(_scripts.RECLAIM)
        self._ack = client.register_script(_scripts.ACK)
        self._retry = client.register_script(_scripts.RETRY)
        self._release = client.register_script(_scripts.RELEASE)
        self._extend = client.register_script(_scripts.EXTEND)
        self._delete_idle = client.register_script(_scripts.DELETE_IDLE_CONSUMERS)
        self._group_ready = False
        self._closed = False

    @classmethod
    def from_settings(cls, options: Mapping[str, Any]) -> RedisStreamsQueue:
        """From gateway.yaml's ``queue`` section: ``url`` (wins) or ``redis_url``,
        ``stream_key``, ``consumer_group``, ``max_retries`` (a job runs ``max_retries + 1``
        times), ``visibility_timeout_s``; optional ``cancel_ttl_seconds``, ``key_prefix``,
        ``consumer_name``. Other keys are ignored (the section serves every queue)."""
        try:
            kwargs: dict[str, Any] = {
                "stream_key": str(options.get("stream_key") or "ag:executions"),
                "consumer_group": str(options.get("consumer_group") or "ag-workers"),
                "max_attempts": int(options.get("max_retries", 3)) + 1,
                "visibility_timeout_seconds": float(options.get("visibility_timeout_s", 300)),
            }
            if options.get("cancel_ttl_seconds") is not None:
                kwargs["cancel_ttl_seconds"] = float(options["cancel_ttl_seconds"])
            for key in ("key_prefix", "consumer_name"):
                if options.get(key):
                    kwargs[key] = str(options[key])
            url = options.get("url") or options.get("redis_url") or DEFAULT_URL
            return cls(str(url), **kwargs)
        except (TypeError, ValueError) as exc:
            if isinstance(exc, ConfigError):
                raise
            raise ConfigError(f"invalid queue settings for Redis: {exc}") from exc

    @property
    def visibility_timeout_seconds(self) -> float:
        """How long a received job stays invisible before it is delivered again."""
        return self._visibility_timeout

    @property
    def consumer_name(self) -> str:
        """This queue's consumer in the group."""
        return self._consumer

    @property
    def server(self) -> str:
        """The Redis server, as error messages name it: no user name, no password."""
        return self._server

    @property
    def keys(self) -> QueueKeys:
        """The Redis keys this queue uses."""
        return self._keys

    async def __aenter__(self) -> Self:
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
        raw = encode_job(job)
        with unavailable_as_core_error(self._server):
            await self._ensure_group()
            await self._enqueue(
                keys=[self._keys.stream, self._keys.pending, self._keys.attempts],
                args=[job.execution_id, raw, job.attempt],
            )

    async def receive(self, timeout_seconds: float) -> Delivery | None:
        deadline = time.monotonic() + max(0.0, timeout_seconds)
        with unavailable_as_core_error(self._server):
            await self._ensure_group()
            self._cancels.start()
            if time.monotonic() >= self._next_consumer_sweep:
                await self._delete_idle_consumers()
            while True:
                delivery = await self._reclaim_expired()
                if delivery is None:
                    remaining = deadline - time.monotonic()
                    delivery = await self._read_new(min(remaining, self._poll_interval))
                if delivery is not None:
                    return delivery
                if time.monotonic() >= deadline:
                    return None

    async def extend(self, delivery: Delivery) -> None:
        receipt = Receipt.decode(delivery.receipt)
        if receipt is None:
            return
        with unavailable_as_core_error(self._server):
            await self._extend(
                keys=[self._keys.stream, self._keys.attempts],
                args=[
                    self._group,
                    receipt.entry_id,
                    receipt.attempt,
                    receipt.consumer,
                    int(self._visibility_timeout * 1000),
                ],
            )

    async def ack(self, delivery: Delivery) -> None:
        receipt = Receipt.decode(delivery.receipt)
        if receipt is None:
            return
        with unavailable_as_core_error(self._server):
            await self._forget(receipt, delivery.job.execution_id)

    async def retry(self, delivery: Delivery, error: str) -> bool:
        receipt = Receipt.decode(delivery.receipt)
        if receipt is None:
            return False
        job = delivery.job
        again = encode_job(dataclasses.replace(job, attempt=receipt.attempt + 1))
        dead = encode_dead_letter(
            encode_job(dataclasses.replace(job, attempt=receipt.attempt)), receipt.attempt, error
        )
        with unavailable_as_core_error(self._server):
            await self._ensure_group()
            outcome = await self._retry(
                keys=[self._keys.stream, self._keys.pending, self._keys.attempts, self._keys.dead],
                args=[
                    self._group,
                    receipt.entry_id,
                    receipt.attempt,
                    job.execution_id,
                    self.max_attempts,
                    again,
                    dead,
                    self._dead_letter_max,
                ],
            )
        return int(outcome) == 1

    async def release(self, delivery: Delivery) -> None:
        receipt = Receipt.decode(delivery.receipt)
        if receipt is None:
            return
        job = dataclasses.replace(delivery.job, attempt=receipt.attempt)
        with unavailable_as_core_error(self._server):
            await self._release(
                keys=[self._keys.stream, self._keys.pending, self._keys.attempts],
                args=[
                    self._group,
                    receipt.entry_id,
                    receipt.attempt,
                    job.execution_id,
                    encode_job(job),
                ],
            )

    async def dead_letters(self) -> list[ExecutionJob]:
        with unavailable_as_core_error(self._server):
            raws = await self._client.lrange(self._keys.dead, 0, -1)
        jobs = []
        for raw in raws:
            try:
                jobs.append(decode_dead_letter(raw))
            except (ValueError, KeyError, TypeError):
                logger.warning("skipping an unreadable dead letter in %s", self._keys.dead)
        return jobs

    async def request_cancel(self, execution_id: str) -> None:
        self._cancels.remember(execution_id)
        with unavailable_as_core_error(self._server):
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.set(self._keys.cancel(execution_id), 1, px=int(self._cancel_ttl * 1000))
                pipe.publish(self._keys.cancel_channel, execution_id)
                await pipe.execute()

    async def is_cancel_requested(self, execution_id: str) -> bool:
        """From memory when this process heard the request over pub/sub; else from the key
        (pub/sub misses what is published while a subscriber is away)."""
        self._cancels.start()
        if self._cancels.knows(execution_id):
            return True
        with unavailable_as_core_error(self._server):
            found = await self._client.exists(self._keys.cancel(execution_id))
        if found:
            self._cancels.remember(execution_id)
        return bool(found)

    async def pending_count(self) -> int:
        with unavailable_as_core_error(self._server):
            return int(await self._client.xlen(self._keys.stream))

    async def aclose(self) -> None:
        """Stop listening for cancellations and close the client this queue created."""
        if self._closed:
            return
        self._closed = True
        await self._cancels.stop()
        if self._owns_client:
            with contextlib.suppress(redis_errors.RedisError, OSError):
                await self._client.aclose()

    # ------------------------------------------------------------------ beyond the port

    async def listen_for_cancels(self, timeout_seconds: float = 5.0) -> bool:
        """Subscribe to cancellation requests now (otherwise that happens on first use) and
        wait until subscribed; ``False`` if that took longer than ``timeout_seconds``."""
        return await self._cancels.wait_subscribed(timeout_seconds)

    async def delete_idle_consumers(self) -> list[str]:
        """Delete now the group's consumers, other than this queue's own, that have no pending
        entry and have been idle longer than ``idle_consumer_seconds`` (``receive`` does it
        periodically); returns their names."""
        with unavailable_as_core_error(self._server):
            await self._ensure_group()
            return await self._delete_idle_consumers()

    # ------------------------------------------------------------------ internals

    async def _ensure_group(self) -> None:
        if self._group_ready:
            return
        try:
            # From the stream's start: jobs enqueued before the group existed are delivered.
            await self._client.xgroup_create(self._keys.stream, self._group, id="0", mkstream=True)
        except redis_errors.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    async def _delete_idle_consumers(self) -> list[str]:
        self._next_consumer_sweep = time.monotonic() + self._idle_consumer_seconds
        try:
            deleted = await self._delete_idle(
                keys=[self._keys.stream],
                args=[self._group, int(self._idle_consumer_seconds * 1000), self._consumer],
            )
        except redis_errors.ResponseError as exc:  # housekeeping never stops a receive
            logger.warning("could not delete idle consumers of %s: %s", self._keys.stream, exc)
            return []
        names = [text(name) for name in deleted or []]
        if names:
            logger.info(
                "deleted %d idle consumer(s) of %s/%s: %s",
                len(names),
                self._keys.stream,
                self._group,
                ", ".join(names),
            )
        return names

    async def _reclaim_expired(self) -> Delivery | None:
        while True:
            claimed = await self._reclaim(
                keys=[self._keys.stream, self._keys.pending, self._keys.attempts, self._keys.dead],
                args=[
                    self._group,
                    self._consumer,
                    int(self._visibility_timeout * 1000),
                    self.max_attempts,
                    _RECLAIM_SCAN_LIMIT,
                    self._dead_letter_max,
                ],
            )
            if not claimed:
                return None
            entry_id, execution_id, raw, attempt = claimed
            delivery = await self._deliver(text(entry_id), text(execution_id), raw, int(attempt))
            if delivery is not None:
                return delivery

    async def _read_new(self, block_seconds: float) -> Delivery | None:
        block_ms = int(block_seconds * 1000)
        try:
            reply = await self._client.xreadgroup(
                self._group,
                self._consumer,
                {self._keys.stream: ">"},
                count=1,
                block=block_ms if block_ms > 0 else None,
            )
        except redis_errors.ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            self._group_ready = False  # the stream was deleted under us: start it again
            await self._ensure_group()
            return None
        for entry_id, fields in _entries(reply):
            job = fields.get("job")
            if job is None:
                continue
            execution_id = text(fields.get("eid", ""))
            # A new entry is on the attempt its JSON states: only a reclaim raises it.
            attempt = _stated_attempt(job)
            return await self._deliver(entry_id, execution_id, job, attempt)
        return None

    async def _deliver(
        self, entry_id: str, execution_id: str, raw: str | bytes, attempt: int
    ) -> Delivery | None:
        """The delivery of a claimed entry; ``None`` after dropping a cancelled or unreadable
        one."""
        receipt = Receipt(entry_id, attempt, self._consumer)
        try:
            job = decode_job(raw, attempt=attempt)
        except (ValueError, KeyError, TypeError):
            logger.warning("dropping unreadable entry %s of %s", entry_id, self._keys.stream)
            await self._forget(receipt, execution_id or None)
            return None
        if await self.is_cancel_requested(job.execution_id):
            await self._forget(receipt, job.execution_id)
            return None
        return Delivery(job=job, receipt=receipt.encode(), attempt=attempt)

    async def _forget(self, receipt: Receipt, execution_id: str | None) -> None:
        await self._ack(
            keys=[self._keys.stream, self._keys.pending, self._keys.attempts],
            args=[self._group, receipt.entry_id, receipt.attempt, execution_id or ""],
        )


def _entries(reply: Any) -> list[tuple[str, dict[str, str | bytes]]]:
    """``(entry id, fields)`` from an XREADGROUP reply (RESP2 list or RESP3 map)."""
    streams = reply.items() if isinstance(reply, dict) else (reply or [])
    found: list[tuple[str, dict[str, str | bytes]]] = []
    for _stream, entries in streams:
        for entry in entries:
            entry_id, fields = entry[0], entry[1]
            if fields:
                found.append((text(entry_id), {text(k): v for k, v in fields.items()}))
    return found


def _stated_attempt(raw: str | bytes) -> int:
    try:
        return decode_job(raw).attempt
    except (ValueError, KeyError, TypeError):
        return 1
