"""The REST API with the real app and the real network: answers, errors and caps."""

import threading
import time

import pytest
from fastapi.testclient import TestClient

from corridor.server import Limits, create_app

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(world):
    return TestClient(create_app(world))


def test_health_places_and_docs(client, world):
    assert client.get("/health").json()["places"] == len(world.pack.places)
    lt = client.get("/places", params={"country": "LT"}).json()
    assert {p["name"] for p in lt} >= {"Klaipėda", "Kaunas", "Vilnius"}
    assert client.get("/places", params={"country": "Lithuania"}).status_code == 422
    schema = client.get("/openapi.json").json()
    assert {"/route", "/compare", "/reach", "/scenario/run", "/network/{layer}", "/places", "/health"} <= set(
        schema["paths"]
    )
    assert client.get("/docs").status_code == 200
    assert client.get("/").status_code == 200


def test_crossings_by_country_mode_and_day(client):
    rows = {c["id"]: c for c in client.get("/crossings", params={"country": "FI", "mode": "rail"}).json()}
    assert rows and not rows["imatra_svetogorsk"]["open"]
    earlier = client.get("/crossings", params={"country": "FI", "mode": "rail", "as_of": "2021"}).json()
    assert {c["id"]: c["open"] for c in earlier}["imatra_svetogorsk"] is True
    assert client.get("/crossings", params={"mode": "sea"}).status_code == 422
    assert client.get("/crossings", params={"as_of": "1990"}).status_code == 422


def test_route_equals_python_api(client, world):
    body = {"origin": "Xi'an", "destination": "Klaipeda", "avoid": ["RU", "BY"], "objective": "time"}
    answer = client.post("/route", json=body)
    assert answer.status_code == 200
    expected = world.route("Xi'an", "Klaipeda", avoid=["RU", "BY"], objective="time").to_dict()
    assert answer.json() == expected


def test_compare_reach_and_layer(client):
    options = client.post("/compare", json={"origin": "Xi'an", "destination": "Duisburg"}).json()
    assert [o["corridor"] for o in options][:2] == ["northern", "middle"] and all("route" in o for o in options)
    reach = client.post("/reach", json={"origin": "Almaty", "days": 8, "geojson": True}).json()
    assert reach["places"] and reach["geojson"]["type"] == "FeatureCollection"
    layer = client.get("/network/rail", params={"bbox": "20,50,30,58", "zoom": 6}).json()
    lines = layer["features"][0]["geometry"]["coordinates"]
    assert lines and all(20 - 1 <= x <= 30 + 1 for seg in lines for x, _ in seg)
    coarse = client.get("/network/rail", params={"bbox": "20,50,30,58", "zoom": 2}).json()
    assert len(coarse["features"][0]["geometry"]["coordinates"]) < len(lines)


def test_route_carries_its_reliability_and_compare_its_p50_and_p90_days(client, world):
    route = client.post("/route", json={"origin": "Almaty", "destination": "Karlshamn", "avoid": "RU,BY"}).json()
    rel = route["reliability"]
    assert rel["draws"] == 10_000 and rel["seed"] == 0 and rel["depart"] is None and rel["arrival_p50"] is None
    assert rel == world.route("Almaty", "Karlshamn", avoid="RU,BY").reliability.to_dict()
    assert rel["planned_hours"] <= rel["p50_hours"] <= rel["p90_hours"] <= rel["p95_hours"]
    none = client.post("/route", json={"origin": "Almaty", "destination": "Karlshamn", "draws": 0}).json()
    assert none["reliability"] is None
    options = client.post("/compare", json={"origin": "Almaty", "destination": "Karlshamn"}).json()
    feasible = [o for o in options if o["feasible"]]
    assert feasible and all(o["p50_days"] <= o["p90_days"] for o in feasible)
    assert all(o["p50_days"] is None and o["p90_days"] is None for o in options if not o["feasible"])
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert {"p50_days", "p90_days"} <= set(schema["CorridorOptionModel"]["properties"])
    draws = schema["RouteRequest"]["properties"]["draws"]
    assert draws["default"] == 10_000 and draws["maximum"] == 1_000_000 and draws["minimum"] == 0
    assert {"depart", "seed"} <= set(schema["RouteRequest"]["properties"])
    assert not {"depart", "draws", "seed"} & set(schema["PathRequest"]["properties"])


