"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

A signed request carries ``webhook-id``, ``webhook-timestamp`` (unix seconds) and
``webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">``, computed by the
``standardwebhooks`` reference library, so any Standard Webhooks verifier accepts it.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"


def signing_key(secret: str) -> bytes:
    """The HMAC key of ``secret``.

    ``whsec_<base64>`` is the Standard Webhooks form: the key is the decoded base64. Any other
    string is used as the raw key bytes (UTF-8), which is the same as the secret
    ``whsec_`` + base64(secret): that is what a receiver gives its verifier.

    Raises ``ValueError`` on an empty key or a ``whsec_`` secret that is not base64.
    """
    if secret.startswith(SECRET_PREFIX):
        encoded = secret[len(SECRET_PREFIX) :]
        try:
            key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        except binascii.Error as exc:
            raise ValueError("a whsec_ secret must be base64 after the prefix") from exc
    else:
        key = secret.encode()
    if not key:
        raise ValueError("the webhook secret is empty")
    return key


def signature_headers(key: bytes, message_id: str, body: bytes, *, now: float) -> dict[str, str]:
    """``webhook-timestamp`` and ``webhook-signature`` for ``body`` sent as ``message_id``."""
    timestamp = int(now)
    signature = Webhook(key).sign(message_id, datetime.fromtimestamp(timestamp, UTC), body)
    return {"webhook-timestamp": str(timestamp), "webhook-signature": signature}
