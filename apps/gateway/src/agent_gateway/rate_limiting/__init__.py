"""Rate limiting of the protected routes, on the ``limits`` library (``rate_limit:``).

``limiter`` counts requests (who, what, how, and what happens when the storage fails);
``storage`` opens where the counts are kept (memory or Redis); ``rules`` parses the settings.
Nothing is imported here, so that gateway.yaml's validation can use ``rules`` without loading
the rest.
"""