@pytest.mark.parametrize(
    ("path", "body", "field", "needle"),
    [
        ("/route", {"depart": "2026-13-01"}, "depart", "depart '2026-13-01' is not a date and time; use ISO 8601"),
        ("/route", {"depart": "2099-01-01T08:00"}, "depart", "outside the dates the timetables cover"),
        ("/route", {"depart": ["2026-12-07"]}, "depart", "string"),
        ("/route", {"draws": 1_000_001}, "draws", "less than or equal to 1000000"),
        ("/route", {"draws": -1}, "draws", "greater than or equal to 0"),
        ("/route", {"draws": "many"}, "draws", "integer"),
        ("/route", {"seed": -1}, "seed", "greater than or equal to 0"),
        ("/compare", {"draws": 2_000_000}, "draws", "less than or equal to 1000000"),
        ("/path", {"draws": 100}, "draws", "Extra inputs"),
        ("/path", {"depart": "2026-12-07"}, "depart", "Extra inputs"),
    ],
)
def test_a_bad_departure_or_draws_is_one_422_naming_the_field(client, path, body, field, needle):
    answer = client.post(path, json={"origin": "Almaty", "destination": "Karlshamn", **body})
    assert answer.status_code == 422, answer.text
    (error,) = answer.json()["detail"]
    assert error["loc"] == ["body", field] and needle in error["msg"]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "needle"),
    [
        ("post", "/route", {"origin": "Kaunass", "destination": "Minsk"}, 404, "unknown place"),
        ("post", "/route", {"origin": "Minsk"}, 422, "destination"),
        ("post", "/route", {"origin": "Minsk", "destination": "Klaipeda", "objective": "fastest"}, 422, "objective"),
        ("post", "/route", {"origin": "91,0", "destination": "Minsk"}, 422, "out of range"),
        ("post", "/route", {"origin": "Aktau", "destination": "Baku", "modes": ["rail"], "avoid": ["RU", "IR"]}, 422,
         "no route"),
        ("post", "/route", {"origin": "Minsk", "destination": "Klaipeda", "extra": 1}, 422, "extra"),
        ("post", "/reach", {"origin": "Almaty"}, 422, "exactly one budget"),
        ("post", "/scenario/run", {"name": "no-such"}, 404, "unknown scenario"),
        ("post", "/scenario/run", {"body": {"name": "x", "extends": "/etc/passwd"}}, 422, "only a shipped scenario"),
        ("get", "/network/metro?bbox=20,50,30,58", None, 404, "unknown layer"),
        ("get", "/network/rail?bbox=30,50,20,58", None, 422, "west < east"),
    ],
)  # fmt: skip
def test_errors(client, method, path, body, status, needle):
    answer = client.post(path, json=body) if method == "post" else client.get(path)
    assert answer.status_code == status, answer.text
    assert needle in answer.text
    if status == 404 and "unknown place" in answer.text:
        assert answer.json()["suggestions"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/route", {"origin": "Minsk", "destination": "43.0,51.6"}, "destination"),  # the Caspian, far from land
        ("/route", {"origin": "43.0,51.6", "destination": "Minsk"}, "origin"),
        ("/route", {"origin": "Minsk", "destination": "Riga", "via": ["43.0,51.6"]}, "via"),
        ("/compare", {"origin": "Minsk", "destination": "43.0,51.6"}, "destination"),
        ("/reach", {"origin": "43.0,51.6", "days": 3}, "origin"),
    ],
)
def test_coordinates_far_from_the_network_name_their_field(client, path, body, field):
    answer = client.post(path, json=body)
    assert answer.status_code == 422
    (error,) = answer.json()["detail"]
    assert error["loc"] == ["body", field]
    assert "more than 50 km from any usable" in error["msg"]


