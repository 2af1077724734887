"""The gateway under test: ``Gateway(workspace=...)`` served by uvicorn, one worker.

    python tests/bench/gateway_app.py --workspace /tmp/bench/workspace --port 8200

Access log off and log level ``warning``, the same server settings as the bare Starlette
reference, so both are measured doing the same work per request.
"""

from __future__ import annotations

import argparse

from agent_gateway import Gateway


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    gateway = Gateway(workspace=args.workspace)
    gateway.run(host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
