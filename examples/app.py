"""The demo gateway: the example workspace plus a tool defined in Python.

    make run            # installs everything and starts this file on http://127.0.0.1:8000

Agents, skills and the weather tool live in ./workspace as markdown; `convert-currency` below
shows a code tool registered with @gw.tool, and `guides` a retriever: SQLite full-text search
over the markdown files in ./guides, which the concierge agent reads from.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

from agent_gateway import Gateway
from agent_gateway_fts import MarkdownFolderRetriever

# Fixed demo rates (units of each currency per 1 EUR), so the example runs offline.
_RATES_PER_EUR = {"EUR": 1.0, "USD": 1.08, "GBP": 0.85, "JPY": 162.0, "CHF": 0.95}

_HERE = Path(__file__).parent
gw = Gateway(workspace=_HERE / "workspace", title="Agent Gateway demo")
gw.use_retriever("guides", MarkdownFolderRetriever(_HERE / "guides"))


@gw.tool
def convert_currency(
    amount: Annotated[float, "The amount to convert"],
    from_currency: Annotated[str, "ISO code of the source currency, e.g. USD"],
    to_currency: Annotated[str, "ISO code of the target currency, e.g. EUR"],
) -> dict[str, object]:
    """Convert an amount between currencies at fixed demo rates."""
    source, target = from_currency.upper(), to_currency.upper()
    unknown = [c for c in (source, target) if c not in _RATES_PER_EUR]
    if unknown:
        raise ValueError(f"unknown currency {unknown[0]}; known: {', '.join(_RATES_PER_EUR)}")
    converted = amount / _RATES_PER_EUR[source] * _RATES_PER_EUR[target]
    return {"amount": round(converted, 2), "currency": target, "rate_source": "demo table"}


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    gw.run()
