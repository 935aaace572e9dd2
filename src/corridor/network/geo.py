"""Great-circle helpers on WGS84 degrees (lat, lon order), distances in km."""

from __future__ import annotations

import numpy as np

__all__ = ["EARTH_RADIUS_KM", "chord_to_km", "haversine_km", "km_to_chord", "to_unit_xyz"]

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km between points given in degrees (scalars or arrays)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def to_unit_xyz(lat, lon) -> np.ndarray:
    """Points on the unit sphere (n × 3), for KD-tree nearest-neighbour search by chord length."""
    la, lo = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def chord_to_km(chord) -> np.ndarray:
    """Great-circle km for a chord length on the unit sphere."""
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord) / 2, 0.0, 1.0))


def km_to_chord(km: float) -> float:
    """Chord length on the unit sphere for a great-circle distance in km."""
    return float(2 * np.sin(km / (2 * EARTH_RADIUS_KM)))
