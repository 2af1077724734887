"""``python -m agent_gateway.cli``: the same as the ``agents-gateway`` command."""

from agent_gateway.cli.app import main

main()
