"""``ClientConfig``: where the gateway is, how to authenticate, timeouts, TLS, retries.

Each setting is taken from the first place that sets it:

1. the arguments of the client (``GatewayClient(base_url=..., api_key=...)``);
2. the environment: ``AGENT_GATEWAY_URL`` and ``AGENT_GATEWAY_API_KEY``;
3. a profile of the config file: ``[profiles.<name>]`` of ``~/.config/agent-gateway/client.toml``
   (or the file ``AGENT_GATEWAY_CLIENT_CONFIG`` names), with the same keys as
   :class:`ClientConfig`; the profile is ``profile=``, else ``AGENT_GATEWAY_PROFILE``, else
   ``default``.

The credential is taken as a whole from the first of those that sets one (``api_key``, or the
OAuth2 ``token_url``/``client_id``/``client_secret``/``scope``), so an API key in the
environment is never mixed with a profile's client credentials.
"""

from __future__ import annotations

import os
import platform
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypedDict
from urllib.parse import urlsplit

import httpx

from agent_gateway_client._errors import ConfigurationError
from agent_gateway_client._version import __version__

URL_ENV = "AGENT_GATEWAY_URL"
API_KEY_ENV = "AGENT_GATEWAY_API_KEY"
PROFILE_ENV = "AGENT_GATEWAY_PROFILE"
CONFIG_FILE_ENV = "AGENT_GATEWAY_CLIENT_CONFIG"
DEFAULT_PROFILE = "default"
AUTH_KEYS = frozenset({"api_key", "token_url", "client_id", "client_secret", "scope"})
_OAUTH2_REQUIRED = ("token_url", "client_id", "client_secret")


def default_config_file() -> Path:
    """``~/.config/agent-gateway/client.toml``."""
    return Path.home() / ".config" / "agent-gateway" / "client.toml"


def default_user_agent() -> str:
    return f"agent-gateway-client/{__version__} python/{platform.python_version()}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientConfig:
    """Everything a client needs to reach one gateway; build it with :func:`load_config` (as
    the clients do) to read the environment and the config file too.

    Timeouts are in seconds, ``None`` for none: ``connect_timeout`` to open a connection,
    ``read_timeout`` for each read of an answer (an invoke's answer comes when the agent is
    done, so it is long), ``write_timeout`` for each write, ``pool_timeout`` to get a pooled
    connection, and ``stream_timeout`` between two reads of a stream (chat events).

    ``cache`` keeps the catalog's answers in ``client.store``, revalidated with their ETag on
    every use (see :class:`~agent_gateway_client.ResponseStore`).
    """

    base_url: str
    api_key: str | None = field(default=None, repr=False)
    token_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    scope: str | None = None
    connect_timeout: float | None = 5.0
    read_timeout: float | None = 300.0
    write_timeout: float | None = 30.0
    pool_timeout: float | None = 30.0
    stream_timeout: float | None = 300.0
    verify: bool | str = True
    cert: str | tuple[str, str] | None = None
    proxy: str | None = None
    max_retries: int = 2
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    user_agent: str = field(default_factory=default_user_agent)
    headers: Mapping[str, str] = field(default_factory=dict)
    cache: bool = True

    def __post_init__(self) -> None:
        url = urlsplit(self.base_url)
        if url.scheme not in ("http", "https") or not url.netloc:
            raise ConfigurationError(
                f"base_url must be an http(s) URL such as http://127.0.0.1:8000, "
                f"got {self.base_url!r}"
            )
        if self.api_key is not None and self.uses_oauth2:
            raise ConfigurationError(
                "set either api_key or OAuth2 client credentials (token_url, client_id, "
                "client_secret), not both"
            )
        if self.uses_oauth2:
            missing = [name for name in _OAUTH2_REQUIRED if not getattr(self, name)]
            if missing:
                raise ConfigurationError(
                    f"OAuth2 client credentials need token_url, client_id and client_secret; "
                    f"missing: {', '.join(missing)}"
                )
        if self.max_retries < 0:
            raise ConfigurationError(f"max_retries must be 0 or more, got {self.max_retries}")
        for name in ("connect_timeout", "read_timeout", "write_timeout", "pool_timeout"):
            _check_positive(name, getattr(self, name), optional=True)
        _check_positive("stream_timeout", self.stream_timeout, optional=True)
        _check_positive("backoff_base", self.backoff_base)
        _check_positive("backoff_max", self.backoff_max)

    @property
    def uses_oauth2(self) -> bool:
        """Whether the client authenticates with OAuth2 client credentials."""
        return any(getattr(self, name) for name in (*_OAUTH2_REQUIRED, "scope"))

    def timeout(self, *, stream: bool = False) -> httpx.Timeout:
        """The timeouts of a request; a stream waits ``stream_timeout`` between reads."""
        return httpx.Timeout(
            connect=self.connect_timeout,
            read=self.stream_timeout if stream else self.read_timeout,
            write=self.write_timeout,
            pool=self.pool_timeout,
        )


