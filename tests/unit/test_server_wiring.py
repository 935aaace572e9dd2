"""The REST API wired to the small network: requests reach the Python API, answers and errors keep their shape."""

import json

import pytest
from fastapi.testclient import TestClient

from corridor.server import create_app


@pytest.fixture(scope="module")
def client(small_net):
    with TestClient(create_app(small_net)) as c:
        yield c


def test_health_counts_the_network(client, small_net):
    assert client.get("/health").json() == {
        "status": "ok",
        "nodes": small_net.graph.node_count,
        "edges": small_net.graph.edge_count,
        "places": 6,
    }


def test_places_all_and_filtered(client):
    assert [p["name"] for p in client.get("/places").json()] == [
        "Westport",
        "Westburg",
        "Gaugeton",
        "Eastgrad",
        "Eastport",
        "Northhaven",
    ]
    assert [p["name"] for p in client.get("/places", params={"country": "xe"}).json()] == [
        "Gaugeton",
        "Eastgrad",
        "Eastport",
    ]
    ports = client.get("/places", params={"kind": "ferry_port"}).json()
    assert [p["id"] for p in ports] == ["eastport", "northhaven"]
    assert set(ports[0]) >= {"id", "name", "country", "kinds", "lat", "lon", "handling_hours"}


def test_places_bad_filters_are_422(client):
    assert client.get("/places", params={"country": "Eastland"}).status_code == 422
    assert client.get("/places", params={"kind": "airport"}).status_code == 422


def test_route_is_the_python_answer(client, small_net):
    answer = client.post("/route", json={"origin": "Westburg", "destination": "Northhaven"})
    assert answer.status_code == 200
    assert answer.json() == json.loads(json.dumps(small_net.route("Westburg", "Northhaven").to_dict()))


def test_route_options_reach_the_api(client, small_net):
    body = {"origin": "Westburg", "destination": "Eastgrad", "via": ["Westport"], "avoid": ["XN"]}
    body |= {"modes": ["rail", "sea"], "objective": "generalized", "value_of_time_usd_per_teu_hour": 10}
    answer = client.post("/route", json=body)
    assert answer.status_code == 200, answer.text
    expected = small_net.route(
        "Westburg", "Eastgrad", via=["Westport"], avoid=["XN"], modes=["rail", "sea"], objective="generalized",
        value_of_time_usd_per_teu_hour=10,
    )  # fmt: skip
    assert answer.json() == json.loads(json.dumps(expected.to_dict()))


def test_unknown_place_is_404_with_suggestions(client):
    answer = client.post("/route", json={"origin": "Eastgard", "destination": "Westburg"})
    assert answer.status_code == 404
    assert answer.json()["suggestions"][0] == "Eastgrad"
    assert "unknown place 'Eastgard'" in answer.json()["detail"]


def test_no_route_is_422_on_the_body(client):
    answer = client.post("/route", json={"origin": "Westburg", "destination": "Northhaven", "avoid": ["XE"]})
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {"loc": ["body"], "msg": "no route from Westburg to Northhaven avoiding XE", "type": "no_route"}
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"origin": "10,10", "destination": "Westburg"}, "origin"),
        ({"origin": "Westburg", "destination": "Eastgrad", "avoid": ["XE"]}, "avoid"),
        ({"origin": "Westburg", "destination": "Eastgrad", "value_of_time_usd_per_teu_hour": 5}, "objective"),
        ({"origin": "Westburg", "destination": "Eastgrad", "objective": "fastest"}, "objective"),
        ({"origin": "Westburg"}, "destination"),
    ],
)
def test_input_errors_are_422_naming_the_field(client, body, field):
    answer = client.post("/route", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"][-1] == field


def test_compare_gives_each_family(client, small_net):
    answer = client.post("/compare", json={"origin": "Westburg", "destination": "Eastgrad", "objective": "time"})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert [(d["corridor"], d["name"], d["feasible"]) for d in data] == [
        ("overland", "Overland", True),
        ("by_sea", "By sea", True),
        ("around_xe", "Around XE", True),  # a family's avoid spares the ends' countries
    ]
    expected = small_net.compare("Westburg", "Eastgrad", objective="time")
    assert data == json.loads(json.dumps([o.to_dict() for o in expected]))


def test_compare_only_named_families(client):
    body = {"origin": "Westburg", "destination": "Eastgrad", "corridors": ["by_sea"]}
    assert [d["corridor"] for d in client.post("/compare", json=body).json()] == ["by_sea"]
    body["corridors"] = ["northern"]
    answer = client.post("/compare", json=body)
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"][-1] == "corridors"
