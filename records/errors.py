"""The one error shape of the record service: {"error": {"code", "message"}} (contracts)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from records.messages import error_message

log = logging.getLogger("records.errors")


class AppError(Exception):
    """An expected failure with a stable code; the message comes from records/messages.py."""

    def __init__(self, code: str, status: int = 400, headers: dict[str, str] | None = None):
        super().__init__(code)
        self.code = code
        self.status = status
        self.headers = headers


def error_body(code: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": error_message(code)}}


class RefuseNulInPath:
    """PostgreSQL cannot compare a NUL character (DataError below): a path holding one is
    refused before any query, so every database gives the same answer. Plain ASGI: the
    request body is left to the body limit untouched."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and "\x00" in scope.get("path", ""):
            response = JSONResponse(error_body("invalid_request"), status_code=422)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    app.add_middleware(RefuseNulInPath)

    @app.exception_handler(AppError)
    async def _app_error(_request: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(error_body(exc.code), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Only field locations are logged: values may be secrets.
        fields = [".".join(str(p) for p in e.get("loc", ())) for e in exc.errors()]
        log.info("request rejected: invalid fields %s", fields)
        return JSONResponse(error_body("invalid_request"), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {
            404: "not_found",
            405: "method_not_allowed",
            401: "unauthenticated",
            413: "body_too_large",
        }.get(exc.status_code, "invalid_request")
        return JSONResponse(error_body(code), status_code=exc.status_code)

    @app.exception_handler(DataError)
    async def _data(_request: Request, exc: DataError) -> JSONResponse:
        # A value the database cannot store (e.g. a NUL character in a path on PostgreSQL).
        log.info("request rejected by the database: %s", type(exc.orig).__name__)
        return JSONResponse(error_body("invalid_request"), status_code=422)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error: %s", type(exc).__name__)
        return JSONResponse(error_body("internal_error"), status_code=500)
