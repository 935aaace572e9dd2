"""The cargo weight of a route's emissions as an option: checked once, the same through Python, CLI and REST."""

import json
import math

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import corridor
import corridor.cli.app as cli
from corridor.cli.app import app
from corridor.options import QueryOptions
from corridor.routing.options import CARGO_MAX_TONNES_PER_TEU
from corridor.server import create_app
from corridor.server.models import RouteRequest

BAD = [0, -2, 30.5, math.nan, math.inf, "ten", True]


@pytest.mark.parametrize("value", BAD)
def test_a_bad_cargo_weight_is_one_options_error_naming_it(value):
    with pytest.raises(corridor.OptionsError) as info:
        QueryOptions.make(cargo_tonnes_per_teu=value)
    assert info.value.option == "cargo_tonnes_per_teu"
    assert "cargo_tonnes_per_teu" in str(info.value)


def test_the_bounds_and_the_default(small_net):
    assert QueryOptions.make().cargo_tonnes_per_teu is None  # the data pack's teu_net_tonnes
    assert QueryOptions.make(cargo_tonnes_per_teu=CARGO_MAX_TONNES_PER_TEU).cargo_tonnes_per_teu == 30.0
    assert QueryOptions.make(cargo_tonnes_per_teu=0.5).cargo_tonnes_per_teu == 0.5
    with pytest.raises(corridor.OptionsError, match="at most 30"):
        small_net.route("Westburg", "Eastgrad", cargo_tonnes_per_teu=31)


@pytest.fixture
def cli_on_small_net(monkeypatch, small_net):
    monkeypatch.setattr(cli, "_load", lambda *_a, **_k: small_net)
    return CliRunner()


def test_cli_cargo_tonnes_reaches_the_api(cli_on_small_net, small_net):
    result = cli_on_small_net.invoke(app, ["route", "Westburg", "Northhaven", "--cargo-tonnes", "18", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    expected = small_net.route("Westburg", "Northhaven", cargo_tonnes_per_teu=18)
    assert data == json.loads(json.dumps(expected.to_dict()))
    assert data["emissions"]["cargo_tonnes_per_teu"] == 18


def test_cli_prints_the_emissions_table_and_the_method(cli_on_small_net, small_net):
    result = cli_on_small_net.invoke(app, ["route", "Westport", "Northhaven", "--draws", "0"])
    assert result.exit_code == 0, result.output
    e = small_net.route("Westport", "Northhaven", draws=0).emissions
    text = result.stdout
    assert "Emissions, ISO 14083 / GLEC: one TEU with 10 t of cargo" in text
    assert "TTW kg CO2e" in text and "WTW kg CO2e" in text
    assert f"{e.wtw_kg_co2e:,.1f}" in text and f"{e.ttw_kg_co2e:,.1f}" in text
    for leg in e.legs:
        assert f"{leg.wtw_kg_co2e:,.1f}" in text
    assert "Eastport" in text and "2 container moves" in text
    assert "Method: ISO 14083:2023 / GLEC Framework v3." in text


def test_cli_bad_cargo_tonnes_is_one_line_and_exit_1(cli_on_small_net):
    result = cli_on_small_net.invoke(app, ["route", "Westburg", "Eastgrad", "--cargo-tonnes", "0"])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "cargo_tonnes_per_teu" in lines[0]


@pytest.fixture(scope="module")
def client(small_net):
    with TestClient(create_app(small_net)) as c:
        yield c


def test_rest_cargo_weight_reaches_the_api(client, small_net):
    body = {"origin": "Westburg", "destination": "Northhaven", "cargo_tonnes_per_teu": 22.5}
    answer = client.post("/route", json=body)
    assert answer.status_code == 200, answer.text
    expected = small_net.route("Westburg", "Northhaven", cargo_tonnes_per_teu=22.5)
    assert answer.json() == json.loads(json.dumps(expected.to_dict()))
    assert answer.json()["emissions"]["cargo_tonnes_per_teu"] == 22.5


@pytest.mark.parametrize("value", [0, -1, 31, "heavy"])
def test_rest_bad_cargo_weight_is_422_naming_it(client, value):
    answer = client.post(
        "/route", json={"origin": "Westburg", "destination": "Eastgrad", "cargo_tonnes_per_teu": value}
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"][-1] == "cargo_tonnes_per_teu"


def test_rest_bound_is_the_library_bound():
    schema = RouteRequest.model_json_schema()["properties"]["cargo_tonnes_per_teu"]["anyOf"][0]
    assert schema["maximum"] == CARGO_MAX_TONNES_PER_TEU and schema["exclusiveMinimum"] == 0
