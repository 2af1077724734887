"""One repeat of the benchmark: which processes run, which load each one gets, what is read.

The process under test (the gateway, the bare Starlette reference, a model client alone, an
import, the demo's startup) runs on the server core; the fake models and the load generator on
the others (see processes.Cores). Every load run is a separate loadgen.py (or wrk) process.

The gateway is measured twice: on litellm (``openai/fake-model``, the headline) and on the lean
OpenAI-compatible client (``openai_compat/fake-model``, the scenarios ending in
``-openai-compat``), each beside its model client alone. The existing product (agents-gateway
0.2.13, see reference_product.py) gets the same load runs on the same workspace, in the same
repeat, for the reference column.
"""

from __future__ import annotations

import dataclasses
import json
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from processes import Cores, ManagedProcess, ProcessFailedError, free_port, spawn
from reference_product import ReferenceProduct
from workspace import (
    API_KEY,
    COMPAT_MODEL,
    FAST_AGENT,
    MODEL,
    MODEL_KEY,
    SLOW_AGENT,
    SYSTEM_PROMPT,
    write_workspace,
)
from wrk_runner import parse_wrk, wrk_command

COMPAT_SUFFIX = "-openai-compat"
_PER_CLIENT = ("invoke-16", "cpu-per-invoke", "invoke-1", "burst-500", "stream-ttft")
SCENARIOS = (
    "invoke-16",
    "cpu-per-invoke",
    "invoke-1",
    "burst-500",
    "startup",
    "import",
    "idle-rss",
    "stream-ttft",
    *(name + COMPAT_SUFFIX for name in _PER_CLIENT),
)
LOAD_SCENARIOS = frozenset({"invoke-16", "cpu-per-invoke", "invoke-1", "burst-500"})
SERVER_SCENARIOS = LOAD_SCENARIOS | {"idle-rss", "stream-ttft"}
COMPAT_LOAD_SCENARIOS = frozenset(name + COMPAT_SUFFIX for name in LOAD_SCENARIOS)
COMPAT_SCENARIOS = COMPAT_LOAD_SCENARIOS | {"stream-ttft" + COMPAT_SUFFIX}
STREAM_SCENARIOS = frozenset({"stream-ttft", "stream-ttft" + COMPAT_SUFFIX})
BURST_SCENARIOS = frozenset({"burst-500", "burst-500" + COMPAT_SUFFIX})

CONCURRENT_CLIENTS = 16
BURST = 500
SLOW_MODEL_LATENCY_MS = 1000
REQUEST_TIMEOUT = 30.0
READY_TIMEOUT = 90.0
IDLE_SETTLE_SECONDS = 1.0  # let startup's garbage go before reading RSS
INVOKE_BODY = {"message": "hello"}
IMPORT_TRIES = 3


@dataclass(frozen=True)
class Runs:
    """Which scenarios each load run serves, for one server or model client."""

    invoke_16: tuple[str, ...]
    invoke_1: tuple[str, ...]
    burst: tuple[str, ...]
    stream: tuple[str, ...] = ()


_LITELLM_RUNS = Runs(("invoke-16", "cpu-per-invoke"), ("invoke-1",), ("burst-500",))
_COMPAT_RUNS = Runs(
    ("invoke-16" + COMPAT_SUFFIX, "cpu-per-invoke" + COMPAT_SUFFIX),
    ("invoke-1" + COMPAT_SUFFIX,),
    ("burst-500" + COMPAT_SUFFIX,),
)
# By server kind: the gateway on litellm, the gateway on the lean client, bare Starlette, and
# the existing product (on litellm too, so it gets the headline rows' runs).
SERVER_RUNS = {
    "gateway": dataclasses.replace(_LITELLM_RUNS, stream=("stream-ttft",)),
    "gateway-compat": dataclasses.replace(_COMPAT_RUNS, stream=("stream-ttft" + COMPAT_SUFFIX,)),
    "bare": _LITELLM_RUNS,
    "reference": dataclasses.replace(_LITELLM_RUNS, stream=("stream-ttft",)),
}
REFERENCE_SCENARIOS = frozenset(
    {"invoke-16", "cpu-per-invoke", "invoke-1", "burst-500", "startup", "import", "idle-rss",
     "stream-ttft", "queue-redis", "queue-rabbitmq"}
)  # fmt: skip


