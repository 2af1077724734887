"""The ``Allow`` header of a 405 or an ``OPTIONS`` answer: every method of the path.

Starlette answers 405 for the first route whose path matches, listing only that route's
methods; a path served by several routes (``GET`` and ``DELETE /v1/sessions/{id}``) has more.
They are collected here, only when a 405 is being answered. ``OPTIONS`` itself is answered
204 with the header (a CORS preflight never gets here: the CORS middleware answers it).
"""

from __future__ import annotations

from starlette.requests import Request

_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> str:
    """``GET, DELETE, OPTIONS``: the methods of every route matching the request's path."""
    path: str = request.scope["path"]
    root: str = request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    methods = {"OPTIONS"}
    for route in request.app.router.routes:
        pattern = getattr(route, "path_regex", None)
        route_methods = getattr(route, "methods", None)
        if pattern is not None and route_methods and pattern.match(path):
            methods |= set(route_methods)
    return ", ".join(sorted(methods, key=lambda m: (_ORDER.index(m) if m in _ORDER else 99, m)))
