"""Where a client's settings come from: arguments, then the environment, then a profile of the
config file; and what a missing or wrong setting says."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from agent_gateway_client import (
    ClientConfig,
    ConfigurationError,
    GatewayClient,
    GatewayClientSync,
    load_config,
)

pytestmark = pytest.mark.unit

PROFILES = """\
[profiles.default]
base_url = "http://default.test"
api_key = "sk-default"
read_timeout = 12.5
max_retries = 5

[profiles.staging]
base_url = "https://staging.test"
token_url = "https://auth.test/token"
client_id = "job"
client_secret = "s3cret"
scope = "agents:read"
headers = {X-Team = "data"}
verify = false
"""


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "home" / ".config" / "agent-gateway" / "client.toml"
    path.parent.mkdir(parents=True)
    path.write_text(PROFILES)
    return path


def test_the_default_profile_of_the_default_file(config_file: Path) -> None:
    config = load_config()

    assert config.base_url == "http://default.test"
    assert config.api_key == "sk-default"
    assert config.read_timeout == 12.5
    assert config.max_retries == 5
    assert config.connect_timeout == 5.0  # not in the profile: the default


def test_the_environment_beats_the_profile_and_arguments_beat_both(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENT_GATEWAY_URL", "http://env.test")
    monkeypatch.setenv("AGENT_GATEWAY_API_KEY", "sk-env")

    from_env = load_config()
    from_arguments = load_config(base_url="http://arg.test", max_retries=0)

    assert (from_env.base_url, from_env.api_key, from_env.max_retries) == (
        "http://env.test",
        "sk-env",
        5,
    )
    assert (from_arguments.base_url, from_arguments.api_key) == ("http://arg.test", "sk-env")
    assert from_arguments.max_retries == 0


def test_a_profile_is_chosen_by_argument_or_environment(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_argument = load_config(profile="staging")
    monkeypatch.setenv("AGENT_GATEWAY_PROFILE", "staging")
    by_environment = load_config()

    for config in (by_argument, by_environment):
        assert config.base_url == "https://staging.test"
        assert config.uses_oauth2
        assert config.api_key is None
        assert (config.client_id, config.scope) == ("job", "agents:read")
        assert config.headers == {"X-Team": "data"}
        assert config.verify is False


def test_the_file_is_chosen_by_argument_or_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "elsewhere.toml"
    other.write_text('[profiles.default]\nbase_url = "http://elsewhere.test"\n')

    assert load_config(config_file=other).base_url == "http://elsewhere.test"
    monkeypatch.setenv("AGENT_GATEWAY_CLIENT_CONFIG", str(other))
    assert load_config().base_url == "http://elsewhere.test"


def test_the_credential_comes_whole_from_one_place(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENT_GATEWAY_API_KEY", "sk-env")

    config = load_config(profile="staging")

    assert config.api_key == "sk-env"
    assert not config.uses_oauth2  # the profile's client credentials are not mixed in
    assert config.base_url == "https://staging.test"


def test_a_missing_url_names_the_three_ways_to_set_it() -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_config()

    message = str(caught.value)
    assert "base_url=" in message
    assert "AGENT_GATEWAY_URL" in message
    assert "client.toml" in message
    assert "'default'" in message


def test_a_profile_asked_for_must_exist(config_file: Path) -> None:
    with pytest.raises(
        ConfigurationError, match=r"no profile 'prod' \(profiles: default, staging\)"
    ):
        load_config(profile="prod")
    with pytest.raises(ConfigurationError, match="does not exist"):
        load_config(profile="prod", config_file=config_file.parent / "missing.toml")


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ('base_url = "http://x"\nmax_retry = 3\n', "unknown key 'max_retry'"),
        ('base_url = "http://x"\nmax_retries = "3"\n', "max_retries must be int"),
        ('base_url = "http://x"\nverify = 1\n', "verify must be bool or str"),
        ('base_url = "http://x"\ncert = ["a"]\n', "cert must be a path or"),
        ('base_url = "http://x"\nread_timeout = 0\n', "read_timeout must be more than 0"),
        ('base_url = "x"\n', "base_url must be an http(s) URL"),
        ('base_url = "http://x"\nclient_id = "j"\n', "missing: token_url, client_secret"),
        (
            'base_url = "http://x"\napi_key = "k"\nclient_id = "j"\n',
            "either api_key or OAuth2",
        ),
        ("base_url = ", "cannot read the client config file"),
    ],
)
def test_a_wrong_profile_is_explained(config_file: Path, profile: str, message: str) -> None:
    config_file.write_text(f"[profiles.default]\n{profile}")

    with pytest.raises(ConfigurationError) as caught:
        load_config()

    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_timeouts_are_split_by_phase_and_streams_have_their_own() -> None:
    config = ClientConfig(
        base_url="http://x",
        connect_timeout=1,
        read_timeout=2,
        write_timeout=3,
        pool_timeout=4,
        stream_timeout=None,
    )

    assert config.timeout() == httpx.Timeout(connect=1, read=2, write=3, pool=4)
    assert config.timeout(stream=True) == httpx.Timeout(connect=1, read=None, write=3, pool=4)


def test_secrets_stay_out_of_the_repr() -> None:
    config = ClientConfig(base_url="http://x", api_key="sk-very-secret")

    assert "sk-very-secret" not in repr(config)


async def test_a_client_takes_a_whole_config_and_overrides_it() -> None:
    config = ClientConfig(base_url="http://x", api_key="sk-1", max_retries=4)

    async with GatewayClient(config=config, max_retries=1) as client:
        assert client.settings.max_retries == 1
        assert client.settings.api_key == "sk-1"
    with GatewayClientSync("http://y", config=config) as sync:
        assert sync.settings.base_url == "http://y"
        assert repr(sync) == "GatewayClientSync('http://y')"


def test_a_client_with_no_url_fails_before_any_request() -> None:
    with pytest.raises(ConfigurationError):
        GatewayClientSync()
