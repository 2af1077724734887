"""``agents-gateway version``: what is installed, for bug reports."""

import platform
import re

from agent_gateway.cli.listing import show_rows
from agent_gateway.cli.options import FormatOption, OutputFormat

_APP = "agents-gateway"
_CORE = "agent-gateway-core"
_FAMILY_PREFIX = "agent-gateway-"


def version(output: FormatOption = OutputFormat.TABLE) -> None:
    """Show the versions of agents-gateway, its core, installed adapters and Python.

    Lists every installed `agent-gateway-*` distribution (adapters, testing, client), so a
    bug report says exactly what ran.

    **Examples**

        agents-gateway version
        agents-gateway version --format json
    """
    rows = [
        {"package": name, "version": _version(name)}
        for name in (_APP, _CORE, *_companion_distributions())
    ]
    rows.append({"package": "python", "version": platform.python_version()})
    show_rows(rows, title="Versions", output=output)


def _version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _companion_distributions() -> list[str]:
    """Installed ``agent-gateway-*`` distributions other than core: adapters, testing, client."""
    from importlib import metadata

    names = {_normalize(dist.metadata["Name"] or "") for dist in metadata.distributions()}
    return sorted(n for n in names if n.startswith(_FAMILY_PREFIX) and n != _CORE)


def _normalize(name: str) -> str:
    """PEP 503 normalisation: ``Agent_Gateway.Redis`` and ``agent-gateway-redis`` are one."""
    return re.sub(r"[-_.]+", "-", name).lower()
