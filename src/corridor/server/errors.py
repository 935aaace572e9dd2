"""One mapping from errors to HTTP answers: every client mistake is a 4xx naming the field.

================================  ======  =============================================
error                              status  body
================================  ======  =============================================
request body not valid (pydantic)  422     FastAPI's shape, without echoing the input
UnknownPlaceError                  404     detail and suggestions
NoRouteError                       404     detail
any other InputError               422     FastAPI's shape, ``loc`` naming the field
lanes.BusyError                    429     detail
lanes.TooSlowError                 503     detail
DataError                          503     detail (the server's data, not the request)
================================  ======  =============================================

A 500 is left only for bugs, and never carries a traceback.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from corridor.errors import CorridorError, DataError, FileInputError, InputError, NoRouteError, UnknownPlaceError
from corridor.server.lanes import BusyError, TooSlowError

__all__ = ["install_error_handlers", "invalid"]


def invalid(field: str, message: str, *, where: str = "body") -> JSONResponse:
    """A 422 in FastAPI's validation-error shape, naming the field (dotted paths become a ``loc`` list)."""
    loc: list[str | int] = [where] if field == where else [where, *field.split(".")]
    return JSONResponse({"detail": [{"loc": loc, "msg": message, "type": "value_error"}]}, 422)


def _field_of(exc: InputError) -> str:
    if isinstance(exc, FileInputError):
        return exc.field or "body"
    return getattr(exc, "option", None) or "body"


def _validation_detail(errors: Any) -> list[dict[str, Any]]:
    """Pydantic's errors without ``input`` and ``ctx``: they may hold NaN, bytes or the whole body."""
    return [
        {"loc": [part if isinstance(part, int) else str(part) for part in e.get("loc", ())], "msg": str(e.get("msg")),
         "type": str(e.get("type"))}
        for e in errors
    ]  # fmt: skip


def install_error_handlers(app: FastAPI) -> None:
    """Register the mapping above on ``app``."""

    @app.exception_handler(RequestValidationError)
    async def request_invalid(_request, exc: RequestValidationError):
        return JSONResponse({"detail": _validation_detail(exc.errors())}, 422)

    @app.exception_handler(BusyError)
    async def busy(_request, exc: BusyError):
        return JSONResponse({"detail": str(exc)}, 429)

    @app.exception_handler(TooSlowError)
    async def too_slow(_request, _exc: TooSlowError):
        return JSONResponse({"detail": "the computation took too long and was stopped; narrow the query"}, 503)

    @app.exception_handler(CorridorError)
    async def corridor_error(_request, exc: CorridorError):
        if isinstance(exc, UnknownPlaceError):
            return JSONResponse({"detail": str(exc), "suggestions": exc.suggestions}, 404)
        if isinstance(exc, NoRouteError):
            return JSONResponse({"detail": str(exc)}, 404)
        if isinstance(exc, InputError):
            return invalid(_field_of(exc), str(exc))
        if isinstance(exc, DataError):
            return JSONResponse({"detail": "the server's data or cache is unavailable; see the server's log"}, 503)
        return JSONResponse({"detail": "internal error"}, 500)
