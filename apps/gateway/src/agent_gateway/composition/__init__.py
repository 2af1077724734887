"""The composition root: which adapter serves each port, chosen from settings and fluent calls."""
