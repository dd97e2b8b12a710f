"""The API fuzzed from its own OpenAPI schema: no 5xx, every response as the schema says (status, content type,
body). Bounded: a dozen examples per operation, a few hundred in all, so `make test` stays quick.

Driven with Hypothesis directly (one strategy per operation) rather than through the schemathesis pytest plugin.
"""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("schemathesis")

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from .conftest import TOKEN

EXAMPLES = 12


@pytest.fixture(scope="module")
def fuzz_app(base_db, tmp_path_factory):
    """The app over a private copy of the store: a fuzzed write that happens to be valid must not leak."""
    from corevar.web import create_app

    path = tmp_path_factory.mktemp("fuzz") / "corevar.duckdb"
    shutil.copy(base_db, path)
    return create_app(path, token=TOKEN)


def test_api_conforms_to_its_schema(fuzz_app):
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", fuzz_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    failures: list[str] = []
    counter = [0]
    for operation in operations:
        headers = {"Authorization": f"Bearer {TOKEN}"} if operation.method.upper() == "POST" else None
        # the report and the verdicts are rebuilt for each new as-of day (about a second each): fewer examples
        heavy = "report" in operation.path or "verdicts" in operation.path
        run = _runner(operation, headers, counter, 4 if heavy else EXAMPLES)
        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
    assert counter[0] >= 150, counter


def _runner(operation, headers, counter, examples):
    @settings(
        max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
    )
    @given(case=operation.as_strategy())
    def run(case) -> None:
        counter[0] += 1
        # A POST body can be schema-valid and still wrong in meaning (an unknown metric, a missing unit, a YAML
        # thesis that does not parse); the API answers 422 with the problems, which is right, so for POSTs the
        # "valid data must be accepted" check does not apply.
        excluded = [positive_data_acceptance] if case.method.upper() == "POST" else None
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    return run
