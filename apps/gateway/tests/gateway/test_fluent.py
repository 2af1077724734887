"""The fluent ``use_*`` methods: chainable before start, RuntimeError after, argument checks."""

from __future__ import annotations

import gc
import secrets
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from agent_gateway import Gateway
from agent_gateway_core.domain.auth import Credentials
from agent_gateway_core.errors import AlreadyStartedError, AuthenticationError, ConfigError
from agent_gateway_core.testing import (
    InMemoryExecutionQueue,
    InMemoryMemoryManager,
    InMemoryPersistence,
    RecordingNotificationBackend,
    StaticRetriever,
    StaticTokenAuthProvider,
)

pytestmark = pytest.mark.unit

FluentCall = Callable[[Gateway], Any]

# One call per fluent method of the spec; the completeness test below keeps it exhaustive.
FLUENT_CALLS: dict[str, FluentCall] = {
    "use_sqlite": lambda gw: gw.use_sqlite(":memory:"),
    "use_postgres": lambda gw: gw.use_postgres("postgresql+asyncpg://u:p@db.test/agents"),
    "use_persistence": lambda gw: gw.use_persistence(InMemoryPersistence()),
    "use_memory_queue": lambda gw: gw.use_memory_queue(),
    "use_redis_queue": lambda gw: gw.use_redis_queue(),
    "use_rabbitmq_queue": lambda gw: gw.use_rabbitmq_queue(),
    "use_queue": lambda gw: gw.use_queue(InMemoryExecutionQueue()),
    "use_api_keys": lambda gw: gw.use_api_keys([{"name": "a", "key": "sk-fluent"}]),
    "use_oauth2": lambda gw: gw.use_oauth2("https://issuer.test", "agents"),
    "use_auth": lambda gw: gw.use_auth(StaticTokenAuthProvider({})),
    "use_slack_notifications": lambda gw: gw.use_slack_notifications("xoxb-test"),
    "use_webhook_notifications": lambda gw: gw.use_webhook_notifications("https://hook.test/x"),
    "use_notifications": lambda gw: gw.use_notifications(RecordingNotificationBackend()),
    "use_retriever": lambda gw: gw.use_retriever("docs", StaticRetriever(["a passage"])),
    "use_memory": lambda gw: gw.use_memory(InMemoryMemoryManager()),
    "use_file_memory": lambda gw: gw.use_file_memory(),
    "use_dashboard": lambda gw: gw.use_dashboard(auth_password="secret", theme="dark"),
    "add_mcp_server": lambda gw: gw.add_mcp_server("fs", "stdio", command="mcp-fs"),
    "use_cors": lambda gw: gw.use_cors(allow_origins=["https://app.test"]),
    "use_security_headers": lambda gw: gw.use_security_headers(x_frame_options="SAMEORIGIN"),
    "use_proxy_headers": lambda gw: gw.use_proxy_headers(),
}


def test_the_call_table_covers_every_fluent_method() -> None:
    fluent = {name for name in dir(Gateway) if name.startswith("use_")} | {"add_mcp_server"}
    assert set(FLUENT_CALLS) == fluent


@pytest.mark.parametrize("name", sorted(FLUENT_CALLS))
def test_a_fluent_method_returns_the_gateway_for_chaining(name: str, tmp_path: Path) -> None:
    gw = Gateway(workspace=tmp_path)
    assert FLUENT_CALLS[name](gw) is gw


def test_fluent_calls_chain() -> None:
    gw = Gateway(auth=False)
    chained = (
        gw.use_memory_queue()
        .use_persistence(InMemoryPersistence())
        .use_cors(allow_origins=["https://app.test"])
        .use_security_headers()
    )
    assert chained is gw


@pytest.mark.parametrize("name", sorted(FLUENT_CALLS))
async def test_a_fluent_method_raises_runtime_error_after_start(
    name: str, write_workspace: Callable[..., Path]
) -> None:
    async with Gateway(workspace=write_workspace(), auth=False) as gw:
        with pytest.raises(RuntimeError, match="already started") as caught:
            FLUENT_CALLS[name](gw)
    assert isinstance(caught.value, AlreadyStartedError)


class Extraction(BaseModel):
    name: str


@pytest.mark.parametrize("method", ["set_input_schema", "set_output_schema"])
async def test_schema_setters_raise_config_error_after_start(
    method: str, write_workspace: Callable[..., Path]
) -> None:
    async with Gateway(workspace=write_workspace(), auth=False) as gw:
        with pytest.raises(ConfigError, match=f"{method} must be called before startup"):
            getattr(gw, method)("assistant", Extraction)


