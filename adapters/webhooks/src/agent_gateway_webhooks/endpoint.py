"""A named webhook destination from gateway.yaml or ``use_webhook_notifications``."""

from __future__ import annotations

from dataclasses import dataclass

from agent_gateway_core.domain.notification import NotificationEvent
from agent_gateway_webhooks.signing import signing_key

EVENT_TYPES: frozenset[str] = frozenset(event.event_type for event in NotificationEvent)
"""The event types an endpoint's ``events`` may list (``execution.completed``, ...)."""


@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    """Where a named webhook goes and how it is signed.

    ``secret`` is a Standard Webhooks key (``whsec_<base64>``) or a plain string used as the
    raw key bytes; ``""`` means the backend's ``default_secret``. ``events`` lists the event
    types sent to it (empty: all of them). ``payload_template`` is a Jinja2 template of the
    JSON body (``None``: the default payload).

    Raises ``ValueError`` on an empty name or URL, an unknown event type or a malformed
    ``whsec_`` secret.
    """

    name: str
    url: str
    secret: str = ""
    events: tuple[str, ...] = ()
    payload_template: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a webhook endpoint needs a name")
        if not self.url.strip():
            raise ValueError(f"webhook {self.name!r} needs a url")
        if isinstance(self.events, str):
            raise ValueError(f"webhook {self.name!r}: events must be a sequence, not a string")
        # A list is accepted for convenience; the frozen endpoint keeps a tuple.
        object.__setattr__(self, "events", tuple(self.events))
        unknown = sorted(set(self.events) - EVENT_TYPES)
        if unknown:
            raise ValueError(
                f"webhook {self.name!r}: unknown event type(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(EVENT_TYPES))}"
            )
        if self.secret:
            try:
                signing_key(self.secret)
            except ValueError as exc:
                raise ValueError(f"webhook {self.name!r}: {exc}") from exc

    def accepts(self, event_type: str) -> bool:
        """Whether notifications of ``event_type`` go to this endpoint."""
        return not self.events or event_type in self.events
