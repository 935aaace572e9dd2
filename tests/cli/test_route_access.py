"""The route table says where a town or point end joins the network and that the access is not priced."""

from corridor.cli.route import route_table


def test_a_far_end_says_where_it_joins_the_network(small_net):
    route = small_net.route("Białystok", "Westburg", draws=0)  # 37 km from the small network's nearest node
    caption = str(route_table(route).caption)
    assert caption.startswith(f"Białystok (PL) joins the network at {route.legs[0].from_}, 37 km away")
    assert caption.endswith("(the access is not in the totals)")


def test_a_place_end_has_no_access_line(small_net):
    assert route_table(small_net.route("Westburg", "Eastgrad", draws=0)).caption is None
