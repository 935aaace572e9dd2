"""Load test of the REST API: N concurrent clients send route and compare requests to a local server.

Starts ``corridor serve`` on a free port in a subprocess (one worker, the way it ships), waits
for /health, then runs the clients for the given seconds and prints one table: requests per
second, p50/p95/p99 latency and errors, per request kind.

    python benchmarks/serve.py [--clients 16] [--seconds 60] [--compare-share 0.2]
"""

from __future__ import annotations

import argparse
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


def client(base: str, stop: float, share: float, seed: int, out: list) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=base, timeout=30.0) as http:
        while time.monotonic() < stop:
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
            # a 404 (no route between two places under the options) is an answer, not an error
            out.append((kind, time.perf_counter() - start, status not in (200, 404)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--compare-share", type=float, default=0.2, help="share of compare requests (default 0.2)")
    args = parser.parse_args()

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "corridor", "serve", "--port", str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/health")
        httpx.post(f"{base}/route", json={"origin": "Xi'an", "destination": "Duisburg"}, timeout=60)  # warm-up
        results: list = []
        stop = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=client, args=(base, stop, args.compare_share, i, results))
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

    table = Table(title=f"REST API under load: {args.clients} clients for {args.seconds:.0f} s (one server process)")
    for col in ("requests", "count", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"):
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
        )
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
