"""The figures of issue 5: read from each repeat's samples, take medians, judge against targets.

Derived figures (CPU net of litellm, added time to first token) are computed inside each
repeat, from runs made minutes apart on the same machine, and only then the median is taken.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scenarios import BURST

# Release 0.2.13 of the package of the same name on PyPI, as measured in issue 5.
REF_INVOKE_16_RPS = 62.0
REF_CPU_MS = (8.0, 11.0)
REF_P99_MS = 2000.0
REF_INVOKE_1_RPS = 57.0
REF_BURST_LAST_S = 9.8
REF_STARTUP_S = (3.1, 6.4)
REF_IMPORT_S = (2.2, 2.9)
REF_RSS_MB = (216.0, 250.0)

# Our targets (issue 5).
TARGET_INVOKE_16_X_REF = 4.0
TARGET_INVOKE_16_OF_LITELLM = 0.8
TARGET_CPU_MS = 1.0
TARGET_P99_MS = 100.0
TARGET_INVOKE_1_RPS = 200.0
TARGET_BURST_LAST_S = 2.0
TARGET_STARTUP_S = 1.5
TARGET_IMPORT_S = 0.5
TARGET_RSS_MB = 120.0
TARGET_TTFT_ADDED_MS = 5.0

Samples = dict[str, Any]


def _get(samples: Samples, *path: str) -> Any:
    value: Any = samples
    for key in path:
        if not isinstance(value, dict) or value.get(key) is None:
            return None
        value = value[key]
    return value


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _mb(kb: int | None) -> float | None:
    return None if kb is None else kb * 1024 / 1_000_000


def repeat_values(samples: Samples) -> dict[str, float | None]:
    """Every number the table needs, from one repeat's samples."""
    gw, bare, ll = samples.get("gateway", {}), samples.get("bare", {}), samples.get("litellm", {})
    ll_cpu = _get(ll, "c16", "cpu_per_call_ms")
    gw_cpu = _get(gw, "invoke_16", "target_cpu_per_request_ms")
    bare_cpu = _get(bare, "invoke_16", "target_cpu_per_request_ms")
    gw_ttft = _get(gw, "stream", "ttft_ms", "p50")
    direct_ttft = _get(samples, "direct", "ttft_ms", "p50")
    values: dict[str, float | None] = {
        "gw.rps16": _get(gw, "invoke_16", "throughput_rps"),
        "gw.p50_16": _get(gw, "invoke_16", "latency_ms", "p50"),
        "gw.p99_16": _get(gw, "invoke_16", "latency_ms", "p99"),
        "gw.err16": _get(gw, "invoke_16", "errors"),
        "bare.rps16": _get(bare, "invoke_16", "throughput_rps"),
        "bare.p99_16": _get(bare, "invoke_16", "latency_ms", "p99"),
        "bare.err16": _get(bare, "invoke_16", "errors"),
        "ll.rps16": _get(ll, "c16", "throughput_rps"),
        "ll.p99_16": _get(ll, "c16", "latency_ms", "p99"),
        "gw.cpu_gross_ms": gw_cpu,
        "gw.cpu_net_ms": _minus(gw_cpu, ll_cpu),
        "bare.cpu_gross_ms": bare_cpu,
        "bare.cpu_net_ms": _minus(bare_cpu, ll_cpu),
        "ll.cpu_ms": ll_cpu,
        "gw.rps1": _get(gw, "invoke_1", "throughput_rps"),
        "gw.err1": _get(gw, "invoke_1", "errors"),
        "bare.rps1": _get(bare, "invoke_1", "throughput_rps"),
        "ll.rps1": _get(ll, "c1", "throughput_rps"),
        "gw.burst_ok": _get(gw, "burst", "ok"),
        "gw.burst_last_s": _get(gw, "burst", "last_done_s"),
        "bare.burst_ok": _get(bare, "burst", "ok"),
        "bare.burst_last_s": _get(bare, "burst", "last_done_s"),
        "ll.burst_ok": _get(ll, "burst", "ok"),
        "ll.burst_last_s": _get(ll, "burst", "last_done_s"),
        "demo.startup_s": _get(samples, "demo_startup_s"),
        "gw.startup_s": _get(gw, "startup_s"),
        "bare.startup_s": _get(bare, "startup_s"),
        "import.gateway_s": _get(samples, "imports", "agent_gateway_s"),
        "import.starlette_s": _get(samples, "imports", "starlette_uvicorn_s"),
        "import.litellm_s": _get(samples, "imports", "litellm_s"),
        "import.interpreter_s": _get(samples, "imports", "interpreter_s"),
        "gw.rss_mb": _mb(_get(gw, "idle_rss_kb")),
        "bare.rss_mb": _mb(_get(bare, "idle_rss_kb")),
        "ll.rss_after_calls_mb": _mb(_get(ll, "c16", "max_rss_kb")),
        "gw.ttft_p50_ms": gw_ttft,
        "gw.stream_err": _get(gw, "stream", "errors"),
        "direct.ttft_p50_ms": direct_ttft,
        "gw.ttft_added_ms": _minus(gw_ttft, direct_ttft),
    }
    return values


