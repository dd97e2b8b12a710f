"""Student's t quantile of the price-decline interval, computed without SciPy (its import cost a quarter of a second
of `corevar report`'s start-up); it must give SciPy's number."""

from __future__ import annotations

import subprocess
import sys

import pytest

from corevar.analytics.prices import t_quantile_two_sided


@pytest.mark.parametrize("df", [1, 2, 3, 4, 5, 7, 10, 11, 30, 101, 1000, 5001])
@pytest.mark.parametrize("level", [0.5, 0.8, 0.9, 0.95, 0.99, 0.999])
def test_equals_scipy(df: int, level: float) -> None:
    special = pytest.importorskip("scipy.special")
    want = float(special.stdtrit(df, 1.0 - (1.0 - level) / 2.0))
    assert t_quantile_two_sided(level, df) == pytest.approx(want, rel=1e-11)


def test_known_values() -> None:
    assert t_quantile_two_sided(0.95, 1) == pytest.approx(12.706204736174698, rel=1e-12)  # tan(0.475 pi)
    assert t_quantile_two_sided(0.5, 2) == pytest.approx(0.816496580927726, rel=1e-12)  # sqrt(2/3)


def test_rejects_impossible_inputs() -> None:
    with pytest.raises(ValueError):
        t_quantile_two_sided(1.0, 3)
    with pytest.raises(ValueError):
        t_quantile_two_sided(0.9, 0)


def test_price_decline_imports_no_scipy() -> None:
    code = (
        "import sys; from corevar.analytics.prices import price_decline; "
        "r = price_decline(['2024-01-01', '2024-07-01', '2025-01-01', '2025-07-01'], [10.0, 6.0, 3.5, 2.0]); "
        "assert r.ci[0] == r.ci[0]; print('scipy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
