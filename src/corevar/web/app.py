"""The ASGI app behind ``corevar serve``: a JSON API under ``/api/v1`` and a dashboard, over one store.

:func:`create_app` wires three things around the routes (:mod:`corevar.web.routes` for the API,
:mod:`corevar.web.pages` for the dashboard):

* a small ASGI layer (not Starlette's ``BaseHTTPMiddleware``, which costs a task per request) that adds the
  security headers and the Content-Security-Policy to every response and refuses request bodies over
  :data:`~corevar.web.security.MAX_BODY_BYTES` with 413 before the app reads them;
* one JSON error shape for every error, ``{"ok": false, "error": ..., "errors": [...], "status": ...}``;
* the app state: the :class:`~corevar.web.snapshot.SnapshotCache` of the store (the app never holds the store
  open) and the write token.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import CorevarError
from .apierror import ApiError, error_response
from .security import CSP, HEADERS, MAX_BODY_BYTES, REPORT_CSP, load_or_create_token
from .snapshot import SnapshotCache, cache_key, etag

__all__ = ["ApiError", "GuardLayer", "create_app", "error_response"]

log = logging.getLogger("corevar.web")


class _TooLarge(Exception):
    pass


class GuardLayer:
    """Security headers on every response; request bodies over the limit refused with 413 (never read whole)."""

    def __init__(
        self,
        app: Any,
        max_body: int = MAX_BODY_BYTES,
        cache: SnapshotCache | None = None,
        hosts: frozenset[str] | None = None,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.cache = cache
        self.hosts = hosts

    def _host_ok(self, scope: dict[str, Any]) -> bool:
        """Whether the Host header names this server (DNS rebinding: a page on evil.example resolved to 127.0.0.1
        must not read the API from a browser)."""
        if self.hosts is None:
            return True
        for key, value in scope.get("headers", ()):
            if key == b"host":
                host = value.decode("latin-1").strip().lower()
                if host.startswith("["):
                    host = host[1 : host.find("]")] if "]" in host else host
                else:
                    host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
                return host in self.hosts
        return False

    async def _from_cache(self, scope: dict[str, Any], send: Any, extra: list[tuple[bytes, bytes]]) -> bool:
        """Answer a GET already answered for this dataset version straight from the response cache.

        The fast path of the server: the file has not changed (one stat) and the same path and query were
        answered before, so routing, parameter validation and the handler would produce the same bytes.
        """
        snap = self.cache.current() if self.cache is not None else None
        if snap is None or not snap.responses:
            return False
        hit = snap.responses.get(cache_key(scope))
        if hit is None or not self.cache.unchanged():
            return False
        body, media = hit
        tag = etag(snap.version)
        headers = [
            (b"etag", tag.encode()),
            (b"x-corevar-dataset-version", snap.version.encode()),
            (b"cache-control", b"no-cache"),
            *extra,
        ]
        status = 200
        for key, value in scope.get("headers", ()):
            if key == b"if-none-match" and value.decode("latin-1") == tag:
                status, body = 304, b""
        if status == 200:
            headers += [(b"content-type", media.encode()), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return True

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        csp = REPORT_CSP if path.startswith("/api/v1/report") else CSP
        extra = [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]
        extra.append((b"content-security-policy", csp.encode()))
        length = None
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = -1
        if length is not None and (length < 0 or length > self.max_body):
            message = (
                f"the request body is larger than the limit of {self.max_body:,} bytes"
                if length > 0
                else "the Content-Length header is not a number"
            )
            await _send_error(send, 413 if length > 0 else 400, message, extra)
            return
        if not self._host_ok(scope):
            await _send_error(
                send, 421, "this server answers only to its own host name (127.0.0.1 or localhost)", extra
            )
            return
        if scope.get("method") == "GET" and await self._from_cache(scope, send, extra):
            return
        seen = 0
        started = False

        async def limited_receive() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLarge
            return message

        async def send_with_headers(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"content-security-policy"]
                message = {**message, "headers": headers + extra}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _TooLarge:
            if not started:
                await _send_error(
                    send, 413, f"the request body is larger than the limit of {self.max_body:,} bytes", extra
                )


async def _send_error(send: Any, status: int, message: str, headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"ok": False, "error": message, "errors": [], "status": status}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _validation_errors(exc: RequestValidationError) -> tuple[int, str, list[dict[str, Any]]]:
    """FastAPI's validation errors in the API's shape; a body that is not JSON at all is a 400."""
    errors = []
    status = 422
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        if err.get("type") == "json_invalid":
            status = 400
        where = ".".join(loc[1:]) if loc and loc[0] in ("body", "query", "path", "header") else ".".join(loc)
        part = loc[0] if loc else ""
        msg = str(err.get("msg", "invalid"))
        if err.get("type") == "extra_forbidden":
            msg = f'unknown field "{loc[-1]}"'
        elif err.get("type") == "json_invalid":
            msg = f"the body is not valid JSON ({err.get('ctx', {}).get('error', 'parse error')})"
        errors.append({"in": part, "field": where or None, "message": msg})
    if status == 400:
        head = "malformed JSON body"
    else:
        head = "; ".join(f"{e['in']} {e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors[:5])
        head = f"invalid request: {head}"
    return status, head, errors


def create_app(
    db: str | Path | None = None,
    *,
    token: str | None = None,
    wait_s: float | None = None,
    hosts: frozenset[str] | None = None,
) -> FastAPI:
    """The app over the store at ``db`` (default: the CLI's). ``token``: the write token (default: ``<db>.token``).
    ``hosts``: the Host names it answers to (None: any; ``corevar serve`` on loopback passes the loopback names)."""
    from .. import __version__
    from . import pages, routes

    cache = SnapshotCache(db) if wait_s is None else SnapshotCache(db, wait_s=wait_s)
    if token is None:
        token, _, _ = load_or_create_token(cache.db)
    app = FastAPI(
        title="corevar API",
        version=__version__,
        description=(
            "The corevar ledger, live: observations with their sources, series as known on any day, conflicts, "
            "and thesis verdicts. Every response carries the dataset version (header X-Corevar-Dataset-Version "
            "and an ETag); send the ETag back in If-None-Match to get 304 when nothing changed. Listings answer "
            "JSON or CSV (format=csv, or the .csv suffix). Writes need the token in `Authorization: Bearer`."
        ),
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # the interactive docs load scripts from a CDN; the schema is served instead
        redoc_url=None,
    )
    app.state.cache = cache
    app.state.token = token

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return error_response(exc.status, exc.message, exc.errors, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        status, message, errors = _validation_errors(exc)
        return error_response(status, message, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail) if exc.detail else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such page or endpoint: {request.url.path}"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        return error_response(exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(CorevarError)
    async def _corevar(request: Request, exc: CorevarError) -> Response:  # the store or the shipped theses
        busy = "busy" in type(exc).__name__.lower() or "held by" in str(exc)
        status = 503 if busy else 500
        return error_response(
            status, str(exc).strip() or type(exc).__name__, headers={"Retry-After": "2"} if busy else None
        )

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:  # a bug: say so in the same shape
        log.exception("unhandled error on %s", request.url.path)
        # answered outside the guard layer (Starlette's outermost middleware): add its headers here
        headers = {**HEADERS, "Content-Security-Policy": CSP}
        return error_response(
            500, f"internal error ({type(exc).__name__}); the server log has the details", headers=headers
        )

    app.include_router(routes.router)
    app.include_router(pages.router)
    app.add_middleware(GuardLayer, cache=cache, hosts=hosts)
    return app
