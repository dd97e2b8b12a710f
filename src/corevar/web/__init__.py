"""The web face: ``corevar serve``, a JSON API under ``/api/v1`` and a dashboard over the same store.

Needs the ``web`` extra (``pip install 'corevar[web]'``). See docs/web.md. :func:`create_app` builds the ASGI app;
:func:`serve` runs it with uvicorn on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .server import serve

__all__ = ["create_app", "serve"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "serve":
        from .server import serve

        return serve
    raise AttributeError(f"module 'corevar.web' has no attribute {name!r}")
