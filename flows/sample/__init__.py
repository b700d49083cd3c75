"""The deterministic sample city: messy district submissions plus the truth file they are scored against."""

from .city import generate_city
from .province import generate_province

# Bump when the generator writes other files for the same seed (the bench caches samples by it).
SAMPLE_VERSION = "3"

__all__ = ["SAMPLE_VERSION", "generate_city", "generate_province"]
