"""The REST API takes what the Python API takes, with its defaults, and names the field at fault: on the small
network, so no world network is needed."""

import json

import pytest
from fastapi.testclient import TestClient

import corridor
from corridor.server import create_app


@pytest.fixture(scope="module")
def client(small_net):
    with TestClient(create_app(small_net)) as c:
        yield c


def _json(value):
    return json.loads(corridor.json_dumps(value))


@pytest.mark.parametrize(
    ("body", "python"),
    [
        ({"avoid": "XN"}, {"avoid": ["XN"]}),
        ({"avoid": "xn, "}, {"avoid": {"XN"}}),
        ({"via": "Westport"}, {"via": ["Westport"]}),
        ({"via": [54.40, 20.50]}, {"via": [(54.40, 20.50)]}),
        ({"via": [[54.40, 20.50], "Westport"]}, {"via": [(54.40, 20.50), "Westport"]}),
        ({"modes": "rail,road"}, {"modes": ["rail", "road"]}),
        ({"objective": "generalized", "carbon_price_usd_per_t_co2e": 0}, {"objective": "generalized",
                                                                          "carbon_price_usd_per_t_co2e": 0}),
        ({"max_snap_km": 5}, {"max_snap_km": 5}),
    ],
)  # fmt: skip
def test_route_options_in_any_spelling_python_takes(client, small_net, body, python):
    answer = client.post("/route", json={"origin": "Westburg", "destination": "Eastgrad", **body})
    assert answer.status_code == 200, answer.text
    assert answer.json() == _json(small_net.route("Westburg", "Eastgrad", **python).to_dict())


def test_route_ends_as_lat_lon_pairs(client, small_net):
    answer = client.post("/route", json={"origin": [52.48, 21.02], "destination": "52.40,23.02"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == _json(small_net.route((52.48, 21.02), "52.40,23.02").to_dict())


def test_defaults_are_the_python_ones(client, small_net):
    pair = {"origin": "Westburg", "destination": "Eastgrad"}
    assert client.post("/route", json=pair).json()["objective"] == corridor.DEFAULT_OBJECTIVE
    compared = client.post("/compare", json=pair).json()
    assert compared == _json([o.to_dict() for o in small_net.compare(*pair.values())])
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert schema["RouteRequest"]["properties"]["objective"]["default"] == corridor.DEFAULT_OBJECTIVE
    assert schema["CompareRequest"]["properties"]["objective"]["default"] == corridor.DEFAULT_COMPARE_OBJECTIVE
    assert schema["RouteRequest"]["properties"]["max_snap_km"]["default"] == corridor.DEFAULT_MAX_SNAP_KM


def test_compare_takes_avoid_and_prices(client, small_net):
    body = {"origin": "Westburg", "destination": "Eastgrad", "avoid": "XN", "value_of_time_usd_per_teu_hour": 0}
    answer = client.post("/compare", json=body)
    assert answer.status_code == 200, answer.text
    expected = small_net.compare("Westburg", "Eastgrad", avoid="XN", value_of_time_usd_per_teu_hour=0)
    assert answer.json() == _json([o.to_dict() for o in expected])


@pytest.mark.parametrize(
    ("path", "body", "loc"),
    [
        ("/route", {"avoid": "X1"}, ["body", "avoid"]),
        ("/route", {"avoid": ["XN", 5]}, ["body", "avoid"]),
        ("/route", {"modes": "rail,plane"}, ["body", "modes"]),
        ("/route", {"modes": ["plane"]}, ["body", "modes"]),
        ("/route", {"objective": "time", "carbon_price_usd_per_t_co2e": 1}, ["body", "objective"]),
        ("/route", {"max_snap_km": 0}, ["body", "max_snap_km"]),
        ("/route", {"via": [[1, 2, 3]]}, ["body", "via"]),
        ("/compare", {"avoid": "X1"}, ["body", "avoid"]),
        ("/compare", {"objective": "cost", "value_of_time_usd_per_teu_hour": 4}, ["body", "objective"]),
        ("/compare", {"corridors": "nope"}, ["body", "corridors"]),
    ],
)
def test_option_errors_name_the_field(client, path, body, loc):
    answer = client.post(path, json={"origin": "Westburg", "destination": "Eastgrad", **body})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"][: len(loc)] == loc


def test_reach_without_a_budget_names_days(client):
    answer = client.post("/reach", json={"origin": "Westburg"})
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {"loc": ["body", "days"], "msg": "give exactly one budget: days or usd_per_teu", "type": "options"}
    ]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/route", {"origin": "Eastgard", "destination": "Westburg"}, "origin"),
        ("/route", {"origin": "Westburg", "destination": "Eastgard"}, "destination"),
        ("/route", {"origin": "Westburg", "destination": "Eastgrad", "via": ["Westport", "Eastgard"]}, "via"),
        ("/compare", {"origin": "Westburg", "destination": "Eastgard"}, "destination"),
        ("/reach", {"origin": "Eastgard", "days": 3}, "origin"),
        ("/reach", {"origin": "Westburg", "days": 3, "via": "Eastgard"}, "via"),
    ],
)
def test_unknown_place_is_404_naming_the_field(client, path, body, field):
    answer = client.post(path, json=body)
    assert answer.status_code == 404, answer.text
    data = answer.json()
    assert data["field"] == field and data["suggestions"][0] == "Eastgrad" and "'Eastgard'" in data["detail"]


