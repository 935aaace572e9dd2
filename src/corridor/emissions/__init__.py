"""Greenhouse-gas emissions of a route by ISO 14083:2023 and the GLEC Framework v3.

* ``intensity``: the data pack's emission tables as intensities per tonne of cargo (the network's edges are
  priced with them too, so a route's ``kg_co2e_per_teu`` is its well-to-wheel total at the default weight);
* ``path``: what each edge of a route's path emits, and its container moves at hubs;
* ``report``: ``route_emissions`` groups them into the route's legs and hubs for a cargo weight;
* ``result``: the ``Emissions`` record (legs, hubs, totals, method, sources) with ``to_dict``;
* ``method``: the statement of method that goes with the figures.

``corridor.emissions.report`` is imported by name (it needs ``corridor.results``, which needs ``result`` here).
"""

from corridor.emissions.intensity import Intensities, RailMix, hub_of_place
from corridor.emissions.result import Emissions, HubEmissions, LegEmissions

__all__ = ["Emissions", "HubEmissions", "Intensities", "LegEmissions", "RailMix", "hub_of_place"]