@dataclass(frozen=True)
class ClientReference:
    """A model client measured alone: its script under references/ and its runs."""

    script: str
    runs: Runs


CLIENT_REFERENCES = {
    "litellm": ClientReference("litellm_alone.py", _LITELLM_RUNS),
    "openai_compat": ClientReference("openai_compat_alone.py", _COMPAT_RUNS),
}


@dataclass(frozen=True)
class Plan:
    """What to run: the scenarios, and how long each load lasts."""

    scenarios: frozenset[str]
    duration: float
    warmup: float
    loadgen: str  # "aiohttp" (loadgen.py) or "wrk"

    def wants(self, *names: str) -> bool:
        return any(name in self.scenarios for name in names)


@dataclass(frozen=True)
class Context:
    """Where things are, and the fake models every repeat talks to."""

    plan: Plan
    cores: Cores
    python: str
    bench_dir: Path
    repo: Path
    work: Path
    fast_model: str  # OpenAI base URL, .../v1
    slow_model: str
    reference: ReferenceProduct | None  # the existing product, when installed
    queue_executions: int  # per queue scenario run


def start_fake_model(
    name: str,
    latency_ms: int,
    *,
    python: str,
    log_dir: Path,
    core: int | None,
    extra_args: list[str] | None = None,
) -> tuple[ManagedProcess, str]:
    """The project's fake OpenAI server on a free port; (process, base URL)."""
    port = free_port()
    argv = [python, "-m", "agent_gateway_testing.fake_openai", "--port", str(port)]
    argv += ["--latency-ms", str(latency_ms), *(extra_args or [])]
    process = spawn(name, argv, log_dir=log_dir, core=core)
    base_url = f"http://127.0.0.1:{port}/v1"
    process.wait_http_ok(f"{base_url}/models", READY_TIMEOUT)
    return process, base_url


# ------------------------------------------------------------------ running helpers


def _run_json(ctx: Context, name: str, argv: list[str], core: int | None, budget: float) -> Any:
    """Run a helper that prints one JSON object as its last line; its parsed output."""
    process = spawn(name, argv, log_dir=ctx.work, core=core, capture_stdout=True)
    output = process.output(budget)
    lines = [line for line in output.splitlines() if line.strip()]
    if not lines:
        raise process.failure("printed nothing")
    try:
        return json.loads(lines[-1])
    except ValueError as exc:
        raise process.failure(f"printed no JSON ({exc})") from None


def _budget(ctx: Context, extra: float = 0.0) -> float:
    return ctx.plan.duration + ctx.plan.warmup + REQUEST_TIMEOUT + 60.0 + extra


def load(
    ctx: Context,
    name: str,
    url: str,
    *,
    headers: dict[str, str],
    body: dict[str, Any],
    concurrency: int,
    duration: float | None = None,
    requests: int | None = None,
    warmup: float = 0.0,
    sse: bool = False,
    first_token: str = "event:delta",
    cpu_pid: int | None = None,
) -> dict[str, Any]:
    """One closed-loop run of loadgen.py, pinned to the load generator's core."""
    argv = [ctx.python, str(ctx.bench_dir / "loadgen.py"), "--url", url]
    argv += ["--body", json.dumps(body), "--concurrency", str(concurrency)]
    argv += ["--warmup", str(warmup), "--timeout", str(REQUEST_TIMEOUT)]
    argv += [arg for name_, value in headers.items() for arg in ("--header", f"{name_}: {value}")]
    if duration is not None:
        argv += ["--duration", str(duration)]
    if requests is not None:
        argv += ["--requests", str(requests)]
    if sse:
        argv += ["--sse", "--first-token", first_token]
    if cpu_pid is not None:
        argv += ["--cpu-pid", str(cpu_pid)]
    result: dict[str, Any] = _run_json(ctx, name, argv, ctx.cores.loadgen, _budget(ctx))
    return result