def test_no_route_is_422(client):
    answer = client.post("/route", json={"origin": "Westburg", "destination": "Northhaven", "avoid": ["XE"]})
    assert answer.status_code == 422
    assert answer.json() == {
        "detail": [{"loc": ["body"], "msg": "no route from Westburg to Northhaven avoiding XE", "type": "no_route"}]
    }


def test_validate_rows_given_as_csv(client, small_net):
    text = (
        "id,origin,destination,metric,low,high\n"
        "wb-eg-km,Westburg,Eastgrad,km,100,300\n"
        "wb-nh-days,Westburg,Nowhere,days,1,2\n"
    )
    answer = client.post("/validate", json={"benchmarks": text})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    frame = corridor.validate(small_net, corridor.parse_benchmarks(text))
    assert [r["id"] for r in data["rows"]] == ["wb-eg-km", "wb-nh-days"]
    assert data["rows"][0]["model"] == pytest.approx(frame["model"][0])
    assert data["rows"][1]["failure"].startswith("unknown place 'Nowhere'")
    assert set(data["summary"]) == {"overall", "by_metric", "by_family", "by_statistic"} and data["skipped"] == []


def test_validate_bad_header_names_benchmarks(client):
    answer = client.post("/validate", json={"benchmarks": "id,origin\nx,Westburg\n"})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "benchmarks"]


@pytest.mark.parametrize("demand", ["/etc/passwd", "corridor-2024.csv", "../data/demand/corridor-2024.csv"])
def test_assign_takes_only_a_shipped_demand_name(client, demand):
    answer = client.post("/assign", json={"demand": demand})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "demand"]
    assert "root:" not in answer.text


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"avoid": "X1"}, ["body", "avoid"]),
        ({"max_seconds": 1e9}, ["body", "max_seconds"]),
        ({"method": "fastest"}, ["body", "method"]),
        ({"value_of_time_usd_per_teu_hour": {"standard": -1}}, ["body", "value_of_time_usd_per_teu_hour"]),
    ],
)
def test_assign_options_are_checked_before_any_work(client, body, loc):
    answer = client.post("/assign", json=body)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][: len(loc)] == loc


def test_scenario_compare_names_the_side_at_fault(client):
    answer = client.post("/scenario/compare", json={"a": {"name": "baseline"}, "b": {"name": "no-such"}})
    assert answer.status_code == 404
    assert answer.json()["field"] == "b.name" and "baseline" in answer.json()["suggestions"]
    body = {"name": "x", "demand": {"set": "/etc/passwd"}}
    answer = client.post("/scenario/compare", json={"a": {"body": body}, "b": {"name": "baseline"}})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "a", "body", "demand", "set"]


def test_map_page_starts_with_the_compare_default():
    from corridor.server.pages import page_html

    page = page_html()
    assert f'data-default-objective="{corridor.DEFAULT_COMPARE_OBJECTIVE}"' in page
    assert "{{" not in page


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (corridor.ExtraNotInstalledError("the map layers", "maps"), "pip install 'corridor[maps]'"),
        (corridor.DataError("cache file is damaged", path="/srv/cache.npz"), "the server's data or cache"),
        (corridor.CorridorError("something else"), "the server's data or cache"),
    ],
)
def test_server_side_errors_are_503_never_500(error, shown):
    def fail():
        raise error

    answer = TestClient(create_app(fail), raise_server_exceptions=False).get("/health")
    assert answer.status_code == 503 and shown in answer.json()["detail"]
    assert "/srv/cache.npz" not in answer.text
