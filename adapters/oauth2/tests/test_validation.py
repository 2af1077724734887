"""What a token must be to pass: signature, algorithm, key, and claims."""

from __future__ import annotations

import time
from typing import Literal

import pytest
from joserfc import jws
from joserfc.jwk import RSAKey

from agent_gateway_core.domain.auth import Credentials
from agent_gateway_core.errors import AuthenticationError
from agent_gateway_oauth2 import OAuth2AuthProvider

from .conftest import Claims, MakeProvider, bearer
from .jwks_server import JWKSServer
from .tokens import AUDIENCE, SigningKey, hmac_token, unsigned_token, with_payload

pytestmark = pytest.mark.integration


async def refused(provider: OAuth2AuthProvider, token: str, message: str) -> AuthenticationError:
    with pytest.raises(AuthenticationError, match=message) as raised:
        await provider.authenticate(bearer(token))
    assert token not in str(raised.value)
    return raised.value


# ---------------------------------------------------------------- accepted


async def test_an_rsa_signed_token_gives_its_principal(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, claims: Claims
) -> None:
    principal = await provider.authenticate(bearer(rsa_key.sign(claims(name="Ada"))))
    assert principal.subject == "user-1"
    assert principal.name == "Ada"
    assert principal.scopes == {"agents:read", "agents:invoke"}
    assert principal.auth_method == "oauth2"
    assert principal.claims["iss"] == claims()["iss"]


async def test_an_ec_signed_token_is_accepted(
    provider: OAuth2AuthProvider, ec_key: SigningKey, claims: Claims
) -> None:
    principal = await provider.authenticate(bearer(ec_key.sign(claims(sub="ec-user"))))
    assert principal.subject == "ec-user"


@pytest.mark.parametrize(("curve", "alg"), [("P-384", "ES384"), ("P-521", "ES512")])
async def test_other_ec_curves_verify_with_their_algorithm(
    make_provider: MakeProvider, jwks_server: JWKSServer, claims: Claims, curve: str, alg: str
) -> None:
    key = SigningKey.ec(f"ec-{curve}", curve, alg)
    jwks_server.publish(key.public_jwk)
    provider = make_provider(algorithms=[alg])
    assert (await provider.authenticate(bearer(key.sign(claims())))).subject == "user-1"


@pytest.mark.parametrize("curve", ["Ed25519", "Ed448"])
async def test_edwards_curve_keys_verify_with_rfc_9864_names(
    make_provider: MakeProvider,
    jwks_server: JWKSServer,
    claims: Claims,
    curve: Literal["Ed25519", "Ed448"],
) -> None:
    key = SigningKey.okp(f"okp-{curve}", curve)
    jwks_server.publish(key.public_jwk)
    provider = make_provider(algorithms=[curve])
    assert (await provider.authenticate(bearer(key.sign(claims())))).subject == "user-1"


@pytest.mark.parametrize("alg", ["RS512", "PS256"])
async def test_an_rsa_key_verifies_every_allowed_rsa_algorithm(
    make_provider: MakeProvider, rsa_key: SigningKey, claims: Claims, alg: str
) -> None:
    provider = make_provider(algorithms=["RS256", alg])
    assert (await provider.authenticate(bearer(rsa_key.sign(claims(), alg=alg)))).subject


async def test_aud_may_be_a_list_holding_the_audience(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, claims: Claims
) -> None:
    token = rsa_key.sign(claims(aud=["https://graph.example", AUDIENCE]))
    assert (await provider.authenticate(bearer(token))).subject == "user-1"


async def test_a_token_without_kid_uses_the_only_key_that_fits(
    provider: OAuth2AuthProvider, ec_key: SigningKey, claims: Claims
) -> None:
    # The JWKS holds one RSA and one EC key: only the EC key fits ES256.
    assert (await provider.authenticate(bearer(ec_key.sign(claims(), kid=None)))).subject


async def test_a_token_without_kid_is_refused_when_several_keys_fit(
    provider: OAuth2AuthProvider, jwks_server: JWKSServer, rsa_key: SigningKey, claims: Claims
) -> None:
    jwks_server.publish(rsa_key.public_jwk, SigningKey.rsa("rsa-other").public_jwk)
    await refused(provider, rsa_key.sign(claims(), kid=None), "unknown signing key")


async def test_unknown_header_fields_are_tolerated(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, claims: Claims
) -> None:
    token = rsa_key.sign(claims(), extra_header={"nonce": "azure-adds-this", "x5t": "abc"})
    assert (await provider.authenticate(bearer(token))).subject == "user-1"


async def test_surrounding_whitespace_is_ignored(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, claims: Claims
) -> None:
    token = rsa_key.sign(claims())
    assert (await provider.authenticate(bearer(f" {token}\n"))).subject == "user-1"


async def test_the_scheme_is_case_insensitive(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, claims: Claims
) -> None:
    credentials = Credentials(scheme="Bearer", token=rsa_key.sign(claims()))
    assert (await provider.authenticate(credentials)).subject == "user-1"


# ---------------------------------------------------------------- time


async def test_an_expired_token_is_refused(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, claims: Claims
) -> None:
    await refused(provider, rsa_key.sign(claims(exp=int(time.time()) - 60)), "token expired")


async def test_a_token_not_yet_valid_is_refused(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, claims: Claims
) -> None:
    token = rsa_key.sign(claims(nbf=int(time.time()) + 120))
    await refused(provider, token, "token not yet valid")


async def test_a_token_issued_in_the_future_is_refused(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, claims: Claims
) -> None:
    token = rsa_key.sign(claims(iat=int(time.time()) + 120))
    await refused(provider, token, "token issued in the future")