def test_two_ends_on_one_network_node(client, world):
    # two points in the Caspian off Aktau snap to the same port node: a route of no legs, not an error
    body = {"origin": "43.29015,51.65437", "destination": "43.53240,51.41812", "objective": "cost"}
    answer = client.post("/route", json=body)
    assert answer.status_code == 200, answer.text
    route = answer.json()
    assert route["km"] == 0 and route["legs"] == [] and route["countries"] == ["KZ"]
    assert route["snap_km"]["origin"] > 0 and route["snap_km"]["destination"] > 0
    (a, b) = route["geometry"]["coordinates"]  # a LineString needs two positions
    assert a == b
    path = world.path(body["origin"], body["destination"], objective="cost")
    assert path.km == 0 and len(path.geometry()["coordinates"]) == 2


def test_body_cap_413(world):
    client = TestClient(create_app(world, limits=Limits(max_body_bytes=200)))
    big = {"origin": "Xi'an", "destination": "Klaipeda", "via": ["Almaty"] * 8, "avoid": ["RU"] * 30}
    assert client.post("/route", json=big).status_code == 413


def test_compute_cap_503_and_in_flight_cap_429_per_lane(world):
    slow_limits = Limits(compute_seconds=0.001)
    client = TestClient(create_app(world, limits=slow_limits))
    answer = client.post("/compare", json={"origin": "Xi'an", "destination": "Duisburg"})
    assert answer.status_code == 503 and "too long" in answer.text
    busy = create_app(world, limits=Limits(max_in_flight_scenarios=1, wait_for_slot_seconds=0.01, compute_seconds=30))
    results = []

    def call():
        with TestClient(busy) as c:
            results.append(c.post("/scenario/run", json={"name": "baseline"}).status_code)

    first = threading.Thread(target=call)
    first.start()
    time.sleep(0.5)
    with TestClient(busy) as c:
        second = c.post("/scenario/run", json={"name": "baseline"})
        route = c.post("/route", json={"origin": "Minsk", "destination": "Klaipeda"})
    first.join()
    assert second.status_code == 429 and "in flight" in second.text  # the scenario lane is full
    assert route.status_code == 200  # routes have capacity of their own
    assert results == [200]


def test_cors_off_by_default(client, world):
    answer = client.get("/health", headers={"Origin": "https://example.org"})
    assert "access-control-allow-origin" not in answer.headers
    open_client = TestClient(create_app(world, cors_origins=["https://example.org"]))
    answer = open_client.get("/health", headers={"Origin": "https://example.org"})
    assert answer.headers.get("access-control-allow-origin") == "https://example.org"


def test_country_and_service_layers_and_offline_docs(client, world):
    countries = client.get("/network/countries", params={"bbox": "20,50,30,58", "zoom": 4}).json()
    codes = {f["properties"]["country"] for f in countries["features"]}
    assert {"LT", "LV", "BY", "PL"} <= codes and "CN" not in codes
    for feature in countries["features"]:
        for ring in _rings(feature["geometry"]):
            assert all(20 - 1e-6 <= x <= 30 + 1e-6 and 50 - 1e-6 <= y <= 58 + 1e-6 for x, y in ring)
    services = client.get("/network/services", params={"bbox": "-180,-85,180,85"}).json()["features"]
    names = {f["properties"]["service"] for f in services}
    assert names == {s.service for s in world.pack.services}
    caspian = client.get("/network/services", params={"bbox": "46,36,56,47"}).json()["features"]
    assert caspian and all(f["properties"]["mode"] in ("ferry", "service") for f in caspian)
    assert len(caspian) < len(services)
    assert client.get("/network/lakes", params={"bbox": "20,50,30,58"}).status_code == 404
    docs = client.get("/docs").text
    assert "/static/vendor/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert client.get("/static/vendor/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/vendor/maplibre-gl.mjs").status_code == 200
    assert client.get("/static/../app.py").status_code == 404


def _rings(geometry):
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]
