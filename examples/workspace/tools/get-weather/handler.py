"""Demo weather tool: a fixed table, so the example runs offline."""

from __future__ import annotations

_TABLE = {
    "paris": (18.0, "partly cloudy"),
    "london": (14.0, "light rain"),
    "tokyo": (22.0, "clear"),
}


async def handler(city: str, units: str = "metric") -> dict[str, object]:
    temperature, conditions = _TABLE.get(city.strip().lower(), (20.0, "unknown"))
    if units == "imperial":
        temperature = round(temperature * 9 / 5 + 32, 1)
    return {"city": city, "temperature": temperature, "units": units, "conditions": conditions}
