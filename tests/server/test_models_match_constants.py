"""The REST models spell out their choices (for the OpenAPI schema); they must be corridor's own."""

from typing import get_args

import corridor
from corridor.server import models


def test_request_choices_are_corridors_constants():
    assert get_args(models.Objective) == corridor.OBJECTIVES
    assert get_args(models.Mode) == corridor.ROUTABLE_MODES
    assert get_args(models.PlaceKind) == corridor.PLACE_KINDS
    assert get_args(models.DemandSet) == tuple(corridor.SHIPPED_DEMAND)
    assert get_args(models.Method) == tuple(corridor.ASSIGNMENT_METHODS)
    assert get_args(models.Profile) == corridor.PROFILES
