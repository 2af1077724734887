"""ToolRegistry: every tool an agent may use, from files, code and tool providers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

from agent_gateway_core.domain.agent import AgentDefinition
from agent_gateway_core.domain.skill import SkillDefinition
from agent_gateway_core.domain.tool import ToolContext, ToolDefinition, ToolSource
from agent_gateway_core.engine.function_tool import build_function_tool
from agent_gateway_core.errors import ConfigError, ToolNotFoundError
from agent_gateway_core.ports.tool_provider import ToolProvider

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

PROVIDER_SEPARATOR = "__"


@dataclass(slots=True)
class _DynamicTools:
    """Code tools and providers: they outlive a workspace reload, so registries share them."""

    code: dict[str, ToolDefinition] = field(default_factory=dict)
    providers: dict[str, ToolProvider] = field(default_factory=dict)
    provider_tools: dict[str, dict[str, ToolDefinition]] = field(default_factory=dict)
    version: int = 0
    warned: set[tuple[str, str]] = field(default_factory=set)  # (agent, unknown MCP server)


class ToolRegistry:
    """Looks tools up by name and resolves the tools of an agent.

    Names resolve in this order: code-registered, workspace files (``tools/<id>/TOOL.md``),
    then provider tools named ``{provider}__{tool}``. :meth:`with_workspace_tools` makes the
    registry of a reloaded workspace; it shares code tools and providers with this one.
    """

    def __init__(self, tools: Mapping[str, ToolDefinition] | None = None) -> None:
        self._files: Mapping[str, ToolDefinition] = dict(tools or {})
        self._dynamic = _DynamicTools()

    def with_workspace_tools(self, tools: Mapping[str, ToolDefinition]) -> ToolRegistry:
        """A registry with these file tools and the same code tools and providers."""
        clone = ToolRegistry(tools)
        clone._dynamic = self._dynamic
        return clone

    @property
    def version(self) -> int:
        """Changes whenever code tools or provider tools change; caches key on it."""
        return self._dynamic.version

    # ---------------------------------------------------------------- registration

    def register(
        self,
        fn: Callable[..., Any],
        *,
        name: str | None = None,
        description: str | None = None,
        parameters: Mapping[str, Any] | None = None,
        allowed_agents: Iterable[str] | None = None,
        require_approval: bool = False,
        timeout_seconds: float | None = None,
        idempotent: bool = False,
    ) -> ToolDefinition:
        """Register ``fn`` as a tool (see :mod:`~agent_gateway_core.engine.function_tool`)."""
        definition = build_function_tool(
            fn,
            name=name,
            description=description,
            parameters=parameters,
            allowed_agents=allowed_agents,
            require_approval=require_approval,
            timeout_seconds=timeout_seconds,
            idempotent=idempotent,
        )
        self.add(definition)
        return definition

    def add(self, definition: ToolDefinition) -> None:
        """Register a ready-made definition; a name already registered in code is an error."""
        if definition.name in self._dynamic.code:
            raise ConfigError(f"a tool named {definition.name!r} is already registered")
        if PROVIDER_SEPARATOR in definition.name:
            raise ConfigError(
                f"tool name {definition.name!r} must not contain {PROVIDER_SEPARATOR!r}, "
                "which is reserved for provider tools"
            )
        self._dynamic.code[definition.name] = definition
        self._dynamic.version += 1

    @overload
    def tool(self, fn: F, /) -> F: ...

    @overload
    def tool(
        self,
        fn: None = None,
        /,
        *,
        name: str | None = None,
        description: str | None = None,
        parameters: Mapping[str, Any] | None = None,
        allowed_agents: Iterable[str] | None = None,
        require_approval: bool = False,
        timeout_seconds: float | None = None,
        idempotent: bool = False,
    ) -> Callable[[F], F]: ...

    def tool(self, fn: F | None = None, /, **options: Any) -> F | Callable[[F], F]:
        """Decorator form of :meth:`register`, bare (``@tool``) or with options."""

        def decorate(func: F) -> F:
            self.register(func, **options)
            return func

        return decorate(fn) if fn is not None else decorate

    # ---------------------------------------------------------------- providers

    def add_provider(self, provider: ToolProvider) -> None:
        """Add a provider; its tools appear after :meth:`refresh_providers`."""
        if provider.name in self._dynamic.providers:
            raise ConfigError(f"a tool provider named {provider.name!r} is already registered")
        self._dynamic.providers[provider.name] = provider

    @property
    def providers(self) -> Mapping[str, ToolProvider]:
        return self._dynamic.providers

    def remove_provider(self, name: str) -> ToolProvider | None:
        """Take a provider and its tools out (the caller closes it); ``None`` if unknown."""
        provider = self._dynamic.providers.pop(name, None)
        if self._dynamic.provider_tools.pop(name, None) is not None:
            self._dynamic.version += 1
        return provider

    async def refresh_providers(self) -> None:
        """Ask every provider for its tools. A provider that fails keeps its last known tools."""
        for name in tuple(self._dynamic.providers):
            await self.refresh_provider(name, quiet=False)

    async def refresh_provider(self, name: str, *, quiet: bool = True) -> None:
        """Ask one provider for its tools; the version changes only when they did. A provider
        that fails keeps its last known tools (the failure is logged unless ``quiet``)."""
        provider = self._dynamic.providers.get(name)
        if provider is None:
            return
        try:
            specs = await provider.list_tools()
        except Exception:
            if not quiet:
                logger.warning("tool provider %r could not list its tools", name, exc_info=True)
            return
        if self._dynamic.providers.get(name) is not provider:
            return  # replaced or removed while it was listing
        tools = {
            f"{name}{PROVIDER_SEPARATOR}{spec.name}": ToolDefinition(
                spec=spec.model_copy(update={"name": f"{name}{PROVIDER_SEPARATOR}{spec.name}"}),
                handler=None,
                source=ToolSource.PROVIDER,
                provider=name,
            )
            for spec in specs
        }
        if self._dynamic.provider_tools.get(name) != tools:
            self._dynamic.provider_tools[name] = tools
            self._dynamic.version += 1

    def provider_tools(self, name: str) -> Mapping[str, ToolDefinition]:
        """The tools last listed by provider ``name``, by their prefixed names."""
        return self._dynamic.provider_tools.get(name, {})

    async def call_provider_tool(
        self, definition: ToolDefinition, arguments: dict[str, Any], context: ToolContext
    ) -> Any:
        """Run a PROVIDER tool through its provider, by its unprefixed name."""
        provider = self._dynamic.providers.get(definition.provider or "")
        if provider is None:
            raise ToolNotFoundError(definition.name)
        prefix = f"{provider.name}{PROVIDER_SEPARATOR}"
        return await provider.call_tool(definition.name.removeprefix(prefix), arguments, context)

    # ---------------------------------------------------------------- lookup

    def get(self, name: str) -> ToolDefinition | None:
        found = self._dynamic.code.get(name) or self._files.get(name)
        if found is not None or PROVIDER_SEPARATOR not in name:
            return found
        provider = name.split(PROVIDER_SEPARATOR, 1)[0]
        return self._dynamic.provider_tools.get(provider, {}).get(name)

    def all(self) -> dict[str, ToolDefinition]:
        """Every tool by name (providers first, so code and file tools win on a clash)."""
        merged: dict[str, ToolDefinition] = {}
        for tools in self._dynamic.provider_tools.values():
            merged.update(tools)
        merged.update(self._files)
        merged.update(self._dynamic.code)
        return merged

    def tools_for(
        self, agent: AgentDefinition, skills: Mapping[str, SkillDefinition]
    ) -> tuple[ToolDefinition, ...]:
        """The tools ``agent`` may use: its ``tools:``, its skills' tools (those their workflows
        call included), its MCP servers' tools.

        Order follows the declarations, without duplicates; tools whose ``allowed_agents``
        exclude the agent are left out. Unknown skills or tools raise ConfigError naming all
        of them.
        """
        wanted: list[tuple[str, str]] = [(name, "tools:") for name in agent.tools]
        missing: list[str] = []
        for skill_id in agent.skills:
            skill = skills.get(skill_id)
            if skill is None:
                missing.append(f"skill {skill_id!r}")
                continue
            wanted.extend((name, f"skill {skill_id!r}") for name in skill.tools)
            # Its workflow's tools were checked when the workspace was loaded; one a workspace
            # built in code leaves undefined is not offered, rather than failing the agent.
            wanted.extend(
                (name, f"skill {skill_id!r}")
                for name in skill.all_tools
                if name not in skill.tools and self.get(name) is not None
            )
        resolved: dict[str, ToolDefinition] = {}
        for name, origin in wanted:
            definition = self.get(name)
            if definition is None:
                missing.append(f"tool {name!r} (from {origin})")
            elif definition.allows(agent.id):
                resolved.setdefault(name, definition)
        if missing:
            raise ConfigError(
                f"agent {agent.id!r} refers to unknown {', '.join(missing)}; define them in the "
                "workspace or register them in code"
            )
        for server in agent.mcp_servers:
            if (
                server not in self._dynamic.providers
                and (agent.id, server) not in self._dynamic.warned
            ):
                self._dynamic.warned.add((agent.id, server))  # once: plans are rebuilt often
                logger.warning(
                    "agent %r lists MCP server %r, which is not connected or not registered",
                    agent.id,
                    server,
                )
            for name, definition in self._dynamic.provider_tools.get(server, {}).items():
                resolved.setdefault(name, definition)
        return tuple(resolved.values())
