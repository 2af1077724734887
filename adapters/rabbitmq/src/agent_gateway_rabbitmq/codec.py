"""Execution jobs as JSON message bodies, and the broker URL as it may be shown."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from agent_gateway_core.ports.execution_queue import ExecutionJob


def encode_job(job: ExecutionJob) -> bytes:
    """The message body (see :meth:`ExecutionJob.to_json`)."""
    return job.to_json().encode()


def decode_job(body: bytes) -> ExecutionJob:
    """The job a body holds; ``ValueError`` if it is not one of ours."""
    return ExecutionJob.from_json(body)


def display_url(url: str) -> str:
    """``url`` with its password replaced by ``***``, fit for logs and error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else "***@"
    return urlunsplit(parts._replace(netloc=user + host))
