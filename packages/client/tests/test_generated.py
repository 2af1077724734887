"""``GatewayClientSync`` is generated from ``GatewayClient``: the generated code is current,
and the two clients have the same public API, method for method."""

from __future__ import annotations

import importlib.util
import inspect
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import agent_gateway_client
from agent_gateway_client import (
    AsyncBatch,
    AsyncPage,
    Batch,
    GatewayClient,
    GatewayClientSync,
    Page,
)

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]
ASYNC_NAME = re.compile(r"\bAsync([A-Z]\w*)")


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_sync_client", ROOT / "scripts" / "gen_sync_client.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_sync_client_is_current() -> None:
    # In a process of its own: unasync imports setuptools, whose distutils shim fails in a
    # process where another test has imported the standard library's distutils.
    checked = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_sync_client.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert checked.returncode == 0, (
        "run `uv run python scripts/gen_sync_client.py`:\n" + checked.stdout + checked.stderr
    )


def test_every_generated_file_says_so() -> None:
    target = generator().TARGET
    files = list(target.rglob("*.py"))

    assert files
    for path in files:
        assert path.read_text().startswith("# Generated from _async/")
        assert "do not edit" in path.read_text().splitlines()[0]


def public_methods(target: Any) -> dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(type(target), inspect.isfunction)
        if not name.startswith("_") or name in ("__enter__", "__aenter__", "__iter__")
    }


def namespaces(client: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for name, value in vars(client).items():
        if not name.startswith("_") and type(value).__module__.startswith(
            ("agent_gateway_client._async.resources", "agent_gateway_client._sync.resources")
        ):
            yield prefix + name, value
            yield from namespaces(value, f"{prefix}{name}.")


def as_sync(annotation: Any) -> str:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return ASYNC_NAME.sub(r"\1", text)


def same_signature(async_method: Any, sync_method: Any, where: str) -> None:
    async_signature = inspect.signature(async_method)
    sync_signature = inspect.signature(sync_method)
    async_parameters = [
        (p.name, p.kind, p.default, as_sync(p.annotation))
        for p in async_signature.parameters.values()
    ]
    sync_parameters = [
        (p.name, p.kind, p.default, as_sync(p.annotation))
        for p in sync_signature.parameters.values()
    ]
    assert async_parameters == sync_parameters, where
    assert as_sync(async_signature.return_annotation) == as_sync(
        sync_signature.return_annotation
    ), where
    original = inspect.unwrap(async_method)
    if inspect.isasyncgenfunction(original):
        assert inspect.isgeneratorfunction(inspect.unwrap(sync_method)), where
    elif inspect.iscoroutinefunction(original):
        assert not inspect.iscoroutinefunction(sync_method), where


def compare(async_object: Any, sync_object: Any, where: str) -> int:
    async_methods = public_methods(async_object)
    sync_methods = public_methods(sync_object)
    renamed = {"aclose": "close", "__aenter__": "__enter__"}
    assert {renamed.get(n, n) for n in async_methods} == set(sync_methods), where
    for name, method in async_methods.items():
        same_signature(method, sync_methods[renamed.get(name, name)], f"{where}.{name}")
    return len(async_methods)


def test_both_clients_have_the_same_methods_and_signatures() -> None:
    async_client = GatewayClient("http://gateway.test")
    sync_client = GatewayClientSync("http://gateway.test")
    async_namespaces = dict(namespaces(async_client))
    sync_namespaces = dict(namespaces(sync_client))

    compared = compare(async_client, sync_client, "client")
    for name, namespace in async_namespaces.items():
        compared += compare(namespace, sync_namespaces[name], name)
    same_signature(GatewayClient.__init__, GatewayClientSync.__init__, "__init__")

    assert async_namespaces.keys() == sync_namespaces.keys()
    assert set(async_namespaces) == {
        "agents", "chat", "sessions", "executions", "tools", "skills", "conversations",
        "schedules", "notifications", "config", "admin", "admin.mcp_servers",
    }  # fmt: skip
    assert compared >= 50


def test_pages_have_the_same_api() -> None:
    async_methods = public_methods_of(AsyncPage)
    sync_methods = public_methods_of(Page)

    assert async_methods.keys() == sync_methods.keys()
    for name, method in async_methods.items():
        same_signature(method, sync_methods[name], f"Page.{name}")


def test_batches_have_the_same_api() -> None:
    # Written by hand for each client (a thread pool is no unasynced event loop): compared.
    async_methods = public_methods_of(AsyncBatch)
    sync_methods = public_methods_of(Batch)

    assert async_methods.keys() == sync_methods.keys() == {"add", "execute", "__len__"}
    for name, method in async_methods.items():
        same_signature(method, sync_methods[name], f"Batch.{name}")
    same_signature(AsyncBatch.__init__, Batch.__init__, "Batch.__init__")
    client = GatewayClient("http://gateway.test")
    sync_client = GatewayClientSync("http://gateway.test")
    assert type(client.create_batch()) is AsyncBatch
    assert type(sync_client.create_batch()) is Batch


def public_methods_of(cls: type) -> dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_") or name in ("__iter__", "__len__", "__getitem__")
    }


def test_every_public_name_is_exported_and_documented() -> None:
    for name in agent_gateway_client.__all__:
        value = getattr(agent_gateway_client, name)
        if inspect.isclass(value) and value.__module__.startswith("agent_gateway_client"):
            assert value.__doc__, f"{name} has no docstring"


def test_every_public_method_is_documented() -> None:
    client = GatewayClient("http://gateway.test")
    undocumented = [
        f"{where}.{name}"
        for where, target in [("client", client), *namespaces(client)]
        for name, method in public_methods(target).items()
        if not name.startswith("_") and not inspect.getdoc(method)
    ]

    assert undocumented == [], undocumented