def test_use_cors_rejects_credentials_with_a_wildcard_origin() -> None:
    gw = Gateway()
    with pytest.raises(ConfigError, match="allow_credentials=True requires explicit"):
        gw.use_cors(allow_credentials=True)
    with pytest.raises(ConfigError, match="not '\\*'"):
        gw.use_cors(allow_origins=["https://app.test", "*"], allow_credentials=True)
    assert gw.use_cors(allow_origins=["https://app.test"], allow_credentials=True) is gw


def test_add_mcp_server_rejects_an_unknown_transport() -> None:
    with pytest.raises(
        ValueError, match=r"transport must be 'stdio' or 'streamable_http', got 'sse'"
    ):
        Gateway().add_mcp_server("remote", "sse", url="https://mcp.test")


@pytest.mark.parametrize(
    ("transport", "kwargs", "needed"),
    [("stdio", {}, "needs a command"), ("streamable_http", {}, "needs a url")],
)
def test_add_mcp_server_needs_the_transports_target(
    transport: str, kwargs: dict[str, Any], needed: str
) -> None:
    with pytest.raises(ValueError, match=needed):
        Gateway().add_mcp_server("srv", transport, **kwargs)


def test_use_dashboard_rejects_an_unknown_theme() -> None:
    with pytest.raises(ConfigError, match="theme must be 'light', 'dark' or 'auto'"):
        Gateway().use_dashboard(theme="purple")


def test_use_retriever_rejects_a_duplicate_name() -> None:
    gw = Gateway().use_retriever("docs", StaticRetriever(["one"]))
    with pytest.raises(ValueError, match="retriever named 'docs' is already registered"):
        gw.use_retriever("docs", StaticRetriever(["two"]))


def test_use_webhook_notifications_rejects_a_duplicate_name() -> None:
    gw = Gateway().use_webhook_notifications("https://hook.test/a", name="ops")
    with pytest.raises(ConfigError, match="webhook named 'ops' is already registered"):
        gw.use_webhook_notifications("https://hook.test/b", name="ops")


def test_use_postgres_needs_an_asyncpg_dsn_and_does_not_echo_the_password() -> None:
    with pytest.raises(ConfigError, match="asyncpg DSN") as caught:
        Gateway().use_postgres("postgresql://user:hunter2@db.test/agents")
    assert "hunter2" not in str(caught.value)


def test_use_api_keys_rejects_an_entry_without_a_key() -> None:
    with pytest.raises(ConfigError, match="api key #2 has no 'key'"):
        Gateway().use_api_keys([{"key": "sk-one"}, {"name": "broken"}])


def _reachable_strings(root: object) -> list[str]:
    """Every str and bytes (decoded) reachable from ``root``, without walking into modules,
    module globals, frames or coroutines (those reach this test's own locals)."""
    module_dicts = {id(vars(m)) for m in list(sys.modules.values()) if m is not None}
    skipped = (types.ModuleType, types.FrameType, types.CoroutineType, types.GeneratorType)
    seen: set[int] = set()
    found: list[str] = []
    stack: list[object] = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or id(obj) in module_dicts or isinstance(obj, skipped):
            continue
        seen.add(id(obj))
        if isinstance(obj, str):
            found.append(obj)
            continue
        if isinstance(obj, bytes | bytearray):
            found.append(bytes(obj).decode("latin-1"))
            continue
        stack.extend(gc.get_referents(obj))
    return found


async def test_use_api_keys_keeps_no_plaintext_key(write_workspace: Callable[..., Path]) -> None:
    key = f"sk-{secrets.token_hex(16)}"  # made at run time: no code constant holds it
    canary = f"canary-{secrets.token_hex(16)}"
    gw = Gateway(workspace=write_workspace())
    gw.state.canary = [canary]  # proves the walk does reach what the gateway holds
    gw.use_api_keys([{"name": "svc", "key": key, "scopes": ["read"]}])
    reachable = _reachable_strings(gw)
    assert canary in reachable
    assert not [s for s in reachable if key in s]

    async with gw:
        assert gw.services is not None
        assert gw.services.auth_provider is not None
        principal = await gw.services.auth_provider.authenticate(
            Credentials(scheme="bearer", token=key)
        )
        assert (principal.subject, principal.scopes) == ("apikey:svc", frozenset({"read"}))
        with pytest.raises(AuthenticationError, match="invalid API key"):
            await gw.services.auth_provider.authenticate(
                Credentials(scheme="bearer", token=key + "x")
            )
        assert not [s for s in _reachable_strings(gw) if key in s]
