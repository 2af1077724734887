"""Agent Gateway core: framework-free domain, ports, workspace loader and execution engine.

Importing this package does no I/O and imports no heavy dependency.
"""

__version__ = "0.1.0"
