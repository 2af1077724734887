"""Choices made in code, as overrides of the container's providers (the last one wins)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dependency_injector import providers


def choose(port: providers.Provider[Any], value: object) -> None:
    """Serve the port with ``value`` itself."""
    _override(port, providers.Object(value))


def choose_built(
    port: providers.Provider[Any], build: Callable[..., Any], options: Mapping[str, Any]
) -> None:
    """Serve the port with ``build(options)``, called when the gateway starts (so a missing
    adapter or a bad option fails startup with a clear error, not the fluent call)."""
    _override(port, providers.Singleton(build, dict(options)))


def choose_resource(
    port: providers.Provider[Any], open_: Callable[..., Any], options: Mapping[str, Any]
) -> None:
    """Serve the port with what the Resource ``open_(options)`` yields: opened when the gateway
    starts, closed when it stops."""
    _override(port, providers.Resource(open_, dict(options)))


def release(port: providers.Provider[Any]) -> None:
    """Undo a choice made in code: the port is chosen from settings again."""
    port.reset_override()


def _override(port: providers.Provider[Any], choice: providers.Provider[Any]) -> None:
    port.reset_override()
    port.override(choice)
