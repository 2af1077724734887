"""A real JWKS endpoint on 127.0.0.1, served from a thread, that tests can change and count."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class JWKSServer:
    """Serves ``document`` at ``url`` (``/.well-known/jwks.json``); ``requests`` counts fetches.

    Set ``status`` to answer with an error, ``body`` to send raw bytes instead of the
    document, and ``delay_seconds`` to answer slowly.
    """

    path = "/.well-known/jwks.json"

    def __init__(self) -> None:
        self.document: dict[str, Any] = {"keys": []}
        self.status = 200
        self.body: bytes | None = None
        self.delay_seconds = 0.0
        self._requests = 0
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def issuer(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        return self.issuer + self.path

    @property
    def requests(self) -> int:
        with self._lock:
            return self._requests

    def publish(self, *keys: Any) -> None:
        """Serve these public JWKs from now on."""
        self.document = {"keys": list(keys)}

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self._requests += 1
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        if handler.path != self.path:
            status, body = 404, b'{"error": "not found"}'
        else:
            status = self.status
            body = self.body if self.body is not None else json.dumps(self.document).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


def _handler_for(server: JWKSServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server._answer(self)

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

    return Handler
