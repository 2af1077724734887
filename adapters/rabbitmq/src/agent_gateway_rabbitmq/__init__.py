"""Agent Gateway's ExecutionQueue on RabbitMQ (aio-pika): durable queue, persistent messages,
publisher confirms, dead letters and cross-process cancellation."""

from agent_gateway_rabbitmq.queue import RabbitMQQueue

__all__ = ["RabbitMQQueue"]
