"""The long verbs: assign, validate, and scenario run and compare.

Each runs in the scenario lane (one at a time, one waiting) under the scenario time cap, and
checks the lane's stop signal at each step, so work past the cap ends there. Nothing here reads
a file a request names: demand sets and scenarios are shipped ones or bodies.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

import corridor
from corridor.server.context import Context, json_bytes
from corridor.server.errors import ERROR_RESPONSES, UnknownNameError
from corridor.server.lanes import Stop
from corridor.server.models import AssignRequest, ScenarioCompareRequest, ScenarioRunRequest, ValidateRequest

__all__ = ["router"]

JSON = "application/json"


def router(ctx: Context) -> APIRouter:
    """The routes of the long verbs, run on ``ctx``'s network and lanes."""
    api = APIRouter()

    @api.post("/assign", responses=ERROR_RESPONSES)
    async def assign(body: AssignRequest):
        """Share a shipped demand set over the corridors with capacities (``FlowResult.to_dict()``)."""

        def run(stop: Stop) -> bytes:
            result = ctx.net().assign(
                body.demand,
                method=body.method,
                gap=body.gap,
                max_seconds=body.max_seconds,
                value_of_time_usd_per_teu_hour=body.value_of_time_usd_per_teu_hour,
                carbon_price_usd_per_t_co2e=body.carbon_price_usd_per_t_co2e,
                rank_bottlenecks=body.rank_bottlenecks,
                avoid=body.avoid,
                dispersion_per_usd=body.dispersion_per_usd,
                progress=lambda _stage, _done, _value: stop.check(),
            )
            return json_bytes(result.to_dict())

        return Response(await ctx.run("scenario", run, long=True), media_type=JSON)

    @api.post("/validate", responses=ERROR_RESPONSES)
    async def validate(body: ValidateRequest):
        """The model against published figures: the shipped benchmarks, or rows given as CSV text."""
        bench = _benchmarks(body.benchmarks)

        def run(stop: Stop) -> bytes:
            frame = corridor.validate(ctx.net(), bench, progress=lambda _done, _of: stop.check())
            return json_bytes(corridor.validation_to_dict(frame, corridor.summarise(frame), bench.problems))

        return Response(await ctx.run("scenario", run, long=True), media_type=JSON)

    @api.post("/scenario/run", responses=ERROR_RESPONSES)
    async def scenario_run(body: ScenarioRunRequest):
        """Run a shipped scenario by name, or a scenario body (which may extend shipped scenarios and use
        shipped demand sets only: no request reaches the server's files)."""
        spec = _scenario(body, "")

        def run(stop: Stop) -> bytes:
            return json_bytes(_run(spec, stop, ctx.net()).to_dict())

        return Response(await ctx.run("scenario", run, long=True), media_type=JSON)

    @api.post("/scenario/compare", responses=ERROR_RESPONSES)
    async def scenario_compare(body: ScenarioCompareRequest):
        """Scenario ``b`` against ``a`` (each a shipped name or a body): corridor days, USD and CO2e per pair,
        rerouted pairs, moved flows, per-country TEU-km."""
        spec_a, spec_b = _scenario(body.a, "a."), _scenario(body.b, "b.")

        def run(stop: Stop) -> bytes:
            result_a = _run(spec_a, stop, ctx.net())
            result_b = result_a if spec_b == spec_a else _run(spec_b, stop, ctx.net())  # a run is deterministic
            return json_bytes(corridor.diff_scenarios(result_a, result_b).to_dict())

        return Response(await ctx.run("scenario", run, long=True), media_type=JSON)

    return api


def _run(spec: corridor.Scenario, stop: Stop, net: corridor.Network) -> corridor.ScenarioResult:
    """A scenario run that stops at its next step once ``stop`` is set; one that leaves the network as it is
    runs on the server's loaded network (no second copy in memory)."""
    return corridor.run_scenario(spec, progress=lambda _step, _fraction: stop.check(), engine=net.engine)


def _scenario(ref: ScenarioRunRequest, where: str) -> corridor.Scenario:
    """The scenario a request names (shipped only) or gives; errors name the field, prefixed by ``where``."""
    if ref.name is not None:
        if ref.name not in corridor.SHIPPED_SCENARIOS:
            raise UnknownNameError(f"unknown scenario {ref.name!r}", list(corridor.SHIPPED_SCENARIOS), f"{where}name")
        return corridor.load_scenario(ref.name)
    try:
        return corridor.scenario_from_body(ref.body)
    except corridor.ScenarioError as exc:
        if where:
            exc.field = f"{where}body.{exc.field}" if exc.field else f"{where}body"
        raise


def _benchmarks(text: str | None) -> corridor.BenchmarkSet:
    """The shipped benchmarks, or those of a request's CSV text; a bad header names ``benchmarks``."""
    if text is None:
        return corridor.shipped_benchmarks()
    try:
        return corridor.parse_benchmarks(text, origin="request body")
    except corridor.FileFormatError as exc:
        exc.field = "benchmarks"
        raise
