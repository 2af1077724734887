"""LocalModelServer: llama.cpp's OpenAI-compatible server for one GGUF file, in a child process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import sys
from collections import deque
from pathlib import Path
from types import TracebackType

from agent_gateway_core.errors import ConfigError
from agent_gateway_llamacpp.errors import LocalModelServerError
from agent_gateway_llamacpp.model_files import ensure_model_file
from agent_gateway_llamacpp.model_spec import LocalModelSpec
from agent_gateway_llamacpp.serve import API_KEY_ENV, READY_MARKER

_log = logging.getLogger(__name__)

_LOG_TAIL_LINES = 30
_STOP_GRACE_SECONDS = 5.0


class LocalModelServer:
    """Runs ``python -m agent_gateway_llamacpp.serve`` and waits until it serves ``model_path``.

    ``async with LocalModelServer(path) as server:`` gives ``server.base_url``
    (``http://127.0.0.1:PORT/v1``), ``server.model_name`` (the name to send as ``model``) and
    ``server.api_key`` (a random key the server demands, so other local programs cannot use
    it). ``port=0`` lets the OS pick a free port. Inference uses ``threads`` cores (default:
    at most 2). The child's log is forwarded to this module's logger (llama.cpp errors as
    warnings, the rest at debug); its last lines are in the error when it fails to start. On
    exit the child gets SIGTERM, and SIGKILL if it has not stopped within 5 s.
    """

    def __init__(
        self,
        model_path: str | os.PathLike[str],
        *,
        model_name: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        n_ctx: int = 4096,
        threads: int | None = None,
        startup_timeout_seconds: float = 60.0,
    ) -> None:
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, got {port}")
        if n_ctx < 1:
            raise ValueError(f"n_ctx must be positive, got {n_ctx}")
        if threads is not None and threads < 1:
            raise ValueError(f"threads must be positive, got {threads}")
        if startup_timeout_seconds <= 0:
            raise ValueError(
                f"startup_timeout_seconds must be positive, got {startup_timeout_seconds}"
            )
        self._model_path = Path(model_path)
        self.model_name = model_name or self._model_path.stem
        self.api_key = secrets.token_urlsafe(24)
        self._host = host
        self._port = port
        self._n_ctx = n_ctx
        self._threads = threads or min(2, os.cpu_count() or 1)
        self._startup_timeout = startup_timeout_seconds
        self._process: asyncio.subprocess.Process | None = None
        self._log_task: asyncio.Task[None] | None = None
        self._log_tail: deque[str] = deque(maxlen=_LOG_TAIL_LINES)
        self._address: str | None = None

    @classmethod
    async def from_spec(
        cls,
        spec: LocalModelSpec,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        n_ctx: int = 4096,
        threads: int | None = None,
        startup_timeout_seconds: float = 60.0,
    ) -> LocalModelServer:
        """A server for a built-in model; downloads its file first if the cache lacks it."""
        path = await asyncio.to_thread(ensure_model_file, spec, cache_dir)
        return cls(
            path,
            model_name=spec.name,
            host=host,
            port=port,
            n_ctx=n_ctx,
            threads=threads,
            startup_timeout_seconds=startup_timeout_seconds,
        )

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL, e.g. ``http://127.0.0.1:41234/v1``."""
        if self._address is None:
            raise RuntimeError("LocalModelServer is not running")
        return f"{self._address}/v1"

    @property
    def pid(self) -> int:
        """The child process id (to watch its memory, say)."""
        if self._process is None:
            raise RuntimeError("LocalModelServer is not running")
        return self._process.pid

    async def __aenter__(self) -> LocalModelServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def start(self) -> None:
        """Start the child and wait until it listens; LocalModelServerError if it cannot."""
        if self._process is not None:
            raise RuntimeError("LocalModelServer is already running")
        if not self._model_path.is_file():
            raise ConfigError(f"local model file not found: {self._model_path}")
        self._log_tail.clear()
        self._process = await asyncio.create_subprocess_exec(
            *self._command(),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, API_KEY_ENV: self.api_key},
            limit=1 << 20,  # room for llama.cpp's longest log lines
        )
        self._log_task = asyncio.create_task(self._forward_log(self._process))
        try:
            async with asyncio.timeout(self._startup_timeout):
                self._address = await self._read_address(self._process)
        except TimeoutError:
            await self.aclose()
            raise LocalModelServerError(
                f"the local model server for {self._model_path} was not ready within "
                f"{self._startup_timeout:g} s{self._tail_text()}"
            ) from None
        except BaseException:
            await self.aclose()
            raise
        _log.info(
            "local model %s is served at %s (pid %d)", self.model_name, self.base_url, self.pid
        )

    async def aclose(self) -> None:
        """Stop the child: SIGTERM, then SIGKILL after a grace period. Safe to call twice."""
        process, self._process, self._address = self._process, None, None
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), _STOP_GRACE_SECONDS)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if process is not None and process.stdin is not None:
            process.stdin.close()
        await self._finish_log()

    def _command(self) -> list[str]:
        return [
            sys.executable,
            *("-m", "agent_gateway_llamacpp.serve"),
            *("--model", str(self._model_path), "--alias", self.model_name),
            *("--host", self._host, "--port", str(self._port)),
            *("--ctx-size", str(self._n_ctx), "--threads", str(self._threads)),
        ]

    async def _read_address(self, process: asyncio.subprocess.Process) -> str:
        assert process.stdout is not None
        while line := await process.stdout.readline():
            text = line.decode(errors="replace").strip()
            if text.startswith(READY_MARKER):
                return text.removeprefix(READY_MARKER).strip()
        code = await process.wait()
        await self._finish_log()
        raise LocalModelServerError(
            f"the local model server for {self._model_path} exited with code {code} before "
            f"it was ready{self._tail_text()}"
        )

    async def _forward_log(self, process: asyncio.subprocess.Process) -> None:
        assert process.stderr is not None
        while line := await process.stderr.readline():
            text = line.decode(errors="replace").rstrip()
            self._log_tail.append(text)
            # llama.cpp lines read "<time> <level letter> <source>: <message>".
            level = logging.WARNING if text.split(maxsplit=2)[1:2] == ["E"] else logging.DEBUG
            _log.log(level, "llama.cpp[%d]: %s", process.pid, text)

    async def _finish_log(self) -> None:
        """Let the log reader drain what the child wrote before it exited, then drop it."""
        task, self._log_task = self._log_task, None
        if task is None:
            return
        # On timeout wait_for cancels the reader: a grandchild may still hold the pipe open.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(task, _STOP_GRACE_SECONDS)

    def _tail_text(self) -> str:
        if not self._log_tail:
            return ""
        return "; its last log lines:\n" + "\n".join(self._log_tail)