def wrk_load(
    ctx: Context,
    name: str,
    url: str,
    *,
    headers: dict[str, str],
    body: dict[str, Any],
    concurrency: int,
    server: ManagedProcess,
) -> dict[str, Any]:
    """One wrk run (after a wrk warm-up), with the server's CPU read around it."""
    env = {"BENCH_BODY": json.dumps(body)}
    if ctx.plan.warmup > 0:
        warm = wrk_command(url, headers, concurrency, ctx.plan.warmup)
        spawn(f"{name}-warmup", warm, log_dir=ctx.work, core=ctx.cores.loadgen, env=env).wait_exit(
            _budget(ctx)
        )
    cpu_before = server.cpu_seconds()
    argv = wrk_command(url, headers, concurrency, ctx.plan.duration)
    process = spawn(
        name, argv, log_dir=ctx.work, core=ctx.cores.loadgen, env=env, capture_stdout=True
    )
    report = process.output(_budget(ctx))
    cpu = server.cpu_seconds() - cpu_before
    summary = parse_wrk(report, concurrency)
    summary["target_cpu_s"] = round(cpu, 4)
    ok = summary["ok"]
    summary["target_cpu_per_request_ms"] = round(cpu / ok * 1000, 4) if ok else None
    summary["target_rss_kb"] = server.rss_kb()
    return summary


# ------------------------------------------------------------------ the servers under test


def _start_gateway(ctx: Context, name: str, model: str) -> tuple[ManagedProcess, float, str]:
    """The gateway on the bench workspace with SQLite on disk, else the gateway's default.

    ``model`` is the workspace's default model. Returns (process, seconds to healthy, which
    persistence it ran with).
    """
    folder = ctx.work / name
    database = folder / "bench.db"
    attempts: list[Path | None] = [database, None]
    last_error: ProcessFailedError | None = None
    for sqlite in attempts:
        workspace = write_workspace(
            folder / ("workspace" if sqlite else "workspace-default"),
            fast_api_base=ctx.fast_model,
            slow_api_base=ctx.slow_model,
            sqlite=sqlite,
            model=model,
        )
        port = free_port()
        argv = [ctx.python, str(ctx.bench_dir / "gateway_app.py"), "--workspace", str(workspace)]
        process = spawn(
            name + ("" if sqlite else "-default"),
            [*argv, "--port", str(port)],
            log_dir=ctx.work,
            core=ctx.cores.server,
            cwd=folder,
        )
        try:
            ready = process.wait_http_ok(f"http://127.0.0.1:{port}/v1/health", READY_TIMEOUT)
        except ProcessFailedError as exc:
            process.stop()
            last_error = exc
            continue
        process.base_url = f"http://127.0.0.1:{port}"
        return process, ready, _persistence_used(sqlite, last_error)
    assert last_error is not None
    raise last_error


def _persistence_used(sqlite: Path | None, refused: ProcessFailedError | None) -> str:
    if sqlite is not None and sqlite.exists():
        return f"SQLite on disk ({sqlite.name}, durable)"
    if sqlite is not None:
        return "gateway default (persistence: sqlite accepted but no database file was created)"
    reason = str(refused).splitlines()[-1] if refused else "not requested"
    return f"gateway default (persistence: sqlite refused at startup: {reason})"


def _start_bare(ctx: Context, index: int) -> tuple[ManagedProcess, float]:
    port = free_port()
    argv = [ctx.python, str(ctx.bench_dir / "references" / "bare_starlette.py")]
    argv += ["--port", str(port), "--api-key", API_KEY]
    argv += [
        "--agent",
        f"{FAST_AGENT}={ctx.fast_model}",
        "--agent",
        f"{SLOW_AGENT}={ctx.slow_model}",
    ]
    process = spawn(f"bare-starlette-{index}", argv, log_dir=ctx.work, core=ctx.cores.server)
    ready = process.wait_http_ok(f"http://127.0.0.1:{port}/v1/health", READY_TIMEOUT)
    process.base_url = f"http://127.0.0.1:{port}"
    return process, ready


