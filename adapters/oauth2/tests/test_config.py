"""Construction and from_settings: defaults, and a clear ConfigError for every bad value."""

from __future__ import annotations

from typing import Any

import pytest

from agent_gateway_core.errors import ConfigError
from agent_gateway_oauth2 import OAuth2AuthProvider

pytestmark = pytest.mark.unit

ISSUER = "https://login.example.com/tenant/"
BASE = {"issuer": ISSUER, "audience": "api://agent-gateway"}


async def test_defaults_follow_use_oauth2() -> None:
    async with OAuth2AuthProvider(ISSUER, "api://agent-gateway") as provider:
        assert provider.jwks_uri == "https://login.example.com/tenant/.well-known/jwks.json"
        assert provider.algorithms == ("RS256", "ES256")


async def test_from_settings_takes_every_gateway_yaml_key() -> None:
    provider = OAuth2AuthProvider.from_settings(
        {
            **BASE,
            "jwks_uri": "https://login.example.com/keys",
            "algorithms": ["ES384", "PS256", "ES384"],
            "scope_claim": "scp",
            "clock_skew_seconds": 5,
            "jwks_cache_ttl_seconds": 600,
            "min_refetch_interval_seconds": 10,
            "timeout_seconds": 3,
        }
    )
    async with provider:
        assert provider.jwks_uri == "https://login.example.com/keys"
        assert provider.algorithms == ("ES384", "PS256")


async def test_from_settings_treats_none_as_the_default() -> None:
    provider = OAuth2AuthProvider.from_settings({**BASE, "jwks_uri": None, "algorithms": None})
    async with provider:
        assert provider.jwks_uri.endswith("/tenant/.well-known/jwks.json")
        assert provider.algorithms == ("RS256", "ES256")


def test_from_settings_names_unknown_keys() -> None:
    with pytest.raises(ConfigError, match=r"unknown setting.*client_secret, jwks_url"):
        OAuth2AuthProvider.from_settings({**BASE, "jwks_url": "x", "client_secret": "s"})


@pytest.mark.parametrize("missing", ["issuer", "audience"])
def test_from_settings_requires_issuer_and_audience(missing: str) -> None:
    options = {k: v for k, v in BASE.items() if k != missing}
    with pytest.raises(ConfigError, match=f"auth.oauth2.{missing} is required"):
        OAuth2AuthProvider.from_settings(options)


@pytest.mark.parametrize(
    ("algorithms", "why"),
    [
        (["none"], "unsigned tokens"),
        (["RS256", "None"], "unsigned tokens"),
        (["HS256"], "HMAC"),
        (["RS256", "hs512"], "HMAC"),
        (["EdDSA"], "Ed25519"),
        (["XY999"], "not supported.*RS256"),
        (["ES256K"], "not supported"),
        ([], "empty"),
        ([256], "must be strings"),
    ],
)
def test_only_asymmetric_algorithms_are_allowed(algorithms: list[Any], why: str) -> None:
    with pytest.raises(ConfigError, match=why):
        OAuth2AuthProvider(ISSUER, "api", algorithms=algorithms)
    with pytest.raises(ConfigError, match=why):
        OAuth2AuthProvider.from_settings({**BASE, "algorithms": algorithms})


async def test_every_supported_algorithm_is_accepted() -> None:
    names = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
    names += ["ES256", "ES384", "ES512", "Ed25519", "Ed448"]
    async with OAuth2AuthProvider(ISSUER, "api", algorithms=names) as provider:
        assert provider.algorithms == tuple(names)


async def test_one_algorithm_may_be_given_as_a_string() -> None:
    async with OAuth2AuthProvider.from_settings({**BASE, "algorithms": "ES256"}) as provider:
        assert provider.algorithms == ("ES256",)


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("issuer", "", "issuer must be a non-empty string"),
        ("issuer", 42, "issuer must be a non-empty string"),
        ("audience", "  ", "audience must be a non-empty string"),
        ("scope_claim", "", "scope_claim must be a non-empty string"),
        ("jwks_uri", "ftp://keys.example", "jwks_uri must be an http"),
        ("jwks_uri", "keys.json", "jwks_uri must be an http"),
        ("clock_skew_seconds", -1, "clock_skew_seconds must be zero or more"),
        ("clock_skew_seconds", "30", "clock_skew_seconds must be zero or more"),
        ("clock_skew_seconds", True, "clock_skew_seconds"),
        ("jwks_cache_ttl_seconds", 0, "jwks_cache_ttl_seconds must be more than zero"),
        ("min_refetch_interval_seconds", float("nan"), "min_refetch_interval_seconds"),
        ("timeout_seconds", 0, "timeout_seconds must be more than zero"),
    ],
)
def test_bad_values_are_config_errors_naming_the_setting(
    setting: str, value: object, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        OAuth2AuthProvider.from_settings({**BASE, setting: value})
