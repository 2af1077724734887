"""The ``agents-gateway`` command line; ``agents-gateway --help`` lists the commands.

Every command imports what it needs inside its function, so ``--help`` stays fast and never
loads the web stack or the model client.
"""
