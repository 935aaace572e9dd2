"""One mapping from errors to HTTP answers: every client mistake is a 4xx naming the field.

=================================  ======  ========================================================
error                              status  body
=================================  ======  ========================================================
request body not valid (pydantic)  422     FastAPI's shape, without echoing the input
UnknownPlaceError                  404     detail, suggestions and the field that held the place
unknown scenario name              404     detail, suggestions (the shipped ones) and the field
NoRouteError                       422     FastAPI's shape, ``loc`` the body, ``type`` ``no_route``
any other InputError               422     FastAPI's shape, ``loc`` naming the field
lanes.BusyError                    429     detail
lanes.TooSlowError                 503     detail
ExtraNotInstalledError             503     detail: the server lacks an optional part (an extra)
DataError, other CorridorError     503     detail (the server's data, not the request)
=================================  ======  ========================================================

No corridor error is a 500; a 500 would be a bug, and never carries a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

import corridor
from corridor.server.lanes import BusyError, TooSlowError
from corridor.server.models import ErrorModel

__all__ = ["ERROR_RESPONSES", "UnknownNameError", "install_error_handlers", "invalid", "unknown"]

log = logging.getLogger("corridor.server")

#: The answers besides 200 and 422 a verb may give, for the OpenAPI document.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {status: {"model": ErrorModel} for status in (404, 413, 429, 503)}


class UnknownNameError(Exception):
    """A name the server does not know (a scenario), with those it does and the field that held it."""

    def __init__(self, message: str, suggestions: list[str], field: str) -> None:
        self.suggestions = suggestions
        self.field = field
        super().__init__(message)


def invalid(field: str, message: str, *, where: str = "body", kind: str = "value_error") -> JSONResponse:
    """A 422 in FastAPI's validation-error shape, naming the field (dotted paths become a ``loc`` list)."""
    loc: list[str | int] = [where] if field == where else [where, *field.split(".")]
    return JSONResponse({"detail": [{"loc": loc, "msg": message, "type": kind}]}, 422)


def unknown(message: str, suggestions: list[str], field: str | None) -> JSONResponse:
    """A 404 for a name the server does not know (a place, a scenario), with the names it does."""
    return JSONResponse({"detail": message, "suggestions": suggestions, "field": field}, 404)


def _field_of(exc: corridor.InputError) -> str:
    if isinstance(exc, corridor.FileInputError):
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

    @app.exception_handler(UnknownNameError)
    async def unknown_name(_request, exc: UnknownNameError):
        return unknown(str(exc), exc.suggestions, exc.field)

    @app.exception_handler(BusyError)
    async def busy(_request, exc: BusyError):
        return JSONResponse({"detail": str(exc)}, 429)

    @app.exception_handler(TooSlowError)
    async def too_slow(_request, _exc: TooSlowError):
        return JSONResponse({"detail": "the computation took too long and was stopped; narrow the query"}, 503)

    @app.exception_handler(corridor.CorridorError)
    async def corridor_error(_request, exc: corridor.CorridorError):
        if isinstance(exc, corridor.UnknownPlaceError):
            return unknown(str(exc), exc.suggestions, getattr(exc, "option", None))
        if isinstance(exc, corridor.NoRouteError):
            return invalid("body", str(exc), kind="no_route")
        if isinstance(exc, corridor.InputError):
            return invalid(_field_of(exc), str(exc))
        if isinstance(exc, corridor.ExtraNotInstalledError):
            return JSONResponse({"detail": str(exc)}, 503)
        log.error("%s: %s", type(exc).__name__, exc)  # the server's data, a corridor bug: the operator's to see
        return JSONResponse({"detail": "the server's data or cache is unavailable; see the server's log"}, 503)