def medians(repeats: list[dict[str, float | None]]) -> dict[str, float | None]:
    """The median of each value over the repeats that have it."""
    keys = dict.fromkeys(key for values in repeats for key in values)
    result: dict[str, float | None] = {}
    for key in keys:
        present = [value for v in repeats if (value := v.get(key)) is not None]
        result[key] = statistics.median(present) if present else None
    return result


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    scenario: str
    figure: str
    reference: str
    target: str
    measured: str
    verdict: str  # "PASS — ...", "FAIL — ..." or "n/a"
    bare: str
    litellm: str
    passed: bool | None


def _num(value: float | None, unit: str, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f} {unit}".strip()


def _verdict(passed: bool | None, detail: str) -> str:
    if passed is None:
        return "n/a"
    return (
        f"{'PASS' if passed else 'FAIL'} — {detail}" if detail else ("PASS" if passed else "FAIL")
    )


def _errors(*counts: float | None) -> str:
    total = sum(c for c in counts if c)
    return f"; {total:g} errors" if total else ""


def _invoke_16(m: dict[str, float | None]) -> Row:
    rps, ll = m["gw.rps16"], m["ll.rps16"]
    passed = None
    detail = ""
    if rps is not None:
        passed = rps >= TARGET_INVOKE_16_X_REF * REF_INVOKE_16_RPS and not m["gw.err16"]
        detail = f"{rps / REF_INVOKE_16_RPS:.1f}x ref"
        if ll:
            passed = passed and rps >= TARGET_INVOKE_16_OF_LITELLM * ll
            detail += f", {rps / ll:.0%} of litellm alone"
    return Row(
        "invoke-16",
        "invoke throughput, 16 concurrent clients",
        f"{REF_INVOKE_16_RPS:g} req/s",
        "≥ 4x ref (248 req/s) and ≥ 80% of litellm alone",
        _num(rps, "req/s") + _errors(m["gw.err16"]),
        _verdict(passed, detail),
        _num(m["bare.rps16"], "req/s") + _errors(m["bare.err16"]),
        _num(ll, "calls/s"),
        passed,
    )


def _cpu(m: dict[str, float | None]) -> Row:
    net, gross = m["gw.cpu_net_ms"], m["gw.cpu_gross_ms"]
    passed = None if net is None else net <= TARGET_CPU_MS
    detail = "" if net is None else f"{net / TARGET_CPU_MS:.1f}x target"
    bare_net, bare_gross = m["bare.cpu_net_ms"], m["bare.cpu_gross_ms"]
    return Row(
        "cpu-per-invoke",
        "gateway CPU per invoke, not counting the model client",
        f"~{REF_CPU_MS[0]:g}-{REF_CPU_MS[1]:g} ms",
        f"≤ {TARGET_CPU_MS:g} ms",
        f"{_num(net, 'ms', 2)} (gross {_num(gross, 'ms', 2)})",
        _verdict(passed, detail),
        f"{_num(bare_net, 'ms', 2)} (gross {_num(bare_gross, 'ms', 2)})",
        f"{_num(m['ll.cpu_ms'], 'ms', 2)} per call",
        passed,
    )


def _p99(m: dict[str, float | None]) -> Row:
    p99 = m["gw.p99_16"]
    passed = None if p99 is None else p99 <= TARGET_P99_MS and not m["gw.err16"]
    detail = "" if not p99 else f"{REF_P99_MS / p99:.1f}x lower than ref"
    return Row(
        "invoke-16",
        "invoke p99 latency, 16 concurrent clients",
        f"{REF_P99_MS / 1000:g} s",
        f"≤ {TARGET_P99_MS:g} ms",
        f"{_num(p99, 'ms')} (p50 {_num(m['gw.p50_16'], 'ms')})",
        _verdict(passed, detail),
        _num(m["bare.p99_16"], "ms"),
        _num(m["ll.p99_16"], "ms"),
        passed,
    )


def _invoke_1(m: dict[str, float | None]) -> Row:
    rps = m["gw.rps1"]
    passed = None if rps is None else rps >= TARGET_INVOKE_1_RPS and not m["gw.err1"]
    detail = "" if rps is None else f"{rps / REF_INVOKE_1_RPS:.1f}x ref"
    return Row(
        "invoke-1",
        "invoke throughput, 1 client",
        f"{REF_INVOKE_1_RPS:g} req/s",
        f"≥ {TARGET_INVOKE_1_RPS:g} req/s",
        _num(rps, "req/s") + _errors(m["gw.err1"]),
        _verdict(passed, detail),
        _num(m["bare.rps1"], "req/s"),
        _num(m["ll.rps1"], "calls/s"),
        passed,
    )


