"""Long-term memory: backends that need no server, relevance, and the memory use cases."""
