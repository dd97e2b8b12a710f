"""The pydantic models and the column-wise ingest checks must agree on what a valid observation is."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from corevar import registry
from corevar.errors import IngestError
from corevar.load import ingest
from corevar.models import Kind, Observation, Target
from corevar.store import Store
from tests.conftest import row, write_csv

CASES = [
    row(),
    row(kind="target", as_of="2026-12-31", published="2025-01-01"),
    row(kind="projection", as_of="2030-12-31", published="2025-01-01"),
    row(kind="reported", as_of="2025-12-31", published="2025-01-01"),
    row(low="1", high="999999999"),
    row(low="200000000"),
    row(high="5"),
    row(kind="rumour"),
    row(source_url="ftp://example.org/x"),
    row(value="not a number"),
    row(as_of="2025-02-30"),
    row(publisher=""),
]


@pytest.mark.parametrize("case", CASES, ids=range(len(CASES)))
def test_model_and_ingest_agree(case: dict[str, str], store: Store, tmp_path: Path) -> None:
    fields = {k: v for k, v in case.items() if v != ""}
    try:
        Observation.model_validate(fields)
        model_ok = True
    except ValidationError:
        model_ok = False
    try:
        ingest(store, [write_csv(tmp_path / "one.csv", [case])])
        ingest_ok = True
    except IngestError:
        ingest_ok = False
    assert model_ok == ingest_ok


def test_target_view_of_a_target_observation() -> None:
    obs = Observation.model_validate({k: v for k, v in row(kind="target", as_of="2025-12-31").items() if v})
    target = Target.from_observation(obs)
    assert (target.due.isoformat(), target.value, target.metric) == ("2025-12-31", 123456789.0, "weekly_active_users")
    with pytest.raises(ValueError, match="expected 'target'"):
        Target.from_observation(obs.model_copy(update={"kind": Kind.reported}))


def test_registry_is_consistent() -> None:
    units = registry.units()
    variables = registry.core_variables()
    for metric in registry.metrics().values():
        assert metric.unit in units, metric.id
        assert metric.core_variable in variables, metric.id
    product_ids = [p.id for e in registry.entities().values() for p in e.products]
    assert len(product_ids) == len(set(product_ids)), "product ids must be unique across entities"
