"""The principal a verified token describes: subject, name, scopes (incl. Azure AD's scp)."""

from __future__ import annotations

from typing import Any

import pytest

from agent_gateway_core.errors import AuthenticationError
from agent_gateway_oauth2 import OAuth2AuthProvider

from .conftest import Claims, MakeProvider, bearer
from .tokens import SigningKey

pytestmark = pytest.mark.integration


@pytest.fixture
def authenticate(provider: OAuth2AuthProvider, rsa_key: SigningKey, claims: Claims) -> Any:
    async def run(**overrides: Any) -> Any:
        return await provider.authenticate(bearer(rsa_key.sign(claims(**overrides))))

    return run


async def test_scopes_from_a_space_separated_scope_string(authenticate: Any) -> None:
    principal = await authenticate(scope="  read  write\tadmin ")
    assert principal.scopes == {"read", "write", "admin"}
    assert principal.has_scope("write")
    assert not principal.has_scope("delete")


async def test_scopes_from_a_list(authenticate: Any) -> None:
    assert (await authenticate(scope=["read", "write"])).scopes == {"read", "write"}


async def test_no_scope_claim_means_no_scopes(authenticate: Any) -> None:
    assert (await authenticate(scope=None)).scopes == frozenset()


async def test_a_scope_claim_of_another_type_is_malformed(authenticate: Any) -> None:
    with pytest.raises(AuthenticationError, match="malformed token"):
        await authenticate(scope=42)
    with pytest.raises(AuthenticationError, match="malformed token"):
        await authenticate(scope=["read", 42])


@pytest.mark.parametrize("scp", [["Agents.Read", "Agents.Invoke"], "Agents.Read Agents.Invoke"])
async def test_azure_scp_as_list_or_string_with_scope_claim_scp(
    make_provider: MakeProvider, rsa_key: SigningKey, claims: Claims, scp: object
) -> None:
    provider = make_provider(scope_claim="scp")
    token = rsa_key.sign(claims(scope="ignored", scp=scp))
    assert (await provider.authenticate(bearer(token))).scopes == {"Agents.Read", "Agents.Invoke"}


@pytest.mark.parametrize("scp", [["Agents.Read"], "Agents.Read"])
async def test_the_default_scope_claim_falls_back_to_scp(authenticate: Any, scp: object) -> None:
    assert (await authenticate(scope=None, scp=scp)).scopes == {"Agents.Read"}


async def test_scope_wins_over_scp_when_both_are_present(authenticate: Any) -> None:
    assert (await authenticate(scope="read", scp="Agents.Read")).scopes == {"read"}


async def test_a_custom_scope_claim_does_not_fall_back_to_scp(
    make_provider: MakeProvider, rsa_key: SigningKey, claims: Claims
) -> None:
    provider = make_provider(scope_claim="permissions")
    token = rsa_key.sign(claims(scope=None, scp="Agents.Read", permissions=["agents:invoke"]))
    assert (await provider.authenticate(bearer(token))).scopes == {"agents:invoke"}


async def test_azure_roles_are_not_scopes(authenticate: Any) -> None:
    principal = await authenticate(scope=None, roles=["Admin"])
    assert principal.scopes == frozenset()
    assert principal.claims["roles"] == ["Admin"]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ({"name": "Ada Lovelace", "preferred_username": "ada", "email": "a@x"}, "Ada Lovelace"),
        ({"preferred_username": "ada", "email": "ada@example.com"}, "ada"),
        ({"email": "ada@example.com"}, "ada@example.com"),
        ({}, None),
    ],
)
async def test_the_name_is_the_first_of_name_preferred_username_email(
    authenticate: Any, names: dict[str, str], expected: str | None
) -> None:
    assert (await authenticate(**names)).name == expected


async def test_the_principal_carries_the_verified_claims_read_only(authenticate: Any) -> None:
    principal = await authenticate(tid="tenant-1")
    assert principal.auth_method == "oauth2"
    assert principal.claims["tid"] == "tenant-1"
    assert principal.claims["aud"]
    with pytest.raises(TypeError):
        principal.claims["sub"] = "admin"
