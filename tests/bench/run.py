"""Run the benchmarks of issue 5 and print the table (see docs/performance.md).

    uv run python tests/bench/run.py                  # every scenario, 3 repeats, 10 s runs
    uv run python tests/bench/run.py --quick          # 1 repeat, 3 s runs
    uv run python tests/bench/run.py --scenario invoke-16 --scenario stream-ttft --repeat 5
    uv run python tests/bench/run.py --loadgen wrk    # wrk for the plain-JSON load runs
    uv run python tests/bench/run.py --no-reference   # without the existing product beside ours

The existing product (agents-gateway 0.2.13) is installed on first use into its own venv under
tests/bench/.reference/ and measured in the same run, on the same scenarios.

Progress goes to stderr, the markdown table to stdout and to tests/bench/results/.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import signal
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from figures import medians, repeat_values, table_rows
from machine import describe, machine_info
from processes import Cores, ProcessFailedError, stop_all
from queue_scenario import FULL_EXECUTIONS, QUEUE_SCENARIOS, QUICK_EXECUTIONS, measure_queue
from reference_product import ReferenceProduct, ReferenceUnavailableError
from reference_product import install as install_reference
from report import markdown, write_results
from scenarios import (
    BURST_SCENARIOS,
    COMPAT_LOAD_SCENARIOS,
    COMPAT_SCENARIOS,
    LOAD_SCENARIOS,
    REFERENCE_SCENARIOS,
    SCENARIOS,
    SERVER_SCENARIOS,
    SLOW_MODEL_LATENCY_MS,
    STREAM_SCENARIOS,
    Context,
    Plan,
    measure_client_alone,
    measure_demo_startup,
    measure_direct_ttft,
    measure_imports,
    measure_server,
    start_fake_model,
)
from wrk_runner import wrk_available

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent.parent
RESULTS_DIR = BENCH_DIR / "results"

_COMPAT_LOAD = (
    " (and through the lean openai_compat client in the rows marked so, each gateway beside "
    "its own model client alone)"
)
ALL_SCENARIOS = (*SCENARIOS, *QUEUE_SCENARIOS)
FULL = {"repeat": 3, "duration": 10.0, "warmup": 2.0}
QUICK = {"repeat": 1, "duration": 3.0, "warmup": 1.0}


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 repeat, 3 s per load run")
    parser.add_argument(
        "--scenario",
        action="append",
        choices=ALL_SCENARIOS,
        help="run only these (repeatable)",
    )
    parser.add_argument(
        "--queue-executions",
        type=int,
        default=None,
        help=f"executions per queue run (default {FULL_EXECUTIONS:,}; {QUICK_EXECUTIONS:,} "
        "with --quick)",
    )
    parser.add_argument("--repeat", type=int, default=None, help="repeats per scenario")
    parser.add_argument("--duration", type=float, default=None, help="seconds per load run")
    parser.add_argument("--loadgen", choices=("aiohttp", "wrk"), default="aiohttp")
    parser.add_argument(
        "--no-reference",
        action="store_true",
        help="do not install or measure the existing product (agents-gateway 0.2.13)",
    )
    args = parser.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.queue_executions is not None and args.queue_executions < 1:
        parser.error("--queue-executions must be at least 1")
    if args.duration is not None and args.duration <= 0:
        parser.error("--duration must be positive")
    if args.loadgen == "wrk" and not wrk_available():
        parser.error("--loadgen wrk: wrk is not installed (apt-get install -y wrk)")
    return args


def _progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _repeat(ctx: Context, index: int) -> dict[str, Any]:
    """One sample of every chosen scenario; the gateway and its references interleaved."""
    plan = ctx.plan
    samples: dict[str, Any] = {}
    if plan.wants(*SERVER_SCENARIOS):
        _progress("gateway: startup, idle RSS, load runs")
        samples["gateway"] = measure_server(ctx, "gateway", index)
    if ctx.reference is not None and plan.wants(*SERVER_SCENARIOS, "startup"):
        _progress("the existing product (0.2.13): startup, idle RSS, load runs")
        samples["reference"] = measure_server(ctx, "reference", index)
    if plan.wants(*LOAD_SCENARIOS, "idle-rss", "startup"):
        _progress("bare Starlette reference")
        samples["bare"] = measure_server(ctx, "bare", index)
    if plan.wants(*LOAD_SCENARIOS):
        _progress("litellm alone reference")
        samples["litellm"] = measure_client_alone(ctx, "litellm", index)
    if plan.wants(*COMPAT_SCENARIOS):
        _progress("gateway with the lean openai_compat client: load runs")
        samples["gateway_compat"] = measure_server(ctx, "gateway-compat", index)
    if plan.wants(*COMPAT_LOAD_SCENARIOS):
        _progress("openai_compat alone reference")
        samples["openai_compat"] = measure_client_alone(ctx, "openai_compat", index)
    if plan.wants(*STREAM_SCENARIOS):
        _progress("fake model streamed directly")
        samples["direct"] = measure_direct_ttft(ctx, index)
    if plan.wants("startup"):
        _progress("demo startup to healthy")
        samples["demo_startup_s"] = measure_demo_startup(ctx, index)
    if plan.wants("import"):
        _progress("import times")
        samples["imports"] = measure_imports(ctx, index)
    for scenario in QUEUE_SCENARIOS:
        if not plan.wants(scenario):
            continue
        broker = scenario.removeprefix("queue-")
        products = ["ours", "reference"] if ctx.reference is not None else ["ours"]
        for product in products:
            _progress(f"{ctx.queue_executions:,} executions through {broker} ({product})")
            runs = samples.setdefault("queue", {}).setdefault(broker, {})
            runs[product] = measure_queue(ctx, broker, product, index, ctx.queue_executions)
    return samples


def _persistence(repeats: list[dict[str, Any]]) -> str:
    used = {r[g]["persistence"] for r in repeats for g in ("gateway", "gateway_compat") if r.get(g)}
    return "; ".join(sorted(used)) if used else "not used (no gateway scenario ran)"


def run(args: argparse.Namespace, work: Path) -> tuple[str, dict[str, Any]]:
    """Every repeat, then the table (markdown) and the JSON document."""
    mode = QUICK if args.quick else FULL
    repeat = args.repeat or int(mode["repeat"])
    plan = Plan(
        scenarios=frozenset(args.scenario or ALL_SCENARIOS),
        duration=args.duration or mode["duration"],
        warmup=mode["warmup"],
        loadgen=args.loadgen,
    )
    cores = Cores.detect()
    started = datetime.now(UTC)
    _progress(f"work dir {work}; {cores.describe()}")
    _, fast = start_fake_model(
        "fake-model", 0, python=sys.executable, log_dir=work, core=cores.model
    )
    slow = fast
    if plan.wants(*BURST_SCENARIOS):
        _, slow = start_fake_model(
            "fake-model-slow",
            SLOW_MODEL_LATENCY_MS,
            python=sys.executable,
            log_dir=work,
            core=cores.model,
        )
    reference, reference_line = _reference(args, plan)
    executions = args.queue_executions or (QUICK_EXECUTIONS if args.quick else FULL_EXECUTIONS)
    ctx = Context(
        plan, cores, sys.executable, BENCH_DIR, REPO, work, fast, slow, reference, executions
    )
    repeats = []
    for index in range(repeat):
        _progress(f"repeat {index + 1}/{repeat}")
        repeats.append(_repeat(ctx, index))
    values = [repeat_values(samples) for samples in repeats]
    median = medians(values)
    rows = table_rows(median, plan.scenarios)
    info = machine_info(REPO)
    mode_name = "quick" if args.quick else "full"
    meta = {
        "started_utc": started.strftime("%Y-%m-%d %H:%M"),
        "mode": f"{mode_name}: {repeat} repeat(s), {plan.duration:g} s per load run",
        "machine": info,
        "machine_line": describe(info),
        "persistence": _persistence(repeats),
        "pinning": cores.describe(),
        "load_line": (
            f"{'wrk (plain JSON runs) + ' if plan.loadgen == 'wrk' else ''}aiohttp closed loop "
            f"in its own process, 16 clients (1 for invoke-1 and streaming), {plan.duration:g} s "
            f"per run after warm-up; fake OpenAI model on 127.0.0.1 (0 ms; "
            f"{SLOW_MODEL_LATENCY_MS} ms for the burst) through litellm"
            f"{_COMPAT_LOAD if plan.wants(*COMPAT_SCENARIOS) else ''}; API-key auth on"
        ),
        "repeat": repeat,
        "scenarios": sorted(plan.scenarios),
        "loadgen": plan.loadgen,
        "reference": reference_line,
    }
    text = markdown(meta, rows)
    document = {
        "meta": meta,
        "rows": [dataclasses.asdict(row) for row in rows],
        "medians": median,
        "repeats": [{"samples": s, "values": v} for s, v in zip(repeats, values, strict=True)],
    }
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    for path in write_results(RESULTS_DIR, stamp, text, document):
        _progress(f"wrote {path.relative_to(REPO)}")
    return text, document


def _reference(args: argparse.Namespace, plan: Plan) -> tuple[ReferenceProduct | None, str]:
    """The existing product, installed if needed; and the line that says how it was run."""
    if args.no_reference:
        return None, "not measured (--no-reference)"
    if not plan.wants(*REFERENCE_SCENARIOS):
        return None, "not measured (no scenario of it chosen)"
    _progress("the existing product: its venv under tests/bench/.reference/ (installed once)")
    try:
        product = install_reference(BENCH_DIR / ".reference")
    except ReferenceUnavailableError as exc:
        _progress(f"the existing product could not be installed, going on without it: {exc}")
        return None, f"not measured (could not be installed: {exc})"
    return product, (
        "agents-gateway 0.2.13 from PyPI, in its own venv, on the same workspace and fake "
        "models in the same run (its telemetry off, as ours); its burst runs on a second "
        "instance whose model is the slow one"
    )


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally that stops every child


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    # Also when started in the background, where SIGINT would otherwise be ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    work = Path(tempfile.mkdtemp(prefix="agent-gateway-bench-"))
    succeeded = False
    try:
        text, _ = run(args, work)
        print(text)
        succeeded = True
        return 0
    except KeyboardInterrupt:
        _progress("interrupted")
        return 130
    except ProcessFailedError as exc:
        _progress(f"failed: {exc}")
        return 1
    finally:
        stop_all()
        if succeeded:
            shutil.rmtree(work, ignore_errors=True)
        else:
            _progress(f"logs kept in {work}")


if __name__ == "__main__":
    sys.exit(main())
