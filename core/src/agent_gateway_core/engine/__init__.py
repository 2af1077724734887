"""The execution engine: the model/tool-call loop and what it needs — tools, hooks, prompts,
structured output, cancellation. ``ExecutionEngine`` in ``execution_engine`` is the entry point."""