async def test_clock_skew_within_the_leeway_is_forgiven(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, claims: Claims
) -> None:
    now = int(time.time())
    token = rsa_key.sign(claims(exp=now - 10, nbf=now + 10, iat=now + 10))
    assert (await provider.authenticate(bearer(token))).subject == "user-1"


async def test_the_leeway_is_configurable(
    make_provider: MakeProvider, rsa_key: SigningKey, claims: Claims
) -> None:
    provider = make_provider(clock_skew_seconds=0)
    await refused(provider, rsa_key.sign(claims(exp=int(time.time()) - 2)), "token expired")


async def test_a_token_without_exp_is_refused(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, claims: Claims
) -> None:
    await refused(provider, rsa_key.sign(claims(exp=None)), "no expiry")


@pytest.mark.parametrize("exp", ["tomorrow", True, [1]])
async def test_a_non_numeric_exp_is_malformed(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, claims: Claims, exp: object
) -> None:
    await refused(provider, rsa_key.sign(claims(exp=exp)), "malformed token")


# ---------------------------------------------------------------- issuer, audience, subject


async def test_a_wrong_audience_is_refused(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, claims: Claims
) -> None:
    await refused(provider, rsa_key.sign(claims(aud="api://other")), "wrong audience")
    await refused(provider, rsa_key.sign(claims(aud=["a", "b"])), "wrong audience")
    await refused(provider, rsa_key.sign(claims(aud=None)), "wrong audience")


async def test_a_wrong_issuer_is_refused(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, claims: Claims
) -> None:
    await refused(provider, rsa_key.sign(claims(iss="https://evil.example")), "wrong issuer")
    await refused(provider, rsa_key.sign(claims(iss=None)), "wrong issuer")


async def test_a_token_without_sub_is_refused(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, claims: Claims
) -> None:
    await refused(provider, rsa_key.sign(claims(sub=None)), "no subject")
    await refused(provider, rsa_key.sign(claims(sub="")), "no subject")


# ---------------------------------------------------------------- algorithms and keys


async def test_alg_none_is_refused_without_fetching_keys(
    provider: OAuth2AuthProvider, jwks_server: JWKSServer, claims: Claims
) -> None:
    await refused(provider, unsigned_token(claims()), "algorithm not allowed")
    assert jwks_server.requests == 0


async def test_hs256_signed_with_the_public_key_is_refused(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, claims: Claims
) -> None:
    assert isinstance(rsa_key.private, RSAKey)
    public_pem = rsa_key.private.as_pem(private=False)
    await refused(provider, hmac_token(public_pem, claims(), rsa_key.kid), "algorithm not allowed")


async def test_an_algorithm_outside_the_allowed_list_is_refused(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, claims: Claims
) -> None:
    await refused(provider, rsa_key.sign(claims(), alg="RS384"), "algorithm not allowed")


async def test_a_key_is_only_used_with_its_own_algorithm_family(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, ec_key: SigningKey, claims: Claims
) -> None:
    # Signed by the EC key, but naming the RSA key's kid.
    token = ec_key.sign(claims(), kid=rsa_key.kid)
    await refused(provider, token, "does not fit the token's algorithm")


async def test_a_key_that_declares_another_alg_is_not_used(
    make_provider: MakeProvider, jwks_server: JWKSServer, rsa_key: SigningKey, claims: Claims
) -> None:
    jwks_server.publish({**rsa_key.public_jwk, "alg": "RS256"})
    provider = make_provider(algorithms=["RS256", "PS256"])
    await refused(provider, rsa_key.sign(claims(), alg="PS256"), "does not fit")


async def test_a_tampered_payload_fails_the_signature(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, claims: Claims
) -> None:
    token = with_payload(rsa_key.sign(claims()), claims(sub="admin"))
    await refused(provider, token, "signature invalid")


async def test_a_signature_by_another_key_with_the_same_kid_is_invalid(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, rotated_key: SigningKey, claims: Claims
) -> None:
    await refused(provider, rotated_key.sign(claims(), kid=rsa_key.kid), "signature invalid")


@pytest.mark.parametrize(
    "token",
    [
        "not-a-jwt",
        "a.b",
        "a.b.c.d.e",  # JWE compact form: not accepted
        "!!!.e30.sig",
        "eyJhbGciOiJSUzI1NiJ9.!!!.c2ln",  # header {"alg":"RS256"}, payload not base64
        "e30.e30.c2ln",  # header {} has no alg
        "WyJSUzI1NiJd.e30.c2ln",  # header is a list
    ],
)
async def test_malformed_tokens_are_refused(provider: OAuth2AuthProvider, token: str) -> None:
    await refused(provider, token, "malformed token")


async def test_a_payload_that_is_not_a_json_object_is_malformed(
    provider: OAuth2AuthProvider, rsa_key: SigningKey
) -> None:
    listed = jws.serialize_compact(
        {"alg": "RS256", "kid": rsa_key.kid}, b"[1, 2]", rsa_key.private, algorithms=["RS256"]
    )
    await refused(provider, listed, "malformed token")


async def test_other_schemes_and_empty_tokens_are_refused(
    provider: OAuth2AuthProvider, rsa_key: SigningKey, claims: Claims, jwks_server: JWKSServer
) -> None:
    token = rsa_key.sign(claims())
    with pytest.raises(AuthenticationError, match="bearer") as raised:
        await provider.authenticate(Credentials(scheme="api_key", token=token))
    assert token not in str(raised.value)
    with pytest.raises(AuthenticationError, match="bearer token is required"):
        await provider.authenticate(bearer(""))
    assert jwks_server.requests == 0