def _start_reference(ctx: Context, name: str, model_base: str) -> tuple[ManagedProcess, float]:
    """The existing product on the bench workspace, its litellm pointed at ``model_base``."""
    assert ctx.reference is not None
    folder = ctx.work / name
    database = folder / "bench.db"
    workspace = write_workspace(
        folder / "workspace",
        fast_api_base=ctx.fast_model,
        slow_api_base=ctx.slow_model,
        sqlite=database,
    )
    port = free_port()
    argv = [ctx.reference.python, str(ctx.bench_dir / "gateway_app.py")]
    argv += ["--workspace", str(workspace), "--port", str(port)]
    env = ReferenceProduct.model_env(model_base, MODEL_KEY)
    process = spawn(name, argv, log_dir=ctx.work, core=ctx.cores.server, cwd=folder, env=env)
    ready = process.wait_http_ok(f"http://127.0.0.1:{port}/v1/health", READY_TIMEOUT)
    process.base_url = f"http://127.0.0.1:{port}"
    return process, ready


def measure_server(ctx: Context, kind: str, index: int) -> dict[str, Any]:
    """Start one server of SERVER_RUNS' kinds, read idle RSS, put each wanted load on it."""
    persistence = None
    if kind == "gateway":
        server, ready, persistence = _start_gateway(ctx, f"gateway-{index}", MODEL)
    elif kind == "gateway-compat":
        server, ready, persistence = _start_gateway(ctx, f"gateway-compat-{index}", COMPAT_MODEL)
    elif kind == "reference":
        server, ready = _start_reference(ctx, f"reference-{index}", ctx.fast_model)
    else:
        server, ready = _start_bare(ctx, index)
    try:
        time.sleep(IDLE_SETTLE_SECONDS)
        samples: dict[str, Any] = {
            "startup_s": round(ready, 4),
            "idle_rss_kb": server.rss_kb(),
            "persistence": persistence,
        }
        samples.update(_server_loads(ctx, kind, server, index))
    finally:
        server.stop()
    if kind == "reference" and ctx.plan.wants(*SERVER_RUNS[kind].burst):
        # Its agents cannot each name a model server, so the burst gets a second instance
        # whose model is the slow one.
        slow, _ = _start_reference(ctx, f"reference-slow-{index}", ctx.slow_model)
        try:
            samples["burst"] = _burst(ctx, f"reference-{index}", slow, product="reference")
        finally:
            slow.stop()
    return samples


