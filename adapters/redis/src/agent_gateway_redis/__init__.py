"""Agent Gateway's ExecutionQueue on Redis Streams (redis.asyncio)."""

from agent_gateway_redis._keys import QueueKeys
from agent_gateway_redis.queue import RedisStreamsQueue

__all__ = ["QueueKeys", "RedisStreamsQueue"]
