"""Every verb has the same names and defaults in Python, on the command line and over REST (no network needed)."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
import typer.main

import corridor
import corridor.cli.app as cli
from corridor.server import create_app, models

#: the command line's option name → the Python keyword, where they differ
CLI_NAMES = {
    "value_of_time": "value_of_time_usd_per_teu_hour",
    "carbon_price": "carbon_price_usd_per_t_co2e",
    "corridor_ids": "corridors",
    "usd": "usd_per_teu",
    "corridor_id": "corridor",
}
#: verb → (Python method of Network, command, REST request model)
VERBS = {
    "route": (corridor.Network.route, "route", models.RouteRequest),
    "path": (corridor.Network.path, "path", models.PathRequest),
    "compare": (corridor.Network.compare, "compare", models.CompareRequest),
    "reach": (corridor.Network.reach, "reach", models.ReachRequest),
    "assign": (corridor.Network.assign, "assign", models.AssignRequest),
}
#: Python keywords a skin leaves out on purpose: callbacks, and files (REST reads none)
NOT_IN_SKINS = {"progress"}


def _python(method) -> dict[str, Any]:
    parameters = inspect.signature(method).parameters.values()
    return {p.name: p.default for p in parameters if p.default is not p.empty and p.name not in NOT_IN_SKINS}


def _cli(command: str) -> dict[str, Any]:
    params = typer.main.get_command(cli.app).commands[command].params
    return {CLI_NAMES.get(p.name, p.name): p.default for p in params}


def _rest(model) -> dict[str, Any]:
    return {name: field.default for name, field in model.model_fields.items()}


@pytest.mark.parametrize("verb", list(VERBS))
def test_every_option_has_the_python_default_in_every_skin(verb):
    method, command, model = VERBS[verb]
    python, on_cli, over_rest = _python(method), _cli(command), _rest(model)
    for name, default in python.items():
        assert name in on_cli, f"corridor {command} lacks --{name.replace('_', '-')}"
        assert name in over_rest, f"REST {verb} lacks {name}"
        if name == "value_of_time_usd_per_teu_hour" and verb == "assign":
            assert on_cli[name] is None and over_rest[name] is None  # the CLI takes class=value text
            continue
        assert on_cli[name] == default, f"corridor {command} --{name}"
        assert over_rest[name] == default, f"REST {verb} {name}"


def test_objective_defaults_come_from_the_constants():
    assert _python(corridor.Network.route)["objective"] == corridor.DEFAULT_OBJECTIVE
    assert _python(corridor.Network.compare)["objective"] == corridor.DEFAULT_COMPARE_OBJECTIVE
    assert _python(corridor.Network.route)["max_snap_km"] == corridor.DEFAULT_MAX_SNAP_KM


def test_every_verb_is_in_every_skin():
    commands = set(typer.main.get_command(cli.app).commands)
    assert {"route", "compare", "reach", "places", "validate", "assign", "scenario", "network"} <= commands
    paths = set(create_app(lambda: None).openapi()["paths"])
    verbs = {"/route", "/compare", "/reach", "/places", "/validate", "/assign", "/scenario/run", "/scenario/compare"}
    assert verbs <= paths


def test_as_of_and_profile_defaults_come_from_the_library():
    """``as_of`` defaults to None (the data pack's as-of date) and ``profile`` to ``DEFAULT_PROFILE``, in every skin
    of route and path; compare takes ``as_of`` but no profile, in every skin."""
    for verb in ("route", "path"):
        method, command, model = VERBS[verb]
        for skin in (_python(method), _cli(command), _rest(model)):
            assert skin["as_of"] is None and skin["profile"] == corridor.DEFAULT_PROFILE
    method, command, model = VERBS["compare"]
    for skin in (_python(method), _cli(command), _rest(model)):
        assert skin["as_of"] is None and "profile" not in skin
    assert corridor.DEFAULT_PROFILE in corridor.PROFILES


@pytest.mark.parametrize("command", ["route", "path", "compare"])
def test_as_of_and_profile_help_states_the_default_and_the_choices(command):
    params = {p.name: p for p in typer.main.get_command(cli.app).commands[command].params}
    assert "default: the data pack's as-of date" in (params["as_of"].help or "")
    assert "YYYY-MM-DD" in (params["as_of"].help or "")
    if command == "compare":
        assert "profile" not in params
        return
    profile = params["profile"]
    assert (profile.help or "").startswith(" | ".join(corridor.PROFILES))
    assert profile.default == corridor.DEFAULT_PROFILE and profile.show_default


def test_depart_draws_and_seed_defaults_come_from_the_library():
    """``depart`` defaults to None (no departure time), ``draws`` to the library's ``DEFAULT_DRAWS`` and ``seed`` to 0
    in every skin of route; compare takes the draws and the seed but no departure; path takes none of them."""
    from corridor.constants import DEFAULT_DRAWS

    for skin in (_python(corridor.Network.route), _cli("route"), _rest(models.RouteRequest)):
        assert skin["depart"] is None and skin["draws"] == DEFAULT_DRAWS and skin["seed"] == 0
    for skin in (_python(corridor.Network.compare), _cli("compare"), _rest(models.CompareRequest)):
        assert skin["draws"] == DEFAULT_DRAWS and skin["seed"] == 0 and "depart" not in skin
    for skin in (_python(corridor.Network.path), _cli("path"), _rest(models.PathRequest)):
        assert not {"depart", "draws", "seed"} & set(skin)


def test_depart_help_says_naive_is_utc_with_examples():
    params = {p.name: p for p in typer.main.get_command(cli.app).commands["route"].params}
    text = params["depart"].help or ""
    assert "UTC" in text and "2026-12-07T08:00" in text and "ISO 8601" in text
    schema = create_app(lambda: None).openapi()["components"]["schemas"]["RouteRequest"]["properties"]
    assert "UTC" in schema["depart"]["description"] and "2026-12-07T08:00" in schema["depart"]["description"]
    assert schema["draws"]["default"] == params["draws"].default


def test_rest_profile_choices_and_defaults_in_the_schema():
    schema = create_app(lambda: None).openapi()["components"]["schemas"]
    for name in ("RouteRequest", "CompareRequest"):
        as_of = schema[name]["properties"]["as_of"]
        assert as_of.get("default") is None and {"type": "string", "maxLength": 40} in as_of["anyOf"]
        assert "default: the data pack's as-of date" in as_of["description"]
    profile = schema["RouteRequest"]["properties"]["profile"]
    assert profile["default"] == corridor.DEFAULT_PROFILE and tuple(profile["enum"]) == corridor.PROFILES
    assert "profile" not in schema["CompareRequest"]["properties"]
