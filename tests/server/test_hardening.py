"""The REST server under hostile requests: bodies read no further than the cap, client mistakes as
4xx naming the field, map layers bounded and in a lane of their own, time caps that stop the work."""

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

import corridor
import corridor.server.maps as server_maps
from corridor.server import Limits, create_app


class _Unused:
    """A network nothing may use: a scenario run is handed its (absent) engine, any other use fails."""

    engine = None

    def __getattr__(self, name):
        raise AssertionError(f"this request must be answered before the network is needed (used {name!r})")


def _no_network():
    return _Unused()


@pytest.fixture
def bare():
    """An app whose network is never loaded: for requests refused before any routing."""
    return TestClient(create_app(_no_network), raise_server_exceptions=False)


def _asgi_post(app, chunks, *, chunked=True):
    """POST ``chunks`` to ``app`` as one streamed body; the status and how many chunks the app read."""
    pulled = 0
    sent = []
    headers = [(b"content-type", b"application/json")]
    if chunked:
        headers.append((b"transfer-encoding", b"chunked"))

    async def receive():
        nonlocal pulled
        if pulled < len(chunks):
            pulled += 1
            return {"type": "http.request", "body": chunks[pulled - 1], "more_body": pulled < len(chunks)}
        await asyncio.sleep(3600)  # the client waits for the answer

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": "/route", "raw_path": b"/route", "query_string": b"", "headers": headers,
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "root_path": ""}  # fmt: skip

    async def call():
        await asyncio.wait_for(app(scope, receive, send), timeout=10)

    with ThreadPoolExecutor(1) as pool:  # a thread of its own: one that runs a loop already (a browser driver) can't
        pool.submit(lambda: asyncio.run(call())).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], pulled


def test_chunked_body_is_refused_at_the_cap_without_reading_the_rest():
    app = create_app(_no_network, limits=Limits(max_body_bytes=64 * 1024))
    chunk = b"x" * (16 * 1024)
    status, pulled = _asgi_post(app, [chunk] * 1000)  # 16 MB offered
    assert status == 413
    assert pulled <= 5  # stopped just past 64 KB, not after 16 MB


def test_small_chunked_body_still_reaches_the_route():
    app = create_app(_no_network, limits=Limits(max_body_bytes=64 * 1024))
    status, _ = _asgi_post(app, [b'{"origin": "a",', b' "destination": 5}'])
    assert status == 422  # read whole and validated: destination must be a string


@pytest.mark.parametrize(
    "body",
    [
        b'{"origin": NaN, "destination": "Minsk"}',
        b'{"origin": "Minsk", "destination": "Riga", "value_of_time_usd_per_teu_hour": NaN}',
        b'{"origin": "Minsk", "destination": "Riga", "carbon_price_usd_per_t_co2e": Infinity}',
        b'{"origin": "Minsk", "destination": "Riga", "value_of_time_usd_per_teu_hour": -Infinity}',
        b'{"origin": "Minsk", "destination": "Riga", "value_of_time_usd_per_teu_hour": 1e400}',
        b"[1e400]",
        b'{"origin": "\xff\xfe", "destination": "Riga"}',
        b"\xff\xfe\x00{",
    ],
)
def test_non_finite_numbers_and_bad_bytes_are_client_errors(bare, body):
    answer = bare.post("/route", content=body, headers={"content-type": "application/json"})
    assert 400 <= answer.status_code < 500, answer.text
    assert "Traceback" not in answer.text


def test_non_finite_value_names_its_field(bare):
    body = b'{"origin": "Minsk", "destination": "Riga", "value_of_time_usd_per_teu_hour": NaN}'
    answer = bare.post("/route", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 422
    assert ["body", "value_of_time_usd_per_teu_hour"] in [e["loc"] for e in answer.json()["detail"]]


@pytest.mark.parametrize(
    ("bbox", "zoom"),
    [("-180,-85,180,85", 14), ("0,40,50,60", 8), ("20,50,21,50.2", 14), ("nan,1,2,3", 3), ("1,2,3", 3)],
)
def test_layer_box_bounded_by_zoom(bare, bbox, zoom):
    answer = bare.get("/network/road", params={"bbox": bbox, "zoom": zoom})  # 1° at zoom 14 is over 32 tiles
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "bbox"]


