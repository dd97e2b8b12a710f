"""The registries that ship with corevar: the metric taxonomy and the entities with their products.

Both live as YAML inside the package (``corevar/dataset``) so they are reviewable text, and are validated with the
pydantic models on load. A broken registry is a bug in corevar, so it fails loudly.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import yaml

from .models import Entity, Metric

DATASET = Path(str(resources.files("corevar") / "dataset"))
# libyaml's loader when PyYAML was built with it: ten times faster on the registry files, same result.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def taxonomy() -> dict[str, object]:
    """The raw taxonomy document (units, core variables, metrics)."""
    with (DATASET / "taxonomy.yaml").open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER)


@functools.cache
def metrics() -> dict[str, Metric]:
    """Metric id -> Metric, in taxonomy order."""
    raw = taxonomy()["metrics"]
    assert isinstance(raw, list)
    return {m.id: m for m in (Metric.model_validate(item) for item in raw)}


@functools.cache
def units() -> dict[str, str]:
    """Unit id -> description."""
    raw = taxonomy()["units"]
    assert isinstance(raw, dict)
    return dict(raw)


@functools.cache
def core_variables() -> dict[str, str]:
    """Core variable id -> the question it answers."""
    raw = taxonomy()["core_variables"]
    assert isinstance(raw, dict)
    return dict(raw)


@functools.cache
def entities() -> dict[str, Entity]:
    """Entity id -> Entity, with products."""
    with (DATASET / "entities.yaml").open(encoding="utf-8") as fh:
        raw = yaml.load(fh, Loader=_LOADER)
    return {e.id: e for e in (Entity.model_validate(item) for item in raw["entities"])}


def observation_files() -> list[Path]:
    """The bundled observation files, in a stable order."""
    return sorted((DATASET / "observations").glob("*.csv"))
