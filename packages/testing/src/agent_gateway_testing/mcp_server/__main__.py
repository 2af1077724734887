"""Command line of the test MCP server; see the package docstring for the options."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from agent_gateway_testing.mcp_server.serve import serve_http, serve_stdio


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m agent_gateway_testing.mcp_server",
        description="MCP server for tests: add, echo, fail, pid, env, slow, whoami, media, grow.",
    )
    parser.add_argument("--transport", choices=("stdio", "http"), default="stdio")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--path", default="/mcp", help="the streamable-HTTP endpoint")
    parser.add_argument(
        "--bearer-token", action="append", default=[], help="an accepted bearer token (repeatable)"
    )
    parser.add_argument("--api-key-header", default="X-API-Key")
    parser.add_argument(
        "--api-key", action="append", default=[], help="an accepted API key (repeatable)"
    )
    parser.add_argument(
        "--legacy",
        action="store_true",
        help="behave as a 2025-era server: refuse server/discover, so clients use initialize",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Serve until stdin closes (stdio) or until interrupted (http)."""
    args = _parse_args(argv)
    if args.transport == "stdio":
        serve_stdio(legacy=args.legacy)
        return
    serve = serve_http(
        host=args.host,
        port=args.port,
        path=args.path,
        bearer_tokens=frozenset(args.bearer_token),
        api_key_header=args.api_key_header,
        api_keys=frozenset(args.api_key),
        legacy=args.legacy,
        on_ready=lambda url: print(f"listening on {url}", flush=True),
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve)


if __name__ == "__main__":
    main()