def _server_loads(ctx: Context, kind: str, server: ManagedProcess, index: int) -> dict[str, Any]:
    plan = ctx.plan
    runs = SERVER_RUNS[kind]
    samples: dict[str, Any] = {}
    headers = {"Authorization": f"Bearer {API_KEY}"}
    base = server.base_url
    fast = f"{base}/v1/agents/{FAST_AGENT}/invoke"
    if not plan.wants(*runs.invoke_16, *runs.invoke_1, *runs.burst, *runs.stream):
        return samples
    prefix = f"{kind}-{index}"
    common = {"headers": headers, "body": INVOKE_BODY}
    # The first call imports the model client and opens the model connections: never measured.
    load(
        ctx,
        f"{prefix}-warmup",
        fast,
        concurrency=CONCURRENT_CLIENTS,
        duration=plan.warmup,
        **common,
    )
    short_warmup = min(plan.warmup, 1.0)  # each run opens its own connections first
    for scenario_names, key, clients in (
        (runs.invoke_16, "invoke_16", CONCURRENT_CLIENTS),
        (runs.invoke_1, "invoke_1", 1),
    ):
        if not plan.wants(*scenario_names):
            continue
        if plan.loadgen == "wrk":
            samples[key] = wrk_load(
                ctx, f"{prefix}-{key}-wrk", fast, concurrency=clients, server=server, **common
            )
        else:
            samples[key] = load(
                ctx,
                f"{prefix}-{key}",
                fast,
                concurrency=clients,
                duration=plan.duration,
                warmup=short_warmup,
                cpu_pid=server.pid,
                **common,
            )
    if plan.wants(*runs.stream):
        # Ours streams on ``Accept: text/event-stream`` and names its first token ``delta``;
        # the existing product wants ``options.stream`` and names it ``token``.
        reference = kind == "reference"
        samples["stream"] = load(
            ctx,
            f"{prefix}-stream",
            f"{base}/v1/agents/{FAST_AGENT}/chat",
            concurrency=1,
            duration=plan.duration,
            warmup=short_warmup,
            sse=True,
            first_token="event:token" if reference else "event:delta",
            headers=headers,
            body={**INVOKE_BODY, "options": {"stream": True}} if reference else INVOKE_BODY,
        )
    if plan.wants(*runs.burst) and kind != "reference":  # its burst has its own instance
        samples["burst"] = _burst(ctx, prefix, server, product=kind)
    return samples


def _burst(ctx: Context, prefix: str, server: ManagedProcess, *, product: str) -> dict[str, Any]:
    """BURST invokes at once of the agent on the slow model; a gateway's are counted on
    record too."""
    headers = {"Authorization": f"Bearer {API_KEY}"}
    base = server.base_url
    samples = load(
        ctx,
        f"{prefix}-burst",
        f"{base}/v1/agents/{SLOW_AGENT}/invoke",
        concurrency=BURST,
        requests=BURST,
        headers=headers,
        body=INVOKE_BODY,
    )
    if product != "bare":  # a gateway: every accepted invoke must be on record, succeeded
        samples["recorded"] = recorded_executions(base, headers, SLOW_AGENT)
    return samples


def recorded_executions(base: str, headers: dict[str, str], agent_id: str) -> int:
    """How many of ``agent_id``'s executions ``GET /v1/executions`` lists as succeeded (only
    the burst calls that agent).

    Ours answers a page with its ``total``; the existing product answers a plain list (at most
    500, without a status filter) whose finished runs are ``completed``.
    """

    def listed(limit: int) -> Any:
        query = urllib.parse.urlencode(
            {"agent_id": agent_id, "status": "succeeded", "limit": limit}
        )
        request = urllib.request.Request(f"{base}/v1/executions?{query}", headers=headers)
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            return json.loads(response.read())

    page = listed(1)
    if isinstance(page, dict):
        return int(page["total"])
    items = listed(BURST)
    return sum(1 for item in items if item.get("status") in ("succeeded", "completed"))


# ------------------------------------------------------------------ references without a server


def measure_client_alone(ctx: Context, name: str, index: int) -> dict[str, Any]:
    """A model client of CLIENT_REFERENCES alone, at the gateway runs' concurrencies, against
    the same fake models."""
    plan = ctx.plan
    reference = CLIENT_REFERENCES[name]
    script = [ctx.python, str(ctx.bench_dir / "references" / reference.script)]
    samples: dict[str, Any] = {}
    runs = [
        (reference.runs.invoke_16, "c16", CONCURRENT_CLIENTS, ctx.fast_model, None),
        (reference.runs.invoke_1, "c1", 1, ctx.fast_model, None),
        (reference.runs.burst, "burst", BURST, ctx.slow_model, BURST),
    ]
    for scenario_names, key, clients, api_base, requests in runs:
        if not plan.wants(*scenario_names):
            continue
        argv = [*script, "--api-base", api_base, "--warmup-api-base", ctx.fast_model]
        argv += ["--concurrency", str(clients), "--warmup", str(plan.warmup)]
        argv += ["--timeout", str(REQUEST_TIMEOUT)]
        argv += ["--requests", str(requests)] if requests else ["--duration", str(plan.duration)]
        samples[key] = _run_json(ctx, f"{name}-{index}-{key}", argv, ctx.cores.server, _budget(ctx))
    return samples


