"""Load test of the REST API: N concurrent clients send route and compare requests to a local server.

Starts ``corridor serve`` on a free port in a subprocess (one worker, the way it ships), waits
for /health, then runs the clients for the given seconds and prints one table: requests per
second, p50/p95/p99 latency and errors, per request kind.

    python benchmarks/serve.py [--clients 16] [--seconds 60] [--compare-share 0.2] [--jitter-km 0]

With ``--jitter-km K`` every request is new: its ends are random points within about K km of
two data-pack places, sent as 'lat,lon', so nothing is answered from the server's cache.
"""

from __future__ import annotations

import argparse
import math
import random
import socket
import subprocess
import sys
import threading
import time

import httpx
import numpy as np

PLACES = [
    "Xi'an", "Chongqing", "Lianyungang", "Urumqi", "Khorgos", "Dostyk", "Almaty", "Astana", "Aktau", "Baku",
    "Tbilisi", "Poti", "Batumi", "Kars", "Istanbul", "Constanta", "Minsk", "Vilnius", "Kaunas", "Klaipeda",
    "Riga", "Warsaw", "Lodz", "Duisburg", "Hamburg", "Rotterdam",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"server did not answer {url} within {seconds:.0f} s")


def jittered(rng: random.Random, place: dict, km: float) -> str:
    """A random point within about ``km`` of a place, as 'lat,lon'."""
    distance, bearing = km * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    lat = place["lat"] + distance / 111.0 * math.cos(bearing)
    lon = place["lon"] + distance / (111.0 * math.cos(math.radians(place["lat"]))) * math.sin(bearing)
    return f"{lat:.5f},{lon:.5f}"


def client(base: str, stop: float, share: float, seed: int, out: list, places: list, jitter_km: float) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=base, timeout=30.0) as http:
        while time.monotonic() < stop:
            if jitter_km > 0:
                a, b = (jittered(rng, p, jitter_km) for p in rng.sample(places, 2))
            else:
                a, b = rng.sample(PLACES, 2)
            kind = "compare" if rng.random() < share else "route"
            body = {"origin": a, "destination": b}
            if kind == "route":
                body["objective"] = rng.choice(["time", "cost", "generalized"])
            start = time.perf_counter()
            try:
                status = http.post(f"/{kind}", json=body).status_code
            except httpx.HTTPError:
                status = -1
            # 404 (no route under the options) and 422 (a random point far from any network) are
            # answers to the question asked; errors are everything else (5xx, 429, no answer)
            out.append((kind, time.perf_counter() - start, status in (404, 422), status not in (200, 404, 422)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--compare-share", type=float, default=0.2, help="share of compare requests (default 0.2)")
    parser.add_argument("--jitter-km", type=float, default=0.0, help="new random ends near places: no cache hits")
    args = parser.parse_args()

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "corridor", "serve", "--port", str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/health")
        httpx.post(f"{base}/route", json={"origin": "Xi'an", "destination": "Duisburg"}, timeout=60)  # warm-up
        places = httpx.get(f"{base}/places", timeout=30).json()
        results: list = []
        stop = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=client, args=(base, stop, args.compare_share, i, results, places, args.jitter_km))
            for i in range(args.clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=30)

    from rich.console import Console
    from rich.table import Table

    ends = f"random points within {args.jitter_km:g} km of places" if args.jitter_km > 0 else "26 named places"
    table = Table(title=f"REST API under load: {args.clients} clients for {args.seconds:.0f} s, {ends}")
    for col in ("requests", "count", "req/s", "p50 ms", "p95 ms", "p99 ms", "404/422", "errors"):
        table.add_column(col, justify="left" if col == "requests" else "right")
    for kind in ("route", "compare", "all"):
        rows = [r for r in results if kind == "all" or r[0] == kind]
        if not rows:
            continue
        ms = np.array([r[1] for r in rows]) * 1000.0
        table.add_row(
            kind,
            str(len(rows)),
            f"{len(rows) / args.seconds:.1f}",
            f"{np.percentile(ms, 50):.1f}",
            f"{np.percentile(ms, 95):.1f}",
            f"{np.percentile(ms, 99):.1f}",
            str(sum(r[2] for r in rows)),
            str(sum(r[3] for r in rows)),
        )
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
