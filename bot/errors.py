"""The gateway's error format, the same as records': {"error": {"code", "message"}}."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot import messages


class ApiError(Exception):
    def __init__(self, status: int, code: str, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.code = code
        self.headers = headers


def _body(code: str) -> dict:
    text = messages.MESSAGES.get(code) or messages.text("service_down")
    return {"error": {"code": code, "message": text}}


error_body = _body  # for the middlewares that answer before any route runs


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(_body(exc.code), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        # Never echo the input back: it may hold a secret.
        return JSONResponse(_body("invalid_request"), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "conversation_not_found", 413: "body_too_large"}.get(
            exc.status_code, "invalid_request"
        )
        return JSONResponse(_body(code), status_code=exc.status_code)
