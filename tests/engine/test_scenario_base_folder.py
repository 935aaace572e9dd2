"""A scenario run on a loaded engine (the server's) joins its network from the base in that engine's cache
folder, not in the default one, and updates that engine's landmark bounds rather than searching them afresh."""

import pytest

from corridor.engine import Engine
from corridor.scenario.run import run_scenario
from corridor.scenario.schema import scenario_from_dict
from corridor.settings import Settings


class JoinedError(Exception):
    """Raised by the stand-in ``from_pack`` once it has seen its arguments."""


def test_a_scenario_takes_the_base_from_the_engines_cache_folder(small_net, monkeypatch, tmp_path):
    settings = Settings(cache_dir=tmp_path)
    engine = Engine(small_net.engine.graph, small_net.engine.pack, None, settings=settings)
    seen = {}

    def from_pack(pack, *, closed_crossings=(), progress=None, settings=None, reference=None):
        seen["settings"], seen["reference"] = settings, reference
        raise JoinedError

    monkeypatch.setattr(Engine, "from_pack", staticmethod(from_pack))
    scenario = scenario_from_dict({"name": "dearer-sea", "change": {"parameters": {"sea_usd_per_teu_km": "x2"}}})
    with pytest.raises(JoinedError):
        run_scenario(scenario, engine=engine)
    assert seen["settings"] is settings and seen["reference"] is engine
    with pytest.raises(JoinedError):
        run_scenario(scenario, engine=engine, settings=Settings(cache_dir=tmp_path / "other"))
    assert seen["settings"].cache_folder == tmp_path / "other"
