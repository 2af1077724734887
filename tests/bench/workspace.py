"""The benchmark's workspace: one fast agent, one on the slow model, API keys, SQLite on disk.

Both agents use the workspace's default model: litellm's ``openai/fake-model`` for the headline
figures, or the lean client's ``openai_compat/fake-model`` (the same fake model, the same name on
the wire) for the ``-openai-compat`` scenarios.

The same files serve the existing product (0.2.13): its keys are used where the two differ
(``persistence.url``), and it ignores ours (``model.api_base``, an agent's ``model.api_base``).
Its telemetry is turned off, as it would be in production: its default prints every span to
the console, and ours exports nothing unless told to.
"""

from __future__ import annotations

from pathlib import Path

import yaml

API_KEY = "bench-key"
MODEL_KEY = "bench-model-key"  # the fake model accepts any key; litellm insists on one
MODEL = "openai/fake-model"
COMPAT_MODEL = "openai_compat/fake-model"
FAST_AGENT = "echo"
SLOW_AGENT = "slow"
SYSTEM_PROMPT = "You are a benchmark agent. Answer briefly."


def write_workspace(
    root: Path,
    *,
    fast_api_base: str,
    slow_api_base: str,
    sqlite: Path | None,
    model: str = MODEL,
    extra: dict[str, object] | None = None,
) -> Path:
    """Write the workspace under ``root``; ``sqlite=None`` leaves persistence to the default.
    ``extra`` adds or replaces top-level sections of gateway.yaml."""
    config: dict[str, object] = {
        "server": {"host": "127.0.0.1", "log_level": "warning"},
        "model": {
            "default": model,
            "api_base": fast_api_base,
            "api_key": MODEL_KEY,
            "timeout_seconds": 30,
        },
        "auth": {"api_keys": [{"name": "bench", "key": API_KEY, "scopes": ["*"]}]},
        "telemetry": {"enabled": False},
    }
    if sqlite is not None:
        config["persistence"] = {"backend": "sqlite", "url": f"sqlite+aiosqlite:///{sqlite}"}
    config.update(extra or {})
    root.mkdir(parents=True, exist_ok=True)
    (root / "gateway.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    _write_agent(root, FAST_AGENT, "Answers with the fake model's echo.", model=None)
    _write_agent(root, SLOW_AGENT, "The same agent on the 1 s model.", model=slow_api_base)
    return root


def _write_agent(root: Path, agent_id: str, description: str, model: str | None) -> None:
    front: dict[str, object] = {"description": description}
    if model is not None:
        front["model"] = {"api_base": model}
    folder = root / "agents" / agent_id
    folder.mkdir(parents=True, exist_ok=True)
    text = f"---\n{yaml.safe_dump(front, sort_keys=False)}---\n{SYSTEM_PROMPT}\n"
    (folder / "AGENT.md").write_text(text)
