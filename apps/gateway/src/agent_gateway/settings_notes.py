"""What a workspace asks for that is accepted but means something to know: the existing
product's names for our settings, and settings of capabilities not built yet, in gateway.yaml
and in each AGENT.md.

Nothing is silently ignored: a key the gateway knows neither way is an error (with "did you
mean"); a key listed here is accepted, and ``agents-gateway check`` and the startup log say,
per file and key, what became of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from agent_gateway.settings import PUBLIC_PATHS, SQLITE_URL_PREFIXES
from agent_gateway_core.domain.agent import AgentScope

if TYPE_CHECKING:
    from agent_gateway_core.domain.agent import AgentDefinition
    from agent_gateway_core.workspace import WorkspaceState

GATEWAY_FILE = "gateway.yaml"

NoteKind = Literal["alias", "not_in_effect"]


@dataclass(frozen=True, slots=True)
class SettingNote:
    """One accepted setting worth a word: ``kind`` is ``alias`` (the existing product's name
    for one of ours, in effect) or ``not_in_effect`` (its capability is not built yet)."""

    field: str
    kind: NoteKind
    message: str
    path: str = GATEWAY_FILE

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}"


# Sections whose capability is not built yet: accepted so a workspace loads, and reported.
_SECTIONS_NOT_IN_EFFECT = {
    "dashboard": "the web dashboard is not in this release",
    "telemetry": "OpenTelemetry export is not in this release",
}

# Keys of the queue section that only one queue backend reads.
_QUEUE_KEYS_OF_BACKEND = {
    "redis_url": "redis", "stream_key": "redis", "consumer_group": "redis",
    "rabbitmq_url": "rabbitmq", "queue_name": "rabbitmq",
}  # fmt: skip
_SHARED_QUEUES = ("redis", "rabbitmq")


def settings_notes(config: Mapping[str, Any]) -> list[SettingNote]:
    """The notes for gateway.yaml's mapping (after ``${VAR}`` substitution), in file order."""
    notes: list[SettingNote] = []
    for section, value in config.items():
        if section in _SECTIONS_NOT_IN_EFFECT and _asks_for_something(value):
            notes.append(SettingNote(section, "not_in_effect", _SECTIONS_NOT_IN_EFFECT[section]))
    server = config.get("server")
    if (
        isinstance(server, Mapping)
        and isinstance(server.get("workers"), int)
        and server["workers"] > 1
    ):
        notes.append(
            SettingNote(
                "server.workers",
                "not_in_effect",
                "gw.run() and agents-gateway serve run one process; for several, start "
                "uvicorn with an import string (uvicorn app:gw --workers N)",
            )
        )
    notes += _guardrails_notes(config.get("guardrails"))
    notes += _auth_notes(config.get("auth"))
    notes += _persistence_notes(config.get("persistence"))
    notes += _queue_notes(config.get("queue"))
    return notes


def workspace_notes(workspace: WorkspaceState) -> list[SettingNote]:
    """gateway.yaml's notes, then each agent's, by agent id."""
    notes = settings_notes(workspace.config)
    memory = workspace.config.get("memory")
    memory_on = isinstance(memory, Mapping) and memory.get("enabled") is True
    for agent_id in sorted(workspace.agents):
        agent = workspace.agents[agent_id]
        notes += agent_notes(agent)
        if agent.memory.enabled and not memory_on:
            notes.append(
                SettingNote(
                    "memory",
                    "not_in_effect",
                    "gateway.yaml does not enable memory (memory.enabled): this agent gets no "
                    "memory unless the gateway is given a backend in code (use_file_memory, "
                    "use_memory)",
                    path=f"agents/{agent_id}/AGENT.md",
                )
            )
    return notes