def measure_direct_ttft(ctx: Context, index: int) -> dict[str, Any]:
    """Time to first token of the fake model itself, streamed, with no gateway between."""
    body = {
        "model": MODEL.removeprefix("openai/"),
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": INVOKE_BODY["message"]},
        ],
        "stream": True,
    }
    return load(
        ctx,
        f"direct-{index}-stream",
        f"{ctx.fast_model}/chat/completions",
        headers={"Authorization": f"Bearer {MODEL_KEY}"},
        body=body,
        concurrency=1,
        duration=ctx.plan.duration,
        warmup=min(ctx.plan.warmup, 1.0),
        sse=True,
        first_token="openai-content",
    )


def measure_demo_startup(ctx: Context, index: int) -> float:
    """Seconds from spawning examples/app.py to its first 200 on /v1/health.

    The demo's agents are pointed at the fake model by environment overrides, so the bundled
    local model is not started; everything else (SQLite default, auth, the code tool) is the
    demo as shipped. It runs in a fresh directory so the default database file is new.
    """
    port = free_port()
    folder = ctx.work / f"demo-{index}"
    folder.mkdir()
    env = {
        "AGENT_GATEWAY_SERVER__PORT": str(port),
        "AGENT_GATEWAY_SERVER__LOG_LEVEL": "warning",
        "AGENT_GATEWAY_MODEL__DEFAULT": MODEL,
        "AGENT_GATEWAY_MODEL__API_BASE": ctx.fast_model,
        "AGENT_GATEWAY_MODEL__API_KEY": MODEL_KEY,
    }
    argv = [ctx.python, str(ctx.repo / "examples" / "app.py")]
    process = spawn(
        f"demo-{index}", argv, log_dir=ctx.work, core=ctx.cores.server, env=env, cwd=folder
    )
    try:
        return round(process.wait_http_ok(f"http://127.0.0.1:{port}/v1/health", READY_TIMEOUT), 4)
    finally:
        process.stop()


def measure_imports(ctx: Context, index: int) -> dict[str, float]:
    """Wall clock of ``python -c "import X"`` (interpreter start included), best of 3.

    The gateway's figure imports ``Gateway``: ``agent_gateway`` itself resolves its names
    lazily, so a bare ``import agent_gateway`` would time almost nothing a user needs. The
    existing product is timed on the same line, in its own venv.
    """
    cost_map = {"LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    reference: dict[str, float] = {}
    if ctx.reference is not None:
        reference["reference_s"] = _best_wall(
            ctx,
            f"import-{index}-reference",
            "from agent_gateway import Gateway",
            python=ctx.reference.python,
        )
    return {
        **reference,
        "agent_gateway_s": _best_wall(
            ctx, f"import-{index}-gateway", "from agent_gateway import Gateway"
        ),
        "starlette_uvicorn_s": _best_wall(
            ctx, f"import-{index}-starlette", "import starlette.applications, uvicorn"
        ),
        "litellm_s": _best_wall(ctx, f"import-{index}-litellm", "import litellm", env=cost_map),
        "interpreter_s": _best_wall(ctx, f"import-{index}-interpreter", "pass"),
    }


def _best_wall(
    ctx: Context,
    name: str,
    code: str,
    env: dict[str, str] | None = None,
    python: str | None = None,
) -> float:
    best = float("inf")
    for attempt in range(IMPORT_TRIES):
        process = spawn(
            f"{name}-{attempt}",
            [python or ctx.python, "-c", code],
            log_dir=ctx.work,
            core=ctx.cores.server,
            env=env,
        )
        status = process.wait_exit(120.0)
        if status != 0 or process.exited_at is None:
            raise process.failure(f"exited with code {status}")
        best = min(best, process.exited_at - process.started_at)
    return round(best, 4)
