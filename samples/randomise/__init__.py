"""The layout randomiser: documents composed from parts, so that any seed draws new layouts."""

from samples.randomise.families import DEALT, FAMILIES
from samples.randomise.generate import generate_set

__all__ = ["DEALT", "FAMILIES", "generate_set"]
