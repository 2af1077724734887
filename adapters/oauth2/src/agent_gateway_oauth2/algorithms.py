"""Which JWS algorithms a token may be signed with: asymmetric ones only."""

from __future__ import annotations

from collections.abc import Iterable

from joserfc.errors import JoseError
from joserfc.jwk import Key
from joserfc.jws import JWSRegistry

from agent_gateway_core.errors import ConfigError

SUPPORTED_ALGORITHMS = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "Ed25519",
    "Ed448",
)
DEFAULT_ALGORITHMS = ("RS256", "ES256")


def checked_algorithms(algorithms: Iterable[str] | str | None) -> tuple[str, ...]:
    """The allowed algorithms, in order and without duplicates; ``ConfigError`` says why not."""
    if algorithms is None:
        return DEFAULT_ALGORITHMS
    if isinstance(algorithms, str):
        algorithms = [algorithms]
    names = tuple(dict.fromkeys(algorithms))
    if not names:
        raise ConfigError("oauth2 'algorithms' is empty: list at least one, e.g. ['RS256']")
    for name in names:
        if not isinstance(name, str):
            raise ConfigError(f"oauth2 'algorithms' must be strings, got {name!r}")
        if name.lower() == "none":
            raise ConfigError(
                "oauth2 algorithm 'none' is not allowed: it accepts unsigned tokens, "
                "which anyone can forge"
            )
        if name.upper().startswith("HS"):
            raise ConfigError(
                f"oauth2 algorithm {name!r} is not allowed: HMAC algorithms verify with a "
                "shared secret, but a JWKS publishes public keys, so anyone who has them "
                "could forge tokens. Use an asymmetric algorithm such as RS256 or ES256"
            )
        if name == "EdDSA":
            raise ConfigError(
                "oauth2 algorithm 'EdDSA' is not supported: RFC 9864 deprecates it; "
                "use the fully specified 'Ed25519' or 'Ed448'"
            )
        if name not in SUPPORTED_ALGORITHMS:
            raise ConfigError(
                f"oauth2 algorithm {name!r} is not supported; "
                f"choose from {', '.join(SUPPORTED_ALGORITHMS)}"
            )
    return names


def restricted_registry(algorithms: Iterable[str]) -> JWSRegistry:
    """A joserfc registry that knows only ``algorithms``, so nothing else can ever verify.

    Header fields joserfc does not know (Azure AD's ``nonce``, for one) are tolerated.
    """
    return JWSRegistry(algorithms=list(algorithms), strict_check_header=False)


def key_fits(registry: JWSRegistry, key: Key, alg: str) -> bool:
    """Whether ``key`` may verify ``alg``: its ``kty`` and curve match the algorithm's family,
    and its own ``use`` and ``alg``, if it declares them, allow it."""
    try:
        registry.get_alg(alg).check_key(key)
    except JoseError:
        return False
    return True
