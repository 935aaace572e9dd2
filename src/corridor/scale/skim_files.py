"""Writing a skim (``corridor.scale.skim``) to a file, by its extension.

* ``.parquet``: the long table (``origin, destination, feasible, <metrics…>, reason``), with pyarrow.
* ``.csv``: the long table as CSV (UTF-8, a header row; each float in its shortest form that reads back exactly).
* ``.omx``: Open Matrix (HDF5): one matrix per metric under ``/data/<metric>`` (origins × destinations,
  float64, NaN where no route), the zone labels under ``/lookup/origins`` and ``/lookup/destinations``
  (UTF-8 text), and the root attributes ``OMX_VERSION`` ("0.2") and ``SHAPE`` (rows, columns). A square
  skim of finite figures reads back with ``corridor.read_demand`` (which takes the first lookup).
* ``.geoparquet``: the long table with each pair's origin and destination as WKB points
  (``origin_geometry``, the primary column, and ``destination_geometry``, longitude and latitude in
  OGC:CRS84), and the GeoParquet 1.1.0 ``geo`` metadata in the Parquet schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridor.errors import OptionsError
from corridor.scale.skim import SKIM_METRICS, check_metrics

__all__ = ["SKIM_FORMATS", "write_skim"]

#: The file extensions ``write_skim`` writes.
SKIM_FORMATS = (".parquet", ".csv", ".omx", ".geoparquet")

OMX_VERSION = "0.2"
GEOPARQUET_VERSION = "1.1.0"
#: OGC:CRS84 (WGS 84, longitude then latitude) as PROJJSON, the form GeoParquet's ``crs`` takes.
CRS84 = {
    "$schema": "https://proj.org/schemas/v0.7/projjson.schema.json",
    "type": "GeographicCRS",
    "name": "WGS 84 (CRS84)",
    "datum": {
        "type": "GeodeticReferenceFrame",
        "name": "World Geodetic System 1984",
        "ellipsoid": {"name": "WGS 84", "semi_major_axis": 6378137, "inverse_flattening": 298.257223563},
    },
    "coordinate_system": {
        "subtype": "ellipsoidal",
        "axis": [
            {"name": "Geodetic longitude", "abbreviation": "Lon", "direction": "east", "unit": "degree"},
            {"name": "Geodetic latitude", "abbreviation": "Lat", "direction": "north", "unit": "degree"},
        ],
    },
    "id": {"authority": "OGC", "code": "CRS84"},
}


def write_skim(
    frame: pd.DataFrame,
    path: str | Path,
    metrics: Iterable[str] | str | None = None,
    *,
    points: Mapping[str, tuple[float, float]] | None = None,
) -> Path:
    """Write a skim's table to ``path`` in the format its extension names (see the module); returns the path.

    ``metrics``: the metric columns to write (default: every metric column of the frame). ``points``: label →
    (lat, lon) of the zones, for ``.geoparquet`` (default: ``frame.attrs["points"]``, as ``skim`` leaves it).
    An unknown extension, a missing folder or a metric the frame lacks is an OptionsError.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SKIM_FORMATS:
        raise OptionsError(
            f"cannot write a skim to {path.name!r}: use a {', '.join(SKIM_FORMATS[:-1])} or {SKIM_FORMATS[-1]} file",
            option="out",
        )
    if not path.parent.is_dir():
        raise OptionsError(f"cannot write {str(path)!r}: folder {str(path.parent)!r} does not exist", option="out")
    columns = _metric_columns(frame, metrics)
    table = frame[["origin", "destination", "feasible", *columns, "reason"]]
    if suffix == ".csv":
        table.to_csv(path, index=False)
    elif suffix == ".parquet":
        _write_parquet(table, path)
    elif suffix == ".omx":
        _write_omx(table, path, columns)
    else:
        located = points if points is not None else frame.attrs.get("points")
        _write_geoparquet(table, path, located)
    return path


def _metric_columns(frame: pd.DataFrame, metrics: Iterable[str] | str | None) -> tuple[str, ...]:
    if metrics is None:
        return tuple(m for m in frame.columns if m in SKIM_METRICS)
    columns = check_metrics(metrics)
    missing = [m for m in columns if m not in frame.columns]
    if missing:
        raise OptionsError(
            f"the skim has no {missing[0]!r} column; it has {', '.join(frame.columns)}", option="metrics"
        )
    return columns


def _arrow_table(table: pd.DataFrame) -> Any:
    import pyarrow as pa  # type: ignore[import-untyped]

    return pa.Table.from_pandas(table.reset_index(drop=True), preserve_index=False)


def _write_parquet(table: pd.DataFrame, path: Path) -> None:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    pq.write_table(_arrow_table(table), path)


def _zones(labels: pd.Series) -> tuple[list[str], np.ndarray]:
    """The distinct labels in order of first appearance, and each row's index among them."""
    codes, uniques = pd.factorize(labels, sort=False)
    return [str(u) for u in uniques], codes


def _write_omx(table: pd.DataFrame, path: Path, columns: tuple[str, ...]) -> None:
    import h5py

    origins, rows = _zones(table["origin"])
    destinations, cols = _zones(table["destination"])
    shape = (len(origins), len(destinations))
    text = h5py.string_dtype("utf-8")
    with h5py.File(path, "w") as f:
        f.attrs["OMX_VERSION"] = np.bytes_(OMX_VERSION)
        f.attrs["SHAPE"] = np.array(shape, dtype=np.int32)
        data = f.create_group("data")
        for name in columns:
            matrix = np.full(shape, np.nan)
            values = table[name].to_numpy(dtype=np.float64)
            matrix[rows[::-1], cols[::-1]] = values[::-1]  # a repeated pair keeps its first row
            data.create_dataset(name, data=matrix, compression="gzip", compression_opts=4)
        lookup = f.create_group("lookup")
        lookup.create_dataset("origins", data=np.array(origins, dtype=object), dtype=text)
        lookup.create_dataset("destinations", data=np.array(destinations, dtype=object), dtype=text)


def _write_geoparquet(table: pd.DataFrame, path: Path, points: Mapping[str, tuple[float, float]] | None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    import shapely

    if not points:
        raise OptionsError("a .geoparquet skim needs the zones' coordinates (points: label → (lat, lon))", option="out")
    arrow = _arrow_table(table)
    geo_columns: dict[str, Any] = {}
    for end in ("origin", "destination"):
        labels = table[end].astype(str).tolist()
        missing = next((label for label in labels if label not in points), None)
        if missing is not None:
            raise OptionsError(f"no coordinates for the {end} {missing!r} of the skim", option="out")
        lat = np.array([points[label][0] for label in labels], dtype=np.float64)
        lon = np.array([points[label][1] for label in labels], dtype=np.float64)
        wkb = shapely.to_wkb(shapely.points(lon, lat))
        name = f"{end}_geometry"
        arrow = arrow.append_column(name, pa.array(list(wkb), type=pa.binary()))
        geo_columns[name] = {"encoding": "WKB", "geometry_types": ["Point"], "crs": CRS84}
        if len(labels):
            geo_columns[name]["bbox"] = [float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())]
    geo = {"version": GEOPARQUET_VERSION, "primary_column": "origin_geometry", "columns": geo_columns}
    metadata = {**(arrow.schema.metadata or {}), b"geo": json.dumps(geo).encode("utf-8")}
    pq.write_table(arrow.replace_schema_metadata(metadata), path)
