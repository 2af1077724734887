"""``rate_limit:`` in gateway.yaml: the existing product's keys and defaults, ``key_prefix`` and
``routes`` added, checked when enabled, and no longer noted as not in effect."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from agent_gateway.settings import GatewaySettings, settings_problems
from agent_gateway.settings_notes import settings_notes

pytestmark = pytest.mark.unit


def problems(config: dict[str, Any]) -> list[tuple[str | None, str]]:
    with pytest.raises(ValidationError) as caught:
        GatewaySettings.from_config({"rate_limit": config})
    return [(problem.field, problem.message) for problem in settings_problems(caught.value)]


def test_the_existing_products_keys_keep_their_defaults() -> None:
    settings = GatewaySettings.from_config({}).rate_limit

    assert (settings.enabled, settings.default_limit) == (False, "100/minute")
    assert (settings.storage_uri, settings.trust_forwarded_for) == (None, False)
    assert (settings.key_prefix, settings.routes) == ("agent-gateway:rl", {})


def test_routes_map_a_route_to_its_limit() -> None:
    routes = {"POST /v1/agents/{agent_id}/invoke": "10/minute", "/v1/executions": "5/second"}

    settings = GatewaySettings.from_config({"rate_limit": {"enabled": True, "routes": routes}})

    assert settings.rate_limit.routes == routes


def test_routes_can_be_set_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_GATEWAY_RATE_LIMIT__ROUTES", '{"GET /v1/agents": "5/minute"}')

    settings = GatewaySettings.from_config({"rate_limit": {"enabled": True}})

    assert settings.rate_limit.routes == {"GET /v1/agents": "5/minute"}


@pytest.mark.parametrize(
    ("config", "field", "in_message"),
    [
        ({"default_limit": "100/fortnight"}, "rate_limit.default_limit", "'100/fortnight'"),
        ({"default_limit": "0/minute"}, "rate_limit.default_limit", "at least 1 request"),
        ({"routes": {"/v1/agents": "lots"}}, "rate_limit.routes", "route '/v1/agents': invalid"),
        ({"routes": {"FETCH /v1/agents": "1/minute"}}, "rate_limit.routes", "'FETCH'"),
        ({"routes": {"v1/agents": "1/minute"}}, "rate_limit.routes", "'/path'"),
        ({"storage_uri": "memcached://cache:11211"}, "rate_limit.storage_uri", "redis://"),
    ],
)
def test_when_enabled_each_setting_is_checked_and_named(
    config: dict[str, Any], field: str, in_message: str
) -> None:
    [(named, message)] = problems({"enabled": True, **config})

    assert named == field
    assert in_message in message


def test_a_storage_uri_is_reported_without_its_password() -> None:
    [(_, message)] = problems({"enabled": True, "storage_uri": "mongodb://u:hunter2@db:27017"})

    assert "hunter2" not in message
    assert "db:27017" in message


def test_a_disabled_section_is_not_checked_beyond_its_keys() -> None:
    settings = GatewaySettings.from_config(
        {"rate_limit": {"enabled": False, "default_limit": "100/fortnight"}}
    )

    assert settings.rate_limit.default_limit == "100/fortnight"
    assert problems({"enabled": False, "route": {}}) == [
        ("rate_limit.route", "unknown key 'route'; did you mean 'routes'?")
    ]


def test_rate_limit_is_in_effect_so_check_notes_nothing_about_it() -> None:
    notes = settings_notes(
        {
            "rate_limit": {"enabled": True, "default_limit": "10/minute"},
            "telemetry": {"enabled": True},
        }
    )

    assert [note.field for note in notes] == ["telemetry"]
