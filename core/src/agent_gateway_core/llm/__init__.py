"""Dependency-free pieces shared by LLMClient adapters that speak the OpenAI chat wire format.

Adapters never import each other; what two of them would otherwise both write (message and
tool conversion, tool-call parsing, stream assembly, backoff, HTTP status mapping) lives here.
"""