def agent_notes(agent: AgentDefinition) -> list[SettingNote]:
    """AGENT.md keys of capabilities this release does not have yet."""
    path = f"agents/{agent.id}/AGENT.md"
    asked = {
        "schedules": (
            bool(agent.schedules) and agent.scope is AgentScope.PERSONAL,
            "a personal agent's schedules are listed, not fired: a scheduled run has no user "
            "whose configuration it could use",
        ),
        "delegates_to": (
            bool(agent.delegates_to),
            "agents delegating to agents is not in this release",
        ),
    }
    return [
        SettingNote(key, "not_in_effect", message, path=path)
        for key, (is_set, message) in asked.items()
        if is_set
    ]


def _asks_for_something(section: object) -> bool:
    """A section left empty or with ``enabled: false`` asks for nothing."""
    if not isinstance(section, Mapping) or not section:
        return False
    return section.get("enabled", True) is not False


def _guardrails_notes(section: object) -> list[SettingNote]:
    if not isinstance(section, Mapping):
        return []
    notes = []
    if "timeout_ms" in section:
        notes.append(SettingNote("guardrails.timeout_ms", "alias", "read as timeout_seconds"))
    if "max_delegation_depth" in section:
        notes.append(
            SettingNote(
                "guardrails.max_delegation_depth",
                "not_in_effect",
                "agents delegating to agents is not in this release",
            )
        )
    return notes


def _auth_notes(section: object) -> list[SettingNote]:
    if not isinstance(section, Mapping):
        return []
    notes = []
    mode = section.get("mode", "api_key")
    if mode == "none":
        notes.append(SettingNote("auth.mode", "alias", "none turns authentication off"))
    if section.get("oauth2") and mode == "api_key":
        notes.append(
            SettingNote(
                "auth.oauth2",
                "not_in_effect",
                "auth.mode is api_key: set mode to oauth2 (tokens only) or composite (tokens "
                "and API keys) to validate OAuth2 tokens",
            )
        )
    if section.get("api_keys") and mode == "oauth2":
        notes.append(
            SettingNote(
                "auth.api_keys",
                "not_in_effect",
                "auth.mode is oauth2: set mode to composite to accept API keys as well",
            )
        )
    public = section.get("public_paths")
    if isinstance(public, list) and set(PUBLIC_PATHS) - set(public):
        notes.append(
            SettingNote(
                "auth.public_paths",
                "not_in_effect",
                f"{', '.join(PUBLIC_PATHS)} stays public: health checks need no credential",
            )
        )
    return notes


def _persistence_notes(section: object) -> list[SettingNote]:
    if not isinstance(section, Mapping):
        return []
    notes = []
    if "db_schema" in section:
        notes.append(SettingNote("persistence.db_schema", "alias", "read as persistence.schema"))
    if section.get("enabled") is False:
        notes.append(
            SettingNote(
                "persistence.enabled",
                "alias",
                "false keeps nothing durable, read as backend: memory",
            )
        )
    url = section.get("url")
    if isinstance(url, str) and url.startswith(SQLITE_URL_PREFIXES):
        notes.append(SettingNote("persistence.url", "alias", "a SQLite url, read as path"))
    return notes


def _queue_notes(section: object) -> list[SettingNote]:
    """Keys the chosen queue backend does not read (the other broker's), and the one the
    existing product has that this release does not act on."""
    if not isinstance(section, Mapping):
        return []
    backend = section.get("backend", "memory")
    notes = [
        SettingNote(
            f"queue.{key}",
            "not_in_effect",
            f"read by the {owner} queue only, and queue.backend is {backend!r}",
        )
        for key, owner in _QUEUE_KEYS_OF_BACKEND.items()
        if key in section and backend != owner
    ]
    if "drain_timeout_s" in section and backend not in _SHARED_QUEUES:
        notes.append(
            SettingNote(
                "queue.drain_timeout_s",
                "not_in_effect",
                "read by --worker-only processes, which need a redis or rabbitmq queue",
            )
        )
    if "default_execution_mode" in section:
        notes.append(
            SettingNote(
                "queue.default_execution_mode",
                "not_in_effect",
                "set execution_mode per agent in AGENT.md, or options.async per call",
            )
        )
    return notes
