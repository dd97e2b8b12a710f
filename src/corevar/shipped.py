"""Where the files shipped inside the package live: the registry YAML and the bundled observations.

Paths only, no parsing: opening a store stats these files to know whether it is up to date, and must not pay for
importing the registry's pydantic models to do so (:mod:`corevar.registry` reads them).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["DATASET", "observation_files"]

DATASET = Path(str(resources.files("corevar") / "dataset"))


def observation_files() -> list[Path]:
    """The bundled observation files, in a stable order."""
    return sorted((DATASET / "observations").glob("*.csv"))
