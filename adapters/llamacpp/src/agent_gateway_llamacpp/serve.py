"""The child process behind LocalModelServer: ``python -m agent_gateway_llamacpp.serve``.

It starts llama.cpp's OpenAI-compatible server (xllamacpp), prints one ready line with the
address it listens on, then blocks until its standard input closes (the parent closed the pipe,
or died) or it receives SIGTERM. Inference runs here, away from the gateway's event loop and GIL.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from types import FrameType

READY_MARKER = "AGENT_GATEWAY_LLAMACPP_READY"
API_KEY_ENV = "AGENT_GATEWAY_LLAMACPP_API_KEY"
"""The key clients must send; passed in the environment so it never shows in ``ps``."""


def main(argv: Sequence[str] | None = None) -> int:
    """Serve one model until stdin closes or SIGTERM arrives; 1 if llama.cpp failed to start."""
    args = _parser().parse_args(argv)
    api_key = os.environ.pop(API_KEY_ENV, "")
    # Ctrl-C in the gateway's terminal reaches this process too: the parent decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_quietly)

    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = args.model
    params.model_alias = {args.alias}
    params.hostnames = [args.host]
    params.port = args.port
    params.n_ctx = args.ctx_size
    params.n_parallel = 1
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    if api_key:
        params.api_keys = [api_key]
    try:
        server = xllamacpp.Server(params)
    except RuntimeError as exc:  # the log lines above it on stderr say why
        print(f"llama.cpp server failed to start: {exc}", file=sys.stderr, flush=True)
        return 1
    print(f"{READY_MARKER} {server.listening_address}", flush=True)
    # Nothing reads stdout after the ready line; anything written later joins the log on stderr.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdin.buffer.read()
    return 0


def _exit_quietly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True, help="path of the GGUF file")
    parser.add_argument("--alias", required=True, help="model name clients send")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--ctx-size", type=int, default=4096)
    parser.add_argument("--threads", type=int, default=2)
    return parser


if __name__ == "__main__":
    sys.exit(main())