class ClientOptions(TypedDict, total=False):
    """The settings a client takes as keyword arguments, besides ``base_url`` and ``api_key``:
    those of :class:`ClientConfig`, and ``config_file`` (the TOML file of profiles)."""

    token_url: str
    client_id: str
    client_secret: str
    scope: str
    connect_timeout: float | None
    read_timeout: float | None
    write_timeout: float | None
    pool_timeout: float | None
    stream_timeout: float | None
    verify: bool | str
    cert: str | tuple[str, str]
    proxy: str
    max_retries: int
    backoff_base: float
    backoff_max: float
    user_agent: str
    headers: Mapping[str, str]
    cache: bool
    config_file: str | Path


_KEYS = {f.name: f for f in fields(ClientConfig)}
_NUMBER = (int, float)
_TYPES: dict[str, tuple[type, ...]] = {
    "connect_timeout": _NUMBER,
    "read_timeout": _NUMBER,
    "write_timeout": _NUMBER,
    "pool_timeout": _NUMBER,
    "stream_timeout": _NUMBER,
    "verify": (bool, str),
    "cert": (str, list),
    "max_retries": (int,),
    "backoff_base": _NUMBER,
    "backoff_max": _NUMBER,
    "headers": (dict,),
    "cache": (bool,),
}


def load_config(
    *,
    profile: str | None = None,
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    **arguments: Any,
) -> ClientConfig:
    """The settings of a client: ``arguments`` (``None`` values count as unset), then the
    environment (``environ``, by default ``os.environ``), then the profile of the config
    file. Raises :class:`ConfigurationError` naming what is missing or wrong."""
    env = os.environ if environ is None else environ
    unknown = sorted(set(arguments) - set(_KEYS))
    if unknown:
        raise ConfigurationError(f"unknown client setting(s): {', '.join(unknown)}")
    explicit = {key: value for key, value in arguments.items() if value is not None}
    from_env = {
        key: env[name] for key, name in (("base_url", URL_ENV), ("api_key", API_KEY_ENV))
        if env.get(name)
    }  # fmt: skip
    path = Path(config_file or env.get(CONFIG_FILE_ENV) or default_config_file()).expanduser()
    name = profile or env.get(PROFILE_ENV) or None
    from_file = read_profile(path, name or DEFAULT_PROFILE, required=name is not None)
    layers = [explicit, from_env, from_file]
    merged: dict[str, Any] = {}
    for layer in reversed(layers):
        merged.update({key: value for key, value in layer.items() if key not in AUTH_KEYS})
    credential = next((layer for layer in layers if AUTH_KEYS & layer.keys()), {})
    merged.update({key: value for key, value in credential.items() if key in AUTH_KEYS})
    if not merged.get("base_url"):
        raise ConfigurationError(
            "no gateway URL: pass base_url= to the client, set the environment variable "
            f"{URL_ENV}, or set base_url in profile {name or DEFAULT_PROFILE!r} of {path}"
        )
    if isinstance(merged.get("cert"), list):
        merged["cert"] = tuple(merged["cert"])
    return ClientConfig(**merged)


def read_profile(path: Path, name: str, *, required: bool) -> dict[str, Any]:
    """``[profiles.<name>]`` of the TOML file at ``path``; ``{}`` when the file or the profile
    is missing, unless ``required`` (a profile asked for by name)."""
    try:
        with path.open("rb") as file:
            document = tomllib.load(file)
    except FileNotFoundError:
        if required:
            raise ConfigurationError(
                f"profile {name!r} asked for, but {path} does not exist"
            ) from None
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read the client config file {path}: {exc}") from exc
    profiles = document.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigurationError(f"{path}: 'profiles' must be a table of [profiles.<name>]")
    values = profiles.get(name)
    if values is None:
        if required:
            known = ", ".join(sorted(profiles)) or "none"
            raise ConfigurationError(f"{path} has no profile {name!r} (profiles: {known})")
        return {}
    if not isinstance(values, dict):
        raise ConfigurationError(f"{path}: [profiles.{name}] must be a table")
    _check_profile(path, name, values)
    return values


def _check_profile(path: Path, name: str, values: Mapping[str, Any]) -> None:
    where = f"{path} [profiles.{name}]"
    for key, value in values.items():
        if key not in _KEYS:
            raise ConfigurationError(
                f"{where}: unknown key {key!r}; the keys are {', '.join(sorted(_KEYS))}"
            )
        expected = _TYPES.get(key, (str,))
        bad_bool = isinstance(value, bool) and bool not in expected
        if not isinstance(value, expected) or bad_bool:
            kinds = " or ".join(kind.__name__ for kind in expected)
            raise ConfigurationError(f"{where}: {key} must be {kinds}, got {value!r}")
    cert = values.get("cert")
    if isinstance(cert, list) and (len(cert) != 2 or not all(isinstance(c, str) for c in cert)):
        raise ConfigurationError(f"{where}: cert must be a path or [certificate, key]")


def _check_positive(name: str, value: float | None, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if value is None or value <= 0:
        raise ConfigurationError(f"{name} must be more than 0, got {value!r}")