def test_scenario_time_cap_stops_the_work(monkeypatch):
    """A run past its cap answers 503 and is told to stop at its next step; the next run is not 503."""
    stopped = threading.Event()
    calls = []

    def endless(spec, *, progress=None, **_):
        calls.append(spec.name)
        if len(calls) > 1:
            raise corridor.ScenarioError("second run reached the work", field="name")
        try:
            while True:
                progress("working", 0.5)
                time.sleep(0.01)
        finally:
            stopped.set()

    monkeypatch.setattr(corridor, "run_scenario", endless)
    client = TestClient(create_app(_no_network, limits=Limits(scenario_seconds=0.3)))
    first = client.post("/scenario/run", json={"name": "baseline"})
    assert first.status_code == 503
    assert stopped.wait(2.0), "the abandoned run kept going"
    second = client.post("/scenario/run", json={"name": "baseline"})
    assert second.status_code == 422 and len(calls) == 2  # the second run ran (and its error is mapped)


@pytest.mark.integration
def test_layer_burst_does_not_take_route_capacity(world, monkeypatch):
    """Map layers held up in their lane: routes still answer, layers beyond their cap get 429."""
    release, two_in = threading.Event(), threading.Event()
    entered = []
    real = server_maps.layer_geojson

    def slow(*args, **kwargs):
        entered.append(1)
        if len(entered) >= 2:
            two_in.set()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(server_maps, "layer_geojson", slow)
    limits = Limits(max_in_flight=4, max_in_flight_layers=2, wait_for_slot_seconds=0.2)
    app = create_app(world, limits=limits)
    layer_answers = []

    def layer(i):
        with TestClient(app) as c:
            box = f"{20 + i},50,{21 + i},51"
            layer_answers.append(c.get("/network/rail", params={"bbox": box, "zoom": 6}).status_code)

    threads = [threading.Thread(target=layer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    # two layers hold the lane; the other two wait for a slot and are refused (however late their threads start)
    assert two_in.wait(30), "two layer requests should be in the lane"
    deadline = time.monotonic() + 30
    while len(layer_answers) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    with TestClient(app) as c:
        routes = [c.post("/route", json={"origin": "Minsk", "destination": "Klaipeda"}).status_code for _ in range(6)]
    release.set()
    for t in threads:
        t.join()
    assert routes == [200] * 6
    assert sorted(layer_answers) == [200, 200, 429, 429]


@pytest.mark.parametrize("path", ["/etc/passwd", "/etc/no-such-file.csv", "../../data/demand/corridor-2024.csv"])
def test_scenario_body_cannot_name_a_server_file(bare, path):
    """Existing or not, a path is refused the same way: a client can neither read nor probe files."""
    answer = bare.post("/scenario/run", json={"body": {"name": "x", "demand": {"set": path}}})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "demand", "set"]
    assert "root:" not in answer.text and "no such file" not in answer.text.lower()


def test_scenario_body_cannot_extend_a_server_file(bare):
    answer = bare.post("/scenario/run", json={"body": {"name": "x", "extends": "/etc/passwd"}})
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "extends"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"name": "x", "close": {"crossings": ["nope"]}}, ["body", "close", "crossings"]),
        (
            {"name": "x", "change": {"parameters": {"sea_usd_per_teu_km": -10}}},
            ["body", "change", "parameters", "sea_usd_per_teu_km"],
        ),
        (
            {"name": "x", "change": {"places": {"kaunas": {"handling_hours": -5}}}},
            ["body", "change", "places", "kaunas", "handling_hours"],
        ),
    ],
)
def test_scenario_data_errors_are_422_naming_the_field(bare, body, loc):
    answer = bare.post("/scenario/run", json={"body": body})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == loc
