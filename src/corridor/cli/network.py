"""``corridor network report``: how the network cache was built and healed."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from corridor.cli.loading import network
from corridor.cli.options import AsJson
from corridor.cli.tables import echo_json, new_table, out

__all__ = ["register", "report"]

#: report key → column header of the base-layer table
_LAYER_COLUMNS = {
    "nodes": "nodes", "edges": "edges", "components_before": "components before", "giant_before": "giant before",
    "components_after": "components after", "giant_after": "giant after", "bridges": "bridges",
    "dead_end_links": "dead-end links", "healed_km": "healed km", "max_gap_km": "max gap km",
    "missing_lines": "missing lines", "passenger_edges_left_out": "high-speed edges left out",
    "border_excursions_folded": "border excursions folded",
}  # fmt: skip


def report(
    as_json: AsJson = False,
    rebuild: Annotated[bool, typer.Option(help="Rebuild the cache first.")] = False,
) -> None:
    """The healing report: gaps bridged, missing lines added, how places were joined."""
    found = network(rebuild).report()
    if as_json:
        echo_json(found)
        return
    _print_tables(found)
    for warning in found.get("warnings", []):
        typer.echo(f"warning: {warning}", err=True)


def _print_tables(found: dict[str, Any]) -> None:
    layers = new_table("Base layers and healing", [(h, "right") for h in ("layer", *_LAYER_COLUMNS.values())])
    for name, row in found.get("layers", {}).items():
        layers.add_row(name, *(str(row.get(k, "")) for k in _LAYER_COLUMNS))
    out.print(layers)
    lines = new_table("Known missing lines added from the data pack", [
        (h, "left") for h in ("id", "name", "mode", "km", "snap km (from, to)")
    ])  # fmt: skip
    for row in found.get("missing_lines", []):
        lines.add_row(row["id"], row["name"], row["mode"], f"{row['km']:,.1f}", ", ".join(map(str, row["snap_km"])))
    out.print(lines)
    joined = new_table(
        "Places joined to the layers (access km)", [(h, "left") for h in ("place", "rail", "road", "sea")]
    )
    for row in found.get("places", []):
        links = row["links"]
        joined.add_row(row["name"], *(str(links.get(k, "–")) for k in ("rail", "road", "sea")))
    out.print(joined)


def register(app: typer.Typer) -> None:
    group = typer.Typer(cls=app.info.cls, no_args_is_help=True, help="Inspect the network cache.")
    group.command("report")(report)
    app.add_typer(group, name="network")
