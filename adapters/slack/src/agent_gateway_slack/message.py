"""What a notification becomes on Slack: Block Kit blocks and their plain-text fallback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """The ``blocks`` and ``text`` of one ``chat.postMessage`` call.

    ``text`` is what notifications, screen readers and clients without Block Kit show.
    """

    text: str
    blocks: list[dict[str, Any]]
