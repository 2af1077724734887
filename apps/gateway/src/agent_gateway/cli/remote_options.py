"""The options that point a command at a running gateway instead of the local workspace.

A command that also works locally talks to a gateway only when given ``--url`` or
``--profile``: the environment alone (``AGENT_GATEWAY_URL``) never switches it, so a shell
that exports it for scripts still runs ``agents-gateway invoke`` on its workspace. The
settings are then resolved as the client SDK resolves them: these options, then
``AGENT_GATEWAY_URL`` / ``AGENT_GATEWAY_API_KEY``, then the profile of the client's config
file. Commands that only exist remotely (``executions``, ``codegen``) resolve them the same
way with or without an option.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import typer

REMOTE_PANEL = "Remote gateway"

UrlOption = Annotated[
    str | None,
    typer.Option(
        "--url",
        help="Talk to the gateway at this URL (through the client SDK) instead of running "
        "the local workspace.",
        show_default=False,
        rich_help_panel=REMOTE_PANEL,
    ),
]

ProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile",
        help="Talk to the gateway of this profile of ~/.config/agent-gateway/client.toml "
        "(or of the file $AGENT_GATEWAY_CLIENT_CONFIG names).",
        show_default=False,
        rich_help_panel=REMOTE_PANEL,
    ),
]

GatewayUrlOption = Annotated[
    str | None,
    typer.Option(
        "--url",
        help="The gateway's URL. Defaults to $AGENT_GATEWAY_URL, else the profile's base_url.",
        show_default=False,
        rich_help_panel=REMOTE_PANEL,
    ),
]
"""``--url`` of a command that only talks to a gateway."""

GatewayProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile",
        help="A profile of ~/.config/agent-gateway/client.toml (or of the file "
        "$AGENT_GATEWAY_CLIENT_CONFIG names). Defaults to $AGENT_GATEWAY_PROFILE, else "
        "'default'.",
        show_default=False,
        rich_help_panel=REMOTE_PANEL,
    ),
]
"""``--profile`` of a command that only talks to a gateway."""

ApiKeyOption = Annotated[
    str | None,
    typer.Option(
        "--api-key",
        help="API key of the gateway. Defaults to $AGENT_GATEWAY_API_KEY, else the "
        "profile's; prefer those, as a command line is visible to other users.",
        show_default=False,
        rich_help_panel=REMOTE_PANEL,
    ),
]


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoteTarget:
    """Where a command's gateway is, as given on the command line (``None``: resolved by the
    client from the environment and the config file)."""

    url: str | None = None
    profile: str | None = None
    api_key: str | None = None


def remote_target(url: str | None, profile: str | None, api_key: str | None) -> RemoteTarget | None:
    """The gateway a command with a local mode talks to; ``None`` to run locally.

    ``--api-key`` alone is a usage error (exit 2): it would otherwise be ignored silently.
    """
    if url is None and profile is None:
        if api_key is not None:
            raise typer.BadParameter(
                "only applies to a gateway: add --url or --profile", param_hint="--api-key"
            )
        return None
    return RemoteTarget(url=url, profile=profile, api_key=api_key)
