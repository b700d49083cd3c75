"""The deterministic sample city: messy district submissions plus the truth file they are scored against."""

from .city import generate_city

__all__ = ["generate_city"]
