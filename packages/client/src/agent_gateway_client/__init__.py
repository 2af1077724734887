"""Python client of Agent Gateway: ``GatewayClient`` (async) and ``GatewayClientSync``, with the
same API.

::

    async with GatewayClient("http://127.0.0.1:8000", api_key="sk-...") as client:
        result = await client.agents.invoke("assistant", "Hello")

    with GatewayClientSync() as client:  # AGENT_GATEWAY_URL, AGENT_GATEWAY_API_KEY
        print(client.agents.invoke("assistant", "Hello").raw_text)

Every call goes through one pipeline (authentication, retries, errors; see
:mod:`agent_gateway_client._async._pipeline`), whose extension points are
``add_request_hook`` (headers per request) and ``add_middleware`` (around every send).
Around the namespaces: ``create_batch`` (:class:`AsyncBatch`, :class:`Batch`), ``tracking``
(:class:`Tracking`) and ``store`` (:class:`ResponseStore`); for tests of code that uses the
client, :mod:`agent_gateway_client.testing`.
"""

from agent_gateway_client._async._middleware import AsyncMiddleware, AsyncSend
from agent_gateway_client._async._pagination import AsyncPage
from agent_gateway_client._async.client import GatewayClient
from agent_gateway_client._batch import AsyncBatch, Batch
from agent_gateway_client._config import ClientConfig, ClientOptions, load_config
from agent_gateway_client._errors import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    ExecutionFailedError,
    FieldError,
    GatewayConnectionError,
    GatewayError,
    GatewayTimeoutError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from agent_gateway_client._retry import RetryPolicy
from agent_gateway_client._sse import ServerSentEvent
from agent_gateway_client._store import ResponseStore
from agent_gateway_client._sync._middleware import Middleware, Send
from agent_gateway_client._sync._pagination import Page
from agent_gateway_client._sync.client import GatewayClientSync
from agent_gateway_client._tracking import Tracking
from agent_gateway_client._types import RequestHook
from agent_gateway_client._version import __version__
from agent_gateway_client.models import *  # noqa: F403 (the models are public names too)
from agent_gateway_client.models import __all__ as _models

__all__ = [
    "AsyncBatch",
    "AsyncMiddleware",
    "AsyncPage",
    "AsyncSend",
    "AuthenticationError",
    "BadRequestError",
    "Batch",
    "ClientConfig",
    "ClientOptions",
    "ConfigurationError",
    "ConflictError",
    "ExecutionFailedError",
    "FieldError",
    "GatewayClient",
    "GatewayClientSync",
    "GatewayConnectionError",
    "GatewayError",
    "GatewayTimeoutError",
    "Middleware",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestHook",
    "ResponseStore",
    "RetryPolicy",
    "Send",
    "ServerError",
    "ServerSentEvent",
    "Tracking",
    "ValidationError",
    "__version__",
    "load_config",
    *_models,
]
