"""Agent Gateway's ExecutionQueue on Redis Streams and ScheduleLock on Redis (redis.asyncio)."""

from agent_gateway_redis._keys import QueueKeys
from agent_gateway_redis.queue import RedisStreamsQueue
from agent_gateway_redis.schedule_lock import RedisScheduleLock

__all__ = ["QueueKeys", "RedisScheduleLock", "RedisStreamsQueue"]