def _burst_text(ok: float | None, last: float | None) -> str:
    return "—" if ok is None else f"{ok:g}/{BURST} ok, last done {_num(last, 's', 2)}"


def _burst(m: dict[str, float | None]) -> Row:
    ok, last = m["gw.burst_ok"], m["gw.burst_last_s"]
    passed = None
    detail = ""
    if ok is not None and last is not None:
        passed = ok == BURST and last <= TARGET_BURST_LAST_S
        detail = f"{REF_BURST_LAST_S / last:.1f}x sooner than ref" if last else ""
    return Row(
        "burst-500",
        "500 concurrent invokes, model latency 1 s",
        f"last one done after {REF_BURST_LAST_S:g} s",
        f"all succeed, last one done ≤ {TARGET_BURST_LAST_S:g} s",
        _burst_text(ok, last),
        _verdict(passed, detail),
        _burst_text(m["bare.burst_ok"], m["bare.burst_last_s"]),
        _burst_text(m["ll.burst_ok"], m["ll.burst_last_s"]),
        passed,
    )


def _startup(m: dict[str, float | None]) -> Row:
    seconds = m["demo.startup_s"]
    passed = None if seconds is None else seconds <= TARGET_STARTUP_S
    detail = "" if not seconds else f"{REF_STARTUP_S[0] / seconds:.1f}x faster than ref"
    return Row(
        "startup",
        "startup to healthy (demo workspace)",
        f"{REF_STARTUP_S[0]:g}-{REF_STARTUP_S[1]:g} s",
        f"≤ {TARGET_STARTUP_S:g} s",
        _num(seconds, "s", 2),
        _verdict(passed, detail),
        _num(m["bare.startup_s"], "s", 2),
        "—",
        passed,
    )


def _import(m: dict[str, float | None]) -> Row:
    seconds = m["import.gateway_s"]
    passed = None if seconds is None else seconds <= TARGET_IMPORT_S
    detail = "" if not seconds else f"{REF_IMPORT_S[0] / seconds:.1f}x faster than ref"
    interpreter = m["import.interpreter_s"]
    return Row(
        "import",
        "`import agent_gateway` (`from agent_gateway import Gateway`)",
        f"{REF_IMPORT_S[0]:g}-{REF_IMPORT_S[1]:g} s",
        f"≤ {TARGET_IMPORT_S:g} s",
        f"{_num(seconds, 's', 2)} (interpreter alone {_num(interpreter, 's', 2)})",
        _verdict(passed, detail),
        f"{_num(m['import.starlette_s'], 's', 2)} (starlette + uvicorn)",
        f"{_num(m['import.litellm_s'], 's', 2)} (`import litellm`)",
        passed,
    )


def _rss(m: dict[str, float | None]) -> Row:
    mb = m["gw.rss_mb"]
    passed = None if mb is None else mb <= TARGET_RSS_MB
    detail = "" if not mb else f"{REF_RSS_MB[0] / mb:.1f}x smaller than ref"
    after = m["ll.rss_after_calls_mb"]
    return Row(
        "idle-rss",
        "idle RSS before the first model call",
        f"{REF_RSS_MB[0]:g}-{REF_RSS_MB[1]:g} MB",
        f"≤ {TARGET_RSS_MB:g} MB",
        _num(mb, "MB", 0),
        _verdict(passed, detail),
        _num(m["bare.rss_mb"], "MB", 0),
        "—" if after is None else f"{after:.0f} MB after its calls",
        passed,
    )


def _ttft(m: dict[str, float | None]) -> Row:
    added = m["gw.ttft_added_ms"]
    passed = None if added is None else added <= TARGET_TTFT_ADDED_MS and not m["gw.stream_err"]
    gateway, direct = m["gw.ttft_p50_ms"], m["direct.ttft_p50_ms"]
    return Row(
        "stream-ttft",
        "streaming chat: added time to first token (p50)",
        "—",
        f"≤ {TARGET_TTFT_ADDED_MS:g} ms p50",
        f"{_num(added, 'ms', 2)} (gateway {_num(gateway, 'ms', 2)} - model direct "
        f"{_num(direct, 'ms', 2)}){_errors(m['gw.stream_err'])}",
        _verdict(passed, f"{added / TARGET_TTFT_ADDED_MS:.1f}x target" if added else ""),
        "—",
        "—",
        passed,
    )


ROWS: tuple[Callable[[dict[str, float | None]], Row], ...] = (
    _invoke_16,
    _cpu,
    _p99,
    _invoke_1,
    _burst,
    _startup,
    _import,
    _rss,
    _ttft,
)


def table_rows(m: dict[str, float | None], scenarios: frozenset[str]) -> list[Row]:
    """The rows of the scenarios that ran, in the issue's order."""
    return [row for build in ROWS if (row := build(m)).scenario in scenarios]
