"""The statement of method that goes with every emissions figure, in ISO 14083:2023 / GLEC Framework v3 terms."""

from __future__ import annotations

__all__ = ["method_statement"]


def method_statement(
    cargo_tonnes_per_teu: float, teu_net_tonnes: float, *, wtw_at_default_kg: float, route_kg_co2e_per_teu: float
) -> str:
    """How the route's emissions were quantified, for one TEU carrying ``cargo_tonnes_per_teu`` tonnes, and how they
    relate to the route's own ``kg_co2e_per_teu`` (what the co2 objective minimises).

    ``teu_net_tonnes`` converts per-TEU factors to per tonne and is the weight the network's edges are priced
    for; ``wtw_at_default_kg`` is the route's WTW at that weight, compared with ``route_kg_co2e_per_teu``."""
    if abs(wtw_at_default_kg - route_kg_co2e_per_teu) <= 1e-6 * max(1.0, abs(route_kg_co2e_per_teu)):
        relation = f"equals the route's kg_co2e_per_teu at {teu_net_tonnes:g} t"
    else:  # a network priced otherwise (a graph built by hand): say so rather than imply agreement
        relation = (
            f"is {wtw_at_default_kg:,.1f} kg at {teu_net_tonnes:g} t; the route's kg_co2e_per_teu "
            f"({route_kg_co2e_per_teu:,.1f}) comes from edges priced otherwise"
        )
    return (
        "ISO 14083:2023 / GLEC Framework v3. kg CO2e per leg and per hub, well-to-wheel (WTW) = tank-to-wheel "
        "(TTW, the vehicle) + well-to-tank (WTT, the energy supply). "
        f"Shipment: one TEU with {cargo_tonnes_per_teu:g} t net cargo; tonne-km on the actual km of the route's legs. "
        "Default intensities by transport activity (GLEC v3, VTT LIPASTO container trains, DEFRA-based ships), "
        "not a carrier's own data. Rail: each country's electric share at the train's kWh/t-km x the country's "
        "grid intensity, the rest diesel; a leg's km is split by country. "
        f"Allocation by mass: per-TEU factors (container ships, hub moves) / {teu_net_tonnes:g} t per TEU. "
        "Hubs: per container move (lift) at terminals and ports and per gauge-change transshipment. "
        f"The WTW total {relation}."
    )
