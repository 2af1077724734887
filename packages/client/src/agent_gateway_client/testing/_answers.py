"""What the mock gateway answers with: execution records, their events, and HTTP answers in
the gateway's shapes (the standard error body, 202 accepted, a chat turn's events)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import BaseModel


def timestamp() -> str:
    return datetime.now(UTC).isoformat()


def execution(
    execution_id: str,
    agent_id: str,
    route: str,
    message: str,
    given: dict[str, Any],
    session_id: str | None,
) -> dict[str, Any]:
    now = timestamp()
    return {
        "id": execution_id,
        "agent_id": agent_id,
        "status": "succeeded",
        "kind": "chat" if route == "chat" else "invoke",
        "message": message,
        "input": given,
        "session_id": session_id,
        "created_at": now,
        "started_at": now,
        "finished_at": now,
        "result": None,
        "raw_text": "",
        "stop_reason": "completed",
        "error": None,
        "usage": {"input_tokens": 0, "output_tokens": 0, "llm_calls": 1},
        "tracking": None,
    }


def finish(execution: dict[str, Any], answer: Any) -> None:
    if isinstance(answer, str):
        execution["raw_text"] = answer
        return
    output = answer.model_dump(mode="json") if isinstance(answer, BaseModel) else answer
    execution.update(result=output, raw_text=dump(output).decode())


def events(execution: dict[str, Any]) -> list[dict[str, Any]]:
    at = execution["finished_at"]
    ending = {
        "succeeded": "execution.completed",
        "failed": "execution.failed",
    }[execution["status"]]
    data = {"error": execution["error"]} if execution["error"] else {}
    return [
        {"seq": 1, "type": "execution.started", "at": at, "data": {}},
        {"seq": 2, "type": ending, "at": at, "data": data},
    ]


def chat_events(execution: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
    session = {
        "session_id": execution["session_id"],
        "execution_id": execution["id"],
        "agent_id": execution["agent_id"],
    }
    frames: list[tuple[str, Any]] = [("session", session)]
    if execution["status"] == "succeeded":
        done = {
            **session,
            "status": "succeeded",
            "raw_text": execution["raw_text"],
            "output": execution["result"],
            "stop_reason": "completed",
            "usage": execution["usage"],
        }
        frames += [("delta", {"text": execution["raw_text"]}), ("done", done)]
    else:
        error = {"code": "execution_failed", "message": execution["error"]}
        frames.append(("error", {"error": {**error, "execution_id": execution["id"]}}))
    text = "".join(
        f"id: {n}\nevent: {name}\ndata: {json.dumps(data)}\n\n"
        for n, (name, data) in enumerate(frames, 1)
    )
    return httpx.Response(
        200, content=text.encode(), headers={**headers, "Content-Type": "text/event-stream"}
    )


def accepted(execution_id: str) -> httpx.Response:
    poll_url = f"/v1/executions/{execution_id}"
    body = {"execution_id": execution_id, "status": "queued", "poll_url": poll_url}
    headers = {"X-Execution-Id": execution_id, "Location": poll_url}
    return json_answer(body, status=202, headers=headers)


def listed(detail: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in detail.items() if k not in ("input_schema", "output_schema")}


def fingerprint(agent_id: str, body: dict[str, Any]) -> str:
    return hashlib.sha256(dump({"agent_id": agent_id, "body": body})).hexdigest()


def dump(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()


def json_answer(
    body: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(
        status, content=dump(body), headers={"Content-Type": "application/json", **(headers or {})}
    )


def error(
    status: int,
    code: str,
    message: str,
    execution_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    error: dict[str, Any] = {"code": code, "message": message}
    if execution_id is not None:
        error["execution_id"] = execution_id
    return json_answer({"error": error}, status=status, headers=headers)


def not_found(kind: str, name: str) -> httpx.Response:
    return error(404, f"{kind}_not_found", f"{kind} {name!r} not found")
