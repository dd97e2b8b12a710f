"""The API's one error: an HTTP status, a full-sentence message and details, answered in one JSON shape."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

__all__ = ["ApiError", "error_response"]


class ApiError(Exception):
    """An error with an HTTP status and a full-sentence message; ``errors`` lists details (fields, rows)."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or []
        self.headers = headers or {}


def error_response(
    status: int, message: str, errors: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The one error shape of the API."""
    return JSONResponse(
        {"ok": False, "error": message, "errors": errors or [], "status": status}, status_code=status, headers=headers
    )
