"""Cancellation requests heard over Redis pub/sub, remembered in this process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from redis import exceptions as redis_errors
from redis.asyncio import Redis

from agent_gateway_redis._codec import text

logger = logging.getLogger(__name__)

_PRUNE_EVERY = 1024  # remembered requests between two sweeps of the expired ones
_READ_SECONDS = 1.0  # one wait for a message; the task notices ``stop`` between two
_STOP_GRACE_SECONDS = _READ_SECONDS * 2


class CancelListener:
    """A task subscribed to the cancel channel; ``knows`` answers from memory.

    Pub/sub is fire-and-forget: a request announced while this process was not subscribed
    (not started yet, reconnecting) is never heard. So ``knows`` only ever answers *yes* for
    sure; a *no* must be confirmed by the durable key, which the queue does.
    """

    def __init__(self, client: Redis, channel: str, ttl_seconds: float) -> None:
        self._client = client
        self._channel = channel
        self._ttl = ttl_seconds
        self._expiry: dict[str, float] = {}
        self._task: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()
        self._closed = False

    def remember(self, execution_id: str) -> None:
        """Record a request for ``execution_id``, forgotten after the TTL."""
        if len(self._expiry) % _PRUNE_EVERY == _PRUNE_EVERY - 1:
            now = time.monotonic()
            self._expiry = {k: v for k, v in self._expiry.items() if v > now}
        self._expiry[execution_id] = time.monotonic() + self._ttl

    def knows(self, execution_id: str) -> bool:
        """Whether a request for ``execution_id`` was heard and has not expired."""
        expiry = self._expiry.get(execution_id)
        if expiry is None:
            return False
        if expiry <= time.monotonic():
            del self._expiry[execution_id]
            return False
        return True

    def start(self) -> None:
        """Start listening in the background (once; never after ``stop``)."""
        if self._task is None and not self._closed:
            self._task = asyncio.create_task(self._listen(), name=f"cancels:{self._channel}")

    async def wait_subscribed(self, timeout_seconds: float) -> bool:
        """Start, and wait until the subscription is in place; ``False`` on timeout."""
        self.start()
        try:
            await asyncio.wait_for(self._subscribed.wait(), timeout_seconds)
        except TimeoutError:
            return False
        return True

    async def stop(self) -> None:
        """Unsubscribe and end the task. Twice is harmless."""
        self._closed = True
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            # redis-py can swallow a cancellation that lands while the subscription is being
            # set up; the task then sees ``_closed`` after its next read (at most a second).
            await asyncio.wait({task}, timeout=_STOP_GRACE_SECONDS)
            if task.done() and not task.cancelled() and task.exception() is not None:
                logger.warning("the cancellation listener failed", exc_info=task.exception())

    async def _listen(self) -> None:
        backoff = 0.1
        while not self._closed:
            pubsub = self._client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self._channel)
                self._subscribed.set()
                backoff = 0.1
                while not self._closed:
                    message = await pubsub.get_message(timeout=_READ_SECONDS)
                    if message is not None and message.get("type") == "message":
                        self.remember(text(message["data"]))
            except (redis_errors.ConnectionError, redis_errors.TimeoutError, OSError) as exc:
                # Requests missed meanwhile are still found through their keys.
                self._subscribed.clear()
                logger.warning(
                    "listening for cancellations on %s failed (%s); retrying in %.1fs",
                    self._channel,
                    type(exc).__name__,
                    backoff,
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
