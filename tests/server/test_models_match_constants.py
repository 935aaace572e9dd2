"""The REST models spell out their choices (for the OpenAPI schema); they must be corridor's own."""

from typing import get_args

import pytest

import corridor
from corridor import constants
from corridor.cli import options as cli_options
from corridor.server import models


def test_request_choices_are_corridors_constants():
    assert get_args(models.Objective) == corridor.OBJECTIVES
    assert get_args(models.Mode) == corridor.ROUTABLE_MODES
    assert get_args(models.PlaceKind) == corridor.PLACE_KINDS
    assert get_args(models.DemandSet) == tuple(corridor.SHIPPED_DEMAND)
    assert get_args(models.Method) == tuple(corridor.ASSIGN_METHODS)  # corridor assign: sue, ue, so
    assert get_args(models.Profile) == corridor.PROFILES


def test_draws_bounds_are_the_librarys():
    """The skins spell out the draws' default and cap (the public package does not name them): the library's own."""
    assert models.DEFAULT_DRAWS == cli_options.DEFAULT_DRAWS == constants.DEFAULT_DRAWS
    assert models.MAX_DRAWS == constants.MAX_DRAWS
    corridor.QueryOptions.make(draws=models.MAX_DRAWS, seed=models.MAX_SEED)  # the caps themselves are taken
    for option, over in (("draws", models.MAX_DRAWS + 1), ("seed", models.MAX_SEED + 1)):
        with pytest.raises(corridor.OptionsError) as refused:
            corridor.QueryOptions.make(**{option: over})
        assert refused.value.option == option
