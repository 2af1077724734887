"""wrk as an alternative load generator for the plain-JSON scenarios (``--loadgen wrk``).

wrk (Debian package ``wrk``) keeps ``-c`` connections busy back to back, like loadgen.py's
closed loop, from C. It cannot read event streams nor stop after a count, so streaming and
the 500-invoke burst always use loadgen.py. Its text report is parsed into loadgen.py's
summary keys.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

LUA_SCRIPT = Path(__file__).with_name("wrk_post.lua")
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def wrk_command(
    url: str, headers: dict[str, str], concurrency: int, duration: float, timeout: float = 30.0
) -> list[str]:
    """argv of one wrk run; the JSON body goes in the BENCH_BODY environment variable."""
    argv = ["wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(duration))}s", "--latency"]
    argv += [f"--timeout={round(timeout)}s", "-s", str(LUA_SCRIPT)]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    return [*argv, url]


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match[1]) * _UNITS[match[2]]


def parse_wrk(report: str, concurrency: int) -> dict[str, Any]:
    """loadgen.py's summary keys from wrk's ``--latency`` report."""
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", report)
    if done is None:
        raise ValueError(f"wrk printed no request count:\n{report}")
    requests, elapsed_s = int(done[1]), _ms(done[2] + done[3]) / 1000
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    socket = re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", report)
    bad = int(non_2xx[1]) if non_2xx else 0
    socket_errors = sum(int(n) for n in socket.groups()) if socket else 0
    quantiles = dict(re.findall(r"^\s+(\d+)%\s+(\S+)$", report, flags=re.MULTILINE))
    ok = max(requests - bad, 0)
    return {
        "requests": requests + socket_errors,
        "ok": ok,
        "errors": bad + socket_errors,
        "status_counts": {},
        "error_samples": [line.strip() for line in report.splitlines() if "errors" in line][:5],
        "elapsed_s": elapsed_s,
        "throughput_rps": round(ok / elapsed_s, 2) if elapsed_s else 0.0,
        "latency_ms": {f"p{q}": _ms(v) for q, v in quantiles.items()} or None,
        "ttft_ms": None,
        "last_done_s": elapsed_s,
        "concurrency": concurrency,
    }
