"""What the Monte Carlo takes from the data pack: seaports and ferry ports dwell as ports, inland terminals not."""

from corridor.datapack import load_pack
from corridor.engine.core import reliability_model
from corridor.reliability.waits import pack_waits


def test_seaports_and_ferry_ports_take_the_port_shape():
    pack = load_pack()
    model = reliability_model(pack, pack_waits(None))
    kinds = {p.name: set(p.kinds) for p in pack.places}
    for name, facts in model.places.items():
        assert facts.port == bool(kinds[name] & {"seaport", "ferry_port"}), name
    assert model.places["Poti"].port and model.places["Aktau"].port and model.places["Constanța"].port
    assert not model.places["Xi'an"].port and not model.places["Duisburg"].port
